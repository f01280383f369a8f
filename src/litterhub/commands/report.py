"""`litterhub report national ISO3 --year Y --out DIR`: the national reporting pack (services/reports.py)."""

from __future__ import annotations

from pathlib import Path

import typer

group = typer.Typer(help="Reporting packs: a country's figures for one year as PDF, CSV and a manifest.",
                    no_args_is_help=True)


@group.command("national")
def national_cmd(code: str = typer.Argument(..., help="ISO 3166-1 alpha-3, e.g. USA"),
                 year: int = typer.Option(..., "--year", help="reporting year"),
                 out: Path = typer.Option(Path("."), "--out", help="directory for the pack and its zip"),
                 lang: str = typer.Option("en", "--lang", help="report language: ar, en, es, fr, ru, zh"),
                 data_dir: str = typer.Option(None, "--data-dir",
                                              help="hub data directory")) -> None:
    """Write the pack (report.pdf, SDG 14.1.1b CSV, MSFD tables, manifest.json) under OUT and its zip beside it;
    the same bundle as the country page's button and the API job."""
    from litterhub.services import reports
    from litterhub.services.datasets import BadRequest, NotFound
    from litterhub.services.hub import Hub
    from litterhub.web.report_pdf import render_pdf

    hub = Hub.open(data_dir)
    try:
        bundle = reports.national(hub, code, year, lang, render_pdf)
    except (NotFound, BadRequest) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        hub.close()
    target = bundle.write(out)
    for entry in bundle.manifest["files"]:
        typer.echo(f"{entry['sha256']}  {bundle.name}/{entry['name']}")
    typer.echo(f"wrote {target}")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="report")
