"""The application factory: one ASGI app with the machine face (api/: /api/v1, OGC API, CKAN) and the people
face (web/: pages, /static), over the shared HTTP plumbing (http/). The only module that knows both faces."""

from __future__ import annotations

import sys

from fastapi import FastAPI

import litterhub
from litterhub.api import mount as api_face
from litterhub.api.mount import API_PREFIX
from litterhub.http import problems
from litterhub.http.cors import install_cors
from litterhub.http.guards import Guards
from litterhub.http.read_cache import ReadCache
from litterhub.services.hub import Hub
from litterhub.store import catalog_watch
from litterhub.web import mount as web_face
from litterhub.web.report_pdf import render_pdf

# How long a thread may hold the GIL before a waiting one gets it (CPython's default is 5 ms). CPU-heavy work
# runs in compute-pool threads (http/compute.py); a shorter interval hands the GIL back to the event loop
# sooner, so light requests keep answering within milliseconds while a litteR run or a Monte Carlo computes.
GIL_SWITCH_INTERVAL = 0.001
LISTEN_WAIT_SECONDS = 5.0  # a PostgreSQL catalog's watch listening before the first request (else: a query per read)


def create_app(hub: Hub) -> FastAPI:
    """The hub's ASGI app: errors rendered once (problem+json for machines, the web's page for browsers),
    CORS, the read cache and request guards, then both faces."""
    app = FastAPI(
        title="litterhub API",
        version=litterhub.__version__,
        description="Open global knowledge hub on marine litter and microplastics. Read endpoints are open; "
        "/api/v1 is stable: fields are only added, never renamed or removed, within v1.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by api/mount.py api_docs() from the vendored Swagger UI, not FastAPI's CDN page
        redoc_url=None,
    )
    app.state.hub = hub
    app.state.report_pdf = render_pdf  # the national report's PDF, rendered from the web's templates
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    problems.install(app, page=web_face.error_page)
    install_cors(app)
    app.add_middleware(ReadCache)  # anonymous public reads from memory while the catalog is unchanged
    watch = catalog_watch.watch_for(hub.engine)  # PostgreSQL: commits of every process known by notification
    if watch is not None:
        watch.wait_listening(LISTEN_WAIT_SECONDS)
    app.add_middleware(Guards)  # outermost: client address, rate limits, input hygiene, body limits, headers
    api_face.mount(app)
    web_face.mount(app)
    return app
