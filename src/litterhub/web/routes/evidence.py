"""The living evidence review pages (issue 19 item 4): /evidence (the evidence map, filterable, and the review
projects), /evidence/records (the records), /evidence/records/{id}, /evidence/export/{csv|ris}, /evidence/projects/new
and /evidence/projects/{slug} (criteria, team, candidates with blinded screening, the screeners' and the lead's
forms). Every write is a signed-in form post with CSRF and the write rate limit; who may do it is decided by
services/evidence.py (a screener must be assigned; only the lead resolves conflicts)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import auth
from litterhub.services import evidence as svc
from litterhub.services.focal_points import Acting, acting_for
from litterhub.services.hub import Hub
from litterhub.web.routes.accounts import need, page, viewer

router = APIRouter(include_in_schema=False)
FILTERS = ("topic", "compartment", "exposure_route", "stage", "endpoint", "design", "effect")
EXPORTS = {"csv": "text/csv; charset=utf-8", "ris": "application/x-research-info-systems; charset=utf-8"}


def _acting(request: Request) -> Acting | None:
    who = viewer(request)
    return acting_for(who) if who else None


def _filters(request: Request) -> dict[str, str | None]:
    """Query filters whose values are in their named lists (anything else is ignored, not an error page)."""
    out: dict[str, str | None] = {}
    for f in FILTERS:
        value = (request.query_params.get(f) or "").strip()
        out[f] = value if value in svc.NAMED.get(f, ()) else None
    return out


async def _form(request: Request) -> dict[str, Any]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _query(filters: dict[str, str | None]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in filters.items() if v})


@router.get("/evidence", response_class=HTMLResponse)
async def evidence_home(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    filters = _filters(request)
    emap = await run_in_threadpool(svc.evidence_map, hub, **filters)
    projects = await run_in_threadpool(svc.projects, hub)
    return page(request, "evidence/index.html", m=emap, projects=projects, filters=filters, v=svc.vocabulary(),
                query=_query(filters))


@router.get("/evidence/records", response_class=HTMLResponse)
async def records_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    filters = _filters(request)
    rows = await run_in_threadpool(svc.records, hub, **filters)
    return page(request, "evidence/records.html", rows=rows, filters=filters, v=svc.vocabulary(),
                query=_query(filters))


@router.get("/evidence/records/{record_id}", response_class=HTMLResponse)
async def record_page(record_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _record_page(request, hub, record_id)


async def _record_page(request: Request, hub: Hub, record_id: int, status_code: int = 200,
                       **extra: Any) -> Response:
    try:
        r = await run_in_threadpool(svc.record, hub, record_id)
    except svc.EvidenceError:
        return page(request, "not_found.html", status_code=404, what=str(record_id)[:20])
    may = await run_in_threadpool(svc.may_appraise, hub, _acting(request), record_id)
    return page(request, "evidence/record.html", status_code=status_code, r=r, criteria=svc.QUALITY_CRITERIA,
                qmax=svc.QUALITY_MAX, may_appraise=may, saved=request.query_params.get("saved") == "1", **extra)


@router.post("/evidence/records/{record_id}/appraisal", response_class=HTMLResponse)
async def appraise(record_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    form = await _form(request)
    try:
        await run_in_threadpool(svc.appraise, hub, acting_for(who), record_id,
                                {c: form.get(c) for c in svc.QUALITY_CRITERIA}, form.get("note", ""))
    except svc.EvidenceError as exc:
        return await _record_page(request, hub, record_id, exc.status, error=exc)
    return RedirectResponse(f"/evidence/records/{record_id}?saved=1", status_code=303)


@router.get("/evidence/export/{fmt}")
async def export(fmt: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    if fmt not in EXPORTS:
        return page(request, "not_found.html", status_code=404, what=fmt[:10])
    rows = await run_in_threadpool(svc.records, hub, **_filters(request))
    body = svc.to_csv(rows) if fmt == "csv" else svc.to_ris(rows)
    return Response(body, media_type=EXPORTS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="evidence.{fmt}"'})


@router.get("/evidence/projects/new", response_class=HTMLResponse)
def new_project(request: Request) -> Response:
    need(request)
    return page(request, "evidence/new.html", form={}, v=svc.vocabulary())


@router.post("/evidence/projects", response_class=HTMLResponse)
async def create_project(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    form = await _form(request)
    try:
        p = await run_in_threadpool(svc.create_project, hub, acting_for(who), form)
    except svc.EvidenceError as exc:
        return page(request, "evidence/new.html", status_code=exc.status, form=form, error=exc, v=svc.vocabulary())
    return RedirectResponse(f"/evidence/projects/{p['slug']}", status_code=303)


async def _project_page(request: Request, hub: Hub, slug: str, status_code: int = 200, **extra: Any) -> Response:
    try:
        p = await run_in_threadpool(svc.project, hub, _acting(request), slug)
    except svc.EvidenceError:
        return page(request, "not_found.html", status_code=404, what=slug[:80])
    return page(request, "evidence/project.html", status_code=status_code, p=p, v=svc.vocabulary(), **extra)


@router.get("/evidence/projects/{slug}", response_class=HTMLResponse)
async def project_page(slug: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    saved = request.query_params.get("saved") == "1"
    return await _project_page(request, hub, slug, saved=saved)


def _done(slug: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/evidence/projects/{slug}?saved=1{anchor}", status_code=303)


@router.post("/evidence/projects/{slug}/screeners", response_class=HTMLResponse)
async def add_screener(slug: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    form = await _form(request)
    user = await run_in_threadpool(auth.find_user, hub, form.get("email", ""))
    try:
        if user is None:
            raise svc.EvidenceError("evidence-unknown-user", "no account with that e-mail address", 404, "email")
        await run_in_threadpool(svc.set_screener, hub, acting_for(who), slug, user.id, form.get("assigned") != "0")
    except svc.EvidenceError as exc:
        return await _project_page(request, hub, slug, exc.status, error=exc)
    return _done(slug, "#team")


@router.post("/evidence/projects/{slug}/candidates", response_class=HTMLResponse)
async def add_candidate(slug: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    form = await _form(request)
    try:
        await run_in_threadpool(svc.add_candidate, hub, acting_for(who), slug, form)
    except svc.EvidenceError as exc:
        return await _project_page(request, hub, slug, exc.status, error=exc, form=form)
    return _done(slug, "#candidates")


@router.post("/evidence/projects/{slug}/candidates/{candidate_id}/screen", response_class=HTMLResponse)
async def screen(slug: str, candidate_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    form = await _form(request)
    try:
        await run_in_threadpool(svc.screen, hub, acting_for(who), slug, candidate_id, form.get("decision", ""),
                                form.get("reason") or None, form.get("note", ""))
    except svc.EvidenceError as exc:
        return await _project_page(request, hub, slug, exc.status, error=exc)
    return _done(slug, f"#candidate-{candidate_id}")


@router.post("/evidence/projects/{slug}/candidates/{candidate_id}/resolve", response_class=HTMLResponse)
async def resolve(slug: str, candidate_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    form = await _form(request)
    try:
        await run_in_threadpool(svc.resolve, hub, acting_for(who), slug, candidate_id, form.get("decision", ""),
                                form.get("reason", ""))
    except svc.EvidenceError as exc:
        return await _project_page(request, hub, slug, exc.status, error=exc)
    return _done(slug, f"#candidate-{candidate_id}")
