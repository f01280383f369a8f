"""What a profile may show from the registry: published records only, capacity needs and offers with their
matches, never a draft or a private capacity request; and a hub without surveys says so instead of numbers."""

from __future__ import annotations

import json

from litterhub.services import countries
from litterhub.services import registry as reg


def test_profile_shows_published_records_and_matches_never_drafts_or_requests(hub):
    need = {"type": "capacity_need", "id": "need-usa-monitoring", "title": "Beach litter monitoring training",
            "summary": "Training for beach litter monitoring and data management.", "countries": ["USA"],
            "formats": ["training"], "topics": ["capacity-building", "data-management"], "languages": ["en"],
            "sources": ["https://example.org/x"]}
    offer = {"type": "capacity_offer", "id": "offer-monitoring-course", "title": "Monitoring and data course",
             "summary": "Training on beach litter monitoring and data management.", "formats": ["training"],
             "topics": ["capacity-building", "data-management"], "languages": ["en"],
            "sources": ["https://example.org/x"]}
    draft = {"type": "policy", "id": "draft-usa-ban", "title": "Draft bag ban", "summary": "A draft.",
             "kind": "ban", "status": "proposed",
             "countries": ["USA"],
            "sources": ["https://example.org/x"]}
    reg.create_record(hub, need, reg.SYSTEM, publish=True)
    reg.create_record(hub, offer, reg.SYSTEM, publish=True)
    reg.create_record(hub, draft, reg.SYSTEM, publish=False)
    reg.request_capacity(hub, "need-usa-monitoring", "offer-monitoring-course", reg.SYSTEM,
                         message="PRIVATE-REQUEST-TEXT")
    profile = countries.profile(hub, "usa")
    assert profile["country"] == "USA"
    needs = profile["registry"]["capacity_need"]
    assert [n["id"] for n in needs] == ["need-usa-monitoring"]
    assert "offer-monitoring-course" in {m["id"] for m in needs[0]["matches"]}
    text = json.dumps(profile, default=str)
    assert "draft-usa-ban" not in text and "PRIVATE-REQUEST-TEXT" not in text


def test_profile_without_surveys_says_why(hub):
    profile = countries.profile(hub, "PHL")
    assert [g["code"] for g in profile["monitoring"]["gaps"]] == ["no-surveys"]
    assert profile["indicators"]["beach"]["rows"] == [] and profile["indicators"]["sdg"]["rows"] == []
    advice = profile["design"]
    assert advice["surveys_per_beach_per_year"] is None and "cannot be estimated" in advice["note"]
    assert profile["inventory"]["models"] is not None  # the published models cover the Philippines


def test_submitted_inventory_versions_and_sources_reach_the_profile(write_client, hub):
    from litterhub.services import inventory

    own = [inventory.Override("emission_ratio", 0.05, "DENR 2024 river survey")]
    inventory.submit_inventory(hub, "PHL", "meijer", "DENR", overrides=own)
    inventory.submit_inventory(hub, "PHL", "meijer", "DENR")
    section = countries.profile(hub, "PHL")["inventory"]
    assert [v["version"] for v in section["versions"]["meijer"]] == [2, 1]
    assert "DENR 2024 river survey" in section["versions"]["meijer"][1]["sources"]
    assert [r["country"] for r in countries.country_index(hub)] == ["PHL"]
    page = write_client.get("/countries/PHL")
    assert page.status_code == 200 and "DENR 2024 river survey" in page.text
