"""Contribution tests: a cheap Argon2id profile (allowed only under LITTERHUB_TESTING) and account helpers."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("LITTERHUB_TESTING", "1")
os.environ.setdefault("LITTERHUB_ARGON2_PROFILE", "test")

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
