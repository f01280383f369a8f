"""Golden files for every serialiser of the one catalogue model: a fixed model in, the committed output out.

A deliberate change of a serialiser regenerates them with `LITTERHUB_UPDATE_GOLDEN=1 pytest tests/opendata`;
review the diff before committing. RDF is compared as graphs (blank node labels vary), JSON as data.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from litterhub.services import metadata as md
from litterhub.services.serialise import ckan, datacite, dcat, schemaorg

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("LITTERHUB_UPDATE_GOLDEN") == "1"
BASE = "https://hub.example.org"


def _dataset() -> md.DatasetMeta:
    created = datetime(2024, 5, 17, 9, 30)
    return md.DatasetMeta(
        id="beach-demo", uuid="0b9f3c9e-2d7e-4a4e-9d55-3f0c4f3a1b2c", title={"en": "Beach litter demo"},
        description={"en": "Beach litter surveys on two beaches, counted with the MSFD TSG-ML master list."},
        publisher=md.Agent("Example Monitoring Agency"), licence="CC-BY-4.0",
        source_citation="Example Monitoring Agency. Beach litter surveys 2020-2023.", programme="Example programme",
        protocol="MSFD TG-ML 100 m", version=2, issued=datetime(2024, 1, 2, 3, 4, 5), modified=created,
        bbox=(-9.5, 36.0, 3.25, 43.75), start=date(2020, 3, 1), end=date(2023, 11, 30), n_events=12,
        n_observations=340, keywords=["marine litter", "Example programme", "beach litter"],
        compartments=["beach"], regions=["Bay of Biscay"], countries=["ESP", "FRA"],
        versions=[md.VersionInfo(1, datetime(2024, 1, 2, 3, 4, 5), "a" * 64, "v1.csv", 10, "2024.1", "published"),
                  md.VersionInfo(2, created, "b" * 64, "v2.csv", 12, "2024.5", "published")],
        distributions=md.distributions_for(BASE, "beach-demo", 2, "CC-BY-4.0"),
        landing_page=f"{BASE}/datasets/beach-demo", version_url=f"{BASE}/datasets/beach-demo?version=2",
        uri=f"{BASE}/id/dataset/0b9f3c9e-2d7e-4a4e-9d55-3f0c4f3a1b2c",
    )


def _catalog() -> md.CatalogMeta:
    ds = _dataset()
    return md.CatalogMeta(uri=f"{BASE}/catalog", homepage=f"{BASE}/", title=md.CATALOG_TITLE,
                          description=md.CATALOG_DESCRIPTION, publisher=md.Agent("litterhub", f"{BASE}/"),
                          languages=md.LANGUAGES, modified=ds.modified, datasets=[ds], services=md.services(BASE))


def _check_text(name: str, text: str) -> str:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE and os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"golden file {name} missing")
        with path.open("w", encoding="utf-8", newline="") as fh:  # RIS lines end in CRLF: keep them
            fh.write(text)
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


def test_dcat_catalogue_golden():
    graph = dcat.catalog_graph(_catalog())
    golden = Graph().parse(data=_check_text("catalog.ttl", dcat.to_turtle(graph)), format="turtle")
    assert isomorphic(graph, golden)
    assert isomorphic(Graph().parse(data=dcat.to_jsonld(graph), format="json-ld"), golden)


@pytest.mark.parametrize("name, render", [
    ("schemaorg.json", lambda ds: schemaorg.dataset(ds, f"{BASE}/catalog")),
    ("datacite.json", datacite.to_json),
    ("ckan-package.json", ckan.package),
])
def test_json_serialisers_golden(name, render):
    out = render(_dataset())
    assert json.loads(_check_text(name, json.dumps(out, indent=1, ensure_ascii=False) + "\n")) == out


@pytest.mark.parametrize("name, render", [
    ("datacite.xml", datacite.to_xml),
    ("citation.txt", lambda ds: "\n".join([datacite.citation(ds), datacite.bibtex(ds), datacite.ris(ds)])),
])
def test_text_serialisers_golden(name, render):
    out = render(_dataset())
    assert _check_text(name, out) == out


def test_golden_citation_is_datacite_form():
    assert datacite.citation(_dataset()) == ("Example Monitoring Agency (2024): Beach litter demo. Version 2. "
                                              "litterhub. (Dataset). https://hub.example.org/datasets/beach-demo"
                                              "?version=2")
    assert schemaorg.geo_box(_dataset().bbox) == "36.0 -9.5 43.75 3.25"
