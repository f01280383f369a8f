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
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

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

def _lake_groups(hub: Hub, dataset_id: str, version: int) -> tuple[list[tuple], list[tuple], tuple]:
    """(per site × compartment × country groups, per compartment/country facet counts, version totals)."""
    con = hub.lake.connect()
    try:
        con.register("ev", hub.lake.scan("events", [(dataset_id, version)], con))
        groups = con.execute("""
            SELECT site_id, compartment, country, count(*), min(event_date), max(event_date),
                   count(items_per_100m), sum(items_per_100m)
            FROM ev WHERE site_id IS NOT NULL GROUP BY ALL ORDER BY site_id, compartment, country""").fetchall()
        facets = con.execute("""
            SELECT 'compartment', compartment, count(*) FROM ev WHERE compartment IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT 'country', country, count(*) FROM ev WHERE country IS NOT NULL GROUP BY ALL""").fetchall()
        totals = con.execute("SELECT count(*), min(event_date), max(event_date) FROM ev").fetchone()
    finally:
        con.close()
    return groups, facets, totals  # type: ignore[return-value]


def _site_attributes(conn: Connection, ids: Iterable[str]) -> dict[str, Any]:
    s = t.sites
    ids = sorted(set(ids))
    out: dict[str, Any] = {}
    for i in range(0, len(ids), _CHUNK):
        for row in conn.execute(select(s.c.id, s.c.lat, s.c.lon, s.c.region, s.c.source_programme)
                                .where(s.c.id.in_(ids[i:i + _CHUNK]))):
            out[row.id] = row
    return out


def write(conn: Connection, hub: Hub, dataset_id: str, version: int) -> dict[str, int]:
    """Compute and store one version's summaries on `conn` (the caller's transaction); replaces earlier rows."""
    groups, lake_facets, (n_events, date_min, date_max) = _lake_groups(hub, dataset_id, version)
    attrs = _site_attributes(conn, (g[0] for g in groups))
    site_rows, facets = [], {(f, v): int(n) for f, v, n in lake_facets}
    for site_id, compartment, country, n, first, last, n_density, total in groups:
        a = attrs.get(site_id)
        lat, lon = (a.lat, a.lon) if a is not None else (None, None)
        site_rows.append({"dataset_id": dataset_id, "version": version, "site_id": site_id,
                          "compartment": compartment, "country": country, "lat": lat, "lon": lon,
                          "cell": cell_of(lat, lon), "n_events": int(n), "first_date": first, "last_date": last,
                          "n_density": int(n_density), "sum_items_per_100m": total})
        if a is not None:
            for facet, value in (("region", a.region), ("programme", a.source_programme)):
                if value:
                    facets[(facet, value)] = facets.get((facet, value), 0) + int(n)
    _delete(conn, dataset_id, version)
    conn.execute(insert(st.summary_versions).values(
        dataset_id=dataset_id, version=version, n_events=int(n_events), n_sites=len({r["site_id"] for r in site_rows}),
        date_min=date_min, date_max=date_max, computed_at=datetime.now(UTC)))
    for i in range(0, len(site_rows), 5000):
        conn.execute(insert(st.site_summaries), site_rows[i:i + 5000])
    if facets:
        conn.execute(insert(st.dataset_facets), [
            {"dataset_id": dataset_id, "version": version, "facet": f, "value": v, "n_events": n}
            for (f, v), n in sorted(facets.items())])
    return {"events": int(n_events), "site_rows": len(site_rows), "facets": len(facets)}


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
