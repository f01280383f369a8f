"""`litterhub evidence …`: the living evidence review from the command line (thin over services/evidence.py). The
command line acts as the local operator (admin) unless `--by EMAIL` names an account, whose role in the project
then decides what it may do (a screener must be assigned; only the lead resolves conflicts)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

evidence_app = typer.Typer(help="Living evidence review: evidence records, two-screener screening, evidence maps, "
                           "CSV and RIS exports.", no_args_is_help=True)
console = Console()
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
By = typer.Option(None, "--by", help="act as this account (e-mail); default: the local operator")
Topic = typer.Option(None, "--topic", help="source-to-sea | human-health | job-transition")
Compartment = typer.Option(None, "--compartment")
Route = typer.Option(None, "--exposure-route", help="ingestion | inhalation | dermal")
AsJson = typer.Option(False, "--json", help="print JSON")


def _call(fn, *args, **kwargs):
    """The service's answer, or its HubError printed as `error: MESSAGE (CODE)` with exit status 2."""
    from litterhub.errors import HubError

    try:
        return fn(*args, **kwargs)
    except HubError as exc:
        Console(stderr=True).print(f"error: {exc} ({exc.code})", highlight=False, markup=False)
        raise typer.Exit(2) from None


def _ctx(data_dir: Path | None, by: str | None):
    from litterhub.services import focal_points as fp

    hub = Hub.open(data_dir)
    return hub, _call(fp.cli_acting, hub, by)


def _user_id(hub: Hub, email: str) -> int:
    from litterhub.services import auth
    from litterhub.services import evidence as svc

    def find() -> int:
        user = auth.find_user(hub, email)
        if user is None:
            raise svc.EvidenceError("evidence-unknown-user", f"no account {email!r}", 404, "email")
        return user.id

    return _call(find)


@evidence_app.command("seed")
def seed(data_dir: Path | None = DataDir) -> None:
    """Load the bundled evidence records (real studies; unverified coding). Safe to repeat."""
    from litterhub.services import evidence as svc

    result = _call(svc.load_seed, Hub.open(data_dir))
    console.print(f"evidence records: {result['created']} created, {result['total']} in the seed")


@evidence_app.command("records")
def records(data_dir: Path | None = DataDir, topic: str | None = Topic, stage: str | None = typer.Option(None),
            endpoint: str | None = typer.Option(None), compartment: str | None = Compartment,
            exposure_route: str | None = Route, as_json: bool = AsJson) -> None:
    """List evidence records (filtered)."""
    from litterhub.services import evidence as svc

    rows = _call(svc.records, Hub.open(data_dir), topic=topic, stage=stage, endpoint=endpoint, compartment=compartment,
                       exposure_route=exposure_route)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return
    for r in rows:
        console.print(f"{r['id']:>4}  {r['year'] or '':>4}  {r['stage'] or '-':<16} {r['endpoint'] or '-':<17} "
                      f"{r['title'][:70]}", highlight=False, markup=False)


@evidence_app.command("map")
def evidence_map(data_dir: Path | None = DataDir, topic: str | None = Topic, compartment: str | None = Compartment,
                 exposure_route: str | None = Route, as_json: bool = AsJson) -> None:
    """Evidence records per source-to-sea stage × endpoint (non-empty cells)."""
    from litterhub.services import evidence as svc

    m = _call(svc.evidence_map, Hub.open(data_dir), topic=topic, compartment=compartment, exposure_route=exposure_route)
    if as_json:
        print(json.dumps(m, ensure_ascii=False, indent=1))
        return
    for stage, row in m["cells"].items():
        for endpoint, n in row.items():
            if n:
                console.print(f"{stage:<16} {endpoint:<17} {n}", highlight=False, markup=False)
    console.print(f"total {m['total']}, not coded {m['uncoded']}", highlight=False)


@evidence_app.command("export")
def export(fmt: str = typer.Argument(..., help="csv or ris"), output: Path | None = typer.Option(
        None, "-o", "--output", help="file to write (default: standard output)"), data_dir: Path | None = DataDir,
        topic: str | None = Topic, compartment: str | None = Compartment,
        exposure_route: str | None = Route) -> None:
    """Export the (filtered) evidence records as CSV or RIS."""
    from litterhub.services import evidence as svc

    if fmt not in ("csv", "ris"):
        Console(stderr=True).print("error: the format is csv or ris (evidence-invalid-format)", markup=False)
        raise typer.Exit(2)
    rows = _call(svc.records, Hub.open(data_dir), topic=topic, compartment=compartment, exposure_route=exposure_route)
    text = svc.to_csv(rows) if fmt == "csv" else svc.to_ris(rows)
    if output:
        output.write_text(text, encoding="utf-8", newline="")
        console.print(f"{len(rows)} records written to {output}", highlight=False)
    else:
        print(text, end="")


@evidence_app.command("projects")
def projects(data_dir: Path | None = DataDir) -> None:
    """List the review projects with how many studies are in each phase."""
    from litterhub.services import evidence as svc

    for p in svc.projects(Hub.open(data_dir)):
        phases = ", ".join(f"{k} {v}" for k, v in p["phases"].items())
        console.print(f"{p['slug']}  [{p['topic']}]  {p['title']}  ({phases})", highlight=False, markup=False)


@evidence_app.command("open")
def open_project(title: str = typer.Argument(...), question: str = typer.Option(..., "--question"),
                 criteria: str = typer.Option(..., "--criteria", help="inclusion criteria"),
                 topic: str = typer.Option("source-to-sea", "--topic"),
                 lead: str = typer.Option(..., "--lead", help="e-mail of the lead's account"),
                 data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Open a review project led by an account."""
    from litterhub.services import evidence as svc

    hub, who = _ctx(data_dir, by)
    data = {"title": title, "question": question, "criteria": criteria, "topic": topic}
    p = _call(svc.create_project, hub, who, data, _user_id(hub, lead))
    console.print(f"opened {p['slug']}", highlight=False)


@evidence_app.command("assign")
def assign(slug: str, email: str, remove: bool = typer.Option(False, "--remove"), data_dir: Path | None = DataDir,
           by: str | None = By) -> None:
    """Assign (or --remove) a screener."""
    from litterhub.services import evidence as svc

    hub, who = _ctx(data_dir, by)
    members = _call(svc.set_screener, hub, who, slug, _user_id(hub, email), not remove)
    console.print(", ".join(f"{m['name']} ({m['role']})" for m in members), highlight=False, markup=False)


@evidence_app.command("add")
def add(slug: str, title: str = typer.Option(..., "--title"), authors: str = typer.Option("", "--authors",
        help="separated by ;"), year: int | None = typer.Option(None, "--year"),
        journal: str | None = typer.Option(None, "--journal"), doi: str | None = typer.Option(None, "--doi"),
        stage: str | None = typer.Option(None, "--stage"), endpoint: str | None = typer.Option(None, "--endpoint"),
        compartment: str | None = typer.Option(None, "--compartment"),
        exposure_route: str | None = typer.Option(None, "--exposure-route"),
        effect: str | None = typer.Option(None, "--effect"), design: str | None = typer.Option(None, "--design"),
        data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Add a study to screen (the lead)."""
    from litterhub.services import evidence as svc

    hub, who = _ctx(data_dir, by)
    c = _call(svc.add_candidate, hub, who, slug, {"title": title, "authors": authors, "year": year, "journal": journal,
                                           "doi": doi, "stage": stage, "endpoint": endpoint, "effect": effect,
                                           "compartment": compartment, "exposure_route": exposure_route,
                                           "design": design})
    console.print(f"candidate {c['id']} added ({c['phase']})", highlight=False)


@evidence_app.command("screen")
def screen(slug: str, candidate: int, decision: str = typer.Argument(..., help="include or exclude"),
           reason: str | None = typer.Option(None, "--reason", help="exclusion reason code"),
           by: str = typer.Option(..., "--by", help="the screener's account (e-mail)"),
           data_dir: Path | None = DataDir) -> None:
    """Record a screener's decision on a study's current phase."""
    from litterhub.services import evidence as svc

    hub, who = _ctx(data_dir, by)
    c = _call(svc.screen, hub, who, slug, candidate, decision, reason)
    console.print(f"candidate {candidate}: {c['phase']}{' (conflict)' if c['conflict'] else ''}", highlight=False)


@evidence_app.command("resolve")
def resolve(slug: str, candidate: int, decision: str = typer.Argument(..., help="include or exclude"),
            reason: str = typer.Option(..., "--reason"), by: str | None = By,
            data_dir: Path | None = DataDir) -> None:
    """Resolve a screeners' conflict (the lead)."""
    from litterhub.services import evidence as svc

    hub, who = _ctx(data_dir, by)
    c = _call(svc.resolve, hub, who, slug, candidate, decision, reason)
    console.print(f"candidate {candidate}: {c['phase']}", highlight=False)


@evidence_app.command("appraise")
def appraise(record: int, scores: list[str] = typer.Argument(..., help="criterion=score pairs (0-2), e.g. "
             "design=2 exposure=1 controls=1 replication=2 identification=2 reporting=1"),
             by: str | None = By, data_dir: Path | None = DataDir) -> None:
    """Appraise an evidence record's quality (docs/evidence.md)."""
    from litterhub.services import evidence as svc

    pairs = dict(s.split("=", 1) for s in scores if "=" in s)
    hub, who = _ctx(data_dir, by)
    r = _call(svc.appraise, hub, who, record, pairs)
    console.print(f"record {record}: {r['quality_rating']} ({r['quality_score']}/{svc.QUALITY_MAX})", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(evidence_app, name="evidence")
