"""Composition of beach litter: top items, use-group and material shares, OSPAR source categories.

Shares are "total abundance" shares (Addamo et al. 2017): Σ item counts / Σ all counts over the
surveys of one comparability class, plus hammerdirt's fail rate (share of the class's surveys where an
item was found); every table has one block per class and nothing is added across classes. Items are
ranked by their roll-up code, so broad source codes are credited to the parent class, never to a specific
item; source codes without a mapping are listed apart under `unmapped` with their share, never ranked
beside harmonised items. Source attribution uses only what the vocabulary maps: the use groups that coincide
with OSPAR (2007) source categories (FISH → fishing incl. aquaculture, SANITARY → sewage-related
debris, MEDICAL → medical); everything else stays "not attributed" rather than guessed.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from litterhub.analysis.beach import event_filter, group_members_table
from litterhub.analysis.comparability import CLASS_COLUMN, CLASS_SQL, COUNTED_SQL
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
    """Tables `items` (top `top` harmonised items by total), `unmapped` (source codes the vocabulary does not
    map, with their share), `groups`, `materials`, `sources` and `totals` (surveys, those with a published
    density instead of counts, total and unmapped count), each **per comparability class**
    (column `comparability_class`, classes with most surveys first); shares are % of the class's total count.

    Counts are never added across classes (analysis/comparability.py), and a source code without a mapping is
    never ranked beside harmonised items: it is listed under `unmapped`.
    """
    con.register("_group_members", group_members_table())
    con.register("_source_map", source_table())
    con.register("_comp_events", con.sql(f"""
        SELECT event_id, {CLASS_SQL} AS cls, NOT {COUNTED_SQL} AS density_only
        FROM {events} WHERE {event_filter(date_from, date_to)}
    """))  # noqa: S608 - relation names and dates from our own code
    con.register("_comp", con.sql(f"""
        SELECT e.cls, o.event_id, o.count, o.material, o.relation, o.source_name,
               coalesce(o.rollup_code, o.source_scheme || ':' || o.source_code) AS item,
               o.rollup_code IS NULL AS unmapped
        FROM {observations} o JOIN _comp_events e ON e.event_id = o.event_id
        WHERE o.counts_toward_total AND o.count > 0
    """))  # noqa: S608 - relation names from our own code
    # one row per class: its surveys, its total count, its rank (most surveys first)
    con.register("_comp_classes", con.sql("""
        SELECT e.cls, e.surveys, e.density_only, coalesce(c.total, 0) AS total_count,
               coalesce(c.unmapped, 0) AS unmapped_count,
               row_number() OVER (ORDER BY e.surveys DESC, e.cls) AS class_rank
        FROM (SELECT cls, count(*) AS surveys, count(*) FILTER (WHERE density_only) AS density_only
              FROM _comp_events GROUP BY cls) e
        LEFT JOIN (SELECT cls, sum(count) AS total, sum(count) FILTER (WHERE unmapped) AS unmapped
                   FROM _comp GROUP BY cls) c ON c.cls = e.cls
    """))

    def per_class(select: str, order: str) -> pd.DataFrame:
        """`select` (grouped by cls) joined to its class for the share; rows of the largest class first."""
        frame = con.sql(f"""
            SELECT k.cls AS {CLASS_COLUMN}, r.* EXCLUDE (cls),
                   CASE WHEN k.total_count > 0 THEN 100.0 * r.total / k.total_count END AS pct_of_total
            FROM ({select}) r JOIN _comp_classes k ON k.cls = r.cls
            ORDER BY k.class_rank, {order}
        """).df()  # noqa: S608 - fixed SQL of this module
        return frame

    ranked = """
        SELECT cls, item, any_value(material) AS material, any_value(source_name) AS source_name,
               sum(count) AS total, count(DISTINCT event_id) AS surveys_found,
               row_number() OVER (PARTITION BY cls ORDER BY sum(count) DESC, item) AS rank
        FROM _comp WHERE {which} GROUP BY cls, item"""
    harmonised = ranked.format(which="NOT unmapped")
    items = per_class(f"SELECT * EXCLUDE (source_name) FROM ({harmonised}) WHERE rank <= {int(top)}",  # noqa: S608
                      "r.rank")
    unmapped = per_class(f"SELECT * EXCLUDE (material) FROM ({ranked.format(which='unmapped')})",  # noqa: S608
                         "r.rank")
    master = master_list()
    items.insert(2, "name", items["item"].map(lambda c: master.items[c].name if c in master.items else c))
    unmapped = unmapped.rename(columns={"source_name": "name"})
    groups = per_class("""
        SELECT c.cls, m.group_code AS "group", sum(c.count) AS total FROM _comp c JOIN _group_members m
          ON m.master_code = c.item GROUP BY ALL""", "r.total DESC, r.\"group\"")
    names = use_groups()
    groups.insert(2, "name", groups["group"].map(lambda g: names.get(g, {}).get("name", g)))
    materials = per_class("""
        SELECT cls, coalesce(material, 'unmapped') AS material, sum(count) AS total FROM _comp GROUP BY ALL""",
                          "r.total DESC, r.material")
    sources = per_class(f"""
        SELECT c.cls, coalesce(s.source, '{NOT_ATTRIBUTED}') AS source, any_value(s.group_code) AS "group",
               sum(c.count) AS total
        FROM _comp c LEFT JOIN _source_map s ON s.master_code = c.item GROUP BY c.cls, 2""",  # noqa: S608
                        f"r.source = '{NOT_ATTRIBUTED}', r.total DESC")
    surveys = con.sql(f"SELECT cls AS {CLASS_COLUMN}, surveys FROM _comp_classes").df()  # noqa: S608
    for frame in (items, unmapped):
        frame["fail_rate"] = frame["surveys_found"] / frame[CLASS_COLUMN].map(
            dict(zip(surveys[CLASS_COLUMN], surveys["surveys"], strict=True))).astype(float)
        frame.drop(columns=["rank"], inplace=True)
    totals = con.sql(f"""
        SELECT cls AS {CLASS_COLUMN}, surveys, density_only AS surveys_with_density_only, total_count,
               unmapped_count,
               CASE WHEN total_count > 0 THEN 100.0 * unmapped_count / total_count END AS unmapped_pct
        FROM _comp_classes ORDER BY class_rank
    """).df()  # noqa: S608 - fixed SQL
    return {"items": items, "unmapped": unmapped, "groups": groups, "materials": materials, "sources": sources,
            "totals": totals}
