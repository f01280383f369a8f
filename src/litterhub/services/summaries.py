"""Per-version summaries (store/summary_tables.py): computed once from the lake, read by every face.

Contract:
- `write(conn, hub, dataset_id, version)` computes a version's summaries with DuckDB from its `events.parquet`
  and the catalog's `sites` rows, and writes them on `conn`: the publisher calls it inside the catalog
  transaction that makes the version visible, so a version is never visible without its summaries
  (crash-safe publishing, store/lake.py). Writing twice replaces, never adds (idempotent).
- `backfill(hub)` does the same for published versions that have no summary yet (hubs from before summaries).
- Readers join summary rows to `datasets.current_version` (`current(...)`): only current versions are
  public, so a retraction, which moves the current version back, hides a version's summaries at once.

Why: reading sites, facets and counts from a row-level event index made every small answer scan every event
(issue 20); a site summary has one row per (version, site, compartment, country) however many events it holds.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import and_, delete, exists, func, insert, or_, select
from sqlalchemy.engine import Connection

from litterhub.services.hub import Hub
from litterhub.store import summary_tables as st
from litterhub.store import tables as t

# Grid of the indexable `cell` column: 1-degree cells numbered row by row from (-90, -180). One degree keeps a
# country-sized box to a few hundred index ranges at most, and a row of cells is one contiguous integer range.
GRID_DEGREES = 1.0
GRID_COLUMNS = int(360 / GRID_DEGREES)
GRID_ROWS = int(180 / GRID_DEGREES)
# Above this many cell rows a box is large enough that the plain latitude range is the better index.
MAX_CELL_ROWS = 30
FACETS = ("compartment", "country", "region", "programme")
_CHUNK = 500  # ids per IN (...) list: under SQLite's bound-parameter limit on every build


def cell_of(lat: float | None, lon: float | None) -> int | None:
    """The grid cell of a point (None without coordinates)."""
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return None
    row = min(max(int(math.floor((lat + 90) / GRID_DEGREES)), 0), GRID_ROWS - 1)
    col = min(max(int(math.floor((lon + 180) / GRID_DEGREES)), 0), GRID_COLUMNS - 1)
    return row * GRID_COLUMNS + col


def cell_ranges(bbox: tuple[float, float, float, float]) -> list[tuple[int, int]] | None:
    """Integer ranges of the cells a box (minLon, minLat, maxLon, maxLat; may cross the antimeridian) covers,
    or None when it spans more than MAX_CELL_ROWS rows of cells (then the latitude index is used instead)."""
    x0, y0, x1, y1 = bbox
    first, last = cell_of(y0, x0), cell_of(y1, x1)
    row0, row1 = first // GRID_COLUMNS, last // GRID_COLUMNS  # type: ignore[operator]
    if row1 - row0 + 1 > MAX_CELL_ROWS:
        return None
    c0, c1 = first % GRID_COLUMNS, last % GRID_COLUMNS  # type: ignore[operator]
    spans = [(c0, c1)] if x0 <= x1 else [(c0, GRID_COLUMNS - 1), (0, c1)]
    return [(r * GRID_COLUMNS + a, r * GRID_COLUMNS + b) for r in range(row0, row1 + 1) for a, b in spans]


def bbox_clause(bbox: tuple[float, float, float, float], table=st.site_summaries):
    """SQL condition for points of `table` (lat, lon, cell columns) inside a box, using the cell index."""
    x0, y0, x1, y1 = bbox
    exact = and_(table.c.lat.between(y0, y1),
                 table.c.lon.between(x0, x1) if x0 <= x1 else or_(table.c.lon >= x0, table.c.lon <= x1))
    ranges = cell_ranges(bbox)
    if ranges is None:
        return exact
    return and_(or_(*[table.c.cell.between(a, b) for a, b in ranges]), exact)


def current(table):
    """Join condition: the summary row belongs to its dataset's current (public) version."""
    d = t.datasets
    return and_(table.c.dataset_id == d.c.id, table.c.version == d.c.current_version)


def public_site():
    """SQL condition on `sites`: a current, published dataset version has an event at the site."""
    ss, d = st.site_summaries, t.datasets
    return exists(select(ss.c.id).join(d, current(ss)).where(ss.c.site_id == t.sites.c.id))


# --- computing ----------------------------------------------------------------------------------------------

def cells_of(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """`cell_of` for whole columns (float arrays, NaN = no coordinate): the cells as float, NaN without a point."""
    with np.errstate(invalid="ignore"):
        row = np.clip(np.floor((lat + 90) / GRID_DEGREES), 0, GRID_ROWS - 1)
        col = np.clip(np.floor((lon + 180) / GRID_DEGREES), 0, GRID_COLUMNS - 1)
    return row * GRID_COLUMNS + col


SITE_ATTRIBUTES = pa.schema([("id", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
                             ("region", pa.string()), ("source_programme", pa.string())])


def _site_attributes(conn: Connection, ids: list[str], known: pa.Table | None = None) -> pa.Table:
    """The catalog's point, region and programme of the given sites (`SITE_ATTRIBUTES`).

    `known` holds catalog rows the caller already has (the publisher, for sites it has just inserted); the other
    ids are read with plain DB-API queries of `_CHUNK` ids each on the transaction's own connection (a TIDES
    version names tens of thousands of sites, and SQLAlchemy's expanding IN and result rows cost more than the
    queries)."""
    if known is not None:
        known = known.select(SITE_ATTRIBUTES.names).cast(SITE_ATTRIBUTES)
        have = pc.is_in(pa.array(ids, pa.string()), value_set=known.column("id"))
        ids = [i for i, h in zip(ids, have.to_pylist(), strict=True) if not h]
        if not ids:
            return known
        return pa.concat_tables([known, _site_attributes(conn, ids)])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cursor = conn.connection.cursor()
    rows: list[tuple] = []
    try:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            cursor.execute(f"SELECT id, lat, lon, region, source_programme FROM sites "  # noqa: S608 - placeholders
                           f"WHERE id IN ({', '.join([mark] * len(chunk))})", tuple(chunk))
            rows.extend(cursor.fetchall())
    finally:
        cursor.close()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(SITE_ATTRIBUTES)
    return pa.table([pa.array(c, f.type) for c, f in zip(columns, SITE_ATTRIBUTES, strict=True)],
                    schema=SITE_ATTRIBUTES)


def _compute(conn: Connection, hub: Hub, dataset_id: str, version: int, known: pa.Table | None
             ) -> tuple[pa.Table, list[tuple], tuple]:
    """(site rows, facets, version totals) of one version, in DuckDB over the lake and the catalog's sites.

    Site rows: one per site x event compartment x event country, ordered so, with the catalog's point of the
    site (NULL when the catalog does not know it). Facets: (facet, value, events), sorted; compartments and
    countries from the events, regions and programmes from the catalog's sites (non-empty values only)."""
    con = hub.lake.connect()
    try:
        con.register("ev", hub.lake.scan("events", [(dataset_id, version)], con))
        con.execute("""
            CREATE TEMP TABLE g AS
            SELECT site_id, compartment, country, count(*) AS n_events, min(event_date) AS first_date,
                   max(event_date) AS last_date, count(items_per_100m) AS n_density,
                   sum(items_per_100m) AS sum_items_per_100m
            FROM ev WHERE site_id IS NOT NULL GROUP BY ALL""")
        ids = [r[0] for r in con.execute("SELECT DISTINCT site_id FROM g ORDER BY site_id").fetchall()]
        con.register("a", _site_attributes(conn, ids, known))
        sites = con.sql("""
            SELECT g.site_id, g.compartment, g.country, a.lat, a.lon, g.n_events, g.first_date, g.last_date,
                   g.n_density, g.sum_items_per_100m
            FROM g LEFT JOIN a ON a.id = g.site_id ORDER BY g.site_id, g.compartment, g.country""").to_arrow_table()
        facets = con.execute("""
            SELECT 'compartment', compartment, count(*) FROM ev WHERE compartment IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT 'country', country, count(*) FROM ev WHERE country IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT 'region', a.region, sum(g.n_events) FROM g JOIN a ON a.id = g.site_id
            WHERE a.region <> '' GROUP BY ALL
            UNION ALL
            SELECT 'programme', a.source_programme, sum(g.n_events) FROM g JOIN a ON a.id = g.site_id
            WHERE a.source_programme <> '' GROUP BY ALL""").fetchall()
        totals = con.execute("SELECT count(*), min(event_date), max(event_date) FROM ev").fetchone()
    finally:
        con.close()
    return sites, sorted((f, v, int(n)) for f, v, n in facets), totals  # type: ignore[return-value]


def _bound(conn: Connection, column, values: pa.ChunkedArray | pa.Array) -> list:
    """The Python values the driver receives for one column: the column type's own bind processor applied (what
    SQLAlchemy does per row, e.g. dates as ISO text on SQLite), once per distinct value, not once per row."""
    process = column.type._cached_bind_processor(conn.dialect)
    if process is None:
        return values.to_pylist()
    encoded = pc.dictionary_encode(values).combine_chunks() if isinstance(values, pa.ChunkedArray) \
        else pc.dictionary_encode(values)
    distinct = np.array([process(v) for v in encoded.dictionary.to_pylist()] + [None], dtype=object)
    indices = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return distinct[indices].tolist()


def _insert_many(conn: Connection, table, columns: dict[str, pa.ChunkedArray | pa.Array]) -> None:
    """Insert rows given as Arrow columns through the driver's executemany (values as `_bound` says)."""
    names = list(columns)
    rows = list(zip(*(_bound(conn, table.c[name], columns[name]) for name in names), strict=True))
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for i in range(0, len(rows), 5000):
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 - fixed names
                             f"VALUES ({', '.join([mark] * len(names))})", rows[i:i + 5000])


def write(conn: Connection, hub: Hub, dataset_id: str, version: int, sites: pa.Table | None = None
          ) -> dict[str, int]:
    """Compute and store one version's summaries on `conn` (the caller's transaction); replaces earlier rows.

    `sites`: catalog rows (`SITE_ATTRIBUTES` columns) the caller knows to be in the catalog as given, e.g. the
    sites the publisher has just inserted in this transaction; sites not in it are read from the catalog.

    Computed in DuckDB and inserted column-wise: a version with tens of thousands of sites made the per-site
    Python loop and SQLAlchemy's per-row parameters a fifth of a large ingest (docs/benchmarks.md, item 5)."""
    rows, facets, (n_events, date_min, date_max) = _compute(conn, hub, dataset_id, version, sites)
    n = rows.num_rows
    lat = rows.column("lat").to_numpy(zero_copy_only=False).astype(float)
    lon = rows.column("lon").to_numpy(zero_copy_only=False).astype(float)
    cells = cells_of(lat, lon)
    columns = {name: rows.column(name) for name in rows.column_names}
    columns["cell"] = pa.array(cells, pa.float64(), from_pandas=True).cast(pa.int64())  # NaN -> NULL
    columns["dataset_id"] = pa.repeat(pa.scalar(dataset_id), n)
    columns["version"] = pa.repeat(pa.scalar(version, pa.int32()), n)
    _delete(conn, dataset_id, version)
    conn.execute(insert(st.summary_versions).values(
        dataset_id=dataset_id, version=version, n_events=int(n_events),
        n_sites=pc.count_distinct(rows.column("site_id")).as_py(), date_min=date_min, date_max=date_max,
        computed_at=datetime.now(UTC)))
    _insert_many(conn, st.site_summaries, columns)
    _insert_many(conn, st.dataset_facets, {
        "dataset_id": pa.repeat(pa.scalar(dataset_id), len(facets)),
        "version": pa.repeat(pa.scalar(version, pa.int32()), len(facets)),
        "facet": pa.array([f[0] for f in facets], pa.string()), "value": pa.array([f[1] for f in facets], pa.string()),
        "n_events": pa.array([f[2] for f in facets], pa.int64())})
    return {"events": int(n_events), "site_rows": n, "facets": len(facets)}


def _delete(conn: Connection, dataset_id: str, version: int) -> None:
    for table in (st.site_summaries, st.dataset_facets, st.summary_versions):
        conn.execute(delete(table).where(table.c.dataset_id == dataset_id, table.c.version == version))


def backfill(hub: Hub, force: bool = False, dataset_id: str | None = None) -> list[dict[str, Any]]:
    """Summarise published versions that have none yet (all of them with `force`); one transaction each, so
    an interrupted backfill resumes where it stopped. Running it again changes nothing."""
    v, sv = t.dataset_versions, st.summary_versions
    query = select(v.c.dataset_id, v.c.version).where(v.c.status == "published").order_by(v.c.dataset_id,
                                                                                           v.c.version)
    if dataset_id:
        query = query.where(v.c.dataset_id == dataset_id)
    if not force:
        query = query.where(~exists(select(sv.c.version).where(sv.c.dataset_id == v.c.dataset_id,
                                                               sv.c.version == v.c.version)))
    with hub.engine.connect() as conn:
        todo = conn.execute(query).all()
    done = []
    for ds, version in todo:
        with hub.engine.begin() as conn:
            counts = write(conn, hub, ds, version)
        done.append({"dataset_id": ds, "version": version, **counts})
    return done


def missing(hub: Hub) -> int:
    """How many published versions have no summary yet (what `init` backfills)."""
    v, sv = t.dataset_versions, st.summary_versions
    with hub.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(v).where(v.c.status == "published", ~exists(
            select(sv.c.version).where(sv.c.dataset_id == v.c.dataset_id, sv.c.version == v.c.version)))).scalar())


# --- reading ------------------------------------------------------------------------------------------------

def facets(hub: Hub) -> dict[str, dict[str, list[str]]]:
    """Facet values per dataset of current versions: {dataset: {"compartments": [...], "countries": [...],
    "regions": [...], "programmes": [...]}} (sorted)."""
    f, d = st.dataset_facets, t.datasets
    out: dict[str, dict[str, list[str]]] = {}
    with hub.engine.connect() as conn:
        for dataset_id, facet, value in conn.execute(select(f.c.dataset_id, f.c.facet, f.c.value).join(d, current(f))
                                                     .order_by(f.c.dataset_id, f.c.facet, f.c.value)):
            out.setdefault(dataset_id, {}).setdefault(f"{facet}s" if facet != "country" else "countries",
                                                      []).append(value)
    return out
