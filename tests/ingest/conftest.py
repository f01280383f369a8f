"""The one "ingest into a fresh hub" fixture of the adapter tests: a hub per test module, each file ingested once.

`ingest(path, dataset_id=None, fmt="auto")` returns `Ingested(result, events, observations, particles)` (a
named tuple: unpack it or use the names); the ingest must succeed, since the tests then check what was stored.
Small synthetic inputs, one per programme in its real column layout, are in `samples/` (test_samples.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pytest


class Ingested(NamedTuple):
    result: object  # services.ingest.IngestResult
    events: pa.Table
    observations: pa.Table
    particles: pa.Table


@pytest.fixture(scope="module")
def module_hub(tmp_path_factory):
    """A fresh, initialised hub shared by the tests of one module."""
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise

    hub = Hub.open(tmp_path_factory.mktemp("ingest") / "data")
    initialise(hub)
    yield hub
    hub.close()


@pytest.fixture(scope="module")
def ingest(module_hub):
    """ingest(path, dataset_id=None, fmt="auto") -> Ingested, cached per module (each file is read once)."""
    from litterhub.services.ingest import ingest_file

    cache: dict[tuple, Ingested] = {}

    def run(path: Path, dataset_id: str | None = None, fmt: str = "auto") -> Ingested:
        key = (str(path), dataset_id, fmt)
        if key not in cache:
            result = ingest_file(module_hub, path, fmt, dataset_id)
            assert result.ok, result.as_dict()
            lake = module_hub.lake
            tables = [lake.read_table(t, result.dataset_id, result.version) for t in ("events", "observations",
                                                                                      "particles")]
            cache[key] = Ingested(result, *tables)
        return cache[key]

    return run
