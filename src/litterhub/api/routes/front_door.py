"""GET /api/v1/summary: the front door's figures, one per pillar (services/front_door.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from litterhub.http.deps import get_hub
from litterhub.services import front_door
from litterhub.services.hub import Hub

router = APIRouter(tags=["datasets"])


@router.get("/summary")
def summary(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """What the hub holds, pillar by pillar: `key`, the web page (`href`), the `count` and what it counts (`unit`);
    a pillar whose source could not be read has `count` null and a `problem`."""
    return {"pillars": front_door.as_dicts(front_door.pillars(hub))}


@router.get("/compare", responses={400: {"description": "fewer than two datasets (problem+json)"},
                                   404: {"description": "unknown dataset (problem+json)"}})
def compare(dataset: list[str] = Query(..., description="two to six dataset ids (repeat the parameter)"),
            hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Datasets side by side: one column per dataset and comparability class (composition, yearly trend in
    items/100 m, mapping to the master list), never pooled. A plain `def`: computed in the thread pool."""
    from litterhub.services.compare import compare as side_by_side

    return side_by_side(hub, dataset)
