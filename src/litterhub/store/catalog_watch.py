"""Whether the published catalog may have changed, known on PostgreSQL without asking the database each time.

Contract:
- `watch_for(engine)` is the process's watch of a PostgreSQL catalog (None for SQLite, whose callers `stat` the
  catalog files instead). It starts listening on first use, in a daemon thread with a connection of its own.
- `generation` grows after every commit that may have changed the audit log, a dataset or a dataset version:
  in this process at once (SQLAlchemy events on the engine: a write to a watched table marks the connection,
  its commit bumps), in every other process when PostgreSQL delivers the `litterhub_catalog` notification that
  migration 0760's triggers send at that commit.
- `reliable` is True only while the listening connection is up. When it is not, callers ask the database as
  before (services/result_cache.py `fingerprint`). Every (re)connection bumps the generation: what was
  committed while nobody listened is unknown.
- A local commit bumps twice — as it starts and once the connection is back in the pool — so a reader that
  raced the commit and kept an answer under the first bump is outdated by the second; the notification, seen
  after the commit, bumps once more.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

CHANNEL = "litterhub_catalog"
WATCHED = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+\"?(audit_log|datasets|dataset_versions)\b",
                     re.IGNORECASE)
TOUCHED = "litterhub_catalog_touched"
RETRY_SECONDS = 1.0  # a lost listening connection is re-opened after this pause
POLL_SECONDS = 1.0  # how often the listening thread looks up from waiting (to notice `stop`)

_lock = threading.Lock()
_watches: dict[int, CatalogWatch] = {}


class CatalogWatch:
    """One engine's generation counter, fed by local commits and by PostgreSQL notifications."""

    def __init__(self, engine: Engine) -> None:
        self.generation = 0
        self.reliable = False
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._bump_lock = threading.Lock()
        self._listen_to_commits(engine)
        self._thread = threading.Thread(target=self._listen, name="litterhub-catalog-watch", daemon=True)
        self._thread.start()

    def bump(self) -> None:
        with self._bump_lock:
            self.generation += 1

    def stop(self) -> None:
        self._stop.set()
        self.reliable = False

    def wait_listening(self, seconds: float) -> bool:
        """Block until the first LISTEN took effect (a server starting), at most `seconds`."""
        return self._listening.wait(seconds)

    def _listen_to_commits(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _mark(conn, _cursor, statement, _params, _context, _many) -> None:
            if WATCHED.match(statement):
                conn.info[TOUCHED] = True

        @event.listens_for(engine, "commit")
        def _committing(conn) -> None:
            if conn.info.get(TOUCHED):
                self.bump()

        @event.listens_for(engine, "rollback")
        def _rolled_back(conn) -> None:
            conn.info.pop(TOUCHED, None)

        @event.listens_for(engine, "checkin")
        def _committed(_dbapi_conn, record) -> None:
            if record.info.pop(TOUCHED, None):
                self.bump()

    def _listen(self) -> None:
        import psycopg  # the PostgreSQL driver; only a PostgreSQL catalog gets here

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.bump()  # anything may have been committed before this moment
                    self.reliable = True
                    self._listening.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=POLL_SECONDS):
                            self.bump()
            except psycopg.Error:
                pass
            self.reliable = False
            self.bump()
            self._stop.wait(RETRY_SECONDS)


def watch_for(engine: Any) -> CatalogWatch | None:
    """The watch of this engine's catalog (started on first call); None when the catalog is not PostgreSQL."""
    if engine.dialect.name != "postgresql":
        return None
    with _lock:
        watch = _watches.get(id(engine))
        if watch is None:
            watch = _watches[id(engine)] = CatalogWatch(engine)
        return watch


def stop(engine: Any) -> None:
    """Stop watching this engine's catalog (the hub is closing)."""
    with _lock:
        watch = _watches.pop(id(engine), None)
    if watch is not None:
        watch.stop()
