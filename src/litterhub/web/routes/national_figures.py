"""Web pages for national figures (issue 17, item 4): the country's figures page with the focal point's two forms
(inventory inputs, beach widths; every figure with its source), one submission with the reviewer's decisions,
and the admin page that assigns focal points per country.

Every write is a signed-in form post with CSRF and the write rate limit; who may do it is decided by
services/focal_points.py (a focal point of another country is refused with a 403 page saying why).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import auth
from litterhub.services import focal_points as svc
from litterhub.services import inventory as inventory_svc
from litterhub.services.countries import country_name
from litterhub.services.hub import Hub
from litterhub.store import tables as t
from litterhub.web.routes.accounts import need, page, viewer

router = APIRouter(include_in_schema=False)
FIGURE_ROWS = 5  # empty rows of the inventory form; blank rows are skipped
WIDTH_ROWS = 20  # sites listed in the widths form (the country's sites with most surveys first)
DONE = {"assign": "assigned", "revoke": "revoked"}


def _acting(request: Request) -> svc.Acting | None:
    who = viewer(request)
    return svc.acting_for(who) if who else None


async def _fields(request: Request) -> dict[str, str]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _sites(hub: Hub, code: str) -> list[dict[str, Any]]:
    """The country's sites for the widths form (with the width in force, if any)."""
    from sqlalchemy import func, select

    from litterhub.services import widths as widths_svc
    from litterhub.services.summaries import current
    from litterhub.store.summary_tables import site_summaries as ss

    counts = (select(ss.c.site_id, func.sum(ss.c.n_events).label("n")).join(t.datasets, current(ss))
              .group_by(ss.c.site_id).subquery())
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.sites.c.id, t.sites.c.name, func.coalesce(counts.c.n, 0).label("n"))
                            .outerjoin(counts, counts.c.site_id == t.sites.c.id)
                            .where(t.sites.c.country == code)
                            .order_by(func.coalesce(counts.c.n, 0).desc(), t.sites.c.name).limit(WIDTH_ROWS)).all()
    widths = widths_svc.list_widths(hub, country=code)
    in_force = dict(zip(widths["site_id"], widths["width_m"], strict=True)) if len(widths) else {}
    return [{"id": r.id, "name": r.name, "surveys": int(r.n), "width_m": in_force.get(r.id)} for r in rows]


def _figures_page(request: Request, hub: Hub, code: str, error: svc.FigureError | None = None,
                  form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    acting = _acting(request)
    section = svc.profile_section(hub, code, acting)
    done = request.query_params.get("done", "")
    return page(request, "national/figures.html", status_code=status_code, code=code,
                name=country_name(code) or code, s=section, error=error, form=form or {},
                methods=inventory_svc.RECORD_METHODS, inputs=inventory_svc.OVERRIDABLE,
                scenarios=inventory_svc.SCENARIOS, rows=range(FIGURE_ROWS),
                sites=_sites(hub, code) if section["can_submit"] else [],
                done=int(done) if done.isdigit() else None)


def _code(code: str) -> str | None:
    try:
        return svc.country_code(code)
    except svc.FigureError:
        return None


@router.get("/countries/{code}/figures", response_class=HTMLResponse)
def figures_page(code: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    known = _code(code)
    if known is None:
        return page(request, "not_found.html", status_code=404, what=code[:20])
    return _figures_page(request, hub, known)


def inventory_data(fields: dict[str, str]) -> dict[str, Any]:
    """The inventory form as the service's data: the filled rows of (field, value, source)."""
    figures = [{"field": fields.get(f"field_{i}", ""), "value": fields.get(f"value_{i}", ""),
                "source": fields.get(f"source_{i}", "")}
               for i in range(FIGURE_ROWS) if (fields.get(f"value_{i}") or "").strip()
               or (fields.get(f"source_{i}") or "").strip()]
    return {"method": fields.get("method", ""), "year": fields.get("year") or None,
            "scenario": fields.get("scenario") or None, "submitter": fields.get("submitter", ""),
            "note": fields.get("note"), "figures": figures}


def widths_data(fields: dict[str, str]) -> dict[str, Any]:
    """The widths form as the service's data: the rows with a width or a source filled in."""
    rows = []
    for i in range(WIDTH_ROWS):
        width, source = (fields.get(f"width_{i}") or "").strip(), (fields.get(f"wsource_{i}") or "").strip()
        if width or source:
            rows.append({"site_id": fields.get(f"site_{i}", ""), "width_m": width, "source": source,
                         "note": fields.get(f"wnote_{i}")})
    return {"submitter": fields.get("submitter", ""), "note": fields.get("note"), "widths": rows}


@router.post("/countries/{code}/figures/{kind}", response_class=HTMLResponse)
async def submit(code: str, kind: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    known = _code(code)
    if known is None or kind not in svc.KINDS:
        return page(request, "not_found.html", status_code=404, what=f"{code[:20]}/{kind[:20]}")
    fields = await _fields(request)
    data = inventory_data(fields) if kind == "inventory" else widths_data(fields)
    try:
        sub = await run_in_threadpool(svc.submit, hub, svc.acting_for(who), known, kind, data)
    except svc.FigureError as exc:
        return _figures_page(request, hub, known, exc, {**fields, "kind": kind}, exc.status)
    return RedirectResponse(f"/national-figures/{sub['id']}?sent=1", status_code=303)


def _detail(request: Request, hub: Hub, figure_id: int, error: svc.FigureError | None = None,
            status_code: int = 200) -> Response:
    acting = _acting(request)
    try:
        sub = svc.visible(hub, acting, figure_id)
    except svc.FigureError:
        return page(request, "not_found.html", status_code=404, what=str(figure_id))
    reviewer = bool(acting and acting.can(svc.REVIEW_ROLE) and (sub["user_id"] != acting.user_id
                                                              or acting.can("admin")))
    return page(request, "national/detail.html", status_code=status_code, sub=sub, error=error,
                name=country_name(sub["country"]) or sub["country"], reviewer=reviewer,
                sent=request.query_params.get("sent") == "1", done=request.query_params.get("done") in svc.ACTIONS
                and request.query_params.get("done"))


@router.get("/national-figures/{figure_id}", response_class=HTMLResponse)
def detail(figure_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _detail(request, hub, figure_id)


@router.post("/national-figures/{figure_id}/{action}", response_class=HTMLResponse)
async def decide(figure_id: int, action: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, svc.REVIEW_ROLE)
    if action not in svc.ACTIONS:
        return page(request, "not_found.html", status_code=404, what=action[:40])
    fields = await _fields(request)
    try:
        await run_in_threadpool(svc.decide, hub, svc.acting_for(who), figure_id, action,
                                fields.get("reason") or fields.get("note") or "")
    except svc.FigureError as exc:
        return _detail(request, hub, figure_id, exc, exc.status)
    return RedirectResponse(f"/national-figures/{figure_id}?done={action}", status_code=303)


# --- admin: focal points -------------------------------------------------------------------------------------

def _admin_page(request: Request, hub: Hub, error: svc.FigureError | None = None, status_code: int = 200,
                form: dict[str, str] | None = None) -> Response:
    rows = svc.focal_points(hub, include_revoked=True, with_email=True)
    return page(request, "national/focal_points.html", status_code=status_code, rows=rows, error=error,
                form=form or {}, done=request.query_params.get("done") in DONE.values()
                and request.query_params.get("done"))


@router.get("/admin/focal-points", response_class=HTMLResponse)
def focal_points_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    need(request, svc.ASSIGN_ROLE)
    return _admin_page(request, hub)


@router.post("/admin/focal-points/{action}", response_class=HTMLResponse)
async def focal_points_write(action: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, svc.ASSIGN_ROLE)
    if action not in ("assign", "revoke"):
        return page(request, "not_found.html", status_code=404, what=action[:40])
    fields = await _fields(request)
    try:
        user = auth.find_user(hub, fields.get("email", ""))
        if user is None:
            raise svc.FigureError("figures-unknown-user", "no account with that e-mail address", 404, "email")
        fn = svc.assign if action == "assign" else svc.revoke
        await run_in_threadpool(fn, hub, svc.acting_for(who), user.id, fields.get("country", ""))
    except svc.FigureError as exc:
        return _admin_page(request, hub, exc, exc.status, fields)
    return RedirectResponse(f"/admin/focal-points?done={DONE[action]}", status_code=303)
