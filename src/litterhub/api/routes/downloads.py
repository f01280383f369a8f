"""/api/v1 downloads (dataset versions and events queries, streamed) and DataCite/citation metadata."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from litterhub.http.deps import get_hub
from litterhub.services import doi
from litterhub.services import downloads as dl
from litterhub.services import metadata as md
from litterhub.services.hub import Hub
from litterhub.services.serialise import datacite

router = APIRouter(tags=["downloads"])

PROBLEMS = {400: {"description": "invalid parameter (problem+json)"},
            404: {"description": "not found (problem+json)"}}
MEDIA = {"csv": "text/csv", "geojson": "application/geo+json", "parquet": "application/vnd.apache.parquet",
         "zip": "application/zip"}


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _stream(download: dl.Download) -> StreamingResponse:
    return StreamingResponse(download.chunks, media_type=download.media_type,
                             headers={"Content-Disposition": f'attachment; filename="{download.filename}"'})


FEATURE_COLLECTION = {"type": "object", "required": ["type", "features"],
                      "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                                     "features": {"type": "array", "items": {"type": "object"}}}}


def _geojson(description: str) -> dict:
    return {200: {"description": description, "content": {"application/geo+json": {"schema": FEATURE_COLLECTION}}},
            **PROBLEMS}


def _binary(media: str, description: str) -> dict:
    return {200: {"description": description, "content": {media: {"schema": {"type": "string",
                                                                               "format": "binary"}}}}, **PROBLEMS}


@router.get("/datasets/{dataset_id}/versions/{version}/download.csv", response_class=StreamingResponse,
            responses=_binary("text/csv", "events (or observations) of the version as CSV"))
def download_csv(dataset_id: str, version: int, request: Request,
                 table: Literal["events", "observations", "particles"] = Query("events"),
                 hub: Hub = Depends(get_hub)) -> StreamingResponse:
    """One dataset version as CSV (cells that could run as spreadsheet formulas are prefixed with ')."""
    return _stream(dl.version_download(hub, _base(request), dataset_id, version, "csv", table))


@router.get("/datasets/{dataset_id}/versions/{version}/download.geojson", response_class=StreamingResponse,
            responses=_geojson("events of the version as a GeoJSON FeatureCollection"))
def download_geojson(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)
                     ) -> StreamingResponse:
    return _stream(dl.version_download(hub, _base(request), dataset_id, version, "geojson"))


@router.get("/datasets/{dataset_id}/versions/{version}/download.parquet", response_class=StreamingResponse,
            responses=_binary("application/vnd.apache.parquet", "events of the version as GeoParquet 1.1"))
def download_parquet(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)
                     ) -> StreamingResponse:
    return _stream(dl.version_download(hub, _base(request), dataset_id, version, "parquet"))


@router.get("/datasets/{dataset_id}/versions/{version}/download.zip", response_class=StreamingResponse,
            responses=_binary("application/zip", "Frictionless Data Package (datapackage.json, CSV, schemas)"))
def download_zip(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)
                 ) -> StreamingResponse:
    return _stream(dl.version_download(hub, _base(request), dataset_id, version, "zip"))


@router.get("/datasets/{dataset_id}/versions/{version}/datapackage.json", responses=PROBLEMS)
def datapackage(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)) -> dict:
    """The Frictionless Data Package descriptor, live: resources are the CSV download URLs."""
    return dl.live_descriptor(hub, _base(request), dataset_id, version)


@router.get("/datasets/{dataset_id}/versions/{version}/datacite.json", responses=PROBLEMS)
def datacite_json(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    """DataCite 4 metadata (REST API `dois` payload) of one version, with the suggested citation."""
    ds = md.version_meta(hub, _base(request), dataset_id, version)
    draft = not doi.is_registered(hub, dataset_id, version)
    return JSONResponse(datacite.to_json(ds, draft=draft), media_type="application/vnd.datacite.datacite+json")


@router.get("/datasets/{dataset_id}/versions/{version}/datacite.xml", response_class=Response,
            responses={200: {"description": "DataCite 4.6 XML", "content": {"application/xml": {}}}, **PROBLEMS})
def datacite_xml(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    ds = md.version_meta(hub, _base(request), dataset_id, version)
    return Response(datacite.to_xml(ds, draft=not doi.is_registered(hub, dataset_id, version)),
                    media_type="application/xml")


@router.get("/datasets/{dataset_id}/versions/{version}/citation", responses=PROBLEMS)
def citation(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, str]:
    """The suggested citation (DataCite form) plus BibTeX and RIS."""
    ds = md.version_meta(hub, _base(request), dataset_id, version)
    return {"citation": datacite.citation(ds), "bibtex": datacite.bibtex(ds), "ris": datacite.ris(ds)}


def _query_download(fmt: str, dataset, site, country, date_from, date_to, hub: Hub) -> StreamingResponse:
    q = dl.EventQuery(dataset, site, country, date_from, date_to)
    return _stream(dl.query_download(hub, q, fmt))


@router.get("/events/download.csv", response_class=StreamingResponse,
            responses=_binary("text/csv", "matching events as CSV"))
def events_csv(dataset: str | None = None, site: str | None = None,
               country: str | None = Query(None, description="ISO 3166-1 alpha-3"),
               date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
               date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
               hub: Hub = Depends(get_hub)) -> StreamingResponse:
    """Every event matching the filters of /api/v1/events (current dataset versions), streamed as CSV."""
    return _query_download("csv", dataset, site, country, date_from, date_to, hub)


@router.get("/events/download.geojson", response_class=StreamingResponse,
            responses=_geojson("matching events as GeoJSON"))
def events_geojson(dataset: str | None = None, site: str | None = None,
                   country: str | None = Query(None, description="ISO 3166-1 alpha-3"),
                   date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
                   date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
                   hub: Hub = Depends(get_hub)) -> StreamingResponse:
    return _query_download("geojson", dataset, site, country, date_from, date_to, hub)


@router.get("/events/download.parquet", response_class=StreamingResponse,
            responses=_binary("application/vnd.apache.parquet", "matching events as GeoParquet 1.1"))
def events_parquet(dataset: str | None = None, site: str | None = None,
                   country: str | None = Query(None, description="ISO 3166-1 alpha-3"),
                   date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
                   date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
                   hub: Hub = Depends(get_hub)) -> StreamingResponse:
    return _query_download("parquet", dataset, site, country, date_from, date_to, hub)
