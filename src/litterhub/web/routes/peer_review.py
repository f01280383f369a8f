"""Peer-review pages of the advisory body (issue 19, item 3): /peer-reviews (the reviews you may see; managers open
one there), /peer-reviews/roster (the expert roster with its declarations, for managers), and /peer-reviews/{id}
(one review: managers assign reviewers, reconcile and publish; an assigned reviewer writes their structured review;
everyone reads it once published). A review another person may not see answers the same 404 page as one that does
not exist. Not the review of contributions (/review). Thin: every rule lives in services/peer_review.py.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.errors import HubError
from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.registry.entities import TOPICS
from litterhub.services import auth
from litterhub.services import focal_points as fp
from litterhub.services import peer_review as svc
from litterhub.services import people as people_svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.registry_labels import facet_label
from litterhub.web.rendering import request_language
from litterhub.web.session import page, signed_in, viewer

router = APIRouter(include_in_schema=False)
DONE = {"opened", "assigned", "withdrawn", "submitted", "reconciled", "published", "added", "removed", "manager"}


def _acting(request: Request) -> fp.Acting | None:
    who = viewer(request)
    return fp.acting_for(who) if who else None


async def _form(request: Request) -> dict[str, Any]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf_token":
            continue
        if key == "expertise":
            out.setdefault(key, []).append(value)
        else:
            out[key] = value
    return out


def _labels(request: Request) -> dict[str, Any]:
    lang = request_language(request)
    return {"topic_label": lambda value: facet_label("topic", value, value, lang), "criteria": svc.CRITERIA,
            "recommendations": svc.RECOMMENDATIONS, "decisions": svc.DECISIONS, "topics": TOPICS,
            "done": request.query_params.get("done") if request.query_params.get("done") in DONE else None}


def _user_id(hub: Hub, email: str | None) -> int:
    user = auth.find_user(hub, email or "")
    if user is None:
        raise svc.ReviewError("review-unknown-user", "no account with that e-mail address", 404, "email")
    return user.id


def _index(request: Request, hub: Hub, status_code: int = 200, error: HubError | None = None,
           record: str = "") -> Response:
    acting = _acting(request)
    return page(request, "peer_review/index.html", status_code=status_code, rows=svc.reviews(hub, acting),
                manager=people_svc.is_manager(hub, acting), error=error, record=record, **_labels(request))


@router.get("/peer-reviews", response_class=HTMLResponse)
def index(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _index(request, hub, record=request.query_params.get("record", "")[:120])


@router.post("/peer-reviews", response_class=HTMLResponse)
async def open_review(request: Request, hub: Hub = Depends(get_hub),
                      who: Principal = Depends(signed_in("contributor"))) -> Response:
    fields = await _form(request)
    try:
        revision = int(fields["revision"]) if fields.get("revision") else None
        made = await run_in_threadpool(svc.open_review, hub, fp.acting_for(who), fields.get("record_id", "").strip(),
                                       revision)
    except ValueError as exc:
        error = exc if isinstance(exc, HubError) else svc.ReviewError("review-invalid-revision",
                                                                       "the revision is a number", 422, "revision")
        return _index(request, hub, error.status, error, fields.get("record_id", "")[:120])
    return RedirectResponse(f"/peer-reviews/{made['id']}?done=opened", status_code=303)


def _roster_page(request: Request, hub: Hub, who: Principal, status_code: int = 200,
                 error: HubError | None = None) -> Response:
    acting = fp.acting_for(who)
    return page(request, "peer_review/roster.html", status_code=status_code, rows=svc.roster(hub, acting),
                managers=people_svc.managers(hub), admin=who.can("admin"), error=error, **_labels(request))


@router.get("/peer-reviews/roster", response_class=HTMLResponse)
def roster(request: Request, hub: Hub = Depends(get_hub),
           who: Principal = Depends(signed_in("contributor"))) -> Response:
    return _roster_page(request, hub, who)


async def _roster_write(request: Request, hub: Hub, who: Principal, fn, done: str) -> Response:
    fields = await _form(request)
    try:
        await run_in_threadpool(fn, hub, fp.acting_for(who), fields)
    except HubError as exc:
        return _roster_page(request, hub, who, exc.status, exc)
    return RedirectResponse(f"/peer-reviews/roster?done={done}", status_code=303)


@router.post("/peer-reviews/roster", response_class=HTMLResponse)
async def roster_add(request: Request, hub: Hub = Depends(get_hub),
                     who: Principal = Depends(signed_in("contributor"))) -> Response:
    def add(h: Hub, acting: fp.Acting, f: dict[str, Any]) -> Any:
        return svc.roster_add(h, acting, _user_id(h, f.get("email")), f.get("expertise"), f.get("conflicts", ""),
                              f.get("conflict_orgs", ""), f.get("conflict_records", ""))

    return await _roster_write(request, hub, who, add, "added")


@router.post("/peer-reviews/roster/{user_id:int}/remove", response_class=HTMLResponse)
async def roster_remove(user_id: int, request: Request, hub: Hub = Depends(get_hub),
                        who: Principal = Depends(signed_in("contributor"))) -> Response:
    return await _roster_write(request, hub, who, lambda h, a, f: svc.roster_remove(h, a, user_id), "removed")


@router.post("/peer-reviews/managers", response_class=HTMLResponse)
async def manager(request: Request, hub: Hub = Depends(get_hub),
                  who: Principal = Depends(signed_in("contributor"))) -> Response:
    def name(h: Hub, acting: fp.Acting, f: dict[str, Any]) -> None:
        people_svc.set_manager(h, acting, _user_id(h, f.get("email")), f.get("action") != "remove")

    return await _roster_write(request, hub, who, name, "manager")


def _review_page(request: Request, hub: Hub, review_id: int, status_code: int = 200, error: HubError | None = None,
                 form: dict[str, Any] | None = None) -> Response:
    acting = _acting(request)
    try:
        r = svc.get(hub, acting, review_id)
    except svc.ReviewError:
        return page(request, "not_found.html", status_code=404, what=f"peer-reviews/{review_id}")
    candidates = []
    if r["my_standing"] == "manager" and r["status"] == "open":
        taken = {x.get("reviewer_id") for x in r["reviews"]}
        candidates = [m for m in svc.roster(hub, acting) if m["user_id"] not in taken]
    mine = next((x for x in r["reviews"] if acting is not None and x.get("reviewer_id") == acting.user_id), None)
    return page(request, "peer_review/review.html", status_code=status_code, r=r, candidates=candidates, mine=mine,
                error=error, form=form or {}, **_labels(request))


@router.get("/peer-reviews/{review_id:int}", response_class=HTMLResponse)
def review(review_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _review_page(request, hub, review_id)


async def _review_write(request: Request, hub: Hub, who: Principal, review_id: int, fn, done: str) -> Response:
    fields = await _form(request)
    try:
        await run_in_threadpool(fn, hub, fp.acting_for(who), review_id, fields)
    except HubError as exc:
        if exc.status == 404:
            return _review_page(request, hub, review_id)
        return _review_page(request, hub, review_id, exc.status, exc, fields)
    return RedirectResponse(f"/peer-reviews/{review_id}?done={done}", status_code=303)


def _int(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise svc.ReviewError("review-missing-value", f"choose a {field}", 422, field) from None


@router.post("/peer-reviews/{review_id:int}/assign", response_class=HTMLResponse)
async def assign(review_id: int, request: Request, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(signed_in("contributor"))) -> Response:
    return await _review_write(request, hub, who, review_id, lambda h, a, i, f: svc.assign(
        h, a, i, _int(f.get("user_id"), "reviewer")), "assigned")


@router.post("/peer-reviews/{review_id:int}/withdraw/{user_id:int}", response_class=HTMLResponse)
async def withdraw(review_id: int, user_id: int, request: Request, hub: Hub = Depends(get_hub),
                   who: Principal = Depends(signed_in("contributor"))) -> Response:
    return await _review_write(request, hub, who, review_id, lambda h, a, i, f: svc.unassign(h, a, i, user_id),
                               "withdrawn")


@router.post("/peer-reviews/{review_id:int}/my-review", response_class=HTMLResponse)
async def submit(review_id: int, request: Request, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(signed_in("contributor"))) -> Response:
    def send(h: Hub, a: fp.Acting, i: int, f: dict[str, Any]) -> Any:
        scores = {c: f.get(f"score-{c}", "") for c in svc.CRITERIA}
        return svc.submit(h, a, i, scores, f.get("comments", ""), f.get("recommendation", ""))

    return await _review_write(request, hub, who, review_id, send, "submitted")


@router.post("/peer-reviews/{review_id:int}/reconcile", response_class=HTMLResponse)
async def reconcile(review_id: int, request: Request, hub: Hub = Depends(get_hub),
                    who: Principal = Depends(signed_in("contributor"))) -> Response:
    return await _review_write(request, hub, who, review_id, lambda h, a, i, f: svc.reconcile(
        h, a, i, f.get("summary", ""), f.get("decision", "")), "reconciled")


@router.post("/peer-reviews/{review_id:int}/publish", response_class=HTMLResponse)
async def publish(review_id: int, request: Request, hub: Hub = Depends(get_hub),
                  who: Principal = Depends(signed_in("contributor"))) -> Response:
    return await _review_write(request, hub, who, review_id, lambda h, a, i, f: svc.publish(h, a, i), "published")
