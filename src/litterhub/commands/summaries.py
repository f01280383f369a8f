"""`litterhub summaries`: per-version summaries the read faces serve (services/summaries.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

summaries_app = typer.Typer(help="Per-version summaries (sites, facets, counts) that the read faces serve.",
                            no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(summaries_app, name="summaries")


@summaries_app.command("backfill")
def backfill_command(
    dataset: str | None = typer.Option(None, "--dataset", "-d", help="only this dataset (default: all)"),
    force: bool = typer.Option(False, "--force", help="recompute versions that already have summaries"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="data directory (default ./litterhub-data)"),
) -> None:
    """Summarise published versions that have no summary yet (hubs from before summaries); safe to repeat:
    a second run changes nothing."""
    from litterhub.services.hub import Hub
    from litterhub.services.summaries import backfill

    hub = Hub.open(data_dir)
    try:
        done = backfill(hub, force=force, dataset_id=dataset)
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps({"summarised": done}, default=str))
        return
    if not done:
        typer.echo("every published version has its summaries")
    for d in done:
        typer.echo(f"{d['dataset_id']} v{d['version']}: {d['events']} events, {d['site_rows']} site rows, "
                   f"{d['facets']} facet values")
