"""The same survey arriving through two datasets, found on the lake tables: flagged with its evidence, never lost.

Contract. Two events of different datasets are a *candidate pair* only when all of these hold:

- **same site**: the same hub site id, or coordinates within `SAME_SITE_DISTANCE_M` of each other;
- **same date** (calendar day as recorded);
- **same transect or sub-site** where either side records one: an event whose `source_event_id` is its
  `survey_group` + "/" + a part records that part (MDMAP transects, EMODnet seafloor hauls, Plastic Pirates
  riverbank stations A-C). Both sides must then record the same part; a transect is never paired with another
  transect, nor with a whole-survey record;
- an **item-vector similarity**: the Bray-Curtis similarity of the harmonised item counts,
  2 * sum(min(a, b)) / (sum(a) + sum(b)), at least `min_similarity` (or both vectors empty: nothing to compare).

Every pair carries its evidence (site ids, distance, date, transect parts, similarity, item totals and numbers of
items) and a confidence (`exact`, `high`, `medium`, `low`). Only an `exact` pair -- same site, date and transect,
and an identical item vector -- is a copy that indicators leave out. A survey that found nothing has no items to
compare: two empty vectors are identical only when both events come from the same raw bytes (SHA-256) and the same
source record id (a file ingested twice); otherwise the pair is flagged `low` (MDMAP's back-barrier file repeats
the survey and transect ids of the beach zone, with other counts). Within a group of exact copies exactly one is
kept (the better quality tier, then monitoring over cleanup, then the more detailed item list, then a stable
order), so a survey never loses every copy. Everything else is flagged and counted as it is.

The pair search runs in DuckDB on relations named by the caller; only the (few) exact pairs are grouped in Python.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.store import duck

FLAG = "litter-duplicate-source"
EARTH_RADIUS_M = 6_371_008.8
# Two programmes place one beach differently: Marine LitterWatch records the start and end of the 100 m section,
# EMODnet and OSPAR a beach reference point, citizen apps the phone's position. 500 m covers a section end against
# a reference point on a 1 km beach plus GPS error, and stays well below the spacing of monitored beaches.
SAME_SITE_DISTANCE_M = 500.0
# Bray-Curtis similarity below which two surveys of one beach on one day are taken as different surveys: with
# less than half of the items in common they are, e.g., two groups cleaning different stretches.
MIN_SIMILARITY = 0.5
# Confidence bands of a non-identical pair. At 0.9 and above the lists differ only as a transcription or a
# different item list mapped onto the master list would; from 0.7 a third of the items may differ.
HIGH_SIMILARITY = 0.9
MEDIUM_SIMILARITY = 0.7
COUNT_TOLERANCE = 1e-9  # counts are equal when they differ by less (float round-off of per-100 m sources)
TIER_RANK = ("CASE quality_tier WHEN 'accredited-monitoring' THEN 0 WHEN 'trained-volunteers' THEN 1 "
             "WHEN 'citizen-science' THEN 2 ELSE 3 END")
CONFIDENCES = ("exact", "high", "medium", "low")


def _haversine(a: str, b: str) -> str:
    return (f"2 * {EARTH_RADIUS_M} * asin(sqrt(pow(sin(radians({b}.lat - {a}.lat) / 2), 2) + "
            f"cos(radians({a}.lat)) * cos(radians({b}.lat)) * pow(sin(radians({b}.lon - {a}.lon) / 2), 2)))")


def find_duplicate_sources(con: duckdb.DuckDBPyConnection, events: str = "events",
                           observations: str = "observations", max_distance_m: float = SAME_SITE_DISTANCE_M,
                           min_similarity: float = MIN_SIMILARITY) -> pa.Table:
    """Candidate pairs with their evidence, one row per pair, the preferred copy first.

    `events` and `observations` name relations with the lake schemas (any number of datasets). Columns:
    first_/second_ event_id, dataset_id, site_id, transect and total/items; distance_m (null when a side has no
    coordinates but the site ids match), event_date, similarity (null when both vectors are empty),
    identical_items, confidence and action (`exclude-second` for exact copies, else `flag`).
    """
    deg = max_distance_m / 111_000.0
    sql = f"""
        WITH e AS (
            SELECT event_id, dataset_id, site_id, event_date, lat, lon, quality_tier, event_type, raw_sha256,
                   source_event_id,
                   CASE WHEN survey_group IS NOT NULL AND starts_with(source_event_id, survey_group || '/')
                         AND length(source_event_id) > length(survey_group) + 1
                        THEN substr(source_event_id, length(survey_group) + 2) END AS part
            FROM {events}
            WHERE event_date IS NOT NULL AND (site_id IS NOT NULL OR (lat IS NOT NULL AND lon IS NOT NULL))
        ),
        pairs AS (
            SELECT a.event_id AS a_id, b.event_id AS b_id, a.event_date,
                   a.raw_sha256 = b.raw_sha256 AND a.source_event_id = b.source_event_id AS same_record,
                   CASE WHEN a.lat IS NOT NULL AND b.lat IS NOT NULL THEN {_haversine('a', 'b')} END AS distance_m
            FROM e a JOIN e b
              ON a.event_date = b.event_date AND a.dataset_id < b.dataset_id
             AND a.part IS NOT DISTINCT FROM b.part
             AND (a.site_id = b.site_id OR b.lat BETWEEN a.lat - {deg} AND a.lat + {deg})
            WHERE a.site_id = b.site_id OR {_haversine('a', 'b')} <= {float(max_distance_m)}
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
            SELECT p.a_id, p.b_id, sum(least(pa.n, pb.n)) AS common,
                   count(*) FILTER (WHERE abs(pa.n - pb.n) < {COUNT_TOLERANCE}) AS equal_items
            FROM pairs p JOIN profile pa ON pa.event_id = p.a_id JOIN profile pb ON pb.event_id = p.b_id
             AND pb.item = pa.item
            GROUP BY ALL
        ),
        scored AS (
            SELECT p.*, coalesce(ma.total, 0) AS a_total, coalesce(mb.total, 0) AS b_total,
                   coalesce(ma.n_items, 0)::INTEGER AS a_items, coalesce(mb.n_items, 0)::INTEGER AS b_items,
                   2 * coalesce(s.common, 0) / nullif(coalesce(ma.total, 0) + coalesce(mb.total, 0), 0) AS similarity,
                   CASE WHEN ma.n_items IS NULL AND mb.n_items IS NULL THEN coalesce(p.same_record, false)
                        ELSE coalesce(ma.n_items = mb.n_items AND s.equal_items = ma.n_items, false)
                   END AS identical_items
            FROM pairs p LEFT JOIN mass ma ON ma.event_id = p.a_id LEFT JOIN mass mb ON mb.event_id = p.b_id
            LEFT JOIN shared s ON s.a_id = p.a_id AND s.b_id = p.b_id
        ),
        kept AS (
            SELECT s.*, ea.dataset_id AS a_dataset, eb.dataset_id AS b_dataset, ea.site_id AS a_site,
                   eb.site_id AS b_site, ea.part AS a_part, eb.part AS b_part,
                   [{TIER_RANK.replace('quality_tier', 'ea.quality_tier')},
                    CASE WHEN ea.event_type LIKE 'monitoring%' THEN 0 ELSE 1 END, -s.a_items] AS a_rank,
                   [{TIER_RANK.replace('quality_tier', 'eb.quality_tier')},
                    CASE WHEN eb.event_type LIKE 'monitoring%' THEN 0 ELSE 1 END, -s.b_items] AS b_rank
            FROM scored s JOIN e ea ON ea.event_id = s.a_id JOIN e eb ON eb.event_id = s.b_id
            WHERE s.similarity >= {float(min_similarity)} OR (s.a_total = 0 AND s.b_total = 0)
        ),
        oriented AS (
            SELECT *, (a_rank, a_dataset, a_id) <= (b_rank, b_dataset, b_id) AS a_first FROM kept
        )
        SELECT CASE WHEN a_first THEN a_id ELSE b_id END AS first_event_id,
               CASE WHEN a_first THEN a_dataset ELSE b_dataset END AS first_dataset_id,
               CASE WHEN a_first THEN b_id ELSE a_id END AS second_event_id,
               CASE WHEN a_first THEN b_dataset ELSE a_dataset END AS second_dataset_id,
               CASE WHEN a_first THEN a_site ELSE b_site END AS first_site_id,
               CASE WHEN a_first THEN b_site ELSE a_site END AS second_site_id,
               distance_m, event_date,
               CASE WHEN a_first THEN a_part ELSE b_part END AS first_transect,
               CASE WHEN a_first THEN b_part ELSE a_part END AS second_transect,
               similarity,
               CASE WHEN a_first THEN a_total ELSE b_total END AS first_total,
               CASE WHEN a_first THEN b_total ELSE a_total END AS second_total,
               CASE WHEN a_first THEN a_items ELSE b_items END AS first_items,
               CASE WHEN a_first THEN b_items ELSE a_items END AS second_items,
               identical_items,
               CASE WHEN identical_items THEN 'exact'
                    WHEN similarity >= {HIGH_SIMILARITY} THEN 'high'
                    WHEN similarity >= {MEDIUM_SIMILARITY} THEN 'medium' ELSE 'low' END AS confidence,
               CASE WHEN identical_items THEN 'exclude-second' ELSE 'flag' END AS action
        FROM oriented ORDER BY list_position(['exact', 'high', 'medium', 'low'], confidence), first_event_id,
                 second_event_id
    """  # noqa: S608 - relation names come from the caller's code, numbers are formatted as numbers
    return con.sql(sql).to_arrow_table()


def exact_groups(pairs: pa.Table) -> dict[str, str]:
    """excluded event -> the one copy kept for it, over groups of exact copies (connected by exact pairs).

    Each exact pair lists its preferred copy first, so the kept copy of a group is the one that is never second.
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    rows = pairs.filter(pc.equal(pairs.column("action"), "exclude-second")) \
        .select(["first_event_id", "second_event_id"]).to_pylist()
    seconds = {r["second_event_id"] for r in rows}
    for r in rows:
        parent[root(r["second_event_id"])] = root(r["first_event_id"])
    members: dict[str, list[str]] = {}
    for x in list(parent):
        members.setdefault(root(x), []).append(x)
    out: dict[str, str] = {}
    for group in members.values():
        keepers = sorted(x for x in group if x not in seconds)
        keeper = keepers[0] if keepers else sorted(group)[0]  # a ring of equal ranks cannot happen; stay safe
        out.update({x: keeper for x in group if x != keeper})
    return out


def describe(pair: dict[str, Any]) -> str:
    """The evidence of one pair in a sentence (CLI, web, and the reason of an exclusion)."""
    where = (f"{pair['distance_m']:.0f} m apart" if pair.get("distance_m") is not None else "the same site id")
    transect = (f", transect {pair['first_transect']}" if pair.get("first_transect") else "")
    sim = pair.get("similarity")
    items = ("nothing counted on either side, same raw file and source record" if pair.get("identical_items")
             and not pair["first_items"] else
             f"identical item vector ({pair['first_items']} items, {pair['first_total']:g} counted)"
             if pair.get("identical_items") else
             f"similarity {sim:.2f} ({pair['first_total']:g} vs {pair['second_total']:g} items counted)"
             if sim is not None else "no items counted on either side")
    return f"same day {pair['event_date']}, {where}{transect}, {items}"


def event_flags(pairs: pa.Table) -> pa.Table:
    """One row per flagged event: flag, whether indicators use it, what it duplicates, and why.

    Only events in `exact_groups` (excluded copies) have use_for_indicators false; `kept_copy` names the copy
    counted instead and `reason` says why, for the indicator's provenance.
    """
    excluded = exact_groups(pairs)
    con = duck.connect()
    con.register("p", pairs)
    flags = con.sql("""
        WITH both_sides AS (
            SELECT first_event_id AS event_id, first_dataset_id AS dataset_id, second_event_id AS other,
                   similarity, distance_m, list_position(['exact', 'high', 'medium', 'low'], confidence) AS c FROM p
            UNION ALL
            SELECT second_event_id, second_dataset_id, first_event_id, similarity, distance_m,
                   list_position(['exact', 'high', 'medium', 'low'], confidence) FROM p
        )
        SELECT event_id, any_value(dataset_id) AS dataset_id,
               string_agg(DISTINCT other, ' ' ORDER BY other) AS duplicate_of,
               max(similarity) AS similarity, min(distance_m) AS distance_m,
               ['exact', 'high', 'medium', 'low'][min(c)] AS confidence
        FROM both_sides GROUP BY event_id ORDER BY event_id
    """).to_arrow_table().to_pylist()
    reasons = _reasons(pairs, excluded)
    dataset_of = {f["event_id"]: f["dataset_id"] for f in flags}
    for f in flags:
        f["flag"] = FLAG
        f["use_for_indicators"] = f["event_id"] not in excluded
        f["kept_copy"] = excluded.get(f["event_id"])
        f["kept_dataset_id"] = dataset_of.get(f["kept_copy"]) if f["kept_copy"] else None
        f["reason"] = reasons.get(f["event_id"])
    schema = pa.schema([("event_id", pa.string()), ("dataset_id", pa.string()), ("flag", pa.string()),
                        ("use_for_indicators", pa.bool_()), ("duplicate_of", pa.string()),
                        ("kept_copy", pa.string()), ("kept_dataset_id", pa.string()), ("confidence", pa.string()),
                        ("similarity", pa.float64()), ("distance_m", pa.float64()), ("reason", pa.string())])
    return pa.Table.from_pylist(flags, schema=schema)


def _reasons(pairs: pa.Table, excluded: dict[str, str]) -> dict[str, str]:
    """For each excluded event: the exact-copy evidence against the copy kept (or the pair linking it to it)."""
    out: dict[str, str] = {}
    for pair in pairs.filter(pc.equal(pairs.column("action"), "exclude-second")).to_pylist():
        event = pair["second_event_id"]
        if event not in excluded:
            continue
        if event in out and pair["first_event_id"] != excluded[event]:
            continue
        out[event] = (f"exact copy of {excluded[event]}: " if pair["first_event_id"] == excluded[event] else
                      f"exact copy of {pair['first_event_id']}, itself a copy of {excluded[event]}: ") + describe(pair)
    return out
