"""Web pages of the knowledge registry: browse and search with facets, a world map of records by country,
record pages with their neighbourhood (links, a small SVG graph), comments, review actions, capacity
matches, and the submission form. Thin: every rule lives in services/registry.py."""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.callers import caller_of
from litterhub.http.deps import get_hub
from litterhub.http.security import verify_csrf
from litterhub.registry.entities import ENTITY_TYPES, TOPICS, TYPE_LABELS, source_url
from litterhub.registry.links import LINK_TYPES
from litterhub.services import peer_review as peer_review_svc
from litterhub.services import registry as svc
from litterhub.services import search as search_svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.registry_labels import localise
from litterhub.web.rendering import request_language
from litterhub.web.routes.accounts import page, viewer
from litterhub.web.session import signed_in

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
COMMON_FIELDS = {"id", "type", "title", "names", "acronyms", "summary", "url", "year", "countries", "regions",
                 "languages", "topics", "tags", "sources", "licence"}


@router.get("/registry", response_class=HTMLResponse)
def browse(request: Request, q: str = Query("", max_length=500), type: list[str] | None = Query(None),
           country: list[str] | None = Query(None), region: list[str] | None = Query(None),
           topic: list[str] | None = Query(None), language: list[str] | None = Query(None),
           year: list[str] | None = Query(None), page_no: int = Query(1, alias="page", ge=1),
           hub: Hub = Depends(get_hub)) -> HTMLResponse:
    filters = {"type": type or [], "country": country or [], "region": region or [], "topic": topic or [],
               "language": language or [], "year": year or []}
    result = localise(search_svc.search(hub, q, filters, PAGE_SIZE, (page_no - 1) * PAGE_SIZE),
                      request_language(request))
    base = [("q", q)] if q else []
    for facet, values in filters.items():
        base += [(facet, v) for v in values]

    def toggle(facet: str, value: str) -> str:
        pairs = [p for p in base if p != (facet, value)]
        if (facet, value) not in base:
            pairs.append((facet, value))
        return "/registry?" + urlencode(pairs)

    pages = max(1, math.ceil(result["total"] / PAGE_SIZE))
    return page(request, "registry/index.html", r=result, q=q, toggle=toggle, page_no=page_no, pages=pages,
                page_url=lambda n: "/registry?" + urlencode(base + [("page", n)]), type_labels=TYPE_LABELS)


@router.get("/registry/map", response_class=HTMLResponse)
def world_map(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    return page(request, "registry/map.html", counts=search_svc.country_counts(hub))


def _svg_graph(graph: dict[str, Any]) -> dict[str, Any]:
    """Positions for a radial layout: the record in the middle, its neighbours around it."""
    width, height, cx, cy, radius = 720, 480, 360, 240, 190
    others = [n for n in graph["nodes"] if n["id"] != graph["center"]]
    pos = {graph["center"]: (cx, cy)}
    for i, node in enumerate(sorted(others, key=lambda n: n["id"])):
        angle = 2 * math.pi * i / max(1, len(others))
        pos[node["id"]] = (round(cx + radius * math.cos(angle), 1), round(cy + radius * math.sin(angle), 1))
    nodes = [{**n, "x": pos[n["id"]][0], "y": pos[n["id"]][1], "center": n["id"] == graph["center"]}
             for n in graph["nodes"] if n["id"] in pos]
    edges = [{**e, "x1": pos[e["source"]][0], "y1": pos[e["source"]][1], "x2": pos[e["target"]][0],
              "y2": pos[e["target"]][1]} for e in graph["edges"] if e["source"] in pos and e["target"] in pos]
    return {"width": width, "height": height, "nodes": nodes, "edges": edges}


def _record_page(request: Request, hub: Hub, record_id: str, status_code: int = 200, **extra: Any) -> Response:
    me = viewer(request)
    caller = caller_of(me)
    try:
        record = svc.get_record(hub, record_id, caller)
    except svc.RegistryError as exc:
        return page(request, "not_found.html", status_code=404, what=str(exc))
    data = record["data"]
    extra_fields = {k: v for k, v in data.items() if k not in COMMON_FIELDS and v not in (None, "", [], {})}
    published = record["published_revision"] is not None
    region_titles = svc.titles(hub, data.get("regions", []))
    matches = svc.capacity_matches(hub, record_id) if published and record["type"] in (
        "capacity_need", "capacity_offer") else []
    return page(request, "registry/record.html", status_code=status_code, rec=record, d=data, extra_fields=extra_fields,
                links=svc.neighbourhood(hub, record_id) if published else [],
                graph=_svg_graph(svc.graph(hub, record_id)) if published else None,
                comments=svc.comments(hub, record_id, caller) if published else [],
                suggestions=svc.suggest_links(hub, record_id) if me is not None and me.can("reviewer") else [],
                matches=matches, requests=svc.list_requests(hub, caller, record_id),
                pending_links=svc.pending_links(hub, caller, record_id),
                type_labels=TYPE_LABELS, source_url=source_url, link_types=LINK_TYPES, region_titles=region_titles,
                peer_review=peer_review_svc.record_status(hub, record_id)
                if record["type"] in peer_review_svc.REVIEWABLE else None, **extra)


@router.get("/registry/records/{record_id}", response_class=HTMLResponse)
def record_page(record_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _record_page(request, hub, record_id)


async def _posted(request: Request) -> dict[str, str]:
    await verify_csrf(request)
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/registry/records/{record_id}/comments")
async def post_comment(record_id: str, request: Request, hub: Hub = Depends(get_hub),
                       who: Principal = Depends(signed_in("contributor"))) -> Response:
    form = await _posted(request)
    parent = form.get("parent_id")
    try:
        svc.add_comment(hub, record_id, form.get("body", ""), caller_of(who), int(parent) if parent else None)
    except (svc.RegistryError, ValueError) as exc:
        return _record_page(request, hub, record_id, status_code=422, error=str(exc))
    return RedirectResponse(f"/registry/records/{record_id}#comments", status_code=303)


@router.post("/registry/records/{record_id}/review")
async def post_review(record_id: str, request: Request, hub: Hub = Depends(get_hub),
                      who: Principal = Depends(signed_in("reviewer"))) -> Response:
    form = await _posted(request)
    try:
        svc.review(hub, record_id, form.get("action", ""), caller_of(who), form.get("reason"))
    except svc.RegistryError as exc:
        return _record_page(request, hub, record_id, status_code=exc.status, error=str(exc))
    return RedirectResponse(f"/registry/records/{record_id}", status_code=303)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").replace("\n", ",").split(",") if v.strip()]


def _record_from_form(form: dict[str, str], topics: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"type": form.get("type", ""), "title": form.get("title", ""),
                            "summary": form.get("summary", ""), "countries": _split(form.get("countries")),
                            "regions": _split(form.get("regions")), "languages": _split(form.get("languages")),
                            "topics": topics, "tags": _split(form.get("tags")), "sources": _split(form.get("sources")),
                            "licence": form.get("licence") or "CC-BY-4.0"}
    if form.get("url"):
        data["url"] = form["url"]
    if form.get("year"):
        data["year"] = form["year"]
    extra = (form.get("extra") or "").strip()
    if extra:
        try:
            more = json.loads(extra)
        except json.JSONDecodeError as exc:
            message = f"the type-specific fields are not valid JSON: {exc.msg}"
            raise svc.RegistryError(422, "invalid-record", message) from None
        if not isinstance(more, dict):
            raise svc.RegistryError(422, "invalid-record", "the type-specific fields must be a JSON object")
        data.update({k: v for k, v in more.items() if k not in ("id", "type")})
    return data


def _form_page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("action", "/registry/new")
    return page(request, "registry/new.html", status_code=status_code, types=list(ENTITY_TYPES),
                type_labels=TYPE_LABELS, topics=TOPICS, schemas=svc.entity_types(), **context)


def _form_of(data: dict[str, Any]) -> dict[str, str]:
    """A stored record as the submission form's fields (for editing)."""
    form = {k: ", ".join(data.get(k, [])) for k in ("countries", "regions", "languages", "tags")}
    form.update({"type": data["type"], "title": data.get("title", ""), "summary": data.get("summary", ""),
                 "url": data.get("url", ""), "year": str(data.get("year", "") or ""),
                 "sources": "\n".join(data.get("sources", [])), "licence": data.get("licence", "CC-BY-4.0")})
    extra = {k: v for k, v in data.items() if k not in COMMON_FIELDS}
    if data.get("names"):
        extra["names"] = data["names"]
    if data.get("acronyms"):
        extra["acronyms"] = data["acronyms"]
    form["extra"] = json.dumps(extra, ensure_ascii=False, indent=1) if extra else ""
    return form


@router.get("/registry/records/{record_id}/edit", response_class=HTMLResponse)
def edit_form(record_id: str, request: Request, hub: Hub = Depends(get_hub),
              who: Principal = Depends(signed_in("contributor"))) -> Response:
    try:
        rec = svc.get_record(hub, record_id, caller_of(who))
    except svc.RegistryError as exc:
        return page(request, "not_found.html", status_code=404, what=str(exc))
    return _form_page(request, form=_form_of(rec["data"]), errors=[], chosen_topics=rec["data"].get("topics", []),
                      action=f"/registry/records/{record_id}/edit", editing=record_id)


@router.post("/registry/records/{record_id}/edit", response_class=HTMLResponse)
async def edit(record_id: str, request: Request, hub: Hub = Depends(get_hub),
               who: Principal = Depends(signed_in("contributor"))) -> Response:
    await verify_csrf(request)
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    topics = [t for t in raw.getlist("topics") if isinstance(t, str)]
    try:
        svc.update_record(hub, record_id, _record_from_form(form, topics), caller_of(who))
    except svc.RegistryError as exc:
        return _form_page(request, status_code=exc.status, form=form, errors=exc.errors, chosen_topics=topics,
                          action=f"/registry/records/{record_id}/edit", editing=record_id)
    return RedirectResponse(f"/registry/records/{record_id}", status_code=303)


@router.get("/registry/review", response_class=HTMLResponse)
def review_queue(request: Request, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(signed_in("reviewer"))) -> Response:
    return page(request, "registry/review.html", queue=svc.review_queue(hub, caller_of(who)), type_labels=TYPE_LABELS,
                pending_links=svc.pending_links(hub, caller_of(who)))


@router.post("/registry/links/{link_id}/review")
async def post_link_review(link_id: int, request: Request, hub: Hub = Depends(get_hub),
                           who: Principal = Depends(signed_in("reviewer"))) -> Response:
    """A reviewer approves or rejects a contributor's link, from the record page or the review queue."""
    form = await _posted(request)
    back = form.get("record_id", "")
    try:
        svc.review_link(hub, link_id, form.get("action", ""), caller_of(who), form.get("reason"))
    except svc.RegistryError as exc:
        if back:
            return _record_page(request, hub, back, status_code=exc.status, error=str(exc))
        return page(request, "not_found.html", status_code=exc.status, what=str(exc))
    target = f"/registry/records/{quote(back, safe='')}#neighbourhood" if back else "/registry/review"
    return RedirectResponse(target, status_code=303)


@router.post("/registry/records/{record_id}/links")
async def post_link(record_id: str, request: Request, hub: Hub = Depends(get_hub),
                    who: Principal = Depends(signed_in("contributor"))) -> Response:
    form = await _posted(request)
    try:
        svc.add_link(hub, record_id, form.get("target", "").strip(), form.get("type", ""), caller_of(who),
                     form.get("note"))
    except svc.RegistryError as exc:
        return _record_page(request, hub, record_id, status_code=exc.status, error=str(exc))
    return RedirectResponse(f"/registry/records/{record_id}#neighbourhood", status_code=303)


@router.post("/registry/records/{record_id}/capacity")
async def post_capacity(record_id: str, request: Request, hub: Hub = Depends(get_hub),
                        who: Principal = Depends(signed_in("contributor"))) -> Response:
    """Request an offer for a need, or act on a request (accept, decline, complete with outcome, cancel)."""
    form = await _posted(request)
    try:
        if form.get("request_id"):
            svc.act_on_request(hub, int(form["request_id"]), form.get("action", ""), caller_of(who),
                               form.get("outcome"))
        else:
            svc.request_capacity(hub, record_id, form.get("offer_id", ""), caller_of(who), form.get("message"))
    except (svc.RegistryError, ValueError) as exc:
        return _record_page(request, hub, record_id, status_code=getattr(exc, "status", 400), error=str(exc))
    return RedirectResponse(f"/registry/records/{record_id}#matches", status_code=303)


@router.get("/registry/new", response_class=HTMLResponse)
def new_form(request: Request, who: Principal = Depends(signed_in("contributor"))) -> Response:
    return _form_page(request, form={}, errors=[])


@router.post("/registry/new", response_class=HTMLResponse)
async def submit(request: Request, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(signed_in("contributor"))) -> Response:
    await verify_csrf(request)
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    topics = [t for t in raw.getlist("topics") if isinstance(t, str)]
    try:
        created = svc.create_record(hub, _record_from_form(form, topics), caller_of(who))
    except svc.RegistryError as exc:
        return _form_page(request, status_code=422, form=form, errors=exc.errors, chosen_topics=topics)
    return RedirectResponse(f"/registry/records/{created['id']}", status_code=303)
