"""What the hub holds at 1x today's real data, measured, for docs/scaling.md.

Usage:
    .venv/bin/python bench/scale_table.py [--database-url postgresql+psycopg://...] [--keep DIR]
                                          [--shared-data ../shared/data] [--json out.json]

What it does:
1. Opens a throwaway hub (SQLite in a temporary folder, or the PostgreSQL database given: it must be empty),
   runs `initialise` (registry seed) and counts every catalog table: the rows that do not grow with data.
2. Ingests every full real programme export in ../shared/data that the hub has an adapter for (REAL_EXPORTS:
   the complete files the demo samples were cut from, plus the programmes the demo leaves out for licence
   reasons), with `services.ingest.ingest_file` (the path of `litterhub ingest`), timing CPU and wall.
3. Counts again: catalog rows per table (the growth is what data adds), catalog size on disk, lake rows and
   bytes per lake table (Parquet footers), raw-archive bytes, and the source bytes.
4. On PostgreSQL, times the shared rate limiter (http/limits.py `SharedRateLimiter.hit`: one UPSERT round trip),
   from one thread and from four, which bounds the requests per second the limiter admits.

Prints Markdown tables (1x measured; 100x and 10,000x as linear extrapolations of the data-driven part, marked
as such) and, with --json, the raw figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

# (path under the shared data folder, adapter): every full monitoring export with an adapter
REAL_EXPORTS = [
    ("eea-marine-litterwatch/mlw-data.csv", "mlw"),
    ("noaa-mdmap/MDMAP_Export_20230827.csv", "mdmap"),
    ("ospar-nl-litteR/beach-litter-nl-2012-2017-ospar-export.csv", "ospar"),
    ("emodnet-litter-format/beach/Output_params_another_sheet_def.xlsx", "emodnet"),
    ("emodnet-litter-format/seafloor/Output_multiple_sheet_def.csv", "emodnet"),
    ("hammerdirt-swiss/iqaasl_end_process/after_may_2021.csv", "hammerdirt"),
    ("plastock-leman/macro_current.csv", "plastock"),
    ("plastic-pirates-eu/riverbank/Riverbank_data_v2.0.0.csv", "plastic-pirates"),
    ("openlittermap-italy/olm-data.csv", "olm"),
    ("ncei-microplastics/NPSG_West_Marine_Microplastics_WGS84.csv", "ncei"),
    ("ncei-microplastics/NPSG_East_Marine_Microplastics_WGS84.csv", "ncei"),
    ("ocean-conservancy-tides/cleanswell_jan23_raw.csv", "tides"),
    ("ocean-conservancy-tides/cleanswell_nov22.csv", "tides"),
    ("mcs-beachwatch-gbbc/gbbc_2022_raw_data_cleaned.xlsx", "mcs"),
    ("eriksen2023-surface-trawls/FinalMerge.csv", "eriksen"),
]
SCALES = (1, 100, 10_000)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def catalog_rows(engine) -> dict[str, int]:
    from sqlalchemy import func, inspect, select, table

    rows = {}
    with engine.connect() as conn:
        for name in sorted(inspect(engine).get_table_names()):
            rows[name] = conn.execute(select(func.count()).select_from(table(name))).scalar_one()
    return rows


def catalog_bytes(hub) -> int:
    from sqlalchemy import text

    if hub.engine.dialect.name == "postgresql":
        with hub.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    database = hub.engine.url.database or ""
    return sum(Path(database + suffix).stat().st_size for suffix in ("", "-wal") if Path(database + suffix).exists())


def lake_tables(lake_dir: Path) -> dict[str, dict[str, int]]:
    """Rows (from the Parquet footers) and bytes of every lake table (observations, events, ...) over all
    dataset versions: `lake/dataset=<id>/version=<n>/<table>.parquet`."""
    import pyarrow.parquet as pq

    tables: dict[str, dict[str, int]] = {}
    for f in sorted(lake_dir.glob("dataset=*/version=*/*.parquet")) if lake_dir.is_dir() else []:
        t = tables.setdefault(f.stem, {"files": 0, "bytes": 0, "rows": 0})
        t["files"] += 1
        t["bytes"] += f.stat().st_size
        t["rows"] += pq.ParquetFile(f).metadata.num_rows
    return tables


def time_limiter(hub, threads: int, hits: int) -> dict[str, float]:
    """Shared-limiter hits per second from `threads` threads of this process (all on one caller's row, the
    worst case: one row lock)."""
    from litterhub.http.limits import SharedRateLimiter

    limiter = SharedRateLimiter(hub)
    limiter.hit("bench", "ip:warm", 10**9, 3600)

    def run() -> None:
        for _ in range(hits):
            limiter.hit("bench", "ip:198.51.100.1", 10**9, 3600)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    wall = time.perf_counter()
    cpu = _cpu()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - wall
    total = threads * hits
    return {"threads": threads, "hits": total, "per_second": total / wall, "ms_per_hit": 1000 * wall * threads / total,
            "client_cpu_ms_per_hit": 1000 * (_cpu() - cpu) / total}


def human(n: float) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,.0f} B"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--keep", type=Path, help="build the hub here and keep it (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args(argv)
    os.environ.setdefault("LITTERHUB_ARGON2_PROFILE", "fast")

    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import initialise

    folder = args.keep or Path(tempfile.mkdtemp(prefix="scale-table-"))
    hub = Hub.open(folder / "data", args.database_url or None)
    initialise(hub)
    base = catalog_rows(hub.engine)
    base_catalog_bytes = catalog_bytes(hub)
    files = []
    cpu0, wall0 = _cpu(), time.perf_counter()
    for relative, fmt in REAL_EXPORTS:
        path = args.shared_data / relative
        if not path.is_file():
            files.append({"file": relative, "skipped": "not on disk"})
            continue
        c, w = _cpu(), time.perf_counter()
        result = ingest_file(hub, path, fmt, None, allow_copy=True)
        report = result.report
        files.append({"file": relative, "format": fmt, "bytes": path.stat().st_size, "ok": result.ok,
                      "rows_accepted": report.rows_accepted, "cpu_s": _cpu() - c, "wall_s": time.perf_counter() - w})
        print(f"  {relative}: {'ok' if result.ok else 'refused'}, {report.rows_accepted} rows, "
              f"{files[-1]['wall_s']:.1f} s", file=sys.stderr)
    ingest_cpu, ingest_wall = _cpu() - cpu0, time.perf_counter() - wall0
    after = catalog_rows(hub.engine)
    lake = lake_tables(hub.settings.data_dir / "lake")
    figures = {
        "database": hub.engine.dialect.name, "files": files, "ingest_cpu_s": ingest_cpu, "ingest_wall_s": ingest_wall,
        "source_bytes": sum(f.get("bytes", 0) for f in files if f.get("ok")),
        "catalog_rows_base": base, "catalog_rows": after, "catalog_bytes_base": base_catalog_bytes,
        "catalog_bytes": catalog_bytes(hub), "lake": lake, "lake_bytes": folder_bytes(hub.settings.data_dir / "lake"),
        "raw_bytes": folder_bytes(hub.settings.data_dir / "raw"),
        "load_average": os.getloadavg(),
    }
    if hub.engine.dialect.name == "postgresql":
        figures["limiter"] = [time_limiter(hub, 1, 2000), time_limiter(hub, 4, 500)]
    hub.close()
    print_tables(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 0


def print_tables(f: dict) -> None:
    ok = [x for x in f["files"] if x.get("ok")]
    print(f"\n### Measured at 1x ({f['database']}; load average {f['load_average'][0]:.1f})\n")
    print("| export | adapter | bytes | file rows accepted | ingest wall s |")
    print("|---|---|---:|---:|---:|")
    for x in f["files"]:
        if "skipped" in x:
            print(f"| `{x['file']}` | | | {x['skipped']} | |")
        else:
            print(f"| `{x['file']}` | {x['format']} | {x['bytes']:,} | {x['rows_accepted']:,}"
                  f"{'' if x['ok'] else ' (refused)'} | {x['wall_s']:.1f} |")
    print(f"\n{len(ok)} exports, {human(f['source_bytes'])} of source files; ingest {f['ingest_cpu_s']:.1f} CPU-s, "
          f"{f['ingest_wall_s']:.1f} s wall.\n")
    print("| tier, quantity | 1x (measured) | 100x (extrapolated) | 10,000x (extrapolated) |")
    print("|---|---:|---:|---:|")
    for name, t in f["lake"].items():
        print(f"| lake `{name}`: rows | " + " | ".join(f"{t['rows'] * s:,}" for s in SCALES) + " |")
        print(f"| lake `{name}`: bytes | " + " | ".join(human(t["bytes"] * s) for s in SCALES) + " |")
    print("| lake, all bytes | " + " | ".join(human(f["lake_bytes"] * s) for s in SCALES) + " |")
    print("| raw archive bytes | " + " | ".join(human(f["raw_bytes"] * s) for s in SCALES) + " |")
    grown = f["catalog_bytes"] - f["catalog_bytes_base"]
    print("| catalog bytes (fixed part + data part × scale) | "
          + " | ".join(human(f["catalog_bytes_base"] + grown * s) for s in SCALES) + " |")
    print("| ingest CPU (serial) | " + " | ".join(f"{f['ingest_cpu_s'] * s / 3600:,.2f} h" for s in SCALES) + " |")
    print("\n| catalog table | rows before data | rows at 1x | 100x | 10,000x |")
    print("|---|---:|---:|---:|---:|")
    for name, rows in f["catalog_rows"].items():
        before = f["catalog_rows_base"].get(name, 0)
        if rows == 0 and before == 0:
            continue
        grow = rows - before
        print(f"| `{name}` | {before:,} | {rows:,} | {before + grow * 100:,} | {before + grow * 10_000:,} |")
    for run in f.get("limiter", []):
        print(f"\nshared rate limiter, {run['threads']} thread(s): {run['per_second']:,.0f} hits/s, "
              f"{run['ms_per_hit']:.2f} ms per hit per thread, "
              f"{run['client_cpu_ms_per_hit']:.3f} ms client CPU per hit")


if __name__ == "__main__":
    raise SystemExit(main())
