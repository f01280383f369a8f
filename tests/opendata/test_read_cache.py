"""The anonymous read cache (http/read_cache.py): the same bytes while the catalog holds, fresh ones after any
process publishes or retracts, and never a kept answer for a caller with credentials.

On SQLite the fingerprint is re-read only when the catalog file or its write-ahead log changed: a version
published by another process (the CLI in a subprocess) must be seen by the very next request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from litterhub.app import create_app
from litterhub.services import datasets as datasets_service
from litterhub.services.ingest import ingest_file

DEMO = Path(__file__).resolve().parents[2] / "src" / "litterhub" / "demo"


@pytest.fixture()
def counted(monkeypatch):
    """Count how often the catalogue listing is really computed (a cache hit does not reach it)."""
    calls = {"n": 0}
    real = datasets_service.list_datasets

    def counting(hub):
        calls["n"] += 1
        return real(hub)

    monkeypatch.setattr(datasets_service, "list_datasets", counting)
    return calls


def _ids(res) -> list[str]:
    assert res.status_code == 200, res.text[:300]
    return sorted(item["id"] for item in res.json()["items"])


def test_kept_while_the_catalog_holds_and_renewed_after_another_process_publishes(any_hub, counted, tmp_path):
    ingest_file(any_hub, DEMO / "mlw-sample.csv", "mlw", "first")
    with TestClient(create_app(any_hub)) as client:
        assert _ids(client.get("/api/v1/datasets")) == ["first"]
        computed = counted["n"]
        assert computed >= 1
        assert _ids(client.get("/api/v1/datasets")) == ["first"]
        assert counted["n"] == computed, "the second identical anonymous read was computed again"

        env = {**os.environ, "LITTERHUB_DATA": str(any_hub.settings.data_dir),
               "LITTERHUB_DATABASE_URL": any_hub.settings.database_url}
        done = subprocess.run([sys.executable, "-m", "litterhub.cli", "ingest", str(DEMO / "mdmap-maine-2016-2023.csv"),
                               "--format", "mdmap", "--dataset", "second"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        assert _ids(client.get("/api/v1/datasets")) == ["first", "second"]
        assert counted["n"] == computed + 1


def test_a_caller_with_credentials_is_never_answered_from_the_cache(any_hub, counted):
    ingest_file(any_hub, DEMO / "mlw-sample.csv", "mlw", "first")
    with TestClient(create_app(any_hub)) as client:
        _ids(client.get("/api/v1/datasets"))
        before = counted["n"]
        res = client.get("/api/v1/datasets", headers={"Authorization": "Bearer not-a-real-key"})
        assert res.status_code in (200, 401)
        assert counted["n"] == before + (1 if res.status_code == 200 else 0)
        assert "content-encoding" not in res.headers or res.status_code != 200


def test_a_kept_answer_is_gzipped_for_clients_that_accept_it(any_hub):
    ingest_file(any_hub, DEMO / "mlw-sample.csv", "mlw", "first")
    with TestClient(create_app(any_hub)) as client:
        plain = client.get("/api/v1/sites", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and len(plain.content) > 1024
        again = client.get("/api/v1/sites", headers={"Accept-Encoding": "gzip"})
        assert again.headers.get("content-encoding") == "gzip"
        assert again.json() == plain.json()
