"""The same survey arriving through two programmes (e.g. Marine LitterWatch and EMODnet), found on the lake tables.

Two events are the same survey when they come from different datasets, lie within `max_distance_m`
(haversine, default 500 m) of each other, have the same date (or within `max_days`), and have a similar item
profile: the Bray-Curtis similarity of their harmonised item counts, 2 * sum(min(a, b)) / (sum(a) + sum(b)),
is at least `min_similarity`. Both events are flagged `litter-duplicate-source`; exactly one of each pair is
marked for indicators (the better quality tier, then monitoring over cleanup, then the more detailed item
list, then a stable order), so that indicators never count the survey twice.

Everything runs in DuckDB on relations named by the caller; nothing loops over events in Python.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

FLAG = "litter-duplicate-source"
EARTH_RADIUS_M = 6_371_008.8
TIER_RANK = "CASE quality_tier WHEN 'accredited-monitoring' THEN 0 WHEN 'trained-volunteers' THEN 1 " \
            "WHEN 'citizen-science' THEN 2 ELSE 3 END"


def _haversine(a: str, b: str) -> str:
    return (f"2 * {EARTH_RADIUS_M} * asin(sqrt(pow(sin(radians({b}.lat - {a}.lat) / 2), 2) + "
            f"cos(radians({a}.lat)) * cos(radians({b}.lat)) * pow(sin(radians({b}.lon - {a}.lon) / 2), 2)))")


def find_duplicate_sources(con: duckdb.DuckDBPyConnection, events: str = "events",
                           observations: str = "observations", max_distance_m: float = 500.0,
                           max_days: int = 0, min_similarity: float = 0.5) -> pa.Table:
    """Pairs of events that are one survey reported by two datasets, with the one indicators should use.

    `events` and `observations` name relations with the lake schemas (any number of datasets). Returns one
    row per pair: keep_event_id / drop_event_id (and their datasets), distance_m, day difference, similarity.
    """
    deg = max_distance_m / 111_000.0
    sql = f"""
        WITH e AS (
            SELECT event_id, dataset_id, event_date, lat, lon, quality_tier, event_type, total_count
            FROM {events} WHERE lat IS NOT NULL AND lon IS NOT NULL AND event_date IS NOT NULL
        ),
        pairs AS (
            SELECT a.event_id AS a_id, b.event_id AS b_id, {_haversine('a', 'b')} AS distance_m,
                   abs(date_diff('day', a.event_date, b.event_date)) AS days
            FROM e a JOIN e b
              ON a.dataset_id < b.dataset_id
             AND b.event_date BETWEEN a.event_date - INTERVAL {int(max_days)} DAY
                                  AND a.event_date + INTERVAL {int(max_days)} DAY
             AND b.lat BETWEEN a.lat - {deg} AND a.lat + {deg}
            WHERE {_haversine('a', 'b')} <= {float(max_distance_m)}
        ),
        candidates AS (SELECT DISTINCT id FROM (SELECT a_id AS id FROM pairs UNION ALL SELECT b_id FROM pairs)),
        profile AS (
            SELECT o.event_id, coalesce(o.rollup_code, o.master_code, o.source_scheme || ':' || o.source_code) AS item,
                   sum(o.count) AS n
            FROM {observations} o SEMI JOIN candidates c ON c.id = o.event_id
            WHERE o.counts_toward_total AND o.count > 0
            GROUP BY ALL
        ),
        mass AS (SELECT event_id, sum(n) AS total, count(*) AS n_items FROM profile GROUP BY ALL),
        shared AS (
            SELECT p.a_id, p.b_id, sum(least(pa.n, pb.n)) AS common
            FROM pairs p JOIN profile pa ON pa.event_id = p.a_id JOIN profile pb ON pb.event_id = p.b_id
             AND pb.item = pa.item
            GROUP BY ALL
        ),
        scored AS (
            SELECT p.*, 2 * coalesce(s.common, 0) / nullif(ma.total + mb.total, 0) AS similarity,
                   ma.n_items AS a_items, mb.n_items AS b_items
            FROM pairs p JOIN mass ma ON ma.event_id = p.a_id JOIN mass mb ON mb.event_id = p.b_id
            LEFT JOIN shared s ON s.a_id = p.a_id AND s.b_id = p.b_id
        ),
        ranked AS (
            SELECT s.*, ea.dataset_id AS a_dataset, eb.dataset_id AS b_dataset,
                   [{TIER_RANK.replace('quality_tier', 'ea.quality_tier')},
                    CASE WHEN ea.event_type LIKE 'monitoring%' THEN 0 ELSE 1 END, -s.a_items] AS a_rank,
                   [{TIER_RANK.replace('quality_tier', 'eb.quality_tier')},
                    CASE WHEN eb.event_type LIKE 'monitoring%' THEN 0 ELSE 1 END, -s.b_items] AS b_rank
            FROM scored s JOIN e ea ON ea.event_id = s.a_id JOIN e eb ON eb.event_id = s.b_id
            WHERE s.similarity >= {float(min_similarity)}
        )
        SELECT CASE WHEN a_rank <= b_rank THEN a_id ELSE b_id END AS keep_event_id,
               CASE WHEN a_rank <= b_rank THEN a_dataset ELSE b_dataset END AS keep_dataset_id,
               CASE WHEN a_rank <= b_rank THEN b_id ELSE a_id END AS drop_event_id,
               CASE WHEN a_rank <= b_rank THEN b_dataset ELSE a_dataset END AS drop_dataset_id,
               distance_m, days::INTEGER AS days, similarity
        FROM ranked ORDER BY keep_event_id, drop_event_id
    """  # noqa: S608 - relation names come from the caller's code, numbers are formatted as numbers
    return con.sql(sql).to_arrow_table()


def event_flags(pairs: pa.Table) -> pa.Table:
    """One row per flagged event: its flag, whether indicators use it, and the event it duplicates.

    An event dropped in any pair is not used (so chains of three copies keep exactly the best one).
    """
    con = duckdb.connect()
    con.register("p", pairs)
    return con.sql(f"""
        WITH both_sides AS (
            SELECT keep_event_id AS event_id, keep_dataset_id AS dataset_id, drop_event_id AS duplicate_of,
                   similarity, distance_m, false AS dropped FROM p
            UNION ALL
            SELECT drop_event_id, drop_dataset_id, keep_event_id, similarity, distance_m, true FROM p
        )
        SELECT event_id, any_value(dataset_id) AS dataset_id, '{FLAG}' AS flag,
               NOT bool_or(dropped) AS use_for_indicators,
               string_agg(DISTINCT duplicate_of, ' ' ORDER BY duplicate_of) AS duplicate_of,
               max(similarity) AS similarity, min(distance_m) AS distance_m
        FROM both_sides GROUP BY event_id ORDER BY event_id
    """).to_arrow_table()  # noqa: S608
