"""GET /api/v1/sites/{site_id}/summary: what the site page shows (survey timeline per comparability class, item mix,
datasets and programmes, download links), from services/site_page.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from litterhub.api.routes.datasets import PROBLEMS
from litterhub.http.deps import get_hub
from litterhub.services import site_page
from litterhub.services.hub import Hub

router = APIRouter(tags=["datasets"])


@router.get("/sites/{site_id}/summary", responses=PROBLEMS)
def site_summary(site_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The site with its timeline, item mix, datasets and downloads; its events are at /api/v1/events?site=.
    A plain `def`: the lake read runs in the thread pool, off the event loop."""
    out = site_page.site_page(hub, site_id)
    out.pop("events", None)
    return out
