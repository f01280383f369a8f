"""Who is signed in on a page, and the pages' sign-in check as something that raises.

- `viewer(request)`: the signed-in principal or None (a stray Authorization header in a browser is ignored).
- `page(...)`: render with `me` and a CSRF token, never cached.
- `need(request, role)` returns the principal or raises: `SignInRequired` (anonymous: answered with a 303 to the
  sign-in page that comes back here) or `RoleRequired` (signed in without the role: the 403 page). As a
  dependency: `who: Principal = Depends(signed_in("reviewer"))`. `install(app)` registers the two answers, so a
  route never tests what `need` returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.problems import Problem
from litterhub.http.security import csrf_token, current_user, with_csrf_cookie
from litterhub.services.auth import Principal
from litterhub.web.rendering import render


class SignInRequired(Exception):
    """An anonymous visitor on a page that needs an account: sent to sign in, then back to `target`."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class RoleRequired(Exception):
    """A signed-in person without the page's role: the 403 page names the role."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


def viewer(request: Request) -> Principal | None:
    """The signed-in user of a page (a stray Authorization header in a browser is ignored, not an error)."""
    try:
        return current_user(request)
    except Problem:
        return None


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with `me` (the signed-in principal or None) and `csrf` (the form token)."""
    context.setdefault("me", viewer(request))
    response = render(request, template, status_code=status_code, csrf=csrf_token(request), **context)
    response.headers["Cache-Control"] = "private, no-store"
    return with_csrf_cookie(request, response)  # type: ignore[return-value]


def need(request: Request, role: str = "contributor") -> Principal:
    """The principal if they may see the page; else raises SignInRequired or RoleRequired (see `install`)."""
    principal = viewer(request)
    if principal is None:
        raise SignInRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if not principal.can(role):
        raise RoleRequired(role)
    return principal


def signed_in(role: str = "contributor") -> Callable[[Request], Principal]:
    """`need` as a route dependency: `who: Principal = Depends(signed_in("reviewer"))`."""
    def dependency(request: Request) -> Principal:
        return need(request, role)

    return dependency


async def _to_sign_in(request: Request, exc: SignInRequired) -> Response:
    return RedirectResponse(f"/account/login?next={quote(exc.target)}", status_code=303)


async def _forbidden(request: Request, exc: RoleRequired) -> Response:
    return page(request, "accounts/forbidden.html", status_code=403, role=exc.role)


def install(app: FastAPI) -> None:
    """Answer the pages' sign-in check: a redirect to sign in, or the 403 page."""
    app.add_exception_handler(SignInRequired, _to_sign_in)
    app.add_exception_handler(RoleRequired, _forbidden)
