"""Web pages of the vocabulary: browse and search the master list, every crosswalk, and for an item what
each programme calls it. Thin: the same service calls as the API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from litterhub.http.deps import get_hub
from litterhub.services import chemicals, knowledge
from litterhub.services import vocab as svc
from litterhub.services.hub import Hub
from litterhub.vocab import VOCAB_VERSION
from litterhub.vocab.reference import materials
from litterhub.web.rendering import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/vocab", response_class=HTMLResponse)
def index(request: Request, q: str | None = Query(None), material: str | None = Query(None)) -> HTMLResponse:
    if q:
        hits = [(i, ms) for i, ms in svc.search(q, limit=300, lang=request_language(request))
                if not material or i.material == material]
    else:
        hits = [(i, []) for i in svc.items(material=material or None)]
    return render(request, "vocab/index.html", hits=hits, q=q or "", material=material or "",
                  materials=materials(), schemes=svc.schemes(), version=VOCAB_VERSION)


@router.get("/vocab/items/{code}", response_class=HTMLResponse)
def item(code: str, request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    try:
        view = svc.show(code)
    except svc.VocabLookupError:
        return render(request, "not_found.html", status_code=404, what=code)
    schemes = {s.scheme: s for s in svc.schemes()}
    lens = chemicals.lens(hub, code, request_language(request), top=8)  # the chemical lens (services/chemicals.py)
    measures = knowledge.item_measures(hub, view.item.code)  # national measures targeting it (services/knowledge.py)
    return render(request, "vocab/item.html", view=view, schemes=schemes, version=VOCAB_VERSION, lens=lens,
                  measures=measures)


@router.get("/vocab/crosswalks/{scheme}", response_class=HTMLResponse)
def crosswalk(scheme: str, request: Request) -> HTMLResponse:
    try:
        rows = svc.crosswalk(scheme)
    except svc.VocabLookupError:
        return render(request, "not_found.html", status_code=404, what=scheme)
    info = next(s for s in svc.schemes() if s.scheme == scheme)
    master = {i.code: i for i in svc.items()}
    return render(request, "vocab/crosswalk.html", info=info, rows=[(m, svc.rollup_of(m)) for m in rows],
                  master=master, version=VOCAB_VERSION)
