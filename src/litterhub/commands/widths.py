"""`litterhub widths set|import|list|history`: the beach width table behind SDG 14.1.1b.

Thin: parse options, call services/widths.py, print. The command line acts as the local operator unless
`--by EMAIL` names the account (reviewer role or higher) the width is given for.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

widths_app = typer.Typer(help="Beach widths per site for SDG 14.1.1b (versioned: a new entry never overwrites).",
                         no_args_is_help=True)
DATA_DIR = typer.Option(None, "--data-dir", help="hub data directory")
BY = typer.Option(None, "--by", help="e-mail of the account giving the width (default: the local operator)")
AS_JSON = typer.Option(False, "--json", help="print JSON")
LIST_COLUMNS = ["site_id", "site_name", "country", "revision", "width_m", "source", "given_by_name", "given_at"]


def _call(fn, data_dir, *args, **kwargs):
    """Run a service with the hub; a refused request is one line on stderr (and its rows) and exit 1."""
    from litterhub.services import widths
    from litterhub.services.datasets import BadRequest, NotFound
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        return fn(hub, *args, **kwargs)
    except widths.WidthError as exc:
        typer.echo(f"error [{exc.code}]: {exc}", err=True)
        for e in exc.errors[:50] if len(exc.errors) > 1 or exc.errors[0].get("line") else []:
            typer.echo(f"  line {e.get('line') or '-'}: {e.get('field') or '-'}: {e['code']}: {e['message']}", err=True)
        raise typer.Exit(1) from None
    except (BadRequest, NotFound) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        hub.close()


@widths_app.command("set")
def set_(site: str = typer.Argument(..., help="site id (see `widths list --missing`)"),
         width: str = typer.Argument(..., help="beach width in metres (water line to the back of the beach)"),
         source: str = typer.Option(..., "--source", help="where the width comes from (required)"),
         note: str = typer.Option(None, "--note"),
         by: str = BY, as_json: bool = AS_JSON, data_dir: Path = DATA_DIR) -> None:
    """Give a site's beach width: stored as the site's next revision, with source, date and who gave it."""
    from litterhub.services import widths

    def run(hub):
        return widths.give_width(hub, widths.cli_giver(hub, by), site, width, source, note)

    entry = _call(run, data_dir)
    if as_json:
        typer.echo(json.dumps(entry))
    else:
        typer.echo(f"{entry['site_id']}: width {entry['width_m']:g} m (revision {entry['revision']}, "
                   f"source: {entry['source']}, given by {entry['given_by_name']})")


@widths_app.command("import")
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                        help="CSV with columns site_id, width_m, source, note"),
            source: str = typer.Option(None, "--source", help="source for rows without one"),
            by: str = BY, as_json: bool = AS_JSON, data_dir: Path = DATA_DIR) -> None:
    """Give many widths from a CSV, all or nothing (every bad row is reported with its line)."""
    from litterhub.services import widths

    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        typer.echo(f"error [width-file-invalid]: {file} is not UTF-8 text", err=True)
        raise typer.Exit(1) from None

    def run(hub):
        return widths.import_widths(hub, widths.cli_giver(hub, by), text, source)

    done = _call(run, data_dir)
    skipped = f"; {len(done.skipped_lines)} row(s) without a width left as they are" if done.skipped_lines else ""
    typer.echo(json.dumps(done.as_dict()) if as_json
               else f"stored {len(done.entries)} width(s) as new revisions{skipped}")


@widths_app.command("list")
def list_(country: str = typer.Option(None, "--country", help="ISO 3166-1 alpha-3"),
          missing: bool = typer.Option(False, "--missing", help="the beaches that still lack a width"),
          csv: Path = typer.Option(None, "--csv", help="write the list as CSV (with --missing: a file to fill in "
                                                       "and give back to `widths import`)"),
          as_json: bool = AS_JSON, data_dir: Path = DATA_DIR) -> None:
    """The widths in force (latest revision per site), or with --missing the beaches whose surveys lack one."""
    import pandas as pd

    from litterhub.services import indicators, widths

    def run(hub):
        if missing:
            return indicators.sdg(hub, country=country).tables["missing_widths"]
        if country and not (len(country) == 3 and country.isalpha()):
            raise widths.WidthError("width-bad-country", "country must be an ISO 3166-1 alpha-3 code, e.g. GBR")
        return widths.list_widths(hub, country=country)

    frame: pd.DataFrame = _call(run, data_dir)
    if csv:
        if missing:
            csv.write_text(widths.template_csv(frame), encoding="utf-8")
        else:
            from litterhub.model.csvsafe import safe_cell

            csv.write_text(frame.map(safe_cell).to_csv(index=False), encoding="utf-8")
        typer.echo(f"wrote {len(frame)} rows to {csv}", err=as_json)
    if as_json:
        from litterhub.analysis.comparability import records

        typer.echo(json.dumps(records(frame), default=str))
    elif not csv:
        columns = ["country", "site_id", "site_name", "events", "first_year", "last_year"] if missing else LIST_COLUMNS
        typer.echo(frame[columns].to_string(index=False) if len(frame) else
                   ("every beach with surveys has a width" if missing else "no widths given yet"))


@widths_app.command("history")
def history(site: str = typer.Argument(..., help="site id"), as_json: bool = AS_JSON,
            data_dir: Path = DATA_DIR) -> None:
    """Every width given for a site, newest first; the first line is the one in force."""
    from litterhub.services import widths

    frame = _call(lambda hub: widths.list_widths(hub, site_id=site, history=True), data_dir)
    if as_json:
        from litterhub.analysis.comparability import records

        typer.echo(json.dumps(records(frame), default=str))
    else:
        typer.echo(frame[LIST_COLUMNS + ["note"]].to_string(index=False) if len(frame)
                   else f"no widths given for {site}")


def register(app: typer.Typer) -> None:
    app.add_typer(widths_app, name="widths")
