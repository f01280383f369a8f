// Country and region maps: bundled Natural Earth outlines (world-atlas, antimeridian-safe through geo.js),
// the listed countries highlighted (linked to their pages) and survey sites as points. No tiles, no CDN.
(function () {
  "use strict";
  const el = document.getElementById("country-map");
  const dataEl = document.getElementById("country-map-data");
  if (!el || !dataEl || !window.L || !window.litterhubGeo) return;
  const data = JSON.parse(dataEl.textContent);
  const wanted = {};
  (data.highlight || []).forEach((h) => { wanted[String(Number(h.numeric))] = h; });
  const map = L.map(el, { worldCopyJump: true }).setView([20, 0], 2);
  map.attributionControl.addAttribution("Country outlines: Natural Earth (public domain) via world-atlas");
  el.litterhubMap = map;
  fetch(el.dataset.countriesUrl).then((r) => r.json()).then((topo) => {
    const fc = litterhubGeo.countries(topo);
    const layer = L.geoJSON(fc, {
      style: (f) => wanted[String(Number(f.id))]
        ? { color: "#0b4f6c", weight: 1, fillColor: "#2a8fbd", fillOpacity: 0.7 }
        : { color: "#7a8b99", weight: 0.5, fillColor: "#e9eef2", fillOpacity: 1 },
      onEachFeature: (f, lyr) => {
        const h = wanted[String(Number(f.id))];
        if (!h) return;
        const box = document.createElement(h.href ? "a" : "span");
        if (h.href) box.href = h.href;
        box.textContent = h.name;  // textContent: never HTML
        lyr.bindPopup(box);
      },
    }).addTo(map);
    const chosen = L.featureGroup();
    layer.eachLayer((l) => { if (wanted[String(Number(l.feature.id))]) chosen.addLayer(l); });
    const points = (data.points || []).map((p) => {
      const m = L.circleMarker([p.lat, p.lon], { radius: 5, color: "#8a3b00", weight: 1, fillOpacity: 0.8 });
      const box = document.createElement("span");
      box.textContent = p.name + " (" + p.n + ")";
      m.bindPopup(box);
      return m.addTo(map);
    });
    const focus = points.length ? L.featureGroup(points) : chosen;
    if (focus.getLayers().length && (points.length || chosen.getLayers().length < 60)) {
      map.fitBounds(focus.getBounds(), { maxZoom: 7, padding: [20, 20] });
    }
    el.dataset.loaded = String(chosen.getLayers().length);
    const status = document.getElementById("country-map-status");
    if (status) status.hidden = true;
  }).catch((err) => { el.dataset.error = String(err); });
})();
