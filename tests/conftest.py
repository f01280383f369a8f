"""Shared test fixtures: real data locations, throwaway hubs, and the CI rule that skips are failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("LITTERHUB_SHARED_DATA", REPO.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() == "true"
# the suite makes thousands of requests from one test client within a minute; the limiter itself is tested
os.environ.setdefault("LITTERHUB_API_RATE", "1000000/60")
# the same holds for CPU-heavy requests: the session-wide test client is one caller for the whole suite, so the
# per-minute compute budget would depend on test order; tests of the compute limiter set their own figures
os.environ.setdefault("LITTERHUB_COMPUTE_RATE", "1000000/60")
# test hubs hash passwords with the cheap Argon2id profile (a real setting, LITTERHUB_ARGON2_PROFILE); the
# costs of the default profile are tested where they matter
os.environ.setdefault("LITTERHUB_ARGON2_PROFILE", "fast")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real programme exports in ../shared/data (development and CI only; never shipped)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder not found at {SHARED_DATA} (set LITTERHUB_SHARED_DATA)")
    return SHARED_DATA


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test is a failure: integration tests must really run in CI."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (integration tests must run in CI): {reason}"


@pytest.fixture()
def hub(tmp_path):
    """An empty hub on SQLite in a fresh data directory."""
    from litterhub.services.hub import Hub

    h = Hub.open(tmp_path / "data")
    yield h
    h.close()


@pytest.fixture(scope="session")
def demo_hub(tmp_path_factory):
    """A hub with the bundled demo samples loaded (shared by read-only tests; do not write to it)."""
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise, load_demo

    h = Hub.open(tmp_path_factory.mktemp("demo") / "data")
    initialise(h)
    load_demo(h)
    yield h
    h.close()


@pytest.fixture(scope="session")
def client(demo_hub):
    """An in-process HTTP client for the API and web pages over the demo hub."""
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    with TestClient(create_app(demo_hub)) as c:
        yield c


@pytest.fixture(autouse=True)
def _forget_language_choice(request):
    """The session-wide `client` keeps cookies; a test that picks ?lang=ar must not leave the next test in Arabic
    (pages remember an explicit choice in the `lang` cookie, as a person would want)."""
    used = request.getfixturevalue("client") if "client" in request.fixturenames else None
    yield
    cookies = getattr(used, "cookies", None)
    if cookies is not None:
        cookies.pop("lang", None)


@pytest.fixture()
def configure(monkeypatch):
    """Change some settings of an open hub for one test, as its LITTERHUB_* variables would have at start:
    `configure(hub, write_rate=(2, 60))` (field names in store/settings.py); undone after the test."""

    def apply(hub, **changes) -> None:
        monkeypatch.setattr(hub, "settings", hub.settings.but(**changes))

    return apply


@pytest.fixture()
def write_client(hub):
    """An in-process HTTP client over a fresh, empty hub (for tests that write)."""
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    with TestClient(create_app(hub)) as c:
        yield c


pytest_plugins = ["tests.postgres_fixtures"]


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_url(request, tmp_path) -> str:
    """Run a storage test on both catalog databases: embedded SQLite and a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture()
def any_hub(catalog_url, tmp_path):
    """A hub whose catalog is SQLite or PostgreSQL (parametrised), with its lake in a tmp dir."""
    from litterhub.services.hub import Hub

    h = Hub.open(tmp_path / "data", catalog_url)
    yield h
    h.close()


CHROMIUM = os.environ.get("LITTERHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def serve_in_thread(app):
    """Run an ASGI app with uvicorn on a free loopback port in a daemon thread; returns (base_url, server)."""
    import socket
    import threading
    import time

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
    return f"http://127.0.0.1:{port}", server


@pytest.fixture(scope="session")
def live_server(demo_hub):
    """The demo hub served over real HTTP on 127.0.0.1 (for browsers and HTTP client libraries)."""
    from litterhub.app import create_app

    url, server = serve_in_thread(create_app(demo_hub))
    yield url
    server.should_exit = True


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
