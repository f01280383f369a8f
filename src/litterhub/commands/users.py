"""`litterhub users …`: create accounts, issue, list and revoke API keys, end sessions, list users, set roles and
trust (thin over services.auth, which holds the rules: revoking a key revokes the keys it made)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from litterhub.services.hub import Hub

users_app = typer.Typer(help="Accounts, roles and API keys.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")


def _fail(message: str) -> None:
    err.print(f"[red]error[/]: {message}")
    raise typer.Exit(2)


@users_app.command("create")
def create(email: str = typer.Argument(..., help="the account's e-mail address"),
           role: str = typer.Option("contributor", "--role", help="public | contributor | reviewer | admin"),
           name: str | None = typer.Option(None, "--name", help="display name"),
           password_stdin: bool = typer.Option(False, "--password-stdin",
                                               help="read the password from standard input (first line)"),
           trusted: bool = typer.Option(False, "--trusted", help="approve this contributor's submissions at once"),
           data_dir: Path | None = DataDir) -> None:
    """Create an account. Without --password-stdin the account can only use API keys."""
    from litterhub.services import auth

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user = auth.create_user(Hub.open(data_dir), email, password, role=role, display_name=name, trusted=trusted)
    except auth.AuthError as exc:
        _fail(str(exc))
    console.print(f"created {user.email} (id {user.id}, role {user.role}{', trusted' if user.trusted else ''})")


@users_app.command("apikey")
def apikey(email: str = typer.Argument(..., help="whose key"),
           scope: list[str] = typer.Option(None, "--scope", help="read | submit | curate | admin | keys (repeatable; "
                                           "default: everything the role allows except keys)"),
           name: str = typer.Option("", "--name", help="a label to recognise the key by"),
           days: int = typer.Option(365, "--days", help="expires after this many days (0: never)"),
           data_dir: Path | None = DataDir) -> None:
    """Issue a new API key and print it once (only its hash is kept)."""
    from litterhub.services import auth

    hub = Hub.open(data_dir)
    user = auth.find_user(hub, email)
    if user is None:
        _fail(f"no account {email!r}")
    try:
        key, record = auth.create_api_key(hub, user.id, scope or None, name=name, expires_in_days=days or None)
    except auth.AuthError as exc:
        _fail(str(exc))
    typer.echo(key)
    expiry = record.expires_at.date().isoformat() if record.expires_at else "never"
    err.print(f"key {record.id} for {user.email}: scopes {', '.join(record.scopes)}; expires {expiry}. "
              "It is shown only now: store it safely.")


def _user_or_fail(hub: Hub, email: str):
    from litterhub.services import auth

    user = auth.find_user(hub, email)
    if user is None:
        _fail(f"no account {email!r}")
    return user


@users_app.command("keys")
def keys(email: str = typer.Argument(..., help="whose keys"), as_json: bool = typer.Option(False, "--json"),
         data_dir: Path | None = DataDir) -> None:
    """List an account's API keys (never the secrets), with the key that made each."""
    from litterhub.services import auth

    hub = Hub.open(data_dir)
    items = auth.list_api_keys(hub, _user_or_fail(hub, email).id)
    if as_json:
        typer.echo(json.dumps([{"id": k.id, "name": k.name, "scopes": list(k.scopes), "parent_id": k.parent_id,
                                "expires_at": k.expires_at, "revoked_at": k.revoked_at} for k in items],
                              default=str))
        return
    table = Table(title=f"API keys of {email}")
    for col in ("id", "name", "scopes", "made by", "expires", "revoked"):
        table.add_column(col)
    for k in items:
        table.add_row(k.id, k.name, ", ".join(k.scopes), k.parent_id or "", str(k.expires_at or "never")[:16],
                      str(k.revoked_at or "")[:16])
    console.print(table)


@users_app.command("revoke-key")
def revoke_key(key_id: str = typer.Argument(..., help="the key's id (mlh_<id>_…)"),
               data_dir: Path | None = DataDir) -> None:
    """Revoke a key and every key it made."""
    from litterhub.services import auth

    revoked = auth.revoke_api_key(Hub.open(data_dir), key_id, actor="cli")
    if not revoked:
        _fail(f"no active key {key_id!r}")
    console.print(f"revoked {', '.join(revoked)}")


@users_app.command("password")
def password(email: str = typer.Argument(..., help="whose password"),
             data_dir: Path | None = DataDir) -> None:
    """Set a new password read from standard input (first line) and sign the account out everywhere."""
    from litterhub.services import auth

    hub = Hub.open(data_dir)
    user = _user_or_fail(hub, email)
    try:
        auth.change_password(hub, user.id, None, sys.stdin.readline().rstrip("\r\n"), actor="cli")
    except auth.AuthError as exc:
        _fail(str(exc))
    console.print(f"password of {email} changed; every session of the account ended")


@users_app.command("end-sessions")
def end_sessions(email: str = typer.Argument(..., help="whose browser sessions"),
                 data_dir: Path | None = DataDir) -> None:
    """Sign an account out of every browser at once (its API keys stay valid; revoke them separately)."""
    from litterhub.services import auth

    hub = Hub.open(data_dir)
    n = auth.end_sessions(hub, _user_or_fail(hub, email).id, actor="cli")
    console.print(f"ended {n} session(s) of {email}")


@users_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """List accounts with their role and trust."""
    from litterhub.services import auth

    users = auth.list_users(Hub.open(data_dir))
    if as_json:
        typer.echo(json.dumps([{"id": u.id, "email": u.email, "display_name": u.display_name, "role": u.role,
                                "trusted": u.trusted, "active": u.active} for u in users]))
        return
    table = Table(title="users")
    for col in ("id", "email", "name", "role", "trusted"):
        table.add_column(col)
    for u in users:
        table.add_row(str(u.id), u.email, u.display_name or "", u.role, "yes" if u.trusted else "")
    console.print(table)


@users_app.command("role")
def role(email: str, new_role: str = typer.Argument(..., metavar="ROLE"), data_dir: Path | None = DataDir) -> None:
    """Change an account's role."""
    from litterhub.services import auth

    hub = Hub.open(data_dir)
    user = auth.find_user(hub, email)
    if user is None:
        _fail(f"no account {email!r}")
    try:
        auth.set_role(hub, user.id, new_role, actor="cli")
    except auth.AuthError as exc:
        _fail(str(exc))
    console.print(f"{user.email} is now {new_role}")


@users_app.command("trust")
def trust(email: str, revoke: bool = typer.Option(False, "--revoke", help="withdraw trust"),
          data_dir: Path | None = DataDir) -> None:
    """Mark a contributor as trusted (auto-approved submissions), or withdraw it."""
    from litterhub.services import auth

    hub = Hub.open(data_dir)
    user = auth.find_user(hub, email)
    if user is None:
        _fail(f"no account {email!r}")
    auth.set_trusted(hub, user.id, not revoke, actor="cli")
    console.print(f"{user.email} is {'no longer ' if revoke else ''}trusted")


@users_app.command("release-embargoes")
def release_embargoes(data_dir: Path | None = DataDir) -> None:
    """Publish approved submissions whose embargo has ended (run daily, e.g. from cron)."""
    from litterhub.services.review import release_due

    released = release_due(Hub.open(data_dir))
    console.print(f"released {len(released)} submission(s)")


def register(app: typer.Typer) -> None:
    from litterhub.commands.figures import focal_app  # `users focal-point …`: assignments live with the figures

    users_app.add_typer(focal_app, name="focal-point")
    app.add_typer(users_app, name="users")
