"""Who is calling, and may they write: FastAPI dependencies shared by every write endpoint of the hub.

- `current_user`: the `Principal` behind an `Authorization: Bearer mlh_…` API key or the login
  cookie, or None for anonymous callers (reading the hub stays open to everyone).
- `require_role(role)`: 401 problem+json with `WWW-Authenticate` when anonymous, 403 when the role is too
  low; unsafe requests authenticated by cookie must also carry the CSRF token, and writes are rate limited.
- `csrf_token(request)` / `verify_csrf(request)`: double-submit CSRF protection for web forms; a web route
  that renders a form returns its response through `with_csrf_cookie(request, response)`.
- `rate_limit(bucket, limit, per_seconds)`: fixed-window limiter keyed by API key or client IP (in the catalog on
  PostgreSQL, shared by every worker; in memory on SQLite: http/limits.py `rate_limiter`).

Usage in a route::

    @router.post("/things")
    def create(principal: Principal = Depends(require_role("contributor"))): ...
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable

from anyio import to_thread
from fastapi import Depends, Request, Response
from fastapi.security import HTTPBearer

from litterhub.http import limits
from litterhub.http.deps import hub_of
from litterhub.http.problems import Problem
from litterhub.services import auth
from litterhub.services.auth import Principal

SESSION_COOKIE = "litterhub_session"
CSRF_COOKIE = "litterhub_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_MAX_AGE = 14 * 24 * 3600
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BEARER_CHALLENGE = 'Bearer realm="litterhub"'
# Declared so that OpenAPI (Swagger UI, schemathesis) knows how to send a key; the header is parsed below.
API_KEY_SCHEME = HTTPBearer(auto_error=False, scheme_name="apiKey", bearerFormat="mlh_<id>_<secret>",
                            description="An API key from `litterhub users apikey` or the account page.")


def _secure_cookies(request: Request) -> bool:
    """Cookies only over HTTPS (LITTERHUB_SECURE_COOKIES, set behind TLS)."""
    return hub_of(request).settings.secure_cookies


# --- login sessions ------------------------------------------------------------------------------------------

def _session(request: Request) -> dict | None:
    """The live server-side session {"uid", "csrf"} behind the login cookie's token, cached per request."""
    if hasattr(request.state, "lh_session"):
        return request.state.lh_session
    found = auth.session_for_token(hub_of(request), request.cookies.get(SESSION_COOKIE))
    payload = {"uid": found.user_id, "csrf": found.csrf} if found is not None else None
    request.state.lh_session = payload
    return payload


def log_in(request: Request, response: Response, user: auth.User) -> None:
    """Start a server-side session; the cookie holds only its random token (new CSRF nonce too, so tokens seen
    before login are useless)."""
    token, session = auth.start_session(hub_of(request), user.id)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_MAX_AGE, httponly=True, samesite="lax",
                        secure=_secure_cookies(request), path="/")
    request.state.lh_session = {"uid": user.id, "csrf": session.csrf}


def log_out(request: Request, response: Response) -> None:
    """End the session on the server (the saved cookie stops working everywhere) and drop the cookie."""
    auth.end_session(hub_of(request), request.cookies.get(SESSION_COOKIE))
    request.state.lh_session = None
    response.delete_cookie(SESSION_COOKIE, path="/")


# --- who is calling ------------------------------------------------------------------------------------------

def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(401, "the Authorization header must be 'Bearer <API key>'",
                          headers={"WWW-Authenticate": f'{BEARER_CHALLENGE}, error="invalid_request"'})
        return token.strip()
    return request.headers.get("x-api-key") or None


def current_user(request: Request, _scheme: object = Depends(API_KEY_SCHEME)) -> Principal | None:
    """The principal behind the request, or None if anonymous. A key that is given but wrong is a 401."""
    if hasattr(request.state, "lh_principal"):
        return request.state.lh_principal
    hub = hub_of(request)
    principal: Principal | None = None
    token = _bearer(request)
    if token is not None:
        principal = auth.principal_for_key(hub, token)
        if principal is None:
            raise Problem(401, "the API key is unknown, expired or revoked",
                          headers={"WWW-Authenticate": f'{BEARER_CHALLENGE}, error="invalid_token"'})
    else:
        session = _session(request)
        if session is not None:
            principal = auth.principal_for_session(hub, session["uid"])
    request.state.lh_principal = principal
    return principal


async def request_principal(request: Request, _scheme: object = Depends(API_KEY_SCHEME)) -> Principal | None:
    """`current_user` as a route dependency: an anonymous request (no key, no session cookie) is answered on
    the event loop at once; one that carries credentials is looked up in a worker thread (a catalog query)."""
    if hasattr(request.state, "lh_principal"):
        return request.state.lh_principal
    if _bearer(request) is None and not request.cookies.get(SESSION_COOKIE):
        request.state.lh_principal = None
        return None
    return await to_thread.run_sync(current_user, request)


def require_role(role: str, scope: str | None = None) -> Callable:
    """A dependency admitting principals with at least `role` (and, for API keys, the `scope` if given)."""
    auth.role_rank(role)

    async def dependency(request: Request, principal: Principal | None = Depends(request_principal)) -> Principal:
        if principal is None:
            raise Problem(401, "sign in or send an API key (Authorization: Bearer mlh_…) to do this",
                          headers={"WWW-Authenticate": BEARER_CHALLENGE})
        if not principal.can(role):
            raise Problem(403, f"this needs the {role} role; you act as {principal.role}")
        if scope and principal.via == "apikey" and scope not in principal.scopes:
            raise Problem(403, f"this API key lacks the {scope!r} scope")
        if request.method not in SAFE_METHODS:
            if principal.via == "session":
                await verify_csrf(request)
            check_rate(request, "write", *write_limit(request))
        return principal

    return dependency


# --- CSRF ----------------------------------------------------------------------------------------------------

def _csrf_nonce(request: Request, create: bool) -> str | None:
    session = _session(request)
    if session is not None and session.get("csrf"):
        return session["csrf"]
    nonce = getattr(request.state, "lh_new_csrf", None) or request.cookies.get(CSRF_COOKIE)
    if nonce:
        return nonce
    if create:
        nonce = secrets.token_urlsafe(24)
        request.state.lh_new_csrf = nonce
        return nonce
    return None


def _csrf_for(request: Request, nonce: str) -> str:
    return hmac.new(auth.server_secret(hub_of(request)), f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token to put in a form's hidden `csrf_token` field (or the X-CSRF-Token header)."""
    return _csrf_for(request, _csrf_nonce(request, create=True))


def with_csrf_cookie(request: Request, response: Response) -> Response:
    """Attach the anonymous CSRF cookie if `csrf_token` had to create one for this response."""
    nonce = getattr(request.state, "lh_new_csrf", None)
    if nonce and _session(request) is None:
        response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure_cookies(request),
                            path="/")
    return response


async def verify_csrf(request: Request, submitted: str | None = None) -> None:
    """403 unless the request carries the CSRF token matching its cookie (header or form field)."""
    if submitted is None:
        submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and "form" in (request.headers.get("content-type") or ""):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    nonce = _csrf_nonce(request, create=False)
    if not submitted or not nonce or not hmac.compare_digest(submitted, _csrf_for(request, nonce)):
        raise Problem(403, "the form's security token is missing or out of date; reload the page and try again",
                      errors=[{"code": "csrf-failed", "field": CSRF_FIELD, "message": "CSRF token mismatch"}])


async def csrf_protect(request: Request) -> None:
    """Dependency form of `verify_csrf` for web form posts (login, register, and any other form)."""
    if request.method not in SAFE_METHODS:
        await verify_csrf(request)


# --- rate limiting -------------------------------------------------------------------------------------------

class RateLimiter:
    """Fixed-window counters in this process's memory (SQLite, one process; on PostgreSQL the counters are shared
    through the catalog: http/limits.py `SharedRateLimiter`)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def hit(self, bucket: str, key: str, limit: int, per_seconds: float) -> float | None:
        """Count one request; returns None if allowed, else the seconds until the window resets."""
        now = self._clock()
        with self._lock:
            start, count = self._windows.get((bucket, key), (now, 0))
            if now - start >= per_seconds:
                start, count = now, 0
            if count >= limit:
                return per_seconds - (now - start)
            self._windows[(bucket, key)] = (start, count + 1)
            if len(self._windows) > 100_000:  # forget stale windows rather than grow without bound
                self._windows = {k: v for k, v in self._windows.items() if now - v[0] < per_seconds}
        return None


def limiter(request: Request) -> limits.Limiter:
    state = request.app.state
    if getattr(state, "rate_limiter", None) is None:
        state.rate_limiter = limits.rate_limiter(hub_of(request))
    return state.rate_limiter


def write_limit(request: Request) -> tuple[int, int]:
    """Writes per window per caller (LITTERHUB_WRITE_RATE; every limit is in http/limits.py)."""
    return limits.write_rate(hub_of(request).settings)


def client_key(request: Request) -> str:
    """API key id when there is one, else the account, else the client address (http/guards.py has already
    replaced the peer address by the X-Forwarded-For client only when the peer is a trusted proxy)."""
    principal = getattr(request.state, "lh_principal", None)
    if principal is not None and principal.key_id:
        return f"key:{principal.key_id}"
    if principal is not None:
        return f"user:{principal.id}"
    return "ip:" + (request.client.host if request.client else "unknown")


def check_rate(request: Request, bucket: str, limit: int, per_seconds: int) -> None:
    retry = limiter(request).hit(bucket, client_key(request), limit, per_seconds)
    if retry is not None:
        raise Problem(429, f"too many requests; try again in {math.ceil(retry)} s",
                      headers={"Retry-After": str(max(1, math.ceil(retry)))})


def rate_limit(bucket: str, limit: int, per_seconds: int) -> Callable:
    """A dependency limiting a route to `limit` requests per `per_seconds` per caller."""

    async def dependency(request: Request, _principal: Principal | None = Depends(request_principal)) -> None:
        check_rate(request, bucket, limit, per_seconds)

    return dependency
