"""`litterhub forum …` and `litterhub notifications …`: read the forum, and the operator's side of notifications
(thin over services/forum.py and services/notifications.py).

`litterhub notifications send-digest` is what cron runs (e.g. daily at 06:00): it retries every e-mail that could
not be sent (the SMTP server was down) and sends each digest reader one e-mail with their waiting notifications.
Refusals are HubErrors, printed by cli.py as `error: MESSAGE (CODE)` with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

forum_app = typer.Typer(help="Forum: threads by theme, region and country.", no_args_is_help=True)
notifications_app = typer.Typer(help="Notifications: send the e-mail digest and retry unsent e-mail (cron).",
                                no_args_is_help=True)
console = Console()
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
Json = typer.Option(False, "--json", help="print JSON")


@forum_app.command("list")
def list_(theme: str | None = typer.Option(None, "--theme"), region: str | None = typer.Option(None, "--region"),
          country: str | None = typer.Option(None, "--country", help="ISO3"),
          q: str | None = typer.Option(None, "--q", help="search words"), limit: int = typer.Option(50, "--limit"),
          as_json: bool = Json, data_dir: Path | None = DataDir) -> None:
    """Threads, most recently active first."""
    from litterhub.services import forum as svc

    hub = Hub.open(data_dir)
    found = svc.list_threads(hub, theme, region, country, q=q, limit=limit)
    if as_json:
        console.print_json(json.dumps(found))
        return
    console.print(f"{found['total']} thread(s)")
    for t in found["threads"]:
        where = " ".join(x for x in (t["country"], t["region"], t["theme"]) if x)
        lock = " [locked]" if t["locked"] else ""
        console.print(f"#{t['id']}  {t['title']}{lock}  ({t['posts']} posts, {t['author']}, "
                      f"{t['last_post_at'][:10]}) {where}", markup=False, highlight=False)


@forum_app.command("show")
def show(thread_id: int, as_json: bool = Json, data_dir: Path | None = DataDir) -> None:
    """A thread with its numbered posts (hidden posts shown as hidden)."""
    from litterhub.services import forum as svc

    hub = Hub.open(data_dir)
    t = svc.get_thread(hub, thread_id)
    if as_json:
        console.print_json(json.dumps(t))
        return
    console.print(f"{t['title']}{'  [locked]' if t['locked'] else ''}", markup=False, highlight=False)
    for p in t["items"]:
        console.print(f"\n#{p['number']} {p['author']} (@{p['author_handle']}) {p['created_at'][:16]}",
                      markup=False, highlight=False)
        if p["quote"]:
            console.print(f"  > #{p['quote']['number']} {p['quote']['author']}: {p['quote']['excerpt'] or '…'}",
                          markup=False, highlight=False)
        console.print("  [hidden by a moderator]" if p["body"] is None else p["body"], markup=False,
                      highlight=False)


@notifications_app.command("send-digest")
def send_digest(data_dir: Path | None = DataDir) -> None:
    """Retry unsent e-mail and send the digests (run it from cron, e.g. once a day)."""
    from litterhub.services import notifications as svc

    hub = Hub.open(data_dir)
    counts = svc.send_digest(hub)
    console.print_json(json.dumps(counts))
    if counts["failed"] or counts["digest_failed"]:
        raise typer.Exit(1)


@notifications_app.command("outbox")
def outbox(data_dir: Path | None = DataDir) -> None:
    """E-mails by status (pending ones wait for the SMTP server or the digest)."""
    from litterhub.services import notifications as svc

    console.print_json(json.dumps(svc.outbox(Hub.open(data_dir))))


def register(app: typer.Typer) -> None:
    app.add_typer(forum_app, name="forum")
    app.add_typer(notifications_app, name="notifications")
