// Map of all sites: bundled Natural Earth country outlines (world-atlas) + sites from the API. No tiles, no CDN.
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const map = L.map(el, { worldCopyJump: true, attributionControl: true }).setView([30, 0], 2);
  map.attributionControl.addAttribution("Country outlines: Natural Earth (public domain) via world-atlas");
  el.litterhubMap = map;  // for scripted checks (tests look at the drawn outlines at world zoom)
  fetch(el.dataset.countriesUrl).then((r) => r.json()).then((topo) => {
    const countries = litterhubGeo.countries(topo);
    L.geoJSON(countries, { style: { color: "#7a8b99", weight: 0.6, fillColor: "#e9eef2", fillOpacity: 1 } }).addTo(map);
    return fetch(el.dataset.sitesUrl);
  }).then((r) => r.json()).then((fc) => {
    const layer = L.geoJSON(fc, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: "#0b6e99", weight: 1, fillOpacity: 0.7 }),
      onEachFeature: (f, lyr) => {
        const a = document.createElement("a");
        a.href = "/sites/" + encodeURIComponent(f.id);
        a.textContent = f.properties.name;  // textContent: names are user data, never HTML
        const box = document.createElement("div");
        box.appendChild(a);
        box.appendChild(document.createTextNode(" (" + f.properties.n_events + ")"));
        lyr.bindPopup(box);
      },
    }).addTo(map);
    if (fc.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 8, padding: [20, 20] });
    el.dataset.sitesLoaded = String(fc.features.length);
  }).catch((err) => { el.dataset.error = String(err); });
})();
