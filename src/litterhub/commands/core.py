"""Core commands: init, ingest, datasets, serve, demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from litterhub.services.hub import Hub

console = Console()
err = Console(stderr=True)


def _hub(data_dir: Path | None) -> Hub:
    from litterhub.services.hub import Hub  # SQLAlchemy, Alembic, DuckDB, pyarrow: not for `--help`

    return Hub.open(data_dir)


# The server's compute pool runs heavy work in threads (http/compute.py); with CPython's default 5 ms switch
# interval the event loop waits up to 5 ms per thread for the GIL at every await that released it, so a health
# check behind three heavy requests took ~250 ms (bench/load.py). 1 ms keeps the loop's turn short; the heavy
# threads lose a few per cent to extra switches, which the load benchmark measures.
SERVER_SWITCH_INTERVAL_S = 0.001

DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
Mapping = typer.Option(None, "--mapping", help="YAML column mapping for --format generic (litterhub mapping draft)")


def init(data_dir: Path | None = DataDir) -> None:
    """Create the data directory and the catalog (applies migrations; safe to repeat)."""
    hub = _hub(data_dir)
    from litterhub.services.setup import initialise

    done = initialise(hub)
    console.print(f"litterhub data directory ready: {hub.settings.data_dir}")
    for line in done:
        console.print(f"  {line}")


def ingest(
    file: Path = typer.Argument(..., help="programme export to ingest"),
    fmt: str = typer.Option("auto", "--format", "-f", help="a format name (see docs/formats-*.md), generic, or auto"),
    dataset: str | None = typer.Option(None, "--dataset", help="dataset id (default: <format>-<file name>)"),
    mapping: Path | None = Mapping,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (for scripts)"),
    allow_copy: bool = typer.Option(False, "--allow-copy", help="ingest even if the same bytes are already in the "
                                    "hub under another dataset id (refused by default: known-file-other-dataset)"),
    data_dir: Path | None = DataDir,
) -> None:
    """Validate, harmonise and store a programme export as a new dataset version."""
    from litterhub.services.ingest import ingest_file

    hub = _hub(data_dir)
    if as_json:
        result = ingest_file(hub, file, fmt, dataset, mapping=mapping, allow_copy=allow_copy)
        typer.echo(json.dumps(result.as_dict(), default=str))
    else:
        with Progress(TextColumn("ingesting {task.description}"), BarColumn(), TextColumn("{task.completed} rows"),
                      TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task(file.name, total=None)
            result = ingest_file(hub, file, fmt, dataset, progress=lambda n: bar.advance(task, n), mapping=mapping,
                                 allow_copy=allow_copy)
        _print_result(result)
    raise typer.Exit(0 if result.ok else 2)


def validate(
    file: Path = typer.Argument(..., help="programme export to check"),
    fmt: str = typer.Option("auto", "--format", "-f", help="format name or auto"),
    mapping: Path | None = Mapping,
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (for scripts)"),
    data_dir: Path | None = DataDir,
) -> None:
    """Check a file completely without storing anything (same report as ingest)."""
    from litterhub.services.ingest import ingest_file

    result = ingest_file(_hub(data_dir), file, fmt, dry_run=True, mapping=mapping)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), default=str))
    else:
        _print_result(result)
    raise typer.Exit(0 if result.ok else 2)


def _print_result(result) -> None:
    r = result.report
    if result.unchanged:
        console.print(f"[yellow]unchanged[/]: identical bytes already ingested as {result.dataset_id} "
                      f"version {result.version}")
    elif result.ok and result.version is None:
        console.print(f"[green]valid[/] ({r.format}: {r.format_reason}); nothing stored")
    elif result.ok:
        console.print(f"[green]ingested[/] {result.dataset_id} version {result.version} ({r.format}: "
                      f"{r.format_reason})")
    else:
        console.print("[red]not ingested[/]: the file is not usable; nothing was stored")
    console.print(f"rows in {r.rows_in} = accepted {r.rows_accepted} + rejected {r.rows_rejected}")
    for note in r.notes:
        console.print(f"note: {note}")
    for title, issues in (("errors", r.errors), ("warnings", r.warnings)):
        if not issues:
            continue
        table = Table(title=f"{title} ({sum(r.counts[i.code] for i in {x.code: x for x in issues}.values())})")
        for col in ("line", "column", "code", "message"):
            table.add_column(col)
        for issue in issues[:20]:
            table.add_row(str(issue.line or ""), issue.column or "", issue.code, issue.message)
        console.print(table)
        if len(issues) > 20:
            console.print(f"... {len(issues) - 20} more {title}; use --json for all")


def datasets(as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """List the datasets in the hub with their current version."""
    from litterhub.services.datasets import list_datasets

    rows = list_datasets(_hub(data_dir))
    if as_json:
        typer.echo(json.dumps(rows, default=str))
        return
    table = Table(title="datasets")
    for col in ("id", "version", "programme", "events", "from", "to", "licence"):
        table.add_column(col)
    for d in rows:
        table.add_row(d["id"], str(d["version"]), d["source_programme"], str(d["n_events"]), d["date_min"] or "",
                      d["date_max"] or "", d["licence"])
    console.print(table)


def serve(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
          workers: int = typer.Option(1, "--workers", min=1, help="server processes on this port (PostgreSQL "
                                      "catalog only; see docs/deployment.md)"),
          data_dir: Path | None = DataDir) -> None:
    """Start the web hub and API."""
    import uvicorn

    hub = _hub(data_dir)
    if workers > 1:
        # Several processes share sessions, jobs, rate limits and cache validity only through a PostgreSQL
        # catalog; on SQLite each write would queue behind the file lock and the limits would be per process.
        if hub.engine.dialect.name != "postgresql":
            err.print("--workers above 1 needs a PostgreSQL catalog (LITTERHUB_DATABASE_URL): on SQLite the rate "
                      "limits would be per process and writers would queue on the file lock; serve one process")
            raise typer.Exit(2)
        from litterhub.store.settings import hand_data_dir_to_children

        hand_data_dir_to_children(hub.settings.data_dir)  # the workers open the same hub from the environment
        hub.close()
        console.print(f"litterhub is serving on http://{host}:{port}/ with {workers} worker processes")
        uvicorn.run("litterhub.commands.core:worker_app", factory=True, workers=workers, host=host, port=port,
                    log_level="warning", proxy_headers=False)
        return
    app = _server_app(hub)
    console.print(f"litterhub is serving on http://{host}:{port}/  (API: http://{host}:{port}/api/v1/)")
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; the app honours it only
    # from LITTERHUB_TRUSTED_PROXIES (http/guards.py)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def _server_app(hub: Hub):  # noqa: ANN202 - FastAPI is not imported for --help
    import sys

    from litterhub.app import create_app
    from litterhub.vocab.regions import preload

    app = create_app(hub)
    preload()
    sys.setswitchinterval(SERVER_SWITCH_INTERVAL_S)
    return app


def worker_app():  # noqa: ANN201
    """One process of `serve --workers N` (uvicorn's factory): the hub named by the environment."""
    return _server_app(_hub(None))


def demo(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
         no_serve: bool = typer.Option(False, "--no-serve", help="load the samples but do not start the server"),
         data_dir: Path | None = DataDir) -> None:
    """Initialise the hub, load the bundled real samples and serve it."""
    from litterhub.services.setup import initialise, load_demo

    hub = _hub(data_dir)
    initialise(hub)
    for result in load_demo(hub):
        state = "unchanged" if result.unchanged else f"version {result.version}"
        console.print(f"demo: {result.dataset_id} {state} ({result.report.rows_accepted} rows)")
    if not no_serve:
        serve(host, port, workers=1, data_dir=data_dir)


def register(app: typer.Typer) -> None:
    for command in (init, ingest, validate, datasets, serve, demo):
        app.command(command.__name__)(command)
