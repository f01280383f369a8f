"""`litterhub countries …` and `litterhub regions …`: country profiles and country-group pages."""

from __future__ import annotations

import json

import typer

group = typer.Typer(help="Country profiles: monitoring, indicators, inventories, records, memberships.",
                    no_args_is_help=True)
regions_group = typer.Typer(help="Regional Seas programmes and other country groups.", no_args_is_help=True)
DATA_DIR = typer.Option(None, "--data-dir", help="hub data directory")
AS_JSON = typer.Option(False, "--json", help="print the full profile as JSON")


def _run(fn, *args, data_dir=None):
    from litterhub.services.datasets import BadRequest, NotFound
    from litterhub.services.hub import Hub

    hub = Hub.open(data_dir)
    try:
        return fn(hub, *args)
    except (NotFound, BadRequest) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        hub.close()


def _num(value, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}g}"


@group.command("list")
def list_cmd(q: str = typer.Option("", "--q", help="code or name contains"), as_json: bool = AS_JSON,
             data_dir: str = DATA_DIR) -> None:
    """Every country with surveys, registry records or a submitted inventory."""
    from litterhub.services import countries

    rows = _run(countries.country_index, q, data_dir=data_dir)
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for r in rows:
        typer.echo(f"{r['country']}  {r['name']:<32} surveys {r['surveys']:>6}  sites {r['sites']:>4}  "
                   f"records {r['records']:>3}  inventories {r['inventories']}")


@group.command("show")
def show_cmd(code: str = typer.Argument(..., help="ISO 3166-1 alpha-3, e.g. USA"), as_json: bool = AS_JSON,
             data_dir: str = DATA_DIR) -> None:
    """One country's profile (the same data as /countries/ISO3 and /api/v1/countries/ISO3)."""
    from litterhub.services import countries

    p = _run(countries.profile, code, data_dir=data_dir)
    if as_json:
        typer.echo(json.dumps(p, default=str))
        return
    m = p["monitoring"]
    typer.echo(f"{p['name']} ({p['country']})")
    typer.echo(f"monitoring: {m['surveys']} surveys at {len(m['sites'])} sites")
    for row in m["per_year"]:
        typer.echo(f"  {row['year']} {row['compartment']}: {row['surveys']}")
    for gap in m["gaps"]:
        typer.echo(f"  gap [{gap['code']}]: {gap['detail']}")
    typer.echo("trends (" + p["indicators"]["beach"]["unit"] + "):")
    for r in p["indicators"]["beach"]["rows"]:
        typer.echo(f"  [{r['comparability_class']}] {r['group']}: n {r['n']}, median {_num(r['median'])}, "
                   f"slope {_num(r['slope'])}, p {_num(r['p_value'])} {r['trend_note']}")
    sdg = p["indicators"]["sdg"]
    for r in sdg["rows"]:
        typer.echo(f"  SDG 14.1.1b {r['TIME_PERIOD']}: {_num(r['OBS_VALUE'], 6)} {r['UNIT_LABEL']} "
                   f"[{r['comparability_class']}]")
    for r in sdg["status"]:
        if r["reason"]:
            typer.echo(f"  SDG 14.1.1b not computable: {r['reason']} → {r['what_to_provide']}")
    for r in p["indicators"]["threshold"]["rows"]:
        typer.echo(f"  EU TV {r['region']} {r['period']}: {_num(r['av'])} items/100 m ({r['status']})")
    d = p["design"]
    if d["surveys_per_beach_per_year"]:
        typer.echo(f"design: {d['surveys_per_beach_per_year']} surveys per beach per year")
    elif d["note"]:
        typer.echo(f"design: {d['note']}")
    typer.echo("memberships: " + "; ".join(g["name"] for g in p["memberships"]))
    knowledge = p.get("knowledge") or {}
    for it in (knowledge.get("measures") or {}).get("items", []):  # services/knowledge.py
        typer.echo(f"measures targeting {it['name']} ({it['item']}) here since {it['since'] or 'an unknown year'}")
    for it in (knowledge.get("chemical_lens") or {}).get("items", []):
        typer.echo(f"lens {it['item']}: recorded in {it['surveys']} surveys; polymers "
                   f"{', '.join(it['polymers']) or '-'}; {it['substances']} associated substances (not measured)")
    for kind, rows in p["registry"].items():
        typer.echo(f"{kind}: " + "; ".join(r["title"] for r in rows))


@regions_group.command("list")
def regions_list(data_dir: str = DATA_DIR) -> None:
    """Every country group with its number of members."""
    from litterhub.services import countries

    for g in _run(countries.region_index, data_dir=data_dir):
        typer.echo(f"{g['id']:<40} {g['kind']:<18} members {len(g['members']):>3}  {g['name']}")


@regions_group.command("show")
def regions_show(group_id: str, as_json: bool = AS_JSON, data_dir: str = DATA_DIR) -> None:
    """One group: members, coverage and regional trends (same data as /regions/ID)."""
    from litterhub.services import countries

    r = _run(countries.region, group_id, data_dir=data_dir)
    if as_json:
        typer.echo(json.dumps(r, default=str))
        return
    typer.echo(f"{r['name']} ({r['kind']}): {len(r['members'])} members, {r['coverage']['with_surveys']} with surveys")
    typer.echo("members: " + ", ".join(m["country"] for m in r["members"]))
    for t in r["trends"]:
        typer.echo(f"  [{t['comparability_class']}] {t['group']}: median {_num(t['median'])}, "
                   f"slope {_num(t['slope'])}, p {_num(t['p_value'])}")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="countries")
    app.add_typer(regions_group, name="regions")
