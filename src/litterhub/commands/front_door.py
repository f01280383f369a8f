"""`litterhub summary`: what the hub holds, pillar by pillar (the home page's figures)."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def summary(as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
            data_dir: Path | None = typer.Option(None, "--data-dir",
                                                 help="data directory (default LITTERHUB_DATA)")) -> None:
    """What the hub holds, pillar by pillar (the home page's figures)."""
    from litterhub.services import front_door
    from litterhub.services.hub import Hub

    found = front_door.pillars(Hub.open(data_dir))
    if as_json:
        typer.echo(json.dumps({"pillars": front_door.as_dicts(found)}))
        return
    for p in found:
        figure = p.count if p.count is not None else f"unavailable ({p.problem})"
        typer.echo(f"{p.key:<12} {figure} {p.unit if p.count is not None else ''}  {p.href}".rstrip())




def compare(datasets: list[str] = typer.Argument(..., help="two to six dataset ids"),
            as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
            data_dir: Path | None = typer.Option(None, "--data-dir",
                                                 help="data directory (default LITTERHUB_DATA)")) -> None:
    """Datasets side by side: one column per dataset and comparability class, never pooled."""
    from litterhub.errors import HubError
    from litterhub.services.compare import compare as side_by_side
    from litterhub.services.hub import Hub

    try:
        result = side_by_side(Hub.open(data_dir), datasets)
    except HubError as exc:
        typer.echo(f"error [{exc.code}] {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result))
        return
    for c in result["columns"]:
        top = ", ".join(f"{i['name']} {i['pct_of_total']:.0f}%" for i in c["top_items"][:3])
        trend = ", ".join(f"{t['year']}: {t['median_per_100m']:.0f}" for t in c["trend"])
        typer.echo(f"{c['dataset_id']} | {c['class']['label']} | {c['class']['events']} surveys\n"
                   f"  top items: {top}\n  median items/100 m by year: {trend or '-'}")
    typer.echo(result["note"])


def survey_items(country: str = typer.Argument(..., help="ISO 3166 alpha-2 or alpha-3"),
                 as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
                 data_dir: Path | None = typer.Option(None, "--data-dir",
                                                      help="data directory (default LITTERHUB_DATA)")) -> None:
    """Master items by the surveys that found them in a country (the phone survey's item order)."""
    from litterhub.errors import HubError
    from litterhub.services.hub import Hub
    from litterhub.services.survey_items import ranking

    try:
        result = ranking(Hub.open(data_dir), country)
    except HubError as exc:
        typer.echo(f"error [{exc.code}] {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"{result['country']}: {result['surveys']} surveys")
    for item in result["items"]:
        typer.echo(f"{item['code']:<10} {item['surveys']}")


def find(query: str = typer.Argument(..., help="words in any of the six UN languages"),
         lang: str = typer.Option("en", "--lang", help="language of names (ar, en, es, fr, ru, zh)"),
         as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
         data_dir: Path | None = typer.Option(None, "--data-dir",
                                              help="data directory (default LITTERHUB_DATA)")) -> None:
    """Search every pillar at once: records, datasets, items, countries, evidence, chemicals, threads, people."""
    from litterhub.errors import HubError
    from litterhub.services import everywhere
    from litterhub.services.hub import Hub

    try:
        groups = everywhere.search(Hub.open(data_dir), query, lang)
    except HubError as exc:
        typer.echo(f"error [{exc.code}] {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps({"query": query, "groups": everywhere.as_dicts(groups)}))
        return
    for g in groups:
        if g.problem:
            typer.echo(f"{g.kind}: unavailable ({g.problem})")
            continue
        typer.echo(f"{g.kind}: {g.total if g.total is not None else 'many'}")
        for r in g.results:
            typer.echo(f"  {r.title}  {r.href}")


def register(app: typer.Typer) -> None:
    app.command("summary")(summary)
    app.command("find")(find)
    app.command("compare")(compare)
    app.command("survey-items")(survey_items)
