"""A PostgreSQL database for the cluster tests, kept for a whole module (the workers are separate processes)."""

from __future__ import annotations

import secrets

import pytest
from tests.postgres_fixtures import factories, pg_available


@pytest.fixture(scope="module")
def cluster_db_url(request) -> str:
    """URL of a fresh database on the session's throwaway PostgreSQL server, dropped after the module."""
    reason = pg_available()
    if reason or factories is None:
        pytest.skip(reason or "pytest-postgresql is not installed")
    import psycopg

    server = request.getfixturevalue("postgresql_server")
    name = f"cluster_{secrets.token_hex(4)}"
    admin = {"host": server.host, "port": server.port, "user": server.user, "password": server.password or None,
             "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{server.password}" if server.password else ""
    yield f"postgresql+psycopg://{server.user}{password}@{server.host}:{server.port}/{name}"
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
