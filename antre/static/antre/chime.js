// A two-tone chime made with WebAudio: no sound file, nothing to download.
window.antreChime = function () {
  "use strict";
  return new Promise(function (resolve) {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { resolve(); return; }
    var ctx = window.antreAudioContext || (window.antreAudioContext = new Ctx());
    var start = ctx.currentTime + 0.05;
    [659.25, 523.25].forEach(function (freq, i) {
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "sine"; osc.frequency.value = freq;
      var t = start + i * 0.45;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.4, t + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.42);
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(t); osc.stop(t + 0.45);
    });
    setTimeout(resolve, 1000);
  });
};
