"""/api/v1/vocab: the master item list, programme schemes, crosswalks and the SKOS export (read-only)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import Principal, require_role
from litterhub.model.languages import negotiate
from litterhub.services import vocab as svc
from litterhub.services.hub import Hub
from litterhub.vocab import VOCAB_VERSION

router = APIRouter(prefix="/vocab", tags=["vocabulary"])

PROBLEMS = {404: {"description": "unknown item or scheme (problem+json)"}}
LANG = Query(None, description="UN language of `name_local` (ar, en, es, fr, ru, zh); else Accept-Language; "
             "`name` stays English")


def _lang(lang: str | None, accept_language: str | None) -> str:
    return negotiate(lang, None, accept_language)


def _lookup(fn, *args):
    try:
        return fn(*args)
    except svc.VocabLookupError as exc:
        raise Problem(404, str(exc), [{"code": exc.code, "field": None, "message": str(exc)}]) from None


@router.get("/items")
def items(q: str | None = Query(None, description="words to find in codes or names, also programme names"),
          kind: str | None = Query(None, description="class | group | item | extension"),
          material: str | None = Query(None, description="material code, e.g. plastic"), lang: str | None = LANG,
          accept_language: str | None = Header(None, include_in_schema=False)) -> dict[str, Any]:
    """The master list (MSFD TSG-ML backbone + hub groups + national extensions), optionally searched (also by
    the name in the chosen language); each item has `name_local` in that language beside the English `name`."""
    language = _lang(lang, accept_language)
    if q:
        found = [i for i, _ in svc.search(q, limit=1000, lang=language)]
        found = [i for i in found if (not kind or i.kind == kind) and (not material or i.material == material)]
    else:
        found = svc.items(kind, material)
    return {"vocab_version": VOCAB_VERSION, "lang": language, "count": len(found),
            "items": [svc.item_dict(i, language) for i in found]}


@router.get("/items/{code}", responses=PROBLEMS)
def item(code: str, lang: str | None = LANG,
         accept_language: str | None = Header(None, include_in_schema=False)) -> dict[str, Any]:
    """One master item: parents, narrower items, use groups, what every programme calls it, and its name in
    the other UN languages (`translations`, with origin and review state; `name_local` in the chosen one)."""
    return _lookup(svc.show, code).as_dict(_lang(lang, accept_language))


@router.get("/schemes")
def schemes() -> dict[str, Any]:
    """Programme code lists with a crosswalk to the master list, with counts per SKOS relation."""
    infos = [asdict(s) for s in svc.schemes()]
    return {"vocab_version": VOCAB_VERSION, "count": len(infos), "items": infos}


@router.get("/crosswalks/{scheme}", responses=PROBLEMS)
def crosswalk(scheme: str) -> dict[str, Any]:
    """Every mapping of one scheme onto the master list: relation, evidence and where counts roll up."""
    rows = _lookup(svc.crosswalk, scheme)
    return {"scheme": scheme, "vocab_version": VOCAB_VERSION, "count": len(rows),
            "items": [{**svc.mapping_dict(m), "rollup_code": svc.rollup_of(m)} for m in rows]}


@router.get("/skos.jsonld", response_class=Response,
            responses={200: {"content": {"application/ld+json": {}}, "description": "SKOS as JSON-LD"}})
def skos_jsonld() -> Response:
    """The whole vocabulary as SKOS in JSON-LD (master list, programme lists, mappings, use groups)."""
    return Response(svc.export("jsonld"), media_type="application/ld+json")


@router.get("/skos.ttl", response_class=Response,
            responses={200: {"content": {"text/turtle": {}}, "description": "SKOS as Turtle"}})
def skos_turtle() -> Response:
    """The whole vocabulary as SKOS in Turtle."""
    return Response(svc.export("ttl"), media_type="text/turtle")


@router.get("/tables/{name}", responses=PROBLEMS)
def reference_table(name: str, lang: str | None = LANG,
                    accept_language: str | None = Header(None, include_in_schema=False)) -> dict[str, Any]:
    """A reference vocabulary: materials, use_groups, size_classes, compartments, units, polymers, shapes,
    colours (materials and use groups with `name_local` in the chosen language)."""
    rows = _lookup(svc.reference_table, name)
    table = {"materials": "material", "use_groups": "use_group"}.get(name)
    if table:
        language = _lang(lang, accept_language)
        rows = [{**r, **svc.local_name(table, r["code"], language, r["name"])} for r in rows]
    return {"name": name, "vocab_version": VOCAB_VERSION, "count": len(rows), "items": rows}


@router.get("/regions")
def regions() -> dict[str, Any]:
    """Marine regions (MSFD regions/subregions, Regional Seas) with their coarse boxes."""
    rows = svc.region_list()
    return {"vocab_version": VOCAB_VERSION, "count": len(rows), "items": rows}


@router.get("/regions/at", responses={400: {"description": "coordinates out of range (problem+json)"}})
def regions_at(lat: float = Query(..., ge=-90, le=90), lon: float = Query(..., ge=-180, le=180)) -> dict[str, Any]:
    """Which MSFD region, subregion and Regional Seas programme a WGS84 point falls in."""
    return svc.regions_at(lat, lon)


@router.get("/datasets/{dataset_id}/harmonisation", responses=PROBLEMS)
def dataset_harmonisation(dataset_id: str, version: int | None = Query(None, ge=1),
                          hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """A stored dataset version re-harmonised from the lake with the current vocabulary: rows whose mapping
    changed since ingest, coverage, and totals per roll-up code split by the relation they came through."""
    return _lookup(svc.reharmonise_dataset, hub, dataset_id, version).as_dict()


@router.post("/datasets/{dataset_id}/harmonisation", status_code=201,
             responses={**PROBLEMS, 401: {"description": "sign in"}, 403: {"description": "reviewers only"}})
def publish_harmonisation(dataset_id: str, force: bool = Query(False), hub: Hub = Depends(get_hub),
                          principal: Principal = Depends(require_role("reviewer", scope="curate"))) -> dict[str, Any]:
    """Store the dataset re-harmonised with the current vocabulary as its next version (from the lake; a no-op
    that says `unchanged` when the current version already uses this vocabulary)."""
    from litterhub.services.datasets import NotFound
    from litterhub.services.reharmonise import publish_reharmonised
    from litterhub.store.locks import DatasetBusy

    try:
        return publish_reharmonised(hub, dataset_id, actor=f"user:{principal.id}", force=force).as_dict()
    except NotFound as exc:
        raise Problem(404, str(exc)) from None
    except DatasetBusy as exc:  # another writer holds the dataset (store/locks.py): retry, never a 500
        raise Problem(409, str(exc), [{"code": exc.code, "field": None, "message": str(exc)}]) from None
