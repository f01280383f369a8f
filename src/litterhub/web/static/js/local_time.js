// Event times in the reader's own time zone: every element with data-utc-start (and data-utc-end) gets the
// interval written in the browser's zone (Intl), unless the server already wrote one for a zone named in ?tz=.
(function () {
  "use strict";
  if (new URLSearchParams(location.search).get("tz")) return;
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  const fmt = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
    { dateStyle: "medium", timeStyle: "short" });
  for (const el of document.querySelectorAll("[data-utc-start]")) {
    const a = new Date(el.dataset.utcStart), b = new Date(el.dataset.utcEnd || el.dataset.utcStart);
    if (isNaN(a) || isNaN(b)) continue;
    el.textContent = fmt.format(a) + " – " + fmt.format(b) + (zone ? " (" + zone + ")" : "");
  }
})();
