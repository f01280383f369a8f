// A page that waits for a job (e.g. the national reporting pack) reloads itself once, when the job has finished,
// instead of a timed <meta http-equiv="refresh"> that reloads every few seconds under a screen reader's feet
// (WCAG 2.2.1). It polls the job's JSON (data-job-url on #job-wait); the page itself says the status.
(function () {
  "use strict";
  const box = document.getElementById("job-wait");
  if (!box || !window.fetch) return;
  function poll() {
    fetch(box.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((job) => {
        if (job && job.status !== "queued" && job.status !== "running") { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(() => window.setTimeout(poll, 4000));
  }
  window.setTimeout(poll, 2000);
})();
