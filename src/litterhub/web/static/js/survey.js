// Citizen-science survey form: place the survey on the map or by GPS, filter the item list, total the counts.
// Works without a tile server: bundled country outlines on a plain background; a tap gives coordinates.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var marker = null;
  var map = null;

  function place(la, lo, zoom) {
    lat.value = la.toFixed(5);
    lon.value = lo.toFixed(5);
    if (!map) { return; }
    if (marker) { marker.setLatLng([la, lo]); } else { marker = L.circleMarker([la, lo], {radius: 8}).addTo(map); }
    if (zoom) { map.setView([la, lo], zoom); }
  }

  if (window.L && document.getElementById("survey-map")) {
    var el = document.getElementById("survey-map");
    map = L.map(el, {worldCopyJump: true}).setView([20, 0], 2);
    if (window.litterhubGeo && el.dataset.countriesUrl) {  // bundled country outlines: no tile server needed
      fetch(el.dataset.countriesUrl).then(function (r) { return r.json(); }).then(function (topo) {
        var countries = litterhubGeo.countries(topo);
        L.geoJSON(countries, {interactive: false,
          style: {color: "#7a8b99", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1}}).addTo(map);
        if (marker) { marker.bringToFront(); }
      }).catch(function () { /* the map still gives coordinates without outlines */ });
    }
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.wrap().lng, null); });
    var la0 = parseFloat(lat.value), lo0 = parseFloat(lon.value);
    if (!isNaN(la0) && !isNaN(lo0)) { place(la0, lo0, 10); }
  }

  var gps = document.getElementById("gps-button");
  var gpsStatus = document.getElementById("gps-status");
  gps.addEventListener("click", function () {
    if (!navigator.geolocation) { gpsStatus.textContent = "GPS is not available"; return; }
    gpsStatus.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(pos.coords.latitude, pos.coords.longitude, 13);
      gpsStatus.textContent = "±" + Math.round(pos.coords.accuracy) + " m";
    }, function (err) { gpsStatus.textContent = err.message; }, {enableHighAccuracy: true, timeout: 15000});
  });

  var search = document.getElementById("item-search");
  search.addEventListener("input", function () {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll("details.material").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll(".item-row").forEach(function (row) {
        var text = row.getAttribute("data-search");
        var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !hit;
        if (hit) { shown += 1; }
      });
      group.hidden = shown === 0;
      if (words.length) { group.open = shown > 0; }
    });
  });

  var total = document.getElementById("total-count");
  function recount() {
    var sum = 0;
    form.querySelectorAll("input[name^='count_']").forEach(function (input) {
      var n = parseInt(input.value, 10);
      if (!isNaN(n) && n > 0) { sum += n; }
    });
    total.textContent = String(sum);
  }
  form.addEventListener("input", recount);
  recount();
})();
