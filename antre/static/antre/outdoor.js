// Outdoor display: the numbers invited in, and the count inside, live.
(function () {
  "use strict";
  var root = document.getElementById("display");
  var $ = function (id) { return document.getElementById(id); };
  function render(b) {
    if (!b) return;
    $("inside").textContent = b.inside;
    $("capacity").textContent = b.capacity;
    $("message").textContent = b.message;
    var list = $("invited");
    list.innerHTML = "";
    (b.invited.length ? b.invited : ["—"]).forEach(function (n) {
      var li = document.createElement("li");
      li.textContent = n;
      if (n === "—") li.className = "none";
      list.appendChild(li);
    });
  }
  render(JSON.parse($("board-data").textContent));
  if (!window.EventSource) return;
  var source = new EventSource(root.dataset.events);
  source.addEventListener("board", function (e) { render(JSON.parse(e.data)); });
  ["call", "update", "invite"].forEach(function (k) {
    source.addEventListener(k, function (e) { render(JSON.parse(e.data).board); });
  });
})();
