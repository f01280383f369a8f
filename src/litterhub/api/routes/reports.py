"""/api/v1/reports: the national reporting pack as a job (202 + job URL), and the finished bundle's zip.

`POST /reports/national/{ISO3}?year=Y&lang=L` queues services/reports.py `national` (the same call as
`litterhub report national` and the country page's button); the job's result names the zip, its manifest
and where to download it. Zips are stored under the hub's data directory by their sha256, so the same
inputs give the same URL and the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse

from litterhub.http.compute import start_job
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.services import jobs, reports
from litterhub.services.datasets import BadRequest, NotFound
from litterhub.services.hub import Hub
from litterhub.web.i18n import UN_LANGUAGES

router = APIRouter(prefix="/reports", tags=["reports"])
ZIP_NAME = re.compile(r"[0-9a-f]{64}")


def _store(hub: Hub) -> Path:
    return Path(hub.settings.data_dir) / "reports"


def check(code: str, year: int, lang: str) -> None:
    """The checks that need no data, answered at once (400) rather than as a failed job."""
    if not (len(code) == 3 and code.isalpha()):
        raise Problem(404, f"no country with the ISO 3166-1 alpha-3 code {code[:20]!r}")
    try:
        reports.check_year(year)
    except BadRequest as exc:
        raise Problem(400, str(exc), errors=[{"code": "bad-year", "field": "year", "message": str(exc)}]) from None
    if lang not in UN_LANGUAGES:
        message = f"lang must be one of {', '.join(UN_LANGUAGES)}"
        raise Problem(400, message, errors=[{"code": "bad-lang", "field": "lang", "message": message}])


def work(hub: Hub, code: str, year: int, lang: str):
    """The job: make the pack, keep its zip by checksum, answer the manifest and the download path."""
    def run(progress: jobs.Progress) -> dict[str, Any]:
        progress(0.1, "computing the country's figures and rendering the report")
        try:
            bundle = reports.national(hub, code, year, lang)
        except NotFound as exc:
            raise jobs.JobError(404, str(exc), []) from None
        except BadRequest as exc:
            raise jobs.JobError(400, str(exc), []) from None
        progress(0.9, "writing the bundle")
        data = bundle.zip_bytes()
        digest = hashlib.sha256(data).hexdigest()
        folder = _store(hub)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{digest}.zip"
        if not target.exists():
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
        return {"name": bundle.name, "sha256": digest, "bytes": len(data), "manifest": bundle.manifest,
                "download": f"/api/v1/reports/files/{digest}.zip"}

    return run


@router.post("/national/{code}", status_code=202,
             responses={202: {"description": "queued: poll the job URL (Location); its result links the zip"},
                        400: {"description": "bad year or language (problem+json)"},
                        404: {"description": "not an ISO 3166-1 alpha-3 code (problem+json)"}})
async def national(request: Request, code: str, year: int = Query(..., description="reporting year"),
                   lang: str = Query("en", description="report language"),
                   hub: Hub = Depends(get_hub)) -> JSONResponse:
    """Queue the national reporting pack (PDF, SDG 14.1.1b CSV, MSFD tables, manifest) of a country and year."""
    check(code, year, lang)
    return await start_job(request, "national-report", work(hub, code.upper(), year, lang))


@router.get("/files/{name}", response_class=FileResponse,
            responses={404: {"description": "no such bundle (problem+json)"}})
def bundle_file(name: str, hub: Hub = Depends(get_hub)) -> FileResponse:
    """A finished pack's zip, by its sha256 (as named in the job's result)."""
    digest = name.removesuffix(".zip")
    target = _store(hub) / f"{digest}.zip"
    if not ZIP_NAME.fullmatch(digest) or not target.is_file():
        raise Problem(404, f"no report bundle {name[:80]!r}")
    return FileResponse(target, media_type="application/zip", filename=f"litterhub-report-{digest[:12]}.zip")
