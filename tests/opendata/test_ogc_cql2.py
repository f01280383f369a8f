"""OGC API - Features Part 3: CQL2 text and JSON filters over the queryables, checked against the features
themselves (every expected set is computed in Python from the unfiltered collection)."""

from __future__ import annotations

import json

import pytest

EVENTS = "/ogc/collections/events/items"


@pytest.fixture(scope="module")
def every_event(client) -> list[dict]:
    body = client.get(EVENTS, params={"limit": 10000}).json()
    assert body["numberMatched"] == body["numberReturned"] > 0
    return body["features"]


def _filtered(client, cid: str, text: str, lang: str = "cql2-text") -> tuple[set[str], int]:
    r = client.get(f"/ogc/collections/{cid}/items", params={"filter": text, "filter-lang": lang, "limit": 10000})
    assert r.status_code == 200, r.text
    body = r.json()
    return {f["id"] for f in body["features"]}, body["numberMatched"]


def _expect(features, pred) -> set[str]:
    return {f["id"] for f in features if pred(f["properties"], f["geometry"])}


def test_queryables_is_a_json_schema_of_the_filterable_properties(client):
    r = client.get("/ogc/collections/events/queryables")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/schema+json")
    schema = r.json()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert schema["$id"].endswith("/ogc/collections/events/queryables")
    props = schema["properties"]
    assert {"country", "programme", "event_date", "total_count", "items_per_100m", "geometry"} <= set(props)
    assert props["event_date"]["format"] == "date" and props["total_count"]["type"] == "number"
    assert props["geometry"]["x-ogc-role"] == "primary-geometry"
    links = client.get("/ogc/collections/events").json()["links"]
    assert any(link["rel"].endswith("/queryables") and link["href"].endswith("/queryables") for link in links)
    assert "dataset_id" not in client.get("/ogc/collections/mdmap-maine/queryables").json()["properties"]
    assert client.get("/ogc/collections/nope/queryables").status_code == 404


def test_text_and_json_filters_select_exactly_the_matching_features(client, every_event):
    countries = sorted({f["properties"]["country"] for f in every_event if f["properties"]["country"]})
    programmes = sorted({f["properties"]["programme"] for f in every_event if f["properties"]["programme"]})
    assert countries and programmes
    c, p = countries[0], programmes[-1]
    cases = [
        (f"country = '{c}'", {"op": "=", "args": [{"property": "country"}, c]},
         lambda q, g: q["country"] == c),
        (f"programme = '{p}' AND total_count > 10", {"op": "and", "args": [
            {"op": "=", "args": [{"property": "programme"}, p]},
            {"op": ">", "args": [{"property": "total_count"}, 10]}]},
         lambda q, g: q["programme"] == p and q["total_count"] is not None and q["total_count"] > 10),
        ("event_date >= DATE('2019-01-01') AND event_date < DATE('2020-01-01')",
         {"op": "and", "args": [{"op": ">=", "args": [{"property": "event_date"}, {"date": "2019-01-01"}]},
                                {"op": "<", "args": [{"property": "event_date"}, {"date": "2020-01-01"}]}]},
         lambda q, g: "2019-01-01" <= q["event_date"] < "2020-01-01"),
        ("items_per_100m BETWEEN 100 AND 1000", {"op": "between", "args": [
            {"property": "items_per_100m"}, 100, 1000]},
         lambda q, g: q["items_per_100m"] is not None and 100 <= q["items_per_100m"] <= 1000),
        (f"country IN ('{c}', 'ZZZ') OR total_count IS NULL", {"op": "or", "args": [
            {"op": "in", "args": [{"property": "country"}, [c, "ZZZ"]]},
            {"op": "isNull", "args": [{"property": "total_count"}]}]},
         lambda q, g: q["country"] == c or q["total_count"] is None),
        ("S_INTERSECTS(geometry, BBOX(-71, 43, -70, 44))", {"op": "s_intersects", "args": [
            {"property": "geometry"}, {"bbox": [-71, 43, -70, 44]}]},
         lambda q, g: g is not None and -71 <= g["coordinates"][0] <= -70 and 43 <= g["coordinates"][1] <= 44),
    ]
    for text, cql_json, pred in cases:
        expected = _expect(every_event, pred)
        got, matched = _filtered(client, "events", text)
        assert got == expected and matched == len(expected), text
        got_json, _ = _filtered(client, "events", json.dumps(cql_json), "cql2-json")
        assert got_json == expected, cql_json
    # at least one case must select a strict, non-empty subset, or the comparison proves nothing
    some = _filtered(client, "events", f"country = '{c}'")[0]
    assert 0 < len(some) < len(every_event) or len(countries) == 1


def test_a_filter_combines_with_bbox_datetime_and_paging(client, every_event):
    text = "total_count >= 1"
    expected = _expect(every_event, lambda q, g: q["total_count"] is not None and q["total_count"] >= 1
                       and "2015-01-01" <= q["event_date"] <= "2022-12-31")
    seen: list[str] = []
    url, params = EVENTS, {"filter": text, "datetime": "2015-01-01/2022-12-31", "limit": 25}
    while url:
        body = client.get(url, params=params).json()
        assert body["numberMatched"] == len(expected)
        seen += [f["id"] for f in body["features"]]
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url, params = (nxt[0], None) if nxt else (None, None)
    assert sorted(seen) == sorted(expected)


def test_literals_are_bound_parameters_not_sql(client, every_event):
    injection = {"op": "=", "args": [{"property": "country"}, "x' OR '1'='1"]}
    got, matched = _filtered(client, "events", json.dumps(injection), "cql2-json")
    assert got == set() and matched == 0
    assert len(every_event) > 0


@pytest.mark.parametrize(("text", "lang", "fragment"), [
    ("colour = 'red'", "cql2-text", "unknown queryable 'colour'"),
    ("country = ", "cql2-text", "not valid cql2-text"),
    ("{not json", "cql2-json", "not valid cql2-json"),
    ("total_count > 'many'", "cql2-text", "number is needed"),
    ("country = 'USA'", "cql2-xml", "filter-lang must be one of"),
    ("S_INTERSECTS(geometry, POLYGON((0 0, 2 0, 1 1, 0 0)))", "cql2-text", "rectangular polygon"),
])
def test_bad_filters_are_400_problems_that_say_why(client, text, lang, fragment):
    r = client.get(EVENTS, params={"filter": text, "filter-lang": lang})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert fragment in r.json()["detail"]


def test_sites_filter_on_their_own_queryables(client):
    every = client.get("/ogc/collections/sites/items", params={"limit": 10000}).json()["features"]
    country = next(f["properties"]["country"] for f in every if f["properties"]["country"])
    got, _ = _filtered(client, "sites", f"country = '{country}'")
    assert got == {f["id"] for f in every if f["properties"]["country"] == country}
    assert client.get("/ogc/collections/sites/items", params={"filter": "total_count > 1"}).status_code == 400


def test_openapi_declares_the_filter_parameters(client):
    params = {p["name"] for p in client.get("/ogc/api").json()["paths"]["/collections/{collectionId}/items"]["get"]
              ["parameters"]}
    assert {"filter", "filter-lang", "filter-crs", "crs", "bbox-crs"} <= params


def test_queryables_as_query_parameters_are_equality_filters(client, every_event):
    country = sorted({f["properties"]["country"] for f in every_event if f["properties"]["country"]})[-1]
    r = client.get(EVENTS, params={"country": country, "limit": 10000})
    assert r.status_code == 200
    assert {f["id"] for f in r.json()["features"]} == _expect(every_event, lambda q, g: q["country"] == country)
    assert client.get(EVENTS, params={"total_count": "many"}).status_code == 400
    assert client.get("/ogc/collections/sites/items", params={"total_count": "1"}).status_code == 400
