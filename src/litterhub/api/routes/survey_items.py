"""GET /api/v1/survey/items?country=PT: master items ranked by the surveys that found them in the country (the phone
survey orders its item list with it; services/survey_items.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from litterhub.http.deps import get_hub
from litterhub.services import survey_items
from litterhub.services.hub import Hub

router = APIRouter(tags=["contributions"])


@router.get("/survey/items", responses={400: {"description": "unknown country code (problem+json)"}})
def ranked_items(country: str = Query(..., description="ISO 3166 alpha-2 or alpha-3"),
                 hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """`items`: master-list codes with the number of surveys in the country that found them, most found first."""
    return survey_items.ranking(hub, country)
