"""/api/v1 downloads and DataCite/citation metadata.

A dataset version's download is a stored file (services/download_store.py): produced once, in the compute pool
(http/compute.py, off the event loop, at most LITTERHUB_COMPUTE_SLOTS at once), by one task per file that every
concurrent first request awaits; then sent as a file with Content-Length, ETag and Last-Modified, answering Range
(206, so a large download resumes) and If-None-Match / If-Modified-Since (304). The access check runs on every
request before a file is sent. Events-query downloads stream as they are computed.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from email.utils import formatdate, parsedate_to_datetime
from typing import Literal

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from litterhub.http import compute
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


class _File(FileResponse):
    chunk_size = 1 << 20  # fewer thread hops per large file than Starlette's 64 KiB


def _etag(item: dl.StoredDownload, st: os.stat_result) -> str:
    """Strong: names the stored file (its key, which includes the variant) and this production of it."""
    return '"' + hashlib.sha256(f"{item.path.name}:{st.st_mtime_ns}:{st.st_size}".encode()).hexdigest()[:32] + '"'


def _not_modified(request: Request, etag: str, st: os.stat_result) -> bool:
    """RFC 9110 13.1: If-None-Match wins over If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(st.st_mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, OverflowError):
            return False
    return False


async def _produce_once(request: Request, hub: Hub, item: dl.StoredDownload) -> os.stat_result:
    """The stat of the stored file, produced by one task per file in this process that all callers await (a
    caller that goes away does not cancel it for the others)."""
    loop = asyncio.get_running_loop()
    state = getattr(request.app.state, "download_flights", None)
    if state is None or state[0] is not loop:  # a future belongs to its loop (test clients start several)
        state = request.app.state.download_flights = (loop, {})
    flights: dict[str, asyncio.Future] = state[1]
    key = str(item.path)
    flight = flights.get(key)
    if flight is None:
        limiter = compute.pool(request).limiter
        flight = asyncio.ensure_future(to_thread.run_sync(dl.produce_stored, hub, item, limiter=limiter))
        flights[key] = flight

        def done(finished: asyncio.Future) -> None:
            flights.pop(key, None)
            if not finished.cancelled():
                finished.exception()  # retrieved, so a failure nobody awaits any more is not logged as lost

        flight.add_done_callback(done)
    return await asyncio.shield(flight)


async def _version_download(request: Request, hub: Hub, dataset_id: str, version: int, fmt: str,
                            table: str = "events") -> Response:
    base = _base(request)
    if not dl.store_enabled(hub):  # LITTERHUB_DOWNLOAD_STORE_MB=0: stream every time
        return _stream(await run_in_threadpool(dl.version_download, hub, base, dataset_id, version, fmt, table))
    item = await run_in_threadpool(dl.stored_version, hub, base, dataset_id, version, fmt, table)
    st = item.found or await _produce_once(request, hub, item)
    etag = _etag(item, st)
    headers = {"ETag": etag, "Last-Modified": formatdate(st.st_mtime, usegmt=True), "Cache-Control": "no-cache"}
    if _not_modified(request, etag, st):
        return Response(status_code=304, headers=headers)
    return _File(item.path, media_type=item.media_type, filename=item.filename, stat_result=st, headers=headers)


FEATURE_COLLECTION = {"type": "object", "required": ["type", "features"],
                      "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                                     "features": {"type": "array", "items": {"type": "object"}}}}


def _geojson(description: str) -> dict:
    return {200: {"description": description, "content": {"application/geo+json": {"schema": FEATURE_COLLECTION}}},
            **PROBLEMS}


def _binary(media: str, description: str) -> dict:
    return {200: {"description": description, "content": {media: {"schema": {"type": "string",
                                                                               "format": "binary"}}}}, **PROBLEMS}


STORED = {206: {"description": "the byte range asked for with Range (resuming a download)"},
          304: {"description": "not modified since the ETag (If-None-Match) or date (If-Modified-Since) given"}}


@router.get("/datasets/{dataset_id}/versions/{version}/download.csv", response_class=FileResponse,
            responses={**_binary("text/csv", "events (or observations) of the version as CSV"), **STORED})
async def download_csv(dataset_id: str, version: int, request: Request,
                       table: Literal["events", "observations", "particles"] = Query("events"),
                       hub: Hub = Depends(get_hub)) -> Response:
    """One dataset version as CSV (cells that could run as spreadsheet formulas are prefixed with ')."""
    return await _version_download(request, hub, dataset_id, version, "csv", table)


@router.get("/datasets/{dataset_id}/versions/{version}/download.geojson", response_class=FileResponse,
            responses={**_geojson("events of the version as a GeoJSON FeatureCollection"), **STORED})
async def download_geojson(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)
                           ) -> Response:
    return await _version_download(request, hub, dataset_id, version, "geojson")


@router.get("/datasets/{dataset_id}/versions/{version}/download.parquet", response_class=FileResponse,
            responses={**_binary("application/vnd.apache.parquet", "events of the version as GeoParquet 1.1"),
                       **STORED})
async def download_parquet(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)
                           ) -> Response:
    return await _version_download(request, hub, dataset_id, version, "parquet")


@router.get("/datasets/{dataset_id}/versions/{version}/download.zip", response_class=FileResponse,
            responses={**_binary("application/zip", "Frictionless Data Package (datapackage.json, CSV, schemas)"),
                       **STORED})
async def download_zip(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)
                       ) -> Response:
    return await _version_download(request, hub, dataset_id, version, "zip")


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
