// The language menu submits itself when a language is chosen (kept out of the page so that the
// Content-Security-Policy can forbid inline event handlers).
(function () {
  "use strict";
  var select = document.getElementById("lang-select");
  if (select && select.form) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
