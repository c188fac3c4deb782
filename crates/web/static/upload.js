// Progress of a large upload: the share of the file sent, then that the server is reading and
// checking it. Without JavaScript the form posts as usual.
(function () {
  "use strict";
  function show(html, url) {
    document.open();
    document.write(html);
    document.close();
    if (url) history.replaceState(null, "", url);
  }
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    var box = form.querySelector(".upload-progress");
    var bar = box.querySelector("progress");
    var label = box.querySelector(".upload-label");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (ev) {
      if (!window.FormData || !form.checkValidity()) return;
      ev.preventDefault();
      button.disabled = true;
      box.hidden = false;
      bar.value = 0;
      label.textContent = form.dataset.uploading.replace("{pct}", "0");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.floor((e.loaded * 100) / e.total);
        bar.value = pct;
        label.textContent = form.dataset.uploading.replace("{pct}", String(pct));
      };
      xhr.upload.onload = function () {
        bar.removeAttribute("value");
        label.textContent = form.dataset.checking;
      };
      xhr.onload = function () {
        show(xhr.responseText, xhr.status < 400 ? xhr.responseURL : null);
      };
      xhr.onerror = function () {
        button.disabled = false;
        bar.value = 0;
        label.textContent = form.dataset.failed;
      };
      xhr.send(new FormData(form));
    });
  });
  // A long commit cannot be sent twice by an impatient second click.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = form.dataset.busy;
      }, 0);
    });
  });
})();
