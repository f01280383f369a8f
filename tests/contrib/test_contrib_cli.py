"""`litterhub users`: create with a password from stdin, print an API key once, list."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services import auth


def test_users_create_apikey_list(tmp_path, hub):
    runner = CliRunner()
    data = ["--data-dir", str(hub.settings.data_dir)]
    r = runner.invoke(app, ["users", "create", "Ana@Example.org", "--role", "reviewer", "--password-stdin", *data],
                      input="correct horse battery\n")
    assert r.exit_code == 0, r.output
    assert auth.authenticate(hub, "ana@example.org", "correct horse battery") is not None
    r = runner.invoke(app, ["users", "apikey", "ana@example.org", "--scope", "read", "--scope", "curate", *data])
    assert r.exit_code == 0, r.output
    key = r.stdout.strip().splitlines()[0]
    principal = auth.principal_for_key(hub, key)
    assert principal is not None and principal.role == "reviewer" and principal.scopes == ("read", "curate")
    r = runner.invoke(app, ["users", "list", "--json", *data])
    assert json.loads(r.stdout)[0]["role"] == "reviewer" and key not in r.stdout


def test_users_errors_are_clear(hub):
    runner = CliRunner()
    data = ["--data-dir", str(hub.settings.data_dir)]
    r = runner.invoke(app, ["users", "create", "x@example.org", "--role", "king", *data])
    assert r.exit_code == 2 and "unknown role" in r.output
    r = runner.invoke(app, ["users", "apikey", "ghost@example.org", *data])
    assert r.exit_code == 2 and "no account" in r.output


def test_users_role_trust_and_embargo_release(hub):
    runner = CliRunner()
    data = ["--data-dir", str(hub.settings.data_dir)]
    auth.create_user(hub, "tom@example.org", "correct horse battery")
    assert runner.invoke(app, ["users", "role", "tom@example.org", "reviewer", *data]).exit_code == 0
    assert runner.invoke(app, ["users", "trust", "tom@example.org", *data]).exit_code == 0
    tom = auth.find_user(hub, "tom@example.org")
    assert tom.role == "reviewer" and tom.trusted
    assert runner.invoke(app, ["users", "trust", "tom@example.org", "--revoke", *data]).exit_code == 0
    assert not auth.find_user(hub, "tom@example.org").trusted
    r = runner.invoke(app, ["users", "role", "tom@example.org", "emperor", *data])
    assert r.exit_code == 2 and "unknown role" in r.output
    r = runner.invoke(app, ["users", "release-embargoes", *data])
    assert r.exit_code == 0 and "released 0" in r.output
