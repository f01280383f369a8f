"""The catalogue against the official DCAT-AP 3.0.1 SHACL shapes, ckanext-dcat's parsing rules, and HEAD.

Shapes: ../shared/standards/dcat-ap-3.0.1 (SEMICeu/DCAT-AP releases/3.0.1, see its SOURCE.md), validated with
pySHACL without inference, as the SOURCE.md usage says. `shapes.ttl` (mandatory) and `shapes_recommended.ttl`
must report nothing; `range.ttl` may only report the IRIs of controlled vocabularies listed in
`mdr_imports.ttl` (EU authority tables and the ADMS codelists): their classes come from those vocabularies,
which cannot be loaded offline.

ckanext-dcat (2.4) cannot be installed without CKAN itself (it imports ckan.lib.helpers and
ckan.model.license), so `ckanext_dcat_parse` replays the rules of its RDF parser (ckanext/dcat/profiles/base.py:
`_license`, `_distribution_format`, `_object_value`) over the hub's RDF, with CKAN's default licence register
(ckan/model/license.py) and resource format list (ckan/config/resource_formats.json) as CKAN ships them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS

from litterhub.services.ckan_licences import BY_ID, ckan_licence
from litterhub.services.setup import DEMO_FILES

REPO = Path(__file__).resolve().parents[2]
STANDARDS = Path(os.environ.get("LITTERHUB_SHARED_STANDARDS", REPO.parent / "shared" / "standards"))
SHAPES = STANDARDS / "dcat-ap-3.0.1"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
# (property, IRI pattern) range.ttl may report: vocabularies imported by mdr_imports.ttl, unloadable offline
OFFLINE_VOCABULARIES = [
    (DCTERMS.language, rf"^{EU}language/[A-Z]{{3}}$"),
    (DCTERMS.format, rf"^{EU}file-type/[A-Z0-9_]+$"),
    (DCAT.theme, rf"^{EU}data-theme/[A-Z]{{4}}$"),
    (DCAT.themeTaxonomy, rf"^{EU}data-theme$"),
    (DCATAP.availability, rf"^{EU}planned-availability/[A-Z]+$"),
    (DCTERMS.type, r"^http://purl\.org/adms/(publishertype|licencetype)/[A-Za-z()-]+$"),  # ADMS_SKOS_v1.00
]

# CKAN's default licence register (ckan/model/license.py): url -> id and title -> id
CKAN_LICENCE_URLS = {
    "http://www.opendefinition.org/licenses/odc-pddl": "odc-pddl",
    "http://www.opendefinition.org/licenses/odc-odbl": "odc-odbl",
    "http://www.opendefinition.org/licenses/odc-by": "odc-by",
    "http://www.opendefinition.org/licenses/cc-zero": "cc-zero",
    "http://www.opendefinition.org/licenses/cc-by": "cc-by",
    "http://www.opendefinition.org/licenses/cc-by-sa": "cc-by-sa",
    "http://www.opendefinition.org/licenses/gfdl": "gfdl",
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/": "uk-ogl",
    "http://creativecommons.org/licenses/by-nc/2.0/": "cc-nc",
}
CKAN_LICENCE_TITLES = {
    "License not specified": "notspecified",
    "Open Data Commons Public Domain Dedication and License (PDDL)": "odc-pddl",
    "Open Data Commons Open Database License (ODbL)": "odc-odbl",
    "Open Data Commons Attribution License": "odc-by", "Creative Commons CCZero": "cc-zero",
    "Creative Commons Attribution": "cc-by", "Creative Commons Attribution Share-Alike": "cc-by-sa",
    "GNU Free Documentation License": "gfdl", "UK Open Government Licence (OGL)": "uk-ogl",
    "Creative Commons Non-Commercial (Any)": "cc-nc",
}
# the lines of ckan/config/resource_formats.json for the hub's formats: key (lower-cased) -> canonical format
CKAN_FORMATS = {"text/csv": "CSV", "csv": "CSV", "text/comma-separated-values": "CSV",
                "application/geo+json": "GeoJSON", "geojson": "GeoJSON", "application/zip": "ZIP", "zip": "ZIP"}


def _validate(data: Graph, shapes: str) -> list[dict]:
    import pyshacl

    assert (SHAPES / shapes).exists(), f"the official shapes are missing: {SHAPES / shapes}"
    _, report, _ = pyshacl.validate(data, shacl_graph=Graph().parse(SHAPES / shapes), inference="none")
    return [{"severity": report.value(r, SH.resultSeverity), "path": report.value(r, SH.resultPath),
             "value": report.value(r, SH.value), "focus": report.value(r, SH.focusNode),
             "message": str(report.value(r, SH.resultMessage))}
            for r in report.subjects(RDF.type, SH.ValidationResult)]


def _offline_vocabulary(result: dict) -> bool:
    return isinstance(result["value"], URIRef) and any(
        result["path"] == path and re.match(pattern, str(result["value"])) for path, pattern in OFFLINE_VOCABULARIES)


@pytest.fixture(scope="module")
def catalogue(client) -> Graph:
    r = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=r.text, format="turtle")


def test_mandatory_shapes_report_nothing(catalogue):
    assert _validate(catalogue, "shapes.ttl") == []


def test_range_shapes_report_only_unloadable_vocabulary_iris(catalogue):
    results = _validate(catalogue, "range.ttl")
    assert [r for r in results if not _offline_vocabulary(r)] == []
    # the allowed ones are exactly the vocabulary IRIs the catalogue uses, each one reported
    used = {(p, o) for p, _ in OFFLINE_VOCABULARIES for o in catalogue.objects(None, p) if isinstance(o, URIRef)}
    assert {(r["path"], r["value"]) for r in results} == used


def test_recommended_shapes_report_nothing(catalogue):
    """Nothing but what the hub cannot know: the ADMS type of a publisher the registry has no typed actor record
    for (services/metadata.py gives none rather than a guess: EMODnet's examples, the Plastic Pirates consortium)
    and the extent of a dataset without positions (the demo's OSPAR NL export names beaches, no coordinates)."""
    publishers = {str(catalogue.value(o, FOAF.name)) for o in catalogue.objects(None, DCTERMS.publisher)}
    untyped = {str(catalogue.value(o, FOAF.name)) for o in catalogue.objects(None, DCTERMS.publisher)
               if catalogue.value(o, DCTERMS.type) is None}
    assert untyped < publishers and not any(n.startswith(("OSPAR", "NOAA", "European Environment")) for n in untyped)
    unplaced = {d for d in catalogue.subjects(RDF.type, DCAT.Dataset) if catalogue.value(d, DCTERMS.spatial) is None}
    assert len(unplaced) == 1  # ospar-nl-sample
    results = _validate(catalogue, "shapes_recommended.ttl")
    allowed = [r for r in results
               if (r["path"] == DCTERMS.type and str(catalogue.value(r["focus"], FOAF.name)) in untyped)
               or (r["path"] == DCTERMS.spatial and r["focus"] in unplaced)]
    assert results == allowed and len(allowed) >= len(unplaced)


def test_one_dataset_document_also_passes(client):
    graph = Graph().parse(data=client.get("/datasets/mlw-sample.ttl").text, format="turtle")
    assert _validate(graph, "shapes.ttl") == []
    assert [r for r in _validate(graph, "range.ttl") if not _offline_vocabulary(r)] == []


def test_the_checks_catch_what_the_hub_used_to_emit(catalogue):
    """The shapes fail on the old mistakes: a literal adms:identifier and dct:source, an untyped licence."""
    broken = Graph()
    for triple in catalogue:
        broken.add(triple)
    dataset = next(catalogue.subjects(RDF.type, DCAT.Dataset))
    broken.add((dataset, URIRef("http://www.w3.org/ns/adms#identifier"), Literal("mlw-sample")))
    broken.add((dataset, DCTERMS.source, Literal("Some citation text.")))
    assert {str(r["path"]) for r in _validate(broken, "shapes.ttl")} == {
        "http://www.w3.org/ns/adms#identifier", str(DCTERMS.source)}
    licence = next(catalogue.objects(dataset, DCTERMS.license))
    broken.remove((licence, RDF.type, None))
    assert any(r["path"] == DCTERMS.license for r in _validate(broken, "range.ttl"))


def _object_value(g: Graph, subject, predicate, default_lang: str = "en") -> str:
    """ckanext-dcat's `_object_value`: the default-language literal, else the first literal; for a resource,
    its rdfs:label if it has one, else its IRI."""
    fallback = ""
    for o in g.objects(subject, predicate):
        if isinstance(o, Literal):
            if o.language and o.language == default_lang:
                return str(o)
            if fallback == "":
                fallback = str(o)
        elif list(g.objects(o, RDFS.label)):
            return str(next(g.objects(o, RDFS.label)))
        else:
            return str(o)
    return fallback


def ckanext_dcat_parse(g: Graph) -> dict[str, dict]:
    """What ckanext-dcat's parser makes of each dataset: its `license_id` (`_license`: the first distribution
    licence found in the register by URL, then by title) and each resource's (mimetype, format)
    (`_distribution_format` with CKAN's format normalisation)."""
    out = {}
    for dataset in g.subjects(RDF.type, DCAT.Dataset):
        license_id = ""
        resources = {}
        for dist in g.objects(dataset, DCAT.distribution):
            lic = g.value(dist, DCTERMS.license)
            if lic is not None and not license_id:
                license_id = CKAN_LICENCE_URLS.get(str(lic)) or CKAN_LICENCE_TITLES.get(
                    _object_value(g, lic, DCTERMS.title), "")
            imt = _object_value(g, dist, DCAT.mediaType) or None
            label = None
            fmt = g.value(dist, DCTERMS["format"])
            if isinstance(fmt, Literal):
                imt, label = (imt or str(fmt), None) if not imt and "/" in fmt else (imt, str(fmt))
            elif isinstance(fmt, BNode | URIRef):
                if "iana.org/assignments/media-types" in str(fmt) and not imt:
                    imt = str(fmt)
                else:
                    label = str(fmt)
            if imt in CKAN_FORMATS:
                label = CKAN_FORMATS[imt]
            elif label and label.lower() in CKAN_FORMATS:
                label = CKAN_FORMATS[label.lower()]
            resources[str(g.value(dist, DCAT.downloadURL))] = (imt, label or imt)
        out[str(g.value(dataset, DCTERMS.identifier))] = {"license_id": license_id, "resources": resources}
    return out


def test_ckanext_dcat_finds_licence_and_formats(catalogue, client):
    parsed = ckanext_dcat_parse(catalogue)
    packages = client.get("/api/3/action/current_package_list_with_resources").json()["result"]
    assert len(parsed) == len(packages) == len(DEMO_FILES)
    for pkg in packages:
        found = parsed[pkg["id"]]
        if ckan_licence(pkg["license_id"]) or pkg["license_id"] in BY_ID:
            assert found["license_id"] and found["license_id"] == pkg["license_id"]  # the two faces agree
        else:  # GPL-3.0 / MIT (demo samples): not in CKAN's default register, so the SPDX id, found by neither
            assert pkg["license_id"] in {"GPL-3.0-only", "GPL-3.0-or-later", "MIT"} and found["license_id"] == ""
        for res in pkg["resources"]:
            mimetype, fmt = found["resources"][res["url"]]
            assert mimetype == res["mimetype"]
            if res["mimetype"] in CKAN_FORMATS:  # CSV, GeoJSON, ZIP: CKAN's own format names
                assert fmt == CKAN_FORMATS[res["mimetype"]]
            else:  # GeoParquet: not in CKAN's format list, so ckanext-dcat keeps the EU file-type IRI
                assert fmt == f"{EU}file-type/PARQUET"


def _catalogue_get_paths(client) -> list[tuple[str, int]]:
    from fastapi.routing import APIRoute

    from litterhub.web.routes import catalog

    uuid = client.get("/api/3/action/package_show", params={"id": "mlw-sample"}).json()["result"]["id"]
    values = {"dataset_id": "mlw-sample", "uuid": uuid}
    paths = []
    for route in catalog.router.routes:
        if isinstance(route, APIRoute) and "GET" in route.methods:
            path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route.path)
            paths.append((path, route.status_code or 200))
    return paths


def test_every_catalogue_get_route_answers_head(client):
    paths = _catalogue_get_paths(client)
    assert {p for p, _ in paths} >= {"/catalog", "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf",
                                     "/datasets/mlw-sample.ttl", "/datasets/mlw-sample.jsonld"}
    for path, status in paths:
        got = client.get(path, follow_redirects=False)
        head = client.head(path, follow_redirects=False)
        assert got.status_code == head.status_code == status, path
        assert head.content == b"" and head.headers.get("content-type") == got.headers.get("content-type"), path
        if path.endswith(".rdf"):  # rdflib's RDF/XML writer does not nest nodes in a stable order between calls
            assert int(head.headers.get("content-length", "0")) > 0, path
        else:
            assert head.headers.get("content-length") == str(len(got.content)), path
        assert head.headers.get("location") == got.headers.get("location"), path
    assert client.head("/datasets/no-such-dataset.ttl").status_code == 404
