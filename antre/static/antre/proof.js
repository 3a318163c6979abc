// The booking form's proof of work (antre/proofofwork.py): asked for only when booking from this
// network looks abnormal. Solved in a Web Worker so the page stays responsive, then the form is
// sent again by itself. Without JavaScript or workers the page's message says what to do instead.
(function () {
  "use strict";
  var form = document.querySelector("form[data-proof-salt]");
  if (!form || typeof Worker === "undefined") return;
  var field = form.querySelector("input[name=proof]");
  var status = form.querySelector(".proof-status");
  var salt = form.dataset.proofSalt;
  var difficulty = form.dataset.proofDifficulty;
  var signature = form.dataset.proofSignature;
  var worker = new Worker(form.dataset.proofWorker);
  var solved = false;
  if (status) status.hidden = false;
  worker.onmessage = function (event) {
    field.value = salt + ":" + difficulty + ":" + signature + ":" + event.data.nonce;
    solved = true;
    worker.terminate();
    form.submit();
  };
  form.addEventListener("submit", function (event) {
    if (!solved) event.preventDefault(); // sent by itself once solved
  });
  worker.postMessage({ salt: salt, difficulty: Number(difficulty) });
})();
