// Upload progress for the wizard's file form: sends the form with XMLHttpRequest so the <progress> element can
// follow the bytes sent, then shows the page the server answers (the submission, or the form with its error).
// A static file (no inline script): the pages send a Content-Security-Policy. Without JavaScript the form posts
// as usual.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var bar = document.getElementById("upload-progress");
  if (!form || !bar || !window.XMLHttpRequest || !window.FormData) { return; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    bar.value = 0;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== form.action) {
        window.location.assign(xhr.responseURL);
      } else {  // the form again, with the server's message: show that message here
        var answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var said = answer.getElementById("upload-error");
        var shown = document.getElementById("upload-error");
        if (!shown) {
          shown = document.createElement("p");
          shown.id = "upload-error";
          shown.className = "flash bad";
          shown.setAttribute("role", "alert");
          form.parentNode.insertBefore(shown, form);
        }
        shown.textContent = said ? said.textContent : String(xhr.status);
        bar.hidden = true;
      }
    });
    xhr.addEventListener("error", function () { bar.hidden = true; form.submit(); });
    xhr.send(new FormData(form));
  });
})();
