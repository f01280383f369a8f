// Whatever scrolls sideways inside the page (a wide table on a phone, a wide chart) can be scrolled from the keyboard:
// it is made focusable (tabindex=0) while it overflows, so arrow keys scroll it (WCAG 2.1.1; axe's
// scrollable-region-focusable). Runs after load, on resize and when the page's content
// changes; never touches an element that has its own tabindex.
(function () {
  "use strict";
  const main = document.getElementById("main");
  if (!main) return;
  function scrolls(el) {
    const x = getComputedStyle(el).overflowX;
    return (x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1;
  }
  function mark() {
    for (const el of main.querySelectorAll("*")) {
      const ours = el.dataset.scrollFocus === "1";
      if (el.hasAttribute("tabindex") && !ours) continue;
      if (scrolls(el)) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollFocus = "1";
      } else if (ours) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollFocus;
      }
    }
  }
  let pending = null;
  const later = () => { clearTimeout(pending); pending = setTimeout(mark, 150); };
  window.addEventListener("load", () => { mark(); setTimeout(mark, 1000); });  // charts draw after load
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(main, { childList: true, subtree: true });  // charts, maps, filtered lists
  if (document.readyState === "complete") mark();
})();
