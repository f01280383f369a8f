"""Read faces over a generated hub, served from per-version summaries and the lake (issue 20 items 1-2).

    .venv/bin/python bench/reads.py --observations 400000 --work /tmp/bench-reads

Builds a hub from a generated Marine LitterWatch-shaped export (bench/ingest.py `make_mlw`), then times each
service call the API answers with (median of `--repeat` runs, in-process: no HTTP), and the backfill.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import make_mlw  # noqa: E402 - bench/ingest.py


def _time(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return round(statistics.median(runs) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--observations", type=int, default=400_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-reads"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from litterhub.services import datasets as svc
    from litterhub.services import lake_events, summaries
    from litterhub.services import ogc as ogc_svc
    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.metadata import _facets

    args.work.mkdir(parents=True, exist_ok=True)
    source = args.work / "mlw.csv"
    if not source.exists():
        make_mlw(source, args.observations)
    hub = Hub.open(args.work / "data")
    start = time.perf_counter()
    result = ingest_file(hub, source, "mlw", "bench-mlw")
    ingest_s = time.perf_counter() - start
    events = lake_events.summary_count(hub)
    first = svc.list_events(hub, limit=100)
    c = ogc_svc.collection(hub, "bench-mlw")
    out = {
        "observations": args.observations, "events": events, "sites": svc.headline_counts(hub)["sites"],
        "ingest_s": round(ingest_s, 2), "unchanged": result.unchanged,
        "ms": {
            "sites bbox (10x10 deg)": _time(lambda: svc.sites_geojson(hub, "0,40,10,50"), args.repeat),
            "sites all": _time(lambda: svc.sites_geojson(hub), args.repeat),
            "headline counts": _time(lambda: svc.headline_counts(hub), args.repeat),
            "facets (CKAN/DCAT)": _time(lambda: _facets(hub), args.repeat),
            "events page 1 (limit 100)": _time(lambda: svc.list_events(hub, limit=100), args.repeat),
            "events page 2 (cursor)": _time(lambda: svc.list_events(hub, limit=100, cursor=first.next_cursor),
                                            args.repeat),
            "events of one country": _time(lambda: svc.list_events(hub, country="GBR", limit=100), args.repeat),
            "OGC items limit 100 + numberMatched": _time(
                lambda: ogc_svc.items_page(hub, c, None, None, 100, 0), args.repeat),
            "OGC items bbox": _time(lambda: ogc_svc.items_page(hub, c, (0, 40, 10, 50), None, 100, 0), args.repeat),
            "series page (limit 10000)": _time(lambda: svc.density_series(hub, "bench-mlw"), args.repeat),
            "series by month": _time(lambda: svc.density_series(hub, "bench-mlw", "month"), args.repeat),
            "backfill --force (one version)": _time(lambda: summaries.backfill(hub, force=True), 1),
        },
    }
    hub.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
