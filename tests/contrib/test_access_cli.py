"""`litterhub users keys | revoke-key | end-sessions`: the operator's side of the access rules."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services import auth
from litterhub.services.auth import Principal

PASSWORD = "correct horse battery"


def test_revoke_key_cascades_and_end_sessions(hub):
    runner = CliRunner()
    data = ["--data-dir", str(hub.settings.data_dir)]
    ana = auth.create_user(hub, "ana@example.org", PASSWORD)
    parent_key, parent = auth.create_api_key(hub, ana.id, ["read", "keys"])
    child_key, child = auth.create_api_key(hub, ana.id, ["read"], parent=auth.principal_for_key(hub, parent_key))
    listed = json.loads(runner.invoke(app, ["users", "keys", "ana@example.org", "--json", *data]).stdout)
    assert {k["id"]: k["parent_id"] for k in listed} == {parent.id: None, child.id: parent.id}
    assert parent_key not in json.dumps(listed)
    r = runner.invoke(app, ["users", "revoke-key", parent.id, *data])
    assert r.exit_code == 0 and child.id in r.output
    assert auth.principal_for_key(hub, child_key) is None
    r = runner.invoke(app, ["users", "revoke-key", parent.id, *data])
    assert r.exit_code == 2 and "no active key" in r.output

    token, _ = auth.start_session(hub, ana.id)
    assert auth.session_for_token(hub, token).user_id == ana.id
    r = runner.invoke(app, ["users", "end-sessions", "ana@example.org", *data])
    assert r.exit_code == 0 and "ended 1 session" in r.output
    assert auth.session_for_token(hub, token) is None
    r = runner.invoke(app, ["users", "end-sessions", "ghost@example.org", *data])
    assert r.exit_code == 2 and "no account" in r.output


def test_password_reset_ends_sessions(hub):
    runner = CliRunner()
    data = ["--data-dir", str(hub.settings.data_dir)]
    ana = auth.create_user(hub, "ana@example.org", PASSWORD)
    token, _ = auth.start_session(hub, ana.id)
    r = runner.invoke(app, ["users", "password", "ana@example.org", *data], input="short\n")
    assert r.exit_code == 2 and "at least 10" in r.output
    assert auth.session_for_token(hub, token) is not None  # nothing changed
    r = runner.invoke(app, ["users", "password", "ana@example.org", *data], input="a brand new passphrase\n")
    assert r.exit_code == 0, r.output
    assert auth.authenticate(hub, "ana@example.org", "a brand new passphrase").id == ana.id
    assert auth.authenticate(hub, "ana@example.org", PASSWORD) is None
    assert auth.session_for_token(hub, token) is None


def test_key_made_by_a_session_is_bounded_by_the_role(hub):
    ana = auth.create_user(hub, "ana@example.org", PASSWORD)
    session = auth.principal_for_session(hub, ana.id)
    assert auth.KEYS_SCOPE in session.scopes  # a signed-in person may grant key management
    _, record = auth.create_api_key(hub, ana.id, ["read", "keys"], parent=session)
    assert record.parent_id is None and record.scopes == ("read", "keys")
    try:
        auth.create_api_key(hub, ana.id, ["curate"], parent=session)
    except auth.AuthError as exc:
        assert exc.code == "scope-above-role" and exc.status == 403
    else:
        raise AssertionError("a contributor's session granted the curate scope")
    other = auth.create_user(hub, "bob@example.org", PASSWORD)
    bob = Principal(user=other, role="contributor", via="session", scopes=session.scopes)
    try:
        auth.create_api_key(hub, ana.id, ["read"], parent=bob)
    except auth.AuthError as exc:
        assert exc.code == "not-your-key"
    else:
        raise AssertionError("a key was made for another account")
