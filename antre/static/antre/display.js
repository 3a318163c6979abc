// Waiting-room display: live board over SSE, and every call announced after a chime, one at a time.
(function () {
  "use strict";
  var root = document.getElementById("display");
  var board = JSON.parse(document.getElementById("board-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var MAX_AGE_S = 120; // a call missed while offline is shown, but only announced if still fresh

  // The big panel: the latest call still at its counter. A call that ended (done, transferred,
  // no-show) stays in the list below, never up here.
  function current(calls) {
    for (var i = 0; i < calls.length; i++) {
      if (calls[i].status === "called" || calls[i].status === "serving") return calls[i];
    }
    return null;
  }

  function render(b) {
    board = b;
    var now = current(b.calls);
    $("now-number").textContent = now ? now.number : "—";
    $("now-name").textContent = now ? now.name : "";
    $("now-counter").textContent = now ? now.counter : "—";
    $("occupancy").hidden = !b.gate;  // without a door check nobody is counted in
    $("inside").textContent = b.inside;
    $("capacity").textContent = b.capacity;
    $("message").textContent = b.message;
    var waits = $("waits");
    waits.innerHTML = "";
    Object.keys(b.waits || {}).sort().forEach(function (code) {
      var li = document.createElement("li");
      var n = document.createElement("span"); n.className = "svc"; n.textContent = code;
      var m = document.createElement("span"); m.className = "mins"; m.textContent = (b.waits[code] < 5 ? "< 5" : "± " + b.waits[code]) + " " + waits.dataset.minutes;
      li.appendChild(n); li.appendChild(m); waits.appendChild(li);
    });
    $("waits-title").hidden = !Object.keys(b.waits || {}).length;
    var list = $("recent");
    list.innerHTML = "";
    b.calls.filter(function (c) { return c !== now; }).slice(0, 6).forEach(function (c) {
      var li = document.createElement("li");
      var n = document.createElement("span"); n.className = "n"; n.textContent = c.number;
      var k = document.createElement("span"); k.className = "c"; k.textContent = root.dataset.counterLabel + " " + c.counter;
      li.appendChild(n); li.appendChild(k); list.appendChild(li);
    });
  }

  // The server's time, not the TV PC's (often wrong): its offset, learnt from each fresh board.
  // A replayed call carries the board of its own moment, so it is not used.
  var offset = 0;
  var fmt = new Intl.DateTimeFormat("id-ID", { timeZone: root.dataset.tz, hour: "2-digit", minute: "2-digit" });
  function learnTime(b) {
    var server = b && b.now ? Date.parse(b.now) : NaN;
    if (!isNaN(server)) offset = server - Date.now();
    clock();
  }
  function clock() {
    $("clock").textContent = fmt.format(new Date(Date.now() + offset)) + " " + root.dataset.tzLabel;
  }
  learnTime(board); setInterval(clock, 10000);

  // --- voice -----------------------------------------------------------------------------------
  function indonesianVoice() {
    if (!window.speechSynthesis) return null;
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^id([-_]|$)/i.test(voices[i].lang)) return voices[i];
    }
    return null;
  }

  function speakInBrowser(text, voice) {
    return new Promise(function (resolve) {
      var u = new SpeechSynthesisUtterance(text);
      u.voice = voice; u.lang = voice.lang; u.rate = 0.9;
      var done = function () { clearTimeout(timer); resolve(); };
      var timer = setTimeout(done, 15000);
      u.onend = done; u.onerror = done;
      window.speechSynthesis.speak(u);
    });
  }

  function playFromServer(seq) {
    return new Promise(function (resolve) {
      var audio = new Audio(root.dataset.audio.replace(/0\.wav$/, seq + ".wav"));
      var done = function () { clearTimeout(timer); resolve(); };
      var timer = setTimeout(done, 20000);
      audio.onended = done; audio.onerror = done;
      audio.play().catch(done);
    });
  }

  var chain = Promise.resolve();
  function announce(seq, call) {
    // Queued: a second call waits until the first has been said in full.
    chain = chain.then(function () {
      $("last-announcement").value = call.say;
      $("last-announcement").dataset.seq = seq;
      var now = $("now");
      now.classList.remove("flash"); void now.offsetWidth; now.classList.add("flash");
      return window.antreChime().then(function () {
        var voice = indonesianVoice();
        return voice ? speakInBrowser(call.say, voice) : playFromServer(seq);
      });
    }).catch(function () {});
  }

  $("sound-on").addEventListener("click", function () {
    if (window.antreChime) window.antreChime();
    $("sound-on").hidden = true;
  });

  // --- events ----------------------------------------------------------------------------------
  if (!window.EventSource) return;
  var source = new EventSource(root.dataset.events);
  source.addEventListener("board", function (e) { var b = JSON.parse(e.data); render(b); learnTime(b); });
  ["update", "invite"].forEach(function (kind) {
    source.addEventListener(kind, function (e) { var d = JSON.parse(e.data); if (d.board) render(d.board); });
  });
  source.addEventListener("call", function (e) {
    var call = JSON.parse(e.data);
    render(call.board);
    // The server says how old a replayed call is; the TV's own clock may be wrong.
    if (!call.replayed || call.age_s < MAX_AGE_S) announce(e.lastEventId, call);
  });
  window.antreDisplay = { source: source };
})();
