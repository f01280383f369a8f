"""/api/v1: the quarantine of a dataset version (rejected rows with their reasons) as CSV, and re-submission of
corrected rows (reviewers: it publishes the next version of the dataset)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import StreamingResponse

from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import require_role
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


MAX_CORRECTIONS_BYTES = 256 * 1024**2


@router.post("/datasets/{dataset_id}/versions/{version}/rejected.csv", status_code=201, responses={
    **PROBLEMS, 401: {"description": "not signed in (problem+json)"},
    403: {"description": "needs the reviewer role / curate scope (problem+json)"},
    413: {"description": "corrections larger than 256 MiB (problem+json)"},
    422: {"description": "the corrected file does not fit, or nothing could be ingested (problem+json)"}})
async def resubmit(dataset_id: str, version: int, corrected: UploadFile = File(
        ..., description="the quarantine CSV with its cells corrected (columns unchanged)"),
        hub: Hub = Depends(get_hub), principal=Depends(require_role("reviewer", scope="curate"))) -> dict[str, Any]:
    """Ingest the version's accepted rows plus the corrected rows as the dataset's next version."""
    content = await corrected.read(MAX_CORRECTIONS_BYTES + 1)
    if len(content) > MAX_CORRECTIONS_BYTES:
        raise Problem(413, "the corrected file is larger than 256 MiB")
    with tempfile.TemporaryDirectory(dir=hub.settings.data_dir) as tmp:
        path = Path(tmp) / "corrections.csv"
        path.write_bytes(content)
        try:
            result = svc.resubmit(hub, dataset_id, path, version, actor=f"user:{principal.id}")
        except svc.NotFound as exc:
            raise Problem(404, str(exc)) from None
        except svc.QuarantineError as exc:
            raise Problem(422, str(exc)) from None
    if not result.ok:
        raise Problem(422, "nothing was ingested: the merged file is not usable",
                      errors=[{"code": i.code, "field": i.column, "message": i.message, "line": i.line}
                              for i in result.report.errors[:100]])
    return result.as_dict()
