"""Read faces over a generated hub, served from per-version summaries and the lake (issue 20 items 1-2).

    .venv/bin/python bench/reads.py --observations 400000 --work /tmp/bench-reads
    .venv/bin/python bench/reads.py --indicators --work /tmp/bench-indicators   # /indicators on the demo hub

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
    parser.add_argument("--indicators", action="store_true", help="time the /indicators page on the demo hub")
    args = parser.parse_args()
    if args.indicators:
        print(json.dumps(indicator_page(args.work, args.repeat), indent=2))
        return

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


def indicator_page(work: Path, repeat: int) -> dict:
    """/indicators on the demo hub: the first request (computes and stores), then stored answers, then the first
    request of a new server process over the same data directory (reads the stored file)."""
    from fastapi.testclient import TestClient

    from litterhub.app import create_app
    from litterhub.services import indicator_store
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise, load_demo

    work.mkdir(parents=True, exist_ok=True)
    hub = Hub.open(work / "data")
    initialise(hub)
    load_demo(hub)
    for old in (work / "data" / "cache" / "indicators").glob("*.pickle"):
        old.unlink()
    indicator_store.clear_memory()
    serial = iter(range(10**6))

    def page(client) -> None:  # a new query string each time: the HTTP read cache never answers
        assert client.get(f"/indicators?group=TC&n={next(serial)}").status_code == 200

    with TestClient(create_app(hub)) as client:
        first = _time(lambda: page(client), 1)
        stored = _time(lambda: page(client), repeat)
    indicator_store.clear_memory()
    with TestClient(create_app(hub)) as client:
        restarted = _time(lambda: page(client), 1)
        warm = _time(lambda: page(client), repeat)
    hub.close()
    return {"first_ms": first, "stored_ms": stored, "new_process_first_ms": restarted, "new_process_ms": warm}


if __name__ == "__main__":
    main()
