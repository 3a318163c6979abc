// Buttons marked data-print print the page; a page whose <body> has data-auto-print prints itself
// once loaded (the gate's slip printer). A file, not inline script: the Content-Security-Policy
// allows scripts from this site only.
(function () {
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  if (document.body && document.body.hasAttribute("data-auto-print")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
