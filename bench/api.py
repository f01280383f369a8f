"""Read faces at scale: a hub of ≥ 10 M observations, every read face at 1, 10 and 50 clients, SQLite and PostgreSQL.

Usage:
    .venv/bin/python bench/api.py [--db sqlite postgresql] [--base-observations 1000000] [--scales 1 10]
                                  [--clients 1 10 50] [--duration 20] [--json results.json] [--keep DIR]

What it does, per catalog database:
1. Builds a hub in a temporary directory from generated programme-shaped files (bench/ingest.py's
   generators, which copy the real exports' headers from ../shared/data): for every 1× unit one TIDES-shaped
   file and one Marine LitterWatch-shaped file of `--base-observations / 2` observation rows each, every file a
   dataset of its own (different seeds, so different bytes). Ingested with `services.ingest.ingest_file`, the
   code path of `litterhub ingest`. The scales are cumulative: 1× is measured, then files are added up to 10×
   on the same hub and everything is measured again (the growth table).
2. Starts `litterhub serve` (one uvicorn process, as the README starts it) and, for every face in FACES,
   warms it with one request (its cold time is reported) and drives it with **wrk** (Debian's package; C, out of
   process, so the load generator does not starve the server of the GIL or a core) at each `--clients` value
   for `--duration` seconds, closed loop. Downloads are measured to the **first byte**: a small child process
   opens `clients` connections, sends the request, times the first response byte and closes the connection
   (wrk would time the whole body).
3. Reports per face and client count: req/s, p50/p95/p99 ms, errors (non-2xx statuses + socket errors), and the
   server's peak RSS during that run (psutil, every 0.5 s); then a growth table (p50 at one client, 1× vs the
   largest scale) and the load average of the machine (this is a shared 2-core machine: read CPU and load
   before reading latency).

Repeating one URL measures the anonymous read cache (http/read_cache.py), which is what a popular page or a
harvester re-reading a catalogue meets. The "varied" faces take 20,000 distinct URLs in turn (random bounding
boxes, search words and offsets), so nearly every request is computed: the per-version summaries, the lake and
the registry's search on each request.

Targets (issue 20): every read face p95 < 300 ms with 0 errors and RSS < 1.5 GB at 50 clients on both databases,
with ≥ 10 M observation rows; read latency flat from 1× to 10×.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import ingest as gen  # noqa: E402, I001 - the bench/ingest.py generators
import load  # noqa: E402, I001 - bench/load.py: PostgreSQL, server start, free ports

# One wrk request path with status counting (bench/load.py's script, one path).
PROBE_TTFB = r"""
import asyncio, json, sys, time
host, port, path, clients, duration = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
times, statuses, errors = [], {}, 0
async def one(deadline):
    global errors
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            r, w = await asyncio.open_connection(host, port)
            w.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            await w.drain()
            line = await asyncio.wait_for(r.readline(), 120)
            times.append(time.perf_counter() - start)
            status = int(line.split()[1]) if line else 599
            statuses[status] = statuses.get(status, 0) + 1
            w.close()
        except Exception:
            errors += 1
async def main():
    deadline = time.monotonic() + duration
    t0 = time.monotonic()
    await asyncio.gather(*(one(deadline) for _ in range(clients)))
    return time.monotonic() - t0
elapsed = asyncio.run(main())
times.sort()
at = lambda q: round(times[min(len(times) - 1, int(q * len(times)))] * 1000, 1) if times else None
print(json.dumps({"requests": len(times), "seconds": elapsed, "p50_ms": at(.5), "p95_ms": at(.95), "p99_ms": at(.99),
                  "statuses": statuses, "socket_errors": errors}))
"""


@dataclass(frozen=True)
class Face:
    """One read a client makes: which face of the hub it belongs to and how it is measured."""

    face: str
    path: str
    first_byte: bool = False  # downloads: time to the first response byte, body not read
    variants: tuple[str, ...] = ()  # several distinct URLs, taken in turn: reads the anonymous cache cannot answer


VARIANTS = 20_000  # distinct URLs of a varied face: more than a 5-20 s run at 50 clients asks for, so nearly
# every request is a first one for the read cache (it keys on the whole URL)
WORDS = ("plastic", "beach", "microplastics", "monitoring", "fishing", "policy", "guideline", "river", "bottle",
         "bag", "cleanup", "sediment", "additive", "recycling", "deposit", "ban", "survey", "citizen", "ocean",
         "coast", "waste", "packaging", "national", "regional", "litter", "debris", "net", "pellet", "seafloor",
         "tyre", "textile", "wastewater", "harbour", "tourism", "shipping", "aquaculture", "health", "toxic",
         "inventory", "action plan")


def _boxes(rng, n: int) -> list[str]:
    """Bounding boxes 0.2-3 degrees wide around the generated sites (US west coast, Europe's coasts)."""
    out = []
    for i in range(n):
        lon0, lat0, lon1, lat1 = (-125.0, 30.0, -115.0, 40.0) if i % 2 else (-10.0, 35.0, 25.0, 60.0)
        w, h = rng.uniform(0.2, 3.0), rng.uniform(0.2, 3.0)
        x, y = rng.uniform(lon0, lon1 - w), rng.uniform(lat0, lat1 - h)
        out.append(f"{x:.3f},{y:.3f},{x + w:.3f},{y + h:.3f}")
    return out


def varied_faces(ids: dict[str, str]) -> list[Face]:
    """Faces whose every request is (almost) new to the read cache: what a map panning, a harvester paging or
    people searching ask, computed from the summaries, the lake or the registry on each request."""
    import random

    rng = random.Random(20)
    d, c = ids["dataset"], ids["collection"]
    boxes = _boxes(rng, VARIANTS)
    words = [f"{rng.choice(WORDS)}" + (f" {rng.choice(WORDS)}" if rng.random() < 0.3 else "") for _ in range(VARIANTS)]
    return [
        Face("v1 varied", "/api/v1/sites?bbox=<random>", variants=tuple(f"/api/v1/sites?bbox={b}" for b in boxes)),
        Face("v1 varied", f"/api/v1/events?limit=100&dataset={d}&bbox=<random>",
             variants=tuple(f"/api/v1/events?limit=100&dataset={d}&bbox={b}" for b in boxes)),
        Face("OGC varied", f"/ogc/collections/{c}/items?limit=100&bbox=<random>",
             variants=tuple(f"/ogc/collections/{c}/items?limit=100&bbox={b}" for b in boxes)),
        Face("CKAN varied", "/api/3/action/package_search?q=<word>&start=<n>",
             variants=tuple(f"/api/3/action/package_search?q={w.replace(' ', '+')}&rows=20&start={rng.randrange(0, 40)}"
                            for w in words)),
        Face("search varied", "/api/v1/search?q=<words>&offset=<n>",
             variants=tuple(f"/api/v1/search?q={w.replace(' ', '+')}&offset={rng.randrange(0, 200)}" for w in words)),
    ]


def faces(ids: dict[str, str]) -> list[Face]:
    """Every read face, filled with ids found in the hub (a dataset, its version, an OGC collection, a bbox)."""
    d, v, c, bbox = ids["dataset"], ids["version"], ids["collection"], ids["bbox"]
    return [
        Face("v1", "/api/v1/datasets"),
        Face("v1", f"/api/v1/datasets/{d}"),
        Face("v1", f"/api/v1/sites?bbox={bbox}"),
        Face("v1", "/api/v1/events?limit=100"),
        Face("v1", f"/api/v1/events?limit=100&dataset={d}&bbox={bbox}"),
        Face("v1", f"/api/v1/datasets/{d}/series"),
        Face("OGC", "/ogc/collections"),
        Face("OGC", f"/ogc/collections/{c}/items?limit=100"),
        Face("OGC", f"/ogc/collections/{c}/items?limit=100&bbox={bbox}"),
        Face("CKAN", "/api/3/action/package_list"),
        Face("CKAN", "/api/3/action/package_search?q=beach&rows=20"),
        Face("catalogue", "/catalog.jsonld"),
        Face("catalogue", f"/datasets/{d}.jsonld"),
        Face("downloads", f"/api/v1/datasets/{d}/versions/{v}/download.csv", first_byte=True),
        Face("downloads", f"/api/v1/datasets/{d}/versions/{v}/download.parquet", first_byte=True),
        Face("indicators", f"/api/v1/indicators/beach?dataset={d}"),
        Face("indicators", f"/api/v1/indicators/beach?dataset={d}&group_by=country"),
        Face("search", "/api/v1/search?q=plastic"),
        Face("pages", "/"),
        Face("pages", "/datasets"),
        Face("pages", f"/datasets/{d}"),
        Face("pages", "/indicators"),
        Face("pages", "/map"),
        *varied_faces(ids),
    ]


# --- building the hub --------------------------------------------------------------------------------------

def build(data_dir: Path, url: str | None, work: Path, units: range, half: int) -> dict[str, object]:
    """Ingest one TIDES- and one MLW-shaped file of `half` observation rows per 1× unit in `units`."""
    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import initialise

    hub = Hub.open(data_dir, url)
    done = {"files": 0, "observations": 0, "events": 0, "ingest_s": 0.0}
    try:
        initialise(hub)
        for unit in units:
            for kind, make in (("tides", gen.make_tides), ("mlw", gen.make_mlw)):
                path = work / f"{kind}-{unit}.csv"
                make(path, half, seed=1000 + unit)
                started = time.perf_counter()
                result = ingest_file(hub, path, kind, f"bench-{kind}-{unit:03d}", actor="bench")
                done["ingest_s"] += time.perf_counter() - started
                if not result.ok:
                    raise SystemExit(f"ingest of {path.name} failed: {result.as_dict()['errors'][:3]}")
                done["files"] += 1
                done["observations"] += result.extra["observations"]
                done["events"] += result.extra["events"]
                path.unlink()
                print(f"#   ingested {path.name}: {result.extra}", flush=True)
    finally:
        hub.close()
    return done


def discover(base: str) -> dict[str, str]:
    """Ids the faces need, read through the API itself (the largest dataset, its version, an OGC collection)."""
    datasets = httpx.get(f"{base}/api/v1/datasets", timeout=300).json()
    rows = datasets["items"]
    first = next(r for r in rows if str(r.get("id", "")).startswith("bench-tides"))
    collections = httpx.get(f"{base}/ogc/collections", timeout=300).json()["collections"]
    collection = next((c["id"] for c in collections if first["id"] in c["id"]), collections[0]["id"])
    return {"dataset": first["id"], "version": str(first.get("current_version") or first.get("version") or 1),
            "collection": collection, "bbox": "-118.5,33.0,-117.0,34.5"}


# --- measuring ---------------------------------------------------------------------------------------------

@contextmanager
def peak_rss(pid: int):
    """The server's peak RSS (MiB) while the block runs, sampled every 0.5 s."""
    peak = [psutil.Process(pid).memory_info().rss / 2**20]
    stop = threading.Event()

    def run() -> None:
        process = psutil.Process(pid)
        while not stop.wait(0.5):
            try:
                peak[0] = max(peak[0], process.memory_info().rss / 2**20)
            except psutil.Error:
                return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def run_wrk(base: str, path: str, clients: int, duration: float, tmp: Path,
            variants: tuple[str, ...] = ()) -> dict[str, object]:
    script = tmp / "one.lua"
    script.write_text(load.WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in variants or (path,))})
    command = ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{duration:g}s", "--timeout", "60s",
               "-s", str(script), base]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    raw = json.loads(next(x for x in out.splitlines() if x.startswith("WRK-RESULT ")).removeprefix("WRK-RESULT "))
    seconds = raw["duration_us"] / 1e6
    return _row(raw["requests"], seconds, raw["p50_us"] / 1000, raw["p95_us"] / 1000, raw["p99_us"] / 1000,
                raw["statuses"], raw["socket_errors"])


def run_first_byte(port: int, path: str, clients: int, duration: float) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE_TTFB, "127.0.0.1", str(port), path, str(clients),
                          str(duration)], capture_output=True, text=True, check=True).stdout
    raw = json.loads(out.strip().splitlines()[-1])
    return _row(raw["requests"], raw["seconds"], raw["p50_ms"], raw["p95_ms"], raw["p99_ms"], raw["statuses"],
                raw["socket_errors"])


def _row(requests: int, seconds: float, p50, p95, p99, statuses: dict, socket_errors: int) -> dict[str, object]:
    errors = sum(n for s, n in statuses.items() if not 200 <= int(s) < 400) + socket_errors
    return {"requests": requests, "req_s": round(requests / seconds, 1) if seconds else 0.0,
            "p50_ms": None if p50 is None else round(p50, 1), "p95_ms": None if p95 is None else round(p95, 1),
            "p99_ms": None if p99 is None else round(p99, 1), "errors": errors,
            "statuses": {str(k): v for k, v in statuses.items()}}


def first_answer(url: str, patience: float = 900.0) -> int | str:
    """The status of the first complete answer: a page that answers 202 (a heavy first computation running as a
    job, issue 20 item 3) is asked again until it answers otherwise, so the load run measures the computed page
    and the cold time includes the computation."""
    deadline = time.monotonic() + patience
    while True:
        try:
            status = httpx.get(url, timeout=600).status_code
        except httpx.HTTPError as exc:
            return type(exc).__name__
        if status != 202 or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


def measure(server: subprocess.Popen, port: int, clients: list[int], duration: float, tmp: Path,
            only: list[str] | None) -> list[dict[str, object]]:
    base = f"http://127.0.0.1:{port}"
    rows = []
    for face in faces(discover(base)):
        if only and face.face not in only:
            continue
        started = time.perf_counter()
        cold_status = first_answer(base + (face.variants[0] if face.variants else face.path)) \
            if not face.first_byte else 200
        cold_ms = round((time.perf_counter() - started) * 1000)
        for n in clients:
            cpu0 = sum(psutil.Process(server.pid).cpu_times()[:2])
            with peak_rss(server.pid) as peak:
                if face.first_byte:
                    row = run_first_byte(port, face.path, n, duration)
                else:
                    row = run_wrk(base, face.path, n, duration, tmp, face.variants)
            cpu = sum(psutil.Process(server.pid).cpu_times()[:2]) - cpu0
            row.update(face=face.face, path=face.path, clients=n, cold_ms=cold_ms, cold_status=cold_status,
                       rss_peak_mb=round(peak[0]), server_cpu_ms_per_req=round(cpu * 1000 / max(1, row["requests"]), 1),
                       load_avg=round(os.getloadavg()[0], 1))
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def run_db(db: str, args: argparse.Namespace, work: Path) -> dict[str, object]:
    tmp = work / db
    tmp.mkdir(parents=True, exist_ok=True)
    if db == "postgresql" and args.database_url:  # a running PostgreSQL holding a hub built by an earlier --keep run
        executor, url = None, args.database_url
    else:
        executor, url = load.start_postgres(tmp) if db == "postgresql" else (None, None)
    results: dict[str, object] = {"db": db, "scales": {}}
    built = 0
    half = args.base_observations // 2
    try:
        marker = tmp / "built.json"  # --keep DIR: a later run reuses the hub built so far
        if marker.exists() and (url is None or args.database_url):
            built = json.loads(marker.read_text())["scale"]
        for scale in sorted(args.scales):
            stats = build(tmp / "data", url, tmp, range(built, scale), half)
            built = max(built, scale)
            marker.write_text(json.dumps({"scale": built, "database_url": url}))
            port = load.free_port()
            server = load.start_server(tmp / "data", url, port, cpus=args.server_cpus)
            try:
                with peak_rss(server.pid) as whole:  # cold computations (jobs) included, not only the load runs
                    rows = measure(server, port, args.clients, args.duration, tmp, args.faces)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(30)
            results["scales"][scale] = {"build": stats, "observations_total": scale * 2 * half, "rows": rows,
                                        "rss_peak_whole_run_mb": round(whole[0])}
    finally:
        if executor is not None:
            executor.stop()
    return results


# --- report ------------------------------------------------------------------------------------------------

def table(result: dict[str, object], scale: int, clients: list[int]) -> str:
    rows = result["scales"][scale]["rows"]
    head = "| face | path | cold ms | " + " | ".join(f"{n} cl: req/s, p50/p95/p99 ms, err" for n in clients) + \
        " | peak RSS MiB |"
    lines = [head, "|" + "---|" * (4 + len(clients))]
    for path in dict.fromkeys(r["path"] for r in rows):
        mine = {r["clients"]: r for r in rows if r["path"] == path}
        any_row = next(iter(mine.values()))
        cells = [f"{mine[n]['req_s']}, {mine[n]['p50_ms']}/{mine[n]['p95_ms']}/{mine[n]['p99_ms']}, {mine[n]['errors']}"
                 if n in mine else "" for n in clients]
        lines.append(f"| {any_row['face']} | `{path}` | {any_row['cold_ms']} | " + " | ".join(cells) +
                     f" | {max(r['rss_peak_mb'] for r in mine.values())} |")
    return "\n".join(lines)


def growth(result: dict[str, object], clients: int) -> str:
    scales = sorted(result["scales"])
    if len(scales) < 2:
        return ""
    lo, hi = scales[0], scales[-1]
    by = {s: {r["path"]: r for r in result["scales"][s]["rows"] if r["clients"] == clients} for s in (lo, hi)}
    lines = [f"| path | p50 ms at {lo}× | p50 ms at {hi}× | ratio |", "|---|---:|---:|---:|"]
    for path, a in by[lo].items():
        b = by[hi].get(path)  # the faces use the first TIDES-shaped dataset, present at every scale
        if b and a["p50_ms"] and b["p50_ms"]:
            lines.append(f"| `{path}` | {a['p50_ms']} | {b['p50_ms']} | {round(b['p50_ms'] / a['p50_ms'], 2)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--base-observations", type=int, default=1_000_000,
                        help="observation rows at 1× (half TIDES-shaped, half MLW-shaped)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="multiples of the base to measure")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per face and client count")
    parser.add_argument("--faces", nargs="*", help="only these faces (v1 OGC CKAN catalogue downloads indicators "
                        "search pages, and 'v1 varied' 'OGC varied' 'CKAN varied' 'search varied')")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--keep", type=Path, help="build the hubs here and keep them (SQLite hubs are reused by a "
                        "later run with the same directory)")
    parser.add_argument("--database-url", help="with --db postgresql and --keep DIR: this running PostgreSQL holds "
                        "the hub an earlier run built there (its URL is in DIR/postgresql/built.json); reuse it")
    parser.add_argument("--server-cpus", help="pin the server to these CPUs (taskset list, e.g. 0,1): the 2-core "
                        "target on a larger machine, with wrk on the other cores")
    args = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    work = args.keep or Path(tempfile.mkdtemp(prefix="litterhub-bench-api-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores "
          f"(server pinned to CPUs {args.server_cpus or 'none'}), load {os.getloadavg()}; work dir {work}", flush=True)
    results = []
    try:
        for db in args.db:
            results.append(run_db(db, args, work))
    finally:
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, default=str))
        if args.keep is None:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
    for result in results:
        for scale, data in sorted(result["scales"].items()):
            b = data["build"]
            print(f"\n### {result['db']}, {scale}× ({data['observations_total']:,} observation rows; this step "
                  f"ingested {b['files']} files, {b['events']:,} events in {b['ingest_s']:.0f} s; server peak RSS "
                  f"over the whole run, cold computations included: {data.get('rss_peak_whole_run_mb')} MiB)\n")
            print(table(result, scale, args.clients))
        g = growth(result, min(args.clients))
        if g:
            print(f"\n### {result['db']}: growth (p50 at {min(args.clients)} client)\n\n{g}")


if __name__ == "__main__":
    main()
