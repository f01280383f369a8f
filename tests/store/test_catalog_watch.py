"""store/catalog_watch.py: on PostgreSQL a commit of another process is known by notification, without a query per
read; a lost listening connection makes the watch unreliable (callers query again) until it is back."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, insert, text

from litterhub.services import result_cache
from litterhub.services.hub import Hub
from litterhub.store import catalog_watch
from litterhub.store import tables as t

NOW = datetime(2026, 12, 4, tzinfo=UTC)


def _until(condition, what: str, patience: float = 20.0) -> None:
    """Wait for something another thread does (a notification's delivery); fail after `patience` seconds."""
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not seen within {patience} s: {what}")
        time.sleep(0.01)


def test_sqlite_has_no_watch(tmp_path):
    hub = Hub.open(tmp_path / "data")
    try:
        assert catalog_watch.watch_for(hub.engine) is None
    finally:
        hub.close()


def test_another_process_commit_is_known_by_notification(postgres_url, tmp_path):
    hub = Hub.open(tmp_path / "data", postgres_url)
    other = create_engine(postgres_url)  # another process's connection: no local event reaches this hub's watch
    try:
        watch = catalog_watch.watch_for(hub.engine)
        _until(lambda: watch.reliable, "the watch listening")
        before = watch.generation
        print_ = result_cache.fingerprint(hub)
        assert print_ == result_cache.fingerprint(hub)  # nothing changed: the same fingerprint, no query needed
        with other.begin() as conn:  # a read-only transaction of another process: no notification
            conn.execute(text("SELECT count(*) FROM datasets"))
        with other.begin() as conn:
            conn.execute(insert(t.audit_log).values(at=NOW, actor="elsewhere", action="test.write", target="x"))
        _until(lambda: watch.generation > before, "the other process's commit")
        assert result_cache.fingerprint(hub) != print_
        # a write rolled back sends nothing
        settled = watch.generation
        with other.connect() as conn:
            conn.execute(insert(t.audit_log).values(at=NOW, actor="elsewhere", action="test.undone", target="y"))
            conn.rollback()
        with other.begin() as conn:  # a later commit proves the channel still works, and nothing came before it
            conn.execute(insert(t.audit_log).values(at=NOW, actor="elsewhere", action="test.write", target="z"))
        _until(lambda: watch.generation > settled, "the second commit")
        assert watch.generation == settled + 1
    finally:
        other.dispose()
        hub.close()


def test_a_local_commit_bumps_at_once_and_a_lost_listener_falls_back(postgres_url, tmp_path):
    hub = Hub.open(tmp_path / "data", postgres_url)
    try:
        watch = catalog_watch.watch_for(hub.engine)
        _until(lambda: watch.reliable, "the watch listening")
        before = watch.generation
        with hub.engine.begin() as conn:
            conn.execute(insert(t.audit_log).values(at=NOW, actor="here", action="test.write", target="x"))
        assert watch.generation >= before + 2  # as the commit starts and once the connection is back in the pool
        with hub.engine.begin() as conn:  # the listening connection is cut, as a restarted database would
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"))
        _until(lambda: not watch.reliable or watch.generation > before + 2, "the cut noticed")
        cut_at = watch.generation
        _until(lambda: watch.reliable and watch.generation > cut_at, "listening again, with a new generation")
    finally:
        hub.close()
    assert not watch.reliable  # stopped with its hub
