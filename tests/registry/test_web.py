"""Registry web pages: browse, map, record pages, forms with CSRF, and XSS payloads in every text field of
every entity type rendered escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from litterhub.app import create_app
from litterhub.registry.entities import ENTITY_TYPES
from litterhub.services import auth
from litterhub.services import registry as svc
from tests.registry.conftest import PASSWORD

PAYLOADS = ['<script>alert("xss")</script>', '"><img src=x onerror=alert(1)>']
SPECIAL = {"id", "type", "url", "licence", "countries", "regions", "languages", "topics", "sources", "cas_rn",
           "dataset_ids", "formats", "compartments", "headquarters", "currency", "provider", "regional_activity"}


def _value(name: str, schema: dict, payload: str):
    """A value for one field: the payload for free text, a valid value for constrained fields."""
    options = schema.get("anyOf", [schema])
    kinds = [o for o in options if o.get("type") != "null"]
    first = kinds[0] if kinds else {}
    if "enum" in first or "const" in first:
        return (first.get("enum") or [first.get("const")])[0]
    if first.get("type") == "string" and not first.get("pattern"):
        return payload
    if first.get("type") == "string":
        return "2020-01-01"
    items = first.get("items", {})
    if first.get("type") == "array" and items.get("type") == "string" and not items.get("enum"):
        return [payload]
    if first.get("type") == "object" and name == "names":
        return {"en": payload, "ar": payload}
    return None


def xss_record(type_name: str, payload: str) -> dict:
    model = ENTITY_TYPES[type_name]
    schema = model.model_json_schema()
    data = {"type": type_name, "sources": ["https://example.org/xss"], "countries": ["KEN"], "topics": ["monitoring"]}
    for name, prop in schema["properties"].items():
        if name in SPECIAL or name in data:
            continue
        value = _value(name, prop, payload)
        if value is not None:
            data[name] = value
    if type_name == "additive":
        data["listings"] = [{"instrument": payload, "listing": payload, "year": 2020, "source": "https://e.org"}]
    if type_name == "industry_initiative":
        data["progress"] = [{"year": 2020, "text": payload, "source": "https://e.org"}]
    return data


@pytest.fixture()
def app(hub):
    return create_app(hub)


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, email: str) -> str:
    page = client.get("/account/login")
    r = client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token(page.text),
                                            "next": "/account"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return token(client.get("/account").text)


def test_pages_render_with_seed(seeded_client):
    r = seeded_client.get("/registry")
    assert r.status_code == 200 and 'data-facet="type"' in r.text
    r = seeded_client.get("/registry", params={"q": "海洋垃圾"})
    assert "/registry/records/policy-unea-res-3-7" in r.text and "海洋垃圾和微塑料" in r.text
    r = seeded_client.get("/registry", params={"type": "additive", "year": "2023"})
    assert "Dechlorane Plus" in r.text and "Bisphenol" not in r.text
    r = seeded_client.get("/registry/map")
    assert "/static/vendor/leaflet/leaflet.js" in r.text and "countries-110m.json" in r.text
    assert '"country": "KEN"' in r.text or '"country":"KEN"' in r.text
    r = seeded_client.get("/registry/records/guideline-noaa-mdmap-shoreline-guide")
    assert r.status_code == 200 and "followed by" in r.text and "<svg" in r.text
    assert "/registry/records/initiative-noaa-mdmap" in r.text
    assert seeded_client.get("/registry/records/nope-nope").status_code == 404
    assert seeded_client.get("/registry/new", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("type_name", sorted(ENTITY_TYPES))
def test_xss_payloads_are_escaped_everywhere(app, hub, type_name):
    reviewer = svc.Caller("user:99", "reviewer")
    with TestClient(app) as client:
        for i, payload in enumerate(PAYLOADS):
            data = xss_record(type_name, payload)
            data["title"] = payload + f" {type_name} {i}"
            rid = svc.create_record(hub, data, reviewer, publish=True)["id"]
            svc.add_comment(hub, rid, payload, svc.Caller("user:98", "contributor", payload))
            other = svc.create_record(hub, {"type": "region", "kind": "marine-region", "title": payload + " sea",
                                            "sources": ["https://e.org"], "countries": ["KEN"],
                                            "topics": ["monitoring"]}, reviewer, publish=True)["id"]
            svc.add_link(hub, rid, other, "related", reviewer, note=payload)
            pages = [client.get(f"/registry/records/{rid}"), client.get("/registry", params={"q": type_name}),
                     client.get("/registry", params={"q": payload}), client.get("/registry/map")]
            for page in pages:
                assert page.status_code == 200
                assert payload not in page.text, page.url
                assert "<script>alert" not in page.text and "<img src=x" not in page.text
            record_page = pages[0].text
            escaped = "&lt;script&gt;alert(" if i == 0 else "&lt;img src=x"
            text_fields = [k for k, v in data.items() if v == payload or v == [payload]]
            # every text field, the comment, its author name and the link note are shown, all escaped
            assert record_page.count(escaped) >= len(text_fields) + 2, (type_name, text_fields)


def test_web_submission_review_and_comment_with_csrf(app, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD, role="contributor")
    auth.create_user(hub, "rev@example.org", PASSWORD, role="reviewer")
    with TestClient(app) as browser:
        csrf = sign_in(browser, "ana@example.org")
        form = {"type": "actor", "title": "Web Submitted NGO", "sources": "https://example.org/ngo",
                "countries": "KEN, TZA", "languages": "en, sw", "extra": '{"kind": "ngo"}', "topics": ["monitoring"]}
        assert browser.post("/registry/new", data={**form, "csrf_token": "forged"}).status_code == 403
        bad = browser.post("/registry/new", data={**form, "csrf_token": csrf, "sources": ""})
        assert bad.status_code == 422 and "sources" in bad.text
        r = browser.post("/registry/new", data={**form, "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303
        rid = r.headers["location"].rsplit("/", 1)[-1]
        assert svc.get_record(hub, rid, svc.Caller("x", "reviewer"))["data"]["countries"] == ["KEN", "TZA"]
        assert browser.post(f"/registry/records/{rid}/review", data={"csrf_token": csrf, "action": "publish"},
                            follow_redirects=False).status_code == 403
    with TestClient(app) as browser:
        csrf = sign_in(browser, "rev@example.org")
        page = browser.get(f"/registry/records/{rid}")
        assert 'value="publish"' in page.text
        r = browser.post(f"/registry/records/{rid}/review", data={"csrf_token": csrf, "action": "publish"},
                         follow_redirects=False)
        assert r.status_code == 303
        r = browser.post(f"/registry/records/{rid}/comments", data={"csrf_token": csrf, "body": "Welcome!"},
                         follow_redirects=False)
        assert r.status_code == 303
        r = browser.post(f"/registry/records/{rid}/comments", data={"csrf_token": "bad", "body": "x"})
        assert r.status_code == 403
    with TestClient(app) as anonymous:
        page = anonymous.get(f"/registry/records/{rid}")
        assert "Web Submitted NGO" in page.text and "Welcome!" in page.text
        r = anonymous.post(f"/registry/records/{rid}/comments", data={"body": "x"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/account/login")


def test_web_edit_link_queue_and_capacity_requests(app, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD, role="contributor")
    auth.create_user(hub, "rev@example.org", PASSWORD, role="reviewer")
    reviewer = svc.Caller("user:2", "reviewer")
    ana = svc.Caller("user:1", "contributor")
    sea = svc.create_record(hub, {"type": "region", "kind": "regional-seas", "title": "Test Sea",
                                  "sources": ["https://e.org/s"]}, reviewer, publish=True)["id"]
    need_id = svc.create_record(hub, {"type": "capacity_need", "title": "Need training", "topics": ["monitoring"],
                                      "sources": ["https://e.org/n"]}, reviewer, publish=True)["id"]
    offer_id = svc.create_record(hub, {"type": "capacity_offer", "title": "Offer course", "topics": ["monitoring"],
                                       "sources": ["https://e.org/o"]}, ana)["id"]
    svc.review(hub, offer_id, "publish", reviewer)
    with TestClient(app) as browser:
        csrf = sign_in(browser, "ana@example.org")
        assert browser.get("/registry/review", follow_redirects=False).status_code == 403
        form = browser.get(f"/registry/records/{offer_id}/edit")
        assert form.status_code == 200 and "Offer course" in form.text
        r = browser.post(f"/registry/records/{offer_id}/edit", follow_redirects=False,
                         data={"csrf_token": csrf, "type": "capacity_offer", "title": "Offer course (online)",
                               "sources": "https://e.org/o", "topics": ["monitoring"]})
        assert r.status_code == 303
        assert svc.get_record(hub, offer_id)["data"]["title"] == "Offer course"  # waits for review
        r = browser.post(f"/registry/records/{offer_id}/links", follow_redirects=False,
                         data={"csrf_token": csrf, "type": "in_region", "target": sea})
        assert r.status_code == 303 and svc.neighbourhood(hub, offer_id) == []  # waits for a reviewer
        assert svc.pending_links(hub, ana)[0]["target_id"] == sea
        page = browser.get(f"/registry/records/{need_id}")
        assert "Send request" in page.text and offer_id in page.text
        r = browser.post(f"/registry/records/{need_id}/capacity", follow_redirects=False,
                         data={"csrf_token": csrf, "offer_id": offer_id, "message": "please"})
        assert r.status_code == 303
        req = svc.list_requests(hub, ana, need_id)[0]
        for action, extra in (("accept", {}), ("complete", {"outcome": "Course held for 12 people"})):
            r = browser.post(f"/registry/records/{offer_id}/capacity", follow_redirects=False,
                             data={"csrf_token": csrf, "request_id": str(req["id"]), "action": action, **extra})
            assert r.status_code == 303
        assert svc.get_request(hub, req["id"])["outcome"] == "Course held for 12 people"
    with TestClient(app) as browser:
        sign_in(browser, "rev@example.org")
        queue = browser.get("/registry/review")
        assert queue.status_code == 200 and f"/registry/records/{offer_id}#review" in queue.text
        link_id = svc.pending_links(hub, reviewer)[0]["id"]
        assert f"/registry/links/{link_id}/review" in queue.text
        r = browser.post(f"/registry/links/{link_id}/review", follow_redirects=False,
                         data={"csrf_token": token(queue.text), "action": "approve"})
        assert r.status_code == 303 and svc.neighbourhood(hub, offer_id)[0]["other_id"] == sea


WEB_WRITES = ["/registry/new", "/registry/records/{rid}/edit", "/registry/records/{rid}/review",
              "/registry/records/{rid}/comments", "/registry/records/{rid}/links", "/registry/records/{rid}/capacity"]


@pytest.mark.parametrize("path", WEB_WRITES)
def test_every_web_write_needs_sign_in_and_csrf(app, hub, path):
    auth.create_user(hub, "ana@example.org", PASSWORD, role="contributor")
    rid = svc.create_record(hub, {"type": "actor", "kind": "ngo", "title": "NGO", "sources": ["https://e.org"]},
                            svc.Caller("user:9", "reviewer"), publish=True)["id"]
    url = path.format(rid=rid)
    with TestClient(app) as anonymous:
        r = anonymous.post(url, data={"title": "x"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/account/login")
    with TestClient(app) as browser:
        sign_in(browser, "ana@example.org")
        r = browser.post(url, data={"csrf_token": "forged", "title": "x", "body": "x", "action": "publish"},
                         follow_redirects=False)
        assert r.status_code == 403
    assert svc.get_record(hub, rid)["latest_revision"] == 1 and svc.comments(hub, rid) == []
