"""Copy the front-end libraries installed by `npm ci` into the app's static folder (build step).

The files come from the npm registry at build time (package.json + package-lock.json pin them) and
are served by the app itself: no CDN, no network at run time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "litterhub" / "web" / "static" / "vendor"

FILES = {
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/LICENSE": "leaflet/LICENSE",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "leaflet.markercluster/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "leaflet.markercluster/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "leaflet.markercluster/MarkerCluster.Default.css",
    "leaflet.markercluster/MIT-LICENCE.txt": "leaflet.markercluster/LICENSE",
    "topojson-client/dist/topojson-client.min.js": "topojson-client/topojson-client.min.js",
    "topojson-client/LICENSE": "topojson-client/LICENSE",
    "world-atlas/countries-110m.json": "world-atlas/countries-110m.json",
    "world-atlas/LICENSE": "world-atlas/LICENSE",
    "vega/build/vega.min.js": "vega/vega.min.js",
    "vega/LICENSE": "vega/LICENSE",
    "vega-lite/build/vega-lite.min.js": "vega-lite/vega-lite.min.js",
    "vega-lite/LICENSE": "vega-lite/LICENSE",
    "vega-embed/build/vega-embed.min.js": "vega-embed/vega-embed.min.js",
    "vega-embed/LICENSE": "vega-embed/LICENSE",
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
    "swagger-ui-dist/LICENSE": "swagger-ui/LICENSE",
    "swagger-ui-dist/NOTICE": "swagger-ui/NOTICE",
}


def main() -> int:
    missing = [src for src in FILES if not (MODULES / src).exists()]
    if missing:
        print(f"missing in node_modules (run `npm ci` first): {', '.join(missing)}", file=sys.stderr)
        return 1
    for src, dst in FILES.items():
        target = VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / src, target)
    images = MODULES / "leaflet/dist/images"
    shutil.copytree(images, VENDOR / "leaflet/images", dirs_exist_ok=True)
    print(f"vendored {len(FILES)} front-end files into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
