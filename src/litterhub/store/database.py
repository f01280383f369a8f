"""Catalog database engine: SQLite in WAL mode by default, PostgreSQL for a multi-user server."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from litterhub.store.migrate import upgrade


def make_engine(url: str) -> Engine:
    """An engine for the catalog; SQLite gets WAL, foreign keys and a busy timeout for concurrent readers."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def open_catalog(url: str) -> Engine:
    """Open the catalog and apply pending migrations (idempotent)."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
