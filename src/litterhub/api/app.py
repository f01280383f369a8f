"""The ASGI application: the JSON API under /api/v1, the web hub at /, static assets at /static.

Routers are discovered: every module in `litterhub.api.routes` exposing `router` is mounted under
/api/v1, every module in `litterhub.web.routes` exposing `router` is mounted at the root.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import litterhub
import litterhub.api.routes
import litterhub.web.routes
from litterhub.http import problems
from litterhub.http.cors import install_cors
from litterhub.http.guards import Guards
from litterhub.http.limits import read_rate
from litterhub.http.read_cache import ReadCache
from litterhub.http.security import rate_limit
from litterhub.services.hub import Hub
from litterhub.web.rendering import STATIC_DIR

API_PREFIX = "/api/v1"
# How long a thread may hold the GIL before a waiting one gets it (CPython's default is 5 ms). CPU-heavy work
# runs in compute-pool threads (api/compute.py); a shorter interval hands the GIL back to the event loop
# sooner, so light requests keep answering within milliseconds while a litteR run or a Monte Carlo computes.
GIL_SWITCH_INTERVAL = 0.001
# every /api/v1 operation may answer these: a malformed Authorization header, or too many requests
COMMON_RESPONSES = {
    400: {"description": "a parameter or field is invalid or contains a control character (application/problem+json)"},
    401: {"description": "malformed or unknown credentials (application/problem+json)"},
    429: {"description": "rate limit reached; see the Retry-After header (application/problem+json)"},
}


def _routers(package) -> list[APIRouter]:
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def read_limit() -> tuple[int, int]:
    """API requests per window per caller (API key, account or address); all limits are in api/limits.py."""
    return read_rate()


def create_app(hub: Hub) -> FastAPI:
    app = FastAPI(
        title="litterhub API",
        version=litterhub.__version__,
        description="Open global knowledge hub on marine litter and microplastics. Read endpoints are open; "
        "/api/v1 is stable: fields are only added, never renamed or removed, within v1.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by api_docs() below from the vendored Swagger UI, not FastAPI's CDN page
        redoc_url=None,
    )
    app.state.hub = hub
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    problems.install(app)
    install_cors(app)
    app.add_middleware(ReadCache)  # anonymous public reads from memory while the catalog is unchanged
    app.add_middleware(Guards)  # outermost: client address, rate limits, input hygiene, body limits, headers
    limit, per = read_limit()
    api_limit = Depends(rate_limit("api", limit, per))
    for router in _routers(litterhub.api.routes):
        app.include_router(router, prefix=API_PREFIX, dependencies=[api_limit], responses=COMMON_RESPONSES)
    for router in _routers(litterhub.web.routes):
        app.include_router(router)
    app.add_api_route(f"{API_PREFIX}/docs", api_docs, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


# Swagger UI from npm (scripts/vendor_assets.py), started by a static script: no CDN, no inline script.
API_DOCS_HTML = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>litterhub API</title><link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi="{API_PREFIX}/openapi.json"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api_docs.js"></script></body></html>"""


async def api_docs() -> HTMLResponse:
    """The interactive API documentation, served entirely by the hub."""
    return HTMLResponse(API_DOCS_HTML)
