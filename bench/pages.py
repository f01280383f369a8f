"""Server time of every web page on the demo hub (issue 16, item 11): recorded, not asserted.

Usage:
    .venv/bin/python bench/pages.py [--repeat 5] [--lang en] [--json out.json]

The demo samples are loaded into a fresh data directory; every HTML page route of the app is filled with demo
values exactly as the accessibility test does (tests/web/pages.py: from the routes, never a hand-kept list;
routes that need a signed-in owner — a submission, a litteR run, a report job — are timed signed out, i.e. on
their sign-in or not-found answer). Each page is requested in process through the ASGI app (Starlette's test
client: the whole middleware stack, no network), once cold (first request after start, caches empty) and
then `--repeat` times warm; the table gives the cold time and the median and maximum of the warm ones, with
the status. Pages over the 300 ms server budget of the issue are marked.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/web/pages.py: the page enumerator the accessibility test uses
os.environ.setdefault("LITTERHUB_API_RATE", "1000000/60")
os.environ.setdefault("LITTERHUB_COMPUTE_RATE", "1000000/60")
BUDGET_MS = 300  # issue 16: server time per page on the demo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from tests.web.pages import all_pages, demo_samples

    from litterhub.app import create_app
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise, load_demo

    hub = Hub.open(Path(tempfile.mkdtemp(prefix="bench-pages-")) / "data")
    initialise(hub)
    load_demo(hub)
    rows = []
    with TestClient(create_app(hub)) as client:
        client.cookies.set("lang", args.lang)
        samples = demo_samples(lambda path, params: client.get("/api/v1" + path, params=params).json())
        # enumerating requests every page once: that is each page's cold request, timed here
        cold: dict[str, tuple[float, int]] = {}

        def get(path: str) -> tuple[int, str]:
            start = time.perf_counter()
            response = client.get(path)
            cold.setdefault(path, ((time.perf_counter() - start) * 1000, response.status_code))
            return response.status_code, response.text

        paths, unresolved = all_pages(get, samples)
        for path in paths:
            warm = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                status = client.get(path).status_code
                warm.append((time.perf_counter() - start) * 1000)
            rows.append({"path": path, "status": status, "cold_ms": round(cold[path][0], 1),
                         "warm_median_ms": round(statistics.median(warm), 1), "warm_max_ms": round(max(warm), 1)})
    hub.close()
    rows.sort(key=lambda r: -r["warm_median_ms"])
    print(f"| page | status | cold ms | warm median ms | warm max ms | ≤ {BUDGET_MS} ms |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        ok = "yes" if r["warm_median_ms"] <= BUDGET_MS else "**no**"
        print(f"| `{r['path']}` | {r['status']} | {r['cold_ms']} | {r['warm_median_ms']} | {r['warm_max_ms']} | {ok} |")
    over = sum(r["warm_median_ms"] > BUDGET_MS for r in rows)
    print(f"\n{len(rows)} pages, {over} over {BUDGET_MS} ms (warm median); not timed (no demo value): "
          f"{', '.join(unresolved) or 'none'}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
