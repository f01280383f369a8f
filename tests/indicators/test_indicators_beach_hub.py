"""litteR's example file ingested through the hub: `analyse beach` and the EU TV assessment on the hub dataset
give litteR's numbers (methods.md §1.11B, §2.4) where the inputs are identical (TC per survey)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services import indicators
from litterhub.services.hub import Hub
from litterhub.services.ingest import ingest_file

REL = 1e-9
STATS = ["mean", "median", "cv", "rmad", "n", "b0", "b1", "slope", "tau", "p_value"]


@pytest.fixture(scope="module")
def nl_hub(shared_data, tmp_path_factory):
    data = tmp_path_factory.mktemp("indicators-nl") / "data"
    hub = Hub.open(data)
    result = ingest_file(hub, shared_data / "litter-reference" / "input" / "beach-litter-nl-2012-2017.csv", "ospar")
    yield hub, result.dataset_id, data
    hub.close()


@pytest.fixture(scope="module")
def reference(shared_data):
    return shared_data / "litter-reference" / "litteR-1.0.0-output"


def _location_codes(result) -> dict[str, str]:
    """site_id -> litteR location code, read from the surveys' source ids (NL001/2012-01-27)."""
    surveys = result.tables["surveys"]
    codes = surveys["event_id"].str.split(":").str[-1].str.split("/").str[0]
    return dict(zip(surveys["site_id"], codes, strict=True))


def test_tc_per_beach_equals_litteR(nl_hub, reference):
    hub, dataset, _ = nl_hub
    result = indicators.beach(hub, [dataset], group_by="site")
    sites = result.tables["sites"]
    tc = sites[sites["group"] == "TC"].assign(location=lambda f: f["site_id"].map(_location_codes(result)))
    got = tc.set_index("location")
    assert got["median"].to_dict() == pytest.approx({"NL001": 302.5, "NL002": 254.5, "NL003": 164.5,
                                                     "NL004": 252.0}, rel=REL)
    assert got["n"].to_dict() == {"NL001": 24, "NL002": 24, "NL003": 24, "NL004": 23}
    ref = pd.read_csv(reference / "types-ospar-tests" / "location_stats_full_precision.csv")
    ref = ref[ref["type_name"] == "TC"].set_index("location_code")
    for loc, row in ref.iterrows():
        for col in STATS:
            assert got.loc[loc, col] == pytest.approx(row[col], rel=REL), (loc, col)
        assert got.loc[loc, "from"].isoformat()[:10] == row["from"]


def test_regional_trend_equals_litteR(nl_hub, reference):
    hub, dataset, _ = nl_hub
    result = indicators.beach(hub, [dataset], group_by="region")
    regional = result.tables["region"]
    tc = regional[regional["group"] == "TC"].iloc[0]
    ref = pd.read_csv(reference / "types-ospar-tests" / "regional_stats_full_precision.csv")
    ref = ref[ref["type_name"] == "TC"].iloc[0]
    for col in ["n", "mean", "median", "b0", "b1", "S", "VarS", "Z", "p_value", "slope"]:
        assert tc[col] == pytest.approx(ref[col], rel=REL), col
    assert result.versions == [(dataset, 1)]
    assert result.warnings == []  # one protocol, one unit, one compartment


def test_threshold_on_the_hub_dataset_matches_the_calc_case(nl_hub, reference):
    """TA on the hub (fragments < 2.5 cm and chemicals removed via the vocabulary) = litteR's TC without 117."""
    hub, dataset, _ = nl_hub
    result = indicators.threshold(hub, [dataset])
    row = result.tables["assessment"].iloc[0]
    assert (row["n"], row["av"]) == (95, pytest.approx(230, rel=REL))
    ref = pd.read_csv(reference / "types-ospar-sup-fish-other" / "survey_group_totals.csv")
    assert sorted(result.tables["surveys"]["ta_100m"]) == pytest.approx(sorted(ref["TC"]), rel=REL)
    assert result.summary["excluded_events"] == {"no survey length": 0, "10 m survey": 0, "1000 m protocol": 0,
                                                 "not a monitoring survey": 0}


def test_cli_beach_json(nl_hub):
    _, dataset, data = nl_hub
    out = CliRunner().invoke(app, ["analyse", "beach", "--dataset", dataset, "--group-by", "region", "--per-100m",
                                   "--from", "2012-01-01", "--to", "2017-12-31", "--json", "--data-dir", str(data)])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["dataset_versions"] == [{"dataset_id": dataset, "version": 1}]
    tc = next(r for r in doc["tables"]["region"] if r["group"] == "TC")
    assert tc["median"] == pytest.approx(253.25, rel=REL)  # methods.md §1.11B regional TC median
    assert "surveys" not in doc["tables"]


def test_cli_date_window_and_errors(nl_hub):
    _, dataset, data = nl_hub
    out = CliRunner().invoke(app, ["analyse", "beach", "--dataset", dataset, "--from", "2016-01-01", "--json",
                                   "--data-dir", str(data)])
    doc = json.loads(out.stdout)
    assert all(r["from"] >= "2016-01-01" for r in doc["tables"]["sites"])
    bad = CliRunner().invoke(app, ["analyse", "beach", "--dataset", "missing", "--data-dir", str(data)])
    assert bad.exit_code == 2 and "not found" in bad.output
    bad = CliRunner().invoke(app, ["analyse", "beach", "--group-by", "planet", "--data-dir", str(data)])
    assert bad.exit_code == 2 and "group_by" in bad.output


def test_ospar_windows_on_the_hub_dataset(nl_hub, reference):
    """6-year trend window 2012-2017 = the whole litteR period, so the regional TC trend is litteR's; the 3-year
    abundance is the median of beach medians over 2015-2017, recomputed here from litteR's own survey totals."""
    hub, dataset, _ = nl_hub
    result = indicators.ospar(hub, [dataset])
    windows = result.tables["windows"].set_index("what")
    assert (windows.loc["trend", "first_year"], windows.loc["trend", "last_year"]) == (2012, 2017)
    trend = result.tables["trend_regions"]
    tc = trend[trend["group"] == "TC"].iloc[0]
    ref = pd.read_csv(reference / "types-ospar-tests" / "regional_stats_full_precision.csv")
    ref = ref[ref["type_name"] == "TC"].iloc[0]
    for col in ["S", "VarS", "Z", "p_value", "slope", "median"]:
        assert tc[col] == pytest.approx(ref[col], rel=REL), col
    totals = pd.read_csv(reference / "types-ospar-tests" / "survey_group_totals.csv", parse_dates=["date"])
    recent = totals[totals["date"].dt.year >= 2015]
    expected = recent.groupby("location_code")["TC"].median().median()
    abundance = result.tables["abundance_regions"]
    got = abundance[abundance["group"] == "TC"].iloc[0]
    assert got["median_of_site_medians"] == pytest.approx(expected, rel=REL)
    assert got["pooled_median"] == pytest.approx(recent["TC"].median(), rel=REL)
    assert got["n"] == len(recent)


def test_ospar_monitoring_year_runs_april_to_march(nl_hub, reference):
    from litterhub.analysis.ospar import assessment_year

    dates = pd.Series(pd.to_datetime(["2017-01-15", "2017-03-31", "2017-04-01", "2016-12-20"]))
    assert list(assessment_year(dates, monitoring_year=True)) == [2016, 2016, 2017, 2016]
    assert list(assessment_year(dates)) == [2017, 2017, 2017, 2016]
    hub, dataset, _ = nl_hub
    result = indicators.ospar(hub, [dataset], monitoring_year=True)
    totals = pd.read_csv(reference / "types-ospar-tests" / "survey_group_totals.csv", parse_dates=["date"])
    # winter surveys of Jan-Mar 2012 belong to monitoring year 2011, outside the 6-year window 2012-2017
    in_window = (totals["date"] >= "2012-04-01").sum()
    trend = result.tables["trend_regions"]
    assert trend[trend["group"] == "TC"]["n"].iloc[0] == in_window < len(totals)
