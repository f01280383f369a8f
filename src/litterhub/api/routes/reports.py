"""/api/v1/reports: the national reporting pack as a job (202 + job URL), and the finished bundle's zip.

`POST /reports/national/{ISO3}?year=Y&lang=L` queues services/reports.py `national` (the same call as
`litterhub report national` and the country page's button); the job's result names the zip, its manifest
and where to download it. Zips are stored under the hub's data directory by their sha256, so the same
inputs give the same URL and the same bytes.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse

from litterhub.http.compute import start_job
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.reports import check, store, work
from litterhub.services.hub import Hub

router = APIRouter(prefix="/reports", tags=["reports"])
ZIP_NAME = re.compile(r"[0-9a-f]{64}")


@router.post("/national/{code}", status_code=202,
             responses={202: {"description": "queued: poll the job URL (Location); its result links the zip"},
                        400: {"description": "bad year or language (problem+json)"},
                        404: {"description": "not an ISO 3166-1 alpha-3 code (problem+json)"}})
async def national(request: Request, code: str, year: int = Query(..., description="reporting year"),
                   lang: str = Query("en", description="report language"),
                   hub: Hub = Depends(get_hub)) -> JSONResponse:
    """Queue the national reporting pack (PDF, SDG 14.1.1b CSV, MSFD tables, manifest) of a country and year."""
    check(code, year, lang)
    return await start_job(request, "national-report", work(request, hub, code.upper(), year, lang))


@router.get("/files/{name}", response_class=FileResponse,
            responses={404: {"description": "no such bundle (problem+json)"}})
def bundle_file(name: str, hub: Hub = Depends(get_hub)) -> FileResponse:
    """A finished pack's zip, by its sha256 (as named in the job's result)."""
    digest = name.removesuffix(".zip")
    target = store(hub) / f"{digest}.zip"
    if not ZIP_NAME.fullmatch(digest) or not target.is_file():
        raise Problem(404, f"no report bundle {name[:80]!r}")
    return FileResponse(target, media_type="application/zip", filename=f"litterhub-report-{digest[:12]}.zip")
