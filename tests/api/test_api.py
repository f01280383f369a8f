"""The /api/v1 surface of the foundation over the demo hub: datasets, sites, events, errors."""

from __future__ import annotations

import pytest


def test_health(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_datasets_list_and_detail(client):
    items = client.get("/api/v1/datasets").json()["items"]
    ids = {d["id"] for d in items}
    assert {"mlw-sample", "mdmap-maine"} <= ids
    ds = client.get("/api/v1/datasets/mdmap-maine").json()
    assert ds["licence"] == "CC0-1.0" and ds["n_events"] == 70 and ds["versions"][0]["version"] == 1
    assert ds["rows_in"] == ds["rows_accepted"] + ds["rows_rejected"]


def test_sites_geojson_and_bbox(client):
    fc = client.get("/api/v1/sites").json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) > 10
    maine = client.get("/api/v1/sites", params={"bbox": "-71.5,42.5,-66.5,47.5"}).json()["features"]
    assert maine and all(-71.5 <= f["geometry"]["coordinates"][0] <= -66.5 for f in maine)
    assert all(42.5 <= f["geometry"]["coordinates"][1] <= 47.5 for f in maine)
    assert {f["properties"]["country"] for f in maine} == {"USA"}


def test_events_filters_and_cursor_pagination(client):
    first = client.get("/api/v1/events", params={"dataset": "mdmap-maine", "limit": 30}).json()
    assert len(first["items"]) == 30 and first["next_cursor"]
    rest = client.get("/api/v1/events", params={"dataset": "mdmap-maine", "limit": 100,
                                                 "cursor": first["next_cursor"]}).json()
    assert rest["next_cursor"] is None
    dates = [e["event_date"] for e in first["items"] + rest["items"]]
    assert len(dates) == 70 and dates == sorted(dates)
    lo, hi = dates[20], dates[50]
    window = client.get("/api/v1/events", params={"dataset": "mdmap-maine", "from": lo, "to": hi}).json()["items"]
    assert len(window) == sum(lo <= d <= hi for d in dates) > 0
    usa = client.get("/api/v1/events", params={"country": "USA", "limit": 1000}).json()["items"]
    assert {e["dataset_id"] for e in usa} == {"mdmap-maine"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/datasets/no-such-dataset", 404),
        ("/api/v1/sites/no-such-site", 404),
        ("/api/v1/sites?bbox=1,2,3", 400),
        ("/api/v1/sites?bbox=0,95,1,96", 400),
        ("/api/v1/events?limit=0", 400),
        ("/api/v1/events?limit=abc", 400),
        ("/api/v1/events?from=2020-02-31", 400),
        ("/api/v1/events?cursor=not-a-cursor", 400),
        ("/api/v1/nothing-here", 404),
    ],
)
def test_errors_are_problem_json(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/datasets", "/api/v1/sites", "/api/v1/events", "/api/v1/health"):
        assert path in spec["paths"]


def test_api_rate_limit_answers_429_with_retry_after(hub, configure):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    configure(hub, api_rate=(5, 60))
    limited = TestClient(create_app(hub))
    codes = [limited.get("/api/v1/datasets").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    r = limited.get("/api/v1/health")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.headers["content-type"].startswith("application/problem+json")
