"""Honest overload: an exhausted catalog pool or a full work queue answers 503 + Retry-After, never 500.

The pool is sized from LITTERHUB_DB_POOL_SIZE / _OVERFLOW / _TIMEOUT. The tests hold the only connection
themselves, so a request must wait for the pool, give up after the (tiny) timeout and say so. The first
catalog query of an anonymous read runs in a middleware (the read cache's fingerprint), where Starlette sends
the handler's answer and then re-raises for the server log: the clients below do not re-raise, as a server.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimeout

from litterhub.app import create_app
from litterhub.http.problems import PROBLEM_JSON, RETRY_AFTER_BUSY, Overloaded, install
from litterhub.services.hub import Hub
from litterhub.store.database import make_engine
from litterhub.store.settings import DEFAULT_POOL_OVERFLOW, DEFAULT_POOL_SIZE, Settings


@pytest.fixture()
def one_connection_hub(tmp_path, monkeypatch):
    monkeypatch.setenv("LITTERHUB_DB_POOL_SIZE", "1")
    monkeypatch.setenv("LITTERHUB_DB_POOL_OVERFLOW", "0")
    monkeypatch.setenv("LITTERHUB_DB_POOL_TIMEOUT", "0.05")
    hub = Hub.open(tmp_path / "data")
    yield hub
    hub.close()


def _assert_busy(res) -> None:
    assert res.status_code == 503, (res.status_code, res.text[:300])
    assert res.headers["retry-after"] == str(RETRY_AFTER_BUSY)


def test_pool_is_sized_from_the_environment(one_connection_hub):
    pool = one_connection_hub.engine.pool
    assert (pool.size(), pool._max_overflow, pool._timeout) == (1, 0, 0.05)


def test_defaults_and_bad_values(monkeypatch, tmp_path):
    for name in ("LITTERHUB_DB_POOL_SIZE", "LITTERHUB_DB_POOL_OVERFLOW", "LITTERHUB_DB_POOL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite'}")
    assert (engine.pool.size(), engine.pool._max_overflow) == (DEFAULT_POOL_SIZE, DEFAULT_POOL_OVERFLOW)
    engine.dispose()
    make_engine("sqlite:///:memory:").dispose()  # a single-connection pool takes no sizing, and must not fail
    monkeypatch.setenv("LITTERHUB_DB_POOL_SIZE", "lots")
    with pytest.raises(ValueError, match="LITTERHUB_DB_POOL_SIZE must be a whole number"):
        Settings.from_env(tmp_path)
    monkeypatch.setenv("LITTERHUB_DB_POOL_SIZE", "0")
    with pytest.raises(ValueError, match="at least 1"):
        Settings.from_env(tmp_path)


def test_exhausted_pool_answers_503_with_retry_after(one_connection_hub):
    with TestClient(create_app(one_connection_hub), raise_server_exceptions=False) as client:
        held = one_connection_hub.engine.connect()
        try:
            res = client.get("/api/v1/datasets")
        finally:
            held.close()
        _assert_busy(res)
        assert res.headers["content-type"].startswith(PROBLEM_JSON)
        body = res.json()
        assert body["status"] == 503 and [e["code"] for e in body["errors"]] == ["db-pool-exhausted"]
        assert client.get("/api/v1/datasets").status_code == 200  # the connection is back: the same request works


def test_exhausted_pool_on_a_web_page_is_503_too(one_connection_hub):
    with TestClient(create_app(one_connection_hub), raise_server_exceptions=False) as client:
        page = client.get("/datasets", headers={"Accept": "text/html"})
        assert page.status_code == 200
        held = one_connection_hub.engine.connect()
        try:
            # the same page again is answered from the read cache without the database (the catalog is unchanged)
            kept = client.get("/datasets", headers={"Accept": "text/html"})
            # a page not yet kept (another language) needs the catalog: busy
            res = client.get("/datasets", headers={"Accept": "text/html", "Accept-Language": "fr"})
        finally:
            held.close()
        assert kept.status_code == 200
        _assert_busy(res)
        assert res.headers["content-type"].startswith("text/html")  # a page for people, not a problem document


def test_in_a_route_a_full_queue_or_pool_is_503():
    app = FastAPI()
    install(app)

    @app.get("/query")
    def query() -> None:
        raise PoolTimeout("QueuePool limit of size 1 overflow 0 reached")


    @app.get("/work")
    def work() -> None:
        raise Overloaded("every compute slot is taken and the queue is full", code="compute-queue-full",
                         retry_after=7)

    client = TestClient(app)  # handled inside the app: nothing reaches the server as an error
    res = client.get("/work")
    assert res.status_code == 503 and res.headers["retry-after"] == "7"
    assert res.json()["errors"][0]["code"] == "compute-queue-full"
    res = client.get("/query")
    _assert_busy(res)
    assert res.json()["errors"][0]["code"] == "db-pool-exhausted"


def test_a_full_compute_line_is_refused_and_a_shorter_one_admitted():
    """`compute.admit` counts the calls really waiting on the slots' limiter (held here by the test)."""
    from concurrent.futures import ThreadPoolExecutor

    import anyio

    from litterhub.http.compute import QUEUE_PER_SLOT, _Pool, admit

    async def scenario() -> list[str]:
        shared = _Pool(1)
        seen = []
        async with anyio.create_task_group() as tasks:
            await shared.limiter.acquire()  # the only slot is busy
            for _ in range(QUEUE_PER_SLOT):
                admit(shared)  # there is room in the line: admitted, then waits
                tasks.start_soon(shared.limiter.acquire_on_behalf_of, object())
                while shared.limiter.statistics().tasks_waiting < len(seen) + 1:
                    await anyio.sleep(0)
                seen.append("queued")
            try:
                admit(shared)
            except Overloaded as exc:
                seen.append(exc.code)
            tasks.cancel_scope.cancel()
        return seen

    # in a thread of its own: Playwright's sync API (session-wide browser fixtures) keeps a loop running here
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen_in_order = pool.submit(anyio.run, scenario).result()
    assert seen_in_order == ["queued"] * QUEUE_PER_SLOT + ["compute-queue-full"]
