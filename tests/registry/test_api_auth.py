"""Authorisation on every registry write: anonymous callers get 401, too-low roles 403, and allowed calls
do what they say and leave an audit-log row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from litterhub.store import tables as t
from tests.registry.conftest import record

# (method, path, json, lowest role)
WRITES = [
    ("post", "/api/v1/registry/records", record(), "contributor"),
    ("put", "/api/v1/registry/records/{id}", record(title="Edited"), "contributor"),
    ("post", "/api/v1/registry/records/{id}/review", {"action": "publish"}, "reviewer"),
    ("post", "/api/v1/registry/links", {"source": "{id}", "target": "{region}", "type": "member_of"}, "contributor"),
    ("delete", "/api/v1/registry/links/1", None, "contributor"),
    ("post", "/api/v1/registry/records/{region}/comments", {"body": "hello"}, "contributor"),
    ("post", "/api/v1/registry/comments/1/moderate", {"action": "hide", "reason": "spam"}, "reviewer"),
    ("post", "/api/v1/registry/capacity/requests", {"need_id": "{need}", "offer_id": "{offer}"}, "contributor"),
    ("post", "/api/v1/registry/capacity/requests/1/accept", {}, "contributor"),
    ("post", "/api/v1/registry/import", None, "contributor"),
    ("get", "/api/v1/registry/review-queue", None, "reviewer"),
    ("get", "/api/v1/registry/records/{id}/suggestions", None, "reviewer"),
    ("get", "/api/v1/registry/capacity/requests", None, "contributor"),
]
ROLE_BELOW = {"contributor": None, "reviewer": "contributor"}


@pytest.fixture()
def ids(write_client, keys):
    """A submitted actor, a published region, need and offer."""
    c = write_client
    made = {"id": c.post("/api/v1/registry/records", json=record(), headers=keys["contributor"]).json()["id"]}
    for key, body in (("region", {"type": "region", "kind": "regional-seas", "title": "Test Sea",
                                  "sources": ["https://example.org/sea"], "topics": ["monitoring"]}),
                      ("need", {"type": "capacity_need", "title": "Training on beach surveys",
                                "sources": ["https://example.org/n"], "topics": ["monitoring"], "languages": ["fr"]}),
                      ("offer", {"type": "capacity_offer", "title": "Beach survey course",
                                 "sources": ["https://example.org/o"], "topics": ["monitoring"], "languages": ["fr"]})):
        r = c.post("/api/v1/registry/records", params={"publish": "true"}, json=body, headers=keys["reviewer"])
        assert r.status_code == 201, r.text
        made[key] = r.json()["id"]
    return made


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("method,path,body,role", WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
def test_anonymous_gets_401_and_low_role_403(write_client, keys, ids, method, path, body, role):
    url = _fill(path, ids)
    kwargs = {"json": _fill(body, ids)} if body is not None else {}
    anonymous = getattr(write_client, method)(url, **kwargs)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert "Bearer" in anonymous.headers.get("www-authenticate", "")
    below = ROLE_BELOW[role]
    if below:
        low = getattr(write_client, method)(url, headers=keys[below], **kwargs)
        assert low.status_code == 403


def test_wrong_key_is_401(write_client):
    r = write_client.post("/api/v1/registry/records", json=record(), headers={"Authorization": "Bearer mlh_x_y"})
    assert r.status_code == 401


def test_submit_review_publish_with_audit(write_client, keys, hub):
    c = write_client
    r = c.post("/api/v1/registry/records", json=record(), headers=keys["contributor"])
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    rid = r.json()["id"]
    assert c.get(f"/api/v1/registry/records/{rid}").status_code == 404  # not public before review
    assert c.get(f"/api/v1/registry/records/{rid}", headers=keys["contributor"]).status_code == 200
    assert c.get(f"/api/v1/registry/records/{rid}", headers=keys["other"]).status_code == 404
    r = c.post(f"/api/v1/registry/records/{rid}/review", json={"action": "reject"}, headers=keys["reviewer"])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    assert c.post(f"/api/v1/registry/records/{rid}/review", json={"action": "start_review"},
                  headers=keys["reviewer"]).json()["status"] == "in_review"
    assert c.post(f"/api/v1/registry/records/{rid}/review", json={"action": "publish"},
                  headers=keys["reviewer"]).json()["status"] == "published"
    assert c.get(f"/api/v1/registry/records/{rid}").json()["data"]["title"] == "Coastal Watch Test Group"
    assert c.post(f"/api/v1/registry/records/{rid}/review", json={"action": "publish"},
                  headers=keys["reviewer"]).status_code == 409
    with hub.engine.connect() as conn:
        query = select(t.audit_log).where(t.audit_log.c.target == f"registry:{rid}").order_by(t.audit_log.c.id)
        actions = [row.action for row in conn.execute(query)]
    assert actions == ["registry.submitted", "registry.in_review", "registry.published"]


def test_edits_are_new_revisions_reviewed_before_they_show(write_client, keys):
    c = write_client
    rid = c.post("/api/v1/registry/records", json=record(), headers=keys["contributor"]).json()["id"]
    url = f"/api/v1/registry/records/{rid}"
    c.post(f"{url}/review", json={"action": "publish"}, headers=keys["reviewer"])
    assert c.put(url, json=record(title="Hijack"), headers=keys["other"]).status_code == 403
    r = c.put(url, json=record(title="Coastal Watch (renamed)"), headers=keys["contributor"])
    assert r.status_code == 200 and r.json()["latest_revision"] == 2
    public = c.get(url).json()
    assert public["revision"] == 1 and public["data"]["title"] == "Coastal Watch Test Group"
    r = c.post(f"{url}/review", json={"action": "reject", "reason": "no source for the new name"},
               headers=keys["reviewer"])
    assert r.json()["revision_status"] == "rejected"
    assert c.get(url).json()["data"]["title"] == "Coastal Watch Test Group"
    c.put(url, json=record(title="Coastal Watch (renamed)"), headers=keys["contributor"])
    c.post(f"{url}/review", json={"action": "publish"}, headers=keys["reviewer"])
    public = c.get(url).json()
    assert public["revision"] == 3 and public["data"]["title"] == "Coastal Watch (renamed)"
    assert c.get(url, params={"revision": 1}).json()["data"]["title"] == "Coastal Watch Test Group"
    statuses = [h["status"] for h in c.get(url, headers=keys["reviewer"]).json()["revisions"]]
    assert statuses == ["published", "rejected", "published"]


def test_invalid_records_answer_422_with_fields(write_client, keys):
    r = write_client.post("/api/v1/registry/records", json=record(sources=[], countries=["ZZZ"]),
                          headers=keys["contributor"])
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} >= {"sources", "countries"}


def test_contributor_cannot_publish_directly(write_client, keys):
    r = write_client.post("/api/v1/registry/records", params={"publish": "true"}, json=record(),
                          headers=keys["contributor"])
    assert r.status_code == 403
