"""`litterhub sites`: the hub's sites, their marine regions, and re-assigning those after an upgrade."""

from __future__ import annotations

import json
from pathlib import Path

import typer

sites_app = typer.Typer(help="Sites and their marine regions.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(sites_app, name="sites")


@sites_app.command("reassign-regions")
def reassign_regions_command(
    dataset: list[str] = typer.Option(None, "--dataset", "-d", help="only these datasets (default: all)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="report what would change; store nothing"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="data directory (default LITTERHUB_DATA, else ./litterhub-data)"),
) -> None:
    """Give stored sites and events the marine regions of the installed polygons (docs/regions.md).

    Sites are updated in the catalog; a dataset whose events change is published as its next version (the
    earlier versions stay, so numbers computed from them remain citable)."""
    from litterhub.services.datasets import NotFound
    from litterhub.services.hub import Hub
    from litterhub.services.regions import reassign_regions
    from litterhub.store.locks import DatasetBusy

    hub = Hub.open(data_dir)
    try:
        result = reassign_regions(hub, dataset or None, actor="cli", write=not dry_run)
    except NotFound as exc:
        typer.echo(f"error [litter-dataset-not-found] {exc}", err=True)
        raise typer.Exit(2) from None
    except DatasetBusy as exc:
        typer.echo(f"error [{exc.code}] {exc}", err=True)
        raise typer.Exit(3) from None
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
        return
    verb = "would change" if dry_run else "changed"
    typer.echo(f"sites with coordinates: {result.sites}; region {verb}: {result.sites_changed}; within "
               f"{result.max_coast_km:g} km of a marine polygon: {result.sites_within_distance} "
               f"(left Unknown: {result.sites_unknown_within_distance})")
    for d in result.datasets:
        done = f" -> version {d.version}" if d.version else ""
        typer.echo(f"  {d.dataset_id} v{d.from_version}: {d.events_changed} of {d.events} events {verb}{done}")


@sites_app.command("show")
def show_command(
    site_id: str = typer.Argument(..., help="the site id (as in /sites/<id>)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="data directory (default LITTERHUB_DATA, else ./litterhub-data)"),
) -> None:
    """What the site page shows: datasets and programmes, the item mix per comparability class, downloads."""
    from litterhub.services.datasets import NotFound
    from litterhub.services.hub import Hub
    from litterhub.services.site_page import site_page

    hub = Hub.open(data_dir)
    try:
        page = site_page(hub, site_id)
    except NotFound as exc:
        typer.echo(f"error [litter-site-not-found] {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        hub.close()
    page.pop("events", None)
    if as_json:
        typer.echo(json.dumps(page, default=str))
        return
    typer.echo(f"{page['name']} ({page['id']}), {page.get('country') or '-'}: {len(page['timeline'])} counted surveys")
    for d in page["datasets"]:
        typer.echo(f"  dataset {d['id']} v{d['version']} ({d['programme']}, {d['licence']}): {d['surveys']} surveys")
    for m in page["mix"]:
        typer.echo(f"  [{m['cls']}] {m['surveys']} surveys, {m['total']:g} items")
        for r in m["items"]:
            typer.echo(f"    {r['pct']:5.1f} %  {r['name']} ({r['item']})")
        if m["others"]:
            typer.echo(f"    {m['others']['pct']:5.1f} %  others")
    for d in page["downloads"]:
        typer.echo(f"  download {d['format']}: {d['url']}")
