"""The EU threshold value for macro litter on coastlines (van Loon et al. 2020, JRC121707; methods.md §2).

Total abundance (TA) per survey is the EU baseline's clean-up: fragments < 2.5 cm (OSPAR 117 and its
1171/1172 split = G75, G78, G81) and chemicals (paraffin, wax, oil, other pollutants = material class
TSG_ML_2) removed, 10 m surveys and surveys without a length excluded, every count normalised to
100 m. The assessment value (AV) is the **pooled median** of TA over all surveys of a country ×
MSFD subregion in a 6-year cycle (not litteR's median of beach medians), valid with ≥ 40 surveys,
compared directly with TV = 20 items/100 m. AV = 20 is not specified by the JRC text and is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import binom

from litterhub.analysis.beach import survey_totals
from litterhub.analysis.litter.stats import beach_statistics
from litterhub.vocab.regions import assign, regions

TV = 20.0  # items / 100 m of coastline (the 15th percentile of the 2015-2016 EU surveys)
P10_2015_2016 = 13.0  # the P10 the JRC text uses as target in its time-to-TV example
MIN_SURVEYS = 40
CYCLE_YEARS = 6
CYCLE_ANCHOR = 2012  # MSFD cycles 2012-2017, 2018-2023, 2024-2029, …
SAFETY_FACTOR = 1.3
FRAGMENT_CODES = ("G75", "G78", "G81")  # plastic / polystyrene pieces 0-2.5 cm
EXCLUDED_MATERIALS = ("chemicals",)  # paraffin, wax, oil/tar, other pollutants
TEN_METRE_TOLERANCE_M = 0.5
KILOMETRE_PROTOCOL_M = 1000.0  # the OSPAR 1000 m protocol (items > 50 cm only) is excluded
QUANTILES = (0.01, 0.05, 0.10, 0.15, 0.20)
STATUS_BELOW, STATUS_BOUNDARY, STATUS_ABOVE = "below-threshold", "at-threshold-boundary", "above-threshold"
STATUS_TOO_FEW = "insufficient-surveys"
REGIONS_WITHOUT_SUBREGIONS = ("msfd-bal", "msfd-bs")  # MSFD regions that are themselves assessment (sub)regions


def total_abundance(
    con: duckdb.DuckDBPyConnection,
    events: str = "events",
    observations: str = "observations",
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    monitoring_only: bool = True,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """TA per 100 m per survey, and how many events each exclusion rule removed.

    Returns (table with event_id, dataset_id, version, site_id, country, region (the MSFD subregion where
    the coordinates give one), region_basis, event_date, length_m, lat, lon, ta_100m; {rule: events excluded}).
    """
    where = ["event_date IS NOT NULL"]
    if date_from:
        where.append(f"event_date >= DATE '{date_from.isoformat()}'")
    if date_to:
        where.append(f"event_date <= DATE '{date_to.isoformat()}'")
    rules = {
        "no survey length": "NOT (length_m > 0)",
        "10 m survey": f"abs(length_m - 10) <= {TEN_METRE_TOLERANCE_M}",
        "1000 m protocol": f"length_m >= {KILOMETRE_PROTOCOL_M} OR protocol ILIKE '%1000%'",
    }
    if monitoring_only:
        rules["not a monitoring survey"] = "coalesce(event_type, '') NOT LIKE 'monitoring%'"
    counts = {}
    base = " AND ".join(where)
    cases = ", ".join(f"count(*) FILTER (WHERE coalesce({cond}, true))" for cond in rules.values())
    row = con.sql(f"SELECT {cases} FROM {events} WHERE {base}").fetchall()[0]  # noqa: S608
    counts = {name: int(n) for name, n in zip(rules, row or (), strict=True)}
    keep = " AND ".join(f"NOT coalesce({cond}, true)" for cond in rules.values())
    con.register("_ta_events", con.sql(f"SELECT * FROM {events} WHERE {base} AND {keep}"))  # noqa: S608
    totals = survey_totals(con, "_ta_events", observations, per_100m=True, groups=("TC",),
                           exclude_codes=FRAGMENT_CODES, exclude_materials=EXCLUDED_MATERIALS)
    totals = totals.drop(columns=["group"]).rename(columns={"count": "ta_100m"})
    coords = con.sql("SELECT event_id, lat, lon FROM _ta_events").df()
    return with_msfd_subregion(totals.merge(coords, on="event_id", how="left")), counts


def with_msfd_subregion(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace `region` by the MSFD (sub)region the coordinates fall in, where they fall in one.

    The assessment unit is country × MSFD subregion; programmes record regional seas ("North-east Atlantic
    Ocean"), so events with coordinates get the subregion of the vocabulary's region boxes (the Baltic and
    Black Sea have no subregions: their region is used). `region_basis` says which it was.
    """
    lon = frame["lon"].to_numpy(dtype=float)
    lat = frame["lat"].to_numpy(dtype=float)
    code = pd.Series(assign(lon, lat, "msfd-subregion"), index=frame.index)
    whole = pd.Series(assign(lon, lat, "msfd-region"), index=frame.index)
    whole = whole.where(whole.isin(list(REGIONS_WITHOUT_SUBREGIONS)))
    code = code.fillna(whole)
    names = {c: r.name for c, r in regions().items()}
    out = frame.copy()
    out["region_basis"] = np.where(code.notna(), "msfd-subregion from coordinates", "as recorded")
    out["region"] = code.map(names).fillna(frame["region"])
    return out


def cycle_of(years: np.ndarray | pd.Series, anchor: int = CYCLE_ANCHOR, length: int = CYCLE_YEARS) -> np.ndarray:
    """First year of the assessment cycle each year falls in."""
    y = np.asarray(years, dtype=np.int64)
    return anchor + ((y - anchor) // length) * length


def median_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Distribution-free CI of the median from binomial order statistics: (low, high, coverage).

    An illustration beside the AV (the JRC used Wilson/epitools): the widest symmetric ranks whose
    coverage is at least `level`.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n < 6:
        return float("nan"), float("nan"), float("nan")
    k = int(binom.ppf((1 - level) / 2, n, 0.5))
    while k > 0 and binom.cdf(n - k, n, 0.5) - binom.cdf(k - 1, n, 0.5) < level:
        k -= 1
    coverage = float(binom.cdf(n - k, n, 0.5) - binom.cdf(k - 1, n, 0.5))
    return float(x[k - 1]), float(x[n - k]), coverage


@dataclass(frozen=True)
class YearsToThreshold:
    """The JRC's time-to-TV estimate: (AV − target)/|trend|, rounded, × safety factor, from the cycle's centre."""

    years: float | None
    years_rounded: int | None
    years_with_safety: int | None
    target_year: int | None
    reason: str | None = None


def years_to_threshold(av: float, slope_per_year: float, *, target: float = TV, safety: float = SAFETY_FACTOR,
                       centre_year: int | None = None) -> YearsToThreshold:
    """Years until the AV reaches `target` at the current (linear) trend.

    Doc example (NL North Sea 2013-2018): (308 − 13)/21 = 14.05 → 14 years, × 1.3 ≈ 18 → 2016 + 18 = 2034.
    No estimate when the AV is already at or below the target, or the trend does not decrease.
    """
    if not np.isfinite(av) or not np.isfinite(slope_per_year):
        return YearsToThreshold(None, None, None, None, "no assessment value or no trend")
    if av <= target:
        return YearsToThreshold(0.0, 0, 0, centre_year, "already at or below the target")
    if slope_per_year >= 0:
        return YearsToThreshold(None, None, None, None, "no decreasing trend: the target is not approached")
    years = (av - target) / -slope_per_year
    rounded = int(np.round(years))
    with_safety = int(np.round(rounded * safety))
    return YearsToThreshold(float(years), rounded, with_safety,
                            None if centre_year is None else centre_year + with_safety)


def status_of(av: float, n: int, tv: float = TV, min_surveys: int = MIN_SURVEYS) -> str:
    if n < min_surveys:
        return STATUS_TOO_FEW
    if av < tv:
        return STATUS_BELOW
    if av == tv:
        return STATUS_BOUNDARY
    return STATUS_ABOVE


def _key(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """One string per row joining the key columns (vectorised concatenation)."""
    out = frame[keys[0]].astype(str)
    for name in keys[1:]:
        out = out + "|" + frame[name].astype(str)
    return out


def assess(
    ta: pd.DataFrame,
    *,
    unit: tuple[str, ...] = ("country", "region"),
    tv: float = TV,
    min_surveys: int = MIN_SURVEYS,
    anchor: int = CYCLE_ANCHOR,
    target: float | None = None,
    safety: float = SAFETY_FACTOR,
) -> dict[str, pd.DataFrame]:
    """The assessment per unit × cycle, plus per-beach, per-year and quantile tables.

    `ta` has site_id, event_date, ta_100m and the `unit` columns. The trend is the combined (regional)
    Theil–Sen slope of the unit's beaches over the cycle (median of beach slopes, litteR §1.8), which
    is what the JRC's time-to-TV example uses; `target` defaults to the TV.
    """
    frame = ta.copy()
    frame[list(unit)] = frame[list(unit)].fillna("(none)")
    frame["year"] = pd.to_datetime(frame["event_date"]).dt.year
    frame["cycle"] = cycle_of(frame["year"], anchor)
    keys = [*unit, "cycle"]
    grouped = frame.groupby(keys, sort=True)
    summary = grouped["ta_100m"].agg(n="size", av="median", mean="mean").reset_index()
    summary["period"] = summary["cycle"].astype(str) + "–" + (summary["cycle"] + CYCLE_YEARS - 1).astype(str)
    summary["n_sites"] = grouped["site_id"].nunique().to_numpy()
    summary["first_survey"] = grouped["event_date"].min().dt.strftime("%Y-%m-%d").to_numpy()
    summary["last_survey"] = grouped["event_date"].max().dt.strftime("%Y-%m-%d").to_numpy()
    q = grouped["ta_100m"].quantile(list(QUANTILES)).unstack()
    for p in QUANTILES:
        summary[f"p{round(p * 100)}"] = q[p].to_numpy()
    cis = grouped["ta_100m"].apply(lambda s: median_ci(s.to_numpy())).to_list()  # one call per unit, not per survey
    summary["av_ci_low"] = [c[0] for c in cis]
    summary["av_ci_high"] = [c[1] for c in cis]
    summary["tv"] = tv
    summary["meets_minimum_surveys"] = summary["n"] >= min_surveys
    summary["status"] = [status_of(a, n, tv, min_surveys) for a, n in zip(summary["av"], summary["n"], strict=True)]
    summary["boundary_flag"] = summary["av"] == tv
    summary["distance_to_tv"] = summary["av"] - tv
    summary["reduction_needed_pct"] = np.where(summary["av"] > tv, 100 * (summary["av"] - tv) / summary["av"], 0.0)

    # the combined trend of the unit's beaches within each cycle
    series = frame.assign(group="TA", _unit=_key(frame, keys))
    _, regional = beach_statistics(series, location="site_id", date="event_date", group="group", count="ta_100m",
                                   survey="event_id" if "event_id" in series else None, region="_unit")
    trend = regional.set_index("_unit") if regional is not None else pd.DataFrame()
    unit_key = _key(summary, keys)
    summary["trend_per_year"] = unit_key.map(trend["slope"]).to_numpy() if len(trend) else np.nan
    summary["trend_p_value"] = unit_key.map(trend["p_value"]).to_numpy() if len(trend) else np.nan
    goal = tv if target is None else target
    ytt = [years_to_threshold(a, s, target=goal, safety=safety, centre_year=int(c) + CYCLE_YEARS // 2)
           for a, s, c in zip(summary["av"], summary["trend_per_year"], summary["cycle"], strict=True)]
    summary["years_to_threshold"] = [y.years for y in ytt]
    summary["years_with_safety"] = pd.array([y.years_with_safety for y in ytt], dtype="Int64")
    summary["threshold_year"] = pd.array([y.target_year for y in ytt], dtype="Int64")
    summary["years_note"] = [y.reason for y in ytt]

    per_site = frame.groupby([*keys, "site_id"], sort=True)["ta_100m"].agg(n="size", median="median").reset_index()
    per_year = frame.groupby([*unit, "year"], sort=True)["ta_100m"].agg(n="size", median="median").reset_index()
    return {"assessment": summary, "sites": per_site, "years": per_year}
