"""SDG indicator 14.1.1b "plastic debris density" (custodian UNEP; methods.md §3.2), Level 2 national data.

* EN_MAR_BEALITSQ, beach litter per km²: count / surveyed area × 10⁶ per survey, where the area is
  known (area_m2, else length_m × width_m). Most beach protocols record only a length (OSPAR, MSFD,
  Marine LitterWatch: items/100 m), so for them the series cannot be computed and the table
  `not_computable` says so per country and year instead of inventing a beach width.
* EN_MAR_PLASDD, floating plastic debris density: plastic count / towed area × 10⁶ for surface-water
  events with a towed area. Surface-trawl programmes count plastic pieces without naming a material
  (Eriksen et al.: "plastic pieces per km²"), so items without a material count as plastic; items with
  a known other material do not. Open-ocean tows carry no country and are reported as not computable
  per country (no EEZ assignment in the hub).

The country-year value is the **median** over surveys (the metadata documents no aggregation; a median
is what OSPAR, the EU TV and the UK's national 14.1.1b use). Every value lists the events and dataset
versions behind it. GEO_AREA_CODE is the UN M49 code (= ISO 3166-1 numeric, via pycountry).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pycountry

from litterhub.analysis.beach import event_filter

BEACH_SERIES = "EN_MAR_BEALITSQ"
FLOATING_SERIES = "EN_MAR_PLASDD"
SERIES = {
    BEACH_SERIES: {"name": "Beach litter per square kilometer", "unit": "NUMBER", "unit_label": "items per km2"},
    FLOATING_SERIES: {"name": "Floating plastic debris density", "unit": "NUMBER", "unit_label": "count per km2"},
}
SDG_COLUMNS = ["SERIES_CODE", "SERIES_DESCRIPTION", "GEO_AREA_CODE", "GEO_AREA_NAME", "TIME_PERIOD", "OBS_VALUE",
               "UNIT_MEASURE", "UNIT_LABEL", "NATURE", "N_SURVEYS", "EVENT_IDS", "DATASET_VERSIONS"]


def m49(alpha3: str | None) -> str | None:
    """UN M49 numeric code of an ISO 3166-1 alpha-3 country (they coincide for countries)."""
    country = pycountry.countries.get(alpha_3=alpha3) if alpha3 else None
    return country.numeric if country else None


def densities(con: duckdb.DuckDBPyConnection, events: str = "events", observations: str = "observations", *,
              country: str | None = None, date_from: date | None = None, date_to: date | None = None
              ) -> pd.DataFrame:
    """Per event: series, country, year, area_m2 used, count, density per km² (NULL where no area)."""
    where = event_filter(date_from, date_to)
    if country:
        where += " AND country = '" + country.upper().replace("'", "") + "'"
    sql = f"""
        WITH ev AS (
            SELECT event_id, dataset_id, version, country, year(event_date) AS year,
                   CASE WHEN compartment = 'surface-water' THEN '{FLOATING_SERIES}'
                        WHEN compartment = 'beach' THEN '{BEACH_SERIES}' END AS series,
                   coalesce(area_m2, CASE WHEN length_m > 0 AND width_m > 0 THEN length_m * width_m END) AS area
            FROM {events} WHERE {where}
        ),
        counts AS (
            SELECT o.event_id, sum(o.count) FILTER (WHERE o.counts_toward_total) AS all_items,
                   sum(o.count) FILTER (WHERE o.counts_toward_total
                                        AND coalesce(o.material, 'plastic') = 'plastic') AS plastic
            FROM {observations} o SEMI JOIN ev ON ev.event_id = o.event_id GROUP BY ALL
        )
        SELECT ev.*, CASE WHEN series = '{FLOATING_SERIES}' THEN coalesce(c.plastic, 0)
                          ELSE coalesce(c.all_items, 0) END AS count,
               CASE WHEN area > 0 THEN (CASE WHEN series = '{FLOATING_SERIES}' THEN coalesce(c.plastic, 0)
                    ELSE coalesce(c.all_items, 0) END) / area * 1e6 END AS per_km2
        FROM ev LEFT JOIN counts c ON c.event_id = ev.event_id
        WHERE series IS NOT NULL
        ORDER BY series, country, year, event_id
    """  # noqa: S608 - relation names from our code; the country is stripped of quotes
    return con.sql(sql).df()


def country_year(per_event: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(SDG rows for the country-years that can be computed, reasons for those that cannot)."""
    ok = per_event[per_event["per_km2"].notna() & per_event["country"].notna()]
    grouped = ok.groupby(["series", "country", "year"], sort=True)
    rows = grouped.agg(OBS_VALUE=("per_km2", "median"), N_SURVEYS=("event_id", "size")).reset_index()
    rows["EVENT_IDS"] = grouped["event_id"].agg(lambda s: " ".join(sorted(s))).to_numpy()
    rows["DATASET_VERSIONS"] = grouped.apply(
        lambda g: " ".join(sorted({f"{d}@{v}" for d, v in zip(g["dataset_id"], g["version"], strict=True)})),
        include_groups=False).to_numpy() if len(rows) else []
    rows["SERIES_CODE"] = rows["series"]
    rows["SERIES_DESCRIPTION"] = rows["series"].map(lambda s: SERIES[s]["name"])
    rows["GEO_AREA_CODE"] = rows["country"].map(m49)
    rows["GEO_AREA_NAME"] = rows["country"].map(
        lambda c: getattr(pycountry.countries.get(alpha_3=c), "name", c))
    rows["TIME_PERIOD"] = rows["year"].astype(int)
    rows["UNIT_MEASURE"] = rows["series"].map(lambda s: SERIES[s]["unit"])
    rows["UNIT_LABEL"] = rows["series"].map(lambda s: SERIES[s]["unit_label"])
    rows["NATURE"] = "C"  # computed by the hub from national survey data
    sdg_rows = rows[SDG_COLUMNS] if len(rows) else pd.DataFrame(columns=SDG_COLUMNS)

    missing = per_event[per_event["per_km2"].isna()]
    reasons = (missing.assign(country=missing["country"].fillna("(unknown)"))
               .groupby(["series", "country", "year"], sort=True).size().rename("events").reset_index())
    reasons["reason"] = ("no surveyed area: the protocol records a length but no width or area, so items/km² "
                         "cannot be computed (items/100 m is available from `analyse beach`)")
    no_country = per_event["country"].isna() & per_event["per_km2"].notna()
    if no_country.any():
        extra = per_event[no_country].groupby(["series", "year"]).size().rename("events").reset_index()
        extra["country"] = "(unknown)"
        extra["reason"] = "no country recorded for the events (e.g. open-ocean tows; no EEZ assignment)"
        reasons = pd.concat([reasons, extra], ignore_index=True)
    return sdg_rows.reset_index(drop=True), reasons
