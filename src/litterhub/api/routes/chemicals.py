"""/api/v1/chemicals: search, facets, downloads and one substance of the chemicals-in-plastics knowledge base, and
/api/v1/vocab/items/{code}/chemicals, the chemical lens of a master item (read-only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from litterhub.http.deps import get_hub
from litterhub.services import chemicals as svc
from litterhub.services import vocab as vocab_svc
from litterhub.services.hub import Hub

router = APIRouter(tags=["chemicals"])
PROBLEMS = {400: {"description": "bad query (problem+json)"}, 404: {"description": "unknown CAS or item"}}
FACET_HELP = "repeatable; codes as in the facets of a search"


def filters_of(function, polymer, hazard, flag, listing, source, conflict) -> dict[str, list[str]]:
    return {"function": function or [], "polymer": polymer or [], "hazard": hazard or [], "flag": flag or [],
            "listing": listing or [], "source": source or [], "conflict": conflict or []}


@router.get("/chemicals", responses=PROBLEMS)
async def search(q: str = Query("", max_length=300, description="name, CAS or words in any UN language"),
                 function: list[str] | None = Query(None, description=FACET_HELP),
                 polymer: list[str] | None = Query(None, description=FACET_HELP),
                 hazard: list[str] | None = Query(None, description=FACET_HELP),
                 flag: list[str] | None = Query(None, description=FACET_HELP),
                 listing: list[str] | None = Query(None, description=FACET_HELP),
                 source: list[str] | None = Query(None, description=FACET_HELP),
                 conflict: list[str] | None = Query(None, description=FACET_HELP),
                 limit: int = Query(25, ge=1, le=svc.MAX_LIMIT), offset: int = Query(0, ge=0),
                 lang: str = Query("en", pattern="^(en|fr|es|ar|ru|zh)$"),
                 format: str | None = Query(None, pattern="^(csv|json)$", description="download the whole result"),
                 hub: Hub = Depends(get_hub)) -> Any:
    """Substances by name, CAS, function, polymer, hazard or listing, with facet counts; `format` downloads all."""
    filters = filters_of(function, polymer, hazard, flag, listing, source, conflict)
    if format:
        text, media = await run_in_threadpool(svc.export, hub, q, filters, format)
        return Response(text, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="chemicals.{format}"'})
    result = await run_in_threadpool(svc.search, hub, q, filters, limit, offset, lang)
    nxt = offset + limit
    result["next_offset"] = nxt if nxt < result["total"] else None
    return result


@router.get("/chemicals/sources")
async def list_sources(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The imported databases: version, licence, citation, file hash, per-source counts and rejected rows."""
    items = await run_in_threadpool(svc.sources, hub)
    return {"count": len(items), "items": items}


@router.get("/chemicals/{cas}", responses=PROBLEMS)
async def show(cas: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """One substance: every value with the sources (and lines) that state it; conflicts between sources."""
    return await run_in_threadpool(svc.get, hub, cas)


@router.get("/vocab/items/{code}/chemicals", responses=PROBLEMS)
async def item_lens(code: str, lang: str = Query("en", pattern="^(en|fr|es|ar|ru|zh)$"),
                    hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The chemical lens: the item's typical polymers (sourced mapping) and the substances the databases associate
    with them, with counts by function, hazard and listing. Association in the databases, not measured content."""
    vocab_svc.show(code)  # an unknown item code: VocabLookupError, a 404 from the error handler
    return await run_in_threadpool(svc.lens, hub, code, lang)
