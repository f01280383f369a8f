"""/api/v1: health, datasets, sites (GeoJSON), events (filters + cursor pagination)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import text

from litterhub.http.deps import get_hub
from litterhub.services import datasets as svc
from litterhub.services.hub import Hub

router = APIRouter(tags=["datasets"])

PROBLEMS = {400: {"description": "invalid parameter (problem+json)"},
            404: {"description": "not found (problem+json)"}}


@router.get("/health")
def health(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "database": hub.engine.dialect.name}


@router.get("/datasets", responses=PROBLEMS)
def datasets(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    items = svc.list_datasets(hub)
    return {"items": items, "count": len(items)}


@router.get("/datasets/{dataset_id}", responses=PROBLEMS)
def dataset(dataset_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return svc.get_dataset(hub, dataset_id)


@router.get("/datasets/{dataset_id}/versions/{version}/report", responses=PROBLEMS)
def dataset_report(dataset_id: str, version: int, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The validation report of one dataset version (rejected rows with line, column, code, message)."""
    return svc.get_report(hub, dataset_id, version)


@router.get("/datasets/{dataset_id}/series", responses=PROBLEMS)
def dataset_series(dataset_id: str,
                   aggregate: str | None = Query(None, description="day | month | year: one item per period and "
                                                 "event type (n_events, mean, median, min, max)"),
                   limit: int = Query(svc.MAX_SERIES, ge=1, le=svc.MAX_SERIES),
                   cursor: str | None = None, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Items per 100 m for the surveys of the dataset that have a density (for charts); follow `next_cursor`."""
    svc.get_dataset(hub, dataset_id)
    page = svc.density_series(hub, dataset_id, aggregate, limit, cursor)
    return {"dataset_id": dataset_id, "unit": "items/100m", "aggregate": aggregate, "items": page.items,
            "next_cursor": page.next_cursor}


@router.get("/sites", responses=PROBLEMS)
def sites(bbox: str | None = Query(None, description="minLon,minLat,maxLon,maxLat (WGS84)"),
          dataset: str | None = None, limit: int = Query(svc.MAX_SITES, ge=1, le=svc.MAX_SITES),
          cursor: str | None = None, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Surveyed sites as a GeoJSON FeatureCollection, by id; follow `next_cursor` for the next page."""
    return svc.sites_geojson(hub, bbox, dataset, limit, cursor)


@router.get("/sites/{site_id}", responses=PROBLEMS)
def site(site_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return svc.get_site(hub, site_id)


@router.get("/events", responses=PROBLEMS)
def events(
    dataset: str | None = None,
    site: str | None = None,
    country: str | None = Query(None, description="ISO 3166-1 alpha-3"),
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    limit: int = Query(100, ge=1, le=svc.MAX_PAGE),
    cursor: str | None = None,
    hub: Hub = Depends(get_hub),
) -> dict[str, Any]:
    """Sampling events, ordered by date; follow `next_cursor` for the next page."""
    page = svc.list_events(hub, dataset, site, country, date_from, date_to, limit, cursor)
    return {"items": page.items, "next_cursor": page.next_cursor}
