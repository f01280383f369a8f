"""Rate limits shared through the catalog: several processes (here: several hubs, each with its own engine and
connection pool, as each worker process has) draw on one budget per caller."""

from __future__ import annotations

import threading

import pytest

from litterhub.http import limits
from litterhub.http.security import RateLimiter
from litterhub.services.hub import Hub
from litterhub.store import limit_tables


@pytest.fixture(scope="module")
def pg_hubs(cluster_db_url, tmp_path_factory):
    data = tmp_path_factory.mktemp("shared-limits")
    hubs = [Hub.open(data, cluster_db_url) for _ in range(3)]
    yield hubs
    for hub in hubs:
        hub.close()


def test_postgresql_hubs_get_the_shared_limiter_and_sqlite_the_in_memory_one(pg_hubs, hub):
    assert isinstance(limits.rate_limiter(pg_hubs[0]), limits.SharedRateLimiter)
    assert isinstance(limits.rate_limiter(hub), RateLimiter)


def test_concurrent_hits_from_three_processes_admit_exactly_the_limit(pg_hubs):
    limiters = [limits.SharedRateLimiter(h) for h in pg_hubs]
    admitted: list[int] = []
    lock = threading.Lock()

    def caller(limiter: limits.SharedRateLimiter) -> None:
        for _ in range(15):
            if limiter.hit("concurrent", "ip:203.0.113.9", 20, 3600) is None:
                with lock:
                    admitted.append(1)

    threads = [threading.Thread(target=caller, args=(lim,)) for lim in limiters for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # 90 attempts from six threads over three engines; per-process memory would have admitted 3 x 20
    assert len(admitted) == 20


def test_window_resets_and_callers_and_buckets_are_separate(pg_hubs):
    now = [7_200_000.0]
    a = limits.SharedRateLimiter(pg_hubs[0], clock=lambda: now[0])
    b = limits.SharedRateLimiter(pg_hubs[1], clock=lambda: now[0])
    assert a.hit("w", "ip:1", 2, 60) is None  # the window starts at the first request, as in memory
    now[0] += 30
    assert b.hit("w", "ip:1", 2, 60) is None
    assert a.hit("w", "ip:1", 2, 60) == pytest.approx(30.0)  # refused: 30 s left in the window
    assert b.hit("w", "ip:2", 2, 60) is None  # another caller
    assert b.hit("other", "ip:1", 2, 60) is None  # another bucket
    now[0] += 29.5
    assert b.hit("w", "ip:1", 2, 60) == pytest.approx(0.5)
    now[0] += 0.5
    assert a.hit("w", "ip:1", 2, 60) is None  # a new window


def test_ended_windows_are_swept(pg_hubs):
    with pg_hubs[0].engine.begin() as conn:
        limit_tables.hit(conn, "sweep", "ip:1", 10, now=1_000.0)  # ends at 1010
        limit_tables.hit(conn, "sweep", "ip:2", 10, now=1_005.0)  # ends at 1015
        assert limit_tables.sweep(conn, now=1_012.0) == 1
        assert limit_tables.sweep(conn, now=1_015.0) == 1


def test_an_unreachable_catalog_lets_requests_through():
    from types import SimpleNamespace

    from sqlalchemy import create_engine

    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    try:  # the hub opened while the catalog was up; it has gone since (only the engine is used)
        assert limits.SharedRateLimiter(SimpleNamespace(engine=engine)).hit("x", "ip:1", 0, 60) is None
    finally:
        engine.dispose()


def test_leases_cut_round_trips_and_never_admit_more_than_the_limit(pg_hubs, monkeypatch):
    """A limit of 600 is counted 12 requests at a time: two processes alternating admit at most 600 (a straddling
    lease is cut to what remains) and at least 600 - (12 - 1) (one process's unused lease), with one round trip
    per lease; and one process alone admits exactly the limit."""
    assert limits.lease_size(600) == 12 and limits.lease_size(20) == 1 and limits.lease_size(10**8) == 100
    trips = {"n": 0}
    real = limit_tables.hit_dbapi

    def counting(*args, **kwargs):
        trips["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(limit_tables, "hit_dbapi", counting)
    a, b = limits.SharedRateLimiter(pg_hubs[0]), limits.SharedRateLimiter(pg_hubs[1])
    admitted = sum(1 for i in range(700) if (a if i % 3 else b).hit("leases", "ip:198.51.100.7", 600, 3600) is None)
    assert 600 - 11 <= admitted <= 600
    assert trips["n"] <= 700 // 12 + 2 * 3  # leases, plus the refusals each process learns once
    alone = limits.SharedRateLimiter(pg_hubs[2])
    assert sum(1 for _ in range(650) if alone.hit("leases", "ip:198.51.100.8", 600, 3600) is None) == 600
