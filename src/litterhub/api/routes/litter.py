"""/api/v1/litter: litteR-compatible beach-litter statistics on uploaded litteR files.

POST /litter/runs takes litteR's three files as multipart fields `settings` (YAML), `data` (CSV) and
`types` (CSV) and answers the run's tables as JSON (full precision; missing values null), with links
to the CSV files. A refused input answers 422 problem+json whose errors carry litteR's rule as a
stable code, the file (`field`: settings, data or types) and the message naming records and columns.

The run computes in the shared compute pool (never on the event loop); with `Prefer: respond-async`
the answer is 202 and a job URL instead. A run of a signed-in account is visible to that account only;
an anonymous run to whoever holds its random id. Runs are deleted after a day (services/litter.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import FileResponse

from litterhub.http.callers import run_owner
from litterhub.http.compute import offload, start_job, wants_job
from litterhub.http.deps import get_hub
from litterhub.http.limits import LITTER_FILE_BYTES
from litterhub.http.problems import Problem
from litterhub.http.security import request_principal
from litterhub.services import jobs
from litterhub.services import litter as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/litter", tags=["litter"])

MAX_UPLOAD_BYTES = LITTER_FILE_BYTES
PROBLEMS = {
    202: {"description": "with `Prefer: respond-async`: accepted as a job; poll the Location URL"},
    400: {"description": "a multipart field is missing (problem+json)"},
    413: {"description": "an uploaded file is too large (problem+json)"},
    422: {"description": "litteR validation error: code, field (settings/data/types) and message (problem+json)"},
    429: {"description": "too many runs; retry later (problem+json)"},
}


async def _read(upload: UploadFile, name: str) -> bytes:
    content = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise Problem(413, f"the {name} file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
    return content


def input_problem(exc: svc.LitterInputError) -> Problem:
    field = svc.input_field(exc)
    return Problem(422, exc.message, errors=[{"code": exc.code, "field": field, "message": exc.message}])


def run_payload(run_id: str, result: svc.LitterResult, base: str) -> dict[str, Any]:
    tables = svc.result_tables(result)
    files = {name: f"{base}/runs/{run_id}/files/{name}" for name in svc.RESULT_FILES if name in tables["files"]}
    files[svc.ZIP_NAME] = f"{base}/runs/{run_id}/files/{svc.ZIP_NAME}"
    tables.pop("files")
    return {"run_id": run_id, "files": files, **tables}


@router.post("/runs", responses=PROBLEMS)
async def create_run(
    request: Request,
    settings: UploadFile = File(..., description="litteR settings file (YAML); file_data/file_types not needed"),
    data: UploadFile = File(..., description="litteR data file (CSV, wide: location_code, date, types …)"),
    types: UploadFile = File(..., description="litteR type file (CSV: type_name, included, groups …)"),
    hub: Hub = Depends(get_hub),
    principal: Principal | None = Depends(request_principal),
) -> Any:
    """Run litteR (1.0.0 compatible) on the uploaded settings, data and type files."""
    contents = [
        await _read(upload, name) for upload, name in ((settings, "settings"), (data, "data"), (types, "types"))
    ]
    owner = run_owner(principal)
    base = request.url.path.rsplit("/runs", 1)[0]
    if wants_job(request):
        def work(progress: jobs.Progress) -> dict[str, Any]:
            progress(0.1, "running litteR")
            try:
                run_id, result = svc.store_upload_run(hub, *contents, owner=owner)
            except svc.LitterInputError as exc:
                problem = input_problem(exc)
                raise jobs.JobError(problem.status_code, problem.detail, problem.errors) from None
            progress(0.9, "writing the tables")
            return run_payload(run_id, result, base)

        return await start_job(request, "litter-run", work)
    try:
        run_id, result = await offload(request, svc.store_upload_run, hub, *contents, owner=owner)
    except svc.LitterInputError as exc:
        raise input_problem(exc) from None
    return await offload(request, run_payload, run_id, result, base)


@router.get("/runs/{run_id}/files", responses={404: {"description": "unknown run (problem+json)"}})
def list_run_files(run_id: str, hub: Hub = Depends(get_hub),
                   principal: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    """The files a stored run has."""
    try:
        return {"run_id": run_id, "files": svc.run_files(hub, run_id, run_owner(principal))}
    except svc.RunNotFound as exc:
        raise Problem(404, str(exc)) from None


@router.get("/runs/{run_id}/files/{name}", responses={404: {"description": "unknown run or file (problem+json)"}})
def download_run_file(run_id: str, name: str, hub: Hub = Depends(get_hub),
                      principal: Principal | None = Depends(request_principal)) -> FileResponse:
    """One output file of a stored run (CSV, log or the zip of all outputs)."""
    try:
        path = svc.run_file(hub, run_id, name, run_owner(principal))
    except svc.RunNotFound as exc:
        raise Problem(404, str(exc)) from None
    media = {"csv": "text/csv", "zip": "application/zip", "yaml": "application/yaml"}.get(
        path.suffix.lstrip("."), "text/plain"
    )
    return FileResponse(path, media_type=media, filename=name)
