"""/api/v1: the quarantine of a dataset version (rejected rows with their reasons) as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from litterhub.api.deps import get_hub
from litterhub.api.problems import Problem
from litterhub.services import quarantine as svc
from litterhub.services.hub import Hub

router = APIRouter(tags=["quarantine"])

PROBLEMS = {404: {"description": "dataset or version not found (problem+json)"},
            409: {"description": "the raw file is not available (problem+json)"}}


def _first_then_rest(chunks: Iterator[str]) -> Iterator[str]:
    """Start the generator so that a missing dataset is a 404 before the response starts."""
    first = next(chunks)

    def gen() -> Iterator[str]:
        yield first
        yield from chunks

    return gen()


@router.get("/datasets/{dataset_id}/versions/{version}/rejected.csv", responses={
    200: {"content": {"text/csv": {}}, "description": "rejected rows: reason columns, then the original cells"},
    **PROBLEMS})
def rejected_csv(dataset_id: str, version: int, hub: Hub = Depends(get_hub)) -> StreamingResponse:
    """Rejected rows of one dataset version with line, codes and reasons, ready to correct and re-submit."""
    try:
        body = _first_then_rest(svc.rejected_csv(hub, dataset_id, version))
    except svc.NotFound as exc:
        raise Problem(404, str(exc)) from None
    except svc.QuarantineError as exc:
        raise Problem(409, str(exc)) from None
    filename = f"{dataset_id}-v{version}-rejected.csv"
    return StreamingResponse(body, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/datasets/{dataset_id}/versions/{version}/quarantine", responses=PROBLEMS)
def quarantine_summary(dataset_id: str, version: int, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """How many rejected rows of one dataset version are in quarantine, and where to download them."""
    try:
        return svc.summary(hub, dataset_id, version)
    except svc.NotFound as exc:
        raise Problem(404, str(exc)) from None
