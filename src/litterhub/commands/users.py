"""`litterhub users …`: create accounts, issue API keys, list users, set trust (thin over services.auth)."""

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
DataDir = typer.Option(None, "--data-dir", envvar="LITTERHUB_DATA", help="data directory (default ./litterhub-data)")


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
           scope: list[str] = typer.Option(None, "--scope", help="read | submit | curate | admin (repeatable; "
                                           "default: everything the role allows)"),
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
    app.add_typer(users_app, name="users")
