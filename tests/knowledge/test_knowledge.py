"""Issue 18 items 3-7 on the demo hub (seed, knowledge files, GPML country groups and the bundled real samples):
the compendium, national measures, country groups, the seed-content report, the chemical lens of what was found,
through the service, the CLI, the API and the web pages."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.registry.entities import parse_record
from litterhub.services import knowledge
from litterhub.services import registry as registry_svc


def _members_from_csv(shared_data, group_name: str) -> set[str]:
    path = shared_data / "regional-seas-groups" / "gpml_country_groups_members.csv"
    with path.open(encoding="utf-8") as fh:
        return {r["iso3"] for r in csv.DictReader(fh) if r["iso3"] and (
            r["group_name"].strip() == group_name or r["group_name"].startswith(group_name + " "))}


def test_every_record_is_sourced_dated_and_has_a_state(demo_hub):
    stats = knowledge.stats(demo_hub)
    assert stats["total"] >= 250
    assert stats["missing"] == {"source": 0, "licence": 0, "date": 0}
    assert sum(stats["by_verification"].values()) == stats["total"]
    assert sum(stats["by_type"].values()) == stats["total"]
    assert stats["by_verification"]["verified"] >= 4 and stats["by_type"]["practice"] >= 5
    assert stats["by_language"]["en"] == stats["total"]
    for record in knowledge.published(demo_hub):
        assert record["sources"] and record.get("licence") and record.get("as_of"), record["id"]
        assert record.get("verification", "unverified") in ("verified", "unverified", "needs-review")


def test_national_measures_for_thirty_countries_linked_to_items(demo_hub, client):
    overview = knowledge.measures_overview(demo_hub)
    assert overview["countries"] >= 30
    kinds = {k for row in overview["rows"] for k in row["kinds"]}
    assert {"epr", "ban", "levy", "deposit-return", "action-plan"} <= kinds
    gbr = knowledge.measures(demo_hub, "gbr")
    g95 = next(i for i in gbr["items"] if i["item"] == "G95")
    assert g95["since"] == 2019 and "policy-gbr-sct-cotton-buds-2019" in g95["measures"]
    deu = next(i for i in knowledge.measures(demo_hub, "DEU")["items"] if i["item"] == "G95")
    assert deu["since"] == 2021 and deu["measures"] == ["policy-eu-sup-directive"]  # the EU directive applies there
    api = client.get("/api/v1/countries/GBR/measures").json()
    assert api["items"] == gbr["items"]
    page = client.get("/countries/GBR")
    assert page.status_code == 200
    assert "Measures targeting Cotton bud sticks here since 2019" in page.text
    bad = client.get("/api/v1/countries/XXX/measures")
    assert bad.status_code == 404 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["code"] == "knowledge-unknown-country"
    shown = CliRunner().invoke(app, ["countries", "show", "GBR", "--data-dir", str(demo_hub.settings.data_dir)])
    assert shown.exit_code == 0 and "measures targeting Cotton bud sticks (G95) here since 2019" in shown.output
    listing = client.get("/measures")
    assert listing.status_code == 200 and 'data-country="KEN"' in listing.text


def test_compendium_compares_filled_fields(demo_hub, client):
    result = knowledge.compendium(demo_hub)
    assert result["count"] >= 9
    ukpp = next(r for r in result["initiatives"] if r["id"] == "industry-uk-plastics-pact")
    recycling = next(c for c in ukpp["commitments"] if c.get("metric") == "national plastic packaging recycling rate")
    assert (recycling["target_value"], recycling["baseline_value"], recycling["baseline_year"]) == (70, 44, 2018)
    assert ukpp["progress_years"] == sorted(ukpp["progress_years"]) and len(ukpp["progress_years"]) >= 3
    for row in result["initiatives"]:
        assert row["actors"] and row["sector"] and any(row["scope"].values()) and row["commitments"], row["id"]
        for c in row["commitments"]:
            assert c["source"].startswith("http")
    assert result["filled"]["commitments"] == result["count"]
    api_csv = client.get("/api/v1/compendium", params={"format": "csv"})
    rows = list(csv.DictReader(api_csv.text.splitlines()))
    assert len(rows) == result["count"] and rows[0]["id"] == result["initiatives"][0]["id"]
    page = client.get("/compendium")
    assert page.text.count("data-initiative=") == result["count"]
    out = CliRunner().invoke(app, ["registry", "compendium", "--format", "json", "--data-dir",
                                   str(demo_hub.settings.data_dir)])
    assert out.exit_code == 0, out.output
    assert [r["id"] for r in json.loads(out.output)["initiatives"]] == [r["id"] for r in result["initiatives"]]


def test_country_groups_hold_the_real_members(demo_hub, shared_data):
    med = registry_svc.get_record(demo_hub, "region-mediterranean")["data"]
    assert set(med["countries"]) == _members_from_csv(shared_data, "Mediterranean") and len(med["countries"]) > 20
    assert knowledge.GROUPS_SOURCE in med["sources"]
    g7 = registry_svc.get_record(demo_hub, "group-g7")["data"]
    assert set(g7["countries"]) == _members_from_csv(shared_data, "G7") and len(g7["countries"]) == 7
    again = knowledge.import_groups(demo_hub)
    assert again["created"] == [] and again["updated"] == []


def test_group_pages_show_their_registry_record(client):
    g7 = client.get("/api/v1/regions/g7").json()
    members = sorted(m["country"] for m in g7["members"])
    assert g7["record_id"] == "group-g7" and g7["record"]["data"]["countries"] == members and len(members) == 7


def test_seed_refresh_is_idempotent_and_keeps_what_people_revised(hub):
    registry_svc.load_seed(hub)
    reviewer = registry_svc.Caller("user:1", "reviewer")
    data = registry_svc.get_record(hub, "industry-alliance-end-plastic-waste")["data"]
    registry_svc.update_record(hub, data["id"], {**data, "summary": "revised by a reviewer"}, reviewer)
    registry_svc.review(hub, data["id"], "publish", reviewer)
    first = knowledge.refresh_seed(hub)
    assert "industry-global-commitment" in first["updated"]
    assert first["kept_as_revised"] == ["industry-alliance-end-plastic-waste"]
    assert knowledge.refresh_seed(hub)["updated"] == []
    gc = registry_svc.get_record(hub, "industry-global-commitment")["data"]
    parse_record(gc)
    assert gc["commitments"] and gc["progress"] and gc["as_of"] == "2026-12-03"


def test_chemical_lens_of_what_was_found(demo_hub, client):
    from litterhub.vocab.item_polymers import polymers_of

    lens = knowledge.country_lens(demo_hub, "USA")
    assert lens["items"], lens["reason"]
    surveys = [i["surveys"] for i in lens["items"]]
    assert surveys == sorted(surveys, reverse=True) and surveys[0] > 0
    for it in lens["items"]:
        assert it["polymers"] == [p["polymer"] for p in polymers_of(it["item"])]
    page = client.get("/countries/USA")
    assert 'id="country-lens"' in page.text and "not measured content" in page.text
    api = client.get("/api/v1/countries/USA/chemical-lens").json()
    assert [i["item"] for i in api["items"]] == [i["item"] for i in lens["items"]]
    indicators = client.get("/indicators")
    assert indicators.status_code == 200 and 'id="composition-lens"' in indicators.text


def test_stats_through_cli_api_and_web(demo_hub, client):
    stats = knowledge.stats(demo_hub)
    out = CliRunner().invoke(app, ["registry", "stats", "--json", "--data-dir", str(demo_hub.settings.data_dir)])
    assert out.exit_code == 0 and json.loads(out.output) == stats
    assert client.get("/api/v1/registry/stats").json() == stats
    page = client.get("/registry/stats")
    assert page.status_code == 200 and 'data-type="practice"' in page.text
    bad = CliRunner().invoke(app, ["registry", "measures", "XX1", "--data-dir", str(demo_hub.settings.data_dir)])
    assert bad.exit_code == 2 and "(knowledge-unknown-country)" in bad.output


def test_item_pages_list_the_measures_targeting_them(demo_hub, client):
    found = knowledge.item_measures(demo_hub, "G95")
    by_country = {r["country"]: r["since"] for r in found["rows"]}
    assert found["countries"] >= 5 and by_country["GBR"] == 2019
    for r in found["rows"]:
        for m in r["measures"]:
            covered = registry_svc.get_record(demo_hub, m["id"])["data"]["covers"]
            assert "G95" in {c["item"] for c in covered}
    assert client.get("/api/v1/vocab/items/G95/measures").json() == found
    page = client.get("/vocab/items/G95")
    assert 'id="item-measures"' in page.text and 'data-country="GBR"' in page.text
    bad = client.get("/api/v1/vocab/items/NOPE/measures")
    assert bad.status_code == 404 and bad.json()["errors"][0]["code"] == "knowledge-unknown-item"


def test_import_groups_without_the_lists_changes_nothing(hub, configure, tmp_path):
    registry_svc.load_seed(hub)
    empty = tmp_path / "no-groups"
    empty.mkdir()
    configure(hub, groups_dir=empty)
    before = registry_svc.get_record(hub, "region-mediterranean")["data"]
    with pytest.raises(knowledge.KnowledgeError) as err:
        knowledge.import_groups(hub)
    assert err.value.code == "knowledge-no-groups" and err.value.status == 422
    assert registry_svc.get_record(hub, "region-mediterranean")["data"] == before
    out = CliRunner().invoke(app, ["registry", "import-groups", "--data-dir", str(hub.settings.data_dir)],
                             env={"LITTERHUB_GROUPS_DIR": str(empty)})
    assert out.exit_code == 2 and "(knowledge-no-groups)" in out.output


def test_seed_knowledge_on_both_catalogs(any_hub):
    registry_svc.load_seed(any_hub)
    knowledge.refresh_seed(any_hub)
    assert knowledge.refresh_seed(any_hub)["updated"] == []
    stats = knowledge.stats(any_hub)
    assert stats["missing"] == {"source": 0, "licence": 0, "date": 0} and stats["by_type"]["practice"] >= 5
    g95 = next(i for i in knowledge.measures(any_hub, "GBR")["items"] if i["item"] == "G95")
    assert g95["since"] == 2019
    assert knowledge.compendium(any_hub)["filled"]["commitments"] >= 9
