"""Catalog database engine: SQLite in WAL mode by default, PostgreSQL for a multi-user server.

The connection pool is sized from `PoolSettings` (Settings.pool: LITTERHUB_DB_POOL_*). When every connection
is taken for `timeout` seconds, SQLAlchemy raises `sqlalchemy.exc.TimeoutError`; the API answers that
with 503 and Retry-After (http/problems.py), never 500. Alembic is imported only to migrate.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from litterhub.store.settings import PoolSettings


def _pool_args(pool: PoolSettings) -> dict:
    return {"pool_size": pool.size, "max_overflow": pool.overflow, "pool_timeout": pool.timeout}


def make_engine(url: str, pool: PoolSettings | None = None) -> Engine:
    """An engine for the catalog; SQLite gets WAL, foreign keys and a busy timeout for concurrent readers."""
    pool = pool or PoolSettings()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        in_memory = not path or path == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # an in-memory catalog lives in one connection (SQLAlchemy's SingletonThreadPool): nothing to size
        sizing = {} if in_memory else _pool_args(pool)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **sizing)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **_pool_args(pool))


def open_catalog(url: str, pool: PoolSettings | None = None) -> Engine:
    """Open the catalog and apply pending migrations (idempotent)."""
    from litterhub.store.migrate import upgrade  # Alembic costs 0.15 s to import; only opening a catalog needs it

    engine = make_engine(url, pool)
    upgrade(engine)
    return engine
