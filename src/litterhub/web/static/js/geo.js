// Outlines that render on a flat (Web Mercator) map across the antimeridian. Shared by every map of the hub.
//
// world-atlas stitches polygons cut at ±180° back together for spherical projections, so Fiji, Russia (Chukotka,
// Wrangel Island) and Antarctica hold edges that jump from +180° to -180°; Leaflet draws such an edge straight
// across the whole map as a band. `antimeridianSafe` makes each ring continuous in longitude and then cuts it
// at ±180° into parts that each lie on one side; a ring round a pole (Antarctica) is closed along the pole in
// steps of 90° so no edge spans the map. Whatever lies within 30° of the line is also drawn beyond it, so a map
// centred there shows both sides. `countries(topo)` applies it to the bundled world-atlas outlines.
(function (root) {
  "use strict";

  // longitudes made continuous: every jump of more than 180° is undone by ±360°
  function unwrap(ring) {
    const out = [ring[0].slice()];
    for (let i = 1; i < ring.length; i++) {
      const prev = out[i - 1][0];
      let x = ring[i][0];
      while (x - prev > 180) x -= 360;
      while (x - prev < -180) x += 360;
      out.push([x, ring[i][1]]);
    }
    return out;
  }

  function hasJump(ring) {
    for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) return true;
    return false;
  }

  // a ring whose unwrapped end lies 360° from its start goes round a pole: close it along that pole
  function closeRoundPole(ring) {
    const first = ring[0], last = ring[ring.length - 1];
    const turn = last[0] - first[0];
    if (Math.abs(turn) < 180) return ring;
    const pole = ring.reduce((s, p) => s + p[1], 0) < 0 ? -90 : 90;
    const out = ring.slice();
    const step = turn > 0 ? -90 : 90;
    for (let x = last[0]; turn > 0 ? x >= first[0] : x <= first[0]; x += step) out.push([x, pole]);
    out.push([first[0], pole], first.slice());
    return out;
  }

  // Sutherland–Hodgman against one vertical line: keep the side where sign * (x - at) >= 0
  function clip(ring, at, sign) {
    const out = [];
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i], b = ring[(i + 1) % ring.length];
      const ina = sign * (a[0] - at) >= 0, inb = sign * (b[0] - at) >= 0;
      if (ina) out.push(a);
      if (ina !== inb) out.push([at, a[1] + (b[1] - a[1]) * (at - a[0]) / (b[0] - a[0])]);
    }
    if (out.length && (out[0][0] !== out[out.length - 1][0] || out[0][1] !== out[out.length - 1][1])) {
      out.push(out[0].slice());
    }
    return out.length >= 4 ? out : null;
  }

  function shift(ring, dx) { return ring.map((p) => [p[0] + dx, p[1]]); }

  // one ring -> its parts in [-180, 180], each tagged with the 360° window it came from
  function splitRing(ring) {
    if (!hasJump(ring)) return [{ window: 0, ring: ring }];
    const whole = closeRoundPole(unwrap(ring));
    const xs = whole.map((p) => p[0]);
    const lo = Math.floor((Math.min(...xs) + 180) / 360), hi = Math.floor((Math.max(...xs) + 180) / 360 - 1e-12);
    const parts = [];
    for (let w = lo; w <= hi; w++) {
      let part = clip(whole, -180 + 360 * w, 1);
      part = part && clip(part, 180 + 360 * w, -1);
      if (part) parts.push({ window: w, ring: shift(part, -360 * w) });
    }
    return parts;
  }

  // a Polygon's rings (outer first) -> polygons, one per window the outer ring reaches
  function splitPolygon(rings) {
    if (!rings.some(hasJump)) return [rings];
    const outer = splitRing(rings[0]);
    const holes = rings.slice(1).flatMap(splitRing);
    return outer.map((o) => [o.ring, ...holes.filter((h) => h.window === o.window).map((h) => h.ring)]);
  }

  // what lies within WRAP_BAND of the line is copied beyond it (clipped at the band's edge), as a tiled map
  // repeats the world: a view centred near ±180° (Leaflet's worldCopyJump keeps the centre within ±180°) then
  // shows Fiji or both shores of the Bering Strait whole, whichever side of the line the centre is on
  const WRAP_BAND = 30;

  function wrapCopies(polygon) {
    const out = [];
    for (const [edge, sign, dx] of [[180 - WRAP_BAND, 1, -360], [-180 + WRAP_BAND, -1, 360]]) {
      const rings = polygon.map((r) => clip(r, edge, sign));
      if (rings[0]) out.push(rings.filter(Boolean).map((r) => shift(r, dx)));
    }
    return out;
  }

  function flatSafe(polygons) {
    const parts = polygons.flatMap(splitPolygon);
    return parts.concat(parts.flatMap(wrapCopies));
  }

  function antimeridianSafe(geometry) {
    if (!geometry) return geometry;
    if (geometry.type === "Polygon" || geometry.type === "MultiPolygon") {
      const polys = flatSafe(geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates);
      return polys.length === 1 ? { type: "Polygon", coordinates: polys[0] } : { type: "MultiPolygon", coordinates: polys };
    }
    return geometry;
  }

  function featureCollection(fc) {
    return { type: "FeatureCollection",
      features: fc.features.map((f) => Object.assign({}, f, { geometry: antimeridianSafe(f.geometry) })) };
  }

  // the bundled world-atlas TopoJSON -> GeoJSON countries safe to draw on a flat map
  function countries(topo) { return featureCollection(root.topojson.feature(topo, topo.objects.countries)); }

  root.litterhubGeo = { antimeridianSafe: antimeridianSafe, featureCollection: featureCollection, countries: countries };
})(window);
