"""Composition of beach litter: top items, use-group and material shares, OSPAR source categories.

Shares are "total abundance" shares (Addamo et al. 2017): Σ item counts / Σ all counts over the
surveys selected, plus hammerdirt's fail rate (share of surveys where an item was found). Items are
ranked by their roll-up code, so broad source codes are credited to the parent class, never to a
specific item. Source attribution uses only what the vocabulary maps: the use groups that coincide
with OSPAR (2007) source categories (FISH → fishing incl. aquaculture, SANITARY → sewage-related
debris, MEDICAL → medical); everything else stays "not attributed" rather than guessed.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from litterhub.analysis.beach import event_filter, group_members_table
from litterhub.vocab.items import master_list
from litterhub.vocab.reference import use_group_members, use_groups

OSPAR_SOURCES = {
    "FISH": "fishing incl. aquaculture",
    "SANITARY": "sewage-related debris",
    "MEDICAL": "medical",
}
NOT_ATTRIBUTED = "not attributed"


def source_table() -> pd.DataFrame:
    """master_code -> OSPAR source category; an item in two mapped groups goes to the first in OSPAR_SOURCES,
    so every item is attributed once and the source shares add up to 100 %."""
    rows: dict[str, tuple[str, str]] = {}
    order = list(OSPAR_SOURCES)
    for group, master in sorted(use_group_members(), key=lambda p: order.index(p[0]) if p[0] in order else 99):
        if group in OSPAR_SOURCES and master not in rows:
            rows[master] = (OSPAR_SOURCES[group], group)
    return pd.DataFrame({"master_code": list(rows), "source": [v[0] for v in rows.values()],
                         "group_code": [v[1] for v in rows.values()]})


def composition(con: duckdb.DuckDBPyConnection, events: str = "events", observations: str = "observations", *,
                top: int = 10, date_from=None, date_to=None) -> dict[str, pd.DataFrame]:
    """Tables `items` (top `top` by total), `groups`, `materials`, `sources`; shares in % of the total count."""
    con.register("_group_members", group_members_table())
    con.sql(f"""
        SELECT o.event_id, o.count, o.material, o.relation,
               coalesce(o.rollup_code, o.source_scheme || ':' || o.source_code) AS item,
               o.rollup_code IS NULL AS unmapped
        FROM {observations} o SEMI JOIN (SELECT event_id FROM {events} WHERE {event_filter(date_from, date_to)}) e
          ON e.event_id = o.event_id
        WHERE o.counts_toward_total AND o.count > 0
    """).create_view("_comp")  # noqa: S608 - relation names and dates from our own code
    n_events, total = con.sql(
        f"SELECT (SELECT count(*) FROM {events} WHERE {event_filter(date_from, date_to)}), "  # noqa: S608
        "coalesce(sum(count), 0) FROM _comp").fetchall()[0]
    total = float(total or 0.0)
    items = con.sql(f"""
        SELECT item, any_value(material) AS material, bool_or(unmapped) AS unmapped, sum(count) AS total,
               count(DISTINCT event_id) AS surveys_found
        FROM _comp GROUP BY item ORDER BY total DESC, item LIMIT {int(top)}
    """).df()  # noqa: S608 - an integer
    master = master_list()
    items.insert(1, "name", items["item"].map(lambda c: master.items[c].name if c in master.items else c))
    groups = con.sql("""
        SELECT m.group_code AS "group", sum(c.count) AS total FROM _comp c JOIN _group_members m
          ON m.master_code = c.item GROUP BY ALL ORDER BY total DESC
    """).df()
    names = use_groups()
    groups.insert(1, "name", groups["group"].map(lambda g: names.get(g, {}).get("name", g)))
    materials = con.sql("""
        SELECT coalesce(material, 'unmapped') AS material, sum(count) AS total FROM _comp GROUP BY ALL
        ORDER BY total DESC
    """).df()
    con.register("_source_map", source_table())
    sources = con.sql(f"""
        SELECT * FROM (
            SELECT coalesce(s.source, '{NOT_ATTRIBUTED}') AS category, any_value(s.group_code) AS "group",
                   sum(c.count) AS total
            FROM _comp c LEFT JOIN _source_map s ON s.master_code = c.item GROUP BY 1
        ) ORDER BY category = '{NOT_ATTRIBUTED}', total DESC
    """).df().rename(columns={"category": "source"})  # noqa: S608 - a constant
    for frame in (items, groups, materials, sources):
        frame["pct_of_total"] = 100.0 * frame["total"] / total if total > 0 else float("nan")
    if n_events:
        items["fail_rate"] = items["surveys_found"] / n_events
    return {"items": items, "groups": groups, "materials": materials, "sources": sources,
            "totals": pd.DataFrame({"surveys": [int(n_events)], "total_count": [total]})}
