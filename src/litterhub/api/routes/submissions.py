"""/api/v1 submissions and review: the contributor's submissions, surveys, the reviewer queue and decisions,
and retraction of dataset versions. Thin: parse, call services.contributions / services.review, serialise."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.security import require_role
from litterhub.services import contributions as svc
from litterhub.services import review
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(tags=["contributions"])

AUTH_PROBLEMS = {401: {"description": "anonymous (problem+json; WWW-Authenticate: Bearer)"},
                 403: {"description": "role or scope too low, or CSRF token missing (problem+json)"},
                 429: {"description": "rate limited (problem+json; Retry-After)"}}
PROBLEMS = {**AUTH_PROBLEMS, 404: {"description": "no such submission"}, 409: {"description": "state conflict"},
            422: {"description": "invalid input (problem+json with errors[])"}}

contributor = require_role("contributor", scope="submit")
reviewer = require_role("reviewer", scope="curate")


class SubmitBody(BaseModel):
    licence: str = Field(description="CC-BY-4.0 | CC0-1.0 | ODbL-1.0 | CC-BY-SA-4.0")
    embargo_until: date | None = Field(None, description="keep the data private until this day")
    title: str | None = None
    allow_copy: bool = Field(False, description="publish even though the same bytes are already in the hub under "
                             "another dataset id (refused by default: known-file-other-dataset, 409)")


class ReasonBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class NoteBody(BaseModel):
    note: str = Field("", max_length=2000)


class SurveyBody(BaseModel):
    site_name: str = Field(max_length=200)
    country: str = Field(description="ISO 3166-1 alpha-2 or alpha-3", max_length=3)
    lat: float
    lon: float
    survey_date: date
    length_m: float
    team_size: int
    counts: dict[str, int] = Field(description="master-list G-code -> number of items found")
    licence: str = "CC-BY-4.0"
    sensitive_site: bool = Field(False, description="publish the location only to ~5 km")
    notes: str = Field("", max_length=2000)


@router.get("/submissions", responses=PROBLEMS)
def my_submissions(principal: Principal = Depends(require_role("contributor")),
                   hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Your submissions with their status (draft, submitted, in-review, changes-requested, approved, rejected)."""
    items = [s.as_dict() for s in svc.list_mine(hub, principal)]
    return {"items": items, "count": len(items)}


@router.get("/review/queue", responses=PROBLEMS)
def review_queue(principal: Principal = Depends(require_role("reviewer")),
                 hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Open submissions, oldest first (also releases submissions whose embargo has ended)."""
    review.release_due(hub)
    items = review.queue(hub, principal)
    return {"items": items, "count": len(items)}


@router.get("/review/queue.csv", responses=PROBLEMS, response_class=Response)
def review_queue_csv(principal: Principal = Depends(require_role("reviewer")),
                     hub: Hub = Depends(get_hub)) -> Response:
    """The queue as CSV for spreadsheets (cells that would run as formulas are neutralised)."""
    out = io.StringIO()
    w = csv.writer(out)
    cols = ["id", "kind", "status", "title", "dataset_id", "licence", "quality_tier", "contributor_name",
            "created_at"]
    w.writerow(cols)
    for item in review.queue(hub, principal):
        w.writerow([svc.csv_safe(str(item.get(c) if item.get(c) is not None else "")) for c in cols])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="review-queue.csv"'})


@router.get("/submissions/{sid}", responses=PROBLEMS)
def submission(sid: str, principal: Principal = Depends(require_role("contributor")),
               hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return svc.get_submission(hub, principal, sid).as_dict()


@router.get("/submissions/{sid}/photos/{photo_id}", responses=PROBLEMS, response_class=FileResponse)
def submission_photo(sid: str, photo_id: int, principal: Principal = Depends(require_role("contributor")),
                     hub: Hub = Depends(get_hub)) -> FileResponse:
    path, media_type = svc.photo_file(hub, principal, sid, photo_id)
    return FileResponse(path, media_type=media_type, headers={"X-Content-Type-Options": "nosniff",
                                                              "Content-Security-Policy": "default-src 'none'",
                                                              "Cache-Control": "private, no-store"})


@router.post("/submissions/{sid}/submit", responses=PROBLEMS)
async def submit(sid: str, body: SubmitBody, request: Request, principal: Principal = Depends(contributor),
                 hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Send a validated upload for review with its licence and optional embargo date (a trusted contributor's
    upload is published at once, in the compute pool)."""
    return await offload(request, _submit, sid, body, principal, hub)


def _submit(sid: str, body: SubmitBody, principal: Principal, hub: Hub) -> dict[str, Any]:
    return svc.submit_upload(hub, principal, sid, licence=body.licence, embargo_until=body.embargo_until,
                title=body.title, allow_copy=body.allow_copy).as_dict()


@router.post("/submissions/{sid}/claim", responses=PROBLEMS)
def claim(sid: str, principal: Principal = Depends(reviewer), hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return review.claim(hub, principal, sid).as_dict()


class AssignBody(BaseModel):
    reviewer_id: int


@router.post("/submissions/{sid}/assign", responses=PROBLEMS)
def assign(sid: str, body: AssignBody, principal: Principal = Depends(require_role("admin", scope="admin")),
           hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Hand a submission to a named reviewer (admins)."""
    return review.assign(hub, principal, sid, body.reviewer_id).as_dict()


@router.post("/submissions/{sid}/approve", responses=PROBLEMS)
async def approve(sid: str, request: Request, body: NoteBody | None = None, principal: Principal = Depends(reviewer),
                  hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Approve and publish a new dataset version (safe to repeat: a second call changes nothing); publishing
    runs in the compute pool."""
    decision = await offload(request, review.approve, hub, principal, sid, body.note if body else "")
    return decision.as_dict()


@router.post("/submissions/{sid}/reject", responses=PROBLEMS)
def reject(sid: str, body: ReasonBody, principal: Principal = Depends(reviewer),
           hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return review.reject(hub, principal, sid, body.reason).as_dict()


@router.post("/submissions/{sid}/request-changes", responses=PROBLEMS)
def request_changes(sid: str, body: ReasonBody, principal: Principal = Depends(reviewer),
                    hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return review.request_changes(hub, principal, sid, body.reason).as_dict()


@router.post("/surveys", status_code=201, responses=PROBLEMS)
def create_survey(body: SurveyBody, principal: Principal = Depends(contributor),
                  hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """A citizen-science beach survey or cleanup (quality tier citizen-science); photos via the web form."""
    return svc.create_survey(hub, principal, svc.SurveyInput(**body.model_dump())).as_dict()


@router.put("/submissions/{sid}/survey", responses=PROBLEMS)
def correct_survey(sid: str, body: SurveyBody, principal: Principal = Depends(contributor),
                   hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Send a corrected survey after 'changes requested'; it returns to the review queue."""
    return svc.update_survey(hub, principal, sid, svc.SurveyInput(**body.model_dump())).as_dict()


@router.get("/surveys/items")
def survey_items(q: str | None = Query(None, max_length=100)) -> dict[str, Any]:
    """The master-list items a survey can count, grouped by material (optionally filtered by words)."""
    words = (q or "").lower().split()
    groups = [{"material": material, "items": [{"code": c, "name": n} for c, n in items
                                               if all(w in f"{c} {n}".lower() for w in words)]}
              for material, items in svc.survey_items()]
    return {"groups": [g for g in groups if g["items"]]}


@router.post("/datasets/{dataset_id}/versions/{version}/retract", responses=PROBLEMS)
def retract(dataset_id: str, version: int, body: ReasonBody, principal: Principal = Depends(reviewer),
            hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Hide a published version with a reason; it is kept, and the dataset falls back to its previous version."""
    return review.retract_version(hub, principal, dataset_id, version, body.reason)


@router.get("/contributions")
def public_contributions(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Approved contributions; a contributor's name appears only if they chose to show it."""
    items = svc.public_contributions(hub)
    return {"items": items, "count": len(items)}
