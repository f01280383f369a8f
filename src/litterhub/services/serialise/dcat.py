"""DCAT-AP 3 as RDF (JSON-LD and Turtle) from the internal catalogue model.

Text is emitted with a language tag per language available; every distribution carries `dcat:accessURL`
(mandatory in DCAT-AP even when a `dcat:downloadURL` exists) and each API is a `dcat:DataService`.
"""

from __future__ import annotations

from datetime import date, datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from litterhub.services.metadata import THEME_ENVIRONMENT, CatalogMeta, DatasetMeta

DCATAP = Namespace("http://data.europa.eu/r5r/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LANG_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"
LANG_CODES = {"en": "ENG", "fr": "FRA", "es": "SPA", "ar": "ARA", "ru": "RUS", "zh": "ZHO"}
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {"csv": "CSV", "geojson": "GEOJSON", "parquet": "PARQUET", "zip": "ZIP"}
AVAILABILITY_STABLE = URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")
GEOSPARQL_WKT = GSP.wktLiteral
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3 term missing from rdflib's closed namespace

CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "dcatap": str(DCATAP), "locn": str(LOCN),
           "gsp": str(GSP), "adms": str(ADMS), "spdx": str(SPDX), "vcard": str(VCARD), "xsd": str(XSD)}


def _texts(g: Graph, node, prop, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        if text:
            g.add((node, prop, Literal(text, lang=lang)))


def _when(value: date | datetime) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def _agent(g: Graph, name: str, url: str | None) -> BNode | URIRef:
    node = URIRef(url) if url else BNode()
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, FOAF.name, Literal(name)))
    return node


def _wkt_box(bbox: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = bbox
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def add_dataset(g: Graph, ds: DatasetMeta) -> URIRef:
    node = URIRef(ds.uri)
    g.add((node, RDF.type, DCAT.Dataset))
    _texts(g, node, DCTERMS.title, ds.title)
    _texts(g, node, DCTERMS.description, ds.description)
    g.add((node, DCTERMS.identifier, Literal(ds.uuid)))
    g.add((node, ADMS.identifier, Literal(ds.id)))
    g.add((node, DCTERMS.publisher, _agent(g, ds.publisher.name, ds.publisher.url)))
    g.add((node, DCTERMS.issued, _when(ds.issued)))
    g.add((node, DCTERMS.modified, _when(ds.modified)))
    g.add((node, DCAT_VERSION, Literal(str(ds.version))))
    g.add((node, DCAT.landingPage, URIRef(ds.landing_page)))
    g.add((node, DCAT.theme, URIRef(THEME_ENVIRONMENT)))
    g.add((node, DCTERMS.license, URIRef(ds.licence_url)))
    if ds.source_citation:
        g.add((node, DCTERMS.source, Literal(ds.source_citation)))
    for kw in ds.keywords:
        g.add((node, DCAT.keyword, Literal(kw, lang="en")))
    contact = BNode()
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(ds.publisher.name)))
    g.add((node, DCAT.contactPoint, contact))
    if ds.bbox:
        loc = BNode()
        g.add((loc, RDF.type, DCTERMS.Location))
        g.add((loc, DCAT.bbox, Literal(_wkt_box(ds.bbox), datatype=GEOSPARQL_WKT)))
        x0, y0, x1, y1 = ds.bbox
        g.add((loc, DCAT.centroid, Literal(f"POINT({(x0 + x1) / 2} {(y0 + y1) / 2})", datatype=GEOSPARQL_WKT)))
        g.add((node, DCTERMS.spatial, loc))
    if ds.start or ds.end:
        period = BNode()
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if ds.start:
            g.add((period, DCAT.startDate, _when(ds.start)))
        if ds.end:
            g.add((period, DCAT.endDate, _when(ds.end)))
        g.add((node, DCTERMS.temporal, period))
    for dist in ds.distributions:
        d = URIRef(dist.url)
        g.add((node, DCAT.distribution, d))
        g.add((d, RDF.type, DCAT.Distribution))
        g.add((d, DCTERMS.title, Literal(f"{ds.title['en']} ({dist.title})", lang="en")))
        g.add((d, DCTERMS.description, Literal(dist.description, lang="en")))
        g.add((d, DCAT.accessURL, URIRef(dist.url)))
        g.add((d, DCAT.downloadURL, URIRef(dist.url)))
        g.add((d, DCAT.mediaType, URIRef(f"http://www.iana.org/assignments/media-types/{dist.media_type}")))
        g.add((d, DCTERMS.format, URIRef(FILE_TYPE + FILE_TYPES[dist.key])))
        g.add((d, DCTERMS.license, URIRef(ds.licence_url)))
        g.add((d, DCATAP.availability, AVAILABILITY_STABLE))
    return node


def catalog_graph(cat: CatalogMeta) -> Graph:
    g = Graph()
    for prefix, ns in CONTEXT.items():
        g.bind(prefix, ns)
    node = URIRef(cat.uri)
    g.add((node, RDF.type, DCAT.Catalog))
    _texts(g, node, DCTERMS.title, cat.title)
    _texts(g, node, DCTERMS.description, cat.description)
    g.add((node, DCTERMS.publisher, _agent(g, cat.publisher.name, cat.publisher.url)))
    g.add((node, FOAF.homepage, URIRef(cat.homepage)))
    for lang in cat.languages:
        g.add((node, DCTERMS.language, URIRef(LANG_AUTHORITY + LANG_CODES[lang])))
    if cat.modified:
        g.add((node, DCTERMS.modified, _when(cat.modified)))
    g.add((node, DCAT.themeTaxonomy, URIRef("http://publications.europa.eu/resource/authority/data-theme")))
    for ds in cat.datasets:
        g.add((node, DCAT.dataset, add_dataset(g, ds)))
    for svc in cat.services:
        s = URIRef(svc.endpoint_url)
        g.add((node, DCAT.service, s))
        g.add((s, RDF.type, DCAT.DataService))
        g.add((s, DCTERMS.title, Literal(svc.title, lang="en")))
        g.add((s, DCAT.endpointURL, URIRef(svc.endpoint_url)))
        g.add((s, DCAT.endpointDescription, URIRef(svc.description_url)))
        for c in svc.conforms_to:
            g.add((s, DCTERMS.conformsTo, URIRef(c)))
        for ds in cat.datasets:
            g.add((s, DCAT.servesDataset, URIRef(ds.uri)))
    return g


def dataset_graph(ds: DatasetMeta) -> Graph:
    g = Graph()
    for prefix, ns in CONTEXT.items():
        g.bind(prefix, ns)
    add_dataset(g, ds)
    return g


def to_jsonld(g: Graph) -> str:
    return g.serialize(format="json-ld", context=CONTEXT, indent=1)


def to_turtle(g: Graph) -> str:
    return g.serialize(format="turtle")


def to_rdfxml(g: Graph) -> str:
    return g.serialize(format="pretty-xml")
