// Check-in by camera: reads the QR code on an exhibitor's pass with the browser's
// BarcodeDetector and submits its code. Without camera support, the code is typed.
(function () {
  var button = document.getElementById("scan");
  var video = document.getElementById("camera");
  var input = document.getElementById("code");
  var form = document.getElementById("code-form");
  var error = document.getElementById("scan-error");
  if (!button || !video || !input || !form) return;
  var stream = null;
  var timer = null;

  function say(text) {
    error.textContent = text;
    error.hidden = !text;
  }

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = button.dataset.start;
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
      say(button.dataset.unsupported);
      input.focus();
      return;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        button.textContent = button.dataset.stop;
        say("");
        return video.play();
      })
      .then(function look() {
        if (!stream) return;
        detector.detect(video).then(function (codes) {
          if (codes.length > 0 && codes[0].rawValue) {
            input.value = codes[0].rawValue;
            stop();
            form.submit();
          } else {
            timer = setTimeout(look, 250);
          }
        }).catch(function () { timer = setTimeout(look, 500); });
      })
      .catch(function (e) {
        stop();
        say(button.dataset.unsupported + " (" + e.name + ")");
      });
  });
})();
