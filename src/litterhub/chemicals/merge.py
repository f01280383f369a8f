"""Fold the claims of all sources into one document per CAS number, keeping which source says what.

Contract: `merge(frames)` returns (documents by CAS, per-source counts). A document lists every name, function,
polymer, hazard, listing, use level and tonnage with the sources (and their lines) that state it. Nothing is
resolved silently: when one source says a substance is on a list and another explicitly says it is not, or two
sources give different EC numbers, the document carries a `conflicts` entry naming both sides; the reader decides.
Sources differ in date (2018 to 2025), so a conflict is often a list that changed in between.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import pandas as pd

from litterhub.chemicals.sources import SourceFrame

NAME_PRIORITY = ["stockholm", "aurisano", "cppdb", "eu_10_2011", "plasticmap"]  # most readable names first
CMR_HAZARDS = ("carcinogenic", "mutagenic", "reprotoxic")
LIST_FIELDS = ("function", "polymer", "hazard", "h_statement", "flag")


def _grouped(claims: pd.DataFrame, field: str) -> dict[str, list[dict]]:
    """{cas: [{code, sources: {source: [details]}, lines: {source: [lines]}}]} for one field."""
    part = claims[claims["field"] == field].sort_values(["cas", "value", "source", "line"])
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    columns = [part[c].to_numpy() for c in ("cas", "value", "source", "detail", "line")]
    for cas, value, source, detail, line in zip(*columns, strict=True):
        entry = out[cas].setdefault(value, {"code": value, "sources": {}, "lines": {}})
        details, lines = entry["sources"].setdefault(source, []), entry["lines"].setdefault(source, [])
        if detail and detail not in details:
            details.append(detail)
        if int(line) not in lines:
            lines.append(int(line))
    return {cas: list(entries.values()) for cas, entries in out.items()}


def _texts(claims: pd.DataFrame, field: str) -> dict[str, list[dict]]:
    """{cas: [{value, sources}]} for free-text fields (names, use levels, …), case-insensitively distinct."""
    part = claims[claims["field"] == field]
    part = part.assign(_key=part["value"].str.lower()).drop_duplicates(["cas", "_key", "source"])
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for cas, key, value, source in zip(part["cas"].to_numpy(), part["_key"].to_numpy(), part["value"].to_numpy(),
                                       part["source"].to_numpy(), strict=True):
        entry = out[cas].setdefault(key, {"value": value, "sources": []})
        if source not in entry["sources"]:
            entry["sources"].append(source)
    return {cas: [{**e, "sources": sorted(e["sources"])} for e in entries.values()] for cas, entries in out.items()}


def _listings(claims: pd.DataFrame) -> dict[str, list[dict]]:
    part = claims[claims["field"] == "listing"]
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    columns = [part[c].to_numpy() for c in ("cas", "value", "source", "detail", "listed", "line")]
    for cas, code, source, detail, listed, line in zip(*columns, strict=True):
        entry = out[cas].get(code)
        if entry is None:
            entry = out[cas][code] = {"code": code, "listed_by": {}, "not_listed_by": {}, "lines": {}}
        side = (entry["listed_by"] if listed == "yes" else entry["not_listed_by"]).setdefault(source, [])
        if detail and detail not in side:
            side.append(detail)
        entry["lines"].setdefault(source, []).append(int(line))
    return {cas: list(entries.values()) for cas, entries in out.items()}


def _name(names: list[dict]) -> str:
    def rank(n: dict) -> int:
        return min(NAME_PRIORITY.index(s) for s in n["sources"])
    return min(names, key=rank)["value"] if names else ""


def content_hash(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _document(cas: str, parts: dict[str, dict], versions: dict[str, str]) -> dict:
    doc: dict = {"cas": cas}
    doc["names"] = parts["name"].get(cas, [])
    doc["name"] = _name(doc["names"])
    doc["synonyms"] = parts["synonym"].get(cas, [])
    doc["ec_numbers"] = parts["ec_number"].get(cas, [])
    for field in LIST_FIELDS:
        doc[field + "s"] = parts[field].get(cas, [])
    doc["listings"] = [e for e in parts["listing"].get(cas, [])]
    doc["use_levels"] = parts["use_level"].get(cas, [])
    doc["tonnage"] = parts["tonnage"].get(cas, [])
    cmr = [h for h in doc["hazards"] if h["code"] in CMR_HAZARDS]
    if cmr and not any(f["code"] == "CMR" for f in doc["flags"]):
        doc["flags"].append({"code": "CMR", "sources": {s: [f"derived from {h['code']}"] for h in cmr
                                                        for s in h["sources"]}, "lines": {}})
    sources = sorted({s for field in ("names", "listings") for e in doc[field]
                      for s in (e.get("sources") or [*e.get("listed_by", {}), *e.get("not_listed_by", {})])})
    doc["sources"] = [{"key": s, "version": versions.get(s, "")} for s in sources]
    doc["conflicts"] = _conflicts(doc)
    return doc


def _conflicts(doc: dict) -> list[dict]:
    out = []
    for entry in doc["listings"]:
        yes, no = sorted(entry["listed_by"]), sorted(set(entry["not_listed_by"]) - set(entry["listed_by"]))
        if yes and no:
            out.append({"field": "listing", "code": entry["code"], "says_yes": yes, "says_no": no,
                        "note": "sources disagree on this listing; they date from different years"})
    if len({e["value"] for e in doc["ec_numbers"]}) > 1:
        out.append({"field": "ec_number", "code": "", "values": {e["value"]: e["sources"] for e in doc["ec_numbers"]},
                    "note": "sources give different EC numbers"})
    return out


def merge(frames: list[SourceFrame]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Documents by CAS and, per source, rows/accepted/rejected/merged/new/conflicting counts."""
    claims = pd.concat([f.claims for f in frames], ignore_index=True)
    versions = {f.key: str(f.info.get("version", "")) for f in frames}
    parts = {field: _grouped(claims, field) for field in LIST_FIELDS}
    parts.update({field: _texts(claims, field) for field in ("name", "synonym", "ec_number", "use_level", "tonnage")})
    parts["listing"] = _listings(claims)
    docs = {cas: _document(cas, parts, versions) for cas in sorted(claims["cas"].unique())}
    per_cas_sources = claims.groupby("cas")["source"].nunique()
    in_conflict: dict[str, set[str]] = defaultdict(set)
    for cas, doc in docs.items():
        for x in doc["conflicts"]:
            for key in [*x.get("says_yes", []), *x.get("says_no", []), *(s for v in x.get("values", {}).values()
                                                                          for s in v)]:
                in_conflict[key].add(cas)
    counts = {}
    for frame in frames:
        cas = pd.Index(frame.claims["cas"].unique())
        shared = int((per_cas_sources.reindex(cas) > 1).sum())
        conflicting = len(in_conflict[frame.key])
        counts[frame.key] = {"rows": frame.rows, "substances": len(cas), "rejected": len(frame.rejected),
                             "merged": shared, "new": len(cas) - shared, "conflicting": conflicting}
    return docs, counts
