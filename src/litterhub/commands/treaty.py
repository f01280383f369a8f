"""`litterhub treaty …`: instruments, negotiation sessions, the party table and a country's readiness view (thin
over services/treaty.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from litterhub.services.hub import Hub

treaty_app = typer.Typer(help="Treaty readiness: instruments, negotiation sessions, party statuses, a country's "
                         "readiness view.", no_args_is_help=True)
console = Console()
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
AsJson = typer.Option(False, "--json", help="print JSON")


def _call(fn, *args, **kwargs):
    """The service's answer, or its HubError printed as `error: MESSAGE (CODE)` with exit status 2."""
    from litterhub.errors import HubError

    try:
        return fn(*args, **kwargs)
    except HubError as exc:
        Console(stderr=True).print(f"error: {exc} ({exc.code})", highlight=False, markup=False)
        raise typer.Exit(2) from None


@treaty_app.command("seed")
def seed(data_dir: Path | None = DataDir) -> None:
    """Load the bundled party statuses (unverified; needs the registry seed). Never overwrites a recorded one."""
    from litterhub.services import treaty as svc

    result = _call(svc.load_seed, Hub.open(data_dir))
    console.print(f"party statuses: {result['created']} created, {result['total']} in the seed")


@treaty_app.command("instruments")
def instruments(data_dir: Path | None = DataDir, as_json: bool = AsJson) -> None:
    """Instruments with their sessions and status counts."""
    from litterhub.services import treaty as svc

    found = _call(svc.instruments, Hub.open(data_dir))
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=1))
        return
    for i in found:
        counts = ", ".join(f"{k} {v}" for k, v in i["parties"].items())
        console.print(f"{i['id']}  {i['title']}  ({counts})", highlight=False, markup=False)
        for s in i["sessions"]:
            console.print(f"    {(s['acronyms'] or [s['id']])[0]:<8} {s['start_date']} – {s['end_date'] or ''}  "
                          f"{s['location'] or ''}", highlight=False, markup=False)


@treaty_app.command("set-party")
def set_party(country: str, instrument: str, status: str = typer.Argument(..., help="signed | ratified | party"),
              source: str = typer.Option(..., "--source", help="http(s) address of the source"),
              date: str | None = typer.Option(None, "--date", help="YYYY[-MM[-DD]]"),
              verified: bool = typer.Option(False, "--verified", help="checked against the source"),
              note: str = typer.Option("", "--note"), data_dir: Path | None = DataDir) -> None:
    """Record a country's status under an instrument (as the local operator)."""
    from litterhub.services import focal_points as fp
    from litterhub.services import treaty as svc

    row = _call(svc.set_party, Hub.open(data_dir), fp.CLI_OPERATOR, country, instrument, status, source, date,
                        "verified" if verified else "unverified", note)
    console.print(f"{row['country']} {row['instrument']}: {row['status']}", highlight=False, markup=False)


@treaty_app.command("readiness")
def readiness(country: str = typer.Argument(..., help="ISO 3166-1 alpha-3 code"), data_dir: Path | None = DataDir,
              as_json: bool = AsJson) -> None:
    """A country's readiness view: inventory, policies in force, monitoring coverage, capacity needs, instruments."""
    from litterhub.services import treaty as svc

    r = _call(svc.readiness, Hub.open(data_dir), country)
    if as_json:
        print(json.dumps(r, ensure_ascii=False, indent=1, default=str))
        return
    out = [f"{r['name']} ({r['country']})"]
    models = r["inventory"]["models"] or {}
    mpw = models.get("jambeck_mpw_t")
    out.append("inventory: " + (f"mismanaged plastic waste 2010 {mpw:,.0f} t; " if mpw is not None else "")
               + f"{len(r['inventory']['submitted'])} national submission(s)")
    out.append(f"policies in force: {len(r['policies'])}")
    out += [f"  - {p['title']}" for p in r["policies"]]
    m = r["monitoring"]
    out.append(f"monitoring: {m['surveys']} surveys at {m['sites']} sites"
               + (f", {m['first_year']}-{m['last_year']}" if m["first_year"] else "")
               + (f" ({', '.join(m['datasets'])})" if m["datasets"] else ""))
    out.append(f"capacity needs: {len(r['capacity_needs'])}")
    out += [f"  - {n['title']}" for n in r["capacity_needs"]]
    out.append("instruments:")
    out += [f"  - {(i['acronyms'] or [i['title']])[0]}: {i['status'] or 'no status recorded'}"
            + (f" ({i['verification']})" if i["verification"] else "") for i in r["instruments"]]
    console.print("\n".join(out), highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(treaty_app, name="treaty")
