"""SDG indicator 14.1.1b "plastic debris density" (custodian UNEP; methods.md §3.2), Level 2 national data.

* EN_MAR_BEALITSQ, beach litter per km²: count / surveyed area × 10⁶ per survey. The area is the survey's
  own (area_m2, else length_m × width_m); else length_m × the site's width from the width table that
  national officers fill (`services/widths.py`); else length_m × an assumed width, only when one is asked
  for, and then every row it touches says WIDTH_ASSUMED and NATURE = E. Most beach protocols record only
  a length (OSPAR, MSFD, Marine LitterWatch: items/100 m), so without a width the survey is not
  computable: the tables `countries`, `not_computable` and `missing_widths` say so, with the beaches to
  give a width for, instead of inventing one. Lake and river shores are not marine and are left out.
* EN_MAR_PLASDD, floating plastic debris density: plastic count / towed area × 10⁶ for surface-water
  events with a towed area. Surface-trawl programmes count plastic pieces without naming a material
  (Eriksen et al.: "plastic pieces per km²"), so items without a material count as plastic; items with
  a known other material do not. A tow whose source published a density instead of counts (Eriksen et al.:
  pieces/km², stored as the event's `items_per_m2`, see `COUNTED_SQL`) gives that density (WIDTH_SOURCE
  `published-density`), never 0. Open-ocean tows carry no country and are reported as not computable per
  country (no EEZ assignment in the hub).

**Comparability classes** (analysis/comparability.py): a value is the median over the surveys of one country ×
year × comparability class, never over surveys of several classes (a monitoring survey and a cleanup, or two
protocols, measure different things). Every row names its class (`comparability_class`). UNEP reports one
value per country-year, so one class per series, country and year is the **headline** (HEADLINE = true): the
largest class of monitoring surveys under a recognised protocol family (beach) or of tows under a recognised
protocol family (floating plastic). The other classes are shown apart, never mixed in; a country-year with
no such class has no headline.

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
from litterhub.analysis.comparability import (
    CLASS_COLUMN,
    CLASS_SQL,
    COUNTED_SQL,
    EVENT_TYPE_SQL,
    PROTOCOL_FAMILIES,
    PROTOCOL_FAMILY_SQL,
)

BEACH_SERIES = "EN_MAR_BEALITSQ"
FLOATING_SERIES = "EN_MAR_PLASDD"
SERIES = {
    BEACH_SERIES: {"name": "Beach litter per square kilometer", "unit": "NUMBER", "unit_label": "items per km2"},
    FLOATING_SERIES: {"name": "Floating plastic debris density", "unit": "NUMBER", "unit_label": "count per km2"},
}
# The data-exchange layout, plus the comparability class of the row (named as in every indicator table) and
# whether it is the headline value of its series, country and year.
CLASS_FIELD, HEADLINE_FIELD = CLASS_COLUMN, "HEADLINE"
SDG_COLUMNS = ["SERIES_CODE", "SERIES_DESCRIPTION", "GEO_AREA_CODE", "GEO_AREA_NAME", "TIME_PERIOD", "OBS_VALUE",
               "UNIT_MEASURE", "UNIT_LABEL", "NATURE", "N_SURVEYS", "EVENT_IDS", "DATASET_VERSIONS",
               "WIDTH_SOURCE", "WIDTH_ASSUMED", "N_ASSUMED", "ASSUMED_WIDTH_M", "N_NOT_COMPUTED",
               CLASS_FIELD, HEADLINE_FIELD]
GROUP = ["series", "country", "year", CLASS_COLUMN]  # one value per series × country × year × class

# Where a survey's area comes from, in order of preference (the WIDTH_SOURCE of a row lists those it used);
# `published-density`: the source published the density itself (trawl pieces/km²), no count over an area.
FROM_DENSITY = "published-density"
FROM_SURVEY_AREA, FROM_SURVEY, FROM_TABLE, ASSUMED = "survey-area", "survey-width", "site-table", "assumed"
WIDTH_SOURCES = (FROM_DENSITY, FROM_SURVEY_AREA, FROM_SURVEY, FROM_TABLE, ASSUMED)
# Headline classes: protocol families the comparability module recognises (not "as stated"/"not stated"), and
# for beaches monitoring surveys only (a cleanup's stretch is chosen by the volunteers; UNEP/GESAMP 2019 and
# the OSPAR/MSFD guidance base beach-litter indicators on monitoring surveys).
RECOGNISED_PROTOCOLS = frozenset(family for family, _, _ in PROTOCOL_FAMILIES)
MONITORING = "monitoring"
# SDG data-exchange NATURE codes: C country data; E estimated (here: an assumed width entered the value).
NATURE_COUNTRY, NATURE_ESTIMATED = "C", "E"
# Shores that are not marine: outside SDG 14.1.1b, reported as such rather than silently dropped.
NOT_MARINE = ("lakeshore", "riverbank")
COMPARTMENTS = ("beach", "surface-water", *NOT_MARINE)  # the events SDG 14.1.1b looks at (or says why not)
REASONS = {
    "no-country": "no country recorded for the surveys (e.g. open-ocean tows; no EEZ assignment)",
    "no-width": "no surveyed area: the survey records a length but no beach width, and the site has no width in "
                "the width table",
    "no-length": "no surveyed area: the survey records neither a length nor an area",
    "no-towed-area": "no surveyed area: the tow records no towed area",
    "not-marine": "not marine: lake and river shores are outside SDG 14.1.1b",
}
STATUS_COMPUTED, STATUS_PARTLY, STATUS_NONE = "computed", "partly computed", "not computable"


def m49(alpha3: str | None) -> str | None:
    """UN M49 numeric code of an ISO 3166-1 alpha-3 country (they coincide for countries)."""
    country = pycountry.countries.get(alpha_3=alpha3) if alpha3 else None
    return country.numeric if country else None


def densities(con: duckdb.DuckDBPyConnection, events: str = "events", observations: str = "observations", *,
              country: str | None = None, date_from: date | None = None, date_to: date | None = None,
              widths: str | None = None, assume_width: float | None = None) -> pd.DataFrame:
    """Per event: series, country, year, the area used and where its width came from, count, density per km²
    (NULL where no area, with the reason code in `missing`). `widths` names a relation (site_id, width_m,
    revision) of the widths in force; `assume_width` (m) fills the beaches that have none, only when given."""
    where = event_filter(date_from, date_to)
    params: dict[str, object] = {"assume": float(assume_width) if assume_width else None}
    if country:
        where += " AND country = $country"
        params["country"] = country.upper()
    table = widths or "(SELECT NULL::VARCHAR AS site_id, NULL::DOUBLE AS width_m, NULL::BIGINT AS revision LIMIT 0)"
    marine = ", ".join(f"'{c}'" for c in NOT_MARINE)
    sql = f"""
        WITH ev AS (
            SELECT event_id, dataset_id, version, site_id, country, year(event_date) AS year,
                   {CLASS_SQL} AS {CLASS_COLUMN}, {PROTOCOL_FAMILY_SQL} AS protocol_family,
                   {EVENT_TYPE_SQL} AS class_event_type, NOT ({COUNTED_SQL}) AS published,
                   CASE WHEN items_per_m2 >= 0 THEN items_per_m2 END AS published_per_m2,
                   CASE WHEN compartment = 'surface-water' THEN '{FLOATING_SERIES}'
                        WHEN compartment IN ('beach', {marine}) THEN '{BEACH_SERIES}' END AS series,  -- COMPARTMENTS
                   compartment IN ({marine}) AS not_marine,
                   CASE WHEN length_m > 0 THEN length_m END AS length_m,
                   CASE WHEN area_m2 > 0 THEN area_m2 END AS survey_area,
                   CASE WHEN width_m > 0 THEN width_m END AS survey_width
            FROM {events} WHERE {where}
        ),
        sized AS (
            SELECT ev.*, w.width_m AS table_width, w.revision AS width_revision,
                   CASE WHEN published AND published_per_m2 IS NOT NULL THEN '{FROM_DENSITY}'
                        WHEN survey_area IS NOT NULL THEN '{FROM_SURVEY_AREA}'
                        WHEN length_m IS NOT NULL AND survey_width IS NOT NULL THEN '{FROM_SURVEY}'
                        WHEN series = '{BEACH_SERIES}' AND length_m IS NOT NULL AND w.width_m > 0 THEN '{FROM_TABLE}'
                        WHEN series = '{BEACH_SERIES}' AND length_m IS NOT NULL AND $assume > 0 THEN '{ASSUMED}'
                   END AS width_source
            FROM ev LEFT JOIN {table} w ON w.site_id = ev.site_id
            WHERE series IS NOT NULL
        ),
        counts AS (
            SELECT o.event_id, sum(o.count) FILTER (WHERE o.counts_toward_total) AS all_items,
                   sum(o.count) FILTER (WHERE o.counts_toward_total
                                        AND coalesce(o.material, 'plastic') = 'plastic') AS plastic
            FROM {observations} o SEMI JOIN sized ON sized.event_id = o.event_id GROUP BY ALL
        ),
        valued AS (
            SELECT sized.* EXCLUDE (not_marine, survey_area, survey_width, table_width, width_revision, published),
                   CASE width_source WHEN '{FROM_SURVEY_AREA}' THEN survey_width WHEN '{FROM_SURVEY}' THEN survey_width
                        WHEN '{FROM_TABLE}' THEN table_width WHEN '{ASSUMED}' THEN $assume END AS width_m,
                   CASE WHEN width_source = '{FROM_TABLE}' THEN width_revision END AS width_revision,
                   CASE width_source WHEN '{FROM_SURVEY_AREA}' THEN survey_area WHEN '{FROM_SURVEY}'
                        THEN length_m * survey_width WHEN '{FROM_TABLE}' THEN length_m * table_width
                        WHEN '{ASSUMED}' THEN length_m * $assume END AS area,
                   CASE WHEN width_source = '{FROM_DENSITY}' THEN NULL  -- a density, not a count
                        WHEN series = '{FLOATING_SERIES}' THEN coalesce(c.plastic, 0)
                        ELSE coalesce(c.all_items, 0) END AS count,
                   CASE WHEN country IS NULL THEN 'no-country'
                        WHEN not_marine THEN 'not-marine'
                        WHEN width_source IS NOT NULL THEN NULL
                        WHEN series = '{FLOATING_SERIES}' THEN 'no-towed-area'
                        WHEN length_m IS NULL THEN 'no-length'
                        ELSE 'no-width' END AS missing
            FROM sized LEFT JOIN counts c ON c.event_id = sized.event_id
        )
        SELECT * EXCLUDE (width_source, published_per_m2),
               CASE WHEN missing IS NULL THEN width_source END AS width_source,
               CASE WHEN missing IS NOT NULL THEN NULL
                    WHEN width_source = '{FROM_DENSITY}' THEN published_per_m2 * 1e6
                    ELSE count / area * 1e6 END AS per_km2
        FROM valued
        ORDER BY series, country, year, event_id
    """  # noqa: S608 - relation names and codes from our code; user values are bound parameters
    return con.execute(sql, params).df()


def _joined(values: pd.Series) -> str:
    return " ".join(sorted({str(v) for v in values if v is not None and not pd.isna(v)}))


def headline_eligible(per_event: pd.DataFrame) -> pd.Series:
    """Per event: may its class give the headline value? A recognised protocol family, and for beaches a
    monitoring survey (MDMAP's accumulation transects included: `monitoring-…`)."""
    recognised = per_event["protocol_family"].isin(RECOGNISED_PROTOCOLS)
    monitoring = per_event["class_event_type"].astype("string").str.startswith(MONITORING).fillna(False)
    return recognised & ((per_event["series"] == FLOATING_SERIES) | monitoring)


def _headlines(rows: pd.DataFrame) -> list[bool]:
    """True for the one row per series × country × year whose class is the headline: the eligible class with
    most surveys (then the class label, for a stable choice)."""
    ranked = rows[rows["eligible"]].sort_values(["N_SURVEYS", CLASS_COLUMN], ascending=[False, True])
    chosen = set(ranked.drop_duplicates(["series", "country", "year"]).index)
    return [i in chosen for i in rows.index]


def country_year(per_event: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(SDG rows for the country × year × class cells that can be computed, reasons for those that cannot)."""
    per_event = per_event.assign(eligible=headline_eligible(per_event))
    ok = per_event[per_event["per_km2"].notna()]
    grouped = ok.groupby(GROUP, sort=True)
    rows = grouped.agg(OBS_VALUE=("per_km2", "median"), N_SURVEYS=("event_id", "size"),
                       eligible=("eligible", "all")).reset_index()
    if len(rows):
        rows["EVENT_IDS"] = grouped["event_id"].agg(_joined).to_numpy()
        rows["DATASET_VERSIONS"] = grouped.apply(
            lambda g: _joined(f"{d}@{v}" for d, v in zip(g["dataset_id"], g["version"], strict=True)),
            include_groups=False).to_numpy()
        rows["WIDTH_SOURCE"] = grouped["width_source"].agg(
            lambda s: " ".join(w for w in WIDTH_SOURCES if w in set(s))).to_numpy()
        rows["N_ASSUMED"] = grouped["width_source"].agg(lambda s: int((s == ASSUMED).sum())).to_numpy()
        rows["ASSUMED_WIDTH_M"] = grouped.apply(
            lambda g: g.loc[g["width_source"] == ASSUMED, "width_m"].max(), include_groups=False).to_numpy()
    rows["WIDTH_ASSUMED"] = rows["N_ASSUMED"] > 0 if len(rows) else []
    rows[HEADLINE_FIELD] = _headlines(rows) if len(rows) else []
    rows["SERIES_CODE"] = rows["series"]
    rows["SERIES_DESCRIPTION"] = rows["series"].map(lambda s: SERIES[s]["name"])
    rows["GEO_AREA_CODE"] = rows["country"].map(m49)
    rows["GEO_AREA_NAME"] = rows["country"].map(country_name)
    rows["TIME_PERIOD"] = rows["year"].astype(int)
    rows["UNIT_MEASURE"] = rows["series"].map(lambda s: SERIES[s]["unit"])
    rows["UNIT_LABEL"] = rows["series"].map(lambda s: SERIES[s]["unit_label"])
    rows["NATURE"] = [NATURE_ESTIMATED if a else NATURE_COUNTRY for a in rows["WIDTH_ASSUMED"]]
    missing = per_event[per_event["missing"].notna()]
    # surveys of the same country-year-class that gave no value: a value from part of the surveys says so
    left_out = missing.groupby(GROUP).size()
    rows["N_NOT_COMPUTED"] = [int(left_out.get(key, 0)) for key in
                              zip(*(rows[g] for g in GROUP), strict=True)] if len(rows) else []
    if len(rows):  # per country-year, the headline first, then the other classes by size
        rows = rows.sort_values(["series", "country", "year", HEADLINE_FIELD, "N_SURVEYS", CLASS_COLUMN],
                                ascending=[True, True, True, False, False, True])
    sdg_rows = rows[SDG_COLUMNS] if len(rows) else pd.DataFrame(columns=SDG_COLUMNS)

    reasons = (missing.assign(country=missing["country"].fillna("(unknown)"))
               .groupby([*GROUP, "missing"], sort=True)
               .agg(events=("event_id", "size"), sites=("site_id", "nunique")).reset_index()
               .rename(columns={"missing": "code"}))
    reasons["reason"] = reasons["code"].map(REASONS)
    return sdg_rows.reset_index(drop=True), reasons


def country_name(alpha3: str | None) -> str | None:
    return getattr(pycountry.countries.get(alpha_3=alpha3), "name", alpha3) if alpha3 else alpha3


def _widthless(frame: pd.DataFrame) -> pd.Series:
    """Surveys whose beach has no measured width: not computable for want of one, or computed with an assumed one."""
    return (frame["missing"] == "no-width") | (frame["width_source"] == ASSUMED)


def _n(count: int, noun: str) -> str:
    return f"{int(count)} {noun}{'' if int(count) == 1 else 's'}"


def _years(frame: pd.DataFrame) -> str:
    return " ".join(str(int(y)) for y in sorted(frame["year"].dropna().unique()))


def countries(per_event: pd.DataFrame) -> pd.DataFrame:
    """Per series and country: computed, partly computed or not computable, and because of what; the years with
    a value of any class and those with a headline value; how many comparability classes its surveys fall into."""
    columns = ["series", "country", "country_name", "status", "surveys", "surveys_computed", "surveys_assumed",
               "years_computed", "years_headline", "classes", "sites_without_width", "codes", "reason"]
    frame = per_event.assign(country=per_event["country"].fillna("(unknown)"),
                             eligible=headline_eligible(per_event))
    out = []
    for (series, country), g in frame.groupby(["series", "country"], sort=True):
        done = g[g["missing"].isna()]
        gaps = g[g["missing"].notna()]
        status = STATUS_COMPUTED if gaps.empty else STATUS_PARTLY if len(done) else STATUS_NONE
        counts = gaps.groupby("missing").agg(events=("event_id", "size"), sites=("site_id", "nunique"))
        because = "; ".join(f"{_n(r.events, 'survey')} at {_n(r.sites, 'site')}: {REASONS[code]}"
                            for code, r in counts.iterrows())
        reason = "" if gaps.empty else (f"{status}, because {because}")
        assumed = g[g["width_source"] == ASSUMED]
        if len(assumed):
            reason = "; ".join(filter(None, [reason, f"ASSUMED beach width for {_n(len(assumed), 'survey')} at "
                                             f"{_n(assumed['site_id'].nunique(), 'site')} (no measured width)"]))
        out.append({"series": series, "country": country, "country_name": country_name(country)
                    if country != "(unknown)" else country, "status": status, "surveys": len(g),
                    "surveys_computed": len(done), "surveys_assumed": int((g["width_source"] == ASSUMED).sum()),
                    "years_computed": _years(done),
                    "years_headline": _years(done[done["eligible"]]), "classes": int(g[CLASS_COLUMN].nunique()),
                    "sites_without_width": int(g.loc[_widthless(g), "site_id"].nunique()),
                    "codes": " ".join(counts.index), "reason": reason})
    return pd.DataFrame(out, columns=columns)


def missing_widths(per_event: pd.DataFrame) -> pd.DataFrame:
    """The beaches (sites) whose surveys have a length but no measured width anywhere: what a national officer
    fills in. Beaches that an assumed width stands in for stay listed (`width_assumed`), so the gap stays visible."""
    columns = ["country", "site_id", "events", "first_year", "last_year", "datasets", "width_assumed"]
    gaps = per_event[_widthless(per_event)]
    if gaps.empty:
        return pd.DataFrame(columns=columns)
    out = (gaps.groupby(["country", "site_id"], sort=True)
           .agg(events=("event_id", "size"), first_year=("year", "min"), last_year=("year", "max"),
                datasets=("dataset_id", _joined), width_assumed=("width_source", lambda s: bool((s == ASSUMED).any())))
           .reset_index())
    return out[columns].sort_values(["country", "events", "site_id"], ascending=[True, False, True],
                                    ignore_index=True)


def tables(per_event: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every SDG table from the per-event frame: sdg, countries, not_computable, missing_widths."""
    rows, reasons = country_year(per_event)
    return {"sdg": rows, "countries": countries(per_event), "not_computable": reasons,
            "missing_widths": missing_widths(per_event)}
