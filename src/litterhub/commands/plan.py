"""`litterhub plan …`: the national action-plan workspace from the command line (thin over
services/action_plans.py). The command line acts as the local operator (admin) unless `--by EMAIL` names an
account, whose role in the plan then decides what it may do."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

plan_app = typer.Typer(help="National action-plan workspace: seven steps prefilled from the hub, measures tracked "
                       "from the surveys, sign-off, export.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
By = typer.Option(None, "--by", help="act as this account (e-mail); default: the local operator")


def _run(fn, *args):
    from litterhub.services import action_plans as svc
    from litterhub.services import focal_points as fp

    try:
        return fn(*args)
    except (svc.PlanError, fp.FigureError) as exc:
        details = [f"{e.get('field') or ''}: {e['message']}" for e in exc.errors if len(exc.errors) > 1]
        err.print(f"[red]error[/]: {'; '.join([str(exc), *details])} ({exc.code})")
        raise typer.Exit(2) from None


def _ctx(data_dir: Path | None, by: str | None):
    from litterhub.services import focal_points as fp

    hub = Hub.open(data_dir)
    return hub, _run(fp.cli_acting, hub, by)


def _user(hub: Hub, email: str | None) -> int | None:
    from litterhub.services import auth

    if not email:
        return None
    user = auth.find_user(hub, email)
    if user is None:
        err.print(f"[red]error[/]: no account {email!r} (plan-unknown-user)")
        raise typer.Exit(2)
    return user.id


@plan_app.command("open")
def open_(country: str, title: str = typer.Option("", "--title"),
          lead: str | None = typer.Option(None, "--lead", help="the team's lead (e-mail; default: --by)"),
          by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """Open a country's plan (an admin, or a focal point of the country)."""
    from litterhub.services import action_plans as svc

    hub, acting = _ctx(data_dir, by)
    plan = _run(svc.create, hub, acting, country, title, _user(hub, lead))
    console.print(f"opened {plan['title']} ({plan['country']}), draft")


@plan_app.command("member")
def member(country: str, email: str, role: str = typer.Option("member", "--role", help="lead | member | remove"),
           by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """Add a member to the team, change their role, or remove them."""
    from litterhub.services import action_plans as svc

    hub, acting = _ctx(data_dir, by)
    rows = _run(svc.set_member, hub, acting, country, _user(hub, email), None if role == "remove" else role)
    for r in rows:
        console.print(f"{r['role']}: {r['name']} <{r['email']}>")


@plan_app.command("notes")
def notes(country: str, step: str, text: str, by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """Save the team's text for a step (a new revision)."""
    from litterhub.services import action_plans as svc

    hub, acting = _ctx(data_dir, by)
    console.print(f"saved as revision {_run(svc.save_notes, hub, acting, country, step, text)}")


@plan_app.command("measure")
def measure(country: str, title: str = typer.Option(..., "--title"),
            items: str = typer.Option(..., "--items", help="master-list codes, comma-separated (G3,G4)"),
            instrument: str = typer.Option(..., "--instrument"),
            responsible: str = typer.Option(..., "--responsible"),
            start: int = typer.Option(..., "--start"), end: int | None = typer.Option(None, "--end"),
            cost: float | None = typer.Option(None, "--cost"), currency: str | None = typer.Option(None, "--currency"),
            indicator: str = typer.Option("items-per-survey", "--indicator"),
            source: list[str] = typer.Option([], "--source", help="litter source addressed (repeatable)"),
            by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """Add a measure to the action plan."""
    from litterhub.services import action_plans as svc

    hub, acting = _ctx(data_dir, by)
    m = _run(svc.add_measure, hub, acting, country, {
        "title": title, "items": items.split(","), "instrument": instrument, "responsible": responsible,
        "start_year": start, "end_year": end, "cost": cost, "currency": currency, "indicator": indicator,
        "sources": source})
    console.print(f"added measure {m['id']}: {m['title']}")


@plan_app.command("show")
def show(country: str, step: str = typer.Option("action-plan", "--step"), as_json: bool = typer.Option(False, "--json"),
         by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """One step as the workspace shows it (the measures with their tracked indicator on action-plan)."""
    from litterhub.services import action_plans as svc

    hub, acting = _ctx(data_dir, by)
    data = _run(svc.workspace, hub, acting, country, step)
    if as_json:
        typer.echo(json.dumps(data, default=str))
        return
    plan = data["plan"]
    console.print(f"{plan['title']} · {plan['status']} · revision {plan['revision']}")
    for m in data.get("measures", []):
        for c in m["tracking"]["classes"]:
            console.print(f"  {m['id']} {m['title']}: {c['direction']} (median {c['median']}, slope {c['slope']}, "
                          f"p {c['p_value']}; {c['class']})")


@plan_app.command("sign-off")
def sign_off(country: str, by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """The lead signs off the plan as it stands."""
    from litterhub.services import action_plans as svc

    hub, acting = _ctx(data_dir, by)
    console.print(f"signed off revision {_run(svc.sign_off, hub, acting, country)['signed_revision']}")


@plan_app.command("publish")
def publish(country: str, by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """The lead publishes the signed-off plan."""
    from litterhub.services import action_plans as svc

    hub, acting = _ctx(data_dir, by)
    console.print(f"{_run(svc.publish, hub, acting, country)['status']}")


@plan_app.command("export")
def export(country: str, fmt: str = typer.Option("json", "--format", help="json | csv | pdf"),
           out: Path = typer.Option(..., "--out", help="file to write"), lang: str = typer.Option("en", "--lang"),
           by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """The whole plan as JSON, its measures as CSV, or the document as PDF."""
    from litterhub.services import action_plans as svc

    if fmt not in ("json", "csv", "pdf"):
        err.print("[red]error[/]: --format is json, csv or pdf (plan-invalid-format)")
        raise typer.Exit(2)
    hub, acting = _ctx(data_dir, by)
    data = _run(svc.export, hub, acting, country)
    if fmt == "json":
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    elif fmt == "csv":
        out.write_text(svc.measures_csv(data), encoding="utf-8")
    else:
        from litterhub.web.plan_pdf import render_plan_pdf

        out.write_bytes(render_plan_pdf(data, lang)[1])
    console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
