"""Web pages of the chemicals-in-plastics knowledge base: search with facets and downloads, one page per substance
(every value with its sources, conflicts shown). Thin: the same service calls as the API."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from litterhub.chemicals import vocabulary as v
from litterhub.http.deps import get_hub
from litterhub.services import chemicals as svc
from litterhub.services.hub import Hub
from litterhub.web.rendering import render, request_language

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


@router.get("/chemicals", response_class=HTMLResponse)
def browse(request: Request, q: str = Query("", max_length=300), function: list[str] | None = Query(None),
           polymer: list[str] | None = Query(None), hazard: list[str] | None = Query(None),
           flag: list[str] | None = Query(None), listing: list[str] | None = Query(None),
           source: list[str] | None = Query(None), conflict: list[str] | None = Query(None),
           page_no: int = Query(1, alias="page", ge=1, le=10000), hub: Hub = Depends(get_hub)) -> HTMLResponse:
    lang = request_language(request)
    given = {"function": function or [], "polymer": polymer or [], "hazard": hazard or [], "flag": flag or [],
             "listing": listing or [], "source": source or [], "conflict": conflict or []}
    try:
        r = svc.search(hub, q, given, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, lang=lang)
    except svc.ChemicalsError as exc:
        return render(request, "chemicals/error.html", status_code=exc.status, message=str(exc), code=exc.code)
    selected = {f: set(vals) for f, vals in given.items()}

    def url(**change) -> str:
        params = [("q", q)] if q else []
        params += [(f, x) for f, vals in change.get("filters", given).items() for x in vals]
        if change.get("page", 1) > 1:
            params.append(("page", change["page"]))
        return "/chemicals" + ("?" + urlencode(params) if params else "")

    def toggle(facet: str, value: str) -> str:
        vals = set(given[facet]) ^ {value}
        return url(filters={**given, facet: sorted(vals)})

    api_query = urlencode([("q", q)] + [(f, x) for f, vals in given.items() for x in vals])
    return render(request, "chemicals/index.html", r=r, q=q, selected=selected, toggle=toggle,
                  page_url=lambda p: url(page=p), page_no=page_no,
                  pages=max(1, math.ceil(r["total"] / PAGE_SIZE)), api_query=api_query,
                  label=lambda f, c: v.label(f, c, lang))


@router.get("/chemicals/{cas}", response_class=HTMLResponse)
def substance(cas: str, request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    lang = request_language(request)
    try:
        doc = svc.get(hub, cas)
    except svc.ChemicalsError as exc:
        return render(request, "chemicals/error.html", status_code=exc.status, message=str(exc), code=exc.code)
    return render(request, "chemicals/substance.html", d=doc, label=lambda f, c: v.label(f, c, lang),
                  source_names=v.SOURCE_NAMES)
