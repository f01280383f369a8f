"""Load benchmark: concurrent clients on a mix of read endpoints, and /api/v1/health while heavy work runs.

Usage:
    .venv/bin/python bench/load.py [--db sqlite|postgresql|both] [--clients 50] [--duration 120]
                                   [--heavy-duration 30] [--think 0] [--no-shared] [--json results.json]
                                   [--driver wrk|python] [--nice 0]

For each catalog database it builds a hub in a temporary directory (the bundled demo samples, plus the EEA
Marine LitterWatch and NOAA MDMAP exports from ../shared/data unless --no-shared), starts `litterhub serve`
as a separate process on 127.0.0.1 (PostgreSQL: a throwaway server from the system's binaries, started the
way tests/postgres_fixtures.py does), and then:

1. **mix**: `--clients` clients, each in a closed loop (next request when the last one answered, after
   `--think` seconds), for `--duration` seconds over MIX (API, indicators, OGC API, CKAN, pages).
   Reported: requests, throughput, 5xx count, p50/p95/p99 latency overall (and per endpoint with the Python
   driver), and the server's RSS sampled every 2 s (min, max, first and last quarter means: flat means the last
   quarter is within 10 % of the second).
   `--driver wrk` (the default) drives the mix with wrk (Debian's package; C, one connection per client, a Lua
   script rotating over MIX and counting statuses): a Python load generator on the same two cores takes a
   third of a core and the server waits for it, which measured the client, not the server. `--driver python`
   keeps the asyncio client, which also reports per endpoint and supports `--think`.
2. **health under heavy work**: for `--heavy-duration` seconds, a litteR run on litteR's example data, a Monte
   Carlo (world totals, 10 000 draws) and an upload validation (the MLW sample, as a contributor) are kept
   in flight back to back while one client asks /api/v1/health every 50 ms; reported: health p50/p99/max and
   how many heavy requests completed.

Every loop is bounded by its deadline and a request cap; only loopback addresses are used. Targets (issue 13):
0 responses 5xx, p95 < 300 ms, RSS < 1.5 GB and flat, health p99 < 100 ms under heavy work.

The server runs with LITTERHUB_API_RATE raised (one loopback address would otherwise meet the per-caller read
limit within seconds): this measures capacity, not the limiter (the limiter has its own tests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

WRK_SCRIPT = """
paths = {%(paths)s}
statuses = {}
counter = 0
threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counter = math.random(#paths) end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept-Encoding"] = "gzip"})
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do merged[status] = (merged[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(merged) do table.insert(parts, string.format('"%%d": %%d', status, n)) end
  local e = summary.errors
  io.write(string.format('WRK-RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, '
    .. '"p99_us": %%d, "max_us": %%d, "socket_errors": %%d, "statuses": {%%s}}\\n', summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LITTERHUB_SHARED_DATA", REPO.parent / "shared" / "data"))
WRAPPER = REPO / "tests" / "pg_ctl_wrapper.sh"
LITTER_SETTINGS = b"date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n"
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a bound on every loop besides its deadline

# (weight, path): reads a visitor, a dashboard and a harvester make; every face appears
MIX = [
    (4, "/api/v1/health"),
    (3, "/api/v1/datasets"),
    (2, "/api/v1/sites"),
    (3, "/api/v1/events?limit=100"),
    (3, "/api/v1/indicators/beach"),
    (1, "/api/v1/indicators/beach?group_by=country&per_100m=true"),
    (2, "/ogc/collections/sites/items?limit=50"),
    (1, "/api/3/action/package_list"),
    (2, "/"),
    (2, "/datasets"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the hub and its server --------------------------------------------------------------------------------

def start_postgres(tmp: Path) -> tuple[object, str]:
    """A throwaway PostgreSQL (the test suite's wrapper, so it also runs as root); returns (executor, URL)."""
    from pytest_postgresql.executors.proc import PostgreSQLExecutor

    port = free_port()
    executor = PostgreSQLExecutor(executable=str(WRAPPER), host="127.0.0.1", port=port,
                                  datadir=str(tmp / "pgdata"), unixsocketdir="/tmp", logfile=str(tmp / "pg.log"),
                                  startparams="-w", dbname="litterhub", user="postgres", password="")
    executor.start()
    executor.wait_for_postgres()
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE litterhub")
    return executor, f"postgresql+psycopg://postgres@127.0.0.1:{port}/litterhub"


def prepare(data_dir: Path, database_url: str | None, shared: bool) -> str:
    """Load the demo (and the shared exports), create a contributor; returns its API key."""
    from litterhub.services import auth
    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import initialise, load_demo

    hub = Hub.open(data_dir, database_url)
    try:
        initialise(hub)
        list(load_demo(hub))
        extras = [(SHARED / "eea-marine-litterwatch" / "mlw-data.csv", "mlw", "bench-mlw"),
                  (SHARED / "noaa-mdmap" / "MDMAP_Export_20230827.csv", "mdmap", "bench-mdmap")]
        for path, fmt, dataset in extras if shared else []:
            if path.exists():
                ingest_file(hub, path, fmt, dataset)
        user = auth.create_user(hub, "bench@example.org", "bench password 12345", role="contributor")
        key, _ = auth.create_api_key(hub, user.id)
    finally:
        hub.close()
    return key


def start_server(data_dir: Path, database_url: str | None, port: int, nice: int = 0,
                 cpus: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "LITTERHUB_DATA": str(data_dir), "LITTERHUB_API_RATE": "100000000/60",
           "LITTERHUB_COMPUTE_RATE": "100000/60", "LITTERHUB_MAX_DRAFTS": "100000", "LITTERHUB_MAX_DRAFT_MB": "100000"}
    if database_url:
        env["LITTERHUB_DATABASE_URL"] = database_url
    log = (data_dir.parent / "server.log").open("wb")  # a file, not a pipe: a full pipe would stall the server
    command = [sys.executable, "-m", "litterhub.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--data-dir", str(data_dir)]
    if nice:  # a priority over other work on a shared machine (see --nice)
        command = ["nice", "-n", str(nice), *command]
    if cpus:  # pinned to these CPUs (taskset list, e.g. "0,1"): the target machine's 2 cores on a larger one
        command = ["taskset", "-c", cpus, *command]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    for _ in range(600):  # up to 60 s
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: {(data_dir.parent / 'server.log').read_text()[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError("the server did not answer /api/v1/health within 60 s")


# --- measuring ---------------------------------------------------------------------------------------------

@dataclass
class RssSampler:
    """The server's resident memory every `every` seconds, in a thread."""

    pid: int
    every: float = 2.0
    samples: list[tuple[float, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> RssSampler:
        process = psutil.Process(self.pid)
        start = time.monotonic()

        def run() -> None:
            while not self._stop.wait(self.every):
                try:
                    self.samples.append((time.monotonic() - start, process.memory_info().rss / 2**20))
                except psutil.Error:
                    return

        threading.Thread(target=run, daemon=True).start()
        return self

    def stop(self) -> dict[str, object]:
        self._stop.set()
        values = [mb for _, mb in self.samples] or [0.0]
        quarter = max(1, len(values) // 4)
        second = statistics.mean(values[quarter:2 * quarter] or values)
        last = statistics.mean(values[-quarter:])
        return {"samples": len(values), "min_mb": round(min(values)), "max_mb": round(max(values)),
                "first_quarter_mb": round(statistics.mean(values[:quarter])), "last_quarter_mb": round(last),
                "flat": last <= second * 1.10, "series": [(round(t), round(mb)) for t, mb in self.samples]}


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 1)}


async def mix(base: str, clients: int, duration: float, think: float) -> dict[str, object]:
    """`clients` closed-loop clients over MIX for `duration` seconds."""
    schedule = [path for weight, path in MIX for _ in range(weight)]
    records: list[tuple[str, int, float]] = []
    failures: list[str] = []
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        async def one(index: int) -> None:
            for n in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= deadline:
                    return
                path = schedule[(index * 7 + n) % len(schedule)]
                start = time.perf_counter()
                try:
                    status = (await client.get(path)).status_code
                except httpx.HTTPError as exc:
                    status = 599  # no answer at all counts as a server error
                    if len(failures) < 10:
                        failures.append(f"{path}: {type(exc).__name__}")
                records.append((path, status, time.perf_counter() - start))
                if status >= 500 and len(failures) < 10:
                    failures.append(f"{path}: {status}")
                if think:
                    await asyncio.sleep(think)

        started = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(clients)))
        elapsed = time.monotonic() - started
    latencies = [r[2] for r in records]
    per_path = {path: {"requests": sum(1 for r in records if r[0] == path),
                       **percentiles([r[2] for r in records if r[0] == path])} for _, path in MIX}
    return {"requests": len(records), "seconds": round(elapsed, 1), "per_second": round(len(records) / elapsed, 1),
            "errors_5xx": sum(1 for r in records if r[1] >= 500),
            "non_2xx": sum(1 for r in records if not 200 <= r[1] < 300), "failures": failures,
            **percentiles(latencies),
            "per_path": per_path}


def mix_wrk(base: str, clients: int, duration: float, nice: int, tmp: Path) -> dict[str, object]:
    """The same mix driven by wrk: `clients` connections over two threads, closed loop, no think time."""
    schedule = [path for weight, path in MIX for _ in range(weight)]
    script = tmp / "mix.lua"
    script.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in schedule)})
    command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{int(duration)}s", "--timeout", "60s", "-s",
               str(script), base]
    if nice:
        command = ["nice", "-n", str(nice), *command]
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    elapsed = time.monotonic() - started
    line = next(line for line in out.splitlines() if line.startswith("WRK-RESULT "))
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    requests = raw["requests"]
    return {"requests": requests, "seconds": round(raw["duration_us"] / 1e6, 1),
            "per_second": round(requests / (raw["duration_us"] / 1e6), 1),
            "errors_5xx": sum(n for status, n in statuses.items() if status >= 500) + raw["socket_errors"],
            "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300),
            "failures": [f"status {k}: {v}" for k, v in sorted(statuses.items()) if k >= 500]
            + ([f"socket errors: {raw['socket_errors']}"] if raw["socket_errors"] else []),
            "p50_ms": round(raw["p50_us"] / 1000, 1), "p95_ms": round(raw["p95_us"] / 1000, 1),
            "p99_ms": round(raw["p99_us"] / 1000, 1), "max_ms": round(raw["max_us"] / 1000, 1),
            "per_path": {}, "wall_seconds": round(elapsed, 1), "driver": "wrk"}


async def health_under_heavy(base: str, duration: float, key: str) -> dict[str, object]:
    """Keep a litteR run, a Monte Carlo and an upload validation in flight; probe /api/v1/health meanwhile."""
    reference = SHARED / "litter-reference" / "input"
    litter = {"settings": ("settings.yaml", LITTER_SETTINGS),
              "data": ("data.csv", (reference / "beach-litter-nl-2012-2017.csv").read_bytes()),
              "types": ("types.csv", (reference / "types-ospar-sup-fish-other.csv").read_bytes())}
    upload = (REPO / "src" / "litterhub" / "demo" / "mlw-sample.csv").read_bytes()
    deadline = time.monotonic() + duration
    done: dict[str, list[int]] = {"litter-run": [], "monte-carlo": [], "upload-validation": []}

    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        async def heavy(kind: str) -> None:
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= deadline:
                    return
                if kind == "litter-run":
                    r = await client.post("/api/v1/litter/runs", files=litter)
                elif kind == "monte-carlo":
                    r = await client.get("/api/v1/inventory/borrelle/totals", params={"draws": 10_000})
                else:
                    r = await client.post("/api/v1/uploads", files={"file": ("mlw.csv", upload)},
                                          headers={"Authorization": f"Bearer {key}"})
                done[kind].append(r.status_code)

        async def probe() -> list[float]:
            await asyncio.sleep(1.0)  # let the heavy requests start
            times = []
            for _ in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= deadline:
                    return times
                start = time.perf_counter()
                r = await client.get("/api/v1/health")
                times.append(time.perf_counter() - start if r.status_code == 200 else float("inf"))
                await asyncio.sleep(0.05)
            return times

        results = await asyncio.gather(probe(), *(heavy(kind) for kind in done))
    times = results[0]
    return {"health_probes": len(times), **percentiles(times),
            "heavy_completed": {k: len(v) for k, v in done.items()},
            "heavy_statuses": {k: sorted(set(v)) for k, v in done.items()}}


# --- driver ------------------------------------------------------------------------------------------------

def run_one(db: str, args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="litterhub-load-") as tmp_name:
        tmp = Path(tmp_name)
        executor, url = start_postgres(tmp) if db == "postgresql" else (None, None)
        server = None
        try:
            key = prepare(tmp / "data", url, not args.no_shared)
            port = free_port()
            server = start_server(tmp / "data", url, port, args.nice)
            base = f"http://127.0.0.1:{port}"
            for _, path in MIX:  # one warm-up request per endpoint (first indicator computation, page templates)
                httpx.get(base + path, timeout=300)
            sampler = RssSampler(server.pid).start()
            server_cpu, own_cpu = psutil.Process(server.pid).cpu_times(), psutil.Process().cpu_times()
            if args.driver == "wrk":
                load = mix_wrk(base, args.clients, args.duration, args.nice, tmp)
            else:
                load = asyncio.run(mix(base, args.clients, args.duration, args.think))
            rss = sampler.stop()
            server_cpu_s = sum(psutil.Process(server.pid).cpu_times()[:2]) - sum(server_cpu[:2])
            own_cpu_s = sum(psutil.Process().cpu_times()[:2]) - sum(own_cpu[:2])
            children = psutil.Process().cpu_times()  # wrk ran as a child: its CPU is in children_*
            own_cpu_s += children.children_user + children.children_system
            load["server_cpu_ms_per_request"] = round(server_cpu_s * 1000 / max(1, load["requests"]), 2)
            load["server_cpu_share"] = round(server_cpu_s / load["seconds"], 2)  # cores the server got
            load["client_cpu_share"] = round(own_cpu_s / load["seconds"], 2)
            heavy = asyncio.run(health_under_heavy(base, args.heavy_duration, key)) if args.heavy_duration else {}
            rss_after = psutil.Process(server.pid).memory_info().rss / 2**20
            log = (tmp / "server.log").read_text(errors="replace").splitlines()
            errors = [line for line in log if "Error" in line or "Exception" in line][:10]
            return {"db": db, "mix": load, "rss": rss, "rss_after_heavy_mb": round(rss_after), "heavy": heavy,
                    "server_errors": errors}
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(30)
            if executor is not None:
                executor.stop()


def report(result: dict[str, object]) -> str:
    load, rss, heavy = result["mix"], result["rss"], result["heavy"]
    lines = [f"### {result['db']}",
             f"- mix: {load['requests']} requests in {load['seconds']} s ({load['per_second']} req/s), "
             f"5xx: {load['errors_5xx']}, non-2xx: {load['non_2xx']}; p50 {load['p50_ms']} ms, p95 {load['p95_ms']} "
             f"ms, p99 {load['p99_ms']} ms, max {load['max_ms']} ms",
             f"- server CPU: {load['server_cpu_ms_per_request']} ms per request; the server got "
             f"{load['server_cpu_share']} cores, the load generator {load['client_cpu_share']}",
             f"- server RSS during the mix: {rss['min_mb']}–{rss['max_mb']} MiB (first quarter "
             f"{rss['first_quarter_mb']}, last quarter {rss['last_quarter_mb']} MiB, flat: {rss['flat']}); "
             f"after the heavy phase {result['rss_after_heavy_mb']} MiB"]
    if heavy:
        lines.append(f"- /api/v1/health under heavy work: {heavy['health_probes']} probes, p50 {heavy['p50_ms']} ms, "
                     f"p99 {heavy['p99_ms']} ms, max {heavy['max_ms']} ms; heavy requests completed "
                     f"{heavy['heavy_completed']} (statuses {heavy['heavy_statuses']})")
    if load["failures"]:
        lines.append(f"- failed requests (first 10): {load['failures']}")
    if result["server_errors"]:
        lines.append(f"- server log errors: {result['server_errors']}")
    lines.append("")
    lines.append("| endpoint | requests | p50 ms | p95 ms | p99 ms |")
    lines.append("|---|---|---|---|---|")
    for path, row in load["per_path"].items():
        lines.append(f"| `{path}` | {row['requests']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of the read mix")
    parser.add_argument("--heavy-duration", type=float, default=30.0, help="seconds of the heavy phase (0: skip)")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each client waits between requests")
    parser.add_argument("--no-shared", action="store_true", help="only the bundled demo samples")
    parser.add_argument("--driver", choices=["wrk", "python"], default="wrk",
                        help="load generator for the mix (wrk: Debian's wrk; python: asyncio client, per endpoint)")
    parser.add_argument("--nice", type=int, default=0,
                        help="run the server and wrk at this nice value (e.g. -10 as root on a machine shared "
                             "with other work, so the figures measure the hub and not the neighbours)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"# load: {args.clients} clients, {args.duration:g} s mix, {args.heavy_duration:g} s heavy phase; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = []
    for db in dbs:
        result = run_one(db, args)
        results.append(result)
        print(report(result), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
