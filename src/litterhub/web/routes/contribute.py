"""Web contribution pages: the upload wizard (upload -> format detected -> validation report -> column mapping for
unknown formats -> licence and embargo -> submit), the citizen-science survey form, and "my submissions"."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub, hub_of
from litterhub.http.guards import check_fields
from litterhub.http.problems import Problem
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.http.uploads import save_upload
from litterhub.ingest.mapping import DATE_FORMATS, MappingError
from litterhub.services import contributions as svc
from litterhub.services import mapping as mapping_svc
from litterhub.services import teams as teams_svc
from litterhub.services import templates as templates_svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.services.known_bytes import known_elsewhere
from litterhub.web.routes.accounts import need, page, viewer
from litterhub.web.session import signed_in

router = APIRouter(include_in_schema=False)
PHOTO_OVERHEAD = 256 * 1024


def _back(sid: str) -> RedirectResponse:
    return RedirectResponse(f"/contribute/submissions/{sid}", status_code=303)


@router.get("/contribute", response_class=HTMLResponse)
def contribute_home(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    return page(request, "contribute/index.html", published=svc.public_contributions(hub, 50))


@router.get("/contribute/mine", response_class=HTMLResponse)
def mine(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    return page(request, "contribute/mine.html", submissions=svc.list_mine(hub, who))


@router.get("/contribute/upload", response_class=HTMLResponse)
def upload_form(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    return page(request, "contribute/upload.html", error=None, limits=svc.Limits.from_settings(hub.settings),
                datasets=svc.my_datasets(hub, who), templates=templates_svc.templates())


@router.post("/contribute/upload", response_class=HTMLResponse)
async def upload(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    limits = svc.Limits.from_settings(hub.settings)
    if "multipart/form-data" not in (request.headers.get("content-type") or ""):
        await verify_csrf(request)  # a form without a file is still checked for its token first
    try:
        form, path, filename = await save_upload(request, limits)
    except Problem as exc:
        if exc.status_code != 413:
            raise
        return page(request, "contribute/upload.html", status_code=413, error=exc.detail, limits=limits,
                    datasets=svc.my_datasets(hub, who))
    try:
        await verify_csrf(request)
        check_rate(request, "write", *write_limit(request))
        title = form.get("title") if isinstance(form.get("title"), str) else ""
        target = form.get("dataset_id") if isinstance(form.get("dataset_id"), str) else ""
        sub = await offload(request, svc.create_upload, hub, who, path, filename, title=title or "",
                            dataset_id=target or None, limits=limits)
    except svc.ContributionError as exc:
        return page(request, "contribute/upload.html", status_code=exc.status, error=str(exc), limits=limits,
                    datasets=svc.my_datasets(hub, who))
    except Problem as exc:  # over the compute quota
        return page(request, "contribute/upload.html", status_code=exc.status_code, error=exc.detail, limits=limits,
                    datasets=svc.my_datasets(hub, who))
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return _back(sub.id)


TEMPLATE_TYPES = {"csv": ("text/csv; charset=utf-8", templates_svc.as_csv),
                  "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", templates_svc.as_xlsx)}


@router.get("/contribute/templates/{name}.{ext}")
def template_file(name: str, ext: str, request: Request) -> Response:
    """A blank template for a common protocol (CSV or XLSX) that the wizard reads without a mapping by hand."""
    template = templates_svc.templates().get(name)
    if template is None or ext not in TEMPLATE_TYPES:
        return page(request, "not_found.html", status_code=404, what=f"{name}.{ext}")
    media_type, write = TEMPLATE_TYPES[ext]
    return Response(write(template), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="litterhub-{name}.{ext}"'})


@router.get("/contribute/submissions/{sid}", response_class=HTMLResponse)
def submission(sid: str, request: Request, hub: Hub = Depends(get_hub),
               who: Principal = Depends(signed_in())) -> Response:
    try:
        sub = svc.get_submission(hub, who, sid)
    except svc.ContributionError:
        return page(request, "not_found.html", status_code=404, what=sid)
    mapping = mapping_svc.offered_mapping(hub, sub) if sub.kind == "upload" and (
        not (sub.report or {}).get("format_known", True) or sub.format == "generic") else None
    saved = (sub.payload or {}).get("mapping") if sub.kind == "upload" else None
    preview = mapping_svc.preview(svc.upload_path(hub, sub), saved) if saved else []  # a sync route: in a thread
    return _submission_page(request, hub, sub, mapping, preview=preview)


def _submission_page(request: Request, hub: Hub, sub, mapping: str | None, status_code: int = 200,
                     error: str | None = None, roles: dict | None = None,
                     preview: list | None = None) -> HTMLResponse:
    """The submission page; with a mapping, the column picker starts from its roles (or the ones just chosen)."""
    picker = (roles or mapping_svc.roles_of(mapping)) if mapping is not None else None
    return page(request, "contribute/submission.html", status_code=status_code, sub=sub, licences=svc.LICENCES,
                error=error, item_names=svc.item_names(), mapping=mapping, mapping_supported=svc.mapping_supported(),
                picker=picker, roles=mapping_svc.ROLES, preview=preview or [], length_units=mapping_svc.LENGTH_UNITS,
                date_formats=DATE_FORMATS, today=date.today().isoformat(),
                known_copies=known_elsewhere(hub, sub.sha256 or "", sub.dataset_id))


@router.post("/contribute/submissions/{sid}/columns", response_class=HTMLResponse)
async def columns(sid: str, request: Request, hub: Hub = Depends(get_hub),
                  who: Principal = Depends(signed_in())) -> Response:
    """The column picker: one column per role becomes the mapping YAML, validated off the event loop."""
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    choices = {k: v for k, v in form.items() if isinstance(v, str)}
    choices["item_columns"] = [v for v in form.getlist("item_columns") if isinstance(v, str)]
    try:
        sub = svc.get_submission(hub, who, sid)
    except svc.ContributionError:
        return page(request, "not_found.html", status_code=404, what=sid)
    try:
        text = mapping_svc.mapping_from_roles(choices, list((sub.report or {}).get("header") or []))
        await offload(request, svc.apply_mapping, hub, who, sid, text)
    except (MappingError, svc.ContributionError) as exc:
        status = exc.status if isinstance(exc, svc.ContributionError) else 422
        return _submission_page(request, hub, sub, svc.draft_mapping_for(hub, sub) or "", status, str(exc),
                                roles=choices)
    return _back(sid)


async def _decide(request: Request, hub: Hub, sid: str, action) -> Response:
    who = need(request)
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        await offload(request, action, who, fields)  # validation and (trusted) publishing are heavy
    except svc.ContributionError as exc:
        try:
            sub = svc.get_submission(hub, who, sid)
        except svc.ContributionError:  # not theirs, or no such submission: the same answer, never a 500
            return page(request, "not_found.html", status_code=404, what=sid)
        return page(request, "contribute/submission.html", status_code=exc.status, sub=sub, licences=svc.LICENCES,
                    item_names=svc.item_names(), error=str(exc), mapping=fields.get("mapping"),
                    mapping_supported=svc.mapping_supported(), today=date.today().isoformat(),
                    known_copies=known_elsewhere(hub, sub.sha256 or "", sub.dataset_id))
    return _back(sid)


@router.post("/contribute/submissions/{sid}/submit", response_class=HTMLResponse)
async def submit(sid: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    def act(who, f):
        try:
            embargo = date.fromisoformat(f["embargo_until"]) if f.get("embargo_until") else None
        except ValueError:
            raise svc.ContributionError("invalid", "the embargo date is not a date", "embargo_until") from None
        svc.submit_upload(hub, who, sid, licence=f.get("licence", ""), embargo_until=embargo, title=f.get("title"),
                          allow_copy=f.get("allow_copy") == "on")

    return await _decide(request, hub, sid, act)


@router.post("/contribute/submissions/{sid}/mapping", response_class=HTMLResponse)
async def mapping(sid: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _decide(request, hub, sid, lambda who, f: svc.apply_mapping(hub, who, sid, f.get("mapping", "")))


@router.post("/contribute/submissions/{sid}/file", response_class=HTMLResponse)
async def replace_file(sid: str, request: Request, hub: Hub = Depends(get_hub),
                       who: Principal = Depends(signed_in())) -> Response:
    if "multipart/form-data" not in (request.headers.get("content-type") or ""):
        await verify_csrf(request)
    form, path, filename = await save_upload(request, svc.Limits.from_settings(hub.settings))
    try:
        await verify_csrf(request)
        await offload(request, svc.replace_file, hub, who, sid, path, filename)
    except svc.ContributionError as exc:
        raise Problem(exc.status, str(exc), errors=[exc.as_error()]) from None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return _back(sid)


@router.get("/contribute/submissions/{sid}/photos/{photo_id}")
def photo(sid: str, photo_id: int, request: Request, hub: Hub = Depends(get_hub),
          who: Principal = Depends(signed_in())) -> Response:
    try:
        path, media_type = svc.photo_file(hub, who, sid, photo_id)
    except svc.ContributionError:
        return page(request, "not_found.html", status_code=404, what=f"{sid}/{photo_id}")
    return FileResponse(path, media_type=media_type, headers={"X-Content-Type-Options": "nosniff",
                                                              "Content-Security-Policy": "default-src 'none'",
                                                              "Cache-Control": "private, no-store"})


# --- citizen-science survey ----------------------------------------------------------------------------------


def _survey_page(request: Request, status_code: int = 200, error: str | None = None,
                 error_field: str | None = None, values: dict[str, str] | None = None,
                 editing: str | None = None) -> HTMLResponse:
    values = values if values is not None else {k: request.query_params.get(q, "") for k, q in
                                                (("event_id", "event"), ("team_id", "team"))}
    who = viewer(request)
    return page(request, "contribute/survey.html", status_code=status_code, groups=svc.survey_items(),
                licences=svc.LICENCES, error=error, error_field=error_field, values=values or {},
                today=date.today().isoformat(), limits=svc.Limits.from_settings(hub_of(request).settings),
                editing=editing, attribution=teams_svc.attribution_choices(hub_of(request), who)
                if who and not editing else None)


@router.get("/contribute/survey", response_class=HTMLResponse)
def survey_form(request: Request, who: Principal = Depends(signed_in())) -> Response:
    return _survey_page(request)


def _number(values: dict[str, str], name: str, kind=float):
    raw = (values.get(name) or "").strip().replace(",", ".")
    try:
        return kind(float(raw)) if kind is int else kind(raw)
    except ValueError:
        raise svc.ContributionError("invalid", f"{name.replace('_', ' ')} must be a number", name) from None


@router.get("/contribute/submissions/{sid}/survey", response_class=HTMLResponse)
def edit_survey_form(sid: str, request: Request, hub: Hub = Depends(get_hub),
                     who: Principal = Depends(signed_in())) -> Response:
    """The survey form filled with a survey the reviewer sent back, to correct and send again."""
    try:
        sub = svc.get_submission(hub, who, sid)
    except svc.ContributionError:
        return page(request, "not_found.html", status_code=404, what=sid)
    if sub.kind != "survey" or sub.user_id != who.id or sub.status != "changes-requested":
        return _back(sid)
    return _survey_page(request, values=svc.survey_values(sub), editing=sid)


@router.post("/contribute/submissions/{sid}/survey", response_class=HTMLResponse)
async def edit_survey(sid: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _save_survey(request, hub, editing=sid)


@router.post("/contribute/survey", response_class=HTMLResponse)
async def survey(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _save_survey(request, hub, editing=None)


async def _save_survey(request: Request, hub: Hub, editing: str | None) -> Response:
    who = need(request)
    limits = svc.Limits.from_settings(hub.settings)
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limits.max_photos * limits.max_photo_bytes + PHOTO_OVERHEAD:
        return _survey_page(request, 413, "the photos are too large together", "photos")
    form = await request.form(max_files=limits.max_photos + 1, max_fields=1000)
    check_fields(form)
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    folder = Path(tempfile.mkdtemp(prefix="photos-", dir=_tmp(hub)))
    try:
        photos = []
        for i, f in enumerate(form.getlist("photos")):
            if isinstance(f, UploadFile) and f.filename:
                target = folder / f"photo-{i}"
                with target.open("wb") as out:
                    shutil.copyfileobj(f.file, out)
                photos.append((target, f.filename))
        counts = {k[6:]: _number(values, k, int) for k, v in values.items() if k.startswith("count_") and v.strip()}
        data = svc.SurveyInput(
            site_name=values.get("site_name", ""), country=values.get("country", ""),
            lat=_number(values, "lat"), lon=_number(values, "lon"),
            survey_date=_date(values.get("survey_date")), length_m=_number(values, "length_m"),
            team_size=_number(values, "team_size", int), counts=counts, licence=values.get("licence", "CC-BY-4.0"),
            sensitive_site=values.get("sensitive_site") == "on", notes=values.get("notes", ""))
        if editing:  # a trusted contributor's survey is published at once: off the event loop
            sub = await offload(request, svc.update_survey, hub, who, editing, data)
        else:  # for a team and/or cleanup event (issue 19): checked before the survey is stored
            attribution = teams_svc.check_attribution(hub, who, values.get("team_id"), values.get("event_id"),
                                                      data.survey_date)
            sub = await offload(request, svc.create_survey, hub, who, data, photos, limits)
            teams_svc.attribute(hub, who, sub.id, attribution)
    except (svc.ContributionError, teams_svc.TeamInvalid, teams_svc.TeamForbidden) as exc:
        return _survey_page(request, exc.status, str(exc), exc.field, values, editing)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _back(sub.id)


def _date(text: str | None) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise svc.ContributionError("invalid", "the survey date must be a date", "survey_date") from None


def _tmp(hub: Hub) -> Path:
    path = hub.settings.data_dir / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path
