"""EU threshold-value method (van Loon et al. 2020) against the [calc] reference case and the doc example of
methods.md §2.4, computed from litteR's own survey totals (types-ospar-sup-fish-other: TC without OSPAR 117)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from litterhub.analysis import threshold as tv

REL = 1e-9


@pytest.fixture(scope="module")
def reference(shared_data):
    path = (shared_data / "litter-reference" / "litteR-1.0.0-output" / "types-ospar-sup-fish-other"
            / "survey_group_totals.csv")
    frame = pd.read_csv(path, parse_dates=["date"])
    ta = frame.rename(columns={"location_code": "site_id", "date": "event_date", "TC": "ta_100m"})
    return tv.assess(ta.assign(country="NL", region="North Sea"))


def test_pooled_assessment_value_and_status(reference):
    row = reference["assessment"].iloc[0]
    assert len(reference["assessment"]) == 1  # one country-subregion, one 6-year cycle
    assert row["period"] == "2012–2017"
    assert row["n"] == 95 and bool(row["meets_minimum_surveys"])  # spec: n = 95 (>= 40)
    assert row["av"] == pytest.approx(230, rel=REL)  # spec: AV = 230 items/100 m
    assert row["status"] == tv.STATUS_ABOVE and not row["boundary_flag"]
    assert row["distance_to_tv"] == pytest.approx(230 - 20, rel=REL)


def test_pooled_quantiles_type7(reference):
    row = reference["assessment"].iloc[0]
    expected = {"p1": 39.22, "p5": 61.1, "p10": 94.6, "p15": 106, "p20": 114}  # spec §2.4
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, rel=1e-6), name


def test_binomial_confidence_interval_of_the_median(reference):
    row = reference["assessment"].iloc[0]
    assert (row["av_ci_low"], row["av_ci_high"]) == (195, 275)  # spec: ranks 38 and 58


def test_per_beach_and_per_year_medians(reference):
    sites = reference["sites"].set_index("site_id")["median"].to_dict()
    assert sites == pytest.approx({"NL001": 285, "NL002": 230.5, "NL003": 154.5, "NL004": 245}, rel=REL)
    years = reference["years"].set_index("year")["median"].to_dict()
    assert years == pytest.approx({2012: 231, 2013: 378, 2014: 262.5, 2015: 192, 2016: 269.5, 2017: 212.5}, rel=REL)


def test_combined_trend_is_litteR_regional_trend(shared_data, reference):
    """The unit's trend is litteR's regional Theil–Sen / regional Kendall on the same totals (§1.11B EU-style TC)."""
    row = reference["assessment"].iloc[0]
    regional = pd.read_csv(shared_data / "litter-reference" / "litteR-1.0.0-output" / "types-ospar-sup-fish-other"
                           / "regional_stats_full_precision.csv")
    tc = regional[regional["type_name"] == "TC"].iloc[0]
    assert row["trend_per_year"] == pytest.approx(tc["slope"], rel=REL)
    assert row["trend_p_value"] == pytest.approx(tc["p_value"], rel=REL)


def test_years_to_threshold_doc_example():
    """(308 − 13)/21 = 14.05 → 14 years; × 1.3 ≈ 18 → 2016 + 18 = 2034 (JRC text, NL North Sea)."""
    est = tv.years_to_threshold(308, -21, target=13, centre_year=2016)
    assert est.years == pytest.approx(14.05, abs=0.005)
    assert (est.years_rounded, est.years_with_safety, est.target_year) == (14, 18, 2034)


def test_years_to_threshold_needs_a_decrease_and_an_exceedance():
    assert tv.years_to_threshold(100, 5).years is None
    assert tv.years_to_threshold(15, -3).years == 0


def test_boundary_and_minimum_surveys_are_flagged():
    n = 40
    ta = pd.DataFrame({"site_id": ["a"] * n, "event_date": pd.date_range("2018-01-01", periods=n, freq="7D"),
                       "ta_100m": np.r_[np.full(20, 10.0), np.full(20, 30.0)], "country": "X", "region": "Y"})
    out = tv.assess(ta)["assessment"].iloc[0]
    assert out["av"] == tv.TV and out["status"] == tv.STATUS_BOUNDARY and bool(out["boundary_flag"])
    short = tv.assess(ta.iloc[:39])["assessment"].iloc[0]
    assert short["status"] == tv.STATUS_TOO_FEW


def test_cycles_follow_the_msfd_anchor():
    assert list(tv.cycle_of(np.array([2011, 2012, 2017, 2018, 2024]))) == [2006, 2012, 2012, 2018, 2024]


def test_assessment_unit_is_the_msfd_subregion_where_coordinates_give_one():
    frame = pd.DataFrame({"lon": [18.5, 14.0, 4.5, np.nan], "lat": [58.5, 44.5, 53.0, np.nan],
                          "region": ["Baltic Sea", "Mediterranean Sea", "North-east Atlantic Ocean", "Maine"]})
    out = tv.with_msfd_subregion(frame)
    assert out["region"][0] == "Baltic Sea"  # the Baltic is its own (sub)region
    assert out["region"][1] == "Adriatic Sea"
    assert out["region"][2].startswith("Greater North Sea")  # off the Dutch coast
    assert out["region"][3] == "Maine" and out["region_basis"][3] == "as recorded"


def test_cleanups_are_excluded_and_reported(demo_hub):
    from litterhub.services import indicators

    result = indicators.threshold(demo_hub, ["mlw-sample"])
    excluded = result.summary["excluded_events"]["not a monitoring survey"]
    events = demo_hub.lake.read_table("events", "mlw-sample", 1).to_pandas()
    assert excluded == int((events["event_type"] == "cleanup").sum()) > 0
    assert any(w.code == "threshold-exclusion" and "not a monitoring survey" in w.message for w in result.warnings)
    assert len(result.tables["surveys"]) == int((events["event_type"] == "monitoring").sum())
