// Outdoor display: the numbers invited in, and the count inside, live.
(function () {
  "use strict";
  var root = document.getElementById("display");
  var $ = function (id) { return document.getElementById(id); };
  var fmt = new Intl.DateTimeFormat("id-ID", { timeZone: root.dataset.tz, hour: "2-digit", minute: "2-digit" });
  var DOOR = { before: "doorBefore", "break": "doorBreak", last_call: "doorLastCall", after: "doorAfter", closed_day: "doorClosedDay" };

  function renderDoor(door) {
    // Before opening, in the break, near closing and on a closed day the screen says so instead of
    // inviting nobody under a big "come in".
    var key = door && DOOR[door.state];
    var text = key ? root.dataset[key] : "";
    if (text && door.at) text = text.replace("{time}", fmt.format(new Date(door.at)).replace(":", ".") + " " + root.dataset.tzLabel);
    $("door-state").textContent = text;
    $("door-state").hidden = !text;
    var quiet = door && (door.state === "before" || door.state === "after" || door.state === "closed_day");
    $("invited-heading").hidden = quiet;
    $("invited").hidden = quiet;
  }

  function render(b) {
    if (!b) return;
    renderDoor(b.door);
    $("inside").textContent = b.inside;
    $("capacity").textContent = b.capacity;
    $("message").textContent = b.message;
    var list = $("invited");
    list.innerHTML = "";
    // Smaller numbers when many are invited at once (the room's capacity, 13 or 25), so that all
    // of them fit on the screen above the banner.
    list.dataset.size = b.invited.length > 12 ? "crowd" : b.invited.length > 6 ? "many" : "";
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
