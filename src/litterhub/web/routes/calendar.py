"""Web pages of the events calendar: the list (upcoming/past, by kind, country, region), an event's page with
registration, the organiser's form and list of people registered, and the collected surveys of a cleanup.

Writes are signed-in form posts with CSRF and the write rate limit; services/calendar.py decides who may do what
(organiser or admin edit and cancel; anyone signed in registers themselves). Times are shown in the event's zone,
in UTC, and in the viewer's zone (`?tz=Area/City`, or the browser's own through static/js/local_time.js).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import calendar as svc
from litterhub.services import teams as teams_svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.routes.accounts import page, viewer
from litterhub.web.session import signed_in

router = APIRouter(include_in_schema=False)
FIELDS = ("title", "kind", "start", "end", "tz", "description", "place", "country", "lat", "lon", "capacity",
          "team_id", "record_id")


def _viewer_tz(request: Request) -> str | None:
    tz = (request.query_params.get("tz") or "").strip()
    return tz if tz in svc.zone_names() else None


@router.get("/events", response_class=HTMLResponse)
def calendar_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    q = request.query_params
    when = q.get("when") if q.get("when") in ("upcoming", "past") else "upcoming"
    kind = q.get("kind") if q.get("kind") in svc.KINDS else None
    country, region = (q.get("country") or "").strip() or None, (q.get("region") or "").strip() or None
    error = None
    try:
        events = svc.list_events(hub, when, kind=kind, country=country, region=region, viewer_tz=_viewer_tz(request))
    except svc.EventInvalid as exc:
        events, error = [], str(exc)
    return page(request, "calendar/list.html", events=events, when=when, kind=kind, country=country or "",
                region=region or "", kinds=svc.KINDS, error=error, viewer_tz=_viewer_tz(request))


def _form_page(request: Request, hub: Hub, who: Principal, values: dict[str, Any], event: dict | None = None,
               error: svc.EventInvalid | None = None, status_code: int = 200) -> HTMLResponse:
    return page(request, "calendar/form.html", status_code=status_code, values=values, event=event, error=error,
                kinds=svc.KINDS, zones=svc.zone_names(), teams=teams_svc.my_teams(hub, who))


@router.get("/events/new", response_class=HTMLResponse)
def new_event(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    values = {"tz": _viewer_tz(request) or "UTC", "kind": request.query_params.get("kind") or "cleanup",
              "team_id": request.query_params.get("team") or ""}
    return _form_page(request, hub, who, values)


async def _fields(request: Request) -> dict[str, str]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k in FIELDS}


def _input(values: dict[str, str]) -> svc.EventInput:
    def number(name: str, kind=float):
        raw = (values.get(name) or "").replace(",", ".")
        if not raw:
            return None
        try:
            return kind(raw)
        except ValueError:
            raise svc.EventInvalid(f"{name} must be a number", field=name) from None

    return svc.EventInput(title=values.get("title", ""), kind=values.get("kind", ""), start=values.get("start", ""),
                          end=values.get("end", ""), tz=values.get("tz", ""), description=values.get("description", ""),
                          place=values.get("place", ""), country=values.get("country") or None, lat=number("lat"),
                          lon=number("lon"), capacity=number("capacity", int), team_id=number("team_id", int),
                          record_id=values.get("record_id") or None)


@router.post("/events/new", response_class=HTMLResponse)
async def create(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    values = await _fields(request)
    try:
        event = await run_in_threadpool(lambda: svc.create_event(hub, who, _input(values)))
    except svc.EventInvalid as exc:
        return _form_page(request, hub, who, values, error=exc, status_code=422)
    return RedirectResponse(event["url"], status_code=303)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(event_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = viewer(request)
    event = svc.get_event(hub, event_id, who, _viewer_tz(request))
    people = svc.registrations(hub, who, event_id) if who and event["may_manage"] else None
    surveys = teams_svc.event_surveys(hub, event_id) if event["kind"] == "cleanup" else []
    approved = [s for s in surveys if s["status"] == "approved"]
    return page(request, "calendar/event.html", event=event, people=people, surveys=approved,
                collected=len(surveys), viewer_tz=_viewer_tz(request))


def _values(event: dict[str, Any]) -> dict[str, Any]:
    local = event["times"]["local"]
    return {**{k: event.get(k) for k in FIELDS if event.get(k) is not None}, "start": local["start"][:16],
            "end": local["end"][:16]}


@router.get("/events/{event_id}/edit", response_class=HTMLResponse)
def edit_form(event_id: int, request: Request, hub: Hub = Depends(get_hub),
              who: Principal = Depends(signed_in())) -> Response:
    event = svc.get_event(hub, event_id, who)
    if not event["may_manage"]:
        raise svc.EventForbidden("only the event's organiser (or an admin) edits it")
    return _form_page(request, hub, who, _values(event), event)


@router.post("/events/{event_id}/edit", response_class=HTMLResponse)
async def edit(event_id: int, request: Request, hub: Hub = Depends(get_hub),
               who: Principal = Depends(signed_in())) -> Response:
    values = await _fields(request)
    try:
        await run_in_threadpool(lambda: svc.update_event(hub, who, event_id, _input(values)))
    except svc.EventInvalid as exc:
        event = svc.get_event(hub, event_id, who)
        return _form_page(request, hub, who, values, event, error=exc, status_code=422)
    return RedirectResponse(f"/events/{event_id}", status_code=303)


ACTIONS = {"register": svc.register, "unregister": svc.unregister, "cancel": svc.cancel_event}


@router.post("/events/{event_id}/{action}", response_class=HTMLResponse)
async def act(event_id: int, action: str, request: Request, hub: Hub = Depends(get_hub),
              who: Principal = Depends(signed_in())) -> Response:
    if action not in ACTIONS:
        return page(request, "not_found.html", status_code=404, what=action)
    await _fields(request)
    await run_in_threadpool(ACTIONS[action], hub, who, event_id)
    return RedirectResponse(f"/events/{event_id}", status_code=303)
