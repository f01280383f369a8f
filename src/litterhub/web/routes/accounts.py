"""Web accounts: register, sign in, sign out, and the account page (profile, name opt-in, API keys, notices).

Sign-in and sign-up hash passwords in a bounded worker thread (`off_loop`), never on the event loop. Sign-up
answers the same whether or not the address has an account (services/auth.register); the new contributor
then signs in like everyone else. Signing out ends the session on the server.

The small helpers the contribution and review pages share (`page`, `viewer`, `need`, which raises to send
anonymous visitors to the sign-in page) live in web/session.py and are re-exported here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.deps import get_hub, off_loop
from litterhub.http.problems import Problem
from litterhub.http.security import (
    check_rate,
    csrf_protect,
    log_in,
    log_out,
)
from litterhub.services import auth
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.session import need, page, signed_in, viewer  # noqa: F401 - also imported from here

router = APIRouter(include_in_schema=False)
LOGIN_RATE = (10, 60)  # sign-in attempts per minute per client


def safe_next(value: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/account"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.get("/account/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None, registered: bool = False) -> HTMLResponse:
    return page(request, "accounts/login.html", next=safe_next(next), error=None, email="", registered=registered)


@router.post("/account/login", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
async def login(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    check_rate(request, "login", *LOGIN_RATE)
    form = await _form(request)
    user = await off_loop(request, auth.authenticate, hub, form.get("email", ""), form.get("password", ""))
    if user is None:
        return page(request, "accounts/login.html", status_code=401, next=safe_next(form.get("next")),
                    error="wrong-credentials", email=form.get("email", "")[:320])
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    log_in(request, response, user)
    return response


@router.get("/account/register", response_class=HTMLResponse)
def register_form(request: Request) -> HTMLResponse:
    return page(request, "accounts/register.html", error=None, values={})


REGISTERED = "/account/login?registered=1"


@router.post("/account/register", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
async def register(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    """Anyone may become a contributor; reviewer and admin roles are given by an admin.

    New address or known one, the answer is the same redirect to the sign-in page (no session is started:
    starting one only for new addresses would tell them apart).
    """
    check_rate(request, "register", *LOGIN_RATE)
    form = await _form(request)
    try:
        if form.get("password") != form.get("password2"):
            raise auth.AuthError("password-mismatch", "the two passwords differ")
        await off_loop(request, auth.register, hub, form.get("email", ""), form.get("password", ""),
                       display_name=form.get("display_name"), show_name=form.get("show_name") == "on")
    except auth.AuthError as exc:
        values = {k: form.get(k, "")[:320] for k in ("email", "display_name")}
        return page(request, "accounts/register.html", status_code=422, error=str(exc), values=values)
    return RedirectResponse(REGISTERED, status_code=303)


@router.post("/account/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    log_out(request, response)
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, hub: Hub = Depends(get_hub), password_changed: bool = False,
            who: Principal = Depends(signed_in("public"))) -> Response:
    return _account_page(request, hub, who, password_changed=password_changed)


def _account_page(request: Request, hub: Hub, who: Principal, new_key: str | None = None, status_code: int = 200,
                  **context: Any) -> HTMLResponse:
    return page(request, "accounts/account.html", status_code=status_code, keys=auth.list_api_keys(hub, who.id),
                new_key=new_key, scopes=auth.grantable_scopes(who.role),
                default_scopes=auth.default_scopes(who.role), notices=auth.notices(hub, who.id), **context)


@router.post("/account/password", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
async def change_password(request: Request, hub: Hub = Depends(get_hub),
                          who: Principal = Depends(signed_in("public"))) -> Response:
    """Check the current password, set the new one (both hashed off the event loop) and end every session of
    the account; this browser gets a fresh one."""
    check_rate(request, "login", *LOGIN_RATE)  # guessing the current password is a sign-in attempt
    form = await _form(request)
    try:
        if form.get("new_password") != form.get("new_password2"):
            raise auth.AuthError("password-mismatch", "the two passwords differ")
        await off_loop(request, auth.change_password, hub, who.id, form.get("current_password", ""),
                       form.get("new_password", ""), who.actor)
    except auth.AuthError as exc:
        return _account_page(request, hub, who, status_code=422, password_error=str(exc))
    response = RedirectResponse("/account?password_changed=1", status_code=303)
    log_in(request, response, who.user)
    return response


@router.post("/account/profile", dependencies=[Depends(csrf_protect)])
async def profile(request: Request, hub: Hub = Depends(get_hub),
                  who: Principal = Depends(signed_in("public"))) -> Response:
    form = await _form(request)
    auth.set_profile(hub, who.id, form.get("display_name"), form.get("show_name") == "on")
    return RedirectResponse("/account", status_code=303)


@router.post("/account/keys", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
async def new_key(request: Request, hub: Hub = Depends(get_hub),
                  who: Principal = Depends(signed_in("public"))) -> Response:
    """Issue a key and show it once on the page that answers this form."""
    form = await request.form()
    wanted = [s for s in form.getlist("scope") if isinstance(s, str)] or None
    name = form.get("name") if isinstance(form.get("name"), str) else ""
    try:
        key, _ = auth.create_api_key(hub, who.id, wanted, name=name or "", actor=who.actor, parent=who)
    except auth.AuthError as exc:
        raise Problem(exc.status, str(exc)) from None
    return _account_page(request, hub, who, new_key=key)


@router.post("/account/keys/{key_id}/revoke", dependencies=[Depends(csrf_protect)])
def revoke_key(key_id: str, request: Request, hub: Hub = Depends(get_hub),
               who: Principal = Depends(signed_in("public"))) -> Response:
    if key_id in {k.id for k in auth.list_api_keys(hub, who.id)}:
        auth.revoke_api_key(hub, key_id, who.actor)  # and every key it made
    return RedirectResponse("/account", status_code=303)
