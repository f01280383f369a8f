"""Country profiles (/countries, /countries/ISO3) and country-group pages (/regions, /regions/ID).

The pages render the plain data of services/countries.py (the same as the JSON API and the CLI), computed in the
shared compute pool; an unknown code or id is a 404 page. `/regions` are country groups (Regional Seas
programmes, fisheries bodies, river basin commissions, MEAs, UN groups), not the marine regions sites lie in.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
from babel import Locale
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from litterhub.http.callers import caller_of
from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.services import action_plans, focal_points
from litterhub.services import countries as svc
from litterhub.services.datasets import NotFound
from litterhub.services.hub import Hub
from litterhub.web.rendering import render, request_language
from litterhub.web.routes.accounts import viewer

router = APIRouter(include_in_schema=False)
WORLD = "/static/vendor/world-atlas/countries-110m.json"
KIND_LABELS = ("regional-seas", "fisheries-body", "river-basin", "mea", "un-regional-group", "transnational")


@lru_cache(maxsize=8)
def _territories(lang: str) -> dict[str, str]:
    """Country names in the interface language (CLDR via Babel), keyed by ISO alpha-3."""
    names = Locale.parse(lang).territories
    return {c.alpha_3: names[c.alpha_2] for c in pycountry.countries if c.alpha_2 in names}


def _localise(request: Request, rows: list[dict], key: str = "country") -> list[dict]:
    """`rows` with `name` in the page's language where CLDR has one (the data keep the English name)."""
    names = _territories(request_language(request))
    return [{**r, "name": names.get(r[key], r["name"])} for r in rows]


def _bars(rows: list[dict], key: str, value: str) -> list[dict]:
    """Bar heights (percent of the largest) for a small server-drawn chart."""
    top = max((r[value] or 0 for r in rows), default=0)
    return [{"label": r[key], "value": r[value], "pct": round(100 * (r[value] or 0) / top, 1) if top else 0}
            for r in rows]


@router.get("/countries", response_class=HTMLResponse)
def countries_page(request: Request, q: str = Query("", max_length=100),
                   hub: Hub = Depends(get_hub)) -> HTMLResponse:
    """A light catalogue read (thread pool, no compute quota)."""
    rows = _localise(request, svc.country_index(hub, q))
    return render(request, "countries/index.html", rows=rows, q=q, world=WORLD,
                  highlight=[{"numeric": r["numeric"], "href": f"/countries/{r['country']}", "name": r["name"]}
                             for r in rows if r["numeric"]])


@router.get("/countries/{code}", response_class=HTMLResponse)
async def country_page(request: Request, code: str, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    try:
        p = await offload(request, svc.profile, hub, code, caller_of(viewer(request)))
    except NotFound:
        return render(request, "not_found.html", status_code=404, what=code[:20])
    p = {**p, "name": _localise(request, [p])[0]["name"]}
    who = viewer(request)
    acting = focal_points.acting_for(who) if who else None
    figures = await run_in_threadpool(focal_points.profile_section, hub, p["country"], acting)
    plan_link = await run_in_threadpool(action_plans.opens_for, hub, acting, p["country"])
    sdg_rows = [r for r in p["indicators"]["sdg"]["rows"] if r.get("HEADLINE")]
    return render(request, "countries/profile.html", p=p, world=WORLD,
                  sdg_bars=_bars([{"year": r["TIME_PERIOD"], "v": r["OBS_VALUE"], "cls": r["comparability_class"]}
                                  for r in sdg_rows], "year", "v"),
                  points=[{"lat": s["lat"], "lon": s["lon"], "name": s["name"], "n": s["surveys"]}
                          for s in p["monitoring"]["sites"] if s["lat"] is not None],
                  highlight=[{"numeric": p["numeric"], "name": p["name"]}] if p["numeric"] else [], figures=figures,
                  plan_link=plan_link)


@router.get("/regions", response_class=HTMLResponse)
def regions_page(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    rows = svc.region_index(hub)
    return render(request, "countries/regions.html", rows=rows, kinds=KIND_LABELS)


@router.get("/regions/{group_id}", response_class=HTMLResponse)
async def region_page(request: Request, group_id: str, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    try:
        r = await offload(request, svc.region, hub, group_id, caller_of(viewer(request)))
    except NotFound:
        return render(request, "not_found.html", status_code=404, what=group_id[:60])
    r = {**r, "members": _localise(request, r["members"])}
    return render(request, "countries/region.html", r=r, world=WORLD,
                  highlight=[{"numeric": m["numeric"], "href": f"/countries/{m['country']}", "name": m["name"]}
                             for m in r["members"] if m["numeric"]])
