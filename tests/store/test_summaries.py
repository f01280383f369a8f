"""Per-version summaries (services/summaries.py) and lake-served events (services/lake_events.py), on SQLite and
PostgreSQL: the summaries say what the old row-level queries over every event said, the backfill is idempotent,
and keyset paging visits every row exactly once."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import delete, select

from litterhub.services import datasets as svc
from litterhub.services import lake_events, summaries
from litterhub.services import ogc as ogc_svc
from litterhub.services.ingest import ingest_file
from litterhub.services.metadata import _facets
from litterhub.services.setup import DEMO_DIR, DEMO_FILES
from litterhub.store import summary_tables as st
from litterhub.store import tables as t


@pytest.fixture
def loaded(any_hub):
    for name, fmt, dataset_id in DEMO_FILES:
        assert ingest_file(any_hub, DEMO_DIR / name, fmt, dataset_id).ok
    return any_hub


def _events(hub) -> pd.DataFrame:
    """Every event of the current versions, straight from the Parquet files, joined to the catalog's sites."""
    with hub.engine.connect() as conn:
        current = conn.execute(select(t.datasets.c.id, t.datasets.c.current_version)).all()
        sites = pd.DataFrame(conn.execute(select(t.sites)).all(), columns=[c.name for c in t.sites.c])
    events = pd.concat([hub.lake.read_table("events", d, v).to_pandas() for d, v in current], ignore_index=True)
    return events.merge(sites.rename(columns={"id": "site_id", "region": "site_region", "lat": "site_lat",
                                              "lon": "site_lon", "country": "site_country",
                                              "compartment": "site_compartment"}), on="site_id", how="left")


def _close(a, b) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (b is None or
                                                                           (isinstance(b, float) and math.isnan(b)))
    return math.isclose(a, b, rel_tol=1e-9)


def test_site_statistics_equal_the_row_level_answer(loaded):
    ev = _events(loaded)
    with_point = ev[ev["site_lat"].notna()]
    expected = with_point.groupby("site_id").agg(n=("event_id", "size"), first=("event_date", "min"),
                                                 last=("event_date", "max"), mean=("items_per_100m", "mean"))
    features = svc.sites_geojson(loaded)["features"]
    assert sorted(f["id"] for f in features) == sorted(expected.index)
    assert len(features) > 10  # both demo datasets: MDMAP Maine sites and MLW beaches
    for f in features:
        row, p = expected.loc[f["id"]], f["properties"]
        assert p["n_events"] == row["n"]
        assert p["first_event"] == row["first"].isoformat() and p["last_event"] == row["last"].isoformat()
        assert _close(p["mean_items_per_100m"], row["mean"]), (f["id"], p["mean_items_per_100m"], row["mean"])
    assert svc.headline_counts(loaded)["events"] == len(ev)
    assert svc.headline_counts(loaded)["sites"] == ev["site_id"].nunique()


@pytest.mark.parametrize("box", ["-71,43,-68,45", "0,40,30,70", "170,-50,-170,50", "-180,-90,180,90"])
def test_bbox_through_the_grid_cells_equals_the_plain_coordinate_test(loaded, box):
    x0, y0, x1, y1 = map(float, box.split(","))
    ev = _events(loaded)
    lon_ok = ev["site_lon"].between(x0, x1) if x0 <= x1 else (ev["site_lon"] >= x0) | (ev["site_lon"] <= x1)
    expected = set(ev.loc[ev["site_lat"].between(y0, y1) & lon_ok, "site_id"])
    assert {f["id"] for f in svc.sites_geojson(loaded, box)["features"]} == expected


def test_facets_equal_the_distinct_values_of_the_events(loaded):
    ev = _events(loaded)
    got = _facets(loaded)
    assert ev["dataset_id"].nunique() == len(DEMO_FILES)
    for dataset_id, rows in ev.groupby("dataset_id"):
        facets = got.get(dataset_id, {})  # a facet with no value (an open-ocean dataset's countries) is left out
        assert facets.get("compartments", []) == sorted(rows["compartment"].dropna().unique())
        assert facets.get("countries", []) == sorted(rows["country"].dropna().unique())
        assert facets.get("regions", []) == sorted(rows["site_region"].dropna().unique())
        assert facets.get("programmes", []) == sorted(rows["source_programme"].dropna().unique())


def _rows(hub) -> list[tuple]:
    ss = st.site_summaries
    with hub.engine.connect() as conn:
        return sorted(tuple(r[1:]) for r in conn.execute(select(ss)).all())


def test_backfill_is_idempotent(loaded):
    before = _rows(loaded)
    assert summaries.backfill(loaded) == [] and summaries.missing(loaded) == 0
    with loaded.engine.begin() as conn:  # a hub from before summaries: nothing summarised
        for table in (st.site_summaries, st.dataset_facets, st.summary_versions):
            conn.execute(delete(table))
    assert summaries.missing(loaded) == len(DEMO_FILES) and svc.sites_geojson(loaded)["features"] == []
    done = summaries.backfill(loaded)
    assert sorted(d["dataset_id"] for d in done) == sorted(dataset_id for _, _, dataset_id in DEMO_FILES)
    assert _rows(loaded) == before
    assert summaries.backfill(loaded) == [] and _rows(loaded) == before
    assert len(summaries.backfill(loaded, force=True)) == len(DEMO_FILES) and _rows(loaded) == before


def _walk(fetch) -> list[str]:
    ids, cursor = [], None
    while True:
        items, cursor = fetch(cursor)
        ids.extend(items)
        if cursor is None:
            return ids


def test_keyset_pages_visit_every_event_and_site_exactly_once(loaded):
    everything = set(_events(loaded)["event_id"])

    def events(cursor):
        page = svc.list_events(loaded, limit=13, cursor=cursor)
        assert len(page.items) <= 13
        return [e["event_id"] for e in page.items], page.next_cursor

    ids = _walk(events)
    assert len(ids) == len(set(ids)) == len(everything) and set(ids) == everything

    def sites(cursor):
        page = svc.sites_geojson(loaded, limit=4, cursor=cursor)
        assert len(page["features"]) <= 4
        return [f["id"] for f in page["features"]], page.get("next_cursor")

    site_ids = _walk(sites)
    assert len(site_ids) == len(set(site_ids)) and set(site_ids) == {f["id"] for f in
                                                                     svc.sites_geojson(loaded)["features"]}

    collection = ogc_svc.collection(loaded, "mdmap-maine")

    def features(cursor):
        items, matched, nxt = ogc_svc.items_page(loaded, collection, None, None, 9, 0, None, cursor)
        assert matched == 70
        return [f["id"] for f in items], nxt

    ogc_ids = _walk(features)
    assert len(ogc_ids) == len(set(ogc_ids)) == 70


def test_series_pages_and_aggregates_on_the_server(loaded):
    ev = _events(loaded)
    dens = ev[ev["dataset_id"].eq("mdmap-maine") & ev["items_per_100m"].notna()]

    def per_event(cursor):
        page = svc.density_series(loaded, "mdmap-maine", limit=11, cursor=cursor)
        return [(i["date"], i["items_per_100m"]) for i in page.items], page.next_cursor

    got = _walk(per_event)
    assert sorted(got) == sorted(zip(dens["event_date"].map(lambda d: d.isoformat()), dens["items_per_100m"],
                                     strict=True))
    years = svc.density_series(loaded, "mdmap-maine", "year").items
    assert sum(i["n_events"] for i in years) == len(dens)
    by_year = dens.groupby([dens["event_date"].map(lambda d: d.year), "event_type"])["items_per_100m"].mean()
    for i in years:
        assert math.isclose(i["items_per_100m"], by_year[(int(i["period"]), i["event_type"])], rel_tol=1e-9)
    with pytest.raises(svc.BadRequest):
        svc.density_series(loaded, "mdmap-maine", "week")


def test_a_filter_reads_only_the_versions_that_can_match(loaded):
    a_site = svc.sites_geojson(loaded, dataset_id="mlw-sample")["features"][0]["id"]
    assert lake_events.versions(loaded, lake_events.Filter(site=a_site)) == [("mlw-sample", 1)]
    assert lake_events.versions(loaded, lake_events.Filter(country="USA")) == [("mdmap-maine", 1)]


def test_backfill_from_the_cli(hub):
    import json

    from typer.testing import CliRunner

    from litterhub.cli import app

    assert ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine").ok
    with hub.engine.begin() as conn:
        for table in (st.site_summaries, st.dataset_facets, st.summary_versions):
            conn.execute(delete(table))
    data = ["--data-dir", str(hub.settings.data_dir)]
    first = CliRunner().invoke(app, ["summaries", "backfill", "--json", *data])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["summarised"] == [
        {"dataset_id": "mdmap-maine", "version": 1, "events": 70, "site_rows": 9, "facets": 4}]
    again = CliRunner().invoke(app, ["summaries", "backfill", *data])
    assert again.exit_code == 0 and "every published version has its summaries" in again.output
