// Site page map: country outlines, the site's marine region (its polygons from /api/v1/marine-regions/shape)
// and the site. All outlines go through geo.js, so regions and countries crossing ±180° draw without bands.
(function () {
  "use strict";
  const el = document.getElementById("site-map");
  if (!el || !window.L || !window.litterhubGeo) return;
  const lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  const map = L.map(el, { worldCopyJump: true }).setView([lat, lon], 5);
  el.litterhubMap = map;  // for scripted checks
  map.attributionControl.addAttribution("Outlines: Natural Earth (public domain) via world-atlas");
  const site = L.circleMarker([lat, lon], { radius: 7, color: "#0b6e99", weight: 2, fillOpacity: 0.9 });
  fetch(el.dataset.countriesUrl).then((r) => r.json()).then((topo) => {
    L.geoJSON(litterhubGeo.countries(topo), { interactive: false,
      style: { color: "#7a8b99", weight: 0.6, fillColor: "#e9eef2", fillOpacity: 1 } }).addTo(map);
    if (!el.dataset.regionUrl) return null;
    return fetch(el.dataset.regionUrl).then((r) => (r.ok ? r.json() : null));
  }).then((fc) => {
    if (fc && fc.features) {
      L.geoJSON(litterhubGeo.featureCollection(fc), { interactive: false,
        style: { color: "#0b6e99", weight: 1.5, fillColor: "#0b6e99", fillOpacity: 0.12 } }).addTo(map);
      el.dataset.regionParts = String(fc.features.length);
    }
    site.addTo(map);
    el.dataset.rendered = "1";
  }).catch((err) => { el.dataset.error = String(err); });
})();
