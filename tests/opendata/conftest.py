"""Fixtures for the open-sharing tests: the demo hub served over real HTTP (OWSLib and ckanapi need a
socket), and schemathesis schemas loaded in-process from the ASGI app."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest


@pytest.fixture(scope="session")
def opendata_app(demo_hub):
    from litterhub.app import create_app

    return create_app(demo_hub)


@contextmanager
def serve(app):
    """uvicorn serving `app` on a free 127.0.0.1 port in a daemon thread; yields the base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def http_server(opendata_app):
    """The demo hub over real HTTP; yields the base URL."""
    with serve(opendata_app) as url:
        yield url


@pytest.fixture(scope="session")
def api_v1_schema(opendata_app):
    import schemathesis

    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", opendata_app).include(method="GET")


@pytest.fixture(scope="session")
def ogc_schema(opendata_app):
    import schemathesis

    return schemathesis.openapi.from_asgi("/ogc/api", opendata_app)


@pytest.fixture(scope="session")
def serve_app():
    """`serve(app)` for tests that need their own hub over real HTTP (e.g. one they ingest into)."""
    return serve
