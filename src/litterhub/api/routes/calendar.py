"""/api/v1/calendar/events: the events calendar (meetings, trainings, cleanups) as JSON and iCalendar.

Under /calendar because /api/v1/events is the observation events index (sampling events in the lake).

Reads (paths below /api/v1/calendar): GET /events (when=upcoming|past|all, kind, country, region, viewer_tz),
GET /events/{id}, GET /events.ics (all, or `kind` / `country`), GET /events/{id}.ics. Writes need a signed-in
session (with CSRF) or an API key with the `submit` scope: POST /events (the caller organises it), PUT /events/{id} and
POST /events/{id}/cancel (organiser or admin), POST|DELETE /events/{id}/registration (oneself), GET
/events/{id}/registrations (organiser or admin). Errors are problem+json from the app's one handler.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.http.security import request_principal, require_role
from litterhub.services import calendar as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/calendar", tags=["events calendar"])
WRITER = require_role("contributor", "submit")
ICS = "text/calendar; charset=utf-8"
ERRORS = {401: {"description": "not signed in (problem+json)"},
          403: {"description": "not the event's organiser or an admin (problem+json)"},
          404: {"description": "no such event (problem+json)"},
          409: {"description": "event full, cancelled or over (problem+json)"},
          422: {"description": "fields not usable, each problem listed (problem+json)"}}


class EventIn(BaseModel):
    title: str = Field(..., max_length=svc.MAX_TITLE)
    kind: str = Field(..., description="meeting | training | cleanup")
    start: str = Field(..., description="local wall-clock time in `tz`, e.g. 2026-12-20T09:00")
    end: str = Field(..., description="local wall-clock time in `tz`")
    tz: str = Field(..., description="IANA time zone, e.g. Europe/Lisbon")
    description: str = Field("", max_length=svc.MAX_TEXT)
    place: str = Field("", max_length=svc.MAX_PLACE)
    country: str | None = Field(None, max_length=3, description="ISO 3166-1 code")
    lat: float | None = None
    lon: float | None = None
    capacity: int | None = Field(None, description="places; empty: no limit")
    team_id: int | None = Field(None, description="the organising team (you must be a member)")
    record_id: str | None = Field(None, max_length=200, description="a registry record this event is about")


async def _run(fn, *args, **kwargs) -> Any:
    return jsonable_encoder(await run_in_threadpool(fn, *args, **kwargs))


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/events", responses=ERRORS)
async def list_events(hub: Hub = Depends(get_hub), when: str = Query("upcoming", pattern="^(upcoming|past|all)$"),
                      kind: str | None = None, country: str | None = None, region: str | None = None,
                      viewer_tz: str | None = Query(None, description="IANA zone to show times in as well"),
                      limit: int = Query(200, ge=1, le=1000)) -> dict[str, Any]:
    events = await _run(svc.list_events, hub, when, kind=kind, country=country, region=region, limit=limit,
                        viewer_tz=viewer_tz)
    return {"events": events, "count": len(events)}


@router.get("/events.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
async def feed(request: Request, hub: Hub = Depends(get_hub), kind: str | None = None,
               country: str | None = None) -> Response:
    body = await run_in_threadpool(svc.feed, hub, kind, country, _base(request))
    return Response(body, media_type=ICS)


@router.get("/events/{event_id}.ics", response_class=Response, responses={404: ERRORS[404]})
async def one_ics(event_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    body = await run_in_threadpool(svc.single_ics, hub, event_id, _base(request))
    disposition = f'attachment; filename="event-{event_id}.ics"'
    return Response(body, media_type=ICS, headers={"Content-Disposition": disposition})


@router.get("/events/{event_id}", responses=ERRORS)
async def get_event(event_id: int, hub: Hub = Depends(get_hub), viewer_tz: str | None = None,
                    who: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    return await _run(svc.get_event, hub, event_id, who, viewer_tz)


def _input(body: EventIn) -> svc.EventInput:
    return svc.EventInput(**body.model_dump())


@router.post("/events", status_code=201, responses=ERRORS)
async def create(body: EventIn, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.create_event, hub, who, _input(body))


@router.put("/events/{event_id}", responses=ERRORS)
async def edit(event_id: int, body: EventIn, hub: Hub = Depends(get_hub),
               who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.update_event, hub, who, event_id, _input(body))


@router.post("/events/{event_id}/cancel", responses=ERRORS)
async def cancel(event_id: int, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.cancel_event, hub, who, event_id)


@router.post("/events/{event_id}/registration", responses=ERRORS)
async def register(event_id: int, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.register, hub, who, event_id)


@router.delete("/events/{event_id}/registration", responses=ERRORS)
async def unregister(event_id: int, hub: Hub = Depends(get_hub),
                     who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.unregister, hub, who, event_id)


@router.get("/events/{event_id}/registrations", responses=ERRORS)
async def registrations(event_id: int, hub: Hub = Depends(get_hub),
                        who: Principal = Depends(WRITER)) -> dict[str, Any]:
    people = await _run(svc.registrations, hub, who, event_id)
    return {"event_id": event_id, "registrations": people, "count": len(people)}
