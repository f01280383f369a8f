"""/api/v1/people: opt-in public profiles, the expert directory and invitations (issue 19, item 2).

Reads: GET /people (the directory: public profiles only; `q`, `expertise`, `country`, `language`), GET /people/me
(your own profile, public or not), GET /people/{user_id} (a public profile; a private or missing one answers 404
`people-profile-not-found` to everyone but its owner and admins).

Writes (signed in, or an API key with the `submit` scope): PUT /people/me (your profile; `public` false unless you
opt in), POST /people/invitations (admins and roster managers: the answer carries the one-time link),
GET /people/invitations (their states). POST /people/invitations/{token}/accept needs no account: it creates the
invited account (with `password`), or links the invitation to the caller's account when signed in.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.http.security import request_principal, require_role, verify_csrf
from litterhub.services import focal_points as fp
from litterhub.services import people as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/people", tags=["people"])
ERRORS = {401: {"description": "not signed in (problem+json)"},
          403: {"description": "not an admin or roster manager (problem+json)"},
          404: {"description": "no public profile, no such invitation (problem+json)"},
          410: {"description": "invitation used or expired (problem+json)"},
          422: {"description": "a field is not usable (problem+json)"}}
WRITER = require_role("contributor", "submit")


class ProfileIn(BaseModel):
    public: bool = Field(False, description="show the profile in the directory (false: private)")
    display_name: str | None = Field(None, max_length=svc.MAX_TEXT)
    organisation: str | None = Field(None, max_length=svc.MAX_TEXT)
    country: str | None = Field(None, max_length=3, description="ISO 3166-1 alpha-3")
    expertise: list[str] = Field(default_factory=list, max_length=40, description="topics of the registry")
    languages: list[str] = Field(default_factory=list, max_length=svc.MAX_LANGUAGES, description="ISO 639-1")
    bio: str | None = Field(None, max_length=svc.MAX_BIO)


class InvitationIn(BaseModel):
    email: str = Field(..., max_length=320)
    role: str = Field("contributor", description="contributor, or reviewer (admins only)")
    roster: bool = Field(False, description="put the person on the expert roster when they accept")
    days: int = Field(svc.INVITATION_DAYS, ge=1, le=svc.MAX_INVITATION_DAYS)


class AcceptIn(BaseModel):
    password: str | None = Field(None, max_length=1024, description="for a new account")
    display_name: str | None = Field(None, max_length=svc.MAX_TEXT)


def _acting(principal: Principal | None) -> fp.Acting | None:
    return fp.acting_for(principal) if principal is not None else None


@router.get("", responses=ERRORS)
async def directory(q: str = Query("", max_length=200), expertise: str | None = Query(None, max_length=60),
                    country: str | None = Query(None, max_length=3), language: str | None = Query(None, max_length=2),
                    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0),
                    hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Public profiles matching the words and filters, with facet counts."""
    return await run_in_threadpool(svc.directory, hub, q, expertise, country, language, limit, offset)


@router.get("/me", responses=ERRORS)
async def me(hub: Hub = Depends(get_hub), principal: Principal = Depends(require_role("public"))) -> dict[str, Any]:
    return await run_in_threadpool(svc.own_profile, hub, fp.acting_for(principal))


@router.put("/me", responses=ERRORS)
async def save_me(body: ProfileIn, hub: Hub = Depends(get_hub),
                  principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    """Write your profile; it stays private unless `public` is true."""
    return await run_in_threadpool(svc.save_profile, hub, fp.acting_for(principal), body.model_dump())


@router.get("/invitations", responses=ERRORS)
async def invitations(hub: Hub = Depends(get_hub), principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return {"invitations": await run_in_threadpool(svc.invitations, hub, fp.acting_for(principal))}


@router.post("/invitations", status_code=201, responses=ERRORS)
async def invite(body: InvitationIn, request: Request, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    """Invite an e-mail address; the answer's `link` (and `token`) is shown this once."""
    return await run_in_threadpool(svc.invite, hub, fp.acting_for(principal), body.email, body.role, body.roster,
                                   body.days, str(request.base_url))


@router.post("/invitations/{token}/accept", responses=ERRORS)
async def accept(token: str, body: AcceptIn, request: Request, hub: Hub = Depends(get_hub),
                 principal: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    """Accept an invitation: link it to your account (signed in), or create the invited account (`password`)."""
    if principal is not None and principal.via == "session":
        await verify_csrf(request)
    user = await run_in_threadpool(svc.accept, hub, token, _acting(principal), body.password, body.display_name)
    return {"user_id": user.id, "email": user.email, "role": user.role}


@router.get("/{user_id}", responses=ERRORS)
async def profile(user_id: int, hub: Hub = Depends(get_hub),
                  principal: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    """A public profile (its owner and admins also see it while private)."""
    return await run_in_threadpool(svc.profile, hub, _acting(principal), user_id)
