"""`litterhub litter SETTINGS.yaml --out DIR`: litteR's beach-litter analysis from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("litter", help="Run litteR's analysis (litteR 1.0.0 compatible) on a litteR settings file.")(
        litter_command
    )


def litter_command(
    settings: Path = typer.Argument(
        ..., help="litteR settings file (.yaml); data and type files relative to it."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: litteR-results-<timestamp> next to the settings)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the tables and log as JSON."),
) -> None:
    """Write litteR-results.csv, location_stats.csv, regional_stats.csv, outliers.csv and topx.csv."""
    from litterhub.services import litter as service

    try:
        result = service.run_litter_settings(settings)
    except service.LitterInputError as exc:
        if as_json:
            payload = {
                "error": {"code": exc.code, "message": exc.message},
                "log": [{"level": e.level, "code": e.code, "message": e.message} for e in exc.log],
            }
            typer.echo(json.dumps(payload, indent=2))
        else:
            for entry in exc.log:
                if entry.level == "WARN":
                    typer.echo(f"WARN [{entry.code}] {entry.message}", err=True)
            typer.echo(f"ERROR [{exc.code}] {exc.message}", err=True)
        raise typer.Exit(code=2) from None
    target = out if out is not None else service.default_output_dir(settings)
    written = service.write_result(result, target)
    if as_json:
        payload = {"out": str(target), "files": [p.name for p in written], **service.result_tables(result)}
        typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        return
    for entry in result.log:
        if entry.level == "WARN":
            typer.echo(f"WARN [{entry.code}] {entry.message}", err=True)
    n_locations = result.location_stats["location_code"].nunique()
    typer.echo(f"litteR analysis: {n_locations} locations, {len(result.results)} result rows")
    for path in written:
        typer.echo(f"  wrote {path}")
