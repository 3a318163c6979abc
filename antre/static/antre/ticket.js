// The citizen's ticket page, live: position and estimate as the queue moves; the call, loud and clear.
(function () {
  "use strict";
  var card = document.getElementById("ticket");
  if (!card || !window.EventSource) return;
  var $ = function (id) { return document.getElementById(id); };
  var labels = JSON.parse($("status-labels").textContent);
  var fmt = new Intl.DateTimeFormat("id-ID", { timeZone: card.dataset.tz, hour: "2-digit", minute: "2-digit" });
  var calledBefore = !$("called-panel").hidden;
  var invitedBefore = !$("invited-panel").hidden;
  var recallsBefore = 0;
  var notToday = !$("not-today-panel").hidden;  // then no place and no time, whatever the queue does
  var askAgain = null;

  function showProgress(position, estimate) {
    var waiting = !notToday && position !== null && position !== undefined;
    document.querySelectorAll(".waiting-only").forEach(function (el) { el.hidden = !waiting; });
    document.querySelectorAll(".estimate-only").forEach(function (el) { el.hidden = !(waiting && estimate); });
    if (!waiting) return;
    $("ticket-position").textContent = $("ticket-position").dataset.template + position;
    if (estimate) {
      $("ticket-estimate").textContent = card.dataset.around + " " + fmt.format(new Date(estimate)) + " " + card.dataset.tzLabel;
    }
  }

  function showGuidance(t) {
    if ($("door-hint")) $("door-hint").hidden = !t.door_hint;  // only an active ticket has its QR
    $("lapsed-panel").hidden = !t.lapsed;
    $("lapsed-again").hidden = t.lapsed !== "again";
    $("lapsed-door").hidden = t.lapsed !== "door";
    notToday = !!t.not_today;
    $("not-today-panel").hidden = !notToday;
    $("no-show-panel").hidden = !t.may_rejoin;
    // Nothing is sent when the door stops inviting for the day: ask again then, timed by the
    // server's clock (the phone's may be wrong).
    clearTimeout(askAgain);
    if (t.invitations_end_at && t.now) {
      var wait = Date.parse(t.invitations_end_at) - Date.parse(t.now);
      askAgain = setTimeout(connect, Math.max(wait, 0) + 1000);
    }
  }

  function showTicket(t) {
    // Labels from the page, in the visitor's language; the stream speaks the office's.
    $("ticket-status").textContent = labels[t.status] || t.status_label;
    $("ticket-number").textContent = t.number;  // a transfer gives a number of the new service
    if (t.service_name) $("ticket-service").textContent = t.service_name;
    if (t.requirements && $("requirements")) {  // a transfer brings the new service's requirements
      var list = $("requirements");
      list.innerHTML = "";
      t.requirements.forEach(function (name) {
        var li = document.createElement("li"); li.textContent = name; list.appendChild(li);
      });
      $("requirements-card").hidden = t.requirements.length === 0;
    }
    if ($("stepped-out-panel")) $("stepped-out-panel").hidden = !t.stepped_out;
    $("ticket-status").className = "status " + t.status;
    showGuidance(t);
    showProgress(t.position, t.estimated_call_at);
    document.querySelectorAll(".come-only").forEach(function (el) { el.hidden = !t.come_at; });
    if (t.come_at) $("ticket-come-at").textContent = fmt.format(new Date(t.come_at)) + " " + card.dataset.tzLabel;
    $("ticket-why").textContent = t.why || "";
    if (!t.why) $("ticket-why").hidden = true;
    $("invited-panel").hidden = !t.invited_until;
    if (t.invited_until) {
      $("invited-until").textContent = fmt.format(new Date(t.invited_until)) + " " + card.dataset.tzLabel;
      if (!invitedBefore && navigator.vibrate) navigator.vibrate([300, 150, 300]);
    }
    invitedBefore = !!t.invited_until;
    var called = t.status === "called";
    $("called-panel").hidden = !called;
    if (called) {
      $("called-counter").textContent = t.counter;
      if (!calledBefore || t.recalls > recallsBefore) {
        if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
        if (window.antreChime) window.antreChime();
        window.scrollTo(0, 0);
      }
    }
    calledBefore = called;
    recallsBefore = t.recalls || 0;
  }

  var source = null;
  function connect() {
    // A new stream starts with the ticket as it is now.
    if (source) source.close();
    source = new EventSource(card.dataset.events);
    source.addEventListener("ticket", function (e) { showTicket(JSON.parse(e.data)); });
    source.addEventListener("progress", function (e) {
      var p = JSON.parse(e.data);
      showProgress(p.position, p.estimated_call_at);
    });
  }
  connect();
})();
