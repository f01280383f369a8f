"""`litterhub mapping draft FILE` and `litterhub mapping check MAPPING [FILE]`: declarative mappings for new formats."""

from __future__ import annotations

from pathlib import Path

import typer

mapping_app = typer.Typer(help="Declarative column mappings for programmes without their own adapter "
                               "(then: litterhub ingest FILE --format generic --mapping mapping.yaml).",
                          no_args_is_help=True)


@mapping_app.command("draft")
def draft(
    file: Path = typer.Argument(..., help="CSV/TSV or XLSX file to propose a mapping for"),
    out: Path | None = typer.Option(None, "--out", "-o", help="write the mapping here (default: print it)"),
    sheet: str | None = typer.Option(None, "--sheet", help="sheet of a workbook (default: the first)"),
) -> None:
    """Propose a mapping from the file's headers and first rows; check it before using it."""
    from litterhub.services.mapping import DraftError, draft_for_file

    try:
        text = draft_for_file(file, sheet)
    except DraftError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"mapping draft written to {out}; check it, then: litterhub ingest {file} --format generic "
                   f"--mapping {out}")


@mapping_app.command("check")
def check(
    mapping: Path = typer.Argument(..., help="mapping YAML file"),
    file: Path | None = typer.Argument(None, help="data file the mapping is for (optional)"),
) -> None:
    """Validate a mapping (and that the data file has every column it names)."""
    from litterhub.ingest.mapping import MappingError
    from litterhub.services.mapping import check_mapping

    try:
        m = check_mapping(mapping, file)
    except MappingError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"mapping ok: {m.layout} layout, scheme {m.scheme!r}, {len(m.event)} event field(s)")


def register(app: typer.Typer) -> None:
    app.add_typer(mapping_app, name="mapping")
