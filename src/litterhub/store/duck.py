"""One in-process DuckDB database per process; every caller gets a connection of its own to it.

Opening a DuckDB database costs ~120 ms of CPU while holding the GIL (DuckDB 2.0, measured with
`duckdb.connect()` in a loop), so a fresh database per lake read or per ingest batch stalled the server's
event loop behind every heavy request and added that much to each read. A connection to an open database
(`cursor()`) costs ~10 µs. Connections are not shared between threads; each caller closes (or drops) its own.
Only connection-local objects are made on them (registered Arrow tables, TEMP tables), so callers never see
each other's names. The database is re-opened in a forked child (DuckDB handles do not survive a fork).
"""

from __future__ import annotations

import os
import threading

import duckdb

_lock = threading.Lock()
_database: duckdb.DuckDBPyConnection | None = None
_owner_pid: int | None = None


def connect() -> duckdb.DuckDBPyConnection:
    """A new connection to the process's in-memory DuckDB database (opened on first use)."""
    global _database, _owner_pid
    with _lock:
        if _database is None or _owner_pid != os.getpid():
            _database = duckdb.connect()
            _owner_pid = os.getpid()
        return _database.cursor()
