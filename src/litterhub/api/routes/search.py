"""/api/v1/search: full-text search over the published knowledge registry, in the six UN languages;
/api/v1/search/everywhere: the best few matches of every pillar (services/everywhere.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from litterhub.api.routes.registry import _filters
from litterhub.http.deps import get_hub
from litterhub.services import everywhere
from litterhub.services import search as search_svc
from litterhub.services.hub import Hub

router = APIRouter(tags=["registry"])


@router.get("/search")
def search(q: str = Query("", max_length=500, description="words in any UN language; typos tolerated"),
           type: list[str] | None = Query(None), country: list[str] | None = Query(None),
           region: list[str] | None = Query(None), topic: list[str] | None = Query(None),
           language: list[str] | None = Query(None), year: list[str] | None = Query(None),
           limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0),
           hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Ranked results with facet counts; `corrected` shows which words were matched by spelling tolerance."""
    return search_svc.search(hub, q, _filters(type, country, region, topic, language, year), limit, offset)


@router.get("/search/everywhere")
def search_everywhere(q: str = Query(..., max_length=everywhere.MAX_QUERY, description="words in any UN language"),
                      lang: str = Query("en", pattern="^(ar|en|es|fr|ru|zh)$",
                                        description="language of the names returned"),
                      hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Records, datasets, master items, countries, evidence records, chemicals, forum threads and public profiles
    matching `q`: the first few of each with their count and the pillar's own search (`more`)."""
    return {"query": q, "groups": everywhere.as_dicts(everywhere.search(hub, q, lang))}
