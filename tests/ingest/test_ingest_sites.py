"""Sites reach the catalog once, shared by datasets, with a name and a compartment even when the file has none."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

DEMO = Path(__file__).resolve().parents[2] / "src" / "litterhub" / "demo" / "mlw-sample.csv"


def test_sites_are_inserted_once_and_never_overwritten(hub):
    from litterhub.services.ingest import ingest_file
    from litterhub.store import tables as t

    first = ingest_file(hub, DEMO, "mlw", "sites-a")
    assert first.ok
    with hub.engine.connect() as conn:
        n_sites = conn.execute(select(func.count()).select_from(t.sites)).scalar()
    with hub.engine.begin() as conn:
        conn.execute(t.sites.update().values(name="renamed by a curator"))
    assert ingest_file(hub, DEMO, "mlw", "sites-b", allow_copy=True).ok
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.sites.c.name, t.sites.c.compartment, t.sites.c.source_key)).all()
    assert n_sites > 10 and len(rows) == n_sites  # the copy brought the same sites: none added twice
    assert {r.name for r in rows} == {"renamed by a curator"}  # existing sites are left as they are
    assert all(r.compartment and r.source_key is not None for r in rows)


def test_a_site_without_a_name_is_named_by_its_id(hub):
    import pyarrow as pa

    from litterhub.ingest.base import SITE_SCHEMA
    from litterhub.services.ingest import _insert_new_sites
    from litterhub.store import tables as t

    sites = pa.table({"site_id": ["s1", "s2"], "name": ["", "Beach"], "lat": [1.0, None], "lon": [2.0, None],
                      "country": ["NLD", None], "region": [None, None], "compartment": [None, "seafloor"],
                      "source_programme": ["x", "x"], "source_key": [None, "k"]}).cast(SITE_SCHEMA)
    with hub.engine.begin() as conn:
        _insert_new_sites(conn, sites)
        _insert_new_sites(conn, sites)  # a second time: nothing new
    with hub.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(t.sites)).all()}
    assert set(rows) == {"s1", "s2"}
    assert (rows["s1"].name, rows["s1"].compartment, rows["s1"].source_key) == ("s1", "beach", "")
    assert (rows["s2"].name, rows["s2"].compartment, rows["s2"].lat) == ("Beach", "seafloor", None)
