// Counter console: keyboard shortcuts and a live waiting list. The page works without this file.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    var tag = (e.target.tagName || "").toLowerCase();
    var typing = tag === "select" || tag === "textarea" || (tag === "input" && e.target.type !== "checkbox");
    if (typing) return;
    if (!/^[a-z]$/i.test(e.key)) return;
    var button = root.querySelector('button[data-key="' + e.key.toLowerCase() + '"]');
    if (button) { e.preventDefault(); button.click(); }
  });

  function checked() {
    var number = root.querySelector("#current-number");
    return {
      number: number ? number.textContent : null,
      boxes: Array.prototype.map.call(root.querySelectorAll(".checklist input"), function (b) { return b.checked; })
    };
  }

  // An event that arrives while a refresh is on its way, or while the officer has the transfer list
  // open, is not dropped: one more refresh follows (a call, then the citizen stepping out at once).
  var pending = false, again = false;
  function refresh() {
    if (pending || (root.contains(document.activeElement) && document.activeElement.tagName === "SELECT")) {
      again = true;
      return;
    }
    pending = true;
    again = false;
    var before = checked();
    fetch(root.dataset.partial, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        root.innerHTML = html;
        var after = checked();
        if (after.number && after.number === before.number) {
          root.querySelectorAll(".checklist input").forEach(function (b, i) { b.checked = !!before.boxes[i]; });
        } else {
          // "A-001 dipanggil." no longer describes the counter.
          document.querySelectorAll(".messages").forEach(function (m) { m.remove(); });
        }
      })
      .catch(function () {})
      .then(function () {
        pending = false;
        if (again) refresh();
      });
  }
  root.addEventListener("focusout", function (e) {
    if (e.target.tagName === "SELECT" && again) setTimeout(refresh, 0);
  });

  // The requirement ticks survive the page reload that follows every action on this ticket.
  function remember() {
    var state = checked();
    if (state.number) sessionStorage.setItem("antre-checklist", JSON.stringify(state));
  }
  function restore() {
    var state = checked(), saved;
    try { saved = JSON.parse(sessionStorage.getItem("antre-checklist") || "null"); } catch (err) { saved = null; }
    if (saved && saved.number === state.number) {
      root.querySelectorAll(".checklist input").forEach(function (b, i) { b.checked = !!saved.boxes[i]; });
    }
  }
  root.addEventListener("change", function (e) { if (e.target.closest(".checklist")) remember(); });
  restore();

  if (window.EventSource) {
    var source = new EventSource(root.dataset.events);
    ["call", "update", "invite", "counter"].forEach(function (kind) {
      source.addEventListener(kind, refresh);
    });
  }
})();
