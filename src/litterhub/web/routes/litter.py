"""Web pages for litteR-compatible beach-litter statistics: upload litteR's three files, see litteR's
results table, the regional trends, the TC outliers and a chart, and download every output file."""

from __future__ import annotations

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.callers import run_owner
from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.limits import LITTER_FILE_BYTES
from litterhub.http.problems import Problem
from litterhub.http.security import csrf_token, current_user, verify_csrf, with_csrf_cookie
from litterhub.services import litter as svc
from litterhub.services.hub import Hub
from litterhub.web.rendering import render, request_language

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = LITTER_FILE_BYTES
FIELDS = ("settings", "data", "types")


def _form_page(request: Request, status_code: int = 200, **context) -> Response:
    page = render(request, "litter/index.html", status_code=status_code, csrf=csrf_token(request), **context)
    return with_csrf_cookie(request, page)


def _signed_in(request: Request):
    """The signed-in account, or None (a stale or foreign key is the same as anonymous on these pages)."""
    try:
        return current_user(request)
    except Problem:
        return None


@router.get("/litter", response_class=HTMLResponse)
def litter_index(request: Request) -> Response:
    return _form_page(request)


@router.post("/litter", response_class=HTMLResponse)
async def litter_upload(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    await verify_csrf(request)
    form = await request.form()
    files: dict[str, bytes] = {}
    for name in FIELDS:
        upload = form.get(name)
        content = b"" if upload is None or isinstance(upload, str) else await upload.read(MAX_UPLOAD_BYTES + 1)
        if not content:
            return _form_page(request, 400, error={"code": "missing-label", "field": name, "message": None})
        if len(content) > MAX_UPLOAD_BYTES:
            return _form_page(request, 413, error={"code": "file-too-large", "field": name, "message": None})
        files[name] = content
    try:
        run_id, _ = await offload(request, svc.store_upload_run, hub, files["settings"], files["data"],
                                  files["types"], owner=run_owner(_signed_in(request)))
    except Problem as exc:  # over the compute quota
        return _form_page(request, exc.status_code, error={"code": "compute-quota", "field": None,
                                                           "message": exc.detail})
    except svc.LitterInputError as exc:
        error = {"code": exc.code, "field": svc.input_field(exc), "message": exc.message}
        warnings = [e for e in exc.log if e.level == "WARN"]
        return _form_page(request, 422, error=error, warnings=warnings)
    return RedirectResponse(f"/litter/runs/{run_id}", status_code=303)


@router.get("/litter/runs/{run_id}", response_class=HTMLResponse)
def litter_run(run_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    try:
        run = svc.load_run(hub, run_id, run_owner(_signed_in(request)))
    except svc.RunNotFound:
        return render(request, "not_found.html", status_code=404, what=f"litteR run {run_id}")
    lang = request_language(request)

    def fmt_fixed(value: float | None, digits: int = 4) -> str:
        """Fixed decimals in the reader's locale (p-values are read to 4 decimals, as litteR prints them)."""
        if value is None:
            return "–"
        return format_decimal(value, format="#,##0." + "0" * digits, locale=lang)

    return render(
        request, "litter/run.html", run=run, download=f"/api/v1/litter/runs/{run_id}/files", fmt_fixed=fmt_fixed
    )
