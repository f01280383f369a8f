"""`litterhub learning …`: the learning centre from the command line (thin over services/learning.py). Resources
and paths are registry records: add them with `litterhub registry import` like any record."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

learning_app = typer.Typer(help="Learning centre: courses, manuals and videos tied to the protocols; learning paths.",
                           no_args_is_help=True)
console = Console()
err = Console(stderr=True)
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
AsJson = typer.Option(False, "--json")


def _run(fn, *args, **kwargs):
    from litterhub.services import learning as svc

    try:
        return fn(*args, **kwargs)
    except svc.LearningError as exc:
        err.print(f"[red]error[/]: {exc} ({exc.code})")
        raise typer.Exit(2) from None


def _print_resources(rows: list[dict]) -> None:
    for r in rows:
        languages = ", ".join(r.get("languages", []))
        console.print(f"{r['id']}: {r['title']} [{r.get('level')}, {r.get('format')}, {languages}]")


@learning_app.command("list")
def list_(level: str | None = typer.Option(None), language: str | None = typer.Option(None),
          fmt: str | None = typer.Option(None, "--format"), skill: str | None = typer.Option(None),
          protocol: str | None = typer.Option(None), as_json: bool = AsJson, data_dir: Path | None = DataDir) -> None:
    """Learning resources matching every filter given."""
    from litterhub.services import learning as svc

    rows = _run(svc.resources, Hub.open(data_dir), level, language, fmt, skill, protocol)
    if as_json:
        typer.echo(json.dumps(rows))
        return
    _print_resources(rows)


@learning_app.command("path")
def path(path_id: str, as_json: bool = AsJson, data_dir: Path | None = DataDir) -> None:
    """A learning path's steps, in order."""
    from litterhub.services import learning as svc

    p = _run(svc.path, Hub.open(data_dir), path_id)
    if as_json:
        typer.echo(json.dumps(p))
        return
    console.print(p["title"])
    for s in p["steps"]:
        console.print(f"  {s['position']}. {s.get('title') or s['id']}" + ("" if s["found"] else " (not published)"))


@learning_app.command("for-dataset")
def for_dataset(dataset_id: str, as_json: bool = AsJson, data_dir: Path | None = DataDir) -> None:
    """The training for a dataset's protocol."""
    from litterhub.services import learning as svc

    found = _run(svc.for_dataset, Hub.open(data_dir), dataset_id)
    if as_json:
        typer.echo(json.dumps(found))
        return
    console.print("protocols: " + "; ".join(g["title"] for g in found["guidelines"]))
    _print_resources(found["resources"])
    for p in found["paths"]:
        console.print(f"path {p['id']}: {p['title']}")


@learning_app.command("match")
def match(need_id: str, as_json: bool = AsJson, data_dir: Path | None = DataDir) -> None:
    """Learning resources for a capacity need (shared topics, a common language, geography)."""
    from litterhub.services import learning as svc

    found = _run(svc.for_need, Hub.open(data_dir), need_id)
    if as_json:
        typer.echo(json.dumps(found))
        return
    for r in found["resources"]:
        console.print(f"{r['score']:.1f} {r['id']}: {r['title']}")


def register(app: typer.Typer) -> None:
    app.add_typer(learning_app, name="learning")
