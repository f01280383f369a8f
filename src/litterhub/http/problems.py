"""One error shape for every endpoint: RFC 9457 problem details plus an `errors` list of {code, field, message}.

The handlers installed here are the only place an exception becomes an HTTP answer:
- a `HubError` (litterhub/errors.py: every service error) answers its own status, code, field and message;
- a `Problem` (raised by a route for what only HTTP knows: a bad multipart body, a missing header) likewise;
- request validation errors answer 400, an exhausted pool or queue 503 with Retry-After, anything else 500.
For machines (API paths, or no `text/html` in Accept) the answer is problem+json; a browser asking for a page
gets the HTML error page that the web face registers with `install(app, page=...)` (the factory passes
`web/errors.py` `html_error`), so this package never imports the web face.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from litterhub.errors import HubError, Unavailable

PROBLEM_JSON = "application/problem+json"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
          429: "Too Many Requests", 500: "Internal Server Error",
          503: "Service Unavailable"}


class Problem(HTTPException):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, detail: str, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.errors = errors or []


def problem_response(status: int, detail: str, instance: str, errors: list[dict[str, Any]] | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail,
            "instance": instance, "errors": errors or []}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


# First path segments whose errors stay machine-readable (problem+json) whatever the Accept header says: the API
# faces (/api/v1, CKAN's /api/3, OGC API) and static files.
MACHINE_SEGMENTS = frozenset({"api", "ogc", "static"})
PageRenderer = Callable[[Request, int, "str | None", "dict[str, str] | None"], Response]


def wants_html(request: Request) -> bool:
    """A browser asking for a page (Accept: text/html) on a non-API path gets an HTML error page."""
    if request.url.path.split("/")[1:2] and request.url.path.split("/")[1] in MACHINE_SEGMENTS:
        return False
    return "text/html" in request.headers.get("accept", "")


def _for_people(request: Request, status: int, detail: str | None,
                headers: dict[str, str] | None = None) -> Response | None:
    """An HTML error page in the reader's language when a browser asks for a web page, else None."""
    page: PageRenderer | None = getattr(request.app.state, "error_page", None)
    if page is None or not wants_html(request):
        return None
    try:
        return page(request, status, detail, headers)
    except Exception:  # noqa: BLE001 - a page that cannot render still answers, as a problem document
        return None


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    errors = getattr(exc, "errors", None)
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
    if (page := _for_people(request, exc.status_code, detail, getattr(exc, "headers", None))) is not None:
        return page
    return problem_response(exc.status_code, detail, request.url.path, errors, getattr(exc, "headers", None))


async def _hub_error(request: Request, exc: HubError) -> Response:
    """Every service refusal: its status, code, field and message, as a page or a problem document."""
    status, detail, headers = exc.status, str(exc), exc.headers
    if (page := _for_people(request, status, detail, headers)) is not None:
        return page
    return problem_response(status, detail, request.url.path, exc.entries(), headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    errors = [{"code": "type-error" if "type" in e.get("type", "") or "parsing" in e.get("type", "")
               else "constraint-error", "field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None,
               "message": e.get("msg", "")} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
    if (page := _for_people(request, 400, detail)) is not None:
        return page
    return problem_response(400, detail, request.url.path, errors)


async def _unexpected(request: Request, exc: Exception) -> Response:
    if (busy := overload_problem(exc)) is not None:  # raised in a middleware, past the handlers below
        return await _http_error(request, busy)
    if isinstance(exc, HubError):  # likewise: a refusal raised in a middleware still answers its own status
        return await _hub_error(request, exc)
    if (page := _for_people(request, 500, None)) is not None:
        return page
    return problem_response(500, "an unexpected error occurred; it has been logged", request.url.path)


# --- overload: a full connection pool or work queue means "come back shortly", never a bug (never a 500) ------
# Seconds a client is asked to wait: a burst that exhausts the catalog pool or the compute queue clears within
# a few seconds once the requests ahead finish (see docs/benchmarks.md), and a shorter hint would only bring
# the same crowd back while it is still there.
RETRY_AFTER_BUSY = 5


class Overloaded(Unavailable):
    """Raise when a shared queue (compute slots, jobs) is full: answered 503 with Retry-After, code `code`."""

    def __init__(self, detail: str, code: str = "overloaded", retry_after: int = RETRY_AFTER_BUSY):
        super().__init__(detail, code=code, headers={"Retry-After": str(retry_after)})
        self.detail, self.retry_after = detail, retry_after


def overload_problem(exc: BaseException) -> Problem | None:
    """The 503 answer for an exhausted resource, or None when `exc` is something else."""
    if isinstance(exc, Overloaded):
        detail, code, wait = exc.detail, exc.code, exc.retry_after
    elif isinstance(exc, PoolTimeout):  # QueuePool: every catalog connection stayed taken for pool_timeout
        detail = "the hub is busy: every catalog connection is in use; retry in a few seconds"
        code, wait = "db-pool-exhausted", RETRY_AFTER_BUSY
    else:
        return None
    return Problem(503, detail, errors=[{"code": code, "field": None, "message": detail}],
                   headers={"Retry-After": str(wait)})


async def _overloaded(request: Request, exc: Exception) -> Response:
    return await _http_error(request, overload_problem(exc))


def install(app, page: PageRenderer | None = None) -> None:
    """Register the handlers; `page(request, status, detail, headers)` renders the HTML error page for browsers
    (None: problem documents only)."""
    app.state.error_page = page
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HubError, _hub_error)
    app.add_exception_handler(PoolTimeout, _overloaded)
    app.add_exception_handler(Overloaded, _overloaded)
    app.add_exception_handler(Exception, _unexpected)
