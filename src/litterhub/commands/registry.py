"""`litterhub registry import|export|search|seed`: the knowledge registry from the command line.

Thin: parse options, call services/registry.py or services/search.py, print text or JSON. The CLI acts as
the local operator ("cli", admin role): imports are published at once unless --submit is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from litterhub.commands import chemicals as chemicals_cli
from litterhub.services import registry as svc
from litterhub.services import search as search_svc
from litterhub.services.hub import Hub

registry_app = typer.Typer(help="Knowledge registry: import, export, search, seed.", no_args_is_help=True)
DataDir = typer.Option(None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)")


def _fail(exc: svc.RegistryError) -> None:
    typer.echo(f"error: {exc}", err=True)
    for e in exc.errors[:50]:
        typer.echo(f"  {e.get('field') or '-'}: {e.get('code')}: {e.get('message')}", err=True)
    raise typer.Exit(code=1)


def _format(path: Path, given: str | None) -> str:
    fmt = given or ("csv" if path.suffix.lower() == ".csv" else "json")
    if fmt not in ("json", "csv"):
        typer.echo("error: --format is json or csv", err=True)
        raise typer.Exit(code=2)
    return fmt


@registry_app.command("import")
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON ({records, links}) or CSV"),
            fmt: str | None = typer.Option(None, "--format", "-f", help="json | csv (default: from the extension)"),
            submit: bool = typer.Option(False, "--submit", help="leave records waiting for review"),
            data_dir: Path | None = DataDir) -> None:
    """Import records (all or nothing); records whose id already exists are skipped."""
    hub = Hub.open(data_dir)
    try:
        text = file.read_bytes().decode("utf-8-sig")
        result = svc.import_records(hub, text, _format(file, fmt), svc.SYSTEM, publish=not submit)
    except UnicodeDecodeError:
        typer.echo(f"error: {file} is not UTF-8 text", err=True)
        raise typer.Exit(code=1) from None
    except svc.RegistryError as exc:
        _fail(exc)
    typer.echo(f"imported {len(result['created'])} record(s), skipped {len(result['skipped'])} existing, "
               f"{result['links']} link(s)")


@registry_app.command("export")
def export(fmt: str = typer.Option("json", "--format", "-f", help="json | csv"),
           out: Path | None = typer.Option(None, "--out", "-o", help="file to write (default: stdout)"),
           data_dir: Path | None = DataDir) -> None:
    """Export every published record (and, in JSON, the links between them)."""
    hub = Hub.open(data_dir)
    try:
        text = svc.export_records(hub, fmt)
    except svc.RegistryError as exc:
        _fail(exc)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


@registry_app.command("search")
def search(query: str = typer.Argument(""), type_: list[str] = typer.Option(None, "--type"),
           country: list[str] = typer.Option(None, "--country"), limit: int = typer.Option(10, "--limit"),
           as_json: bool = typer.Option(False, "--json", help="print JSON"), data_dir: Path | None = DataDir) -> None:
    """Full-text search over published records (any UN language, typos tolerated)."""
    hub = Hub.open(data_dir)
    try:
        result = search_svc.search(hub, query, {"type": type_ or [], "country": [c.upper() for c in country or []]},
                                   limit)
    except svc.RegistryError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, default=str, indent=1))
        return
    estimated = "" if result["total_exact"] else f" (estimated from the first {result['rank_limit']} matches)"
    typer.echo(f"{result['total']} record(s){estimated}")
    for word, terms in result["expanded"].items():  # the glossary's equivalents in other UN languages
        typer.echo(f"also searched: {word} -> {', '.join(terms)}", err=True)
    for hit in result["results"]:
        typer.echo(f"{hit['id']}\t{hit['type']}\t{hit['title']}")


@registry_app.command("seed")
def seed(data_dir: Path | None = DataDir) -> None:
    """Load the bundled sourced seed records (safe to repeat)."""
    result = svc.load_seed(Hub.open(data_dir))
    typer.echo(f"seed: {len(result['created'])} new record(s), {len(result['skipped'])} already present, "
               f"{result['links']} new link(s)")


registry_app.command("import-chemicals")(chemicals_cli.import_chemicals)  # chemicals/: the five databases


# --- knowledge views (services/knowledge.py) -----------------------------------------------------------------

def _knowledge():
    from litterhub.services import knowledge

    return knowledge


def _knowledge_fail(exc) -> None:
    """A refusal as the CLI says every HubError: one line, its code, exit status 2."""
    typer.echo(f"error: {exc} ({exc.code})", err=True)
    raise typer.Exit(code=2)


@registry_app.command("stats")
def stats(as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """Published records by type, name language and verification state; records lacking a source/licence/date."""
    result = _knowledge().stats(Hub.open(data_dir))
    if as_json:
        typer.echo(json.dumps(result, indent=1))
        return
    typer.echo(f"{result['total']} published record(s)")
    typer.echo("type	records	" + "	".join(result["by_verification"]))
    for kind, n in result["by_type"].items():
        states = result["by_type_and_verification"][kind]
        typer.echo(f"{kind}	{n}	" + "	".join(str(states[s]) for s in result["by_verification"]))
    typer.echo("names by language: " + ", ".join(f"{k} {v}" for k, v in result["by_language"].items()))
    typer.echo("missing: " + ", ".join(f"{k} {v}" for k, v in result["missing"].items()))


@registry_app.command("compendium")
def compendium(fmt: str = typer.Option("text", "--format", help="text, json or csv"),
               data_dir: Path | None = DataDir) -> None:
    """Industry initiatives compared: actors, sector, scope, commitments with targets, reported progress."""
    knowledge = _knowledge()
    result = knowledge.compendium(Hub.open(data_dir))
    if fmt == "json":
        typer.echo(json.dumps(result, indent=1, ensure_ascii=False))
    elif fmt == "csv":
        sys.stdout.write(knowledge.compendium_csv(result))
    elif fmt == "text":
        for r in result["initiatives"]:
            scope = ", ".join(s for s, on in r["scope"].items() if on) or "-"
            latest = r["latest_figure"]
            figure = f"{latest['year']}: {latest['metric']} {latest['value']:g} {latest.get('unit') or ''}" \
                if latest else "-"
            typer.echo(f"{r['id']}	scope: {scope}	commitments: {len(r['commitments'])} "
                       f"(targets {len(r['targets'])})	progress: {figure}	{r['verification']}")
    else:
        typer.echo("error: --format is text, json or csv", err=True)
        raise typer.Exit(code=2)


@registry_app.command("measures")
def measures(country: str = typer.Argument(..., help="ISO 3166-1 alpha-3 code"),
             as_json: bool = typer.Option(False, "--json"), data_dir: Path | None = DataDir) -> None:
    """A country's national measures and the master items they target, with the first year."""
    knowledge = _knowledge()
    try:
        result = knowledge.measures(Hub.open(data_dir), country)
    except knowledge.KnowledgeError as exc:
        _knowledge_fail(exc)
    if as_json:
        typer.echo(json.dumps(result, indent=1, ensure_ascii=False))
        return
    for it in result["items"]:
        typer.echo(f"measures targeting {it['name']} ({it['item']}) here since {it['since'] or 'an unknown year'}")
    for m in result["measures"]:
        typer.echo(f"{m['since'] or '-'}	{m['kind']}	{m['status']}	{m['id']}	{m['title']}")
    if not result["measures"]:
        typer.echo(f"no national measure recorded for {result['country']}")


@registry_app.command("import-groups")
def import_groups(data_dir: Path | None = DataDir) -> None:
    """Write the Regional Seas and other country groups, with their members from the GPML lists
    (LITTERHUB_GROUPS_DIR), as registry region records (safe to repeat)."""
    knowledge = _knowledge()
    try:
        result = knowledge.import_groups(Hub.open(data_dir))
    except knowledge.KnowledgeError as exc:
        _knowledge_fail(exc)
    typer.echo(f"country groups: {len(result['created'])} created, {len(result['updated'])} updated, "
               f"{len(result['unchanged'])} unchanged; {result['members']} memberships from {result['source']}")


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app, name="registry")
