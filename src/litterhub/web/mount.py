"""The people face: every module in `litterhub.web.routes` exposing `router` at the root, static files at
/static, the answers to the pages' sign-in check (web/session.py), and the HTML error page that
`http/problems.py` shows browsers. `mount(app)` adds them to the app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import litterhub.web.routes
from litterhub.http.routers import discover
from litterhub.web import session
from litterhub.web.errors import html_error
from litterhub.web.rendering import STATIC_DIR

error_page = html_error  # the renderer the factory hands to http.problems.install


def mount(app: FastAPI) -> None:
    """Add the web pages, their sign-in answers (web/session.py) and /static to `app`."""
    session.install(app)
    for router in discover(litterhub.web.routes):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
