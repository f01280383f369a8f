"""One hub and one application for the community tests (creating the app imports every router: seconds)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def community_app(tmp_path_factory):
    """(hub, app) over a fresh hub; the API tests drive it with a TestClient, the browser test serves it."""
    from litterhub.app import create_app
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp("community") / "data")
    yield hub, create_app(hub)
    hub.close()
