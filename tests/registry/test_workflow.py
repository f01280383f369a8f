"""Links, neighbourhood, graph, link suggestions, threaded moderated comments, capacity matching with its
request workflow, import/export round trips and the idempotent seed."""

from __future__ import annotations

import json

import pytest

from litterhub.services import registry as svc
from litterhub.services.registry import Caller, RegistryError

ALICE = Caller("user:1", "contributor")
BOB = Caller("user:2", "contributor")
REVIEWER = Caller("user:3", "reviewer")


def _publish(hub, data, who=REVIEWER) -> str:
    return svc.create_record(hub, data, who, publish=who.can("reviewer"))["id"]


def _rec(type_, title, **kw):
    return {"type": type_, "title": title, "sources": ["https://example.org/" + title.replace(" ", "-")], **kw}


def test_links_neighbourhood_graph_and_suggestions(hub):
    sea = _publish(hub, _rec("region", "Test Sea", kind="regional-seas", topics=["monitoring"]))
    guide = _publish(hub, _rec("guideline", "Beach protocol", regions=[sea], topics=["monitoring", "beach-litter"]))
    prog = _publish(hub, _rec("initiative", "Beach programme", kind="monitoring-programme", regions=[sea],
                              topics=["beach-litter"]))
    other = _publish(hub, _rec("initiative", "Far away", kind="project", countries=["CHL"], topics=["beach-litter"]))
    assert [s["id"] for s in svc.suggest_links(hub, prog)] == [guide]
    svc.add_link(hub, prog, guide, "follows_guideline", ALICE)
    with pytest.raises(RegistryError) as err:
        svc.add_link(hub, prog, other, "follows_guideline", ALICE)
    assert err.value.status == 422
    with pytest.raises(RegistryError) as err:
        svc.add_link(hub, prog, guide, "follows_guideline", ALICE)
    assert err.value.status == 409
    svc.add_link(hub, guide, sea, "in_region", ALICE)
    assert svc.suggest_links(hub, prog) == []  # already linked
    assert svc.neighbourhood(hub, guide) == []  # a contributor's links wait for review
    pending = svc.pending_links(hub, REVIEWER)
    assert len(pending) == 2 and svc.pending_links(hub, BOB) == [] and len(svc.pending_links(hub, ALICE)) == 2
    for link in pending:
        assert svc.review_link(hub, link["id"], "approve", REVIEWER)["status"] == "published"
    hood = {(n["label"], n["other_id"]) for n in svc.neighbourhood(hub, guide)}
    assert hood == {("followed by", prog), ("in region", sea)}
    graph = svc.graph(hub, prog, depth=2)
    assert {n["id"] for n in graph["nodes"]} == {prog, guide, sea}
    assert len(graph["edges"]) == 2
    link_id = svc.neighbourhood(hub, prog)[0]["id"]
    with pytest.raises(RegistryError) as err:
        svc.remove_link(hub, link_id, BOB)
    assert err.value.status == 403
    svc.remove_link(hub, link_id, ALICE)
    assert svc.neighbourhood(hub, prog) == []


def test_threaded_comments_and_moderation(hub):
    rid = _publish(hub, _rec("actor", "Some NGO", kind="ngo"))
    first = svc.add_comment(hub, rid, "Is the founding year right?", ALICE)
    reply = svc.add_comment(hub, rid, "Yes, see the annual report.", BOB, parent_id=first["id"])
    with pytest.raises(RegistryError):
        svc.add_comment(hub, rid, "  ", ALICE)
    with pytest.raises(RegistryError):
        svc.moderate_comment(hub, reply["id"], "hide", BOB, "nope")
    with pytest.raises(RegistryError):
        svc.moderate_comment(hub, reply["id"], "hide", REVIEWER)  # a reason is required
    svc.moderate_comment(hub, reply["id"], "hide", REVIEWER, "off topic")
    public = svc.comments(hub, rid)
    assert public[0]["body"].startswith("Is the") and public[0]["replies"][0]["body"] is None
    moderated = svc.comments(hub, rid, REVIEWER)
    assert moderated[0]["replies"][0]["body"].startswith("Yes") and moderated[0]["replies"][0]["moderation_reason"]
    svc.moderate_comment(hub, reply["id"], "restore", REVIEWER)
    assert svc.comments(hub, rid)[0]["replies"][0]["body"].startswith("Yes")


def test_capacity_matching_and_request_workflow(hub):
    need = _publish(hub, _rec("capacity_need", "Microplastic lab training", topics=["microplastics", "monitoring"],
                              languages=["fr"], countries=["SEN"], formats=["training"]))
    good = svc.create_record(hub, _rec("capacity_offer", "Lab course in French", topics=["microplastics"],
                                       languages=["fr", "en"], countries=["SEN"], formats=["training"]), ALICE)["id"]
    svc.review(hub, good, "publish", REVIEWER)
    _publish(hub, _rec("capacity_offer", "Course in Russian", topics=["microplastics"], languages=["ru"]))
    _publish(hub, _rec("capacity_offer", "Finance workshop", topics=["financing"], languages=["fr"]))
    matches = svc.capacity_matches(hub, need)
    assert [m["id"] for m in matches] == [good]
    assert matches[0]["reasons"] == {"topic": ["microplastics"], "language": ["fr"], "country": ["SEN"],
                                     "format": ["training"]}
    assert [m["id"] for m in svc.capacity_matches(hub, good)] == [need]
    req = svc.request_capacity(hub, need, good, BOB, "We have 6 technicians")
    assert req["status"] == "requested"
    with pytest.raises(RegistryError) as err:
        svc.act_on_request(hub, req["id"], "accept", BOB)  # only the offer's owner or a reviewer
    assert err.value.status == 403
    assert svc.act_on_request(hub, req["id"], "accept", ALICE)["status"] == "accepted"
    with pytest.raises(RegistryError) as err:
        svc.act_on_request(hub, req["id"], "complete", ALICE)
    assert err.value.code == "reason-required"
    done = svc.act_on_request(hub, req["id"], "complete", ALICE, "Two-day course held; 6 technicians trained")
    assert done["status"] == "completed" and done["outcome"].startswith("Two-day")
    with pytest.raises(RegistryError) as err:
        svc.act_on_request(hub, req["id"], "cancel", BOB)
    assert err.value.status == 409


def test_capacity_request_over_the_api(write_client, keys):
    c = write_client
    need = c.post("/api/v1/registry/records", params={"publish": "true"}, headers=keys["reviewer"],
                  json=_rec("capacity_need", "Need A", topics=["monitoring"])).json()["id"]
    offer = c.post("/api/v1/registry/records", headers=keys["contributor"],
                   json=_rec("capacity_offer", "Offer A", topics=["monitoring"])).json()["id"]
    c.post(f"/api/v1/registry/records/{offer}/review", json={"action": "publish"}, headers=keys["reviewer"])
    assert c.get(f"/api/v1/registry/records/{need}/matches").json()[0]["id"] == offer
    rid = c.post("/api/v1/registry/capacity/requests", json={"need_id": need, "offer_id": offer},
                 headers=keys["other"]).json()["id"]
    assert c.post(f"/api/v1/registry/capacity/requests/{rid}/accept", headers=keys["other"]).status_code == 403
    assert c.post(f"/api/v1/registry/capacity/requests/{rid}/accept",
                  headers=keys["contributor"]).json()["status"] == "accepted"
    r = c.post(f"/api/v1/registry/capacity/requests/{rid}/complete", json={"outcome": "done"},
               headers=keys["contributor"])
    assert r.json()["status"] == "completed"


def test_json_and_csv_round_trip(seeded_hub, hub):
    exported = svc.export_records(seeded_hub, "json")
    doc = json.loads(exported)
    assert len(doc["records"]) >= 150 and len(doc["links"]) >= 100
    result = svc.import_records(hub, exported, "json", REVIEWER, publish=True)
    assert len(result["created"]) == len(doc["records"]) and result["links"] == len(doc["links"])
    assert json.loads(svc.export_records(hub, "json")) == doc
    csv_text = svc.export_records(seeded_hub, "csv")
    assert csv_text.splitlines()[0].startswith("id,type,title")
    again = svc.import_records(hub, csv_text, "csv", REVIEWER, publish=True)
    assert again["created"] == [] and len(again["skipped"]) == len(doc["records"])


def test_csv_import_restores_typed_fields(hub):
    data = _rec("additive", "=cmd|' /C calc'!A0", cas_rn=["25637-99-4"], functions=["flame retardant"],
                listings=[{"instrument": "Stockholm Convention", "listing": "Annex A", "year": 2013,
                           "source": "https://www.pops.int"}])
    rid = _publish(hub, data)
    text = svc.export_records(hub, "csv")
    assert "'=cmd" in text
    fresh = svc.export_records  # keep the name in scope for readability
    from litterhub.registry import csvio

    rows = csvio.read_csv(text)
    assert rows[0][1]["title"] == data["title"] and rows[0][1]["listings"][0]["year"] == 2013
    assert rows[0][1]["id"] == rid and fresh


def test_bad_import_changes_nothing(hub):
    bad = json.dumps({"records": [_rec("actor", "Good one", kind="ngo"), _rec("actor", "No kind")]})
    with pytest.raises(RegistryError) as err:
        svc.import_records(hub, bad, "json", REVIEWER, publish=True)
    assert err.value.status == 422 and err.value.errors[0]["field"].startswith("record 2")
    assert json.loads(svc.export_records(hub, "json"))["records"] == []
    with pytest.raises(RegistryError):
        svc.import_records(hub, "{not json", "json", REVIEWER)
    with pytest.raises(RegistryError):
        svc.import_records(hub, "a,b\n1,2\n", "csv", REVIEWER)


def test_seed_is_idempotent_and_sourced(hub):
    first = svc.load_seed(hub)
    assert len(first["created"]) >= 150 and first["links"] >= 100
    second = svc.load_seed(hub)
    assert second["created"] == [] and second["links"] == 0
    doc = json.loads(svc.export_records(hub, "json"))
    assert all(r["sources"] for r in doc["records"])
    ids = {r["id"] for r in doc["records"]}
    for expected in ("guideline-gesamp-2019", "guideline-unep-ioc-2009", "guideline-msfd-tgml-2013",
                     "guideline-eu-joint-list-2021", "guideline-ospar-beach-litter", "guideline-noaa-mdmap-2013",
                     "guideline-amap-2021", "policy-eu-sup-directive", "policy-kenya-plastic-bag-ban",
                     "industry-global-commitment", "actor-unep", "actor-gesamp", "actor-helcom",
                     "initiative-marine-litterwatch", "initiative-noaa-mdmap", "initiative-icc",
                     "initiative-mcs-beachwatch", "initiative-openlittermap", "initiative-plastic-pirates",
                     "initiative-iqaasl", "initiative-plastock", "initiative-emodnet-chemistry-litter",
                     "initiative-ncei-microplastics", "additive-pfoa", "additive-uv-328", "additive-dechlorane-plus"):
        assert expected in ids
    follows = {(lk["source"], lk["target"]) for lk in doc["links"] if lk["type"] == "follows_guideline"}
    assert ("initiative-noaa-mdmap", "guideline-noaa-mdmap-shoreline-guide") in follows
    assert ("initiative-marine-litterwatch", "guideline-msfd-tgml-2013") in follows
    guideline = next(r for r in doc["records"] if r["id"] == "guideline-noaa-mdmap-shoreline-guide")
    assert guideline["dataset_ids"] == ["mdmap-maine"]


def test_regions_must_be_region_records(hub):
    actor = _publish(hub, _rec("actor", "An NGO", kind="ngo"))
    with pytest.raises(RegistryError) as err:
        _publish(hub, _rec("initiative", "Project X", kind="project", regions=["region-nowhere"]))
    assert err.value.status == 422 and err.value.errors[0]["field"] == "regions"
    with pytest.raises(RegistryError):
        _publish(hub, _rec("initiative", "Project Y", kind="project", regions=[actor]))  # an actor is no region
    bad = json.dumps({"records": [_rec("initiative", "Project Z", kind="project", regions=["region-later"]),
                                  {**_rec("region", "Later Sea", kind="regional-seas"), "id": "region-later"}]})
    assert len(svc.import_records(hub, bad, "json", REVIEWER, publish=True)["created"]) == 2
