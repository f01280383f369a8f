// Map of surveyed sites (home page and /map): bundled Natural Earth country outlines (world-atlas) + sites from the
// API (every page of /api/v1/sites). Nearby sites are clustered (leaflet.markercluster, vendored from npm); the
// filters (programme, compartment, year, country) are filled from the sites themselves; every marker is a
// keyboard-reachable link-bearing popup to its site page. No tiles, no CDN.
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const form = document.getElementById("map-filters");
  const status = document.getElementById("map-status");
  // maxZoom: there is no tile layer to give one, and the clusters need it to know when to stop grouping
  const map = L.map(el, { worldCopyJump: true, attributionControl: true, maxZoom: 18 }).setView([30, 0], 2);
  map.attributionControl.addAttribution("Country outlines: Natural Earth (public domain) via world-atlas");
  el.litterhubMap = map;  // for scripted checks (tests look at the drawn outlines at world zoom)
  const clustered = typeof L.markerClusterGroup === "function";
  const group = clustered
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true })
    : L.layerGroup();
  group.addTo(map);
  el.litterhubSites = group;
  const icon = L.divIcon({ className: "site-marker", iconSize: [14, 14] });
  let sites = [];

  async function allSites(url) {  // follow next_cursor: a hub may hold more sites than one page
    const features = [];
    let next = url;
    while (next) {
      const page = await (await fetch(next)).json();
      features.push(...page.features);
      next = page.next_cursor ? url + (url.includes("?") ? "&" : "?") + "cursor=" + encodeURIComponent(page.next_cursor) : null;
    }
    return features;
  }

  function marker(f) {
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties;
    const m = L.marker([lat, lon], { icon: icon, keyboard: true, title: p.name, alt: p.name });
    const box = document.createElement("div");
    const a = document.createElement("a");
    a.href = "/sites/" + encodeURIComponent(f.id);
    a.textContent = p.name;  // textContent: names are user data, never HTML
    a.dir = "auto";
    box.appendChild(a);
    box.appendChild(document.createTextNode(" (" + p.n_events + ")"));
    m.bindPopup(box);
    m.on("popupopen", () => a.focus());
    return m;
  }

  function years(p) {
    const first = p.first_event ? Number(p.first_event.slice(0, 4)) : null;
    const last = p.last_event ? Number(p.last_event.slice(0, 4)) : first;
    return [first, last];
  }

  function fill(select, values, label) {
    if (!select) return;
    for (const v of values) {
      const o = document.createElement("option");
      o.value = String(v);
      o.textContent = label ? label(v) : String(v);
      select.appendChild(o);
    }
  }

  function distinct(key) {
    return [...new Set(sites.map((f) => f.properties[key]).filter((v) => v))].sort();
  }

  function chosen(name) {
    const s = form && form.elements[name];
    return s ? s.value : "";
  }

  function keep(f) {
    const p = f.properties;
    const programme = chosen("programme"), compartment = chosen("compartment"), country = chosen("country");
    const year = chosen("year");
    if (programme && p.source_programme !== programme) return false;
    if (compartment && p.compartment !== compartment) return false;
    if (country && p.country !== country) return false;
    if (year) {
      const [first, last] = years(p);  // surveyed in that year or between a survey before and one after it
      if (first === null || Number(year) < first || Number(year) > last) return false;
    }
    return true;
  }

  function draw(fit) {
    const shown = sites.filter(keep);
    group.clearLayers();
    const layers = shown.map(marker);
    if (clustered) group.addLayers(layers); else layers.forEach((l) => group.addLayer(l));
    if (status) status.textContent = (status.dataset.template || "{n} / {total}")
      .replace("{n}", shown.length).replace("{total}", sites.length);
    el.dataset.sitesShown = String(shown.length);
    if (fit && shown.length) {
      const bounds = L.latLngBounds(shown.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
      map.fitBounds(bounds, { maxZoom: 8, padding: [20, 20] });
    }
  }

  fetch(el.dataset.countriesUrl).then((r) => r.json()).then((topo) => {
    const countries = litterhubGeo.countries(topo);
    L.geoJSON(countries, { style: { color: "#7a8b99", weight: 0.6, fillColor: "#e9eef2", fillOpacity: 1 } }).addTo(map);
    return allSites(el.dataset.sitesUrl);
  }).then((features) => {
    sites = features.filter((f) => f.geometry && f.geometry.coordinates);
    if (form) {
      fill(form.elements.programme, distinct("source_programme"));
      fill(form.elements.compartment, distinct("compartment"));
      const ys = sites.flatMap((f) => years(f.properties)).filter((y) => y);
      if (ys.length) {
        const all = [];
        for (let y = Math.max(...ys); y >= Math.min(...ys); y--) all.push(y);
        fill(form.elements.year, all);
      }
      fill(form.elements.country, distinct("country"));
      form.hidden = false;
      form.addEventListener("change", () => draw(true));
      form.addEventListener("reset", () => setTimeout(() => draw(true), 0));
    }
    draw(true);
    el.dataset.sitesLoaded = String(sites.length);
  }).catch((err) => { el.dataset.error = String(err); });
})();
