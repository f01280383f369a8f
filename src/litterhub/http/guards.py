"""ASGI middleware every request passes before any route runs (pure ASGI: nothing is buffered by accident).

In order, for each HTTP request:

1. the client address: `X-Forwarded-For` is believed only when the peer is a configured trusted proxy
   (LITTERHUB_TRUSTED_PROXIES, default none), then the nearest untrusted address becomes `scope["client"]`;
2. rate limits on the faces that have no router dependency (OGC API, CKAN, catalogue, pages): reads per
   caller, and unsafe methods (form posts, comments) on a tighter write budget;
3. input hygiene: NUL and other control characters in the query string and in url-encoded or JSON bodies
   answer 400 with the parameter named (in the path: 404, nothing is named so), so they never reach a database;
4. the body limit of the route (http/limits.py): Content-Length is checked first, then the bytes are
   counted as they stream, and the request is refused with 413 before the limit is passed;
5. security headers on every response: Content-Security-Policy (a per-request nonce for the templates'
   inline scripts), frame-ancestors 'none', Referrer-Policy, X-Content-Type-Options nosniff.

Errors answer problem+json (RFC 9457), the API's one error shape, on every face.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from litterhub.http import limits
from litterhub.http.problems import PROBLEM_JSON, TITLES, Problem
from litterhub.store.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# C0 controls except TAB, LF and CR (which forms and texts legitimately carry), and DEL. NUL is the one that
# breaks PostgreSQL; the others are never data a person typed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CHECKED_BODY = ("application/x-www-form-urlencoded", "application/json")
SWAGGER_PATHS = ("/api/v1/docs",)
# The pages' inline scripts carry the nonce; 'unsafe-eval' is needed by Vega, which compiles chart
# expressions with Function(); styles: Leaflet and Vega set inline styles.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The API docs page (api/mount.py) loads the vendored Swagger UI from /static like every other page:
# same policy, no exception for a CDN.
SWAGGER_CSP = CSP.format(nonce="none")
STATIC_HEADERS = [(b"referrer-policy", b"strict-origin-when-cross-origin"), (b"x-content-type-options", b"nosniff"),
                  (b"x-frame-options", b"DENY")]


def control_problem(where: str, name: str | None) -> Problem:
    """The one 400 for a control character, naming the parameter or field."""
    label = f"{where} {name!r}" if name else where
    return Problem(400, f"the {label} contains a control character (such as NUL); remove it and try again",
                   errors=[{"code": "control-character", "field": name, "message": f"control character in {label}"}])


def check_text(where: str, name: str | None, value: str) -> None:
    if CONTROL.search(value) or (name and CONTROL.search(name)):
        raise control_problem(where, name)


def check_fields(fields: Any, where: str = "form field") -> None:
    """Refuse control characters in the text fields of a parsed form (multipart forms, checked by the routes
    that parse them: the middleware cannot see inside a multipart body without buffering it)."""
    for name, value in fields.multi_items() if hasattr(fields, "multi_items") else fields.items():
        if isinstance(value, str):
            check_text(where, name, value)


def _walk_json(value: Any, path: str = "") -> None:
    if isinstance(value, str):
        check_text("JSON field", path or None, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text("JSON field", f"{path}.{key}" if path else str(key), str(key))
            _walk_json(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk_json(item, f"{path}[{i}]")


async def send_problem(send: Send, scope: Scope, problem: Problem) -> None:
    body = json.dumps({"type": "about:blank", "title": TITLES.get(problem.status_code, "Error"),
                       "status": problem.status_code, "detail": problem.detail, "instance": scope.get("path", ""),
                       "errors": problem.errors}).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in (problem.headers or {}).items()]
    await send({"type": "http.response.start", "status": problem.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value.decode("latin-1")
    return None


def settings_of(scope: Scope) -> Settings:
    """The settings of the hub this app serves (read once when the hub opened; see store/settings.py)."""
    return scope["app"].state.hub.settings


def charge(scope: Scope, bucket: str, limit: int, per: int) -> None:
    """Count one request of the client address in `bucket` (the app's shared limiter); 429 past the limit."""
    state = scope["app"].state
    if getattr(state, "rate_limiter", None) is None:
        state.rate_limiter = limits.rate_limiter(state.hub)
    host = (scope.get("client") or ("unknown",))[0]
    retry = state.rate_limiter.hit(bucket, f"ip:{host}", limit, per)
    if retry is not None:
        raise Problem(429, f"too many requests; try again in {math.ceil(retry)} s",
                      headers={"Retry-After": str(max(1, math.ceil(retry)))})


class Guards:
    """The middleware described in the module docstring."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._client(scope)
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        send = self._with_headers(scope, send, nonce)
        try:
            self._rate(scope)
            self._check_target(scope)
            receive = await self._body(scope, receive)
        except Problem as problem:
            await send_problem(send, scope, problem)
            return
        await self.app(scope, receive, send)

    # 1. who is calling
    @staticmethod
    def _client(scope: Scope) -> None:
        client = scope.get("client")
        settings = settings_of(scope)
        if not client or not limits.is_trusted(client[0], settings):
            return
        forwarded = _header(scope, b"x-forwarded-for")
        if not forwarded:
            return
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        # the nearest address that is not one of our proxies is the client (the left part is the client's say)
        for hop in reversed(hops):
            if not limits.is_trusted(hop, settings):
                scope["client"] = (hop, 0)
                return

    # 2. rate limits of the faces without a router dependency
    @staticmethod
    def _rate(scope: Scope) -> None:
        face = limits.face(scope.get("path", ""))
        if face in (None, "api"):
            return
        if scope["method"] in SAFE_METHODS:
            charge(scope, f"read-{face}", *limits.read_rate(settings_of(scope)))
        else:
            charge(scope, f"write-{face}", *limits.write_rate(settings_of(scope)))

    # 3. control characters in the path and the query string
    @staticmethod
    def _check_target(scope: Scope) -> None:
        if CONTROL.search(scope.get("path", "")):  # no resource is named so: 404, as for any unknown path
            raise Problem(404, "no such resource: the path contains a control character (such as NUL)",
                          errors=[{"code": "control-character", "field": None, "message": "control character in path"}])
        query = (scope.get("query_string") or b"").decode("latin-1")
        if not query:
            return
        for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace"):
            check_text("query parameter", name, value)
        if CONTROL.search(unquote(query)):  # a malformed pair parse_qsl dropped
            raise control_problem("query string", None)

    # 4. body limit, and control characters in small text bodies
    async def _body(self, scope: Scope, receive: Receive) -> Receive:
        if scope["method"] in SAFE_METHODS:
            return receive
        limit = limits.body_limit(scope.get("path", ""), settings_of(scope))
        length = _header(scope, b"content-length")
        if length and length.isdigit() and int(length) > limit:
            raise self._too_large(limit)
        counted = _Counter(receive, limit, self._too_large(limit))
        content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if content_type not in CHECKED_BODY:
            return counted
        body = await counted.read_all()
        text = body.decode("utf-8", errors="replace")
        if content_type == "application/json":
            try:
                _walk_json(json.loads(text)) if text.strip() else None
            except ValueError:
                pass  # the route answers malformed JSON itself
        else:
            for name, value in parse_qsl(text, keep_blank_values=True):
                check_text("form field", name, value)
        return _replay(body, receive)

    @staticmethod
    def _too_large(limit: int) -> Problem:
        return Problem(413, f"the request body is larger than this route accepts ({limit // 1024} KiB)",
                       errors=[{"code": "body-too-large", "field": None, "message": f"limit {limit} bytes"}])

    # 5. security headers
    @staticmethod
    def _with_headers(scope: Scope, send: Send, nonce: str) -> Send:
        path = scope.get("path", "")
        policy = SWAGGER_CSP if path.startswith(SWAGGER_PATHS) else CSP.format(nonce=nonce)

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", policy.encode()))
                headers += [(k, v) for k, v in STATIC_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        return wrapped


class _Counter:
    """A receive() that counts body bytes and raises the route's 413 once the limit is passed."""

    def __init__(self, receive: Receive, limit: int, problem: Problem):
        self._receive = receive
        self._limit = limit
        self._problem = problem
        self._seen = 0

    async def __call__(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self._seen += len(message.get("body", b""))
            if self._seen > self._limit:
                raise self._problem
        return message

    async def read_all(self) -> bytes:
        chunks = []
        while True:
            message = await self()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """The body read once, then the connection's own receive (which reports the client's disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive
