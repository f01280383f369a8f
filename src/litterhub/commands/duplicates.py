"""`litterhub duplicates`: find surveys reported through two programmes and mark the copy indicators use."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("duplicates", help="Find the same survey arriving through two programmes (site, date, items).")(
        duplicates_command
    )


def duplicates_command(
    max_distance: float = typer.Option(500.0, "--max-distance", min=1.0, help="Largest site distance in metres."),
    max_days: int = typer.Option(0, "--max-days", min=0, max=30, help="Largest date difference in days."),
    min_similarity: float = typer.Option(0.5, "--min-similarity", min=0.0, max=1.0,
                                         help="Smallest Bray-Curtis similarity of the item profiles."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only; store no flags."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (for scripts)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", envvar="LITTERHUB_DATA",
                                         help="data directory (default ./litterhub-data)"),
) -> None:
    """Flag duplicate surveys across datasets with litter-duplicate-source; one copy per pair stays in indicators."""
    from litterhub.services.duplicates import detect_duplicates
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        report = detect_duplicates(hub, max_distance_m=max_distance, max_days=max_days,
                                   min_similarity=min_similarity, write=not dry_run)
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), default=str))
        return
    typer.echo(f"{len(report.pairs)} duplicate pairs across {report.datasets} datasets: "
               f"{report.flagged_events} events flagged, {report.excluded_events} left out of indicators"
               + ("" if report.path else " (dry run: nothing stored)"))
    for p in report.pairs[:50]:
        typer.echo(f"  keep {p['keep_event_id']}  drop {p['drop_event_id']}  "
                   f"{p['distance_m']:.0f} m, {p['days']} d, similarity {p['similarity']:.2f}")
    if len(report.pairs) > 50:
        typer.echo(f"  ... {len(report.pairs) - 50} more (use --json)")
