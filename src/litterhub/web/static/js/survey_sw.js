// Service worker of the phone survey (scope /contribute/): keeps the survey form and everything it loads in a
// cache so the form opens and fills without a connection; survey_offline.js queues the surveys in IndexedDB and
// sends them when the phone is back online. Pages are fetched from the network first (fresh CSRF token, fresh
// item ranking) and from the cache only when the network fails.
"use strict";
const CACHE = "litterhub-survey-v1";
const SHELL = [
  "/contribute/survey", "/static/css/app.css", "/static/js/menu.js", "/static/vendor/leaflet/leaflet.css",
  "/static/vendor/leaflet/leaflet.js", "/static/vendor/topojson-client/topojson-client.min.js",
  "/static/js/geo.js", "/static/js/survey.js", "/static/js/survey_offline.js",
  "/static/vendor/world-atlas/countries-110m.json", "/static/img/favicon.svg",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("litterhub-survey-") && k !== CACHE)
                                    .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

function networkFirst(request) {
  return fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  }).catch(() => caches.match(request, { ignoreSearch: request.mode === "navigate", ignoreVary: true }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;  // posting a survey is survey_offline.js's business
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/contribute/survey" || url.pathname === "/api/v1/survey/items") {
    event.respondWith(networkFirst(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then((hit) => hit || networkFirst(request)));
  }
});
