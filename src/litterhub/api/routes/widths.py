"""/api/v1/widths: the beach width table behind SDG 14.1.1b.

Reading is open (every width says its source, date and who gave it, by public name only). Giving a width
needs the reviewer role (national officers) and, with an API key, the `curate` scope. Entries are
versioned: a POST adds the site's next revision and never changes an older one. Errors are problem+json
with a stable code per problem (`width-…`, docs/indicators.md).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.analysis.comparability import records
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import require_role
from litterhub.services import indicators
from litterhub.services import widths as svc
from litterhub.services.auth import Principal
from litterhub.services.datasets import BadRequest, NotFound
from litterhub.services.hub import Hub

router = APIRouter(prefix="/widths", tags=["sdg", "widths"])
COUNTRY = Query(None, min_length=3, max_length=3, pattern="^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3")
ERRORS = {400: {"description": "invalid width, source or file (problem+json)"},
          403: {"description": "needs the reviewer role and, for API keys, the curate scope"},
          404: {"description": "unknown site (problem+json)"}}
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class WidthIn(BaseModel):
    site_id: str = Field(..., max_length=40, description="site id (GET /api/v1/widths/missing lists them)")
    width_m: float = Field(..., description=f"beach width in metres ({svc.MIN_WIDTH_M:g}–{svc.MAX_WIDTH_M:g}), "
                                            "water line to the back of the beach")
    source: str = Field(..., max_length=svc.MAX_SOURCE_CHARS, description="where the width comes from")
    note: str | None = Field(None, max_length=svc.MAX_NOTE_CHARS)


def _problem(exc: svc.WidthError) -> Problem:
    return Problem(exc.status, str(exc), errors=[{"code": e.get("code"), "field": e.get("field"),
                                                   "line": e.get("line"), "message": e.get("message")}
                                                  for e in exc.errors])


@router.get("", responses=ERRORS)
def list_widths(country: str | None = COUNTRY, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The widths in force: the latest revision per site, with source, date and who gave it."""
    frame = svc.list_widths(hub, country=country)
    return {"country": country and country.upper(), "widths": records(frame)}


@router.get("/missing", responses=ERRORS)
def missing(country: str | None = COUNTRY, format: str = Query("json", pattern="^(json|csv)$"),
            hub: Hub = Depends(get_hub)) -> Any:
    """The beaches whose surveys have a length but no width anywhere; format=csv is a file to fill in and POST
    back to /widths/import."""
    try:
        result = indicators.sdg(hub, country=country)
    except (BadRequest, NotFound) as exc:
        raise Problem(400, str(exc)) from None
    frame = result.tables["missing_widths"]
    if format == "csv":
        return Response(svc.template_csv(frame), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="widths-to-fill.csv"'})
    return {"country": country and country.upper(), "what_to_provide": svc.WHAT_TO_PROVIDE["no-width"],
            "sites": records(frame)}


@router.get("/{site_id}", responses=ERRORS)
def history(site_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Every width given for a site, newest first: the first is in force, the older ones stay visible."""
    frame = svc.list_widths(hub, site_id=site_id, history=True)
    if frame.empty:
        raise Problem(404, f"no widths given for site {site_id!r}",
                      errors=[{"code": "width-none", "field": "site_id", "message": "no widths for this site"}])
    return {"site_id": site_id, "in_force": records(frame.head(1))[0], "revisions": records(frame)}


@router.post("", status_code=201, responses=ERRORS)
def give(body: WidthIn, hub: Hub = Depends(get_hub),
         principal: Principal = Depends(require_role(svc.WRITE_ROLE, svc.WRITE_SCOPE))) -> dict[str, Any]:
    """Give a site's width: stored as its next revision (never overwriting), with source, date and giver."""
    try:
        return svc.give_width(hub, svc.giver_for(principal), body.site_id, body.width_m, body.source, body.note)
    except svc.WidthError as exc:
        raise _problem(exc) from None


@router.post("/import", status_code=201, responses=ERRORS,
             openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}})
async def import_widths(request: Request, source: str | None = Query(None, max_length=svc.MAX_SOURCE_CHARS),
                        hub: Hub = Depends(get_hub),
                        principal: Principal = Depends(require_role(svc.WRITE_ROLE, svc.WRITE_SCOPE))
                        ) -> dict[str, Any]:
    """A CSV body (site_id, width_m, source, note), all or nothing; every bad row is listed with its line. Rows
    of the /widths/missing template left blank are skipped and counted."""
    raw = await request.body()
    if len(raw) > MAX_IMPORT_BYTES:
        raise Problem(413, f"at most {MAX_IMPORT_BYTES // (1024 * 1024)} MiB of CSV per request")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(400, "the body is not UTF-8 text", errors=[{"code": "width-file-invalid", "field": "body",
                                                                 "message": "not UTF-8"}]) from None
    try:
        done = await run_in_threadpool(svc.import_widths, hub, svc.giver_for(principal), text, source)
    except svc.WidthError as exc:
        raise _problem(exc) from None
    return done.as_dict()
