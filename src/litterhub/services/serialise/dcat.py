"""DCAT-AP 3.0.1 as RDF (JSON-LD, Turtle, RDF/XML) from the internal catalogue model.

Text is emitted with a language tag per language available; every distribution carries `dcat:accessURL`
(mandatory in DCAT-AP even when a `dcat:downloadURL` exists) and each API is a `dcat:DataService`.
Objects are typed with the class DCAT-AP's range shapes (range.ttl) expect — licences `dct:LicenseDocument`,
media types `dct:MediaType`, pages `foaf:Document`, standards `dct:Standard`, contacts `vcard:Kind`,
identifiers `adms:Identifier` — except IRIs of EU controlled vocabularies (language, file type, data theme,
availability), which their own vocabularies type. Media-type and licence nodes carry the labels ckanext-dcat's
parser matches against CKAN's format and licence registers, so a harvesting CKAN fills `format` and
`license_id` (tests/opendata/test_dcat_shapes.py checks both with the official shapes).
"""

from __future__ import annotations

from datetime import date, datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from litterhub.services.ckan_licences import ckan_licence
from litterhub.services.metadata import (
    PUBLISHER_TYPE,
    THEME_ENVIRONMENT,
    Agent,
    CatalogMeta,
    DataService,
    DatasetMeta,
    licence_info,
)
from litterhub.services.serialise.datacite import citation

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
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
# ADMS licence types of the SPDX licences the hub knows (DCAT-AP recommends dct:type on a licence document)
LICENCE_TYPES = {"CC-BY-4.0": ("Attribution",), "CC0-1.0": ("PublicDomain",),
                 "CC-BY-SA-4.0": ("Attribution", "ShareAlike"), "ODbL-1.0": ("Attribution", "ShareAlike"),
                 "PDDL-1.0": ("PublicDomain",), "MIT": ("Attribution",),
                 "GPL-3.0-only": ("Attribution", "ViralEffect"), "GPL-3.0-or-later": ("Attribution", "ViralEffect")}

CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "dcatap": str(DCATAP), "locn": str(LOCN),
           "gsp": str(GSP), "adms": str(ADMS), "spdx": str(SPDX), "vcard": str(VCARD), "xsd": str(XSD),
           "skos": str(SKOS), "rdfs": str(RDFS)}


def _texts(g: Graph, node, prop, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        if text:
            g.add((node, prop, Literal(text, lang=lang)))


def _when(value: date | datetime) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def _typed(g: Graph, iri: str, cls: URIRef) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, cls))
    return node


def _agent(g: Graph, agent: Agent) -> BNode | URIRef:
    node = URIRef(agent.url) if agent.url else BNode()
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, FOAF.name, Literal(agent.name)))
    if agent.type:
        g.add((node, DCTERMS.type, URIRef(PUBLISHER_TYPE + agent.type)))
    return node


def _contact(g: Graph, name: str, url: str | None = None) -> BNode:
    contact = BNode()
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(name)))
    if url:
        g.add((contact, VCARD.hasURL, URIRef(url)))
    return contact


def _licence(g: Graph, spdx: str) -> URIRef:
    """The licence document; its English title is the one CKAN's licence register knows (so ckanext-dcat maps
    it to a `license_id`), the full SPDX name is its label."""
    title, url = licence_info(spdx)
    node = _typed(g, url, DCTERMS.LicenseDocument)
    register = ckan_licence(spdx)
    g.add((node, DCTERMS.title, Literal(register.title if register else title, lang="en")))
    g.add((node, RDFS.label, Literal(title, lang="en")))
    g.add((node, DCTERMS.identifier, Literal(spdx)))
    for kind in LICENCE_TYPES.get(spdx, ()):
        g.add((node, DCTERMS.type, URIRef(LICENCE_TYPE + kind)))
    return node


def _media_type(g: Graph, media_type: str) -> URIRef:
    """An IANA media type; its label is the bare type, which ckanext-dcat looks up in CKAN's format register."""
    node = _typed(g, IANA_MEDIA_TYPES + media_type, DCTERMS.MediaType)
    g.add((node, RDFS.label, Literal(media_type)))
    return node


def _location(g: Graph, bbox: tuple[float, float, float, float]) -> BNode:
    loc = BNode()
    g.add((loc, RDF.type, DCTERMS.Location))
    g.add((loc, DCAT.bbox, Literal(_wkt_box(bbox), datatype=GEOSPARQL_WKT)))
    x0, y0, x1, y1 = bbox
    g.add((loc, DCAT.centroid, Literal(f"POINT({(x0 + x1) / 2} {(y0 + y1) / 2})", datatype=GEOSPARQL_WKT)))
    return loc


def _wkt_box(bbox: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = bbox
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def add_dataset(g: Graph, ds: DatasetMeta) -> URIRef:
    node = URIRef(ds.uri)
    g.add((node, RDF.type, DCAT.Dataset))
    _texts(g, node, DCTERMS.title, ds.title)
    _texts(g, node, DCTERMS.description, ds.description)
    g.add((node, DCTERMS.identifier, Literal(ds.uuid)))
    other_id = BNode()  # the hub's readable id, as an adms:Identifier node (a literal breaks the shapes)
    g.add((other_id, RDF.type, ADMS.Identifier))
    g.add((other_id, SKOS.notation, Literal(ds.id)))
    g.add((node, ADMS.identifier, other_id))
    g.add((node, DCTERMS.publisher, _agent(g, ds.publisher)))
    g.add((node, DCTERMS.issued, _when(ds.issued)))
    g.add((node, DCTERMS.modified, _when(ds.modified)))
    g.add((node, DCAT_VERSION, Literal(str(ds.version))))
    g.add((node, DCAT.landingPage, _typed(g, ds.landing_page, FOAF.Document)))
    g.add((node, DCAT.theme, URIRef(THEME_ENVIRONMENT)))
    g.add((node, DCTERMS.license, _licence(g, ds.licence)))
    # how to cite this dataset version; the original source is named in a provenance statement, since
    # dct:source must be the IRI of a dataset and a citation text is not one
    g.add((node, DCTERMS.bibliographicCitation, Literal(citation(ds))))
    if ds.source_citation:
        provenance = BNode()
        g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
        g.add((provenance, RDFS.label, Literal(f"Harmonised from the source: {ds.source_citation}", lang="en")))
        g.add((node, DCTERMS.provenance, provenance))
    for kw in ds.keywords:
        g.add((node, DCAT.keyword, Literal(kw, lang="en")))
    g.add((node, DCAT.contactPoint, _contact(g, ds.publisher.name, ds.publisher.url)))
    if ds.bbox:
        g.add((node, DCTERMS.spatial, _location(g, ds.bbox)))
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
        g.add((d, DCAT.mediaType, _media_type(g, dist.media_type)))
        g.add((d, DCTERMS.format, URIRef(FILE_TYPE + FILE_TYPES[dist.key])))
        g.add((d, DCTERMS.license, _licence(g, ds.licence)))
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
    publisher = _agent(g, cat.publisher)
    g.add((node, DCTERMS.publisher, publisher))
    g.add((node, FOAF.homepage, _typed(g, cat.homepage, FOAF.Document)))
    if cat.issued:
        g.add((node, DCTERMS.issued, _when(cat.issued)))
    g.add((node, DCTERMS.license, _licence(g, cat.licence)))
    if cat.bbox:
        g.add((node, DCTERMS.spatial, _location(g, cat.bbox)))
    for lang in cat.languages:
        g.add((node, DCTERMS.language, URIRef(LANG_AUTHORITY + LANG_CODES[lang])))
    if cat.modified:
        g.add((node, DCTERMS.modified, _when(cat.modified)))
    g.add((node, DCAT.themeTaxonomy, URIRef("http://publications.europa.eu/resource/authority/data-theme")))
    for ds in cat.datasets:
        g.add((node, DCAT.dataset, add_dataset(g, ds)))
    for svc in cat.services:
        g.add((node, DCAT.service, add_service(g, svc, cat, publisher)))
    return g


def add_service(g: Graph, svc: DataService, cat: CatalogMeta, publisher: BNode | URIRef) -> URIRef:
    """An API of the hub as a dcat:DataService, with DCAT-AP's recommended contact, keywords, theme,
    publisher and the standards it conforms to."""
    s = URIRef(svc.endpoint_url)
    g.add((s, RDF.type, DCAT.DataService))
    g.add((s, DCTERMS.title, Literal(svc.title, lang="en")))
    g.add((s, DCAT.endpointURL, URIRef(svc.endpoint_url)))
    g.add((s, DCAT.endpointDescription, URIRef(svc.description_url)))
    g.add((s, DCTERMS.publisher, publisher))
    g.add((s, DCAT.contactPoint, _contact(g, cat.publisher.name, cat.homepage)))
    g.add((s, DCAT.theme, URIRef(THEME_ENVIRONMENT)))
    g.add((s, DCTERMS.license, _licence(g, cat.licence)))
    for kw in svc.keywords or ["marine litter", "microplastics"]:
        g.add((s, DCAT.keyword, Literal(kw, lang="en")))
    for c in svc.conforms_to:
        g.add((s, DCTERMS.conformsTo, _typed(g, c, DCTERMS.Standard)))
    for ds in cat.datasets:
        g.add((s, DCAT.servesDataset, URIRef(ds.uri)))
    return s


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
