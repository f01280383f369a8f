"""The national reporting pack as a job, shared by both faces: POST /api/v1/reports/national/{ISO3} and the country
page's button start the same job (services/reports.py `national`), whose zip is kept by its sha256 under the
hub's data directory so the same inputs give the same URL and the same bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi import Request

from litterhub.http.problems import Problem
from litterhub.model.languages import UN_LANGUAGES
from litterhub.services import jobs, reports
from litterhub.services.datasets import BadRequest, NotFound
from litterhub.services.hub import Hub


def store(hub: Hub) -> Path:
    """Where finished packs are kept, by checksum."""
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


def work(request: Request, hub: Hub, code: str, year: int, lang: str):
    """The job: make the pack, keep its zip by checksum, answer the manifest and the download path. The PDF is
    made by the renderer the app factory set on `app.state.report_pdf` (web/report_pdf.py)."""
    render_pdf: reports.PdfRenderer = request.app.state.report_pdf

    def run(progress: jobs.Progress) -> dict[str, Any]:
        progress(0.1, "computing the country's figures and rendering the report")
        try:
            bundle = reports.national(hub, code, year, lang, render_pdf)
        except NotFound as exc:
            raise jobs.JobError(404, str(exc), []) from None
        except BadRequest as exc:
            raise jobs.JobError(400, str(exc), []) from None
        progress(0.9, "writing the bundle")
        data = bundle.zip_bytes()
        digest = hashlib.sha256(data).hexdigest()
        folder = store(hub)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{digest}.zip"
        if not target.exists():
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
        return {"name": bundle.name, "sha256": digest, "bytes": len(data), "manifest": bundle.manifest,
                "download": f"/api/v1/reports/files/{digest}.zip"}

    return run
