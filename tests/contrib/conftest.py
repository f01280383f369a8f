"""Contribution tests: the cheap Argon2id profile (Settings.argon2_profile "fast") and account helpers."""

from __future__ import annotations

import pytest

PASSWORD = "correct horse battery"


@pytest.fixture()
def make_user(hub):
    """Create a user with a role and return (user, api key)."""
    from litterhub.services import auth

    def make(email: str, role: str = "contributor", trusted: bool = False, **kw):
        user = auth.create_user(hub, email, PASSWORD, role=role, trusted=trusted, **kw)
        key, _ = auth.create_api_key(hub, user.id)
        return user, key

    return make
