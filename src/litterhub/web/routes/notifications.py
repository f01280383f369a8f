"""The notifications page (issue 19): /notifications lists a signed-in person's notifications (newest first, unread
marked), marks them read, and holds their e-mail choice (immediate, a daily digest, or none) and what they follow.
Writes are signed-in form posts with CSRF."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import notifications as svc
from litterhub.services.hub import Hub
from litterhub.web.session import need, page

router = APIRouter(include_in_schema=False)


async def _form(request: Request) -> dict[str, str]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, hub: Hub = Depends(get_hub), saved: bool = False) -> Response:
    who = need(request, "public")
    return page(request, "notifications/index.html", rows=svc.inbox(hub, who.id, limit=100),
                mode=svc.email_mode(hub, who.id), modes=svc.EMAIL_MODES, follows=svc.subscriptions(hub, who.id),
                mail=bool(hub.settings.smtp_host), saved=saved)


@router.post("/notifications/read", response_class=HTMLResponse)
async def mark_read(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, "public")
    f = await _form(request)
    ids = [int(f["id"])] if f.get("id", "").isdigit() else None
    await run_in_threadpool(svc.mark_read, hub, who.id, ids)
    target = f.get("next", "")
    return RedirectResponse(target if target.startswith("/") and not target.startswith("//") else "/notifications",
                            status_code=303)


@router.post("/notifications/preferences", response_class=HTMLResponse)
async def preferences(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, "public")
    f = await _form(request)
    await run_in_threadpool(svc.set_email_mode, hub, who.id, f.get("email_mode", ""))
    return RedirectResponse("/notifications?saved=1", status_code=303)
