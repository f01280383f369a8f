"""/api/v1/duplicates: candidate duplicate surveys across datasets with their evidence and confidence, and the exact
copies indicators leave out (each naming the copy counted instead)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.services import duplicates as svc
from litterhub.services.hub import Hub

router = APIRouter(tags=["duplicates"])


@router.get("/duplicates", responses={400: {"description": "unknown confidence or bad paging (problem+json)"}})
def duplicates(confidence: str | None = Query(None, description="only pairs of this confidence: "
                                              + " | ".join(svc.CONFIDENCES)),
               limit: int = Query(500, description=f"pairs per page, 1 to {svc.MAX_LISTED}"),
               offset: int = Query(0, description="pairs to skip"),
               hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The last stored duplicate scan (`stored: true`, what indicators use now), or a read-only scan when none was
    stored. Every pair: first/second event, dataset, site and transect, distance_m, event_date, similarity, item
    totals, identical_items, confidence, action (`exclude-second` only for exact copies, else `flag`) and the
    evidence in words; `exclusions` lists every event indicators leave out with `duplicate_of` and `reason`."""
    try:
        return svc.listing(hub, confidence, limit, offset)
    except svc.BadDuplicateQuery as exc:
        raise Problem(400, str(exc), errors=[{"code": "constraint-error", "field": "confidence" if "confidence"
                                              in str(exc) else "limit", "message": str(exc)}]) from None


@router.get("/duplicates/exclusions")
def exclusions(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Every event indicators leave out as an exact copy: {event_id, dataset_id, duplicate_of, reason}."""
    listed = svc.exclusion_list(hub)
    return {"exclusions": listed, "count": len(listed)}
