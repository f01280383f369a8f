"""OGC API - Features as the OGC executable test suite (ets-ogcapi-features10) checks it.

Every response of a walk over the hub is validated against the official 1.0.1 schemas vendored in
ogc_schemas/ (see its SOURCE.md), and the suite's data-driven assertions are replayed: `limit` at its declared
minimum, maximum and midpoint; numberMatched equal to the features gathered by following `next` links with
limit=maximum; datetime instants, intervals and start/duration periods built from each collection's temporal
extent; Part 2 `Content-Crs`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).parent / "ogc_schemas"
BASE = "https://schemas.test/ogcapi-features/1.0.1/"
# RFC 3339 date-time (section 5.6), what the schemas' `format: date-time` means.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def _nullable(node):
    """OpenAPI 3.0 `nullable: true` as JSON Schema (the one translation the 1.0.1 schemas need)."""
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


@pytest.fixture(scope="module")
def validators():
    resources = {}
    for path in SCHEMAS.glob("*.yaml"):
        schema = _nullable(yaml.safe_load(path.read_text(encoding="utf-8")))
        schema["$id"] = BASE + path.name
        resources[BASE + path.name] = Resource(contents=schema, specification=DRAFT7)
    registry = Registry().with_resources(resources.items())
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(RFC3339.fullmatch(value)))

    def make(name: str):
        return jsonschema.Draft7Validator(resources[BASE + name].contents, registry=registry, format_checker=checker)

    return {name: make(f"{name}.yaml") for name in ("landingPage", "confClasses", "collections", "collection",
                                                    "featureCollectionGeoJSON", "featureGeoJSON", "extent")}


def _valid(validators, name: str, body) -> None:
    errors = sorted(validators[name].iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def _path(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_vendored_schemas_reject_what_the_suite_reported(validators):
    """The walk below can fail: a date-only temporal extent (the suite's finding) is invalid."""
    bad = {"temporal": {"interval": [["2014-03-29", "2019-12-31"]]}}
    assert list(validators["extent"].iter_errors(bad))
    assert not list(validators["extent"].iter_errors({"temporal": {"interval": [["2014-03-29T00:00:00Z", None]]}}))


def test_every_response_of_a_walk_validates_against_the_1_0_1_schemas(client, validators):
    _valid(validators, "landingPage", client.get("/ogc").json())
    conformance = client.get("/ogc/conformance").json()
    _valid(validators, "confClasses", conformance)
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter" in conformance["conformsTo"]
    collections = client.get("/ogc/collections").json()
    _valid(validators, "collections", collections)
    assert len(collections["collections"]) >= 3
    for c in collections["collections"]:
        doc = client.get(f"/ogc/collections/{quote(c['id'], safe='')}").json()
        _valid(validators, "collection", doc)
        start, end = doc["extent"]["temporal"]["interval"][0]
        assert RFC3339.fullmatch(start) and RFC3339.fullmatch(end)
        assert set(doc["crs"]) == {CRS84, EPSG4326} and doc["storageCrs"] == CRS84
        r = client.get(f"/ogc/collections/{quote(c['id'], safe='')}/items", params={"limit": 5})
        assert r.headers["content-crs"] == f"<{CRS84}>"
        page = r.json()
        _valid(validators, "featureCollectionGeoJSON", page)
        assert RFC3339.fullmatch(page["timeStamp"])
        for feature in page["features"][:2]:
            one = client.get(f"/ogc/collections/{quote(c['id'], safe='')}/items/{quote(str(feature['id']), safe='')}")
            assert one.headers["content-crs"] == f"<{CRS84}>"
            _valid(validators, "featureGeoJSON", one.json())


def _limit_schema(client) -> dict:
    doc = client.get("/ogc/api").json()
    params = doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    return next(p for p in params if p.get("name") == "limit")["schema"]


def test_limit_declares_minimum_maximum_default_and_the_suites_limits_hold(client):
    schema = _limit_schema(client)
    lo, hi = schema["minimum"], schema["maximum"]
    assert lo >= 0 and hi >= lo and lo <= schema["default"] <= hi
    mid = min(lo + (hi - lo) // 2, 100)  # FeaturesLimit's data provider
    for limit in (lo, mid, hi):
        r = client.get("/ogc/collections/events/items", params={"limit": limit})
        assert r.status_code == 200
        body = r.json()
        assert body["numberReturned"] == len(body["features"]) <= limit <= hi


def test_number_matched_equals_features_gathered_through_next_links_with_the_maximum_limit(client):
    hi = _limit_schema(client)["maximum"]
    for cid in ("events", "sites", "mdmap-maine"):
        for small in (7, 50):
            body = client.get(f"/ogc/collections/{cid}/items", params={"limit": small}).json()
            seen = [f["id"] for f in body["features"]]
            hops = 0
            while (nxt := [link["href"] for link in body["links"] if link["rel"] == "next"]):
                # FeaturesAssertions: the suite replays next links with limit=maximum, at most PAGING_LIMIT + 1
                href = re.sub(r"limit=\d+", f"limit={hi}", _path(nxt[0]))
                body = client.get(href).json()
                seen += [f["id"] for f in body["features"]]
                hops += 1
                assert hops <= 4
            first = client.get(f"/ogc/collections/{cid}/items", params={"limit": small}).json()
            assert first["numberMatched"] == len(seen) == len(set(seen)), cid


def _ids(client, cid: str, **params) -> set[str]:
    r = client.get(f"/ogc/collections/{cid}/items", params={"limit": 10000, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["numberMatched"] == body["numberReturned"]
    return {f["id"] for f in body["features"]}


def test_datetime_tests_built_from_the_temporal_extent_like_the_suite(client):
    """FeaturesTime: begin instant, [begin+q, begin+2q] interval, begin+q/P2D duration period."""
    doc = client.get("/ogc/collections/mdmap-maine").json()
    begin, end = (datetime.fromisoformat(x.replace("Z", "+00:00")) for x in doc["extent"]["temporal"]["interval"][0])
    quarter = (end - begin) / 4
    b1 = begin + quarter
    b2 = b1 + quarter
    every = client.get("/ogc/collections/mdmap-maine/items", params={"limit": 10000}).json()["features"]
    dates = {f["id"]: date.fromisoformat(f["properties"]["event_date"]) for f in every}

    def expect(lo: date, hi: date) -> set[str]:
        return {fid for fid, d in dates.items() if lo <= d <= hi}

    fmt = "%Y-%m-%dT%H:%M:%SZ"
    assert _ids(client, "mdmap-maine", datetime=begin.strftime(fmt)) == expect(begin.date(), begin.date())
    assert _ids(client, "mdmap-maine", datetime=f"{b1.strftime(fmt)}/{b2.strftime(fmt)}") == expect(b1.date(),
                                                                                                   b2.date())
    period = _ids(client, "mdmap-maine", datetime=f"{b1.date().isoformat()}/P2D")
    assert period == expect(b1.date(), b1.date() + timedelta(days=2))
    wide = _ids(client, "mdmap-maine", datetime=f"{begin.date().isoformat()}/P1Y")
    assert wide == expect(begin.date(), begin.date().replace(year=begin.year + 1)) and wide
    assert client.get("/ogc/collections/mdmap-maine/items", params={"datetime": "2019-01-01/P"}).status_code == 400


def test_part2_epsg4326_swaps_axes_and_says_so(client):
    crs84 = client.get("/ogc/collections/sites/items", params={"limit": 3}).json()["features"]
    r = client.get("/ogc/collections/sites/items", params={"limit": 3, "crs": EPSG4326})
    assert r.status_code == 200 and r.headers["content-crs"] == f"<{EPSG4326}>"
    for a, b in zip(crs84, r.json()["features"], strict=True):
        assert b["geometry"]["coordinates"] == list(reversed(a["geometry"]["coordinates"]))
    lon, lat = crs84[0]["geometry"]["coordinates"]
    box_lonlat = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    box_latlon = f"{lat - 0.01},{lon - 0.01},{lat + 0.01},{lon + 0.01}"
    assert _ids(client, "sites", bbox=box_lonlat) == _ids(client, "sites", bbox=box_latlon, **{"bbox-crs": EPSG4326})
    assert crs84[0]["id"] in _ids(client, "sites", bbox=box_lonlat)
    one = client.get(f"/ogc/collections/sites/items/{quote(crs84[0]['id'], safe='')}", params={"crs": EPSG4326})
    assert one.headers["content-crs"] == f"<{EPSG4326}>" and one.json()["geometry"]["coordinates"] == [lat, lon]
    bad = client.get("/ogc/collections/sites/items", params={"crs": "http://www.opengis.net/def/crs/EPSG/0/3857"})
    assert bad.status_code == 400 and "crs must be one of" in bad.json()["detail"]
