"""OSPAR-style beach-litter assessment (CEMP guideline 2020-02; methods.md §3.1).

Abundance is summarised by medians of items/100 m over the last **3 years** (QSR 2023 used
2018–2020), per beach and per region (median of the beach medians, and the pooled median beside it);
trends over the last **6 years** (QSR 2023: 2015–2020) per beach with Mann–Kendall + Theil–Sen and
per region with the regional Kendall test, i.e. litteR's statistics (§1.5, §1.8) on the window.
Calendar years are used; OSPAR's spring-to-winter monitoring year is not applied.
"""

from __future__ import annotations

import pandas as pd

from litterhub.analysis.beach import statistics

ABUNDANCE_YEARS = 3
TREND_YEARS = 6
GROUPS = ("TC", "PLASTIC", "SUP", "FISH")


def assess(totals: pd.DataFrame, *, end_year: int | None = None, region: str = "region",
           groups: tuple[str, ...] = GROUPS) -> dict[str, pd.DataFrame]:
    """Abundance (3-year medians) and trends (6-year) per beach and region from per-survey group totals.

    `totals` is `beach.survey_totals(..., per_100m=True)`; `end_year` defaults to the last year with data.
    Returns tables `abundance_sites`, `abundance_regions`, `trend_sites`, `trend_regions` and the windows used.
    """
    frame = totals[totals["group"].isin(groups)]
    years = pd.to_datetime(frame["event_date"]).dt.year
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
    })
    return {"abundance_sites": site_med, "abundance_regions": regions, "trend_sites": trend_sites,
            "trend_regions": trend_regions if trend_regions is not None else pd.DataFrame(), "windows": windows}
