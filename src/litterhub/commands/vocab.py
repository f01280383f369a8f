"""`litterhub vocab ...`: look up the master list, programme crosswalks, coverage of a file, SKOS export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)
T = TypeVar("T")

vocab_app = typer.Typer(help="Harmonised monitoring vocabulary: master items, crosswalks, coverage, SKOS.",
                        no_args_is_help=True)


def _call(fn: Callable[[], T]) -> T:
    """Run a service call; known input problems become one clear line and exit code 2."""
    from litterhub.services.vocab import CoverageInputError, VocabLookupError
    from litterhub.vocab.errors import VocabError

    try:
        return fn()
    except (VocabLookupError, CoverageInputError, VocabError) as exc:
        code = getattr(exc, "code", "litter-vocab-error")
        message = str(exc)
        text = message if message.startswith("[") else f"[{code}] {message}"
        err.print(f"error {text}", markup=False, highlight=False, style="red")
        raise typer.Exit(2) from None


@vocab_app.command("show")
def show(code: str = typer.Argument(..., help="master code, e.g. G27 or TSG_ML_1"),
         as_json: bool = typer.Option(False, "--json", help="print one JSON object")) -> None:
    """A master item, its parents and children, and what every programme calls it."""
    from litterhub.services import vocab as svc

    view = _call(lambda: svc.show(code))
    if as_json:
        typer.echo(json.dumps(view.as_dict(), ensure_ascii=False))
        return
    i = view.item
    console.print(f"[bold]{i.code}[/]  {i.name}", highlight=False)
    console.print(f"kind {i.kind} · material {i.material} · origin {i.origin}", highlight=False)
    if view.ancestors:
        console.print("parents: " + " > ".join(f"{a.code} {a.name}" for a in view.ancestors), highlight=False)
    if view.children:
        console.print("narrower: " + ", ".join(f"{c.code} {c.name}" for c in view.children), highlight=False)
    if view.use_groups:
        console.print("use groups: " + ", ".join(view.use_groups), highlight=False)
    if i.note:
        console.print(f"note: {i.note}", highlight=False)
    table = Table("scheme", "source code", "source name", "relation", title="what each programme calls it")
    for scheme, maps in view.mappings.items():
        for m in maps:
            table.add_row(scheme, m.source_code, m.source_name, m.relation)
    console.print(table)
    console.print(f"vocabulary version {view.vocab_version}", style="dim")


@vocab_app.command("search")
def search(text: str = typer.Argument(..., help="words to find in codes or names of any programme"),
           limit: int = typer.Option(50, "--limit", help="at most this many items"),
           as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Find master items by code or name, also through the names programmes use."""
    from litterhub.services import vocab as svc

    hits = svc.search(text, limit)
    if as_json:
        typer.echo(json.dumps([{**svc.item_dict(i), "matched_by": [svc.mapping_dict(m) for m in ms]}
                               for i, ms in hits], ensure_ascii=False))
        return
    if not hits:
        console.print(f"no master item matches {text!r}")
        raise typer.Exit(1)
    table = Table("code", "name", "material", "matched through")
    for item, maps in hits:
        via = "; ".join(f"{m.source_scheme} '{m.source_name}' ({m.relation})" for m in maps[:3])
        table.add_row(item.code, item.name, item.material, via)
    console.print(table)


@vocab_app.command("crosswalk")
def crosswalk(scheme: str = typer.Option(..., "--from", help="programme scheme id (see `vocab schemes`)"),
              to: str = typer.Option("master", "--to", help="target list; only 'master' is supported"),
              as_json: bool = typer.Option(False, "--json", help="print JSON rows")) -> None:
    """Every mapping of one programme's codes onto the master list, with relation and evidence."""
    from litterhub.services import vocab as svc

    if to != "master":
        err.print(f"error [litter-vocab-unknown-target] --to {to!r}: only 'master' is supported; "
                  "crosswalks between two programmes go through the master list", markup=False, style="red")
        raise typer.Exit(2)
    rows = _call(lambda: svc.crosswalk(scheme))
    if as_json:
        typer.echo(json.dumps([{**svc.mapping_dict(m), "rollup_code": svc.rollup_of(m)} for m in rows],
                              ensure_ascii=False))
        return
    table = Table("source code", "source name", "relation", "master", "rolls up to", title=f"{scheme} -> master")
    for m in rows:
        table.add_row(m.source_code, m.source_name, m.relation, m.master_code, svc.rollup_of(m))
    console.print(table)


@vocab_app.command("schemes")
def schemes(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """The programme code lists that have a crosswalk."""
    from dataclasses import asdict

    from litterhub.services import vocab as svc

    infos = svc.schemes()
    if as_json:
        typer.echo(json.dumps([asdict(s) for s in infos], ensure_ascii=False))
        return
    table = Table("scheme", "name", "mappings", "exact", "narrow", "broad", "related")
    for s in infos:
        r = s.by_relation
        table.add_row(s.scheme, s.name, str(s.mappings), *(str(r.get(k, 0)) for k in
                                                             ("exactMatch", "narrowMatch", "broadMatch",
                                                              "relatedMatch")))
    console.print(table)


@vocab_app.command("coverage")
def coverage(file: Path = typer.Argument(..., help="programme export"),
             fmt: str = typer.Option(..., "--format", "-f", help="an ingest format (mlw, mdmap, ospar, tides, "
                                                                 "plastock, ...) or iqaasl, ospar-litter, olm, mcs, "
                                                                 "plastic-pirates, emodnet-beach, emodnet-seafloor"),
             as_json: bool = typer.Option(False, "--json", help="print one JSON object")) -> None:
    """How much of a file's item counts map to a master item, only to a parent class, or not at all."""
    from litterhub.services import vocab as svc

    cov = _call(lambda: svc.coverage_of_file(file, fmt))
    if as_json:
        typer.echo(json.dumps(cov.as_json(), ensure_ascii=False))
        return
    console.print(f"{file.name} ({fmt}): {cov.records} item records, {cov.count_total:g} items", highlight=False)
    table = Table("relation", "records", "items", "share of items")
    for rel, v in cov.by_relation.items():
        table.add_row(rel, str(int(v["records"])), f"{v['count']:g}", f"{v['share']:.2%}")
    console.print(table)
    console.print(f"mapped to a master item: {cov.mapped_exact_share:.2%}; mapped at all: {cov.mapped_any_share:.2%}")
    if cov.unmapped:
        un = Table("unmapped code", "name", "items", title="kept verbatim, not mapped")
        for u in cov.unmapped:
            un.add_row(str(u["code"]), str(u["name"]), f"{u['count']:g}")
        console.print(un)
    console.print(f"vocabulary version {cov.vocab_version}", style="dim")


@vocab_app.command("export")
def export(fmt: str = typer.Option("jsonld", "--format", "-f", help="jsonld | ttl"),
           output: Path | None = typer.Option(None, "--output", "-o", help="write to this file instead of stdout")
           ) -> None:
    """The whole vocabulary as SKOS (JSON-LD or Turtle)."""
    from litterhub.services import vocab as svc

    text = _call(lambda: svc.export(fmt))
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output} ({len(text):,} characters)")
    else:
        typer.echo(text)


@vocab_app.command("reharmonise")
def reharmonise(dataset: str = typer.Argument(..., help="dataset id"),
                version: int | None = typer.Option(None, "--version", help="dataset version (default: current)"),
                as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
                publish: bool = typer.Option(False, "--publish", help="store the result as the next dataset version"),
                force: bool = typer.Option(False, "--force", help="with --publish: even if the vocabulary is the same"),
                data_dir: Path | None = typer.Option(None, "--data-dir",
                                                     help="data directory (default LITTERHUB_DATA)")) -> None:
    """Harmonise a stored dataset again from the lake with the current vocabulary (no raw file is read).

    Without --publish this only reports what would change; with --publish the result becomes the next version."""
    from litterhub.services import vocab as svc
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        if publish:
            from litterhub.services.datasets import NotFound
            from litterhub.services.reharmonise import publish_reharmonised

            try:
                done = publish_reharmonised(hub, dataset, actor="cli", force=force)
            except NotFound as exc:
                err.print(f"error [litter-dataset-not-found] {exc}")
                raise typer.Exit(2) from None
            if as_json:
                typer.echo(json.dumps(done.as_dict()))
            elif done.unchanged:
                console.print(f"unchanged: {dataset} v{done.from_version} already uses vocabulary {done.vocab_after}")
            else:
                console.print(f"published {dataset} version {done.version} (vocabulary {done.vocab_before} -> "
                              f"{done.vocab_after}, from version {done.from_version})")
            return
        result = _call(lambda: svc.reharmonise_dataset(hub, dataset, version))
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, default=str))
        return
    console.print(f"{result.dataset_id} v{result.version}: stored with vocabulary {result.stored_vocab_version}, "
                  f"current {result.vocab_version}; {result.changed_rows} of {result.rows} rows map differently now",
                  highlight=False)
    table = Table("rolls up to", "name", "items", "exact", "narrow", "broad", "related", "unmapped")
    for row in result.rollup[:40]:
        table.add_row(str(row["rollup_code"] or "–"), str(row["name"] or ""), f"{row['total']:g}",
                      *(f"{row[k]:g}" for k in ("exactMatch", "narrowMatch", "broadMatch", "relatedMatch",
                                                 "unmapped")))
    console.print(table)


@vocab_app.command("region")
def region(lat: float = typer.Option(..., "--lat", help="WGS84 latitude"),
           lon: float = typer.Option(..., "--lon", help="WGS84 longitude"),
           as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """The MSFD region/subregion and Regional Seas programme of a point (coarse boxes)."""
    from litterhub.services import vocab as svc

    found = _call(lambda: svc.regions_at(lat, lon))
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    for kind in ("msfd-subregion", "msfd-region", "regional-sea"):
        hit = found[kind]
        console.print(f"{kind}: " + (f"{hit['code']} ({hit['name']})" if hit else "none"), highlight=False)
    where = found["polygons"]  # docs/regions.md
    basis = (f"{where['marine_region_basis']}, {where['marine_region_distance_km']} km"
             if where["marine_region"] else f"no marine polygon within {where['max_coast_km']:g} km")
    console.print(f"marine region: {where['marine_region'] or 'none'} ({basis}); FAO area: "
                  f"{where['fao_area'] or 'none'}; EEZ guess: {where['eez_guess'] or 'none'}", highlight=False)


@vocab_app.command("table")
def reference_table(name: str = typer.Argument(..., help="materials, use_groups, size_classes, compartments, "
                                                         "units, polymers, shapes, colours"),
                    as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Print one reference vocabulary."""
    from litterhub.services import vocab as svc

    rows = _call(lambda: svc.reference_table(name))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(*rows[0].keys(), title=name)
    for row in rows:
        table.add_row(*row.values())
    console.print(table)


@vocab_app.command("check")
def check() -> None:
    """Load and check every vocabulary file (duplicate ids, missing targets, parent cycles)."""
    from litterhub.services import vocab as svc

    report = _call(svc.check)
    for line in report:
        console.print(line, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(vocab_app, name="vocab")
