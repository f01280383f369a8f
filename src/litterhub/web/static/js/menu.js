// The header's menu button (narrow screens): shows and hides the menu, says so through aria-expanded, closes
// on Escape. Without this script the button stays hidden and the whole menu is shown (CSS keys on .has-menu).
// A static file, not inline code, so that the Content-Security-Policy can forbid inline handlers.
(function () {
  "use strict";
  var header = document.querySelector(".topbar");
  var button = header && header.querySelector(".menu-toggle");
  if (!button) { return; }
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("open", open);
  }
  button.hidden = false;
  header.classList.add("has-menu");
  button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("open")) { set(false); button.focus(); }
  });
})();
