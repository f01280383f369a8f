"""People pages (issue 19, item 2): the expert directory (/people, search and filters), public profiles
(/people/{id}: a private profile answers the same 404 page as a missing one), your own profile (/people/me, private
until you opt in), and invitations (/people/invitations for admins and roster managers; the invitation's own page
/people/invitations/{token} to accept it). Thin: every rule lives in services/people.py; every write is a signed-in
form post with CSRF and the write rate limit (accepting an invitation is the one write that creates the account).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.errors import HubError
from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, log_in, verify_csrf, write_limit
from litterhub.registry.entities import TOPICS
from litterhub.services import focal_points as fp
from litterhub.services import people as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.registry_labels import facet_label
from litterhub.web.rendering import request_language
from litterhub.web.session import page, signed_in, viewer

router = APIRouter(include_in_schema=False)
LANGUAGE_CHOICES = ("en", "fr", "es", "ar", "ru", "zh", "pt", "de", "it", "ja", "ko", "id", "hi", "sw", "nl")


def _acting(request: Request) -> fp.Acting | None:
    who = viewer(request)
    return fp.acting_for(who) if who else None


async def _form(request: Request) -> dict[str, Any]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf_token":
            continue
        if key in ("expertise", "languages"):
            out.setdefault(key, []).append(value)
        else:
            out[key] = value
    return out


def _common(request: Request) -> dict[str, Any]:
    """Choices of the profile form and the directory's filters, with their labels in the page's language."""
    lang = request_language(request)
    return {"topics": TOPICS, "language_choices": LANGUAGE_CHOICES,
            "label": lambda facet, value: facet_label(facet, value, value, lang)}


@router.get("/people", response_class=HTMLResponse)
def directory(request: Request, q: str = Query("", max_length=200), expertise: str = Query("", max_length=60),
              country: str = Query("", max_length=3), language: str = Query("", max_length=2),
              hub: Hub = Depends(get_hub)) -> Response:
    found = svc.directory(hub, q, expertise or None, country or None, language or None, limit=200)
    return page(request, "people/directory.html", r=found, q=q, expertise=expertise, country=country.upper(),
                language=language, manager=svc.is_manager(hub, _acting(request)), **_common(request))


def _profile_page(request: Request, hub: Hub, who: Principal, status_code: int = 200, error: HubError | None = None,
                  saved: bool = False, form: dict[str, Any] | None = None) -> Response:
    mine = svc.own_profile(hub, fp.acting_for(who))
    if form:
        mine = {**mine, **{k: v for k, v in form.items() if k != "public"}, "public": form.get("public") == "on"}
    return page(request, "people/me.html", status_code=status_code, p=mine, error=error, saved=saved,
                **_common(request))


@router.get("/people/me", response_class=HTMLResponse)
def me(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in("public"))) -> Response:
    return _profile_page(request, hub, who, saved=request.query_params.get("saved") == "1")


@router.post("/people/me", response_class=HTMLResponse)
async def save_me(request: Request, hub: Hub = Depends(get_hub),
                  who: Principal = Depends(signed_in("public"))) -> Response:
    fields = await _form(request)
    try:
        await run_in_threadpool(svc.save_profile, hub, fp.acting_for(who), fields)
    except HubError as exc:
        return _profile_page(request, hub, who, exc.status, exc, form=fields)
    return RedirectResponse("/people/me?saved=1", status_code=303)


def _invitations_page(request: Request, hub: Hub, who: Principal, status_code: int = 200,
                      error: HubError | None = None, made: dict[str, Any] | None = None) -> Response:
    acting = fp.acting_for(who)
    return page(request, "people/invitations.html", status_code=status_code, rows=svc.invitations(hub, acting),
                error=error, made=made, roles=svc.INVITABLE_ROLES if who.can("admin") else ("contributor",),
                days=svc.INVITATION_DAYS)


@router.get("/people/invitations", response_class=HTMLResponse)
def invitations(request: Request, hub: Hub = Depends(get_hub),
                who: Principal = Depends(signed_in("contributor"))) -> Response:
    svc.need_manager(hub, fp.acting_for(who), "inviting people")
    return _invitations_page(request, hub, who)


@router.post("/people/invitations", response_class=HTMLResponse)
async def invite(request: Request, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(signed_in("contributor"))) -> Response:
    fields = await _form(request)
    svc.need_manager(hub, fp.acting_for(who), "inviting people")
    try:
        made = await run_in_threadpool(svc.invite, hub, fp.acting_for(who), fields.get("email", ""),
                                       fields.get("role", "contributor"), fields.get("roster") == "on",
                                       int(fields.get("days") or svc.INVITATION_DAYS), str(request.base_url))
    except (HubError, ValueError) as exc:
        error = exc if isinstance(exc, HubError) else svc.PeopleError("people-invalid-days", "days is a number")
        return _invitations_page(request, hub, who, error.status, error)
    return _invitations_page(request, hub, who, 201, made=made)


@router.get("/people/invitations/{token}", response_class=HTMLResponse)
def invitation(token: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    inv = svc.invitation(hub, token)  # used, expired or unknown: the error page says which
    return page(request, "people/accept.html", inv=inv, token=token, error=None)


@router.post("/people/invitations/{token}", response_class=HTMLResponse)
async def accept(token: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    await verify_csrf(request)
    check_rate(request, "register", 10, 60)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    who = viewer(request)
    try:
        if who is None and fields.get("password") != fields.get("password2"):
            raise svc.PeopleError("people-password-mismatch", "the two passwords differ", 422, "password2")
        user = await run_in_threadpool(svc.accept, hub, token, fp.acting_for(who) if who else None,
                                       fields.get("password") or None, fields.get("display_name") or None)
    except HubError as exc:
        if exc.status == 410 or exc.status == 404:
            raise
        return page(request, "people/accept.html", status_code=exc.status, inv=svc.invitation(hub, token),
                    token=token, error=exc)
    response = RedirectResponse("/people/me?welcome=1", status_code=303)
    if who is None:
        log_in(request, response, user)
    return response


@router.get("/people/{user_id:int}", response_class=HTMLResponse)
def profile(user_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    try:
        p = svc.profile(hub, _acting(request), user_id)
    except svc.PeopleError:
        return page(request, "not_found.html", status_code=404, what=f"people/{user_id}")
    return page(request, "people/profile.html", p=p, **_common(request))
