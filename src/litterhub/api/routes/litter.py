"""/api/v1/litter: litteR-compatible beach-litter statistics on uploaded litteR files.

POST /litter/runs takes litteR's three files as multipart fields `settings` (YAML), `data` (CSV) and
`types` (CSV) and answers the run's tables as JSON (full precision; missing values null), with links
to the CSV files. A refused input answers 422 problem+json whose errors carry litteR's rule as a
stable code, the file (`field`: settings, data or types) and the message naming records and columns.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse

from litterhub.api.deps import get_hub
from litterhub.api.problems import Problem
from litterhub.api.security import rate_limit
from litterhub.services import litter as svc
from litterhub.services.hub import Hub

router = APIRouter(prefix="/litter", tags=["litter"])

MAX_UPLOAD_BYTES = 50 * 2**20
FIELDS = ("settings", "data", "types")
PROBLEMS = {
    400: {"description": "a multipart field is missing (problem+json)"},
    413: {"description": "an uploaded file is too large (problem+json)"},
    422: {"description": "litteR validation error: code, field (settings/data/types) and message (problem+json)"},
    429: {"description": "too many runs; retry later (problem+json)"},
}


async def read_uploads(request: Request) -> dict[str, bytes]:
    """The three litteR files from a multipart form (shared with the web page)."""
    if not (request.headers.get("content-type") or "").startswith("multipart/form-data"):
        raise Problem(415, "send the files as multipart/form-data with fields settings, data and types")
    form = await request.form()
    files: dict[str, bytes] = {}
    missing = []
    for name in FIELDS:
        upload = form.get(name)
        if upload is None or isinstance(upload, str):
            missing.append(name)
            continue
        content = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise Problem(413, f"the {name} file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
        files[name] = content
    if missing:
        raise Problem(
            400,
            f"missing multipart file field(s): {', '.join(missing)}",
            errors=[{"code": "missing-label", "field": name, "message": "no file uploaded"} for name in missing],
        )
    return files


def input_problem(exc: svc.LitterInputError) -> Problem:
    field = svc.input_field(exc)
    return Problem(422, exc.message, errors=[{"code": exc.code, "field": field, "message": exc.message}])


def run_payload(run_id: str, result: svc.LitterResult, base: str) -> dict[str, Any]:
    tables = svc.result_tables(result)
    files = {name: f"{base}/runs/{run_id}/files/{name}" for name in svc.RESULT_FILES if name in tables["files"]}
    files[svc.ZIP_NAME] = f"{base}/runs/{run_id}/files/{svc.ZIP_NAME}"
    tables.pop("files")
    return {"run_id": run_id, "files": files, **tables}


@router.post("/runs", responses=PROBLEMS, dependencies=[Depends(rate_limit("litter-run", 30, 60))])
async def create_run(request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Run litteR (1.0.0 compatible) on the uploaded settings, data and type files."""
    files = await read_uploads(request)
    try:
        run_id, result = svc.store_upload_run(hub, files["settings"], files["data"], files["types"])
    except svc.LitterInputError as exc:
        raise input_problem(exc) from None
    return run_payload(run_id, result, request.url.path.rsplit("/runs", 1)[0])


@router.get("/runs/{run_id}/files", responses={404: {"description": "unknown run (problem+json)"}})
def list_run_files(run_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The files a stored run has."""
    try:
        return {"run_id": run_id, "files": svc.run_files(hub, run_id)}
    except svc.RunNotFound as exc:
        raise Problem(404, str(exc)) from None


@router.get("/runs/{run_id}/files/{name}", responses={404: {"description": "unknown run or file (problem+json)"}})
def download_run_file(run_id: str, name: str, hub: Hub = Depends(get_hub)) -> FileResponse:
    """One output file of a stored run (CSV, log or the zip of all outputs)."""
    try:
        path = svc.run_file(hub, run_id, name)
    except svc.RunNotFound as exc:
        raise Problem(404, str(exc)) from None
    media = {"csv": "text/csv", "zip": "application/zip", "yaml": "application/yaml"}.get(
        path.suffix.lstrip("."), "text/plain"
    )
    return FileResponse(path, media_type=media, filename=name)
