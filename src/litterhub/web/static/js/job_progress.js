// Progress of a job the page is waiting for (e.g. the first computation of indicators for new dataset versions):
// polls the job's JSON at data-job-url, moves the <progress> bar and shows its message, and reloads the page
// when the job is done (the result is then stored, so the page renders at once). Without JavaScript the page
// says to reload. A static file (no inline script): the pages send a Content-Security-Policy.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var said = box.querySelector(".job-message");
  function poll() {
    fetch(box.getAttribute("data-job-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar && typeof job.progress === "number") { bar.value = Math.round(100 * job.progress); }
        if (job.status === "done") { window.location.reload(); return; }
        if (job.status === "failed") {
          said.textContent = (job.error && job.error.detail) || job.message || "";
          box.setAttribute("role", "alert");
          return;
        }
        if (said && job.message) { said.textContent = job.message; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
