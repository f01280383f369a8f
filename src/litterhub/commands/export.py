"""`litterhub export`: write a whole-hub bulk snapshot (Data Packages, GeoParquet, DCAT-AP, DataCite)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

console = Console(stderr=True)


def export(
    out: Path | None = typer.Option(None, "--out", help="folder to write the snapshot into (default: <data>/exports)"),
    base_url: str = typer.Option("http://localhost:8000", "--base-url",
                                 help="public URL of the hub, used in the metadata links"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (for scripts)"),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="data directory (default LITTERHUB_DATA, else ./litterhub-data)"),
) -> None:
    """Bulk snapshot of every dataset's current version, with the catalogue and a checksummed manifest."""
    from litterhub.services.export import export_hub

    hub = Hub.open(data_dir)
    try:
        result = export_hub(hub, out, base_url.rstrip("/"),
                            progress=None if as_json else lambda name: console.print(f"exporting {name}"))
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
    else:
        typer.echo(f"snapshot of {result.datasets} dataset(s), {len(result.files)} files: {result.path}")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
