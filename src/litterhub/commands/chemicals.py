"""`litterhub chemicals search|show|lens` and `litterhub registry import-chemicals`: the chemicals-in-plastics
knowledge base from the command line. Thin: parse, call services/chemicals.py, print text or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from litterhub.services import chemicals as svc
from litterhub.services.hub import Hub

chemicals_app = typer.Typer(help="Chemicals in plastics: search, show a substance, the lens of an item.",
                            no_args_is_help=True)
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")
JsonOpt = typer.Option(False, "--json", help="print JSON")


def _fail(exc: svc.ChemicalsError) -> None:
    typer.echo(f"error: [{exc.code}] {exc}", err=True)
    raise typer.Exit(code=1)


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, default=str, indent=1))


def import_chemicals(path: Path = typer.Argument(svc.DEFAULT_FOLDER, help="folder with the five sources"),
                     as_json: bool = JsonOpt, data_dir: Path | None = DataDir) -> None:
    """Import PlasticMAP, CPPdb, Aurisano 2021, EU 10/2011 and the Stockholm POPs, merged on validated CAS
    numbers (safe to repeat; a changed source file updates only what changed)."""
    try:
        report = svc.import_chemicals(Hub.open(data_dir), path)
    except svc.ChemicalsError as exc:
        _fail(exc)
    if as_json:
        _print_json(report)
        return
    typer.echo(f"{report['substances']} substances: {report['inserted']} inserted, {report['updated']} updated, "
               f"{report['unchanged']} unchanged, {report['removed']} removed; "
               f"{report['with_conflicts']} with conflicts between sources")
    for s in report["sources"]:
        typer.echo(f"  {s['key']:<11} {s['rows']:>6} rows  {s['substances']:>6} substances  merged {s['merged']:>5}"
                   f"  new {s['new']:>5}  conflicting {s['conflicting']:>4}  rejected {s['rejected']:>4}"
                   f"  ({s['version']})")
        for r in s["rejected_rows"][:5]:
            typer.echo(f"      line {r['line']}: {r['reason']} ({r['cas']!r})")
        if len(s["rejected_rows"]) > 5:
            typer.echo(f"      … {len(s['rejected_rows']) - 5} more (--json lists all)")


def _filters(function: list[str] | None, polymer: list[str] | None, hazard: list[str] | None,
             listing: list[str] | None, flag: list[str] | None) -> dict[str, list[str]]:
    return {"function": function or [], "polymer": polymer or [], "hazard": hazard or [], "listing": listing or [],
            "flag": flag or []}


@chemicals_app.command("search")
def search(query: str = typer.Argument("", help="name, CAS, or words such as 'plasticiser PVC' in any UN language"),
           function: list[str] = typer.Option(None, "--function"), polymer: list[str] = typer.Option(None, "--polymer"),
           hazard: list[str] = typer.Option(None, "--hazard"), listing: list[str] = typer.Option(None, "--listing"),
           flag: list[str] = typer.Option(None, "--flag"), limit: int = typer.Option(20, "--limit"),
           offset: int = typer.Option(0, "--offset"),
           fmt: str | None = typer.Option(None, "--format", help="csv | json: the whole result as a download"),
           as_json: bool = JsonOpt, data_dir: Path | None = DataDir) -> None:
    """Search substances by name, CAS, function, polymer, hazard or listing."""
    hub = Hub.open(data_dir)
    filters = _filters(function, polymer, hazard, listing, flag)
    try:
        if fmt:
            sys.stdout.write(svc.export(hub, query, filters, fmt)[0])
            return
        result = svc.search(hub, query, filters, limit=limit, offset=offset)
    except svc.ChemicalsError as exc:
        _fail(exc)
    if as_json:
        _print_json(result)
        return
    if not result["imported"]:
        typer.echo("no chemicals imported yet: run `litterhub registry import-chemicals PATH`")
    understood = ", ".join(f"{r['text']} → {r['facet']}:{r['code']}" for r in result["recognised"])
    typer.echo(f"{result['total']} substance(s)" + (f" (understood: {understood})" if understood else ""))
    for item in result["items"]:
        typer.echo(f"{item['cas']}\t{item['name']}\t{','.join(item['functions'][:4])}\t"
                   f"{','.join(item['listings'][:4])}")


@chemicals_app.command("show")
def show(cas: str, as_json: bool = JsonOpt, data_dir: Path | None = DataDir) -> None:
    """One substance with every value and the sources that state it; conflicts are listed."""
    try:
        doc = svc.get(Hub.open(data_dir), cas)
    except svc.ChemicalsError as exc:
        _fail(exc)
    if as_json:
        _print_json(doc)
        return
    typer.echo(f"{doc['cas']}  {doc['name']}")
    for key, title in [("functions", "functions"), ("polymers", "polymers"), ("hazards", "hazards"),
                       ("flags", "flags")]:
        if doc[key]:
            typer.echo(f"  {title}: " + "; ".join(f"{e['code']} [{', '.join(e['sources'])}]" for e in doc[key]))
    for e in doc["listings"]:
        if e["listed_by"]:
            typer.echo(f"  listed: {e['code']} [{', '.join(e['listed_by'])}]")
    for c in doc["conflicts"]:
        sides = {k: c[k] for k in c if k.startswith(("says", "values"))}
        typer.echo(f"  CONFLICT {c['field']} {c['code']}: {json.dumps(sides)}")
    typer.echo("  sources: " + "; ".join(f"{s['key']} ({s.get('version', '')})" for s in doc["sources"]))
    for r in doc["registry_records"]:
        typer.echo(f"  supersedes registry record {r['id']} ({r['title']})")


@chemicals_app.command("lens")
def lens(item: str, as_json: bool = JsonOpt, data_dir: Path | None = DataDir) -> None:
    """A master item's typical polymers and the substances the databases associate with them."""
    result = svc.lens(Hub.open(data_dir), item)
    if as_json:
        _print_json(result)
        return
    typer.echo(f"{item}: polymers {', '.join(p['polymer'] + ' (' + p['certainty'] + ')' for p in result['polymers'])}")
    typer.echo(f"{result['total']} associated substance(s). {result['note']}")
    if result.get("reason"):
        typer.echo(result["reason"])


def register(app: typer.Typer) -> None:
    app.add_typer(chemicals_app, name="chemicals")
