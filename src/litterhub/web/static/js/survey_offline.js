// Offline capture for the phone survey: registers the service worker (/contribute/sw.js), keeps a survey sent
// without a connection in IndexedDB ("litterhub-survey" / "queue") and sends the queue when the phone is back
// online (the same POST /contribute/survey as the form, with its CSRF token); orders the item list by how often
// each item is found in the country typed (GET /api/v1/survey/items).
(function () {
  "use strict";
  const form = document.getElementById("survey-form");
  const status = document.getElementById("offline-status");
  if (!form || form.getAttribute("action") !== "/contribute/survey") return;  // not when correcting a survey
  const say = (key, n) => {
    if (!status) return;
    status.textContent = (status.dataset[key] || key).replace("{n}", String(n));
    status.dataset.state = key;
  };

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/contribute/sw.js", { scope: "/contribute/" }).catch(() => {});
  }

  function db() {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open("litterhub-survey", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  function tx(mode, work) {
    return db().then((d) => new Promise((resolve, reject) => {
      const t = d.transaction("queue", mode);
      const result = work(t.objectStore("queue"));
      t.oncomplete = () => resolve(result.result);
      t.onerror = () => reject(t.error);
    }));
  }
  const all = () => tx("readonly", (s) => s.getAll());
  const count = () => tx("readonly", (s) => s.count());

  function fields() {  // strings, and photos as Blobs (IndexedDB keeps them)
    const out = [];
    for (const [name, value] of new FormData(form).entries()) {
      if (value instanceof File) {
        if (value.size) out.push([name, value.slice(0, value.size, value.type), value.name]);
      } else {
        out.push([name, value]);
      }
    }
    return out;
  }

  async function flush() {
    if (!navigator.onLine) return;
    const queued = await all();
    let sent = 0, refused = 0;
    for (const entry of queued) {
      const body = new FormData();
      for (const [name, value, filename] of entry.fields) {
        if (filename) body.append(name, value, filename); else body.append(name, value);
      }
      let response;
      try {
        response = await fetch("/contribute/survey", { method: "POST", body: body, credentials: "same-origin" });
      } catch (e) {
        break;  // offline again: keep the rest for later
      }
      if (response.ok && response.redirected) {  // stored: the hub answers with the submission's page
        await tx("readwrite", (s) => s.delete(entry.id));
        sent += 1;
      } else {
        refused += 1;  // kept: the person sees it and can open the form online to correct it
      }
    }
    const left = await count();
    if (refused) say("refused", refused); else if (sent) say("sent", sent); else if (left) say("waiting", left);
  }

  form.addEventListener("submit", async (event) => {
    if (navigator.onLine) return;  // online: the ordinary form post
    event.preventDefault();
    const entry = { saved: new Date().toISOString(), fields: fields() };
    await tx("readwrite", (s) => s.add(entry));
    form.reset();
    form.dispatchEvent(new Event("input"));  // the total goes back to 0
    say("waiting", await count());
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", () => count().then((n) => say(n ? "waiting" : "offline", n)));
  if (!navigator.onLine) count().then((n) => say(n ? "waiting" : "offline", n)); else flush();

  // the item list, most found in the country first (within each material, and materials by their best item)
  const country = document.getElementById("country");
  function rank() {
    const code = (country.value || "").trim();
    if (code.length < 2) return;
    fetch("/api/v1/survey/items?country=" + encodeURIComponent(code)).then((r) => (r.ok ? r.json() : null))
      .then((answer) => {
        if (!answer || !answer.items.length) return;
        const score = new Map(answer.items.map((it, i) => [it.code, answer.items.length - i]));
        const rowScore = (row) => score.get(row.querySelector("input").id.replace(/^count_/, "")) || 0;
        const groups = [...form.querySelectorAll("details.material")];
        for (const group of groups) {
          const rows = [...group.querySelectorAll(".item-row")];
          rows.sort((a, b) => rowScore(b) - rowScore(a)).forEach((row) => group.appendChild(row));
          group.dataset.best = String(rows.length ? rowScore(rows[0]) : 0);
        }
        const parent = groups.length ? groups[0].parentNode : null;
        groups.sort((a, b) => Number(b.dataset.best) - Number(a.dataset.best)).forEach((g, i) => {
          parent.appendChild(g);
          g.open = i === 0;
        });
        form.dataset.rankedFor = answer.country;
      }).catch(() => {});
  }
  country.addEventListener("change", rank);
  rank();
})();
