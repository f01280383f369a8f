"""Shared fixtures for the batch-2 adapter tests: one hub per module, each real file ingested once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def module_hub(tmp_path_factory):
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise

    hub = Hub.open(tmp_path_factory.mktemp("batch2") / "data")
    initialise(hub)
    yield hub
    hub.close()


@pytest.fixture(scope="module")
def ingest(module_hub):
    """ingest(path, dataset_id) -> (result, events, observations, particles), cached per module."""
    from litterhub.services.ingest import ingest_file

    cache = {}

    def run(path, dataset_id):
        if dataset_id not in cache:
            result = ingest_file(module_hub, path, "auto", dataset_id)
            assert result.ok, result.as_dict()
            lake = module_hub.lake
            tables = [lake.read_table(t, dataset_id, result.version) for t in ("events", "observations", "particles")]
            cache[dataset_id] = (result, *tables)
        return cache[dataset_id]

    return run
