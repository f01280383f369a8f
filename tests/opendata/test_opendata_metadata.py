"""Catalogue metadata from the one internal model: DCAT-AP 3 (SHACL), schema.org, DataCite, content negotiation."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from litterhub.services.setup import DEMO_FILES

SHAPES = Path(__file__).with_name("dcat_ap_3_mandatory.ttl")


def _validate(graph: Graph) -> tuple[bool, str]:
    from pyshacl import validate

    conforms, _, text = validate(graph, shacl_graph=Graph().parse(SHAPES), inference="none")
    return conforms, text


def test_dcat_ap_catalogue_validates_against_the_mandatory_shapes(client):
    r = client.get("/catalog.ttl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=r.text, format="turtle")
    conforms, report = _validate(graph)
    assert conforms, report
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == len(DEMO_FILES)  # one per demo sample
    assert len(list(graph.subjects(RDF.type, DCAT.DataService))) == 3
    titles = {lit.language for lit in graph.objects(URIRef("http://testserver/catalog"), DCTERMS.title)}
    assert titles == {"en", "fr", "es", "ar", "ru", "zh"}


def test_shapes_catch_a_missing_mandatory_property(client):
    graph = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    graph.remove((dataset, DCTERMS.title, None))
    graph.add((dataset, DCTERMS.description, Literal("untagged")))
    conforms, report = _validate(graph)
    assert not conforms and "title" in report


def test_jsonld_and_turtle_describe_the_same_graph(client):
    ttl = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    jsonld = Graph().parse(data=client.get("/catalog.jsonld").text, format="json-ld")
    rdfxml = Graph().parse(data=client.get("/catalog.rdf").text, format="xml")
    assert len(ttl) == len(jsonld) == len(rdfxml) > 100
    assert client.get("/catalog", headers={"Accept": "application/rdf+xml"}).text.startswith("<?xml")
    negotiated = client.get("/catalog", headers={"Accept": "text/turtle;q=0.9, application/json;q=0.1"})
    assert negotiated.headers["content-type"].startswith("text/turtle")
    assert client.get("/catalog").headers["content-type"].startswith("application/ld+json")
    assert client.get("/datasets/mlw-sample.ttl").status_code == 200
    assert client.get("/datasets/nope.jsonld").status_code == 404


def test_every_distribution_has_access_url_licence_and_format(client):
    graph = Graph().parse(data=client.get("/catalog.ttl").text, format="turtle")
    dists = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(dists) == 4 * len(DEMO_FILES)  # four distributions of each demo dataset
    for d in dists:
        assert graph.value(d, DCAT.accessURL) is not None
        assert graph.value(d, DCTERMS.license) is not None
        assert graph.value(d, DCTERMS.format) is not None


def _page_jsonld(client, dataset_id: str, **params) -> dict:
    html = client.get(f"/datasets/{dataset_id}", params=params).text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.mark.parametrize("dataset_id", ["mlw-sample", "mdmap-maine"])
def test_dataset_page_embeds_schema_org_dataset(client, dataset_id):
    doc = _page_jsonld(client, dataset_id)
    assert doc["@type"] == "Dataset" and doc["name"]
    assert 50 <= len(doc["description"]) <= 5000
    assert doc["license"].startswith("https://creativecommons.org/")
    assert all(d["contentUrl"] and d["encodingFormat"] for d in doc["distribution"])
    bbox = client.get(f"/api/v1/datasets/{dataset_id}").json()["bbox"]  # lon/lat order (GeoJSON)
    south, west, north, east = (float(v) for v in doc["spatialCoverage"]["geo"]["box"].split())
    assert (west, south, east, north) == pytest.approx(tuple(bbox))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", doc["temporalCoverage"])


def test_schema_org_description_is_completed_and_cut_to_the_profile():
    from litterhub.services.serialise.schemaorg import description

    class Fake:
        n_events, n_observations, programme = 3, 9, "X"

    short, long = Fake(), Fake()
    short.description, long.description = {"en": "Short."}, {"en": "x" * 6000}
    assert 50 <= len(description(short)) <= 5000
    assert len(description(long)) == 5000


def test_datacite_xml_and_json_carry_the_mandatory_properties(client):
    ns = {"d": "http://datacite.org/schema/kernel-4"}
    r = client.get("/api/v1/datasets/mdmap-maine/versions/1/datacite.xml")
    assert r.status_code == 200
    root = ET.fromstring(r.content)
    assert root.find("d:creators/d:creator/d:creatorName", ns).text == "NOAA Marine Debris Program"
    assert root.find("d:titles/d:title", ns).text.startswith("NOAA MDMAP")
    assert root.find("d:publisher", ns).text == "litterhub"
    assert re.fullmatch(r"\d{4}", root.find("d:publicationYear", ns).text)
    assert root.find("d:resourceType", ns).get("resourceTypeGeneral") == "Dataset"
    box = root.find("d:geoLocations/d:geoLocation/d:geoLocationBox", ns)
    assert float(box.find("d:westBoundLongitude", ns).text) < float(box.find("d:eastBoundLongitude", ns).text)
    attrs = client.get("/api/v1/datasets/mdmap-maine/versions/1/datacite.json").json()["data"]["attributes"]
    assert attrs["types"]["resourceTypeGeneral"] == "Dataset"
    assert attrs["rightsList"][0]["rightsIdentifier"] == "CC0-1.0"
    assert client.get("/api/v1/datasets/mdmap-maine/versions/7/datacite.json").status_code == 404


def test_citation_string_follows_datacite_and_is_on_the_page(client):
    cite = client.get("/api/v1/datasets/mlw-sample/versions/1/citation").json()
    assert re.fullmatch(r"European Environment Agency \(EEA\) \(\d{4}\): Marine LitterWatch .+\. Version 1\. "
                        r"litterhub\. \(Dataset\)\. http://testserver/datasets/mlw-sample\?version=1", cite["citation"])
    assert cite["bibtex"].startswith("@misc{mlw_sample_v1,") and "TY  - DATA" in cite["ris"]
    html = client.get("/datasets/mlw-sample").text
    assert "Cite this dataset" in html and "@misc{mlw_sample_v1," in html and "TY  - DATA" in html
    assert "/api/v1/datasets/mlw-sample/versions/1/download.zip" in html
    versioned = client.get("/datasets/mlw-sample", params={"version": 1})  # the URL the citation gives
    assert versioned.status_code == 200 and cite["citation"].replace("&", "&amp;") in versioned.text
    assert client.get("/datasets/mlw-sample", params={"version": 5}).status_code == 404


def test_stable_dataset_uri_resolves_to_the_landing_page(client):
    uuid = client.get("/api/v1/datasets/mlw-sample").json()["uuid"]
    r = client.get(f"/id/dataset/{uuid}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/datasets/mlw-sample")
