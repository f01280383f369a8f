"""POST /api/v1/uploads: a multipart file upload with `Authorization: Bearer KEY`, validated completely and kept
as a submission; nothing is public until a reviewer approves it.

The body is parsed here rather than by FastAPI so that the size limit (Content-Length) and the caller's
role are checked before a single byte of the file is read.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from litterhub.api.routes.submissions import PROBLEMS, contributor
from litterhub.http.compute import offload, start_job, wants_job
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.uploads import save_upload
from litterhub.ingest.mapping import MappingError
from litterhub.services import contributions as svc
from litterhub.services import jobs
from litterhub.services import mapping as mapping_svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(tags=["contributions"])
MULTIPART_SCHEMA = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": ".csv, .tsv, .txt, .xlsx or a .zip "
                     "holding one table"},
            "title": {"type": "string"},
            "dataset_id": {"type": "string", "description": "a dataset you contributed before: a new version"},
            "format": {"type": "string", "default": "auto"},
            "licence": {"type": "string", "enum": list(svc.LICENCES), "description": "given: submit for review "
                        "at once; omitted: keep as a draft"},
            "embargo_until": {"type": "string", "format": "date"},
            "allow_copy": {"type": "boolean", "default": False, "description": "with a licence: submit even though "
                           "the same bytes are already in the hub under another dataset id (else 409, "
                           "known-file-other-dataset)"},
        }}}}}}
def _text(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


@router.post("/uploads", status_code=201, responses={**PROBLEMS, 413: {"description": "too large"},
                                                     415: {"description": "type refused"},
                                                     202: {"description": "with `Prefer: respond-async`: "
                                                           "validation runs as a job; poll the Location URL"}},
             openapi_extra=MULTIPART_SCHEMA)
async def upload(request: Request, principal: Principal = Depends(contributor),
                 hub: Hub = Depends(get_hub)) -> JSONResponse:
    """Upload a programme export; returns the submission with its validation report.

    Unusable files answer 422 with the rejected rows in `errors[]` (the draft is kept for a corrected file).
    Validation runs in the shared compute pool; with `Prefer: respond-async` the answer is 202 with a job URL
    whose result is the submission (or the problem this request would have answered).
    """
    limits = svc.Limits.from_settings(hub.settings)
    form, path, filename = await save_upload(request, limits)
    try:
        embargo = _text(form, "embargo_until")
        try:
            embargo_day = date.fromisoformat(embargo) if embargo else None
        except ValueError:
            raise Problem(400, "embargo_until must be a date (YYYY-MM-DD)") from None
        fields = {"title": _text(form, "title") or "", "dataset_id": _text(form, "dataset_id"),
                  "fmt": _text(form, "format") or "auto", "licence": _text(form, "licence"),
                  "embargo": embargo_day,
                  "allow_copy": (_text(form, "allow_copy") or "").lower() in ("true", "1", "on")}
        base = request.url.path.rsplit("/", 1)[0]
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    if wants_job(request):
        def work(progress: jobs.Progress) -> dict[str, Any]:
            progress(0.05, "validating the file")
            try:
                return jsonable_encoder(_store(hub, principal, path, filename, limits, fields, base)[0])
            except Problem as exc:
                raise jobs.JobError(exc.status_code, str(exc.detail), exc.errors) from None

        try:
            return await start_job(request, "upload", work)
        except BaseException:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
    body, location = await offload(request, _store, hub, principal, path, filename, limits, fields, base)
    return JSONResponse(jsonable_encoder(body), status_code=201, headers=location)


def _store(hub: Hub, principal: Principal, path: Path, filename: str, limits: svc.Limits, fields: dict[str, Any],
           base: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate and keep the upload (and submit it when a licence was given); removes the temporary file.

    Runs in a worker thread (compute pool or job): the CPU-heavy validation never touches the event loop.
    """
    try:
        sub = svc.create_upload(hub, principal, path, filename, title=fields["title"],
                                dataset_id=fields["dataset_id"], fmt=fields["fmt"], limits=limits)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    location = {"Location": f"{base}/submissions/{sub.id}"}
    if not sub.usable:
        report = sub.report or {}
        errors = [{"code": e["code"], "field": e.get("column"),
                   "message": (f"line {e['line']}: " if e.get("line") else "") + e["message"]}
                  for e in (report.get("errors") or [])[:100]]
        raise Problem(422, f"the file is not usable; nothing will be published. Draft submission {sub.id} keeps it "
                      "until you send a corrected file", errors=errors, headers=location)
    if fields["licence"]:
        try:
            sub = svc.submit_upload(hub, principal, sub.id, licence=fields["licence"], embargo_until=fields["embargo"],
                                    allow_copy=fields["allow_copy"])
        except svc.ContributionError as exc:  # the draft stays: say where, so it can be sent again
            raise Problem(exc.status, f"{exc} (draft submission {sub.id} is kept)", errors=[exc.as_error()],
                          headers=location) from None
    return sub.as_dict(), location


# --- the column mapping of an uploaded draft (the wizard's column picker, for API clients) ---------------------


class MappingBody(BaseModel):
    """Either the mapping YAML itself, or one column per role (the picker's answer); roles win when both."""
    mapping: str | None = Field(None, max_length=svc.MAX_MAPPING_CHARS, description="mapping YAML (generic reader)")
    roles: dict[str, Any] | None = Field(None, description="role -> column: date, site_name, lat, lon, length, "
                                         "people, item, count; layout (long|wide), item_columns (list), "
                                         "date_format, length_unit, scheme")


@router.get("/uploads/{sid}/mapping", responses=PROBLEMS)
def proposed_mapping(sid: str, principal: Principal = Depends(contributor),
                     hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The mapping proposed for (or saved with) an uploaded draft: the YAML, its roles and the file's columns."""
    sub = svc.get_submission(hub, principal, sid)
    text = mapping_svc.offered_mapping(hub, sub)
    if text is None:
        raise Problem(409, "this submission has no column mapping (not an upload, or not a table this hub can map)")
    return {"mapping": text, "roles": mapping_svc.roles_of(text), "header": (sub.report or {}).get("header") or [],
            "saved": bool((sub.payload or {}).get("mapping"))}


@router.put("/uploads/{sid}/mapping", responses=PROBLEMS)
async def confirm_mapping(sid: str, body: MappingBody, request: Request, principal: Principal = Depends(contributor),
                          hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Confirm a mapping: it is saved with the submission and the file is validated again with it (off the loop)."""
    sub = svc.get_submission(hub, principal, sid)
    if body.roles is not None:
        try:
            text = mapping_svc.mapping_from_roles(body.roles, list((sub.report or {}).get("header") or []))
        except MappingError as exc:
            raise Problem(422, str(exc), errors=[{"field": "roles", "code": "invalid", "message": str(exc)}]) from None
    elif body.mapping:
        text = body.mapping
    else:
        raise Problem(422, "give 'mapping' (YAML) or 'roles' (one column per role)")
    return (await offload(request, svc.apply_mapping, hub, principal, sid, text)).as_dict()
