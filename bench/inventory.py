"""Benchmark: Borrelle Monte Carlo for every country × 3 scenarios × N draws (default 1000).

Usage:  .venv/bin/python bench/inventory.py [--draws 1000] [--years all|2030] [--repeat 3]

Reports wall time (best of --repeat) and peak memory: the peak of NumPy/Python allocations
(tracemalloc) during one run, and the process's maximum resident set size.
Results go to docs/benchmarks.md with the command that produced them.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc

import numpy as np

from litterhub.analysis.inventory import folders, sources
from litterhub.services import inventory as service
from litterhub.store.settings import Settings


def run(years: list[int], draws: int) -> dict[str, dict[str, np.ndarray]]:
    return service.borrelle_all_countries(years, service.SCENARIOS, draws=draws, seed=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--years", choices=("all", "2030"), default="all")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    years = list(range(2016, 2031)) if args.years == "all" else [2030]

    folders.search_in(Settings.from_env().inventory_folders)  # as a hub does when it opens
    start = time.perf_counter()
    sources.borrelle_table()  # load the input tables once (reported separately)
    load_s = time.perf_counter() - start

    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = run(years, args.draws)
        timings.append(time.perf_counter() - start)

    tracemalloc.start()
    run(years, args.draws)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    n_countries = out["bau"]["country"].size
    cells = n_countries * len(service.SCENARIOS) * args.draws * len(years)
    totals = {s: np.nansum(out[s]["mean"][:, -1]) / 1e6 for s in service.SCENARIOS}
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"countries {n_countries} × scenarios {len(service.SCENARIOS)} × draws {args.draws} × years {len(years)}")
    print(f"  = {cells:,} simulated country-years")
    print(f"input tables load: {load_s:.2f} s")
    print(f"Monte Carlo: best {min(timings):.2f} s, median {float(np.median(timings)):.2f} s of {args.repeat}")
    print(f"peak traced allocations: {peak / 2**20:.0f} MiB; max RSS: {maxrss_mb:.0f} MiB")
    print("sum of country means in the last year (Mt): " + ", ".join(f"{k} {v:.2f}" for k, v in totals.items()))


if __name__ == "__main__":
    main()
