"""litteR 0.7.0 baseline and power analysis against the legacy reference files (NL001, TC).

Baseline: deterministic, compared at 1e-9 relative. Power: Monte Carlo; the README of
litter-reference states a tolerance of about ±0.03 (the reference used 4000 R simulations,
SE ≤ 0.008); we run 10 000 simulations with a fixed seed and use ±0.03 absolute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from litterhub.analysis.litter import legacy

POWER_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def nl001_tc(shared_data):
    ref = shared_data / "litter-reference"
    totals = pd.read_csv(ref / "litteR-1.0.0-output" / "types-ospar-tests" / "survey_group_totals.csv")
    return ref / "legacy-0.7.0-algorithms", totals[totals["location_code"] == "NL001"]


def test_baseline_rolling(nl001_tc):
    ref, series = nl001_tc
    want = pd.read_csv(ref / "baseline_rolling_NL001_TC.csv")
    got = legacy.baseline_rolling(series["date"], series["TC"])
    cols = ["n_surveys", "start", "n_days", "mean", "median", "n_years"]
    assert len(got) == len(want)
    assert np.allclose(got[cols].to_numpy(float), want[cols].to_numpy(float), rtol=1e-9, atol=0)


def test_baseline_summary(nl001_tc):
    ref, series = nl001_tc
    want = pd.read_csv(ref / "baseline_summary_NL001_TC.csv")
    got = legacy.baseline_summary(legacy.baseline_rolling(series["date"], series["TC"]))
    assert got[["stat", "n_years", "k"]].values.tolist() == want[["stat", "n_years", "k"]].values.tolist()
    cols = ["mean", "sd", "CV", "median", "MAD", "RMAD"]
    assert np.allclose(got[cols].to_numpy(float), want[cols].to_numpy(float), rtol=1e-9, atol=1e-12, equal_nan=True)


def test_power_within_monte_carlo_tolerance(nl001_tc):
    ref, series = nl001_tc
    want = pd.read_csv(ref / "power_NL001_TC.csv")
    got = legacy.power_analysis(series["TC"].to_numpy(), n_sim=10_000, seed=314)
    merged = want.merge(got, on=["n", "reduction_pct"], suffixes=("_ref", ""))
    assert len(merged) == len(want) == 45
    assert np.allclose(merged["f"], merged["f_ref"], rtol=1e-12)
    assert np.allclose(merged["baseline"], merged["baseline_ref"], rtol=1e-12)
    worst = (merged["power"] - merged["power_ref"]).abs().max()
    assert worst <= POWER_TOLERANCE, merged.assign(d=merged["power"] - merged["power_ref"]).nlargest(3, "d")


def test_reduction_factors_follow_r_seq():
    assert legacy.reduction_factors(10).tolist() == [0.1 + i * 0.1 for i in range(9)]
    assert len(legacy.reduction_factors(25)) == 3


def test_too_few_surveys_gives_no_baseline():
    assert legacy.baseline_rolling(pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01"]), [1, 2, 3]).empty


def test_cli_writes_legacy_tables(shared_data, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from litterhub.cli import app

    ref = shared_data / "litter-reference" / "input"
    shutil.copy(ref / "beach-litter-nl-2012-2017.csv", tmp_path)
    shutil.copy(ref / "types-ospar-tests.csv", tmp_path)
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        "file_data: beach-litter-nl-2012-2017.csv\nfile_types: types-ospar-tests.csv\ngroup_code: [TC, SUP]\n"
    )
    out = tmp_path / "out"
    args = ["litter", str(settings), "--out", str(out), "--baseline", "--power", "--n-sim", "50"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    power = pd.read_csv(out / "power.csv")
    assert set(power["type_name"]) == {"TC", "SUP"}
    assert len(power) == 4 * 2 * 45  # 4 beaches (all ≥ 16 surveys) × 2 groups × 5 sample sizes × 9 reductions
    summary = pd.read_csv(out / "baseline_summary.csv")
    assert set(summary["location_code"]) == {"NL001", "NL002", "NL003", "NL004"}
