"""/api/v1/registry: the knowledge registry (records, revisions, review, links, comments, capacity matching,
import/export). Reading is open; every write needs an account of the right role (http/security.py).
Contributors' links wait for a reviewer before they are public; capacity requests are private to their parties
and moderators."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from litterhub.http.callers import caller_of
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import request_principal, require_role
from litterhub.registry.entities import TOPICS
from litterhub.registry.links import LINK_TYPES
from litterhub.services import peer_review
from litterhub.services import registry as svc
from litterhub.services import search as search_svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/registry", tags=["registry"])
MAX_IMPORT_BYTES = 10 * 2**20
PROBLEMS = {400: {"description": "invalid request (problem+json)"}, 401: {"description": "not signed in"},
            403: {"description": "role too low"}, 404: {"description": "no such record"},
            409: {"description": "conflict (state or duplicate)"}, 422: {"description": "record refused"}}


class ReviewAction(BaseModel):
    action: Literal["start_review", "publish", "reject"]
    reason: str | None = Field(None, max_length=2000)


class LinkIn(BaseModel):
    source: str
    target: str
    type: str
    note: str | None = Field(None, max_length=1000)


class LinkReviewIn(BaseModel):
    action: Literal["approve", "reject"]
    reason: str | None = Field(None, max_length=2000)


class CommentIn(BaseModel):
    body: str = Field(..., min_length=1, max_length=5000)
    parent_id: int | None = None


class ModerationIn(BaseModel):
    action: Literal["hide", "restore"]
    reason: str | None = Field(None, max_length=2000)


class CapacityRequestIn(BaseModel):
    need_id: str
    offer_id: str
    message: str | None = Field(None, max_length=5000)


class CapacityActionIn(BaseModel):
    outcome: str | None = Field(None, max_length=5000)


def _filters(type_: list[str] | None, country, region, topic, language, year) -> dict[str, list[str]]:
    return {"type": type_ or [], "country": [c.upper() for c in country or []], "region": region or [],
            "topic": topic or [], "language": language or [], "year": year or []}


@router.get("/types")
def types() -> dict[str, Any]:
    """Entity types (JSON Schema each), link types and topics."""
    return {"types": svc.entity_types(), "topics": list(TOPICS),
            "link_types": {k: {"label": v.label, "inverse": v.inverse,
                               "sources": sorted(v.sources) if v.sources else None,
                               "targets": sorted(v.targets) if v.targets else None} for k, v in LINK_TYPES.items()}}


@router.get("/records", responses=PROBLEMS)
def list_records(q: str = Query("", max_length=500), type: list[str] | None = Query(None),
                 country: list[str] | None = Query(None), region: list[str] | None = Query(None),
                 topic: list[str] | None = Query(None), language: list[str] | None = Query(None),
                 year: list[str] | None = Query(None), limit: int = Query(20, ge=1, le=100),
                 offset: int = Query(0, ge=0), hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Published records with facet counts (type, country, region, topic, language, year); `q` searches text."""
    return search_svc.search(hub, q, _filters(type, country, region, topic, language, year), limit, offset)


@router.post("/records", status_code=201, responses=PROBLEMS)
def create(data: dict[str, Any] = Body(...), publish: bool = False, hub: Hub = Depends(get_hub),
           principal: Principal = Depends(require_role("contributor"))) -> dict[str, Any]:
    """Submit a record (it waits for review); reviewers may publish at once with ?publish=true."""
    return svc.create_record(hub, data, caller_of(principal), publish)


@router.get("/records/{record_id}", responses=PROBLEMS)
def get(record_id: str, revision: int | None = None, hub: Hub = Depends(get_hub),
        principal: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    record = svc.get_record(hub, record_id, caller_of(principal), revision)
    if record["type"] in peer_review.REVIEWABLE:  # the advisory body's public review status (issue 19)
        record["peer_review"] = peer_review.record_status(hub, record_id)
    return record


@router.put("/records/{record_id}", responses=PROBLEMS)
def edit(record_id: str, data: dict[str, Any] = Body(...), hub: Hub = Depends(get_hub),
         principal: Principal = Depends(require_role("contributor"))) -> dict[str, Any]:
    """A new revision; it is reviewed before it replaces the published one."""
    return svc.update_record(hub, record_id, data, caller_of(principal))


@router.post("/records/{record_id}/review", responses=PROBLEMS)
def review(record_id: str, body: ReviewAction, hub: Hub = Depends(get_hub),
           principal: Principal = Depends(require_role("reviewer"))) -> dict[str, Any]:
    return svc.review(hub, record_id, body.action, caller_of(principal), body.reason)


@router.get("/review-queue", responses=PROBLEMS)
def queue(status: str | None = None, hub: Hub = Depends(get_hub),
          principal: Principal = Depends(require_role("reviewer"))) -> list[dict[str, Any]]:
    return svc.review_queue(hub, caller_of(principal), status)


@router.get("/records/{record_id}/links", responses=PROBLEMS)
def links(record_id: str, hub: Hub = Depends(get_hub)) -> list[dict[str, Any]]:
    """The record's neighbourhood: every link, read from this record's side."""
    svc.get_record(hub, record_id)
    return svc.neighbourhood(hub, record_id)


@router.get("/records/{record_id}/graph", responses=PROBLEMS)
def graph(record_id: str, depth: int = Query(1, ge=1, le=2), hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    svc.get_record(hub, record_id)
    return svc.graph(hub, record_id, depth)


@router.get("/records/{record_id}/suggestions", responses=PROBLEMS)
def suggestions(record_id: str, hub: Hub = Depends(get_hub),
                _principal: Principal = Depends(require_role("reviewer"))) -> list[dict[str, Any]]:
    """Likely links for reviewers: same region or country and topic, not linked yet."""
    return svc.suggest_links(hub, record_id)


@router.post("/links", status_code=201, responses=PROBLEMS)
def add_link(body: LinkIn, hub: Hub = Depends(get_hub),
             principal: Principal = Depends(require_role("contributor"))) -> dict[str, Any]:
    """A reviewer's link is public at once; a contributor's is `pending` until a reviewer approves it."""
    return svc.add_link(hub, body.source, body.target, body.type, caller_of(principal), body.note)


@router.get("/links/pending", responses=PROBLEMS)
def pending_links(record: str | None = None, hub: Hub = Depends(get_hub),
                  principal: Principal = Depends(require_role("contributor"))) -> list[dict[str, Any]]:
    """Links waiting for review: every one for reviewers, your own for contributors."""
    return svc.pending_links(hub, caller_of(principal), record)


@router.post("/links/{link_id}/review", responses=PROBLEMS)
def review_link(link_id: int, body: LinkReviewIn, hub: Hub = Depends(get_hub),
                principal: Principal = Depends(require_role("reviewer"))) -> dict[str, Any]:
    """Approve a pending link (it becomes public) or reject it with a reason (it is removed)."""
    return svc.review_link(hub, link_id, body.action, caller_of(principal), body.reason)


@router.delete("/links/{link_id}", status_code=204, responses=PROBLEMS)
def delete_link(link_id: int, hub: Hub = Depends(get_hub),
                principal: Principal = Depends(require_role("contributor"))) -> Response:
    svc.remove_link(hub, link_id, caller_of(principal))
    return Response(status_code=204)


@router.get("/records/{record_id}/comments", responses=PROBLEMS)
def list_comments(record_id: str, hub: Hub = Depends(get_hub),
                  principal: Principal | None = Depends(request_principal)) -> list[dict[str, Any]]:
    svc.get_record(hub, record_id)
    return svc.comments(hub, record_id, caller_of(principal))


@router.post("/records/{record_id}/comments", status_code=201, responses=PROBLEMS)
def add_comment(record_id: str, body: CommentIn, hub: Hub = Depends(get_hub),
                principal: Principal = Depends(require_role("contributor"))) -> dict[str, Any]:
    return svc.add_comment(hub, record_id, body.body, caller_of(principal), body.parent_id)


@router.post("/comments/{comment_id}/moderate", responses=PROBLEMS)
def moderate(comment_id: int, body: ModerationIn, hub: Hub = Depends(get_hub),
             principal: Principal = Depends(require_role("reviewer"))) -> dict[str, Any]:
    svc.moderate_comment(hub, comment_id, body.action, caller_of(principal), body.reason)
    return {"id": comment_id, "status": "hidden" if body.action == "hide" else "visible"}


@router.get("/records/{record_id}/matches", responses=PROBLEMS)
def matches(record_id: str, hub: Hub = Depends(get_hub)) -> list[dict[str, Any]]:
    """Capacity matching: offers for a need, or needs for an offer, with the reasons."""
    return svc.capacity_matches(hub, record_id)


@router.get("/capacity/requests", responses=PROBLEMS)
def capacity_requests(record: str | None = None, hub: Hub = Depends(get_hub),
                      principal: Principal = Depends(require_role("contributor"))) -> list[dict[str, Any]]:
    """Requests you made or that address your offers (reviewers and admins: all)."""
    return svc.list_requests(hub, caller_of(principal), record)


@router.post("/capacity/requests", status_code=201, responses=PROBLEMS)
def request_capacity(body: CapacityRequestIn, hub: Hub = Depends(get_hub),
                     principal: Principal = Depends(require_role("contributor"))) -> dict[str, Any]:
    return svc.request_capacity(hub, body.need_id, body.offer_id, caller_of(principal), body.message)


@router.post("/capacity/requests/{request_id}/{action}", responses=PROBLEMS)
def act_on_request(request_id: int, action: Literal["accept", "decline", "complete", "cancel"],
                   body: CapacityActionIn | None = None, hub: Hub = Depends(get_hub),
                   principal: Principal = Depends(require_role("contributor"))) -> dict[str, Any]:
    return svc.act_on_request(hub, request_id, action, caller_of(principal), body.outcome if body else None)


@router.get("/export", responses=PROBLEMS)
def export(format: Literal["json", "csv"] = "json", hub: Hub = Depends(get_hub)) -> Response:
    text = svc.export_records(hub, format)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
    return Response(text, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="litterhub-registry.{format}"'})


@router.post("/import", responses=PROBLEMS)
async def import_records(request: Request, format: Literal["json", "csv"] = "json", publish: bool = False,
                         hub: Hub = Depends(get_hub),
                         principal: Principal = Depends(require_role("contributor"))) -> dict[str, Any]:
    """A JSON ({records, links}) or CSV body; all or nothing. Records wait for review unless a reviewer publishes."""
    data = await request.body()
    if len(data) > MAX_IMPORT_BYTES:
        raise Problem(413, f"the file is larger than {MAX_IMPORT_BYTES // 2**20} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(422, "the file is not UTF-8 text") from None
    return svc.import_records(hub, text, format, caller_of(principal), publish)


@router.get("/map")
def map_counts(hub: Hub = Depends(get_hub)) -> list[dict[str, Any]]:
    """Published records per country (ISO alpha-3 and numeric, for the world map)."""
    return search_svc.country_counts(hub)
