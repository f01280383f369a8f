"""`litterhub duplicates`: find surveys reported through two datasets, flag them with evidence and confidence."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from litterhub.harmonize.duplicates import MIN_SIMILARITY, SAME_SITE_DISTANCE_M

SHOWN = 50


def register(app: typer.Typer) -> None:
    app.command("duplicates", help="Find the same survey arriving through two datasets (site, date, transect, "
                "items); flag every pair with its evidence, leave only exact copies out of indicators.")(
        duplicates_command
    )


def duplicates_command(
    max_distance: float = typer.Option(SAME_SITE_DISTANCE_M, "--max-distance", min=1.0, max=5000.0,
                                       help="Largest distance in metres between two sites taken as one site."),
    min_similarity: float = typer.Option(MIN_SIMILARITY, "--min-similarity", min=0.0, max=1.0,
                                         help="Smallest Bray-Curtis similarity of the item vectors for a pair."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report only; store no flags."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (for scripts)."),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="data directory (default LITTERHUB_DATA, else ./litterhub-data)"),
) -> None:
    """Flag duplicate surveys across datasets with litter-duplicate-source; only exact copies leave indicators."""
    from litterhub.services.duplicates import detect_duplicates
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        report = detect_duplicates(hub, max_distance_m=max_distance, min_similarity=min_similarity,
                                   write=not dry_run)
    finally:
        hub.close()
    payload = report.as_dict()
    if as_json:
        typer.echo(json.dumps(payload, default=str))
        return
    counts = ", ".join(f"{n} {c}" for c, n in payload["confidence_counts"].items())
    typer.echo(f"{len(report.pairs)} candidate pairs across {report.datasets} datasets ({counts}): "
               f"{report.flagged_events} events flagged, {report.excluded_events} exact copies left out of "
               "indicators (one copy of each survey kept)" + ("" if report.stored else "; dry run: nothing stored"))
    for p in report.pairs[:SHOWN]:
        action = "exclude second" if p["action"] == "exclude-second" else "flag"
        typer.echo(f"  [{p['confidence']}] {action}: {p['first_event_id']} | {p['second_event_id']}: "
                   f"{p['evidence']}")
    if len(report.pairs) > SHOWN:
        typer.echo(f"  ... {len(report.pairs) - SHOWN} more (use --json)")
