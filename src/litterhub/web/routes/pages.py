"""Web pages of the foundation: home (counts + map), datasets, dataset, site."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from litterhub.http.deps import get_hub
from litterhub.services import datasets as svc
from litterhub.services import front_door, site_page
from litterhub.services import metadata as md
from litterhub.services.compare import suggested_pair
from litterhub.services.hub import Hub
from litterhub.services.serialise import datacite, schemaorg
from litterhub.web.rendering import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    return render(request, "home.html", counts=svc.headline_counts(hub), datasets=svc.list_datasets(hub),
                  pillars=front_door.pillars(hub), compare_pair=suggested_pair(hub))


@router.get("/datasets", response_class=HTMLResponse)
def datasets(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    return render(request, "datasets.html", datasets=svc.list_datasets(hub))


@router.get("/datasets/{dataset_id}", response_class=HTMLResponse)
def dataset(dataset_id: str, request: Request, version: int | None = None, hub: Hub = Depends(get_hub)
            ) -> HTMLResponse:
    """The dataset page; `?version=n` (the citable URL) shows that version's downloads and citation."""
    base = str(request.base_url).rstrip("/")
    try:
        ds = svc.get_dataset(hub, dataset_id)
        meta = md.version_meta(hub, base, dataset_id, version) if version else md.dataset_meta(hub, base, dataset_id)
    except svc.NotFound:
        return render(request, "not_found.html", status_code=404, what=dataset_id)
    report = svc.get_report(hub, dataset_id, ds["version"])
    lang = request_language(request)
    return render(request, "dataset.html", ds=ds, report=report, series=svc.chart_series(hub, dataset_id),
                  meta=meta, jsonld=schemaorg.dataset(meta, f"{base}/catalog", lang),
                  cite={"text": datacite.citation(meta), "bibtex": datacite.bibtex(meta), "ris": datacite.ris(meta)})


@router.get("/sites/{site_id}", response_class=HTMLResponse)
def site(site_id: str, request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    """The site page: map, survey timeline, item mix, datasets and downloads (a plain `def`: FastAPI runs it in
    its thread pool, so the lake read of services/site_page.py stays off the event loop)."""
    try:
        s = site_page.site_page(hub, site_id)
    except svc.NotFound:
        return render(request, "not_found.html", status_code=404, what=site_id)
    return render(request, "site.html", site=s)
