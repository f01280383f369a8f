"""Point the inventory models at the real source tables in ../shared/data for every test here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from litterhub.analysis.inventory import folders, sources

# Same rule as tests/conftest.py's `shared_data` fixture.
_CHECKOUT_SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SHARED_DATA = Path(os.environ.get("LITTERHUB_SHARED_DATA", _CHECKOUT_SHARED))


@pytest.fixture(autouse=True)
def inventory_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Non-bundled tables (Jambeck S1, Borrelle inputs) are read from the shared data folder when it
    exists; tests that need them also request `shared_data`, so they skip (not fail) without it, while
    tests on bundled tables (Meijer, What a Waste) and on user inputs always run."""
    if SHARED_DATA.is_dir():  # what a hub opened with LITTERHUB_INVENTORY_SOURCES=<shared data> passes down
        monkeypatch.setattr(folders, "_SEARCHED", [SHARED_DATA])


@pytest.fixture(scope="session", autouse=True)
def _fresh_tables() -> None:
    for loader in (sources.jambeck_table, sources.borrelle_table, sources.meijer_table):
        loader.cache_clear()




@pytest.fixture()
def contributor_headers(hub) -> dict[str, str]:
    """Authorization header of a contributor's API key on the `hub` behind `write_client`."""
    from litterhub.services import auth

    user = auth.create_user(hub, "inventory-contributor@example.org", "correct horse battery", role="contributor")
    key, _ = auth.create_api_key(hub, user.id)
    return {"Authorization": f"Bearer {key}"}
