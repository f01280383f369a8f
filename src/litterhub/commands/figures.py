"""`litterhub figures …` (national figures submitted by focal points, and their review) and
`litterhub users focal-point …` (assign focal points per country). Thin over services/focal_points.py, which
holds the rules; the command line acts as the local operator (admin) unless `--by EMAIL` names an account."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from litterhub.services.hub import Hub

figures_app = typer.Typer(help="National figures: a focal point's own inventory inputs and beach widths, reviewed.",
                          no_args_is_help=True)
focal_app = typer.Typer(help="National focal points: who may submit a country's own figures.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
By = typer.Option(None, "--by", help="act as this account (e-mail); default: the local operator")


def _fail(message: str, code: str | None = None) -> None:
    err.print(f"[red]error[/]: {message}" + (f" ({code})" if code else ""))
    raise typer.Exit(2)


def _run(fn, *args):
    from litterhub.services import focal_points as svc

    try:
        return fn(*args)
    except svc.FigureError as exc:
        details = [f"{e.get('field') or ''}: {e['message']}" for e in exc.errors if len(exc.errors) > 1]
        _fail("; ".join([str(exc), *details]), exc.code)


def _acting(hub: Hub, by: str | None):
    from litterhub.services import focal_points as svc

    return _run(svc.cli_acting, hub, by)


def _user_id(hub: Hub, email: str) -> int:
    from litterhub.services import auth

    user = auth.find_user(hub, email)
    if user is None:
        _fail(f"no account {email!r}", "figures-unknown-user")
    return user.id


# --- focal points ----------------------------------------------------------------------------------------------

@focal_app.command("add")
def add(email: str, country: str = typer.Argument(..., help="ISO 3166-1 alpha-3"), by: str | None = By,
        data_dir: Path | None = DataDir) -> None:
    """Make an account the national focal point of a country (admins)."""
    from litterhub.services import focal_points as svc

    hub = Hub.open(data_dir)
    row = _run(svc.assign, hub, _acting(hub, by), _user_id(hub, email), country)
    console.print(f"{email} is {'now' if row['changed'] else 'already'} a focal point of {row['country']}")


@focal_app.command("remove")
def remove(email: str, country: str = typer.Argument(..., help="ISO 3166-1 alpha-3"), by: str | None = By,
           data_dir: Path | None = DataDir) -> None:
    """End an assignment (kept in the history)."""
    from litterhub.services import focal_points as svc

    hub = Hub.open(data_dir)
    row = _run(svc.revoke, hub, _acting(hub, by), _user_id(hub, email), country)
    console.print(f"{email} is no longer a focal point of {row['country']}")


@focal_app.command("list")
def list_focal(country: str | None = typer.Option(None, "--country"), all_: bool = typer.Option(
               False, "--all", help="include revoked assignments"), as_json: bool = typer.Option(False, "--json"),
               data_dir: Path | None = DataDir) -> None:
    """Focal points per country."""
    from litterhub.services import focal_points as svc

    rows = svc.focal_points(Hub.open(data_dir), country, None, all_, True)
    if as_json:
        typer.echo(json.dumps(rows))
        return
    table = Table(title="national focal points")
    for col in ("country", "account", "assigned", "revoked"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["country"], r["email"], r["assigned_at"][:10], (r["revoked_at"] or "")[:10])
    console.print(table)


# --- national figures ------------------------------------------------------------------------------------------

def _print(sub: dict) -> None:
    console.print(f"#{sub['id']} {sub['country']} {sub['kind']} v{sub['version']}: {sub['status']}"
                  + (f" → {json.dumps(sub['result'])}" if sub.get("result") else ""))


@figures_app.command("submit-inventory")
def submit_inventory(country: str, by: str = typer.Option(..., "--by", help="the focal point's account (e-mail)"),
                     method: str = typer.Option(..., "--method", help="jambeck | meijer | borrelle"),
                     figure: list[str] = typer.Option(..., "--figure", help="FIELD=VALUE (repeatable)"),
                     source: list[str] = typer.Option(..., "--source", help="the source of each --figure, in order "
                                                      "(or one for all)"),
                     submitter: str = typer.Option(..., "--from", help="the national body the figures are from"),
                     year: int | None = typer.Option(None, "--year"), scenario: str | None = typer.Option(None),
                     note: str | None = typer.Option(None, "--note"), data_dir: Path | None = DataDir) -> None:
    """Send a country's own inventory inputs for review (as its focal point)."""
    from litterhub.services import focal_points as svc

    if len(source) not in (1, len(figure)):
        _fail("give one --source for all figures, or one per --figure", "figures-source-missing")
    figures = []
    for n, pair in enumerate(figure):
        name, sep, value = pair.partition("=")
        if not sep:
            _fail(f"{pair!r} is not FIELD=VALUE", "figures-invalid")
        figures.append({"field": name.strip(), "value": value.strip(), "source": source[min(n, len(source) - 1)]})
    hub = Hub.open(data_dir)
    _print(_run(svc.submit, hub, _acting(hub, by), country, "inventory",
                {"method": method, "year": year, "scenario": scenario, "figures": figures, "submitter": submitter,
                 "note": note}))


@figures_app.command("submit-widths")
def submit_widths(country: str, file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                                              help="CSV: site_id, width_m, source, note"),
                  by: str = typer.Option(..., "--by", help="the focal point's account (e-mail)"),
                  submitter: str = typer.Option(..., "--from", help="the national body the widths are from"),
                  note: str | None = typer.Option(None, "--note"), data_dir: Path | None = DataDir) -> None:
    """Send beach widths of the country's sites for review (as its focal point)."""
    from litterhub.services import focal_points as svc

    with file.open(encoding="utf-8-sig", newline="") as f:
        rows = [{k.strip().lower(): (v or "").strip() for k, v in r.items() if k} for r in csv.DictReader(f)]
    hub = Hub.open(data_dir)
    _print(_run(svc.submit, hub, _acting(hub, by), country, "widths",
                {"widths": [r for r in rows if any(r.values())], "submitter": submitter, "note": note}))


@figures_app.command("list")
def list_figures(country: str, by: str | None = By, as_json: bool = typer.Option(False, "--json"),
                 data_dir: Path | None = DataDir) -> None:
    """A country's submissions (the operator sees all of them)."""
    from litterhub.services import focal_points as svc

    hub = Hub.open(data_dir)
    rows = _run(svc.for_country, hub, _run(svc.country_code, country), _acting(hub, by))
    if as_json:
        typer.echo(json.dumps(rows, default=str))
        return
    for sub in rows:
        _print(sub)


@figures_app.command("queue")
def queue(by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """Submissions waiting for review."""
    from litterhub.services import focal_points as svc

    hub = Hub.open(data_dir)
    for sub in _run(svc.queue, hub, _acting(hub, by)):
        _print(sub)


@figures_app.command("decide")
def decide(figure_id: int, action: str = typer.Argument(..., help="claim | approve | reject | request-changes"),
           reason: str = typer.Option("", "--reason", help="why (reject, request-changes) or a note (approve)"),
           by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """A reviewer's decision on a submission; approving stores the figures."""
    from litterhub.services import focal_points as svc

    hub = Hub.open(data_dir)
    _print(_run(svc.decide, hub, _acting(hub, by), figure_id, action, reason))


def register(app: typer.Typer) -> None:
    app.add_typer(figures_app, name="figures")
