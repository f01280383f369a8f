"""/api/v1/notifications: the caller's notifications, their e-mail choice and what they follow (issue 19).

GET /notifications (`unread=true` for unread only), GET /notifications/unread (the count), POST /notifications/read
(all, or `ids`), GET and PUT /notifications/preferences (`email_mode`: immediate | digest | off), GET
/notifications/follows. All need an account (a session or any API key of it)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.http.security import require_role
from litterhub.services import notifications as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/notifications", tags=["notifications"])
ERRORS = {401: {"description": "not signed in (problem+json)"}, 422: {"description": "not usable (problem+json)"}}
READER = require_role("public")


class ReadIn(BaseModel):
    ids: list[int] | None = Field(None, max_length=500, description="omit to mark all read")


class PrefsIn(BaseModel):
    email_mode: Literal["immediate", "digest", "off"]


@router.get("", responses=ERRORS)
async def inbox(hub: Hub = Depends(get_hub), who: Principal = Depends(READER), unread: bool = False,
                limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    rows = await run_in_threadpool(svc.inbox, hub, who.id, limit, unread)
    return {"notifications": rows, "unread": await run_in_threadpool(svc.unread_count, hub, who.id)}


@router.get("/unread", responses=ERRORS)
async def unread(hub: Hub = Depends(get_hub), who: Principal = Depends(READER)) -> dict[str, int]:
    return {"unread": await run_in_threadpool(svc.unread_count, hub, who.id)}


@router.post("/read", responses=ERRORS)
async def mark_read(body: ReadIn, hub: Hub = Depends(get_hub), who: Principal = Depends(READER)) -> dict[str, int]:
    return {"marked": await run_in_threadpool(svc.mark_read, hub, who.id, body.ids)}


@router.get("/preferences", responses=ERRORS)
async def preferences(hub: Hub = Depends(get_hub), who: Principal = Depends(READER)) -> dict[str, Any]:
    return {"email_mode": await run_in_threadpool(svc.email_mode, hub, who.id), "modes": list(svc.EMAIL_MODES),
            "email_enabled": bool(hub.settings.smtp_host)}


@router.put("/preferences", responses=ERRORS)
async def set_preferences(body: PrefsIn, hub: Hub = Depends(get_hub),
                          who: Principal = Depends(READER)) -> dict[str, Any]:
    return {"email_mode": await run_in_threadpool(svc.set_email_mode, hub, who.id, body.email_mode)}


@router.get("/follows", responses=ERRORS)
async def follows(hub: Hub = Depends(get_hub), who: Principal = Depends(READER)) -> dict[str, Any]:
    return {"follows": await run_in_threadpool(svc.subscriptions, hub, who.id)}
