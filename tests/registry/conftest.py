"""Registry test fixtures: a seeded hub shared by read-only tests, accounts of each role with API keys."""

from __future__ import annotations

import pytest

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def seeded_hub(tmp_path_factory):
    """A hub with the bundled seed loaded (read-only for the tests that use it)."""
    from litterhub.services.hub import Hub
    from litterhub.services.registry import load_seed

    h = Hub.open(tmp_path_factory.mktemp("registry") / "data")
    load_seed(h)
    yield h
    h.close()


@pytest.fixture(scope="module")
def seeded_client(seeded_hub):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    with TestClient(create_app(seeded_hub)) as c:
        yield c


@pytest.fixture()
def keys(hub):
    """Bearer headers for a contributor, a second contributor, a reviewer and an admin on the `hub` fixture."""
    from litterhub.services import auth

    out = {}
    for name, role in (("contributor", "contributor"), ("other", "contributor"), ("reviewer", "reviewer"),
                       ("admin", "admin")):
        user = auth.create_user(hub, f"{name}@example.org", PASSWORD, role=role)
        key, _ = auth.create_api_key(hub, user.id)
        out[name] = {"Authorization": f"Bearer {key}"}
    return out


def record(**kw) -> dict:
    """A minimal valid actor record."""
    base = {"type": "actor", "kind": "ngo", "title": "Coastal Watch Test Group", "sources": ["https://example.org/a"],
            "countries": ["KEN"], "topics": ["monitoring"]}
    base.update(kw)
    return base


from tests.postgres_fixtures import postgres_url, postgresql_db, postgresql_server  # noqa: E402,F401
