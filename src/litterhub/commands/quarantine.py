"""`litterhub quarantine DATASET --out rejected.csv` and `--resubmit corrected.csv`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from litterhub.commands.core import DataDir, _hub


def quarantine(
    dataset: str = typer.Argument(..., help="dataset id"),
    version: int | None = typer.Option(None, "--version", help="dataset version (default: the current one)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="write the rejected rows here as CSV"),
    resubmit: Path | None = typer.Option(None, "--resubmit",
                                         help="corrected quarantine CSV: ingest it with the accepted rows as the "
                                              "next version"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (for scripts)"),
    data_dir: Path | None = DataDir,
) -> None:
    """Rejected rows of a dataset version with their reasons; re-submit them once corrected."""
    from litterhub.services import quarantine as svc

    hub = _hub(data_dir)
    try:
        if resubmit is not None:
            result = svc.resubmit(hub, dataset, resubmit, version)
            r = result.report
            if as_json:
                typer.echo(json.dumps(result.as_dict(), default=str))
            else:
                state = "ingested" if result.ok and not result.unchanged else "unchanged" if result.unchanged \
                    else "not ingested"
                typer.echo(f"{state}: {dataset} version {result.version}; rows in {r.rows_in} = accepted "
                           f"{r.rows_accepted} + rejected {r.rows_rejected}")
                for e in r.errors[:20]:
                    typer.echo(f"  line {e.line} {e.column or ''} {e.code}: {e.message}")
            raise typer.Exit(0 if result.ok else 2)
        info = svc.summary(hub, dataset, version)
        if out is not None:
            with out.open("w", encoding="utf-8", newline="") as fh:
                for chunk in svc.rejected_csv(hub, dataset, version):
                    fh.write(chunk)
            info["written"] = str(out)
        if as_json:
            typer.echo(json.dumps(info, default=str))
        else:
            typer.echo(f"{dataset} version {info['version']}: {info['rows_in_quarantine']} rejected row(s) in "
                       f"quarantine" + (f", written to {out}" if out else "; use --out FILE to download them"))
    except svc.NotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except svc.QuarantineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    app.command("quarantine")(quarantine)
