"""Web review: the reviewer queue, one submission with its report, and the decisions (claim, approve, reject,
request changes), plus retraction of a published dataset version. Decisions are posted forms with CSRF."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import auth, focal_points, review
from litterhub.services import contributions as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.routes.accounts import page
from litterhub.web.session import signed_in

router = APIRouter(include_in_schema=False)
DONE_MESSAGES = {"approve", "reject", "request-changes", "retract"}  # only these echo back: no text injection


@router.get("/review", response_class=HTMLResponse)
def queue(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in("reviewer"))) -> Response:
    released = review.release_due(hub)
    done = request.query_params.get("done")
    return page(request, "review/queue.html", items=review.queue(hub, who), released=len(released),
                message=done if done in DONE_MESSAGES else None,
                figures_queue=focal_points.queue(hub, focal_points.acting_for(who)))


@router.get("/review/{sid}", response_class=HTMLResponse)
def detail(sid: str, request: Request, hub: Hub = Depends(get_hub),
           who: Principal = Depends(signed_in("reviewer"))) -> Response:
    return _detail(request, hub, who, sid)


def _detail(request: Request, hub: Hub, who, sid: str, error: str | None = None, status_code: int = 200) -> Response:
    try:
        sub = svc.get_submission(hub, who, sid)
    except svc.ContributionError:
        return page(request, "not_found.html", status_code=404, what=sid)
    reviewers = [u for u in auth.list_users(hub) if auth.at_least(u.role, "reviewer") and u.id != sub.user_id] \
        if who.can("admin") else []
    return page(request, "review/detail.html", status_code=status_code, sub=sub, error=error,
                own=sub.user_id == who.id, reviewers=reviewers, item_names=svc.item_names())


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise svc.ContributionError("invalid", "choose a reviewer", "reviewer_id") from None


ACTIONS = {
    "claim": lambda hub, who, sid, f: review.claim(hub, who, sid),
    "assign": lambda hub, who, sid, f: review.assign(hub, who, sid, _int(f.get("reviewer_id"))),
    "approve": lambda hub, who, sid, f: review.approve(hub, who, sid, f.get("note", "")),
    "reject": lambda hub, who, sid, f: review.reject(hub, who, sid, f.get("reason", "")),
    "request-changes": lambda hub, who, sid, f: review.request_changes(hub, who, sid, f.get("reason", "")),
}


@router.post("/review/{sid}/{action}", response_class=HTMLResponse)
async def decide(sid: str, action: str, request: Request, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(signed_in("reviewer"))) -> Response:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    if action not in ACTIONS:
        return page(request, "not_found.html", status_code=404, what=action)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        await offload(request, ACTIONS[action], hub, who, sid, fields)  # approving publishes: heavy
    except svc.ContributionError as exc:
        return _detail(request, hub, who, sid, str(exc), exc.status)
    if action in ("claim", "assign"):
        return RedirectResponse(f"/review/{sid}", status_code=303)
    return RedirectResponse(f"/review?done={action}", status_code=303)


@router.post("/review-versions/retract", response_class=HTMLResponse)
async def retract(request: Request, hub: Hub = Depends(get_hub),
                  who: Principal = Depends(signed_in("reviewer"))) -> Response:
    """Hide a published dataset version with a reason (kept, never deleted)."""
    await verify_csrf(request)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        version = int(fields.get("version", ""))
        await offload(request, review.retract_version, hub, who, fields.get("dataset_id", ""), version,
                      fields.get("reason", ""))
    except ValueError:
        return page(request, "review/queue.html", status_code=422, items=review.queue(hub, who), released=0,
                    message=None, error="the version must be a number")
    except svc.ContributionError as exc:
        return page(request, "review/queue.html", status_code=exc.status, items=review.queue(hub, who), released=0,
                    message=None, error=str(exc))
    return RedirectResponse("/review?done=retract", status_code=303)
