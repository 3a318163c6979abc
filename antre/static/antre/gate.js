// Gate page: live count inside, the scanner field kept ready, and the tablet camera where it can read QR codes.
(function () {
  "use strict";
  var root = document.getElementById("gate");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };

  // A USB barcode scanner "types" into the focused field and presses Enter: keep the field ready
  // unless the officer is filling the screening form.
  var q = $("q");
  if (q && !document.querySelector(".screening")) q.focus();

  if (window.EventSource) {
    var source = new EventSource(root.dataset.events);
    var show = function (b) {
      if (!b) return;
      $("inside").textContent = b.inside;
      $("capacity").textContent = b.capacity;
      $("invited").textContent = b.invited.length ? b.invited.join(", ") : "—";
      if ($("stepped-out")) $("stepped-out").textContent = (b.stepped_out || []).length ? b.stepped_out.join(", ") : "—";
    };
    ["board"].forEach(function (k) { source.addEventListener(k, function (e) { show(JSON.parse(e.data)); }); });
    ["call", "update", "invite"].forEach(function (k) {
      source.addEventListener(k, function (e) { show(JSON.parse(e.data).board); });
    });
  }

  // Camera scanning with the browser's own BarcodeDetector (Chrome on Android tablets); no library.
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var button = $("camera"), video = $("camera-view");
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.hidden = false; video.srcObject = stream; video.play();
      var tick = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            q.value = codes[0].rawValue;
            q.form.submit();
          } else {
            requestAnimationFrame(tick);
          }
        }).catch(function () { requestAnimationFrame(tick); });
      };
      tick();
    }).catch(function () { button.hidden = true; });
  });
})();
