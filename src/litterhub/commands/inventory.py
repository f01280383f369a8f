"""`litterhub inventory …`: national source inventories (leakage models) from the command line.

Thin: parse options, call `litterhub.services.inventory`, print text or JSON. Input problems are
printed as `line N, field 'x': code: message` on stderr with exit status 1, and nothing is computed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from litterhub.services import inventory as service

inventory_app = typer.Typer(
    help="National source inventories: plastic leakage to waterways and the ocean (Jambeck 2015, "
    "Meijer 2021, Borrelle 2020, primary microplastics).",
    no_args_is_help=True,
)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of text.")
DETAIL_OPTION = typer.Option(False, "--detail", help="With --json: add inputs, their sources and the compartment.")
OVERRIDE_OPTION = typer.Option(
    None, "--override", help="Replace a default input: FIELD=VALUE (repeatable); needs --override-source."
)
OVERRIDE_SOURCE_OPTION = typer.Option(None, "--override-source", help="Where the overriding figures come from.")
OVERRIDES_FILE_OPTION = typer.Option(
    None, "--overrides", help="CSV of the country's own figures: field,value,source.", dir_okay=False
)


def _fail(exc: service.InventoryInputError) -> None:
    for issue in exc.issues:
        typer.echo(f"error: {issue.describe()}", err=True)
    raise typer.Exit(code=1)


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except service.InventoryInputError as exc:
        _fail(exc)


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(code=1) from None
    return _run(lambda: service.decode_upload(data))


def _overrides(method: str, pairs: list[str] | None, source: str | None, file: Path | None) -> list:
    found = _run(lambda: service.parse_override_args(pairs or [], source))
    if file is not None:
        text = _read(file)
        found += _run(lambda: service.overrides_from_csv(text, method))
    return found


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _t(value: float) -> str:
    return f"{value:,.0f} t"


@inventory_app.command("jambeck")
def jambeck_command(
    country: str | None = typer.Option(None, "--country", help="ISO 3166-1 alpha-3 code, e.g. CHN."),
    year: int = typer.Option(
        2010,
        "--year",
        help="With --country: 2010 (computed) or 2025 (Jambeck's published projection); "
        "with --inputs: the year your inputs describe.",
    ),
    inputs: Path | None = typer.Option(
        None,
        "--inputs",
        dir_okay=False,
        help="CSV of your own inputs: country,coastal_population,waste_kg_per_person_day,plastic_share,"
        "inadequately_managed_share,littered_share (shares as fractions).",
    ),
    source: str = typer.Option("user inputs", "--source", help="With --inputs: where the figures come from."),
    override: list[str] | None = OVERRIDE_OPTION,
    override_source: str | None = OVERRIDE_SOURCE_OPTION,
    overrides_file: Path | None = OVERRIDES_FILE_OPTION,
    as_json: bool = JSON_OPTION,
    detail: bool = DETAIL_OPTION,
) -> None:
    """Jambeck et al. 2015: mismanaged plastic waste of the coastal population and ocean input (15–40 %)."""
    if (country is None) == (inputs is None):
        typer.echo("error: give either --country ISO3 or --inputs FILE.csv", err=True)
        raise typer.Exit(code=1)
    if inputs is not None:
        text = _read(inputs)
        estimates = _run(lambda: service.jambeck_from_csv(text, source, year))
    else:
        found = _overrides("jambeck", override, override_source, overrides_file)
        estimates = [_run(lambda: service.jambeck_country(country, year, found))]
    if as_json:
        shaped = [e.detail() if detail else e.summary() for e in estimates]
        _print_json(shaped if inputs is not None else shaped[0])
        return
    for e in estimates:
        typer.echo(f"{e.country} {e.year} — Jambeck et al. 2015 (input to the {e.compartment})")
        typer.echo(f"  mismanaged plastic waste (coastal population): {_t(e.mismanaged_plastic_waste_t)}")
        typer.echo(
            f"  marine debris 15 % / 25 % / 40 %: {_t(e.marine_debris_low_t)} / "
            f"{_t(e.marine_debris_mid_t)} / {_t(e.marine_debris_high_t)}"
        )
        if e.note:
            typer.echo(f"  note: {e.note}")


@inventory_app.command("meijer")
def meijer_command(
    country: str = typer.Option(..., "--country", help="ISO 3166-1 alpha-3 code, e.g. PHL."),
    override: list[str] | None = OVERRIDE_OPTION,
    override_source: str | None = OVERRIDE_SOURCE_OPTION,
    overrides_file: Path | None = OVERRIDES_FILE_OPTION,
    as_json: bool = JSON_OPTION,
    detail: bool = DETAIL_OPTION,
) -> None:
    """Meijer et al. 2021: emission to the ocean = mismanaged plastic waste × the country's emission ratio."""
    found = _overrides("meijer", override, override_source, overrides_file)
    e = _run(lambda: service.meijer_country(country, found))
    if as_json:
        _print_json(e.detail() if detail else e.summary())
        return
    typer.echo(f"{e.country} {e.year} — Meijer et al. 2021 (emission to the {e.compartment})")
    typer.echo(f"  mismanaged plastic waste: {_t(e.mismanaged_plastic_waste_t)}")
    typer.echo(f"  emission ratio M(E)/MPW: {e.emission_ratio:.2%}")
    typer.echo(f"  emitted to the ocean: {_t(e.emitted_to_ocean_t)}")
    rivers = _run(lambda: service.meijer_top_rivers(e.country))
    if rivers:
        typer.echo("  hotspots among the world's top-50 emitting rivers:")
        for r in rivers:
            typer.echo(f"    {r['river']:<28} {_t(r['emitted_to_ocean_t'])} ({r['share_of_global']:.2%} of global)")


@inventory_app.command("borrelle")
def borrelle_command(
    country: str = typer.Option(..., "--country", help="ISO 3166-1 alpha-3 code, e.g. PHL."),
    year: int = typer.Option(2016, "--year", help="2016–2030."),
    scenario: str = typer.Option("bau", "--scenario", help="bau | ambitious | target"),
    draws: int = typer.Option(service.DEFAULT_DRAWS, "--draws", help="Monte Carlo draws."),
    seed: int = typer.Option(service.DEFAULT_SEED, "--seed", help="Random seed (same seed, same result)."),
    override: list[str] | None = OVERRIDE_OPTION,
    override_source: str | None = OVERRIDE_SOURCE_OPTION,
    overrides_file: Path | None = OVERRIDES_FILE_OPTION,
    as_json: bool = JSON_OPTION,
    detail: bool = DETAIL_OPTION,
) -> None:
    """Borrelle et al. 2020: emissions to aquatic ecosystems with Monte Carlo uncertainty and scenarios."""
    found = _overrides("borrelle", override, override_source, overrides_file)
    e = _run(lambda: service.borrelle_country(country, year, scenario, draws, seed, found))
    if as_json:
        _print_json(e.detail() if detail else e.summary())
        return
    typer.echo(f"{e.country} {e.year}, scenario {e.scenario} — Borrelle et al. 2020 ({e.compartment})")
    typer.echo(
        f"  emissions: mean {_t(e.emissions_t_mean)} (80 % interval {_t(e.emissions_t_p10)} – "
        f"{_t(e.emissions_t_p90)}; {e.draws} draws, seed {e.seed})"
    )


@inventory_app.command("totals")
def totals_command(
    year: int = typer.Option(2016, "--year", help="2016–2030."),
    scenario: str = typer.Option("bau", "--scenario", help="bau | ambitious | target"),
    draws: int = typer.Option(service.DEFAULT_DRAWS, "--draws"),
    seed: int = typer.Option(service.DEFAULT_SEED, "--seed"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Borrelle totals by income class and for the world (sums of per-country mean, P10, P90)."""
    result = _run(lambda: service.borrelle_totals(year, scenario, draws, seed))
    if as_json:
        _print_json(result)
        return
    typer.echo(f"{year}, scenario {scenario} — emissions to {result['compartment']}, t/yr")
    for g in result["groups"]:
        typer.echo(
            f"  {g['group']:<6} ({g['countries']:>3} countries) mean {_t(g['emissions_t_mean'])} "
            f"[{_t(g['emissions_t_p10'])} – {_t(g['emissions_t_p90'])}]"
        )


@inventory_app.command("ranking")
def ranking_command(
    limit: int = typer.Option(20, "--limit", help="How many countries."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Jambeck et al. 2015 Table 1: countries ranked by mismanaged plastic waste 2010 (computed)."""
    rows = _run(lambda: service.jambeck_ranking(limit))
    if as_json:
        _print_json(rows)
        return
    typer.echo("rank country  coastal pop (M)  MPW 2010 (Mt)  % of global  to ocean (Mt)  MPW 2025 (Mt)")
    for r in rows:
        typer.echo(
            f"{r['rank']:>4} {r['country']:<8} {r['coastal_population'] / 1e6:>15.1f}"
            f"  {r['mismanaged_plastic_waste_t'] / 1e6:>13.2f}  {100 * r['share_of_global_mpw']:>11.1f}"
            f"  {r['marine_debris_low_t'] / 1e6:.2f}–{r['marine_debris_high_t'] / 1e6:.2f}"
            f"  {r['mismanaged_plastic_waste_2025_t'] / 1e6:>13.2f}"
        )


@inventory_app.command("scenarios")
def scenarios_command(
    country: str = typer.Option(..., "--country", help="ISO 3166-1 alpha-3 code."),
    draws: int = typer.Option(service.DEFAULT_DRAWS, "--draws"),
    seed: int = typer.Option(service.DEFAULT_SEED, "--seed"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Borrelle scenarios side by side, 2016–2030 (mean and 80 % interval per year)."""
    result = _run(lambda: service.borrelle_scenarios(country, draws, seed))
    if as_json:
        _print_json({"country": country.upper(), "scenarios": result})
        return
    typer.echo(f"{country.upper()} — emissions to aquatic ecosystems, t/yr (mean [P10–P90])")
    typer.echo("year  " + "  ".join(f"{s:>34}" for s in result))
    for i, row in enumerate(result["bau"]):
        cells = [f"{r[i]['mean']:>12,.0f} [{r[i]['p10']:>9,.0f}–{r[i]['p90']:>9,.0f}]" for r in result.values()]
        typer.echo(f"{row['year']}  " + "  ".join(f"{c:>34}" for c in cells))


@inventory_app.command("flow")
def flow_command(
    country: str = typer.Option(..., "--country", help="ISO 3166-1 alpha-3 code."),
    override: list[str] | None = OVERRIDE_OPTION,
    override_source: str | None = OVERRIDE_SOURCE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """From waste generated to leakage (What a Waste 2.0 defaults), leakage by method and compartment."""
    found = _run(lambda: service.parse_override_args(override or [], override_source))
    result = _run(lambda: service.country_flow(country, found))
    if as_json:
        _print_json(result)
        return
    typer.echo(f"{result['country']} {result['name']} — flow, t/yr")
    for step in result["steps"]:
        typer.echo(f"  {step['label']:<28} {_t(step['value_t'])}")
    for item in result["leakage"]:
        if "low_t" in item:
            value = f"{_t(item['low_t'])} – {_t(item['high_t'])}"
        elif "p10_t" in item:
            value = f"{_t(item['mean_t'])} ({_t(item['p10_t'])} – {_t(item['p90_t'])})"
        else:
            value = _t(item["mean_t"])
        typer.echo(f"  -> {item['method']:<12} to {item['compartment']}: {value}")


@inventory_app.command("microplastics")
def microplastics_command(
    params: Path = typer.Option(
        ...,
        "--params",
        dir_okay=False,
        help="CSV: source,pathway,activity,loss_rate,pathway_share,retention (one row per source × pathway).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Primary microplastics released to the ocean (Boucher & Friot 2017 structure, your parameters)."""
    text = _read(params)
    result = _run(lambda: service.microplastics_from_csv(text))
    summary = service.microplastics_summary(result)
    if as_json:
        _print_json(summary)
        return
    typer.echo(f"primary microplastics released to the ocean: {_t(summary['total_release_to_ocean_t'])}")
    for row in summary["sources"]:
        typer.echo(f"  {row['source']:<24} {_t(row['release_to_ocean_t'])} ({row['release_share']:.1%})")


DATA_DIR_OPTION = typer.Option(
    None, "--data-dir", help="data directory (default LITTERHUB_DATA, else ./litterhub-data)"
)


def _hub(data_dir: Path | None):
    from litterhub.services.hub import Hub

    return Hub.open(data_dir)


@inventory_app.command("submit")
def submit_command(
    country: str = typer.Option(..., "--country", help="ISO 3166-1 alpha-3 code."),
    method: str = typer.Option(..., "--method", help="jambeck | meijer | borrelle"),
    submitter: str = typer.Option(..., "--submitter", help="Who submits (agency, person)."),
    year: int | None = typer.Option(None, "--year", help="Year (jambeck 2010/2025, borrelle 2016–2030)."),
    scenario: str = typer.Option("bau", "--scenario", help="borrelle only: bau | ambitious | target"),
    draws: int = typer.Option(service.DEFAULT_DRAWS, "--draws"),
    seed: int = typer.Option(service.DEFAULT_SEED, "--seed"),
    override: list[str] | None = OVERRIDE_OPTION,
    override_source: str | None = OVERRIDE_SOURCE_OPTION,
    overrides_file: Path | None = OVERRIDES_FILE_OPTION,
    as_json: bool = JSON_OPTION,
    data_dir: Path | None = DATA_DIR_OPTION,
) -> None:
    """Store a national inventory (inputs with sources, method, results) as a new version in the catalog."""
    found = _overrides(method, override, override_source, overrides_file) if method in service.OVERRIDABLE else []
    hub = _hub(data_dir)
    try:
        record = _run(
            lambda: service.submit_inventory(hub, country, method, submitter, year, found, scenario, draws, seed)
        )
    finally:
        hub.close()
    if as_json:
        _print_json(record)
        return
    typer.echo(
        f"stored {record['country']} {record['method']} inventory version {record['version']} "
        f"({record['year']}): {_t(record['central_t'])} to {record['compartment']}"
    )


@inventory_app.command("records")
def records_command(
    country: str | None = typer.Option(None, "--country", help="ISO3 filter."),
    method: str | None = typer.Option(None, "--method", help="jambeck | meijer | borrelle"),
    as_json: bool = JSON_OPTION,
    data_dir: Path | None = DATA_DIR_OPTION,
) -> None:
    """Stored national inventories (latest version each), comparable across countries."""
    hub = _hub(data_dir)
    try:
        rows = _run(lambda: service.list_inventories(hub, country, method))
    finally:
        hub.close()
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['country']}  {r['method']:<9} v{r['version']}  {r['year']}  {_t(r['central_t']):>14}  "
            f"{r['compartment']}  — {r['submitter']}"
        )


def register(app: typer.Typer) -> None:
    """Add the `inventory` command group to the main CLI."""
    app.add_typer(inventory_app, name="inventory")
