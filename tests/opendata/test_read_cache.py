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


def test_registry_search_and_the_map_page_are_kept_and_a_new_record_is_found_at_once(any_hub, monkeypatch):
    """/api/v1/search is kept like /api/v1/registry/search (a registry edit is an audited catalog write, so the
    next search sees it); the /map page (a template) is kept too."""
    from litterhub.services import registry
    from litterhub.services import search as search_service

    calls = {"n": 0}
    real = search_service.search

    def counting(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(search_service, "search", counting)
    record = {"type": "actor", "kind": "ngo", "title": "Quokka Shoreline Keepers", "countries": ["AUS"],
              "sources": ["https://example.org/q"], "topics": ["monitoring"]}
    with TestClient(create_app(any_hub)) as client:
        first = client.get("/api/v1/search", params={"q": "quokka"})
        assert first.status_code == 200 and first.json()["total"] == 0
        assert client.get("/api/v1/search", params={"q": "quokka"}).json() == first.json()
        assert calls["n"] == 1, "the second identical anonymous search was computed again"
        from litterhub.web.routes import front_door

        renders = {"n": 0}
        real_render = front_door.render

        def counting_render(*args, **kwargs):
            renders["n"] += 1
            return real_render(*args, **kwargs)

        monkeypatch.setattr(front_door, "render", counting_render)
        pages = [client.get("/map", headers={"Accept-Language": "fr"}) for _ in range(3)]
        assert [p.status_code for p in pages] == [200] * 3 and renders["n"] == 1
        assert pages[1].text == pages[0].text == pages[2].text and 'lang="fr"' in pages[0].text
        registry.create_record(any_hub, record, registry.Caller("t", "reviewer"), publish=True)
        found = client.get("/api/v1/search", params={"q": "quokka"}).json()
        assert calls["n"] == 2 and [r["title"] for r in found["results"]] == [record["title"]]
