"""Web pages for SDG 14.1.1b and its beach widths: /sdg (values per country, year and comparability class, the
headline value of each country-year marked, an ASSUMED badge where an assumed width entered a value, the
duplicate copies left out, and for every country not computed the reason and the beaches lacking a width;
`pool=1` over several classes is refused with an explanation, HTTP 409), /widths (the widths in force and the
form to give one: sign-in with the reviewer role and CSRF, like
every form) and /widths/{site} (every revision of a site's width)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.analysis.comparability import IncomparableClasses, records
from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import indicator_store, indicators
from litterhub.services import widths as svc
from litterhub.services.auth import Principal
from litterhub.services.datasets import BadRequest, NotFound
from litterhub.services.hub import Hub
from litterhub.web.routes.accounts import page, viewer
from litterhub.web.session import signed_in

router = APIRouter(include_in_schema=False)
SITES_SHOWN = 50  # per country on the page; the full list is a CSV download


def _country(request: Request) -> str:
    return (request.query_params.get("country") or "").strip().upper()[:3]


@router.get("/sdg", response_class=HTMLResponse)
async def sdg_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    country = _country(request)
    assumed_text = (request.query_params.get("assume_width") or "").strip()
    klass = (request.query_params.get("class") or "").strip()[:500] or None
    pool = (request.query_params.get("pool") or "").lower() in ("1", "true", "on", "yes")
    error, data, refused, status = None, None, None, 200
    try:
        assume = svc.check_assumed(assumed_text) if assumed_text else None
        result = await run_in_threadpool(_sdg_result, hub, country or None, assume, pool, klass)
        data = _view(result)
    except IncomparableClasses as exc:
        error, refused, status = str(exc), exc.classes, exc.status
    except NotFound as exc:
        error, status = str(exc), 404
    except (svc.WidthError, BadRequest) as exc:
        error, status = str(exc), 400
    return page(request, "widths/sdg.html", status_code=status, country=country, assume_width=assumed_text,
                data=data, error=error, refused=refused, klass=klass or "", shown=SITES_SHOWN,
                class_query=lambda label: urlencode([("class", label)]))


def _sdg_result(hub: Hub, country: str | None, assume: float | None, pool: bool, klass: str | None):  # noqa: ANN202
    """The SDG tables, computed once per (dataset versions, widths, parameters): a new version or a new width
    computes them anew (services/indicator_store.py)."""
    params = (country, assume, pool, klass, svc.state(hub))
    return indicator_store.get_or_compute(hub, "sdg-page", params,
                                          lambda: indicators.sdg(hub, country, None, assume, pool, klass))


def _view(result) -> dict[str, Any]:
    tables = result.tables
    missing = tables["missing_widths"]
    by_country = {c: records(g.head(SITES_SHOWN)) for c, g in missing.groupby("country")} if len(missing) else {}
    totals = missing.groupby("country").size().to_dict() if len(missing) else {}
    return {"rows": records(tables["sdg"]), "countries": records(tables["countries"]),
            "missing": by_country, "missing_total": totals, "widths_used": records(tables["widths_used"]),
            "warnings": [w.as_dict() for w in result.warnings], "summary": result.summary,
            "versions": result.versions, "classes": result.classes, "excluded": result.excluded_events}


@router.get("/widths", response_class=HTMLResponse)
def widths_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _widths(request, hub)


def _widths(request: Request, hub: Hub, error: str | None = None, status_code: int = 200,
            form: dict[str, str] | None = None) -> Response:
    country = _country(request)
    frame = svc.list_widths(hub, country=country if len(country) == 3 else None)
    me = viewer(request)
    done = request.query_params.get("done")
    return page(request, "widths/index.html", status_code=status_code, widths=records(frame), country=country,
                can_write=bool(me and me.can(svc.WRITE_ROLE)), error=error, form=form or {},
                done=done if done and len(done) <= 40 else None, min_width=svc.MIN_WIDTH_M, max_width=svc.MAX_WIDTH_M,
                site=request.query_params.get("site", "")[:40])


@router.post("/widths", response_class=HTMLResponse)
async def give_width(request: Request, hub: Hub = Depends(get_hub),
                     who: Principal = Depends(signed_in(svc.WRITE_ROLE))) -> Response:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        entry = await run_in_threadpool(svc.give_width, hub, svc.giver_for(who), fields.get("site_id", ""),
                                        fields.get("width_m", ""), fields.get("source", ""), fields.get("note"))
    except svc.WidthError as exc:
        return _widths(request, hub, str(exc), exc.status, fields)
    return RedirectResponse(f"/widths/{entry['site_id']}?done={entry['revision']}", status_code=303)


@router.get("/widths/{site_id}", response_class=HTMLResponse)
def site_widths(site_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    frame = svc.list_widths(hub, site_id=site_id, history=True)
    if frame.empty:
        return page(request, "not_found.html", status_code=404, what=site_id)
    me = viewer(request)
    done = request.query_params.get("done", "")
    return page(request, "widths/site.html", site_id=site_id, revisions=records(frame),
                can_write=bool(me and me.can(svc.WRITE_ROLE)), done=done if done.isdigit() else None)
