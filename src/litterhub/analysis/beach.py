"""Beach-litter survey totals per group from harmonised observations, and litteR's statistics on them.

litteR needs one count per survey and type group; the hub derives them from the master vocabulary
instead of a type file: TC (every observation that counts toward the total), PLASTIC (material
class), and the use groups of `vocab/data/use_groups.csv` (SUP, FISH, …) credited through the
observation's roll-up code, so broader source codes never inflate a specific group. The totals are
computed in one scan of the observations (conditional sums per survey, group membership as a bit
mask per roll-up code); the statistics are `analysis.litter.stats.beach_statistics`, so a hub
dataset gets exactly the numbers litteR gives for the same survey totals.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from litterhub.analysis.comparability import CLASS_COLUMN, CLASS_SQL, COUNTED_SQL
from litterhub.analysis.litter.stats import MIN_TREND_SURVEYS, beach_statistics
from litterhub.vocab.reference import use_group_members

TOTAL = "TC"
PLASTIC = "PLASTIC"
GROUP_BY = {"site": None, "country": "country", "region": "region"}


def known_groups() -> list[str]:
    """The groups survey totals are computed for: TC, PLASTIC and the vocabulary's use groups."""
    return [TOTAL, PLASTIC, *dict.fromkeys(g for g, _ in use_group_members())]


def group_members_table() -> pa.Table:
    """(group_code, master_code) pairs of the vocabulary's use groups, for joins in DuckDB."""
    pairs = use_group_members()
    return pa.table({"group_code": [g for g, _ in pairs], "master_code": [c for _, c in pairs]})


def group_masks_table(codes: list[str]) -> pa.Table:
    """master_code -> bit mask of the use groups (by position in `codes`) it belongs to."""
    masks: dict[str, int] = {}
    for group, master in use_group_members():
        if group in codes:
            masks[master] = masks.get(master, 0) | (1 << codes.index(group))
    return pa.table({"master_code": list(masks), "mask": pa.array(list(masks.values()), pa.int64())})


def event_filter(date_from: date | None = None, date_to: date | None = None) -> str:
    """SQL condition on events for an inclusive date window (dates are formatted, never user text)."""
    parts = ["event_date IS NOT NULL"]
    if date_from:
        parts.append(f"event_date >= DATE '{date_from.isoformat()}'")
    if date_to:
        parts.append(f"event_date <= DATE '{date_to.isoformat()}'")
    return " AND ".join(parts)


def survey_totals(
    con: duckdb.DuckDBPyConnection,
    events: str = "events",
    observations: str = "observations",
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    per_100m: bool = False,
    groups: tuple[str, ...] | None = None,
    exclude_codes: tuple[str, ...] = (),
    exclude_materials: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One row per survey × group: event, site, country, region, date, length_m, comparability class, group, count.

    Every event in the window gets a row for every group that occurs in the data (0 when the survey
    found none of it); a group none of whose members occurs gets no rows, as in litteR. With
    `per_100m`, counts are scaled by 100 / length_m and events without a length are left out (the
    caller reports them). `exclude_codes` / `exclude_materials` drop observations by master code or
    material before summing (the EU threshold value's definition of total abundance). The comparability class
    (analysis/comparability.py) of every survey travels with it, so no caller needs to pool across classes;
    events that carry a published density instead of counts (COUNTED_SQL) have no totals.
    """
    excl = ""
    if exclude_codes:
        excl += " AND coalesce(o.master_code, '') NOT IN (" + ", ".join(_quote(c) for c in exclude_codes) + ")"
    if exclude_materials:
        excl += " AND coalesce(material, '') NOT IN (" + ", ".join(_quote(m) for m in exclude_materials) + ")"
    length_ok = " AND length_m > 0" if per_100m else ""
    codes = known_groups()
    if groups:
        codes = [c for c in codes if c in groups or c == TOTAL]
    con.register("_group_masks", group_masks_table(codes))
    sums = [f'sum(count) AS "{TOTAL}"', f"sum(count) FILTER (WHERE material = 'plastic') AS \"{PLASTIC}\""]
    sums += [f'sum(count) FILTER (WHERE mask & {1 << i} <> 0) AS "{code}"'
             for i, code in enumerate(codes) if code not in (TOTAL, PLASTIC)]
    # one scan of the observations: conditional sums per survey, group membership as a bit mask per roll-up code
    sql = f"""
        WITH ev AS (
            SELECT event_id, dataset_id, version, site_id, country, region, CAST(event_date AS DATE) AS event_date,
                   length_m, {CLASS_SQL} AS {CLASS_COLUMN}
            FROM {events} WHERE {event_filter(date_from, date_to)}{length_ok} AND {COUNTED_SQL}
        ),
        per_event AS (
            SELECT o.event_id, {", ".join(sums)}
            FROM {observations} o LEFT JOIN _group_masks g ON g.master_code = o.rollup_code
            SEMI JOIN ev ON ev.event_id = o.event_id
            WHERE counts_toward_total AND count IS NOT NULL{excl}
            GROUP BY o.event_id
        )
        SELECT ev.*, p.* EXCLUDE (event_id) FROM ev LEFT JOIN per_event p ON p.event_id = ev.event_id
    """  # noqa: S608 - relation names from our code; codes quoted by _quote
    wide = con.sql(sql).df()
    present = [c for c in codes if c == TOTAL or wide[c].notna().any()]  # a group with no member in the data: no rows
    keys = ["event_id", "dataset_id", "version", "site_id", "country", "region", "event_date", "length_m",
            CLASS_COLUMN]
    frame = wide.melt(id_vars=keys, value_vars=present, var_name="group", value_name="count")
    frame["count"] = frame["count"].fillna(0.0).astype(float)
    if per_100m:
        frame["count"] = frame["count"] * 100.0 / frame["length_m"].to_numpy(dtype=float)  # n × 100 / L (§2.2)
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    if groups:
        frame = frame[frame["group"].isin(groups)]
    return frame.sort_values(["site_id", "event_date", "event_id", "group"], kind="stable").reset_index(drop=True)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def statistics(totals: pd.DataFrame, group_by: str = "site") -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """litteR's per-site statistics (and, for country/region, the regional aggregation and Kendall test).

    Beaches are never pooled: a country's or region's median is the median of its site medians, its
    trend the median of site slopes, and its p-value the regional Kendall test (methods.md §1.8). The
    trend (slope, S, VarS, Z, p_value) is taken over the sites that can carry one — at least 3 surveys
    on at least 2 dates, as litteR's report asks — so that a site surveyed once does not blank the
    region's p-value; `sites` and `trend_sites` count them and `trend_note` says why a trend is missing.
    """
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {sorted(GROUP_BY)}, not {group_by!r}")
    region = GROUP_BY[group_by]
    frame = totals
    if region is not None:
        frame = totals.assign(**{region: totals[region].fillna("(none)")})
    stats, regional = beach_statistics(frame, location="site_id", date="event_date", group="group", count="count",
                                       survey="event_id", region=region, total_group=TOTAL,
                                       trend_locations_only=region is not None)
    if regional is not None:
        regional = _with_trend_note(regional.rename(columns={"locations": "sites", "trend_locations": "trend_sites"}))
    return stats, regional


NO_TREND_SITE = (f"no site here has {MIN_TREND_SURVEYS} or more surveys on 2 or more dates; a regional trend needs "
                 "at least one such site")


def _with_trend_note(regional: pd.DataFrame) -> pd.DataFrame:
    """Say why a regional trend is missing (empty where it was computed)."""
    no_sites = regional["trend_sites"].to_numpy() == 0
    regional["trend_note"] = [NO_TREND_SITE if missing else "" for missing in no_sites]
    return regional
