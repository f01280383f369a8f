"""The learning centre (issue 22): learning resources and paths are registry records with level, language,
duration, provider, format and skills; a dataset's page links the training for its protocol (through the guideline
records that name the dataset); a guideline's page links its training; capacity needs are matched to resources;
web, API and CLI; and in Chromium a learning path is followed from a dataset page's protocol link."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.cli import app as cli_app
from litterhub.registry.entities import URL_RE, parse_record
from litterhub.services import learning
from litterhub.services import registry as registry_svc
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

SEED = registry_svc.SEED_DIR / "learning.json"
NEED = {"type": "capacity_need", "title": "Training our coastguard volunteers to survey beaches",
        "countries": ["KEN"], "languages": ["en"], "topics": ["monitoring", "beach-litter"], "formats": ["training"],
        "sources": ["https://example.org/kenya-need"]}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp("learning") / "data")
    assert ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine").ok
    registry_svc.load_seed(hub)
    need = registry_svc.create_record(hub, NEED, registry_svc.SYSTEM, publish=True)
    yield hub, need["id"]
    hub.close()


def test_seed_resources_are_real_sourced_records():
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    records = [parse_record({**doc["defaults"], **r}) for r in doc["records"]]
    resources = [r for r in records if r.type == "learning_resource"]
    assert len(resources) >= 10
    for r in resources:
        assert r.sources and all(URL_RE.match(s) or s.startswith("doi:") for s in r.sources)
        assert r.level and r.format and r.provider and r.skills and r.languages
    ids = {r.id for r in resources}
    for p in (r for r in records if r.type == "learning_path"):
        assert p.steps and set(p.steps) <= ids, p.id  # every step is one of the seeded resources


def test_training_for_a_dataset_goes_through_its_protocol(world):
    hub, _ = world
    found = learning.for_dataset(hub, "mdmap-maine")
    guidelines = {g["id"] for g in found["guidelines"]}
    assert guidelines == {"guideline-noaa-mdmap-2013", "guideline-noaa-mdmap-shoreline-guide"}
    assert found["resources"] and all(set(r["protocols"]) & guidelines for r in found["resources"])
    assert "path-mdmap-shoreline-survey" in [p["id"] for p in found["paths"]]
    assert learning.for_dataset(hub, "no-such-dataset")["resources"] == []
    ospar = learning.for_protocol(hub, "guideline-ospar-beach-litter")
    assert [r["id"] for r in ospar["resources"]] == ["learning-ospar-beach-litter"]
    assert "path-ospar-msfd-beach-survey" in [p["id"] for p in ospar["paths"]]
    with pytest.raises(learning.LearningError):
        learning.for_protocol(hub, "no-such-guideline")


def test_filters_and_paths(world):
    hub, _ = world
    videos = learning.resources(hub, fmt="video")
    assert [r["id"] for r in videos] == ["learning-noaa-mdmap-tutorials"]
    assert {r["level"] for r in learning.resources(hub, level="advanced")} == {"advanced"}
    spanish = learning.resources(hub, language="es")
    assert spanish and all("es" in r["languages"] for r in spanish)
    assert [r["id"] for r in learning.resources(hub, skill="SDG 14.1.1b")] == ["learning-sdg-1411-metadata"]
    path = learning.path(hub, "path-compute-sdg-1411b")
    assert [s["position"] for s in path["steps"]] == [1, 2, 3] and all(s["found"] for s in path["steps"])
    with pytest.raises(learning.LearningError):
        learning.path(hub, "nope")


def test_capacity_need_is_matched_to_learning_resources(world):
    hub, need_id = world
    found = learning.for_need(hub, need_id)["resources"]
    assert found and found == sorted(found, key=lambda r: (-r["score"], r["id"]))
    assert all({"monitoring", "beach-litter"} & set(r["reasons"]["topic"]) for r in found)
    assert all(r["reasons"].get("language") == ["en"] for r in found)


def test_api_and_cli(world):
    from litterhub.app import create_app

    hub, need_id = world
    with TestClient(create_app(hub)) as c:
        assert c.get("/api/v1/learning", params={"format": "video"}).json()["resources"][0]["id"] == \
            "learning-noaa-mdmap-tutorials"
        assert c.get("/api/v1/learning/datasets/mdmap-maine").json() == json.loads(json.dumps(
            learning.for_dataset(hub, "mdmap-maine")))
        missing = c.get("/api/v1/learning/paths/nope")
        assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "learning-not-found"
        assert c.get(f"/api/v1/learning/needs/{need_id}").json()["resources"]
        record = c.get("/registry/records/guideline-noaa-mdmap-shoreline-guide")
        assert 'href="/learning?protocol=guideline-noaa-mdmap-shoreline-guide"' in record.text
        assert f'href="/learning/needs/{need_id}"' in c.get(f"/registry/records/{need_id}").text
    run = CliRunner().invoke(cli_app, ["learning", "path", "path-mdmap-shoreline-survey", "--json",
                                       "--data-dir", str(hub.settings.data_dir)])
    assert run.exit_code == 0 and json.loads(run.output)["steps"][0]["id"] == "learning-noaa-mdmap-tutorials"
    bad = CliRunner().invoke(cli_app, ["learning", "path", "nope", "--data-dir", str(hub.settings.data_dir)])
    assert bad.exit_code == 2 and "learning-not-found" in bad.output


@pytest.mark.browser
@pytest.mark.parametrize(("width", "lang"), [(360, "fr"), (1366, "en")])
def test_follow_a_learning_path_from_a_dataset_page(browser, world, width, lang):
    from litterhub.app import create_app
    from tests.conftest import serve_in_thread

    hub, _ = world
    base, server = serve_in_thread(create_app(hub))
    try:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/datasets/mdmap-maine?lang={lang}")
        page.click("#protocol-training")
        page.wait_for_selector("#training-for")
        assert page.locator("#training-for .learning-resource").count() == len(
            learning.for_dataset(hub, "mdmap-maine")["resources"])
        page.click("#focus-paths a[href='/learning/paths/path-mdmap-shoreline-survey']")
        page.wait_for_selector("#path-steps")
        steps = learning.path(hub, "path-mdmap-shoreline-survey")["steps"]
        assert page.locator("#path-steps > li").count() == len(steps)
        first = page.locator("#path-steps > li a").first
        assert first.get_attribute("href") == steps[0]["url"] and re.search("MDMAP", first.inner_text())
        assert page.get_attribute("html", "lang") == lang
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        page.close()
    finally:
        server.should_exit = True
