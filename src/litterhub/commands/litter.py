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
    settings: Path = typer.Argument(..., help="litteR settings file (.yaml); data and type files relative to it."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: litteR-results-<timestamp> next to the settings)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the tables and log as JSON."),
    baseline: bool = typer.Option(False, "--baseline", help="Also run litteR 0.7.0's baseline analysis."),
    power: bool = typer.Option(False, "--power", help="Also run litteR 0.7.0's power analysis (Monte Carlo)."),
    n_sim: int = typer.Option(1000, "--n-sim", min=1, help="Power analysis: simulations per cell."),
    min_surveys: int = typer.Option(16, "--min-surveys", min=1, help="Power analysis: minimum surveys per series."),
    alpha: float = typer.Option(0.05, "--alpha", min=0.001, max=0.1, help="Power analysis: significance level."),
    resolution: float = typer.Option(10, "--resolution", min=1, max=50, help="Power analysis: effect size step (%)."),
    seed: int = typer.Option(314, "--seed", help="Power analysis: random seed."),
) -> None:
    """Write litteR-results.csv, location_stats.csv, regional_stats.csv, outliers.csv and topx.csv."""
    from litterhub.services import litter as service

    try:
        legacy = service.LegacyOptions(
            baseline=baseline,
            power=power,
            min_surveys=min_surveys,
            n_sim=n_sim,
            alpha=alpha,
            resolution_effect_size=resolution,
            seed=seed,
        )
        result = service.run_litter_settings(settings, legacy)
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
    try:
        written = service.write_result(result, target)
    except OSError as exc:
        typer.echo(
            f"ERROR [litter-output-not-writable] Cannot write the results to '{target}': {exc.strerror}", err=True
        )
        raise typer.Exit(code=2) from None
    if as_json:
        payload = {**service.result_tables(result), "out": str(target), "files": [p.name for p in written]}
        typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        return
    for entry in result.log:
        if entry.level == "WARN":
            typer.echo(f"WARN [{entry.code}] {entry.message}", err=True)
    n_locations = result.location_stats["location_code"].nunique()
    typer.echo(f"litteR analysis: {n_locations} locations, {len(result.results)} result rows")
    for path in written:
        typer.echo(f"  wrote {path}")
