"""One in-process DuckDB database per process; every caller gets a connection of its own to it.

Opening a DuckDB database costs ~120 ms of CPU while holding the GIL (DuckDB 2.0, measured with
`duckdb.connect()` in a loop), so a fresh database per lake read or per ingest batch stalled the server's
event loop behind every heavy request and added that much to each read. A connection to an open database
(`cursor()`) costs ~10 µs. Connections are not shared between threads; each caller closes (or drops) its own.
Only connection-local objects are made on them (registered Arrow tables, TEMP tables), so callers never see
each other's names. The database is re-opened in a forked child (DuckDB handles do not survive a fork).

The database's memory is bounded (`configure`, from the hub's settings): DuckDB's own default is 80 % of the
machine's RAM, and one indicator over 10 M observations held 2.2 GB of hash tables in a server whose budget is
1.5 GB in all. Past the bound DuckDB spills joins, aggregates and sorts to a folder under the data directory.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb

_lock = threading.Lock()
_database: duckdb.DuckDBPyConnection | None = None
_owner_pid: int | None = None
_config: dict[str, str] = {}


def configure(memory_mb: float, spill_dir: Path) -> None:
    """Bound the process's database to `memory_mb` MiB (0: DuckDB's default), spilling to `spill_dir`.

    Applied when the database opens, or at once to an open one (the last hub opened in a process decides)."""
    global _config
    spill_dir.mkdir(parents=True, exist_ok=True)  # DuckDB makes only the last level, and only when it spills
    config = {"temp_directory": str(spill_dir)}
    if memory_mb > 0:
        config["memory_limit"] = f"{int(memory_mb)}MiB"
    with _lock:
        if config == _config:
            return
        _config = config
        if _database is not None and _owner_pid == os.getpid():
            _apply(_database, config)


def _apply(database: duckdb.DuckDBPyConnection, config: dict[str, str]) -> None:
    for name, value in config.items():  # names are ours; values are a number or a path, quoted
        try:
            database.execute(f"SET GLOBAL {name} = '{value.replace(chr(39), chr(39) * 2)}'")
        except duckdb.NotImplementedException:  # a spill folder in use stays (a second hub in one process: tests)
            if name != "temp_directory":
                raise


def connect() -> duckdb.DuckDBPyConnection:
    """A new connection to the process's in-memory DuckDB database (opened on first use)."""
    global _database, _owner_pid
    with _lock:
        if _database is None or _owner_pid != os.getpid():
            _database = duckdb.connect()
            _owner_pid = os.getpid()
            _apply(_database, _config)
        return _database.cursor()
