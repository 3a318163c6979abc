// A second tap while the first is on its way must not send the walk-in form again.
(function () {
  var form = document.querySelector("form.walk-in");
  if (!form) { return; }
  form.addEventListener("submit", function (e) {
    if (form.dataset.sent) { e.preventDefault(); return; }
    form.dataset.sent = "1";
  });
})();
