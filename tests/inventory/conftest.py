"""Point the inventory models at the real source tables in ../shared/data for every test here."""

from __future__ import annotations

from pathlib import Path

import pytest

from litterhub.analysis.inventory import sources


@pytest.fixture(autouse=True)
def inventory_sources(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Non-bundled tables (Jambeck S1, Borrelle inputs) are read from the shared data folder."""
    monkeypatch.setenv("LITTERHUB_INVENTORY_SOURCES", str(shared_data))
    return shared_data


@pytest.fixture(scope="session", autouse=True)
def _fresh_tables() -> None:
    for loader in (sources.jambeck_table, sources.borrelle_table, sources.meijer_table):
        loader.cache_clear()
