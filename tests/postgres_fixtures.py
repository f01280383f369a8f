"""A throwaway PostgreSQL server for the storage tests, started from the system's binaries.

Locally the tests skip with a reason when no PostgreSQL binaries exist; under CI=true a skip is a
failure (tests/conftest.py), and .ci/run installs Debian's postgresql package first.
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

import pytest

WRAPPER = Path(__file__).with_name("pg_ctl_wrapper.sh")


def pg_available() -> str | None:
    """Why PostgreSQL cannot run here, or None when it can."""
    if not glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"):
        return "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install Debian's postgresql package)"
    if shutil.which("runuser") is None:
        return "runuser not found (needed to start PostgreSQL as the postgres user when running as root)"
    return None


try:
    from pytest_postgresql import factories

    postgresql_server = factories.postgresql_proc(executable=str(WRAPPER), port=None, unixsocketdir="/tmp")
    postgresql_db = factories.postgresql("postgresql_server")
except ImportError:  # pragma: no cover - dev extra missing
    factories = None


@pytest.fixture()
def postgres_url(request) -> str:
    """URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    reason = pg_available()
    if reason or factories is None:
        pytest.skip(reason or "pytest-postgresql is not installed")
    conn = request.getfixturevalue("postgresql_db")
    info = conn.info
    password = f":{info.password}" if info.password else ""
    return f"postgresql+psycopg://{info.user}{password}@{info.host}:{info.port}/{info.dbname}"
