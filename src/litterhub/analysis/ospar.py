"""OSPAR-style beach-litter assessment (CEMP guideline 2020-02; methods.md §3.1).

Abundance is summarised by medians of items/100 m over the last **3 years** (QSR 2023 used
2018–2020), per beach and per region (median of the beach medians, and the pooled median beside it);
trends over the last **6 years** (QSR 2023: 2015–2020) per beach with Mann–Kendall + Theil–Sen and
per region with the regional Kendall test, i.e. litteR's statistics (§1.5, §1.8) on the window.
Years are calendar years, or with `monitoring_year` OSPAR's spring-to-winter monitoring year (a year runs
April → March, so the winter survey of January 2017 belongs to 2016: "April 2012 to January 2017").
"""

from __future__ import annotations

import pandas as pd

from litterhub.analysis.beach import statistics

ABUNDANCE_YEARS = 3
TREND_YEARS = 6
GROUPS = ("TC", "PLASTIC", "SUP", "FISH")


def assessment_year(dates: pd.Series, monitoring_year: bool = False) -> pd.Series:
    """Calendar year, or OSPAR's monitoring year (January–March count toward the previous year)."""
    stamps = pd.to_datetime(dates)
    if not monitoring_year:
        return stamps.dt.year
    return stamps.dt.year - (stamps.dt.month < 4).astype(int)


def assess(totals: pd.DataFrame, *, end_year: int | None = None, region: str = "region",
           groups: tuple[str, ...] = GROUPS, monitoring_year: bool = False) -> dict[str, pd.DataFrame]:
    """Abundance (3-year medians) and trends (6-year) per beach and region from per-survey group totals.

    `totals` is `beach.survey_totals(..., per_100m=True)`; `end_year` defaults to the last year with data.
    Returns tables `abundance_sites`, `abundance_regions`, `trend_sites`, `trend_regions` and the windows used.
    """
    frame = totals[totals["group"].isin(groups)]
    years = assessment_year(frame["event_date"], monitoring_year)
    if frame.empty:
        empty = pd.DataFrame()
        return {"abundance_sites": empty, "abundance_regions": empty, "trend_sites": empty, "trend_regions": empty,
                "windows": pd.DataFrame()}
    last = int(years.max()) if end_year is None else int(end_year)
    frame = frame.assign(**{region: frame[region].fillna("(none)")})
    recent = frame[(years > last - ABUNDANCE_YEARS) & (years <= last)]
    site_med = (recent.groupby([region, "site_id", "group"], sort=True)["count"]
                .agg(n="size", median="median", mean="mean").reset_index())
    regions = site_med.groupby([region, "group"], sort=True).agg(
        n_sites=("site_id", "nunique"), n=("n", "sum"), median_of_site_medians=("median", "median")).reset_index()
    pooled = recent.groupby([region, "group"], sort=True)["count"].median().rename("pooled_median").reset_index()
    regions = regions.merge(pooled, on=[region, "group"], how="left")

    window = frame[(years > last - TREND_YEARS) & (years <= last)]
    trend_sites, trend_regions = statistics(window, "region" if region == "region" else "country")
    windows = pd.DataFrame({
        "what": ["abundance", "trend"],
        "first_year": [last - ABUNDANCE_YEARS + 1, last - TREND_YEARS + 1],
        "last_year": [last, last],
        "year": ["OSPAR monitoring year (April-March)" if monitoring_year else "calendar year"] * 2,
    })
    return {"abundance_sites": site_med, "abundance_regions": regions, "trend_sites": trend_sites,
            "trend_regions": trend_regions if trend_regions is not None else pd.DataFrame(), "windows": windows}
