"""/api/v1/forum: threads by theme, region and country, numbered posts, quotes, mentions, reports, moderation,
search and follows (issue 19), as JSON.

Reads are public: GET /forum/threads (filters theme, region, country, link_kind + link_id, q), GET
/forum/threads/{id}, GET /forum/search?q=, GET /forum/themes, GET /forum/regions. Writes need an account (a session
or an API key with the `submit` scope): POST /forum/threads, POST /forum/threads/{id}/posts, POST
/forum/posts/{id}/report, PUT /forum/follows and DELETE /forum/follows; moderators (reviewer role, `curate` scope)
POST /forum/posts/{id}/hide, /forum/posts/{id}/dismiss, /forum/threads/{id}/lock and GET /forum/reports. Every
refusal is problem+json with a `forum-…` code (a locked thread: 409 `forum-thread-locked`).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.http.security import request_principal, require_role
from litterhub.services import forum as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/forum", tags=["forum"])
ERRORS = {401: {"description": "not signed in (problem+json)"},
          403: {"description": "not allowed: moderation needs the reviewer role (problem+json)"},
          404: {"description": "no such thread or post (problem+json)"},
          409: {"description": "the thread is locked (problem+json)"},
          422: {"description": "fields not usable (problem+json)"}}
WRITER = require_role("contributor", "submit")
MODERATOR = require_role(svc.MODERATOR_ROLE, "curate")


class ThreadIn(BaseModel):
    title: str = Field(..., max_length=svc.MAX_TITLE)
    body: str = Field(..., max_length=svc.MAX_BODY)
    theme: str | None = Field(None, description="a registry topic (GET /forum/themes)")
    region: str | None = Field(None, description="a region record id (GET /forum/regions)")
    country: str | None = Field(None, max_length=3, description="ISO 3166-1 alpha-3")
    link_kind: Literal["record", "dataset", "country"] | None = None
    link_id: str | None = Field(None, max_length=200)


class PostIn(BaseModel):
    body: str = Field(..., max_length=svc.MAX_BODY)
    quote: int | None = Field(None, ge=1, description="number of the post of this thread to quote")


class ReportIn(BaseModel):
    reason: str = Field(..., max_length=svc.MAX_REASON)


class HideIn(BaseModel):
    hidden: bool = True
    reason: str = Field("", max_length=svc.MAX_REASON)


class LockIn(BaseModel):
    locked: bool = True


class FollowIn(BaseModel):
    kind: Literal["thread", "theme", "region", "country"]
    target: str = Field(..., max_length=200)


async def _run(fn, *args) -> Any:
    return jsonable_encoder(await run_in_threadpool(fn, *args))


@router.get("/threads", responses=ERRORS)
async def threads(hub: Hub = Depends(get_hub), theme: str | None = None, region: str | None = None,
                  country: str | None = None, link_kind: str | None = None, link_id: str | None = None,
                  q: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=200),
                  offset: int = Query(0, ge=0)) -> dict[str, Any]:
    """Threads, most recently active first."""
    return await _run(svc.list_threads, hub, theme, region, country, link_kind, link_id, q, limit, offset)


@router.post("/threads", status_code=201, responses=ERRORS)
async def open_thread(body: ThreadIn, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict:
    """Open a thread with its first post; followers of its theme, region and country are told."""
    return await _run(lambda: svc.create_thread(hub, who, **body.model_dump()))


@router.get("/threads/{thread_id}", responses=ERRORS)
async def thread(thread_id: int, hub: Hub = Depends(get_hub),
                 who: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    return await _run(svc.get_thread, hub, thread_id, who)


@router.post("/threads/{thread_id}/posts", status_code=201, responses=ERRORS)
async def reply(thread_id: int, body: PostIn, hub: Hub = Depends(get_hub),
                who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.reply, hub, who, thread_id, body.body, body.quote)


@router.post("/threads/{thread_id}/lock", responses=ERRORS)
async def lock(thread_id: int, body: LockIn, hub: Hub = Depends(get_hub),
               who: Principal = Depends(MODERATOR)) -> dict[str, Any]:
    return await _run(svc.lock, hub, who, thread_id, body.locked)


@router.post("/posts/{post_id}/report", status_code=201, responses=ERRORS)
async def report(post_id: int, body: ReportIn, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.report, hub, who, post_id, body.reason)


@router.post("/posts/{post_id}/hide", responses=ERRORS)
async def hide(post_id: int, body: HideIn, hub: Hub = Depends(get_hub),
               who: Principal = Depends(MODERATOR)) -> dict[str, Any]:
    return await _run(svc.hide, hub, who, post_id, body.hidden, body.reason)


@router.post("/posts/{post_id}/dismiss", responses=ERRORS)
async def dismiss(post_id: int, hub: Hub = Depends(get_hub), who: Principal = Depends(MODERATOR)) -> dict:
    return {"resolved": await _run(svc.dismiss_reports, hub, who, post_id)}


@router.get("/reports", responses=ERRORS)
async def reports(hub: Hub = Depends(get_hub), who: Principal = Depends(MODERATOR)) -> dict[str, Any]:
    return {"reports": await _run(svc.open_reports, hub, who)}


@router.get("/search", responses=ERRORS)
async def search(q: str = Query(..., min_length=1, max_length=200), limit: int = Query(50, ge=1, le=200),
                 hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"q": q, "posts": await _run(svc.search, hub, q, limit)}


@router.get("/themes")
async def themes() -> dict[str, Any]:
    return {"themes": list(svc.THEMES)}


@router.get("/regions")
async def regions(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"regions": await _run(svc.regions, hub)}


@router.put("/follows", responses=ERRORS)
async def follow(body: FollowIn, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict:
    await _run(svc.follow, hub, who, body.kind, body.target, True)
    return {"kind": body.kind, "target": body.target, "following": True}


@router.delete("/follows", responses=ERRORS)
async def unfollow(body: FollowIn, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict:
    await _run(svc.follow, hub, who, body.kind, body.target, False)
    return {"kind": body.kind, "target": body.target, "following": False}
