"""`litterhub downloads`: the stored dataset-version downloads (services/download_store.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

downloads_app = typer.Typer(help="Stored dataset-version downloads: pre-build, show or clear them.",
                            no_args_is_help=True)

DATA_DIR = typer.Option(None, "--data-dir", help="data directory (default ./litterhub-data)")
AS_JSON = typer.Option(False, "--json", help="print one JSON object")


def register(app: typer.Typer) -> None:
    app.add_typer(downloads_app, name="downloads")


@downloads_app.command("warm")
def warm_command(
    dataset: str | None = typer.Option(None, "--dataset", "-d", help="only this dataset (default: all)"),
    base_url: str | None = typer.Option(None, "--base-url",
                                        help="the address requests arrive at (default LITTERHUB_BASE_URL); "
                                             "the Data Package zip names it and is made only when it is known"),
    as_json: bool = AS_JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Produce every format of each current version now, so no visitor waits for the first export."""
    from litterhub.services import downloads as dl
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        made = dl.warm_store(hub, (base_url or hub.settings.base_url or "").rstrip("/") or None, dataset)
        usage = dl.store_usage(hub)
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps({"files": made, "store": usage}))
        return
    for m in made:
        state = "made" if m["produced"] else "already stored"
        typer.echo(f"{m['dataset_id']} v{m['version']} {m['format']}"
                   f"{'/' + m['table'] if m['format'] == 'csv' else ''}: {m['bytes']:,} bytes, {state}")
    typer.echo(f"store: {usage['files']} files, {usage['bytes']:,} of {usage['max_bytes']:,} bytes ({usage['path']})")


@downloads_app.command("status")
def status_command(as_json: bool = AS_JSON, data_dir: Path | None = DATA_DIR) -> None:
    """How many files the store holds and how large they are."""
    from litterhub.services import downloads as dl
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        usage = dl.store_usage(hub)
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps(usage))
        return
    typer.echo(f"{usage['files']} files, {usage['bytes']:,} of {usage['max_bytes']:,} bytes ({usage['path']})")


@downloads_app.command("clear")
def clear_command(as_json: bool = AS_JSON, data_dir: Path | None = DATA_DIR) -> None:
    """Delete every stored download; each is produced again when it is first asked for."""
    from litterhub.services import downloads as dl
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        removed = dl.clear_store(hub)
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps(removed))
        return
    typer.echo(f"removed {removed['files']} files ({removed['bytes']:,} bytes)")
