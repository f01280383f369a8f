"""The learning centre (issue 22): learning resources and learning paths are registry records (types
`learning_resource` and `learning_path`, registry/entities.py), so they are sourced, reviewed, searchable and
translated like every record. This module reads them together:

- resources filtered by level, language, format, skill, protocol, or the protocol of a dataset;
- paths with their steps resolved in order;
- the training for a protocol (a guideline record): the resources whose `protocols` name it, and the paths
  through them; for a dataset, the training for the guidelines whose `dataset_ids` name it;
- capacity needs matched to learning resources with the same rules as needs to offers (registry/matching.py:
  shared topics, a common language, geography), so a need gets courses as well as offers.

Only published records are read; a path step that is not a published resource is listed as missing, not hidden.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from litterhub.errors import HubError
from litterhub.registry import matching
from litterhub.services.hub import Hub
from litterhub.services.registry import published_data
from litterhub.store import registry_tables as rt

RESOURCE, PATH, GUIDELINE = "learning_resource", "learning_path", "guideline"
LEVELS = ("introductory", "intermediate", "advanced")
FORMATS = ("online-self-paced", "online-live", "in-person", "document", "video")
MAX_RECORDS = 100


class LearningError(HubError, LookupError):
    """A learning-centre request that cannot be answered (unknown path, dataset or need)."""

    def __init__(self, code: str, message: str, status: int = 404, field: str | None = None):
        super().__init__(message, code=code, field=field, status=status)


def _published(hub: Hub, record_type: str) -> list[dict[str, Any]]:
    """Every published record of a type, full data, by title."""
    rr = rt.registry_records
    with hub.engine.connect() as conn:
        ids = list(conn.execute(select(rr.c.id).where(rr.c.type == record_type,
                                                      rr.c.published_revision.is_not(None))).scalars())
        data = published_data(conn, ids)
    return sorted(({**d, "id": i} for i, d in data.items()), key=lambda r: r.get("title", "").lower())


def resources(hub: Hub, level: str | None = None, language: str | None = None, fmt: str | None = None,
              skill: str | None = None, protocol: str | None = None) -> list[dict[str, Any]]:
    """Published learning resources matching every filter given (skill: words found in a skill)."""
    out = []
    needle = (skill or "").strip().lower()
    for r in _published(hub, RESOURCE):
        if level and r.get("level") != level:
            continue
        if language and r.get("languages") and language not in r["languages"]:
            continue
        if fmt and r.get("format") != fmt:
            continue
        if needle and not any(needle in s.lower() for s in r.get("skills", [])):
            continue
        if protocol and protocol not in r.get("protocols", []):
            continue
        out.append(r)
    return out


def _resolve(path: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    steps = [{"position": n + 1, "id": rid, "found": rid in by_id, **({k: by_id[rid].get(k) for k in (
        "title", "kind", "level", "format", "url", "provider", "languages", "duration_hours", "skills")}
        if rid in by_id else {})} for n, rid in enumerate(path.get("steps", []))]
    return {**path, "steps": steps}


def paths(hub: Hub, through: set[str] | None = None) -> list[dict[str, Any]]:
    """Published learning paths with their steps resolved; `through`: only paths with a step among these ids."""
    by_id = {r["id"]: r for r in _published(hub, RESOURCE)}
    found = [p for p in _published(hub, PATH) if through is None or set(p.get("steps", [])) & through]
    return [_resolve(p, by_id) for p in found]


def path(hub: Hub, path_id: str) -> dict[str, Any]:
    for p in paths(hub):
        if p["id"] == path_id:
            return p
    raise LearningError("learning-not-found", f"no published learning path {path_id[:80]!r}", 404, "id")


def for_protocol(hub: Hub, guideline_id: str) -> dict[str, Any]:
    """The training for one guideline or protocol record: its resources and the paths through them."""
    guideline = next((g for g in _published(hub, GUIDELINE) if g["id"] == guideline_id), None)
    if guideline is None:
        raise LearningError("learning-not-found", f"no published guideline {guideline_id[:80]!r}", 404, "protocol")
    found = resources(hub, protocol=guideline_id)
    return {"guideline": {"id": guideline_id, "title": guideline.get("title")}, "resources": found,
            "paths": paths(hub, {r["id"] for r in found})}


def for_dataset(hub: Hub, dataset_id: str) -> dict[str, Any]:
    """The training for a dataset's protocol: the guidelines collected with it (their `dataset_ids`), each with
    its resources, and the paths through them."""
    guidelines = [g for g in _published(hub, GUIDELINE) if dataset_id in g.get("dataset_ids", [])]
    found: dict[str, dict[str, Any]] = {}
    for g in guidelines:
        for r in resources(hub, protocol=g["id"]):
            found.setdefault(r["id"], r)
    return {"dataset_id": dataset_id, "guidelines": [{"id": g["id"], "title": g.get("title")} for g in guidelines],
            "resources": list(found.values()), "paths": paths(hub, set(found))}


def for_need(hub: Hub, need_id: str, limit: int = 10) -> dict[str, Any]:
    """Learning resources for a published capacity need, best first, with the reasons (matching.py's rules)."""
    need = next((n for n in _published(hub, "capacity_need") if n["id"] == need_id), None)
    if need is None:
        raise LearningError("learning-not-found", f"no published capacity need {need_id[:80]!r}", 404, "need")
    scored = []
    for r in _published(hub, RESOURCE):
        m = matching.score(need, r)
        if m is not None:
            scored.append({"id": r["id"], "title": r.get("title"), "url": r.get("url"), "level": r.get("level"),
                           "format": r.get("format"), "score": m.score, "reasons": m.reasons})
    scored.sort(key=lambda x: (-x["score"], x["id"]))
    return {"need": {"id": need_id, "title": need.get("title")}, "resources": scored[:limit]}


def overview(hub: Hub, **filters: str | None) -> dict[str, Any]:
    """The learning centre's page: resources (filtered), every path, the filter values present."""
    everything = resources(hub)
    return {"resources": resources(hub, **filters), "paths": paths(hub),
            "levels": LEVELS, "formats": FORMATS,
            "languages": sorted({lang for r in everything for lang in r.get("languages", [])}),
            "total": len(everything)}
