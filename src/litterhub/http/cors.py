"""CORS for the open read endpoints: any origin may GET, no credentials are ever shared cross-origin.

Writes stay same-origin: preflights only allow GET/HEAD, and without `allow_credentials` a browser never
sends the login cookie cross-origin, so CSRF protection of the web forms is unaffected.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

EXPOSED = ["Content-Disposition", "Content-Language", "Link", "Content-Crs", "Retry-After"]


def install_cors(app: FastAPI) -> None:
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                       allow_methods=["GET", "HEAD", "OPTIONS"], allow_headers=["Accept", "Accept-Language",
                                                                               "Authorization", "X-API-Key"],
                       expose_headers=EXPOSED, max_age=3600)
