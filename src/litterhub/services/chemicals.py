"""Chemicals-in-plastics use cases: import the five databases, search with facets, show one substance, export a
search, and the chemical lens of a master item. The CLI, the API and the web pages call these and only format.

Import contract: `import_chemicals(hub, folder)` reads every source (chemicals/sources.py), merges on validated CAS
numbers (chemicals/merge.py) and writes only what changed (content hash per substance), so a second run over the
same files changes nothing and a run after a source update reports what it added, updated and removed. Runs in
one transaction; the CLI is the caller (heavy work never on the event loop).

Search contract: a query is first read for vocabulary words in any UN language ("增塑剂", "flame retardant",
"PVC", "Stockholm") which become facet filters; words naming the whole domain ("添加剂", "additive") match every
substance; the remaining words must all appear in a substance's CAS, EC number, names or synonyms.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, insert, select

from litterhub.chemicals import vocabulary as v
from litterhub.chemicals.merge import content_hash, merge
from litterhub.chemicals.sources import SOURCES, ChemicalSourceError, read_source
from litterhub.errors import HubError
from litterhub.services.hub import Hub
from litterhub.store import registry_tables as rt
from litterhub.store.chemical_tables import chem_facets, chem_sources, chem_substances

DEFAULT_FOLDER = Path("../shared/data/plastic-chemicals")
FACETS = ("function", "polymer", "hazard", "flag", "listing", "source", "conflict")
MAX_LIMIT = 500  # one page of the API; downloads use EXPORT_LIMIT
EXPORT_LIMIT = 20000  # every substance fits: the merged sources hold about 13,000
WRITE_CHUNK = 2000
HONEST_NOTE = ("Associated with these polymers in the source databases, not measured content: a substance listed "
               "here may or may not be present in a given item.")


class ChemicalsError(HubError, ValueError):
    """A request or an import that cannot be served (stable `code`, HTTP `status`)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        self.code, self.status = code, status
        super().__init__(message)


# --- import ------------------------------------------------------------------------------------------------------

def _facet_rows(doc: dict) -> list[dict]:
    rows = {(f, e["code"]) for f in ("function", "polymer", "hazard", "flag") for e in doc[f + "s"]}
    rows |= {("listing", e["code"]) for e in doc["listings"] if e["listed_by"]}
    rows |= {("source", s["key"]) for s in doc["sources"]}
    if doc["conflicts"]:
        rows.add(("conflict", "yes"))
    return [{"cas": doc["cas"], "facet": f, "value": val[:60]} for f, val in sorted(rows)]


def _search_text(doc: dict) -> str:
    parts = [doc["cas"], *(e["value"] for e in doc["ec_numbers"]), *(n["value"] for n in doc["names"]),
             *(s["value"] for s in doc["synonyms"])]
    return " | ".join(parts).lower()


def _row(doc: dict, now: datetime) -> dict:
    return {"cas": doc["cas"], "name": doc["name"] or doc["cas"], "data": doc, "search_text": _search_text(doc),
            "content_hash": content_hash(doc), "n_sources": len(doc["sources"]), "n_hazards": len(doc["hazards"]),
            "n_listings": sum(1 for e in doc["listings"] if e["listed_by"]), "n_conflicts": len(doc["conflicts"]),
            "updated_at": now}


DEMO_FOLDER = Path(__file__).resolve().parents[1] / "demo" / "chemicals"


def load_demo_chemicals(hub: Hub) -> dict[str, Any]:
    """The demo's chemicals: only what may be redistributed (the Stockholm POPs listing compiled for this project)."""
    return import_chemicals(hub, DEMO_FOLDER, allow_partial=True)


def import_chemicals(hub: Hub, folder: Path | None = None, allow_partial: bool = False) -> dict[str, Any]:
    """Read, merge and store the five sources; the report gives per-source and store counts (module contract).
    A folder lacking a source is an error, because importing it would remove that source's substances; the demo
    (`allow_partial`) imports what its folder holds and lists the rest as missing."""
    folder = Path(folder or DEFAULT_FOLDER)
    if not folder.is_dir():
        raise ChemicalsError("chemicals-folder-missing", f"{folder} is not a folder with the chemicals sources", 404)
    missing = [k for k, spec in SOURCES.items() if not (folder / spec.path).is_file()]
    if missing and (not allow_partial or len(missing) == len(SOURCES)):
        raise ChemicalsError("chemicals-source-missing", f"{folder} lacks {', '.join(SOURCES[k].path for k in missing)}"
                             " (every source is needed: a partial import would remove substances)", 404)
    try:
        frames = [read_source(folder, key) for key in SOURCES if key not in missing]
    except ChemicalSourceError as exc:
        raise ChemicalsError(exc.code, str(exc)) from None
    docs, counts = merge(frames)
    now = datetime.now(UTC)
    rows = {cas: _row(doc, now) for cas, doc in docs.items()}
    with hub.engine.begin() as conn:
        known = dict(conn.execute(select(chem_substances.c.cas, chem_substances.c.content_hash)).all())
        new = [c for c in rows if c not in known]
        changed = [c for c in rows if c in known and known[c] != rows[c]["content_hash"]]
        gone = [c for c in known if c not in rows]
        for chunk in _chunks(changed + gone):
            conn.execute(delete(chem_facets).where(chem_facets.c.cas.in_(chunk)))
            conn.execute(delete(chem_substances).where(chem_substances.c.cas.in_(chunk)))
        for chunk in _chunks(new + changed):
            conn.execute(insert(chem_substances), [rows[c] for c in chunk])
            conn.execute(insert(chem_facets), [f for c in chunk for f in _facet_rows(docs[c])])
        conn.execute(delete(chem_sources))
        conn.execute(insert(chem_sources), [
            {**{k: f.info[k] for k in ("key", "name", "version", "licence", "citation", "file", "sha256")},
             "counts": counts[f.key], "rejected": f.rejected.to_dict("records"), "imported_at": now}
            for f in frames])
    return {"folder": str(folder), "missing_sources": missing, "substances": len(docs), "inserted": len(new),
            "updated": len(changed),
            "removed": len(gone), "unchanged": len(rows) - len(new) - len(changed),
            "with_conflicts": sum(1 for d in docs.values() if d["conflicts"]),
            "sources": [{**f.info, **counts[f.key], "rejected_rows": f.rejected.to_dict("records")} for f in frames]}


def _chunks(items: list) -> list[list]:
    return [items[i:i + WRITE_CHUNK] for i in range(0, len(items), WRITE_CHUNK)]


# --- search ------------------------------------------------------------------------------------------------------

EXTRA_ALIASES = {
    "function:plasticiser": ["plasticizer", "plasticizers", "plasticisers", "phthalate plasticiser"],
    "function:flame-retardant": ["flame retardants", "flame-retardant"],
    "function:light-stabiliser": ["uv stabiliser", "uv stabilizer", "light stabilizer", "light stabiliser"],
    "function:heat-stabiliser": ["heat stabilizer"],
    "function:odour-agent": ["fragrance", "odor agent", "odour agent"],
    "function:colorant": ["pigment", "dye", "colourant"],
    "listing:stockholm": ["stockholm", "pops", "persistent organic pollutants"],
    "listing:eu-svhc": ["svhc", "candidate list"], "listing:eu-rohs": ["rohs"],
    "listing:eu-10-2011": ["10/2011", "food contact", "union list"], "listing:prop65": ["prop 65", "proposition 65"],
    "hazard:carcinogenic": ["carcinogen", "carcinogens", "cancer"], "flag:EDC": ["endocrine disruptor", "edcs"],
}


@lru_cache(maxsize=1)
def _aliases() -> list[tuple[str, str, str]]:
    """(alias lower-cased, facet, code), longest first so "light stabiliser" wins over "stabiliser"."""
    out = []
    for key, labels in v.search_words().items():
        facet, code = key.split(":", 1)
        names = {*labels, code, code.replace("-", " ")}
        names |= {m for label in labels for m in re.findall(r"[(（]([^)）]+)[)）]", label)}  # also full-width
        names |= {re.split(r" \(|（", label)[0] for label in labels}
        names |= set(EXTRA_ALIASES.get(key, []))
        out += [(n.lower().strip(), facet, code) for n in names if len(n.strip()) >= 2]
    return sorted(set(out), key=lambda a: -len(a[0]))


DOMAIN = sorted({w.lower() for w in v.DOMAIN_WORDS.split()} | {"additives", "chemicals", "substances", "plastics"},
                key=len, reverse=True)


def _is_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" for ch in text)


def _cut(query: str, alias: str) -> tuple[bool, str]:
    """Whether `alias` occurs in `query` as a word (a substring for CJK) and the query without it."""
    if _is_cjk(alias):
        return (alias in query, query.replace(alias, " ", 1))
    pattern = re.compile(rf"(?<![\w/-]){re.escape(alias)}(?![\w/-])")
    return (bool(pattern.search(query)), pattern.sub(" ", query, count=1))


@dataclass
class Interpreted:
    filters: dict[str, list[str]]
    words: list[str]
    recognised: list[dict[str, str]]


def interpret(query: str) -> Interpreted:
    """Vocabulary words in any UN language become facet filters; domain words are dropped (module contract)."""
    rest = " " + query.lower().strip() + " "
    filters: dict[str, list[str]] = {}
    recognised = []
    if v.is_cas_like(rest.strip()):
        return Interpreted({}, [rest.strip()], [])
    for alias, facet, code in _aliases():
        found, rest2 = _cut(rest, alias)
        if found:
            rest = rest2
            if code not in filters.setdefault(facet, []):
                filters[facet].append(code)
                recognised.append({"text": alias, "facet": facet, "code": code})
    for word in DOMAIN:
        rest = _cut(rest, word)[1]
    words = [w for w in re.split(r"\s+", rest) if w.strip(" ,;")]
    return Interpreted(filters, [w.strip(" ,;") for w in words], recognised)


def _where(filters: dict[str, list[str]], words: list[str]):
    clauses = []
    for facet, values in filters.items():
        if values:
            sub = select(chem_facets.c.cas).where(chem_facets.c.facet == facet, chem_facets.c.value.in_(values))
            clauses.append(chem_substances.c.cas.in_(sub))
    for word in words:
        if v.is_cas_like(word):  # a CAS number names one substance: no substring matches (117-81-7 ≠ 1117-81-7)
            clauses.append(chem_substances.c.cas == word)
            continue
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(chem_substances.c.search_text.like(f"%{escaped}%", escape="\\"))
    return and_(*clauses) if clauses else None


def _check_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    clean: dict[str, list[str]] = {}
    for facet, values in filters.items():
        if facet not in FACETS:
            raise ChemicalsError("chemicals-unknown-facet", f"unknown facet {facet!r}; facets are {', '.join(FACETS)}")
        values = [x.strip() for x in values or [] if x and x.strip()]
        if values:
            clean[facet] = values
    return clean


def search(hub: Hub, query: str = "", filters: dict[str, list[str]] | None = None, limit: int = 25,
           offset: int = 0, lang: str = "en", with_facets: bool = True) -> dict[str, Any]:
    """Substances matching a query and facet filters (AND between facets, OR within one), with facet counts."""
    if not 1 <= limit <= EXPORT_LIMIT or offset < 0:
        raise ChemicalsError("chemicals-bad-page", f"limit must be 1..{EXPORT_LIMIT} and offset >= 0")
    if len(query) > 300:
        raise ChemicalsError("chemicals-query-too-long", "the query is longer than 300 characters")
    meaning = interpret(query or "")
    merged = _check_filters(filters or {})
    for facet, codes in meaning.filters.items():
        merged[facet] = sorted(set(merged.get(facet, [])) | set(codes))
    where = _where(merged, meaning.words)
    base = select(chem_substances.c.cas)
    if where is not None:
        base = base.where(where)
    cols = [chem_substances.c.cas, chem_substances.c.name, chem_substances.c.data, chem_substances.c.n_sources,
            chem_substances.c.n_hazards, chem_substances.c.n_listings, chem_substances.c.n_conflicts]
    with hub.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        stmt = select(*cols).order_by(chem_substances.c.n_sources.desc(), chem_substances.c.n_listings.desc(),
                                      chem_substances.c.cas)
        if where is not None:
            stmt = stmt.where(where)
        rows = conn.execute(stmt.limit(limit).offset(offset)).all()
        facets = _facet_counts(conn, base, lang) if with_facets else {}
        imported = conn.execute(select(func.count()).select_from(chem_sources)).scalar_one()
    return {"query": query, "filters": merged, "recognised": meaning.recognised, "words": meaning.words,
            "total": total, "limit": limit, "offset": offset, "imported": bool(imported),
            "items": [summary(r.data, lang) for r in rows], "facets": facets}


def _facet_counts(conn, base, lang: str) -> dict[str, list[dict]]:
    stmt = (select(chem_facets.c.facet, chem_facets.c.value, func.count())
            .where(chem_facets.c.cas.in_(base)).group_by(chem_facets.c.facet, chem_facets.c.value))
    out: dict[str, list[dict]] = {f: [] for f in FACETS}
    for facet, value, n in conn.execute(stmt):
        out[facet].append({"value": value, "label": v.label(facet, value, lang), "count": n})
    for facet in out:
        out[facet].sort(key=lambda e: (-e["count"], e["value"]))
    return out


def summary(doc: dict, lang: str = "en") -> dict[str, Any]:
    """The fields of a result row (the whole document is at /chemicals/{cas})."""
    return {"cas": doc["cas"], "name": doc["name"],
            "functions": [e["code"] for e in doc["functions"]],
            "function_labels": [v.label("function", e["code"], lang) for e in doc["functions"]],
            "polymers": [e["code"] for e in doc["polymers"]],
            "hazards": [e["code"] for e in doc["hazards"]], "flags": [e["code"] for e in doc["flags"]],
            "listings": [e["code"] for e in doc["listings"] if e["listed_by"]],
            "sources": [s["key"] for s in doc["sources"]], "conflicts": len(doc["conflicts"])}


# --- one substance -----------------------------------------------------------------------------------------------

def normalise_cas(cas: str) -> str:
    cas = (cas or "").strip()
    if not v.is_cas_like(cas):
        raise ChemicalsError("chemicals-invalid-cas", f"{cas[:40]!r} is not a CAS Registry Number (NNNNNNN-NN-N)")
    return cas


def get(hub: Hub, cas: str) -> dict[str, Any]:
    """One substance: its merged document, the sources cited and hand-entered registry records it supersedes."""
    cas = normalise_cas(cas)
    with hub.engine.connect() as conn:
        row = conn.execute(select(chem_substances.c.data, chem_substances.c.updated_at)
                           .where(chem_substances.c.cas == cas)).first()
        if row is None:
            raise ChemicalsError("chemicals-not-found", f"no substance with CAS {cas} in the imported sources", 404)
        src = {r.key: dict(r._mapping) for r in conn.execute(
            select(chem_sources.c.key, chem_sources.c.name, chem_sources.c.version, chem_sources.c.licence,
                   chem_sources.c.citation, chem_sources.c.imported_at))}
    doc = dict(row.data)
    doc["sources"] = [{**s, **src.get(s["key"], {})} for s in doc["sources"]]
    doc["registry_records"] = registry_additives(hub).get(cas, [])
    doc["updated_at"] = row.updated_at
    doc["verification"] = "imported from the sources as published; not reviewed by a hub curator"
    return doc


def registry_additives(hub: Hub) -> dict[str, list[dict[str, str]]]:
    """Hand-entered `additive` registry records by CAS: an imported substance supersedes them as the data record
    and links back to them (read-only here; the registry keeps its own records)."""
    stmt = (select(rt.registry_records.c.id, rt.registry_records.c.title, rt.registry_revisions.c.data)
            .join(rt.registry_revisions, and_(rt.registry_revisions.c.record_id == rt.registry_records.c.id,
                                              rt.registry_revisions.c.revision
                                              == rt.registry_records.c.published_revision))
            .where(rt.registry_records.c.type == "additive"))
    out: dict[str, list[dict[str, str]]] = {}
    with hub.engine.connect() as conn:
        for rid, title, data in conn.execute(stmt):
            for cas in (data or {}).get("cas_rn") or []:
                out.setdefault(cas, []).append({"id": rid, "title": title})
    return out


def superseded(hub: Hub) -> list[dict[str, str]]:
    """Registry additive records whose CAS numbers are imported substances (record id, title, CAS)."""
    with hub.engine.connect() as conn:
        known = set(conn.execute(select(chem_substances.c.cas)).scalars())
    return [{"record": r["id"], "title": r["title"], "cas": cas}
            for cas, recs in sorted(registry_additives(hub).items()) if cas in known for r in recs]


def sources(hub: Hub) -> list[dict[str, Any]]:
    with hub.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(chem_sources).order_by(chem_sources.c.key))]


# --- downloads ---------------------------------------------------------------------------------------------------

EXPORT_COLUMNS = ["cas", "name", "functions", "polymers", "hazards", "flags", "listings", "sources", "conflicts"]


def export(hub: Hub, query: str, filters: dict[str, list[str]], fmt: str) -> tuple[str, str]:
    """A whole search as CSV (one row per substance, lists joined by "; ") or JSON; returns (text, media type)."""
    result = search(hub, query, filters, limit=EXPORT_LIMIT, with_facets=False)
    if fmt == "json":
        body = {"query": query, "filters": result["filters"], "total": result["total"],
                "sources": [{k: s[k] for k in ("key", "name", "version", "licence", "citation")}
                            for s in sources(hub)],
                "note": "facts from the cited databases; licences differ, see each source", "items": result["items"]}
        return json.dumps(body, ensure_ascii=False, default=str), "application/json"
    if fmt != "csv":
        raise ChemicalsError("chemicals-bad-format", "format is csv or json")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for item in result["items"]:
        writer.writerow([_csv_safe("; ".join(item[c]) if isinstance(item[c], list) else str(item[c]))
                         for c in EXPORT_COLUMNS])
    return out.getvalue(), "text/csv; charset=utf-8"


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not v.is_cas_like(text) else text


# --- the chemical lens -------------------------------------------------------------------------------------------

def lens(hub: Hub, item_code: str, lang: str = "en", top: int = 15) -> dict[str, Any]:
    """Master item → its typical polymers (vocab/data/item_polymers.csv) → substances the databases associate with
    those polymers, with counts by function, hazard, flag and listing. Association, not measured content."""
    from litterhub.vocab.item_polymers import expand, polymers_of

    mapping = polymers_of(item_code)
    codes = expand([m["polymer"] for m in mapping])
    out: dict[str, Any] = {"item": item_code, "polymers": mapping, "matched_polymer_codes": codes,
                           "note": HONEST_NOTE, "total": 0, "counts": {}, "examples": []}
    if not codes:
        out["reason"] = ("no typical polymer is recorded for this item (vocab/data/item_polymers.csv); "
                         "add one with its evidence to see associated substances")
        return out
    result = search(hub, "", {"polymer": codes}, limit=max(top, 1), lang=lang)
    if not result["imported"]:
        out["reason"] = "the chemicals databases are not imported yet: run `litterhub registry import-chemicals`"
    out["total"] = result["total"]
    out["counts"] = {f: result["facets"][f] for f in ("function", "hazard", "flag", "listing")}
    out["examples"] = result["items"][:top]
    return out
