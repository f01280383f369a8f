"""Beach-litter survey totals per group from harmonised observations, and litteR's statistics on them.

litteR needs one count per survey and type group; the hub derives them from the master vocabulary
instead of a type file: TC (every observation that counts toward the total), PLASTIC (material
class), and the use groups of `vocab/data/use_groups.csv` (SUP, FISH, …) credited through the
observation's roll-up code, so broader source codes never inflate a specific group. The totals are
computed in one DuckDB query; the statistics are `analysis.litter.stats.beach_statistics`, so a hub
dataset gets exactly the numbers litteR gives for the same survey totals.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from litterhub.analysis.litter.stats import beach_statistics
from litterhub.vocab.reference import use_group_members

TOTAL = "TC"
PLASTIC = "PLASTIC"
GROUP_BY = {"site": None, "country": "country", "region": "region"}


def group_members_table() -> pa.Table:
    pairs = use_group_members()
    return pa.table({"group_code": [g for g, _ in pairs], "master_code": [c for _, c in pairs]})


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
    """One row per survey × group: event, site, country, region, date, length_m, group, count.

    Every event in the window gets a row for every group that occurs in the data (0 when the survey
    found none of it); a group none of whose members occurs gets no rows, as in litteR. With
    `per_100m`, counts are scaled by 100 / length_m and events without a length are left out (the
    caller reports them). `exclude_codes` / `exclude_materials` drop observations by master code or
    material before summing (the EU threshold value's definition of total abundance).
    """
    con.register("_group_members", group_members_table())
    excl = ""
    if exclude_codes:
        excl += " AND coalesce(o.master_code, '') NOT IN (" + ", ".join(_quote(c) for c in exclude_codes) + ")"
    if exclude_materials:
        excl += " AND coalesce(o.material, '') NOT IN (" + ", ".join(_quote(m) for m in exclude_materials) + ")"
    length_ok = " AND length_m > 0" if per_100m else ""
    scale = "100.0 / ev.length_m" if per_100m else "1.0"
    sql = f"""
        WITH ev AS (
            SELECT event_id, dataset_id, version, site_id, country, region, event_date, length_m
            FROM {events} WHERE {event_filter(date_from, date_to)}{length_ok}
        ),
        obs AS (
            SELECT o.event_id, o.count, o.material, o.rollup_code
            FROM {observations} o SEMI JOIN ev ON ev.event_id = o.event_id
            WHERE o.counts_toward_total AND o.count IS NOT NULL{excl}
        ),
        tagged AS (
            SELECT event_id, '{TOTAL}' AS grp, count FROM obs
            UNION ALL SELECT event_id, '{PLASTIC}', count FROM obs WHERE material = 'plastic'
            UNION ALL SELECT o.event_id, m.group_code, o.count FROM obs o JOIN _group_members m
                ON m.master_code = o.rollup_code
        ),
        sums AS (SELECT event_id, grp, sum(count) AS n FROM tagged GROUP BY ALL),
        present AS (SELECT DISTINCT grp FROM tagged UNION SELECT '{TOTAL}')
        SELECT ev.event_id, ev.dataset_id, ev.version, ev.site_id, ev.country, ev.region,
               CAST(ev.event_date AS DATE) AS event_date, ev.length_m, p.grp AS "group",
               coalesce(s.n, 0) * {scale} AS count
        FROM ev CROSS JOIN present p LEFT JOIN sums s ON s.event_id = ev.event_id AND s.grp = p.grp
        ORDER BY ev.site_id, ev.event_date, ev.event_id, p.grp
    """  # noqa: S608 - relation names from our code; codes quoted by _quote
    frame = con.sql(sql).df()
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    if groups:
        frame = frame[frame["group"].isin(groups)].reset_index(drop=True)
    return frame


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def statistics(totals: pd.DataFrame, group_by: str = "site") -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """litteR's per-site statistics (and, for country/region, the regional aggregation and Kendall test).

    Beaches are never pooled: a country's or region's median is the median of its site medians, its
    trend the median of site slopes, and its p-value the regional Kendall test (methods.md §1.8).
    """
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {sorted(GROUP_BY)}, not {group_by!r}")
    region = GROUP_BY[group_by]
    frame = totals
    if region is not None:
        frame = totals.assign(**{region: totals[region].fillna("(none)")})
    stats, regional = beach_statistics(frame, location="site_id", date="event_date", group="group", count="count",
                                       survey="event_id", region=region, total_group=TOTAL)
    return stats, regional
