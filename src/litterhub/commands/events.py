"""`litterhub events …`: the events calendar from the command line (thin over services/calendar.py). Reads need no
account; `create` acts as the account named by `--as EMAIL`, who becomes the organiser."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

events_app = typer.Typer(help="Events calendar: meetings, trainings and cleanups; iCalendar feeds.",
                         no_args_is_help=True)
console = Console()
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")


def principal(hub: Hub, email: str):
    """The account a write acts as (its own role, as if signed in)."""
    from litterhub.errors import NotFoundError
    from litterhub.services import auth

    user = auth.find_user(hub, email)
    if user is None or not user.active:
        raise NotFoundError(f"no active account {email!r} (create it with `litterhub users create`)",
                            code="unknown-user", field="as")
    return auth.principal_for_session(hub, user.id)


@events_app.command("list")
def list_(when: str = typer.Option("upcoming", "--when", help="upcoming | past | all"),
          kind: str | None = typer.Option(None, "--kind", help="meeting | training | cleanup"),
          country: str | None = typer.Option(None, "--country"), region: str | None = typer.Option(None, "--region"),
          tz: str | None = typer.Option(None, "--tz", help="also show times in this IANA zone"),
          as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """Events by time, kind, country or regional group."""
    from litterhub.services import calendar as svc

    events = svc.list_events(Hub.open(data_dir), when, kind=kind, country=country, region=region, viewer_tz=tz)
    if as_json:
        typer.echo(json.dumps(events, default=str))
        return
    for e in events:
        mine = f" | {e['times']['viewer']['label']}" if "viewer" in e["times"] else ""
        flag = " (cancelled)" if e["cancelled"] else ""
        console.print(f"{e['id']:>5}  {e['kind']:<8} {e['times']['local']['label']}{mine}  {e['title']}{flag}",
                      markup=False)
    if not events:
        console.print("no events")


@events_app.command("show")
def show(event_id: int, tz: str | None = typer.Option(None, "--tz"), as_json: bool = typer.Option(False, "--json"),
         data_dir: Path | None = DataDir) -> None:
    """One event: times in its zone, UTC (and --tz), place, places left."""
    from litterhub.services import calendar as svc

    e = svc.get_event(Hub.open(data_dir), event_id, None, tz)
    if as_json:
        typer.echo(json.dumps(e, default=str))
        return
    console.print(f"{e['title']} ({e['kind']}){' CANCELLED' if e['cancelled'] else ''}", markup=False)
    for key in ("local", "utc", "viewer"):
        if key in e["times"]:
            t = e["times"][key]
            console.print(f"  {key}: {t.get('label') or t['start'] + ' – ' + t['end']}", markup=False)
    console.print(f"  where: {e['place']} {e['country'] or ''}".rstrip(), markup=False)
    console.print(f"  registered: {e['registered']}" + (f" of {e['capacity']}" if e["capacity"] else ""))


@events_app.command("ics")
def ics(event_id: int | None = typer.Argument(None, help="one event; default: the feed"),
        kind: str | None = typer.Option(None, "--kind"), country: str | None = typer.Option(None, "--country"),
        output: Path | None = typer.Option(None, "--output", "-o", help="file (default: standard output)"),
        data_dir: Path | None = DataDir) -> None:
    """An iCalendar (RFC 5545) feed of all events, of a kind or country, or one event."""
    from litterhub.services import calendar as svc

    hub = Hub.open(data_dir)
    body = svc.single_ics(hub, event_id) if event_id is not None else svc.feed(hub, kind, country)
    if output:
        output.write_bytes(body)
    else:
        sys.stdout.buffer.write(body)


@events_app.command("create")
def create(title: str = typer.Option(..., "--title"), kind: str = typer.Option(..., "--kind"),
           start: str = typer.Option(..., "--start", help="local time, e.g. 2026-12-20T09:00"),
           end: str = typer.Option(..., "--end"), tz: str = typer.Option(..., "--tz", help="IANA zone"),
           place: str = typer.Option("", "--place"), country: str | None = typer.Option(None, "--country"),
           capacity: int | None = typer.Option(None, "--capacity"), team: int | None = typer.Option(None, "--team"),
           description: str = typer.Option("", "--description"),
           as_: str = typer.Option(..., "--as", help="the organiser's account (e-mail)"),
           data_dir: Path | None = DataDir) -> None:
    """Create an event organised by the account --as."""
    from litterhub.services import calendar as svc

    hub = Hub.open(data_dir)
    e = svc.create_event(hub, principal(hub, as_), svc.EventInput(
        title=title, kind=kind, start=start, end=end, tz=tz, place=place, country=country, capacity=capacity,
        team_id=team, description=description))
    console.print(f"created event {e['id']}: {e['times']['local']['label']}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(events_app, name="events")
