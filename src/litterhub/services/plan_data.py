"""What the action-plan workspace computes from the hub's own monitoring data (issue 22): the country's litter
composition and the trend of a measure's target items.

Contract:
- Both read the published catalogue through the same connection as every indicator (services/indicators.py:
  duplicate copies left out) and are cached per published catalogue (services/result_cache.py), so a new survey
  changes them on the next read: a measure's indicator is tracked "as surveys arrive" without any job.
- Never across comparability classes: every row carries its class, as the country profile's indicators do.
- A measure's indicator is the count of its target master items per survey (or per 100 m of beach): the survey
  totals go through litteR's statistics (analysis/beach.py `statistics`, group_by country), so the median, the
  Theil–Sen slope and the regional Kendall p-value are computed exactly as the hub's beach indicators are.
- What cannot be computed says why (`note`): no surveys in the country, no survey lengths for per-100 m, too few
  surveys for a trend.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from litterhub.analysis import beach as beach_analysis
from litterhub.analysis.comparability import CLASS_COLUMN, CLASS_SQL, COUNTED_SQL
from litterhub.services import indicators
from litterhub.services import vocab as vocab_svc
from litterhub.services.countries import _records
from litterhub.services.hub import Hub
from litterhub.services.result_cache import cached

TOP_ITEMS = 10
GROUP = "MEASURE"  # the one litteR group of a measure's tracked total
INDICATORS = ("items-per-survey", "items-per-100m")
# p-value under which a trend is called a decrease or an increase (litteR reports p; the usual α of the Mann–Kendall
# test in OSPAR and MSFD assessments is 0.05)
ALPHA = 0.05


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connection(hub: Hub):
    versions = indicators.resolve_versions(hub, None)
    con, _ = indicators._open(hub, versions)  # the indicators' own view of the lake (duplicates left out)
    return con, versions


def item_names() -> dict[str, str]:
    return {i.code: i.name for i in vocab_svc.items()}


def composition(hub: Hub, code: str, top: int = TOP_ITEMS) -> list[dict[str, Any]]:
    """The country's most found master items per comparability class: count, share of the class's counted total,
    surveys in which they were found."""
    def compute() -> list[dict[str, Any]]:
        con, versions = _connection(hub)
        if not versions:
            return []
        frame = con.sql(f"""
            WITH ev AS (SELECT event_id, {CLASS_SQL} AS cls FROM events
                        WHERE country = {_quote(code)} AND {COUNTED_SQL}),
                 obs AS (SELECT ev.cls, o.event_id, o.rollup_code AS item, o.count FROM observations o
                         JOIN ev ON ev.event_id = o.event_id
                         WHERE o.counts_toward_total AND o.count IS NOT NULL AND o.rollup_code IS NOT NULL),
                 per AS (SELECT cls, item, sum(count) AS n, count(DISTINCT event_id) AS surveys FROM obs
                         GROUP BY cls, item),
                 tot AS (SELECT cls, sum(count) AS total FROM obs GROUP BY cls)
            SELECT per.cls AS {CLASS_COLUMN}, item, n AS count, surveys, n / total AS share,
                   row_number() OVER (PARTITION BY per.cls ORDER BY n DESC, item) AS rank
            FROM per JOIN tot USING (cls) QUALIFY rank <= {int(top)} ORDER BY per.cls, rank
        """).df()  # noqa: S608 - the code is quoted, the rest is ours
        names = item_names()
        frame["name"] = frame["item"].map(names)
        return _records(frame)

    return cached(hub, "plans.composition", (code, top), compute)


def _totals(hub: Hub, code: str, items: tuple[str, ...], per_100m: bool) -> pd.DataFrame:
    """One row per survey of the country: the sum of the target items (0 when none was found), in the shape of
    analysis/beach.py `survey_totals` with the single group MEASURE."""
    con, versions = _connection(hub)
    if not versions or not items:
        return pd.DataFrame()
    wanted = ", ".join(_quote(c) for c in items)
    length_ok = " AND length_m > 0" if per_100m else ""
    frame = con.sql(f"""
        WITH ev AS (SELECT event_id, dataset_id, version, site_id, country, region,
                           CAST(event_date AS DATE) AS event_date, length_m, {CLASS_SQL} AS {CLASS_COLUMN}
                    FROM events WHERE country = {_quote(code)} AND event_date IS NOT NULL AND {COUNTED_SQL}{length_ok}),
             hit AS (SELECT o.event_id, sum(o.count) AS n FROM observations o SEMI JOIN ev ON ev.event_id = o.event_id
                     WHERE o.counts_toward_total AND o.count IS NOT NULL
                       AND (o.rollup_code IN ({wanted}) OR o.master_code IN ({wanted}))
                     GROUP BY o.event_id)
        SELECT ev.*, coalesce(hit.n, 0) AS count FROM ev LEFT JOIN hit ON hit.event_id = ev.event_id
    """).df()  # noqa: S608 - codes come from the master list and are quoted
    frame["group"] = GROUP
    frame["count"] = frame["count"].astype(float)
    if per_100m:
        frame["count"] = frame["count"] * 100.0 / frame["length_m"].to_numpy(dtype=float)
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    return frame.sort_values(["site_id", "event_date", "event_id"], kind="stable").reset_index(drop=True)


def track(hub: Hub, code: str, items: list[str], indicator: str = "items-per-survey") -> dict[str, Any]:
    """The trend of a measure's target items in the country, per comparability class, with the yearly medians."""
    key = (code, tuple(sorted(set(items))), indicator)
    return cached(hub, "plans.track", key, lambda: _track(hub, code, key[1], indicator))


def _direction(row: dict[str, Any]) -> str:
    slope, p = row.get("slope"), row.get("p_value")
    if slope is None or p is None or pd.isna(slope) or pd.isna(p):
        return "no-trend"
    if p >= ALPHA or slope == 0:
        return "no-significant-trend"
    return "decreasing" if slope < 0 else "increasing"


def _track(hub: Hub, code: str, items: tuple[str, ...], indicator: str) -> dict[str, Any]:
    per_100m = indicator == "items-per-100m"
    unit = "items/100 m" if per_100m else "items per survey"
    totals = _totals(hub, code, items, per_100m)
    base = {"country": code, "items": list(items), "indicator": indicator, "unit": unit,
            "query": f"litterhub analyse beach --group-by country (items {', '.join(items)})"}
    if totals.empty:
        note = "no-length" if per_100m else "no-surveys"
        return {**base, "classes": [], "note": note}
    classes = []
    for klass, sub in totals.groupby(CLASS_COLUMN, sort=True):
        sub = sub.drop(columns=[CLASS_COLUMN]).reset_index(drop=True)
        _, regional = beach_analysis.statistics(sub, "country")
        row = _records(regional)[0] if regional is not None and len(regional) else {}
        yearly = (sub.assign(year=sub["event_date"].dt.year).groupby("year")["count"]
                  .agg(["median", "size"]).reset_index().rename(columns={"size": "surveys"}))
        classes.append({"class": klass, "surveys": int(sub["event_id"].nunique()),
                        "sites": int(sub["site_id"].nunique()), "median": row.get("median"),
                        "slope": row.get("slope"), "p_value": row.get("p_value"),
                        "trend_note": row.get("trend_note") or "", "direction": _direction(row),
                        "years": _records(yearly)})
    classes.sort(key=lambda c: -c["surveys"])
    return {**base, "classes": classes, "note": None}
