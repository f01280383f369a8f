"""/api/v1/treaty and /api/v1/countries/{ISO3}/treaty-readiness (issue 19 item 5): instruments with their sessions
and documents, the party table, and a country's readiness view (services/treaty.py). Reads are public; recording
a party status needs a reviewer (or an API key of one with the `submit` scope)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.security import require_role
from litterhub.services import treaty as svc
from litterhub.services.auth import Principal
from litterhub.services.focal_points import acting_for
from litterhub.services.hub import Hub

router = APIRouter(tags=["treaty readiness"])
ERRORS = {401: {"description": "not signed in (problem+json)"}, 403: {"description": "not a reviewer"},
          404: {"description": "unknown country or instrument (problem+json)"},
          422: {"description": "a value the party table cannot hold (problem+json)"}}


class PartyIn(BaseModel):
    country: str = Field(..., min_length=3, max_length=3)
    instrument: str = Field(..., max_length=120)
    status: Literal["signed", "ratified", "party"]
    source: str = Field(..., max_length=1000)
    date: str | None = Field(None, max_length=10)
    verification: Literal["verified", "unverified"] = "unverified"
    note: str = Field("", max_length=1000)


@router.get("/treaty/instruments")
async def instruments(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Instruments with their negotiation sessions, documents and number of countries per status."""
    return {"instruments": jsonable_encoder(await run_in_threadpool(svc.instruments, hub))}


@router.get("/treaty/sessions")
async def sessions(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"sessions": jsonable_encoder(await run_in_threadpool(svc.sessions, hub))}


@router.get("/treaty/parties")
async def parties(country: str | None = None, instrument: str | None = None,
                  hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"parties": await run_in_threadpool(svc.parties, hub, country, instrument)}


@router.put("/treaty/parties", responses=ERRORS)
async def set_party(body: PartyIn, hub: Hub = Depends(get_hub),
                    principal: Principal = Depends(require_role("reviewer", "submit"))) -> dict[str, Any]:
    return await run_in_threadpool(svc.set_party, hub, acting_for(principal), body.country, body.instrument,
                                   body.status, body.source, body.date, body.verification, body.note)


@router.get("/countries/{code}/treaty-readiness", responses=ERRORS)
async def readiness(code: str, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The country's inventory, policies in force, monitoring coverage, capacity needs and instrument statuses."""
    return jsonable_encoder(await offload(request, svc.readiness, hub, code))
