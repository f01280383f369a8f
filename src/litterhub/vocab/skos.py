"""SKOS export of the whole vocabulary (master list, every programme list, mappings, use groups).

Mapping direction: a crosswalk row reads `master <relation> source` in SKOS terms, so it is emitted as
`<master> skos:narrowMatch <source>` when the source is narrower than the master concept, and so on.
IRIs use the base below, a placeholder until the hub has a registered namespace.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from litterhub.vocab import VOCAB_VERSION
from litterhub.vocab.crosswalks import all_crosswalks, scheme_table
from litterhub.vocab.items import master_list
from litterhub.vocab.names_i18n import content_names

BASE = "https://w3id.org/litterhub/vocab/"
LH = Namespace(BASE)
CONTEXT = {"skos": str(SKOS), "dct": str(DCTERMS), "owl": str(OWL), "lh": BASE}


def master_iri(code: str) -> URIRef:
    return LH[f"master/{quote(code, safe='')}"]


def source_iri(scheme: str, code: str) -> URIRef:
    return LH[f"{scheme}/{quote(code, safe='')}"]


@lru_cache(maxsize=1)
def build_graph() -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("dct", DCTERMS)
    g.bind("lh", LH)
    master = master_list()
    scheme = LH["master"]
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, Literal("litterhub master item list (MSFD TSG-ML backbone)", lang="en")))
    g.add((scheme, OWL.versionInfo, Literal(VOCAB_VERSION)))
    for item in master.items.values():
        iri = master_iri(item.code)
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, scheme))
        g.add((iri, SKOS.notation, Literal(item.code)))
        g.add((iri, SKOS.prefLabel, Literal(item.name, lang="en")))
        _translations(g, iri, "item", item.code)
        g.add((iri, LH.material, Literal(item.material)))
        g.add((iri, LH.kind, Literal(item.kind)))
        if item.note:
            g.add((iri, SKOS.scopeNote, Literal(item.note, lang="en")))
        if item.parent_code:
            g.add((iri, SKOS.broader, master_iri(item.parent_code)))
            g.add((master_iri(item.parent_code), SKOS.narrower, iri))
        else:
            g.add((iri, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, iri))
    schemes = scheme_table()
    for sid, maps in all_crosswalks().items():
        s_iri = LH[sid]
        g.add((s_iri, RDF.type, SKOS.ConceptScheme))
        g.add((s_iri, DCTERMS.title, Literal(schemes[sid]["name"], lang="en")))
        g.add((s_iri, DCTERMS.publisher, Literal(schemes[sid]["publisher"])))
        for m in maps:
            iri = source_iri(sid, m.source_code)
            g.add((iri, RDF.type, SKOS.Concept))
            g.add((iri, SKOS.inScheme, s_iri))
            g.add((iri, SKOS.notation, Literal(m.source_code)))
            g.add((iri, SKOS.prefLabel, Literal(m.source_name, lang="en")))
            g.add((master_iri(m.master_code), SKOS[m.relation], iri))
            g.add((iri, SKOS.editorialNote, Literal(f"mapping evidence: {m.evidence}", lang="en")))
    from litterhub.vocab.reference import use_group_members, use_groups

    for code, row in use_groups().items():
        c_iri = LH[f"use-group/{code}"]
        g.add((c_iri, RDF.type, SKOS.Collection))
        g.add((c_iri, SKOS.prefLabel, Literal(row["name"], lang="en")))
        g.add((c_iri, SKOS.definition, Literal(row["definition"], lang="en")))
        _translations(g, c_iri, "use_group", code)
    for group, member in use_group_members():
        g.add((LH[f"use-group/{group}"], SKOS.member, master_iri(member)))
    return g


def _translations(g: Graph, iri: URIRef, table: str, code: str) -> None:
    """prefLabel (and definition) in the other UN languages; an unreviewed machine translation says so in an
    editorial note, so a consumer can choose to skip it."""
    for lang, t in content_names().languages(table, code).items():
        g.add((iri, SKOS.prefLabel, Literal(t.name, lang=lang)))
        if t.description:
            g.add((iri, SKOS.definition, Literal(t.description, lang=lang)))
        if t.awaiting_review:
            g.add((iri, SKOS.editorialNote, Literal(f"{lang}: machine translation, awaiting native review",
                                                    lang="en")))


@lru_cache(maxsize=2)
def export_skos(fmt: str) -> str:
    """The vocabulary as JSON-LD ('jsonld') or Turtle ('ttl')."""
    graph = build_graph()
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    if fmt == "ttl":
        return graph.serialize(format="turtle")
    raise ValueError(f"unknown SKOS export format {fmt!r}; use jsonld or ttl")
