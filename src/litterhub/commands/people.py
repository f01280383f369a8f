"""`litterhub people …`: profiles, the expert directory and invitations from the command line (thin over
services/people.py). The command line acts as the local operator (admin) unless `--by EMAIL` names an account."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

people_app = typer.Typer(help="People: opt-in public profiles, the expert directory, invitations.",
                         no_args_is_help=True)
console = Console()
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
By = typer.Option(None, "--by", help="act as this account (e-mail); default: the local operator")


def _ctx(data_dir: Path | None, by: str | None):
    from litterhub.services import focal_points as fp

    hub = Hub.open(data_dir)
    return hub, fp.cli_acting(hub, by)


def _user_id(hub: Hub, email: str) -> int:
    from litterhub.services import auth, people

    user = auth.find_user(hub, email)
    if user is None:
        raise people.PeopleError("people-unknown-user", f"no account {email!r}", 404, "email")
    return user.id


@people_app.command("list")
def list_(q: str = typer.Argument("", help="words to find in names, organisations and biographies"),
          expertise: str | None = typer.Option(None, "--expertise", help="a registry topic, e.g. microplastics"),
          country: str | None = typer.Option(None, "--country", help="ISO 3166-1 alpha-3"),
          language: str | None = typer.Option(None, "--language", help="ISO 639-1"),
          as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """The expert directory: public profiles only."""
    from litterhub.services import people

    found = people.directory(Hub.open(data_dir), q, expertise, country, language, limit=500)
    if as_json:
        typer.echo(json.dumps(found))
        return
    for p in found["results"]:
        console.print(f"{p['user_id']}: {p['display_name']} · {p['organisation'] or '–'} · {p['country'] or '–'} · "
                      f"{', '.join(p['expertise'])}{' · roster' if p['roster'] else ''}")
    console.print(f"{found['total']} public profile(s)")


@people_app.command("show")
def show(email: str, data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """One profile as JSON (a private one only for its owner, with --by, or the operator)."""
    from litterhub.services import people

    hub, acting = _ctx(data_dir, by)
    typer.echo(json.dumps(people.profile(hub, acting, _user_id(hub, email))))


@people_app.command("set")
def set_(email: str, public: bool = typer.Option(False, "--public/--private", help="show it in the directory"),
         name: str | None = typer.Option(None, "--name"),
         organisation: str | None = typer.Option(None, "--organisation"),
         country: str | None = typer.Option(None, "--country"),
         expertise: str = typer.Option("", "--expertise", help="registry topics, comma-separated"),
         languages: str = typer.Option("", "--languages", help="ISO 639-1 codes, comma-separated"),
         bio: str | None = typer.Option(None, "--bio"), data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Write an account's profile (its owner with --by, or the operator); private unless --public."""
    from litterhub.services import people

    hub, acting = _ctx(data_dir, by)
    saved = people.save_profile(hub, acting, {"public": public, "display_name": name, "organisation": organisation,
                                              "country": country, "expertise": expertise, "languages": languages,
                                              "bio": bio}, _user_id(hub, email))
    console.print(f"profile of {email}: {'public' if saved['public'] else 'private'}")


@people_app.command("invite")
def invite(email: str, role: str = typer.Option("contributor", "--role", help="contributor | reviewer"),
           roster: bool = typer.Option(False, "--roster", help="put the person on the expert roster on acceptance"),
           days: int = typer.Option(14, "--days"),
           base_url: str = typer.Option("http://localhost:8000", "--base-url", help="the hub's address for the link"),
           data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Invite an e-mail address; prints the one-time link (shown once, only its hash is kept)."""
    from litterhub.services import people

    hub, acting = _ctx(data_dir, by)
    made = people.invite(hub, acting, email, role, roster, days, base_url)
    console.print(f"invitation for {made['email']} ({made['role']}), expires {made['expires_at'][:10]}"
                  f"{', sent by e-mail' if made['sent'] else ''}:")
    typer.echo(made["link"])


@people_app.command("invitations")
def invitations(data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Invitations and their states (pending, accepted, expired)."""
    from litterhub.services import people

    hub, acting = _ctx(data_dir, by)
    for i in people.invitations(hub, acting):
        console.print(f"{i['id']}: {i['email']} · {i['role']}{' · roster' if i['roster'] else ''} · {i['state']}")


def register(app: typer.Typer) -> None:
    app.add_typer(people_app, name="people")
