"""/api/v1/reviews: the advisory body's expert roster and peer review of registry record versions (issue 19,
item 3). Not the review of contributions (/api/v1/submissions) or of registry edits (/api/v1/registry).

Reads: GET /reviews (the reviews the caller may see: all for managers, otherwise published ones and the caller's
assignments), GET /reviews/{id} (404 `review-not-found` to anyone but managers and its reviewers until published),
GET /reviews/records/{record_id} (a record's public review status), GET /reviews/roster (managers).

Writes (signed in, or an API key with the `submit` scope; managers are admins and roster managers):
POST /reviews (open a review of a record revision), POST /reviews/{id}/reviewers (assign; refused with
`review-conflict-of-interest`), DELETE /reviews/{id}/reviewers/{user_id}, PUT /reviews/{id}/my-review (the assigned
reviewer's structured review), POST /reviews/{id}/reconcile, POST /reviews/{id}/publish, PUT /reviews/roster/{user_id}
(add or re-declare), DELETE /reviews/roster/{user_id}, PUT|DELETE /reviews/managers/{user_id} (admins).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.http.security import request_principal, require_role
from litterhub.services import focal_points as fp
from litterhub.services import peer_review as svc
from litterhub.services import people as people_svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/reviews", tags=["peer review"])
ERRORS = {401: {"description": "not signed in (problem+json)"},
          403: {"description": "not a manager, or not an assigned reviewer (problem+json)"},
          404: {"description": "no review the caller may see, no such record (problem+json)"},
          409: {"description": "conflict of interest, wrong step, already assigned (problem+json)"},
          422: {"description": "a field is not usable (problem+json)"}}
WRITER = require_role("contributor", "submit")


class OpenIn(BaseModel):
    record_id: str = Field(..., max_length=120)
    revision: int | None = Field(None, ge=1, description="default: the record's published revision")


class AssignIn(BaseModel):
    user_id: int


class ReviewIn(BaseModel):
    scores: dict[str, int] = Field(..., description="1-5 for each of: " + ", ".join(svc.CRITERIA))
    comments: str = Field(..., max_length=svc.MAX_TEXT)
    recommendation: str = Field(..., description=" | ".join(svc.RECOMMENDATIONS))


class ReconcileIn(BaseModel):
    summary: str = Field(..., max_length=svc.MAX_TEXT)
    decision: str = Field(..., description=" | ".join(svc.DECISIONS))


class RosterIn(BaseModel):
    expertise: list[str] = Field(default_factory=list, max_length=40)
    conflicts: str = Field("", max_length=svc.MAX_TEXT, description="declared conflicts of interest, in words")
    conflict_orgs: list[str] = Field(default_factory=list, max_length=50,
                                     description="organisations (names or actor record ids)")
    conflict_records: list[str] = Field(default_factory=list, max_length=50, description="registry record ids")


def _acting(principal: Principal | None) -> fp.Acting | None:
    return fp.acting_for(principal) if principal is not None else None


@router.get("", responses=ERRORS)
async def list_reviews(record: str | None = None, hub: Hub = Depends(get_hub),
                       principal: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    return {"reviews": await run_in_threadpool(svc.reviews, hub, _acting(principal), record)}


@router.post("", status_code=201, responses=ERRORS)
async def open_review(body: OpenIn, hub: Hub = Depends(get_hub),
                      principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await run_in_threadpool(svc.open_review, hub, fp.acting_for(principal), body.record_id, body.revision)


@router.get("/roster", responses=ERRORS)
async def roster(hub: Hub = Depends(get_hub), principal: Principal = Depends(require_role("public"))
                 ) -> dict[str, Any]:
    return {"roster": await run_in_threadpool(svc.roster, hub, fp.acting_for(principal)),
            "criteria": list(svc.CRITERIA)}


@router.put("/roster/{user_id}", responses=ERRORS)
async def roster_add(user_id: int, body: RosterIn, hub: Hub = Depends(get_hub),
                     principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await run_in_threadpool(svc.roster_add, hub, fp.acting_for(principal), user_id, body.expertise,
                                   body.conflicts, body.conflict_orgs, body.conflict_records)


@router.delete("/roster/{user_id}", status_code=204, responses=ERRORS)
async def roster_remove(user_id: int, hub: Hub = Depends(get_hub),
                        principal: Principal = Depends(WRITER)) -> Response:
    await run_in_threadpool(svc.roster_remove, hub, fp.acting_for(principal), user_id)
    return Response(status_code=204)


@router.put("/managers/{user_id}", status_code=204, responses=ERRORS)
async def add_manager(user_id: int, hub: Hub = Depends(get_hub),
                      principal: Principal = Depends(WRITER)) -> Response:
    await run_in_threadpool(people_svc.set_manager, hub, fp.acting_for(principal), user_id, True)
    return Response(status_code=204)


@router.delete("/managers/{user_id}", status_code=204, responses=ERRORS)
async def remove_manager(user_id: int, hub: Hub = Depends(get_hub),
                         principal: Principal = Depends(WRITER)) -> Response:
    await run_in_threadpool(people_svc.set_manager, hub, fp.acting_for(principal), user_id, False)
    return Response(status_code=204)


@router.get("/records/{record_id}", responses=ERRORS)
async def record_status(record_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await run_in_threadpool(svc.record_status, hub, record_id)


@router.get("/{review_id}", responses=ERRORS)
async def get_review(review_id: int, hub: Hub = Depends(get_hub),
                     principal: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    return await run_in_threadpool(svc.get, hub, _acting(principal), review_id)


@router.post("/{review_id}/reviewers", responses=ERRORS)
async def assign(review_id: int, body: AssignIn, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await run_in_threadpool(svc.assign, hub, fp.acting_for(principal), review_id, body.user_id)


@router.delete("/{review_id}/reviewers/{user_id}", responses=ERRORS)
async def unassign(review_id: int, user_id: int, hub: Hub = Depends(get_hub),
                   principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await run_in_threadpool(svc.unassign, hub, fp.acting_for(principal), review_id, user_id)


@router.put("/{review_id}/my-review", responses=ERRORS)
async def submit(review_id: int, body: ReviewIn, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await run_in_threadpool(svc.submit, hub, fp.acting_for(principal), review_id, body.scores, body.comments,
                                   body.recommendation)


@router.post("/{review_id}/reconcile", responses=ERRORS)
async def reconcile(review_id: int, body: ReconcileIn, hub: Hub = Depends(get_hub),
                    principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await run_in_threadpool(svc.reconcile, hub, fp.acting_for(principal), review_id, body.summary,
                                   body.decision)


@router.post("/{review_id}/publish", responses=ERRORS)
async def publish(review_id: int, hub: Hub = Depends(get_hub),
                  principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await run_in_threadpool(svc.publish, hub, fp.acting_for(principal), review_id)
