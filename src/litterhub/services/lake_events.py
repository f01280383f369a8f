"""Sampling events served from the Parquet lake with DuckDB: pages, counts and series with filters pushed down.

Contract:
- Only current versions of datasets are read (the public ones, services/summaries.py `current`); the files
  opened are narrowed first with the catalog's summaries (a site's or a country's versions), so a filter on
  one site reads the versions that surveyed it, not the whole lake.
- Pages are ordered by (event_date, event_id), dates without a value first, and continued with a keyset
  cursor (`after`): every event is visited exactly once however the lake grows between pages.
- Filters are parameterised DuckDB SQL (`Filter`); OGC CQL2 filters arrive as SQLAlchemy clauses over
  `EVENT_COLUMNS` and are rendered with literal values by `clause_sql` (values quoted by SQLAlchemy).
- Duplicate flags of the stored scan (services/duplicates.py) are added to `qc_flags`, as the old event index did.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, column, select, table
from sqlalchemy.dialects import sqlite

from litterhub.services.hub import Hub
from litterhub.store import summary_tables as st
from litterhub.store import tables as t

# The columns of an event record on every face (the old event index's columns, same order).
INDEX_COLUMNS = ("event_id", "dataset_id", "version", "site_id", "event_date", "event_type", "protocol",
                 "compartment", "country", "length_m", "area_m2", "total_count", "items_per_100m",
                 "items_per_m2", "qc_flags")
# A lightweight table for clauses (CQL2) that DuckDB evaluates: the lake's columns plus the dataset's programme.
EVENT_COLUMNS = table("ev", *[column(c) for c in (*INDEX_COLUMNS, "programme", "lat", "lon")])
NO_DATE = date(1, 1, 1)  # orders dateless events first in the keyset


class BadCursor(ValueError):
    """A cursor that no page of this listing produced."""


@dataclass
class Filter:
    """Event filters: each is pushed to the Parquet scan (and used to narrow the files read)."""

    dataset: str | None = None
    site: str | None = None
    country: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    where_sql: list[str] = field(default_factory=list)  # rendered clauses (clause_sql), already safe

    def sql(self) -> tuple[str, list[Any]]:
        parts, params = ["TRUE"], []
        for name, op, value in (("dataset_id", "=", self.dataset), ("site_id", "=", self.site),
                                ("country", "=", self.country), ("event_date", ">=", self.date_from),
                                ("event_date", "<=", self.date_to)):
            if value is not None:
                parts.append(f"{name} {op} ?")
                params.append(value)
        parts.extend(f"({w})" for w in self.where_sql)
        return " AND ".join(parts), params


def clause_sql(clause) -> str:
    """A SQLAlchemy clause over EVENT_COLUMNS as DuckDB SQL with its literal values inlined (quoted)."""
    return str(clause.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def encode_cursor(event_date: str | date | None, event_id: str) -> str:
    d = event_date.isoformat() if isinstance(event_date, date) else event_date
    return base64.urlsafe_b64encode(json.dumps([d, event_id]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[date | None, str]:
    try:
        d, event_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return (date.fromisoformat(d) if d else None), str(event_id)
    except (ValueError, TypeError, json.JSONDecodeError):
        raise BadCursor("cursor is not valid: use the next_cursor value of a previous page") from None


def versions(hub: Hub, f: Filter) -> list[tuple[str, int]]:
    """Current versions that can hold events matching `f` (narrowed by the summaries)."""
    d, ss, fc = t.datasets, st.site_summaries, st.dataset_facets
    query = select(d.c.id, d.c.current_version).where(d.c.current_version > 0)
    if f.dataset:
        query = query.where(d.c.id == f.dataset)
    if f.site:
        query = query.where(d.c.id.in_(select(ss.c.dataset_id).where(ss.c.site_id == f.site,
                                                                    ss.c.version == d.c.current_version)))
    if f.country:
        query = query.where(d.c.id.in_(select(fc.c.dataset_id).where(
            fc.c.facet == "country", fc.c.value == f.country, fc.c.version == d.c.current_version)))
    with hub.engine.connect() as conn:
        return [(r.id, int(r.current_version)) for r in conn.execute(query.order_by(d.c.id))]


def _programmes(hub: Hub, pairs: list[tuple[str, int]]) -> dict[str, str]:
    d = t.datasets
    with hub.engine.connect() as conn:
        return dict(conn.execute(select(d.c.id, d.c.source_programme).where(d.c.id.in_([p[0] for p in pairs]))).all())


def _connect(hub: Hub, pairs: list[tuple[str, int]], programmes: bool = False):
    """A DuckDB connection with view `ev` (events of the given versions, plus `programme` when asked)."""
    con = hub.lake.connect()
    source = hub.lake.scan_sql("events", pairs, con)  # SQL text: no relation to build and bind per request
    if programmes:
        rows = ", ".join(f"({_literal(d)}, {_literal(p)})" for d, p in _programmes(hub, pairs).items())
        prog = f"(VALUES {rows}) AS p(dataset_id, programme)" if rows else \
            "(SELECT NULL::VARCHAR AS dataset_id, NULL::VARCHAR AS programme WHERE false) AS p"
        con.execute(f"CREATE TEMP VIEW ev AS SELECT e.*, p.programme FROM {source} e "  # noqa: S608 - quoted
                    f"LEFT JOIN {prog} USING (dataset_id)")
    else:
        con.execute(f"CREATE TEMP VIEW ev AS SELECT * FROM {source}")  # noqa: S608 - the lake's own text
    return con


def _literal(value: str | None) -> str:
    """A DuckDB string literal (quotes doubled; DuckDB strings have no backslash escapes), or NULL."""
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def _flag_overlay(hub: Hub, con) -> tuple[str, str]:
    """(join, flags expression) adding the stored duplicate scan's flags to qc_flags (registered on `con`)."""
    from litterhub.services.duplicates import EXCLUDED_FLAG, FLAG, stored_flags

    stored = stored_flags(hub, columns=["event_id", "use_for_indicators"])
    if stored is None:
        return "", "qc_flags"
    con.register("dup_flags", stored)
    join = (" LEFT JOIN (SELECT event_id AS dup_id, use_for_indicators AS dup_use "
            "FROM dup_flags) dup ON dup.dup_id = ev.event_id")
    flags = (f"CASE WHEN dup.dup_id IS NULL THEN qc_flags ELSE list_concat(coalesce(list_filter(qc_flags, "
             f"lambda x: x NOT IN ('{FLAG}', '{EXCLUDED_FLAG}')), []), ['{FLAG}'], "
             f"CASE WHEN dup.dup_use THEN []::VARCHAR[] ELSE ['{EXCLUDED_FLAG}'] END) END")
    return join, flags


def _rows(cursor, columns: list[str]) -> list[dict[str, Any]]:
    out = []
    for values in cursor.fetchall():
        row = dict(zip(columns, values, strict=True))
        if isinstance(row.get("event_date"), date):
            row["event_date"] = row["event_date"].isoformat()
        if "qc_flags" in row and row["qc_flags"] is None:
            row["qc_flags"] = []
        out.append(row)
    return out


def page(hub: Hub, f: Filter, limit: int, after: tuple[date | None, str] | None = None, offset: int = 0,
         extra: tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` events after the keyset `after` (or skipping `offset`), and the next cursor (None at the end).

    `extra` adds lake columns (e.g. lat, lon, programme for OGC features)."""
    rows, nxt, _ = _page(hub, f, limit, after, offset, extra, with_count=False)
    return rows, nxt


def page_and_count(hub: Hub, f: Filter, limit: int, after: tuple[date | None, str] | None = None, offset: int = 0,
                   extra: tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], str | None, int]:
    """`page` and how many events match `f` (OGC numberMatched): on a first or offset page counted by the same
    statement (`count(*) OVER ()`, one scan instead of two); after a keyset cursor by `count`."""
    rows, nxt, matched = _page(hub, f, limit, after, offset, extra, with_count=after is None)
    return rows, nxt, count(hub, f) if matched is None else matched


def _page(hub: Hub, f: Filter, limit: int, after: tuple[date | None, str] | None, offset: int,
          extra: tuple[str, ...], with_count: bool) -> tuple[list[dict[str, Any]], str | None, int | None]:
    pairs = versions(hub, f)
    if not pairs:
        return [], None, 0
    con = _connect(hub, pairs, programmes="programme" in extra or any("programme" in w for w in f.where_sql))
    try:
        where, params = f.sql()
        if after is not None:
            key = "coalesce(ev.event_date, DATE '0001-01-01')"
            where += f" AND ({key} > ? OR ({key} = ? AND ev.event_id > ?))"
            params += [after[0] or NO_DATE, after[0] or NO_DATE, after[1]]
        join, flags = _flag_overlay(hub, con)
        columns = [*INDEX_COLUMNS, *extra]
        select_list = ", ".join(f"{flags} AS qc_flags" if c == "qc_flags" else f"ev.{c}" for c in columns)
        if with_count:
            select_list += ", count(*) OVER () AS _matched"
        sql = (f"SELECT {select_list} FROM ev{join} WHERE {where} "  # noqa: S608 - fixed names, rendered filters
               f"ORDER BY coalesce(ev.event_date, DATE '0001-01-01'), ev.event_id LIMIT {int(limit) + 1} "
               f"OFFSET {int(offset)}")
        rows = _rows(con.execute(sql, params), [*columns, "_matched"] if with_count else columns)
    finally:
        con.close()
    matched = None
    if with_count:
        matched = rows[0]["_matched"] if rows else (0 if offset == 0 else None)  # past the end: count apart
        for row in rows:
            del row["_matched"]
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode_cursor(rows[-1]["event_date"], rows[-1]["event_id"])
    return rows, nxt, None if matched is None else int(matched)


def count(hub: Hub, f: Filter) -> int:
    """How many events match (from the summaries when nothing but the dataset is filtered)."""
    if not (f.site or f.country or f.date_from or f.date_to or f.where_sql):
        return summary_count(hub, f.dataset)
    pairs = versions(hub, f)
    if not pairs:
        return 0
    con = _connect(hub, pairs, programmes=any("programme" in w for w in f.where_sql))
    try:
        where, params = f.sql()
        return int(con.execute(f"SELECT count(*) FROM ev WHERE {where}", params).fetchone()[0])  # noqa: S608
    finally:
        con.close()


def summary_count(hub: Hub, dataset: str | None = None) -> int:
    """Events of current versions (of one dataset), from the version summaries."""
    from sqlalchemy import func

    sv, d = st.summary_versions, t.datasets
    query = select(func.coalesce(func.sum(sv.c.n_events), 0)).join(d, and_(sv.c.dataset_id == d.c.id,
                                                                              sv.c.version == d.c.current_version))
    if dataset:
        query = query.where(d.c.id == dataset)
    with hub.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def get(hub: Hub, event_id: str, dataset: str | None = None, extra: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """One event by id (the dataset id is its prefix, so only that dataset's file is read)."""
    ds = dataset or event_id.partition(":")[0]
    rows, _ = page(hub, Filter(dataset=ds, where_sql=[clause_sql(EVENT_COLUMNS.c.event_id == event_id)]), 1,
                   extra=extra)
    return rows[0] if rows else None


def series(hub: Hub, dataset_id: str, period: str | None, limit: int, cursor: str | None
           ) -> tuple[list[dict[str, Any]], str | None]:
    """Items/100 m of a dataset's current version: per event, or per (period, event type) aggregated in DuckDB
    (`period` a strftime pattern); keyset-paged either way."""
    pairs = versions(hub, Filter(dataset=dataset_id))
    if not pairs:
        return [], None
    after = (decode_cursor(cursor) if period is None else _decode_period_cursor(cursor)) if cursor else None
    con = _connect(hub, pairs)
    try:
        if period is None:
            where, params = "items_per_100m IS NOT NULL AND event_date IS NOT NULL", []
            if after is not None:
                where += " AND (event_date > ? OR (event_date = ? AND event_id > ?))"
                params = [after[0] or NO_DATE, after[0] or NO_DATE, after[1]]
            sql = ("SELECT strftime(event_date, '%Y-%m-%d'), items_per_100m, event_type, site_id, event_id "  # noqa: S608
                   f"FROM ev WHERE {where} ORDER BY event_date, event_id LIMIT {int(limit) + 1}")
            rows = con.execute(sql, params).fetchall()
            items = [{"date": d, "items_per_100m": v, "event_type": k, "site_id": s, "_key": (d, e)}
                     for d, v, k, s, e in rows]
        else:
            where, params = "TRUE", []
            if after is not None:  # the cursor of an aggregated page holds (period, event type)
                where = "(period > ? OR (period = ? AND coalesce(event_type, '') > ?))"
                params = [after[0], after[0], after[1]]
            rows = con.execute(f"""
                SELECT * FROM (
                  SELECT strftime(event_date, '{period}') AS period, event_type, count(*) AS n,
                         avg(items_per_100m), median(items_per_100m), min(items_per_100m), max(items_per_100m),
                         strftime(min(event_date), '%Y-%m-%d')
                  FROM ev WHERE items_per_100m IS NOT NULL AND event_date IS NOT NULL GROUP BY ALL)
                WHERE {where} ORDER BY period, coalesce(event_type, '') LIMIT {int(limit) + 1}""",  # noqa: S608
                params).fetchall()
            items = [{"period": p, "date": first, "event_type": k, "n_events": int(n), "items_per_100m": mean,
                      "median_items_per_100m": med, "min_items_per_100m": lo, "max_items_per_100m": hi,
                      "_key": (p, k or "")} for p, k, n, mean, med, lo, hi, first in rows]
    finally:
        con.close()
    nxt = None
    if len(items) > limit:
        items = items[:limit]
        nxt = _series_cursor(period, items[-1]["_key"])
    for item in items:
        del item["_key"]
    return items, nxt


def _series_cursor(period: str | None, key: tuple[str, str]) -> str:
    if period is None:
        return encode_cursor(key[0], key[1])
    return base64.urlsafe_b64encode(json.dumps(["period", key[0], key[1]]).encode()).decode()


def _decode_period_cursor(cursor: str) -> tuple[str, str]:
    try:
        kind, period, event_type = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if kind == "period" and isinstance(period, str) and isinstance(event_type, str):
            return period, event_type
    except (ValueError, TypeError, json.JSONDecodeError):
        pass
    raise BadCursor("cursor is not valid: use the next_cursor value of a previous page of the same aggregate")


def site_ids(hub: Hub, f: Filter) -> set[str]:
    """The sites of the events matching `f`."""
    pairs = versions(hub, f)
    if not pairs:
        return set()
    con = _connect(hub, pairs)
    try:
        where, params = f.sql()
        sql = f"SELECT DISTINCT site_id FROM ev WHERE site_id IS NOT NULL AND {where}"  # noqa: S608
        return {r[0] for r in con.execute(sql, params).fetchall()}
    finally:
        con.close()


def rows(hub: Hub, f: Filter, columns: tuple[str, ...]) -> list[tuple]:
    """Chosen columns of every event matching `f` (for aggregations done by the caller; no order)."""
    pairs = versions(hub, f)
    if not pairs:
        return []
    con = _connect(hub, pairs)
    try:
        where, params = f.sql()
        names = ", ".join(c for c in columns if c in INDEX_COLUMNS)
        return con.execute(f"SELECT {names} FROM ev WHERE {where}", params).fetchall()  # noqa: S608 - our names
    finally:
        con.close()
