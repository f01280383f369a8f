"""Benchmark the beach indicators (survey totals per group, litteR statistics and trends, EU TV) on ~10 M observations.

Usage:
    .venv/bin/python bench/indicators.py [--observations 10000000] [--keep DIR]

The input is the real litteR example (../shared/data/litter-reference/input/beach-litter-nl-2012-2017.csv:
95 OSPAR surveys at 4 Dutch beaches, 110 observation rows per survey after harmonisation) ingested through
the hub, then tiled: copy c of every site becomes a new site with the same 23-24 survey dates and Poisson
counts around the real ones, until the lake holds the requested number of observations (~3,800 sites,
~91,000 surveys for 10 M). Events and observations are written as zstd Parquet, the lake's own layout.

Each measurement runs in a fresh child process over DuckDB views of those Parquet files (imports excluded):
* `beach`: `analysis.beach.survey_totals(per_100m=True)` (7 groups per survey) + `statistics(group_by=region)`
  (per-site median, cv, rmad, Theil–Sen, Mann–Kendall; regional medians and regional Kendall);
* `threshold`: `analysis.threshold.total_abundance` + `assess` (pooled medians, quantiles, CI, combined trend).
Reported: wall and CPU time (user + system) and the child's peak RSS (`ru_maxrss`, incl. interpreter and libraries).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCE = SHARED / "litter-reference" / "input" / "beach-litter-nl-2012-2017.csv"


def generate(out: Path, n_observations: int) -> dict[str, int]:
    """Ingest the real file into a scratch hub, then tile its events and observations to `n_observations`."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file

    scratch = out / "scratch"
    hub = Hub.open(scratch / "data")
    result = ingest_file(hub, SOURCE, "ospar")
    events = hub.lake.read_table("events", result.dataset_id, result.version)
    obs = hub.lake.read_table("observations", result.dataset_id, result.version)
    hub.close()
    copies = max(1, math.ceil(n_observations / obs.num_rows))
    rng = np.random.default_rng(314)

    def tile(table: pa.Table, columns: tuple[str, ...]) -> pa.Table:
        reps = pa.concat_tables([table] * copies)
        suffix = pa.array(np.repeat(np.arange(copies), table.num_rows).astype(str))
        for name in columns:
            idx = reps.schema.get_field_index(name)
            reps = reps.set_column(idx, name, pc.binary_join_element_wise(reps[name], suffix, "#"))
        return reps

    ev = tile(events, ("event_id", "site_id"))
    ob = tile(obs, ("event_id",))
    counts = ob["count"].to_numpy(zero_copy_only=False)
    noisy = rng.poisson(np.nan_to_num(counts)).astype(float)
    ob = ob.set_column(ob.schema.get_field_index("count"), "count", pa.array(np.where(np.isnan(counts), np.nan,
                                                                                      noisy)))
    pq.write_table(ev, out / "events.parquet", compression="zstd")
    pq.write_table(ob, out / "observations.parquet", compression="zstd", row_group_size=1 << 20)
    shutil.rmtree(scratch, ignore_errors=True)
    return {"events": ev.num_rows, "observations": ob.num_rows, "sites": len(pc.unique(ev["site_id"]))}


def measure(directory: Path, what: str) -> dict[str, float]:
    """One measurement (run in a child process): wall time of the analysis and peak RSS."""
    import duckdb

    from litterhub.analysis import beach, threshold

    con = duckdb.connect(config={"threads": 2})
    con.read_parquet(str(directory / "events.parquet")).create_view("events")
    con.read_parquet(str(directory / "observations.parquet")).create_view("observations")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    if what == "beach":
        totals = beach.survey_totals(con, per_100m=True)
        t_totals = time.perf_counter() - start
        sites, regional = beach.statistics(totals, "region")
        rows = {"survey_group_rows": len(totals), "site_rows": len(sites), "regional_rows": len(regional)}
    else:
        ta, _ = threshold.total_abundance(con)
        t_totals = time.perf_counter() - start
        tables = threshold.assess(ta)
        rows = {"surveys": len(ta), "assessment_rows": len(tables["assessment"])}
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    return {"what": what, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "totals_seconds": round(t_totals, 2),
            "peak_rss_mib": round(peak), **rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--observations", type=int, default=10_000_000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder instead of a temporary one")
    parser.add_argument("--child", nargs=2, metavar=("DIR", "WHAT"), help=argparse.SUPPRESS)
    parser.add_argument("--generate-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), args.child[1])))
        return
    if args.generate_into:
        t0 = time.perf_counter()
        size = generate(args.generate_into, args.observations)
        print(json.dumps({"generated": size, "seconds": round(time.perf_counter() - t0, 1)}))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="litterhub-bench-indicators-"))
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "observations.parquet").exists():
        # in its own process: Linux keeps a process's peak RSS across fork + exec, so the measuring children
        # must not descend from a process that held the generated tables
        subprocess.run([sys.executable, __file__, "--generate-into", str(folder), "--observations",
                        str(args.observations)], check=True)
    results = []
    for what in ("beach", "threshold"):
        child = subprocess.run([sys.executable, __file__, "--child", str(folder), what], capture_output=True,
                               text=True, check=True, env={**os.environ})
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]))
    print(json.dumps({"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
                      "load_average": [round(x, 1) for x in os.getloadavg()]}))
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
