"""The country page's "national reporting pack" button: POST /countries/ISO3/report starts the same job as
POST /api/v1/reports/national/ISO3 and sends the browser to a page that follows it until the zip is ready."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from litterhub.http.compute import job_owner, start_job
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.reports import check, work
from litterhub.services import jobs
from litterhub.services.hub import Hub
from litterhub.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.post("/countries/{code}/report", response_class=HTMLResponse)
async def start(request: Request, code: str, year: int = Form(...), lang: str = Form("en"),
                hub: Hub = Depends(get_hub)):
    try:
        check(code, year, lang)
        answer = await start_job(request, "national-report", work(request, hub, code.upper(), year, lang))
    except Problem as exc:
        return render(request, "countries/report_job.html", status_code=exc.status_code, code=code.upper()[:3],
                      job=None, problem=exc.detail)
    job_id = json.loads(answer.body)["job_id"]
    return RedirectResponse(f"/countries/{code.upper()}/report/{job_id}", status_code=303)


@router.get("/countries/{code}/report/{job_id}", response_class=HTMLResponse)
def follow(request: Request, code: str, job_id: str, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    try:
        job = jobs.get(hub, job_id, job_owner(request))
    except jobs.JobNotFound:
        return render(request, "not_found.html", status_code=404, what=job_id[:64])
    return render(request, "countries/report_job.html", code=code.upper()[:3], job=job,
                  problem=(job.get("error") or {}).get("detail"))
