"""/api/v1/vocab and the /vocab pages: same content as the vocabulary files, problem+json for unknowns."""

from __future__ import annotations

import json

from rdflib import Graph

from litterhub.vocab import VOCAB_VERSION
from litterhub.vocab.crosswalks import all_crosswalks
from litterhub.vocab.items import master_list


def test_items_list_and_search(client):
    r = client.get("/api/v1/vocab/items")
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == len(master_list()) and data["vocab_version"] == VOCAB_VERSION
    hits = client.get("/api/v1/vocab/items", params={"q": "cigarette butts"}).json()["items"]
    assert "G27" in {h["code"] for h in hits}
    glass = client.get("/api/v1/vocab/items", params={"material": "glass"}).json()["items"]
    assert glass and all(h["material"] == "glass" for h in glass)


def test_item_shows_what_programmes_call_it(client):
    data = client.get("/api/v1/vocab/items/G27").json()
    expected = {m.source_code for m in all_crosswalks()["ospar"] if m.master_code == "G27"}
    assert {m["source_code"] for m in data["mappings"]["ospar"]} == expected
    assert data["ancestors"][-1]["code"].startswith("TSG_ML_")


def test_unknown_item_and_scheme_are_problem_json(client):
    for url, code in (("/api/v1/vocab/items/NOPE", "litter-vocab-unknown-item"),
                      ("/api/v1/vocab/crosswalks/nope", "litter-vocab-unknown-scheme")):
        r = client.get(url)
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["code"] == code


def test_schemes_and_crosswalks(client):
    schemes = client.get("/api/v1/vocab/schemes").json()["items"]
    assert {s["scheme"] for s in schemes} == set(all_crosswalks())
    rows = client.get("/api/v1/vocab/crosswalks/noaa-mdmap").json()["items"]
    assert len(rows) == len(all_crosswalks()["noaa-mdmap"])
    broad = [r for r in rows if r["relation"] == "broadMatch"]
    assert broad and all(r["rollup_code"] != r["master_code"] for r in broad)


def test_skos_jsonld_parses(client):
    r = client.get("/api/v1/vocab/skos.jsonld")
    assert r.status_code == 200 and "ld+json" in r.headers["content-type"]
    g = Graph().parse(data=r.text, format="json-ld")
    skos = "http://www.w3.org/2004/02/skos/core#"
    notations = {str(o) for _, p, o in g if str(p) == skos + "notation"}
    assert "G27" in notations and "Cigarette butts" in notations
    assert json.loads(r.text)["@context"]["skos"] == skos


def test_web_pages_browse_search_and_crosswalk(client):
    index = client.get("/vocab")
    assert index.status_code == 200 and 'id="master-items"' in index.text and "/vocab/crosswalks/ospar" in index.text
    found = client.get("/vocab", params={"q": "six-pack"}).text
    assert "/vocab/items/G1" in found
    item = client.get("/vocab/items/G27").text
    assert 'id="programme-names"' in item and "Cigarette butts" in item
    cw = client.get("/vocab/crosswalks/olm").text
    assert "smoking.butts" in cw and cw.count("<tr>") >= len(all_crosswalks()["olm"])
    assert client.get("/vocab/items/nope").status_code == 404


def test_web_escapes_search_text(client):
    html = client.get("/vocab", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_stored_dataset_is_reharmonised_from_the_lake(client, demo_hub):
    from litterhub.services.datasets import list_datasets

    dataset = list_datasets(demo_hub)[0]
    r = client.get(f"/api/v1/vocab/datasets/{dataset['id']}/harmonisation")
    assert r.status_code == 200
    data = r.json()
    assert data["vocab_version"] == VOCAB_VERSION and data["rows"] > 0
    assert 0 <= data["changed_rows"] <= data["rows"]
    total = sum(row["total"] for row in data["rollup"])
    assert total == data["coverage"]["count_total"]
    for row in data["rollup"]:
        parts = sum(row[k] for k in ("exactMatch", "narrowMatch", "broadMatch", "relatedMatch", "unmapped"))
        assert abs(parts - row["total"]) < 1e-9
    assert client.get("/api/v1/vocab/datasets/nope/harmonisation").status_code == 404


def test_reference_tables_and_regions(client):
    from litterhub.vocab.reference import table
    from litterhub.vocab.regions import region_by_name, regions

    units = client.get("/api/v1/vocab/tables/units").json()
    assert units["count"] == len(table("units"))
    assert client.get("/api/v1/vocab/tables/nope").status_code == 404
    assert client.get("/api/v1/vocab/regions").json()["count"] == len(regions())
    marseille = client.get("/api/v1/vocab/regions/at", params={"lat": 43.3, "lon": 5.37}).json()
    assert marseille["msfd-region"]["code"] == region_by_name("Mediterranean Sea").code
    assert client.get("/api/v1/vocab/regions/at", params={"lat": 95, "lon": 0}).status_code == 400
