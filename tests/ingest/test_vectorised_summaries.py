"""The per-version summaries computed in DuckDB and inserted column-wise (services/summaries.py `write`) equal the
straightforward definition: a Python loop over the lake's site groups with each site's catalog row."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import delete, select, update

from litterhub.services import summaries
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR
from litterhub.store import summary_tables as st
from litterhub.store import tables as t

FILES = [("mlw-sample.csv", "mlw", "sum-mlw"), ("mdmap-maine-2016-2023.csv", "mdmap", "sum-mdmap"),
         ("ospar-nl-2012-2017.csv", "ospar", "sum-ospar"), ("emodnet-seafloor-it.csv", "emodnet", "sum-seafloor")]


def _definition(hub, dataset_id: str, version: int) -> tuple[tuple, list[tuple], list[tuple]]:
    """(version row, site rows, facet rows) by the definition, one site at a time (the code before issue 20/5)."""
    con = hub.lake.connect()
    con.register("ev", hub.lake.scan("events", [(dataset_id, version)], con))
    groups = con.execute("SELECT site_id, compartment, country, count(*), min(event_date), max(event_date), "
                         "count(items_per_100m), sum(items_per_100m) FROM ev WHERE site_id IS NOT NULL "
                         "GROUP BY ALL").fetchall()
    events = con.execute("SELECT compartment, country FROM ev").fetchall()
    n_events, first, last = con.execute("SELECT count(*), min(event_date), max(event_date) FROM ev").fetchone()
    con.close()
    with hub.engine.connect() as conn:
        sites = {r.id: r for r in conn.execute(select(t.sites))}
    facets: dict[tuple[str, str], int] = {}
    for compartment, country in events:
        for facet, value in (("compartment", compartment), ("country", country)):
            if value is not None:
                facets[(facet, value)] = facets.get((facet, value), 0) + 1
    rows = []
    for site_id, compartment, country, n, lo, hi, n_density, total in groups:
        site = sites.get(site_id)
        lat, lon = (site.lat, site.lon) if site is not None else (None, None)
        rows.append((site_id, compartment, country, lat, lon, summaries.cell_of(lat, lon), n, lo, hi, n_density,
                     total))
        for facet, value in (("region", site and site.region), ("programme", site and site.source_programme)):
            if value:
                facets[(facet, value)] = facets.get((facet, value), 0) + n
    return ((n_events, len({r[0] for r in rows}), first, last), sorted(rows, key=_nulls_last),
            sorted((f, v, n) for (f, v), n in facets.items()))


def _nulls_last(row: tuple) -> tuple:
    """ORDER BY site_id, compartment, country with NULLs last (DuckDB's default)."""
    return row[0], row[1] is None, row[1] or "", row[2] is None, row[2] or ""


def _stored(hub, dataset_id: str, version: int) -> tuple[tuple, list[tuple], list[tuple]]:
    ss, sv, f = st.site_summaries, st.summary_versions, st.dataset_facets
    with hub.engine.connect() as conn:
        head = conn.execute(select(sv.c.n_events, sv.c.n_sites, sv.c.date_min, sv.c.date_max)
                            .where(sv.c.dataset_id == dataset_id, sv.c.version == version)).one()
        rows = conn.execute(select(ss.c.site_id, ss.c.compartment, ss.c.country, ss.c.lat, ss.c.lon, ss.c.cell,
                                   ss.c.n_events, ss.c.first_date, ss.c.last_date, ss.c.n_density,
                                   ss.c.sum_items_per_100m)
                            .where(ss.c.dataset_id == dataset_id, ss.c.version == version).order_by(ss.c.id)).all()
        facets = conn.execute(select(f.c.facet, f.c.value, f.c.n_events)
                              .where(f.c.dataset_id == dataset_id, f.c.version == version)).all()
    return tuple(head), [tuple(r) for r in rows], sorted(tuple(r) for r in facets)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12)
    return a == b


def _assert_equal(hub, dataset_id: str, version: int = 1) -> tuple[list[tuple], list[tuple]]:
    want_head, want_rows, want_facets = _definition(hub, dataset_id, version)
    head, rows, facets = _stored(hub, dataset_id, version)
    assert head == want_head
    assert len(rows) == len(want_rows) and rows  # insertion order = the definition's order, row for row
    for got, want in zip(rows, want_rows, strict=True):
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (got, want)
    assert facets == want_facets
    return rows, facets


@pytest.fixture(scope="module")
def loaded(module_hub):
    for name, fmt, dataset_id in FILES:
        assert ingest_file(module_hub, DEMO_DIR / name, fmt, dataset_id).ok
    return module_hub


@pytest.mark.parametrize("dataset_id", [d for _, _, d in FILES])
def test_summaries_written_at_publishing_equal_the_definition(loaded, dataset_id):
    rows, facets = _assert_equal(loaded, dataset_id)
    assert {f for f, _, _ in facets} >= {"compartment", "programme"}


def test_the_files_exercise_points_regions_and_countries(loaded):
    stored = [_stored(loaded, d, 1) for _, _, d in FILES]
    assert any(r[3] is not None and r[5] is not None for _, rows, _ in stored for r in rows)
    assert any(r[3] is None for _, rows, _ in stored for r in rows)  # OSPAR's sample has no coordinates
    facets = [f for _, _, fs in stored for f in fs]
    assert any(f[0] == "region" for f in facets) and any(f[0] == "country" for f in facets)


def test_summaries_follow_the_catalog_sites_and_rewrite_idempotently(loaded):
    """A site the catalog changed (region, point) or no longer knows: the summary takes the catalog's word."""
    dataset_id = "sum-mlw"
    ss = st.site_summaries
    with loaded.engine.connect() as conn:
        site_ids = sorted({r[0] for r in conn.execute(select(ss.c.site_id).where(ss.c.dataset_id == dataset_id))})
    assert len(site_ids) > 3
    with loaded.engine.begin() as conn:
        conn.execute(update(t.sites).where(t.sites.c.id == site_ids[0]).values(region="curated sea", lat=89.9999,
                                                                               lon=180.0))
        conn.execute(update(t.sites).where(t.sites.c.id == site_ids[1]).values(region="", source_programme=""))
        conn.execute(delete(t.sites).where(t.sites.c.id == site_ids[2]))
        summaries.write(conn, loaded, dataset_id, 1)
    with loaded.engine.begin() as conn:
        summaries.write(conn, loaded, dataset_id, 1)  # twice: replaces, never adds
    rows, facets = _assert_equal(loaded, dataset_id)
    by_site = {r[0]: r for r in rows}
    assert by_site[site_ids[0]][3:6] == (89.9999, 180.0, summaries.cell_of(89.9999, 180.0))
    assert by_site[site_ids[2]][3:6] == (None, None, None)
    assert ("region", "curated sea") in {(f, v) for f, v, _ in facets}


def test_cells_of_columns_equal_cell_of_each_point():
    rng = np.random.default_rng(7)
    lat = np.concatenate([rng.uniform(-95, 95, 2000), [-90, 90, 0, -0.0, 89.999999, np.nan, 10, np.nan]])
    lon = np.concatenate([rng.uniform(-185, 185, 2000), [-180, 180, 0, -0.0, 179.999999, 5, np.nan, np.nan]])
    got = summaries.cells_of(lat, lon)
    want = [summaries.cell_of(a, b) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)]
    assert [None if math.isnan(c) else int(c) for c in got.tolist()] == want
    assert sum(w is None for w in want) == 3


def test_a_copy_over_curated_sites_summarises_the_catalog_rows_not_the_file(loaded):
    """The publisher hands its just-inserted sites to the summaries only when every site was new; a file whose sites
    the catalog already holds (here curated) is summarised from the catalog's rows."""
    ss = st.site_summaries
    with loaded.engine.connect() as conn:
        site_ids = sorted({r[0] for r in conn.execute(select(ss.c.site_id).where(ss.c.dataset_id == "sum-mdmap"))})
    with loaded.engine.begin() as conn:
        conn.execute(update(t.sites).where(t.sites.c.id == site_ids[0]).values(region="curated bay", lat=44.5))
    assert ingest_file(loaded, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "sum-mdmap-copy", allow_copy=True).ok
    rows, facets = _assert_equal(loaded, "sum-mdmap-copy")
    assert {r[0]: r[3] for r in rows}[site_ids[0]] == 44.5
    assert ("region", "curated bay") in {(f, v) for f, v, _ in facets}


def test_known_sites_given_in_part_are_completed_from_the_catalog(loaded):
    dataset_id = "sum-seafloor"
    with loaded.engine.connect() as conn:
        catalog = conn.execute(select(t.sites.c.id, t.sites.c.lat, t.sites.c.lon, t.sites.c.region,
                                      t.sites.c.source_programme)
                               .where(t.sites.c.id.in_(select(st.site_summaries.c.site_id)
                                                       .where(st.site_summaries.c.dataset_id == dataset_id)))).all()
    assert len(catalog) > 2
    half = catalog[: len(catalog) // 2]
    known = pa.table({name: [r[i] for r in half] for i, name in enumerate(summaries.SITE_ATTRIBUTES.names)},
                     schema=summaries.SITE_ATTRIBUTES)
    with loaded.engine.begin() as conn:
        summaries.write(conn, loaded, dataset_id, 1, known)
    _assert_equal(loaded, dataset_id)
