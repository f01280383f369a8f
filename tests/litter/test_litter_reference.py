"""End-to-end: the litteR run equals litteR 1.0.0's own outputs for all three type files.

Full-precision tables are compared at 1e-9 relative tolerance (NaN must match NaN);
litteR-results.csv is compared as text, line by line (litteR's own 4-digit formatting).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from litterhub.cli import app

RTOL = 1e-9
TYPE_FILES = ["types-ospar-tests", "types-ospar-materials", "types-ospar-sup-fish-other"]


def _settings(folder: Path, type_file: str) -> Path:
    path = folder / "settings.yaml"
    path.write_text(
        "date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n"
        f"file_data: beach-litter-nl-2012-2017.csv\nfile_types: {type_file}.csv\nfigure_quality: high\n"
    )
    return path


@pytest.fixture(scope="module", params=TYPE_FILES)
def run(request, shared_data, tmp_path_factory):
    ref = shared_data / "litter-reference"
    work = tmp_path_factory.mktemp(request.param)
    shutil.copy(ref / "input" / "beach-litter-nl-2012-2017.csv", work)
    shutil.copy(ref / "input" / f"{request.param}.csv", work)
    settings = _settings(work, request.param)
    out = work / "out"
    result = CliRunner().invoke(app, ["litter", str(settings), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, ref / "litteR-1.0.0-output" / request.param


def _assert_close(ref: pd.DataFrame, got: pd.DataFrame, keys: list[str], columns: list[str]) -> None:
    merged = ref.merge(got, on=keys, how="outer", suffixes=("_ref", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys]
    for col in columns:
        want = merged[f"{col}_ref"].to_numpy(dtype=float)
        have = merged[col].to_numpy(dtype=float)
        ok = np.isclose(have, want, rtol=RTOL, atol=0) | (np.isnan(have) & np.isnan(want))
        assert ok.all(), (col, merged.loc[~ok, [*keys, f"{col}_ref", col]].head())


def test_results_csv_equals_litter_output(run):
    out, ref = run
    assert (out / "litteR-results.csv").read_text().splitlines() == (
        ref / "litteR-results.csv"
    ).read_text().splitlines()


def test_location_stats_full_precision(run):
    out, ref = run
    want = pd.read_csv(ref / "location_stats_full_precision.csv")
    got = pd.read_csv(out / "location_stats.csv")
    assert list(got.columns) == [
        "location_code",
        "type_name",
        "from",
        "to",
        "rel_count",
        "mean",
        "median",
        "cv",
        "rmad",
        "n",
        "slope",
        "tau",
        "p_value",
    ]
    assert got[["location_code", "type_name"]].values.tolist() == want[["location_code", "type_name"]].values.tolist()
    assert (got["from"] == want["from"]).all() and (got["to"] == want["to"]).all()
    _assert_close(
        want,
        got,
        ["location_code", "type_name"],
        ["rel_count", "mean", "median", "cv", "rmad", "n", "slope", "tau", "p_value"],
    )


def test_regional_stats_full_precision(run):
    out, ref = run
    want = pd.read_csv(ref / "regional_stats_full_precision.csv")
    got = pd.read_csv(out / "regional_stats.csv")
    assert list(got.columns) == [
        "type_name",
        "region_code",
        "n",
        "mean",
        "median",
        "slope",
        "S",
        "VarS",
        "Z",
        "p_value",
    ]
    assert got["type_name"].tolist() == want["type_name"].tolist()
    _assert_close(
        want, got, ["type_name", "region_code"], ["n", "mean", "median", "slope", "S", "VarS", "Z", "p_value"]
    )


def test_outliers_and_boxplot(run):
    out, ref = run
    want = pd.read_csv(ref / "outliers_tc.csv")
    got = pd.read_csv(out / "outliers.csv")
    assert list(got.columns) == ["location_code", "date", "tc"]
    assert got[["location_code", "date"]].values.tolist() == want[["location_code", "date"]].values.tolist()
    assert np.allclose(got["tc"], want["tc"], rtol=RTOL)
    _assert_close(
        pd.read_csv(ref / "adj_boxplot_tc.csv"),
        pd.read_csv(out / "adjusted_boxplot_tc.csv"),
        ["location_code"],
        ["n", "mc", "ymin", "q1", "median", "q3", "ymax"],
    )


def test_topx_selection(run):
    out, ref = run
    want = pd.read_csv(ref / "topx_cumulative.csv")
    got = pd.read_csv(out / "topx.csv")
    assert (
        got[["location_code", "type_name", "topx"]].values.tolist()
        == want[["location_code", "type_name", "topx"]].values.tolist()
    )
    assert np.allclose(got["rel_count"], want["rel_count"], rtol=RTOL)
    assert np.allclose(got["sum_count"], want["sum_count"], rtol=RTOL)


def test_survey_group_totals(run):
    out, ref = run
    want = pd.read_csv(ref / "survey_group_totals.csv")
    got = pd.read_csv(out / "survey_totals.csv")
    assert sorted(got.columns) == sorted(want.columns)
    merged = want.merge(got, on=["location_code", "date"], suffixes=("_ref", ""))
    assert len(merged) == len(want)
    for col in want.columns[2:]:
        assert np.allclose(merged[col], merged[f"{col}_ref"], rtol=RTOL), col


@pytest.mark.parametrize("type_file", TYPE_FILES)
def test_generic_beach_statistics_on_an_arrow_table(shared_data, type_file):
    """The reusable function (no litteR files): a long Arrow table of location, date, group, count,
    built from litteR's survey group totals, gives litteR's group rows (1e-9 relative)."""
    import pyarrow as pa

    from litterhub.analysis.litter.stats import beach_statistics

    ref = shared_data / "litter-reference" / "litteR-1.0.0-output" / type_file
    wide = pd.read_csv(ref / "survey_group_totals.csv")
    long = wide.melt(id_vars=["location_code", "date"], var_name="group", value_name="count")
    long["date"] = pd.to_datetime(long["date"])
    long["region"] = "NL"
    table = pa.Table.from_pandas(long, preserve_index=False)
    location, regional = beach_statistics(
        table,
        location="location_code",
        date="date",
        group="group",
        count="count",
        region="region",
        total_group="TC",
    )
    want = pd.read_csv(ref / "location_stats_full_precision.csv").rename(columns={"type_name": "group"})
    want = want[want["group"].isin(wide.columns)]
    _assert_close(
        want,
        location,
        ["location_code", "group"],
        ["rel_count", "mean", "median", "cv", "rmad", "n", "b0", "b1", "slope", "tau", "p_value"],
    )
    want_regional = pd.read_csv(ref / "regional_stats_full_precision.csv").rename(
        columns={"type_name": "group", "region_code": "region"}
    )
    want_regional = want_regional[want_regional["group"].isin(wide.columns)]
    _assert_close(
        want_regional,
        regional,
        ["group", "region"],
        ["n", "mean", "median", "b0", "b1", "slope", "S", "VarS", "Z", "p_value"],
    )


def test_top10_tables(run):
    out, ref = run
    for name, key in (("top10_location.csv", "location_code"), ("top10_region.csv", "region_code")):
        want = pd.read_csv(ref / name)
        got = pd.read_csv(out / name)
        assert got[[key, "rank", "type_name"]].values.tolist() == want[[key, "rank", "type_name"]].values.tolist()
        assert np.allclose(got["median"], want["median"], rtol=RTOL)
