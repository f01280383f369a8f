"""Benchmark `litterhub litter` on litteR's example data and on a scaled synthetic version.

Usage:
    .venv/bin/python bench/litter.py [--locations 3000] [--repeat 5] [--keep DIR]

The scaled data set is built from the real example (4 Dutch OSPAR beaches, 2012-2017):
every synthetic location copies the survey dates of one real beach (shifted by a few
days) and draws each count from a Poisson distribution around the real count times a
per-location factor, so counts, zeros and ties look like real beach-litter data. With
3760 locations × ~24 surveys × 112 type columns it holds ~10 M type observations
(plus the group totals the run derives). Time is wall-clock of the whole CLI process
(reading, validation, statistics, writing); memory is the peak RSS of that process.
R is not installed here, so litteR's own time cannot be measured beside it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
REFERENCE = Path(os.environ.get("LITTERHUB_SHARED_DATA", REPO.parent / "shared" / "data")) / "litter-reference"
TYPE_FILE = "types-ospar-tests.csv"


def run_cli(settings: Path, out: Path) -> tuple[float, float, float]:
    """Wall time (s), CPU time (user + system, s) and peak RSS (MiB) of one `litterhub litter` process.

    CPU time is reported beside wall time because it hardly changes when other work shares the machine.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "litterhub.cli", "litter", str(settings), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"litterhub litter failed:\n{proc.stdout}\n{proc.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def in_process(settings: Path) -> tuple[float, float]:
    """Wall and CPU seconds for reading, validating and analysing in a started Python (no import, no writing)."""
    from litterhub.services.litter import run_litter_settings

    run_litter_settings(settings)  # warm-up (first-call caches)
    start, cpu = time.perf_counter(), time.process_time()
    run_litter_settings(settings)
    return time.perf_counter() - start, time.process_time() - cpu


def example_folder(work: Path) -> Path:
    for name in ("beach-litter-nl-2012-2017.csv", TYPE_FILE):
        shutil.copy(REFERENCE / "input" / name, work / name)
    settings = work / "settings.yaml"
    settings.write_text(
        "date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n"
        f"file_data: beach-litter-nl-2012-2017.csv\nfile_types: {TYPE_FILE}\n"
    )
    return settings


def scaled_folder(work: Path, locations: int, seed: int = 1) -> tuple[Path, int]:
    """Write the synthetic data file; returns the settings path and the number of type observations."""
    rng = np.random.default_rng(seed)
    real = pd.read_csv(REFERENCE / "input" / "beach-litter-nl-2012-2017.csv")
    types = pd.read_csv(REFERENCE / "input" / TYPE_FILE, dtype=str)
    included = {t.lower() for t in types.loc[types["included"].notna(), "type_name"]}
    type_cols = [c for c in real.columns if c.lower() in included]
    beaches = [g for _, g in real.groupby("location_code")]
    frames = []
    for k in range(locations):
        base = beaches[k % len(beaches)]
        factor = rng.lognormal(0.0, 0.5)
        counts = rng.poisson(base[type_cols].to_numpy(dtype=float) * factor)
        dates = pd.to_datetime(base["date"]) + pd.to_timedelta(int(rng.integers(-5, 6)), unit="D")
        frame = pd.DataFrame(counts, columns=type_cols)
        frame.insert(0, "date", dates.dt.strftime("%Y-%m-%d").to_numpy())
        frame.insert(0, "location_code", f"S{k:05d}")
        frame.insert(0, "region_code", f"R{k % 20:02d}")
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    data.to_csv(work / "scaled.csv", index=False)
    shutil.copy(REFERENCE / "input" / TYPE_FILE, work / TYPE_FILE)
    settings = work / "settings-scaled.yaml"
    settings.write_text(
        "date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n"
        f"file_data: scaled.csv\nfile_types: {TYPE_FILE}\n"
    )
    return settings, len(data) * len(type_cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=3760, help="synthetic locations (3760 ≈ 10 M obs)")
    parser.add_argument("--repeat", type=int, default=5, help="runs on the example data (median reported)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated files in this folder")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="litter-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = example_folder(work)
    runs = [run_cli(settings, work / "out-example") for _ in range(args.repeat)]
    example_wall = statistics.median(r[0] for r in runs)
    example_cpu = statistics.median(r[1] for r in runs)
    cores = [in_process(settings) for _ in range(args.repeat)]
    core_wall = statistics.median(c[0] for c in cores)
    core_cpu = statistics.median(c[1] for c in cores)

    t0 = time.perf_counter()
    scaled_settings, n_obs = scaled_folder(work, args.locations)
    build = time.perf_counter() - t0
    size_mb = (work / "scaled.csv").stat().st_size / 2**20
    wall, cpu, peak = run_cli(scaled_settings, work / "out-scaled")
    scaled_core_wall, scaled_core_cpu = in_process(scaled_settings)
    rows = len(pd.read_csv(work / "out-scaled" / "location_stats.csv", usecols=["n"]))

    machine = platform.processor() or platform.machine()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {machine}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}")
    print("| run | input | `litterhub litter` (CLI process) wall / CPU | analysis in-process wall / CPU | peak RSS |")
    print("|---|---|---|---|---|")
    print(
        f"| litteR example (4 beaches, 95 surveys, {TYPE_FILE}) | 0.1 MB | {example_wall:.2f} s / {example_cpu:.2f} s "
        f"(median of {args.repeat}) | {core_wall * 1000:.0f} ms / {core_cpu * 1000:.0f} ms | – |"
    )
    print(
        f"| scaled synthetic: {args.locations} locations, {n_obs / 1e6:.1f} M type observations, "
        f"{rows} location×type/group series | {size_mb:.0f} MB CSV | {wall:.1f} s / {cpu:.1f} s | "
        f"{scaled_core_wall:.1f} s / {scaled_core_cpu:.1f} s | {peak:.0f} MiB |"
    )
    print(f"(generating the synthetic file took {build:.1f} s; R not installed, so no litteR timing/ratio)")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
