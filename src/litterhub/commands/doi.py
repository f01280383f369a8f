"""`litterhub doi mint|status DATASET@VERSION`: register a dataset version's DOI with DataCite.

Thin: parse options, call services/doi.py, print. Credentials come from LITTERHUB_DATACITE_* settings only.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

doi_app = typer.Typer(help="DataCite DOIs of dataset versions (drafts until minted).", no_args_is_help=True)
DATA_DIR = typer.Option(None, "--data-dir", help="hub data directory (default LITTERHUB_DATA)")
BASE_URL = typer.Option(None, "--base-url",
                        help="the hub's public URL, the DOI resolves to its versioned dataset page "
                             "(default LITTERHUB_BASE_URL)")
AS_JSON = typer.Option(False, "--json", help="print JSON")


def _run(fn, data_dir: Path | None, base_url: str | None, ref: str):
    """Run a service with the hub; a refusal is one line `error [code]: ...` on stderr and exit 1."""
    from litterhub.services import doi
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        base_url = base_url or hub.settings.base_url
        if not base_url:
            raise doi.DoiError("base-url", "give the hub's public address: --base-url or LITTERHUB_BASE_URL")
        return fn(hub, base_url.rstrip("/"), ref)
    except doi.DoiError as exc:
        typer.echo(f"error [{exc.code}]: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        hub.close()


def _print(entry: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(entry))
    else:
        typer.echo(f"{entry['doi']}: {entry['state']} -> {entry['url']}")


@doi_app.command("mint")
def mint(ref: str = typer.Argument(..., help="DATASET@VERSION, e.g. mdmap-maine@1"), base_url: str | None = BASE_URL,
         as_json: bool = AS_JSON, data_dir: Path = DATA_DIR) -> None:
    """Register (publish) the version's reserved DOI with DataCite's REST API."""
    from litterhub.services import doi

    _print(_run(doi.mint, data_dir, base_url, ref), as_json)


@doi_app.command("status")
def status(ref: str = typer.Argument(..., help="DATASET@VERSION"), base_url: str | None = BASE_URL,
           as_json: bool = AS_JSON, data_dir: Path = DATA_DIR) -> None:
    """The version's DOI and whether it is registered or still a draft."""
    from litterhub.services import doi

    _print(_run(doi.status, data_dir, base_url, ref), as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(doi_app, name="doi")
