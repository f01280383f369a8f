"""Benchmark `ingest_file` on large programme-shaped files against DuckDB's own `read_csv` of the same file.

Usage:
    .venv/bin/python bench/ingest.py [--mlw 1000000 4000000] [--tides 10000000] [--keep DIR] [--repeat 3]

Files are generated into a temporary directory (never committed):
- Marine LitterWatch-shaped: the real export's 176 columns (header copied from ../shared/data when present),
  40 of the 162 G-code cells filled per event (the real file's mean is 39.9), the rest blank, Poisson counts;
  events = observation rows / 40.
- TIDES-shaped: the real jan23 export's 77 columns, all 61 item cells filled (explicit zeros, as in the nov22
  export), `GPS` as a "lat, lon" string, US M/D/YYYY dates, `Miles` 0 in about half the rows and a correct
  `Total Items Collected`; cleanups = observation rows / 61.
Each measurement runs in a fresh child process: wall time of `ingest_file(...)` alone (imports excluded:
read, validate, harmonise with the crosswalks, write the lake, register the catalog), and the child's peak
RSS (`ru_maxrss`, which includes the interpreter and libraries, ~150 MiB). The upper bound is
DuckDB's `CREATE TABLE t AS FROM read_csv(file)` in another fresh process (type detection and full parse
of every column, 2 threads = all cores of this machine). ratio = ingest time / DuckDB time. A third
child times the adapter alone (parse, validate, unpivot into canonical batches; no harmonisation, no writes),
and a fourth DuckDB's own read_csv + UNPIVOT of the item columns + zstd Parquet write, the bound for producing
the long observation table the hub stores (the wide file's cells become 40-61 times as many rows).
Issue 20's measure is CPU time (`process_time`, all threads) of the ingest against that fourth child: `--repeat`
alternating pairs of the two run per file and the medians are compared (the machine is shared). The ingest child
loads the vocabularies (crosswalk table, marine-region polygons) before the clock starts, as a running hub has
them; that load is reported apart ("vocabulary load CPU s") with the ratio a fresh process would see.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LITTERHUB_SHARED_DATA", REPO.parent / "shared" / "data"))
CHUNK = 20_000
MLW_FILLED = 40

INGEST_CHILD = """
import json, resource, sys, time
from pathlib import Path
from litterhub.services.hub import Hub
from litterhub.services.ingest import ingest_file
hub = Hub.open(Path(sys.argv[2]))
import litterhub.harmonize.observations, litterhub.ingest.formats, duckdb  # imports are not the ingest's work
# loading the vocabularies (crosswalk table, marine-region polygons) is once per process, like the imports: a
# running hub has them; it is measured apart, and the first ingest of a fresh process pays it on top
from litterhub.harmonize.crosswalk import mapping_table
from litterhub.vocab.regions import polygon_layer
c0 = time.process_time()
mapping_table(), polygon_layer("sea")
vocab_cpu = time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
result = ingest_file(hub, Path(sys.argv[1]), sys.argv[3])
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
r = result.report
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall_s": wall, "cpu_s": cpu, "vocab_cpu_s": vocab_cpu, "peak_rss_mib": rss,
                  "rows_in": r.rows_in, "rows_accepted": r.rows_accepted, "rows_rejected": r.rows_rejected,
                  "events": result.extra.get("events"), "observations": result.extra.get("observations"),
                  "ok": result.ok, "counts": dict(r.counts)}))
"""

ADAPTER_CHILD = """
import json, resource, sys, time
from pathlib import Path
from litterhub.ingest.formats import resolve
from litterhub.ingest.report import ValidationReport
info, found = resolve(Path(sys.argv[1]), sys.argv[2])
report = ValidationReport()
t0 = time.perf_counter()
n = sum(batch.observations.num_rows for batch in found.adapter.read(info, report))
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "observations": n,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DUCKDB_CHILD = """
import json, resource, sys, time
import duckdb
con = duckdb.connect()
t0 = time.perf_counter()
con.sql("CREATE TABLE t AS FROM read_csv(?)", params=[sys.argv[1]])
wall = time.perf_counter() - t0
n = con.sql("SELECT count(*) FROM t").fetchall()[0][0]
print(json.dumps({"wall_s": wall, "rows": n, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "threads": con.sql("SELECT current_setting('threads')").fetchall()[0][0]}))
"""

UNPIVOT_CHILD = """
import json, resource, sys, time, tempfile, os
import duckdb
con = duckdb.connect()
items = json.loads(sys.argv[2])
cols = ", ".join('"' + c.replace('"', '""') + '"' for c in items)
out = os.path.join(tempfile.mkdtemp(), "long.parquet")
t0, c0 = time.perf_counter(), time.process_time()
con.sql(f"COPY (UNPIVOT (FROM read_csv('{sys.argv[1]}')) ON {cols} INTO NAME source_code VALUE count) "
        f"TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
n = con.sql(f"SELECT count(*) FROM '{out}'").fetchall()[0][0]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall_s": wall, "cpu_s": cpu, "rows": n, "peak_rss_mib": rss}))
"""


def _header(path: Path, fallback: list[str]) -> list[str]:
    if path.is_file():
        with path.open(encoding="utf-8-sig") as fh:
            import csv

            return next(csv.reader(fh))
    return fallback


def _write(path: Path, header: list[str], chunks) -> None:
    """Write string/number column chunks as CSV with pyarrow (nulls become empty cells)."""
    writer = None
    with path.open("wb") as sink:
        for columns in chunks:
            table = pa.table(dict(zip(header, columns, strict=True)))
            if writer is None:
                writer = pacsv.CSVWriter(sink, table.schema, write_options=pacsv.WriteOptions(quoting_style="needed"))
            writer.write_table(table)
        if writer is not None:
            writer.close()


def make_mlw(path: Path, n_obs: int, seed: int = 1) -> int:
    """A Marine LitterWatch-shaped export with exactly `n_obs` non-blank item cells; returns the events."""
    rng = np.random.default_rng(seed)
    header = _header(SHARED / "eea-marine-litterwatch" / "mlw-data.csv",
                     ["CommunityName", "BeachName", "BeachCountrycode", "BeachRegionalSea", "BeachLength_m",
                      "BeachLocation", "BeachType", "EventDate", "EventType", "NatRef", "lon_x1", "lat_y1", "lon_x2",
                      "lat_y2"] + [f"G{i}" for i in range(1, 163)])
    gcols = [i for i, h in enumerate(header) if h.startswith("G") and h[1:].isdigit()]
    n_events = math.ceil(n_obs / MLW_FILLED)
    countries = np.array(["NL", "BE", "FR", "ES", "IT", "GR", "HR", "DE", "DK", "SE"])

    def chunks():
        done = 0
        for start in range(0, n_events, CHUNK):
            n = min(CHUNK, n_events - start)
            idx = np.arange(start, start + n)
            beach = idx % 2000
            filled = np.zeros((n, len(gcols)), bool)
            order = np.argsort(rng.random((n, len(gcols))), axis=1)[:, :MLW_FILLED]
            np.put_along_axis(filled, order, True, axis=1)
            last = min(n_obs - done, n * MLW_FILLED)
            if last < n * MLW_FILLED:  # trim the final event so the file has exactly n_obs cells
                flat = np.flatnonzero(filled.ravel())
                filled.ravel()[flat[last:]] = False
            done += int(filled.sum())
            counts = rng.poisson(3.0, (n, len(gcols)))
            day = np.datetime64("2015-01-01") + (idx // 2000).astype("timedelta64[D]")
            lat = 36 + (beach % 200) * 0.1
            lon = -5 + (beach // 200) * 2.0
            meta = {
                "CommunityName": pa.array(np.char.add("community ", (beach % 300).astype(str))),
                "BeachName": pa.array(np.char.add("beach ", beach.astype(str))),
                "BeachCountrycode": pa.array(countries[beach % len(countries)]),
                "BeachRegionalSea": pa.array(np.full(n, "Mediterranean Sea")),
                "BeachLength_m": pa.array(np.full(n, 100)),
                "BeachLocation": pa.array(np.full(n, "Rural")),
                "BeachType": pa.array(np.full(n, "Sandy")),
                "EventDate": pa.array(np.char.replace(day.astype(str), "-", "")),
                "EventType": pa.array(np.where(idx % 3 == 0, "Cleanup", "Monitoring")),
                "NatRef": pa.array(np.full(n, "")),
                "lon_x1": pa.array(lon), "lat_y1": pa.array(lat),
                "lon_x2": pa.array(lon + 0.001), "lat_y2": pa.array(lat + 0.001),
            }
            cols = []
            g = 0
            for j, name in enumerate(header):
                if j in gcols:
                    cols.append(pa.array(counts[:, g], mask=~filled[:, g]))
                    g += 1
                else:
                    cols.append(meta.get(name, pa.array(np.full(n, ""))))
            yield cols

    _write(path, header, chunks())
    return n_events


def make_tides(path: Path, n_obs: int, seed: int = 2) -> int:
    """A TIDES-shaped export with exactly `n_obs` item cells (zeros explicit); returns the cleanups."""
    rng = np.random.default_rng(seed)
    header = _header(SHARED / "ocean-conservancy-tides" / "cleanswell_jan23_raw.csv", [])
    if not header:
        raise SystemExit("the TIDES header comes from ../shared/data/ocean-conservancy-tides/cleanswell_jan23_raw.csv")
    first_item = header.index("# of bags") + 1
    items = header[first_item:-1]
    n_rows = math.ceil(n_obs / len(items))

    def chunks():
        done = 0
        for start in range(0, n_rows, CHUNK):
            n = min(CHUNK, n_rows - start)
            idx = np.arange(start, start + n)
            counts = rng.poisson(2.0, (n, len(items))).astype(float)
            filled = np.ones_like(counts, bool)
            last = min(n_obs - done, n * len(items))
            if last < n * len(items):
                filled.ravel()[last:] = False
            done += int(filled.sum())
            counts[~filled] = np.nan
            month = 1 + idx % 12
            dom = 1 + idx % 28
            year = 2015 + (idx // 336) % 8
            dates = np.char.add(np.char.add(np.char.add(month.astype(str), "/"), np.char.add(dom.astype(str), "/")),
                                year.astype(str))
            lat = 32 + (idx % 1000) * 0.01
            lon = -124 + (idx // 1000 % 1000) * 0.01
            gps = np.char.add(np.char.add(np.round(lat, 5).astype(str), ", "), np.round(lon, 5).astype(str))
            miles = np.where(idx % 2 == 0, 0.0, np.round(rng.random(n) * 2, 3))
            meta = {
                "Cleanup ID": pa.array(idx + 100_000), "Zone": pa.array(np.full(n, "Orange County, CA, USA")),
                "State": pa.array(np.full(n, "California, USA")), "Country": pa.array(np.full(n, "United States")),
                "GPS": pa.array(gps), "Cleanup Type": pa.array(np.where(idx % 5 == 0, "land", "beach")),
                "Environment": pa.array(np.full(n, "")), "Cleanup Date": pa.array(dates),
                "Group Name": pa.array(np.full(n, "bench group")), "Adults": pa.array(idx % 7 + 1),
                "Children": pa.array(idx % 3), "People": pa.array(idx % 7 + 1 + idx % 3),
                "Pounds": pa.array(np.round(rng.random(n) * 30, 2)), "Miles": pa.array(miles),
                "# of bags": pa.array(idx % 4),
                "Total Items Collected": pa.array(np.nansum(counts, axis=1).astype(np.int64)),
            }
            cols = []
            for name in header:
                if name in meta:
                    cols.append(meta[name])
                else:
                    j = items.index(name)
                    cols.append(pa.array(np.nan_to_num(counts[:, j]).astype(np.int64), mask=~filled[:, j]))
            yield cols

    _write(path, header, chunks())
    return n_rows


def _child(code: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False,
                          cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _item_columns(path: Path, fmt: str) -> list[str]:
    header = _header(path, [])
    if fmt == "mlw":
        return [h for h in header if h.startswith("G") and h[1:].isdigit()]
    return header[header.index("# of bags") + 1:-1]


def measure(path: Path, fmt: str, work: Path, repeat: int = 3) -> dict:
    """One file: `repeat` alternating pairs of ingest and DuckDB unpivot children (CPU time on a shared machine
    varies by 10-20 % from run to run; the medians are compared), then the adapter alone and DuckDB's read_csv."""
    ingests, unpivots = [], []
    items = json.dumps(_item_columns(path, fmt))
    for i in range(repeat):
        data = work / f"data-{path.stem}-{i}"
        ingests.append(_child(INGEST_CHILD, str(path), str(data), fmt))
        shutil.rmtree(data, ignore_errors=True)
        unpivots.append(_child(UNPIVOT_CHILD, str(path), items))
    ingest = sorted(ingests, key=lambda r: r["cpu_s"])[len(ingests) // 2]  # the median run
    unpivot = sorted(unpivots, key=lambda r: r["cpu_s"])[len(unpivots) // 2]
    adapter = _child(ADAPTER_CHILD, str(path), fmt)
    bound = _child(DUCKDB_CHILD, str(path))
    obs = ingest["observations"] or 0
    return {
        "file": path.name, "format": fmt, "size_mib": round(path.stat().st_size / 2**20, 1),
        "events": ingest["events"], "observations": obs, "rows_in": ingest["rows_in"],
        "balanced": ingest["rows_in"] == ingest["rows_accepted"] + ingest["rows_rejected"],
        "ingest_s": round(ingest["wall_s"], 2), "obs_per_s": round(obs / ingest["wall_s"]),
        "peak_rss_mib": round(ingest["peak_rss_mib"]), "duckdb_read_csv_s": round(bound["wall_s"], 2),
        "duckdb_rss_mib": round(bound["peak_rss_mib"]), "ratio": round(ingest["wall_s"] / bound["wall_s"], 2),
        "adapter_s": round(adapter["wall_s"], 2), "adapter_rss_mib": round(adapter["peak_rss_mib"]),
        "adapter_ratio": round(adapter["wall_s"] / bound["wall_s"], 2),
        "duckdb_unpivot_parquet_s": round(unpivot["wall_s"], 2), "duckdb_unpivot_rows": unpivot["rows"],
        "ratio_to_unpivot": round(ingest["wall_s"] / unpivot["wall_s"], 2),
        "ingest_cpu_s": round(ingest["cpu_s"], 2), "duckdb_unpivot_cpu_s": round(unpivot["cpu_s"], 2),
        "cpu_ratio_to_unpivot": round(ingest["cpu_s"] / unpivot["cpu_s"], 2),
        "vocab_load_cpu_s": round(ingest["vocab_cpu_s"], 2),
        "cpu_ratio_fresh_process": round((ingest["cpu_s"] + ingest["vocab_cpu_s"]) / unpivot["cpu_s"], 2),
        "ingest_cpu_runs": [round(r["cpu_s"], 2) for r in ingests],
        "duckdb_unpivot_cpu_runs": [round(r["cpu_s"], 2) for r in unpivots],
        "ingest_peak_rss_runs": [round(r["peak_rss_mib"]) for r in ingests],
        "balanced_all": all(r["rows_in"] == r["rows_accepted"] + r["rows_rejected"] for r in ingests),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlw", type=int, nargs="*", default=[1_000_000, 4_000_000],
                        help="observation rows of the Marine LitterWatch-shaped files")
    parser.add_argument("--tides", type=int, nargs="*", default=[10_000_000],
                        help="observation rows of the TIDES-shaped files")
    parser.add_argument("--keep", type=Path, help="keep the generated files and data directories here")
    parser.add_argument("--repeat", type=int, default=3, help="ingest / DuckDB unpivot pairs per file (medians)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="litterhub-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"# {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores; work dir {work}")
    results = []
    try:
        for n in args.mlw:
            path = work / f"mlw-{n}.csv"
            make_mlw(path, n)
            results.append(measure(path, "mlw", work, args.repeat))
            print(json.dumps(results[-1]), flush=True)
        for n in args.tides:
            path = work / f"tides-{n}.csv"
            make_tides(path, n)
            results.append(measure(path, "tides", work, args.repeat))
            print(json.dumps(results[-1]), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print("\n| file | MiB | events | observation rows | ingest_file s | obs rows/s | peak RSS MiB | DuckDB read_csv s "
          "| ratio | adapter alone s | adapter ratio | adapter RSS MiB | DuckDB unpivot+Parquet s | ratio to it "
          "| ingest CPU s | DuckDB unpivot+Parquet CPU s | CPU ratio | vocabulary load CPU s "
          "| CPU ratio, fresh process |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['file']} | {r['size_mib']} | {r['events']:,} | {r['observations']:,} | {r['ingest_s']} | "
              f"{r['obs_per_s']:,} | {r['peak_rss_mib']} | {r['duckdb_read_csv_s']} | {r['ratio']} | "
              f"{r['adapter_s']} | {r['adapter_ratio']} | {r['adapter_rss_mib']} | {r['duckdb_unpivot_parquet_s']} | "
              f"{r['ratio_to_unpivot']} | {r['ingest_cpu_s']} | {r['duckdb_unpivot_cpu_s']} | "
              f"{r['cpu_ratio_to_unpivot']} | {r['vocab_load_cpu_s']} | {r['cpu_ratio_fresh_process']} |")


if __name__ == "__main__":
    main()
