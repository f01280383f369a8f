"""/api/v1/microplastics: size-range alignment factors and aligned dataset concentrations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from litterhub.analysis.microplastics.alignment import AlignmentError
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.services import microplastics as svc
from litterhub.services.hub import Hub

router = APIRouter(prefix="/microplastics", tags=["microplastics"])


@router.get("/align", responses={400: {"description": "invalid range or alpha (problem+json)"}})
def align(alpha: float = Query(..., description="power-law exponent of particle length"),
          measured_low: float = Query(..., description="µm"), measured_high: float = Query(..., description="µm"),
          target_low: float = Query(1.0, description="µm"), target_high: float = Query(5000.0, description="µm"),
          ) -> dict[str, Any]:
    """Correction factor from a measured size range to a target range (Koelmans et al. 2020, eq. 2)."""
    try:
        return svc.alignment_factor(alpha, (measured_low, measured_high), (target_low, target_high))
    except AlignmentError as exc:
        raise Problem(400, str(exc)) from None


@router.get("/alphas")
def alphas() -> dict[str, Any]:
    return {"items": svc.alphas()}


def _require_published(hub: Hub, dataset_id: str, version: int) -> None:
    """404 unless the catalog has the version published (a retracted version is not served)."""
    from litterhub.services.datasets import NotFound, require_published

    try:
        require_published(hub, dataset_id, version)
    except NotFound as exc:
        raise Problem(404, str(exc)) from None


@router.get("/datasets/{dataset_id}/versions/{version}/aligned",
            responses={400: {"description": "invalid parameter"}, 404: {"description": "no such version"}})
def aligned(dataset_id: str, version: int, alpha: float = Query(...), hub: Hub = Depends(get_hub)
            ) -> dict[str, Any]:
    _require_published(hub, dataset_id, version)
    try:
        return svc.align_dataset(hub, dataset_id, version, alpha)
    except AlignmentError as exc:
        raise Problem(400, str(exc)) from None


@router.get("/datasets/{dataset_id}/versions/{version}/aligned.csv", response_class=Response,
            responses={400: {"description": "invalid parameter"}, 404: {"description": "no such version"}})
def aligned_csv(dataset_id: str, version: int, alpha: float = Query(...), target_low: float = Query(1.0),
                target_high: float = Query(5000.0), hub: Hub = Depends(get_hub)) -> Response:
    """The aligned concentrations as CSV (one row per sample, with its unit and lower size limit)."""
    _require_published(hub, dataset_id, version)
    try:
        text = svc.aligned_csv(svc.align_dataset(hub, dataset_id, version, alpha, (target_low, target_high)))
    except AlignmentError as exc:
        raise Problem(400, str(exc)) from None
    return Response(text, media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{dataset_id}-v{version}-aligned.csv"'})
