"""`litterhub teams …`: volunteer teams, what their approved surveys changed, and the opt-in leaderboards (thin over
services/teams.py). Writes act as the account named by `--as EMAIL`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.commands.events import principal
from litterhub.services.hub import Hub

teams_app = typer.Typer(help="Volunteer teams: members, shared surveys, their effect on the figures, leaderboards.",
                        no_args_is_help=True)
console = Console()
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
As = typer.Option(..., "--as", help="act as this account (e-mail)")


@teams_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """Every team with its member count."""
    from litterhub.services import teams as svc

    teams = svc.list_teams(Hub.open(data_dir))
    if as_json:
        typer.echo(json.dumps(teams))
        return
    for t in teams:
        console.print(f"{t['id']:>5}  {t['name']}  {t['country'] or ''}  {t['members_count']} members", markup=False)
    if not teams:
        console.print("no teams")


@teams_app.command("show")
def show(team_id: int, as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """A team's surveys and how the approved ones moved the site's and the country's figures."""
    from litterhub.services import teams as svc

    data = svc.team_page(Hub.open(data_dir), team_id, None)
    if as_json:
        typer.echo(json.dumps(data, default=str))
        return
    tally = data["tally"]
    console.print(f"{data['team']['name']}: {tally['approved']} approved surveys, {tally['items']} items, "
                  f"{tally['pending']} waiting", markup=False)
    impact = data["impact"] or {}
    for s in impact.get("sites", []):
        before = s["without"]["median"] if s["without"] else "none"
        after = s["with"]["median"] if s["with"] else "none"
        console.print(f"  site {s['site_name']} [{s['class']}]: median {before} -> {after} items/100 m", markup=False)
    for c in impact.get("countries", []):
        for k in c["classes"]:
            before = k["without"]["median"] if k["without"] else "none"
            after = k["with"]["median"] if k["with"] else "none"
            console.print(f"  {c['country']} [{k['class']}]: median of site medians {before} -> {after}",
                          markup=False)


@teams_app.command("create")
def create(name: str, description: str = typer.Option("", "--description"),
           country: str | None = typer.Option(None, "--country"), as_: str = As,
           data_dir: Path | None = DataDir) -> None:
    """Create a team; the account --as is its owner. Prints the join code."""
    from litterhub.services import teams as svc

    hub = Hub.open(data_dir)
    team = svc.create_team(hub, principal(hub, as_), name, description, country)
    console.print(f"created team {team['id']}; join code {team['join_code']}", markup=False)


@teams_app.command("join")
def join(code: str, as_: str = As, data_dir: Path | None = DataDir) -> None:
    """Join a team with its code."""
    from litterhub.services import teams as svc

    hub = Hub.open(data_dir)
    team = svc.join(hub, principal(hub, as_), code)
    console.print(f"joined team {team['id']} ({team['name']})", markup=False)


@teams_app.command("leaderboard")
def leaderboard(as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """The opt-in leaderboards (teams and people who chose to appear)."""
    from litterhub.services import teams as svc

    boards = svc.leaderboards(Hub.open(data_dir))
    if as_json:
        typer.echo(json.dumps(boards))
        return
    for key in ("teams", "people"):
        console.print(key)
        for i, e in enumerate(boards[key], 1):
            console.print(f"  {i:>3}. {e['name']}: {e['surveys']} surveys, {e['items']} items", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(teams_app, name="teams")
