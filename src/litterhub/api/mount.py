"""The machine face: /api/v1 (JSON, OpenAPI, rate-limited per caller) and the open standard APIs at their own
roots (OGC API - Features at /ogc, CKAN's action API at /api/3/action): `mount(app)` adds them to the app.

Routers are discovered: every module in `litterhub.api.routes` exposing `router` is mounted under /api/v1, every
module in `litterhub.api.open` at the root (their clients expect those paths).
"""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse

import litterhub.api.open
import litterhub.api.routes
from litterhub.http.limits import read_rate
from litterhub.http.routers import discover
from litterhub.http.security import rate_limit
from litterhub.store.settings import Settings

API_PREFIX = "/api/v1"
# every /api/v1 operation may answer these: a malformed Authorization header, or too many requests
COMMON_RESPONSES = {
    400: {"description": "a parameter or field is invalid or contains a control character (application/problem+json)"},
    401: {"description": "malformed or unknown credentials (application/problem+json)"},
    429: {"description": "rate limit reached; see the Retry-After header (application/problem+json)"},
}


def read_limit(settings: Settings) -> tuple[int, int]:
    """API requests per window per caller (API key, account or address); all limits are in http/limits.py."""
    return read_rate(settings)


def mount(app: FastAPI) -> None:
    """Add /api/v1 (with its rate limit and documentation page) and the open standard APIs to `app`."""
    limit, per = read_limit(app.state.hub.settings)
    api_limit = Depends(rate_limit("api", limit, per))
    for router in discover(litterhub.api.routes):
        app.include_router(router, prefix=API_PREFIX, dependencies=[api_limit], responses=COMMON_RESPONSES)
    for router in discover(litterhub.api.open):
        app.include_router(router)
    app.add_api_route(f"{API_PREFIX}/docs", api_docs, methods=["GET"], include_in_schema=False)


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
