"""OGC API - Features: OWSLib over real HTTP, plus the standard's rules on parameters, paging and ids."""

from __future__ import annotations

from urllib.parse import quote

import pytest


def test_owslib_lists_collections_and_reads_features_with_a_bbox(http_server):
    from owslib.ogcapi.features import Features

    api = Features(f"{http_server}/ogc")
    ids = {c["id"] for c in api.collections()["collections"]}
    assert {"sites", "events", "mlw-sample", "mdmap-maine"} <= ids
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    maine = [-71.0, 43.0, -70.0, 44.0]  # the NOAA MDMAP sites are on the Maine coast
    fc = api.collection_items("sites", bbox=maine, limit=50)
    assert fc["type"] == "FeatureCollection" and fc["features"]
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -71.0 <= lon <= -70.0 and 43.0 <= lat <= 44.0
    events = api.collection_items("mdmap-maine", bbox=maine, limit=100)
    assert events["numberMatched"] == 70  # every MDMAP transect lies inside the box
    assert all(f["properties"]["dataset_id"] == "mdmap-maine" for f in events["features"])


def test_bbox_outside_any_site_returns_nothing(client):
    r = client.get("/ogc/collections/events/items", params={"bbox": "150,-10,151,-9"})
    assert r.status_code == 200
    assert r.json()["numberMatched"] == 0 and r.json()["features"] == []


@pytest.mark.parametrize("query", ["foo=1", "limit=0", "limit=abc", "bbox=1,2,3", "bbox=0,10,1,5",
                                   "datetime=yesterday", "datetime=../..", "offset=-1", "f=html"])
def test_unknown_or_invalid_parameters_are_400_problems(client, query):
    r = client.get(f"/ogc/collections/events/items?{query}")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 400 and r.json()["detail"]


def test_limit_is_clamped_not_rejected(client):
    r = client.get("/ogc/collections/events/items", params={"limit": 50000})
    assert r.status_code == 200
    body = r.json()
    assert body["numberReturned"] == body["numberMatched"] <= 10000
    r = client.get("/ogc/collections/events/items", params={"limit": 50000, "offset": 0})
    assert r.status_code == 200


def test_paging_links_walk_every_feature_once(client):
    seen: list[str] = []
    url = "/ogc/collections/mdmap-maine/items?limit=30"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [f["id"] for f in body["features"]]
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = nxt[0] if nxt else None
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 70


def test_datetime_interval_filters_events(client):
    r = client.get("/ogc/collections/events/items", params={"datetime": "2019-01-01/2019-12-31", "limit": 1000})
    dates = [f["properties"]["event_date"] for f in r.json()["features"]]
    assert dates and all("2019-01-01" <= d <= "2019-12-31" for d in dates)
    open_end = client.get("/ogc/collections/events/items", params={"datetime": "2022-01-01T00:00:00Z/.."}).json()
    assert all(f["properties"]["event_date"] >= "2022-01-01" for f in open_end["features"])


def test_feature_by_id_has_stable_id_and_links(client):
    first = client.get("/ogc/collections/events/items?limit=1").json()["features"][0]
    r = client.get(f"/ogc/collections/events/items/{quote(first['id'], safe='')}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    feature = r.json()
    assert feature["id"] == first["id"]
    assert {link["rel"] for link in feature["links"]} >= {"self", "alternate", "collection"}
    assert client.get("/ogc/collections/events/items/does-not-exist").status_code == 404


def test_landing_page_points_to_an_openapi_3_document(client):
    links = {link["rel"]: link for link in client.get("/ogc").json()["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(links)
    doc = client.get("/ogc/api").json()
    assert doc["openapi"].startswith("3.0")
    assert "/collections/{collectionId}/items" in doc["paths"]
    assert "mlw-sample" in doc["paths"]["/collections/{collectionId}"]["get"]["parameters"][0]["schema"]["enum"]
