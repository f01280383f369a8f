"""Maps across the antimeridian in a real browser: no outline is drawn as a band across the world.

world-atlas stitches Fiji, Russia and Antarctica across ±180° for spherical projections; on Leaflet's flat map such
an edge runs across the whole map. static/js/geo.js cuts the rings at the antimeridian; these tests check the
drawn SVG (no path segment spans half the world's width in screen space) and the generated geometry (every
polygon of Fiji, Russia and the USA spans less than 180° of longitude).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# the longest horizontal step of any drawn outline that lies in the visible map, in screen px, at zoom z (world width
# 256 * 2**z px); steps outside the container are Leaflet's own clip edges in its off-screen padding
LONGEST_STEP_JS = """
(id) => {
  const el = document.getElementById(id);
  const map = el.litterhubMap, height = el.clientHeight;
  const world = 256 * Math.pow(2, map.getZoom());
  const visible = (x, y) => {
    const p = map.layerPointToContainerPoint(L.point(x, y));
    return p.y >= 0 && p.y <= height;
  };
  let longest = 0, paths = 0;
  for (const path of el.querySelectorAll(".leaflet-overlay-pane path")) {
    const d = path.getAttribute("d") || "";
    if (/[aA]/.test(d)) continue;  // circle markers (arcs), not outlines
    paths++;
    for (const sub of d.split(/[Mm]/).filter((s) => s.trim())) {
      const n = sub.replace(/[LlZz]/g, " ").trim().split(/[\\s,]+/).map(Number);
      for (let i = 2; i + 1 < n.length; i += 2) {
        if (!visible(n[i - 2], n[i - 1]) && !visible(n[i], n[i + 1])) continue;
        longest = Math.max(longest, Math.abs(n[i] - n[i - 2]));
      }
    }
  }
  return { world, longest, paths };
}
"""

SPANS_JS = """
async (url) => {
  const topo = await (await fetch(url)).json();
  const spans = (fc) => {
    const out = {};
    for (const f of fc.features) {
      const name = f.properties.name;
      if (!["Fiji", "Russia", "United States of America"].includes(name)) continue;
      const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (const p of polys) {
        const xs = p[0].map((c) => c[0]);
        out[name] = Math.max(out[name] || 0, Math.max(...xs) - Math.min(...xs));
      }
    }
    return out;
  };
  return { raw: spans(topojson.feature(topo, topo.objects.countries)), safe: spans(litterhubGeo.countries(topo)) };
}
"""


def _world_view(page, live_server):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(live_server + "/")
    page.wait_for_selector("#map[data-sites-loaded]", timeout=20_000)
    page.evaluate("() => document.getElementById('map').litterhubMap.setView([20, 170], 1, {animate: false})")
    page.wait_for_timeout(300)
    return errors


def test_no_outline_is_drawn_across_the_world(browser, live_server, tmp_path):
    page = browser.new_page()
    errors = _world_view(page, live_server)
    drawn = page.evaluate(LONGEST_STEP_JS, "map")
    assert drawn["paths"] > 150  # the country outlines are drawn
    assert drawn["longest"] < drawn["world"] / 2, drawn  # no band: no step spans 180° of longitude on screen
    shot = Path(os.environ.get("LITTERHUB_SCREENSHOT_DIR", tmp_path)) / "antimeridian-map.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    page.close()


def test_fiji_russia_usa_polygons_stay_on_one_side(browser, live_server):
    page = browser.new_page()
    errors = _world_view(page, live_server)
    url = page.get_attribute("#map", "data-countries-url")
    spans = page.evaluate(SPANS_JS, live_server + url if url.startswith("/") else url)
    assert spans["raw"]["Fiji"] > 180 and spans["raw"]["Russia"] > 180  # the stitched data do cross the line
    for name in ("Fiji", "Russia", "United States of America"):
        assert spans["safe"][name] < 180, (name, spans["safe"])
    assert not errors, errors
    page.close()


def test_site_page_map_draws_the_marine_region_without_bands(browser, live_server):
    import httpx

    site = next(f for f in httpx.get(live_server + "/api/v1/sites").json()["features"]
                if f["properties"]["region"] in ("North Sea", "Gulf of Maine", "Mediterranean Sea"))
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/sites/" + site["id"])
    page.wait_for_selector("#site-map[data-rendered]", timeout=20_000)
    assert int(page.get_attribute("#site-map", "data-region-parts")) >= 1
    page.evaluate("() => document.getElementById('site-map').litterhubMap.setView([0, 175], 1, {animate: false})")
    page.wait_for_timeout(300)
    drawn = page.evaluate(LONGEST_STEP_JS, "site-map")
    assert drawn["paths"] > 150 and drawn["longest"] < drawn["world"] / 2, drawn
    assert site["properties"]["region"] in page.inner_text("[data-region]")
    assert not errors, errors
    page.close()
