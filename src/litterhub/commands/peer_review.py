"""`litterhub peer-review …`: the advisory body's expert roster and peer review of registry records (thin over
services/peer_review.py). Not `litterhub review`-style moderation of contributions. The command line acts as the
local operator (admin) unless `--by EMAIL` names an account (a roster manager, or an assigned reviewer)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

review_app = typer.Typer(help="Advisory body: expert roster with declared conflicts, peer review of guidelines, "
                         "reports and practices.", no_args_is_help=True)
console = Console()
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
By = typer.Option(None, "--by", help="act as this account (e-mail); default: the local operator")


def _ctx(data_dir: Path | None, by: str | None):
    from litterhub.services import focal_points as fp

    hub = Hub.open(data_dir)
    return hub, fp.cli_acting(hub, by)


def _user_id(hub: Hub, email: str) -> int:
    from litterhub.services import auth
    from litterhub.services import peer_review as svc

    user = auth.find_user(hub, email)
    if user is None:
        raise svc.ReviewError("review-unknown-user", f"no account {email!r}", 404, "email")
    return user.id


def _show(review: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(review))
        return
    console.print(f"review {review['id']} of {review['record_id']} r{review['revision']}: {review['status']}"
                  f" · {review['submitted']}/{review['assigned']} submitted"
                  f"{' · decision ' + review['decision'] if review['decision'] else ''}")


@review_app.command("roster-add")
def roster_add(email: str, expertise: str = typer.Option("", "--expertise", help="registry topics, comma-separated"),
               conflicts: str = typer.Option("", "--conflicts", help="declared conflicts of interest, in words"),
               orgs: str = typer.Option("", "--conflict-orgs", help="organisations (names or actor ids), comma-sep."),
               records: str = typer.Option("", "--conflict-records", help="registry record ids, comma-separated"),
               data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Put an account on the roster (or replace its declaration)."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    m = svc.roster_add(hub, acting, _user_id(hub, email), expertise, conflicts, orgs, records)
    console.print(f"on the roster: {m['name']} ({', '.join(m['expertise']) or 'no expertise declared'})")


@review_app.command("roster")
def roster(as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """The roster with every declaration."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    rows = svc.roster(hub, acting)
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for m in rows:
        console.print(f"{m['user_id']}: {m['name']} <{m['email']}> · {', '.join(m['expertise'])} · conflicts: "
                      f"{m['conflicts'] or '–'} {'; '.join(m['conflict_orgs'] + m['conflict_records'])}")


@review_app.command("manager")
def manager(email: str, remove: bool = typer.Option(False, "--remove"), data_dir: Path | None = DataDir,
            by: str | None = By) -> None:
    """Make an account a roster manager (admins)."""
    from litterhub.services import people

    hub, acting = _ctx(data_dir, by)
    people.set_manager(hub, acting, _user_id(hub, email), not remove)
    console.print(f"{email}: {'no longer ' if remove else ''}roster manager")


@review_app.command("open")
def open_(record_id: str, revision: int | None = typer.Option(None, "--revision"),
          as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Open a review of a record's published revision."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    _show(svc.open_review(hub, acting, record_id, revision), as_json)


@review_app.command("assign")
def assign(review_id: int, email: str, data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Assign a roster member (refused for a declared conflict of interest)."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    _show(svc.assign(hub, acting, review_id, _user_id(hub, email)), False)


@review_app.command("submit")
def submit(review_id: int, soundness: int = typer.Option(..., "--scientific-soundness", help="1-5"),
           clarity: int = typer.Option(..., "--clarity", help="1-5"),
           applicability: int = typer.Option(..., "--applicability", help="1-5"),
           comments: str = typer.Option(..., "--comments"),
           recommendation: str = typer.Option(..., "--recommendation", help="accept | minor | major | reject"),
           data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """The assigned reviewer's structured review (use --by)."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    scores = {"scientific-soundness": soundness, "clarity": clarity, "applicability": applicability}
    _show(svc.submit(hub, acting, review_id, scores, comments, recommendation), False)


@review_app.command("reconcile")
def reconcile(review_id: int, summary: str = typer.Option(..., "--summary"),
              decision: str = typer.Option(..., "--decision", help="accept | minor | major | reject"),
              data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """The manager's summary and decision, once every assigned reviewer has submitted."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    _show(svc.reconcile(hub, acting, review_id, summary, decision), False)


@review_app.command("publish")
def publish(review_id: int, data_dir: Path | None = DataDir, by: str | None = By) -> None:
    """Publish the reconciled review record (linked from the reviewed record)."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    _show(svc.publish(hub, acting, review_id), False)


@review_app.command("show")
def show(review_id: int, as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir,
         by: str | None = By) -> None:
    """One review as the caller may see it."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    _show(svc.get(hub, acting, review_id), as_json)


@review_app.command("list")
def list_(record: str | None = typer.Option(None, "--record"), data_dir: Path | None = DataDir,
          by: str | None = By) -> None:
    """Reviews the caller may see."""
    from litterhub.services import peer_review as svc

    hub, acting = _ctx(data_dir, by)
    for r in svc.reviews(hub, acting, record):
        console.print(f"{r['id']}: {r['record_id']} r{r['revision']} · {r['status']}"
                      f"{' · ' + r['decision'] if r['decision'] else ''}")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="peer-review")
