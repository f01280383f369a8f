"""Web page: the readable validation report of one dataset version, with its quarantine."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from litterhub.http.deps import get_hub
from litterhub.services import datasets as datasets_svc
from litterhub.services import quarantine as quarantine_svc
from litterhub.services.hub import Hub
from litterhub.web.rendering import render

router = APIRouter(include_in_schema=False)
SHOWN = 500


@router.get("/datasets/{dataset_id}/versions/{version}/report", response_class=HTMLResponse)
def report_page(dataset_id: str, version: int, request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    try:
        ds = datasets_svc.get_dataset(hub, dataset_id)
        report = datasets_svc.get_report(hub, dataset_id, version)
        quarantine = quarantine_svc.summary(hub, dataset_id, version)
    except (datasets_svc.NotFound, quarantine_svc.NotFound):
        return render(request, "not_found.html", status_code=404, what=f"{dataset_id} v{version}")
    from litterhub.ingest.report import CODES

    codes = [{"code": c, "count": n, "severity": CODES.get(c, ("?", ""))[0], "title": CODES.get(c, ("", c))[1]}
             for c, n in sorted(report.get("counts", {}).items(), key=lambda kv: -kv[1])]
    return render(request, "reports/report.html", ds=ds, version=version, report=report, codes=codes,
                  quarantine=quarantine, errors=report.get("errors", [])[:SHOWN],
                  warnings=report.get("warnings", [])[:SHOWN], shown=SHOWN)
