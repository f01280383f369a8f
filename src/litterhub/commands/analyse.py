"""`litterhub analyse …`: beach statistics, EU threshold value, OSPAR, SDG 14.1.1b and composition."""

from __future__ import annotations

import json
from pathlib import Path

import typer

group = typer.Typer(help="Indicators on the hub's datasets (litteR statistics, EU TV, OSPAR, SDG 14.1.1b).",
                    no_args_is_help=True)

DATA_DIR = typer.Option(None, "--data-dir", help="hub data directory")
DATASETS = typer.Option(None, "--dataset", "-d", help="dataset id (ID or ID@VERSION; repeat; default: all)")
AS_JSON = typer.Option(False, "--json", help="print the full result as JSON")
FROM = typer.Option(None, "--from", help="first survey date YYYY-MM-DD")
TO = typer.Option(None, "--to", help="last survey date YYYY-MM-DD")
POOL = typer.Option(False, "--pool", help="one result over all inputs; refused when they span several "
                    "comparability classes")
CLASS = typer.Option(None, "--class", help="only this comparability class (its label as printed)")

BEACH_COLUMNS = ["site_name", "group", "from", "to", "n", "mean", "median", "cv", "rmad", "slope", "p_value"]
REGION_COLUMNS = ["group", "n", "mean", "median", "slope", "S", "VarS", "Z", "p_value"]


def _run(fn, *args, **kwargs):
    """Call a service, turning the catalogue's errors into a message and exit code 2, never a traceback."""
    from litterhub.services.datasets import BadRequest, NotFound
    from litterhub.services.hub import Hub

    hub = Hub.open(kwargs.pop("data_dir"))
    try:
        return fn(hub, *args, **kwargs)
    except (BadRequest, NotFound, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        hub.close()


def _emit(result, tables: list[tuple[str, list[str] | None]], as_json: bool, drop: tuple[str, ...] = ()) -> None:
    """The result as JSON, or as text: one block per comparability class (largest first), each table under it."""
    from litterhub.analysis.comparability import CLASS_COLUMN

    if as_json:
        out = result.as_dict()
        for name in drop:
            out["tables"].pop(name, None)
        typer.echo(json.dumps(out, default=str))
        return
    import pandas as pd

    versions = ", ".join(f"{d}@{v}" for d, v in result.versions)
    typer.echo(f"{result.indicator} · dataset versions: {versions or 'none'}")
    for w in result.warnings:
        typer.echo(f"warning [{w.code}]: {w.message}")
    excluded = getattr(result, "excluded_events", [])
    if excluded:
        typer.echo(f"left out as duplicate copies: {len(excluded)} events (listed in --json excluded_events)")
    classes = getattr(result, "classes", []) or [None]
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.max_columns", 30):
        for number, klass in enumerate(classes, start=1):
            if klass is not None:
                typer.echo(f"\n== class {number}/{len(classes)}: {klass.label} ({klass.events} events; "
                           f"{', '.join(klass.datasets)})")
            for name, columns in tables:
                frame = result.tables.get(name)
                if frame is not None and klass is not None and CLASS_COLUMN in frame.columns:
                    frame = frame[frame[CLASS_COLUMN] == klass.label]
                if frame is None or frame.empty:
                    continue
                cols = [c for c in (columns or frame.columns) if c in frame.columns and c != CLASS_COLUMN]
                typer.echo(f"\n{name}:")
                typer.echo(frame[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))


@group.command("beach")
def beach_cmd(
    dataset: list[str] = DATASETS,
    group_by: str = typer.Option("site", "--group-by", help="site | country | region"),
    date_from: str = FROM,
    date_to: str = TO,
    per_100m: bool = typer.Option(False, "--per-100m", help="normalise every survey to 100 m of shore"),
    groups: list[str] = typer.Option(None, "--group", "-g", help="only these groups (TC, PLASTIC, SUP, FISH, …)"),
    pool: bool = POOL,
    klass: str = CLASS,
    as_json: bool = AS_JSON,
    data_dir: str = DATA_DIR,
) -> None:
    """litteR's statistics (median, Theil–Sen slope, Mann–Kendall, regional Kendall) on survey totals per group,
    per comparability class."""
    from litterhub.services import indicators

    result = _run(indicators.beach, dataset or None, group_by=group_by, date_from=date_from, date_to=date_to,
                  per_100m=per_100m, groups=groups or None, pool=pool, klass=klass, data_dir=data_dir)
    region_col = {"country": "country", "region": "region"}.get(group_by)
    tables = [("sites", BEACH_COLUMNS)]
    if region_col:
        tables.append((group_by, [region_col, *REGION_COLUMNS]))
    _emit(result, tables, as_json, drop=("surveys",))


@group.command("threshold")
def threshold_cmd(
    dataset: list[str] = DATASETS,
    date_from: str = FROM,
    date_to: str = TO,
    min_surveys: int = typer.Option(40, "--min-surveys", min=1),
    target: float = typer.Option(None, "--target", help="target for the years-to-threshold estimate (default TV 20)"),
    cycle_anchor: int = typer.Option(2012, "--cycle-anchor", help="first year of an MSFD 6-year cycle"),
    all_events: bool = typer.Option(False, "--all-events", help="include cleanups (default: monitoring only)"),
    pool: bool = POOL,
    klass: str = CLASS,
    as_json: bool = AS_JSON,
    data_dir: str = DATA_DIR,
) -> None:
    """EU threshold value (20 items/100 m): pooled median per class × country × subregion × 6-year cycle."""
    from litterhub.services import indicators

    result = _run(indicators.threshold, dataset or None, date_from=date_from, date_to=date_to,
                  min_surveys=min_surveys, target=target, anchor=cycle_anchor, monitoring_only=not all_events,
                  pool=pool, klass=klass, data_dir=data_dir)
    _emit(result, [("assessment", ["country", "region", "period", "n", "n_sites", "av", "av_ci_low", "av_ci_high",
                                   "status", "distance_to_tv", "trend_per_year", "years_with_safety",
                                   "threshold_year"]),
                   ("sites", None), ("years", None)], as_json, drop=("surveys",))


@group.command("ospar")
def ospar_cmd(
    dataset: list[str] = DATASETS,
    end_year: int = typer.Option(None, "--end-year", help="last year of both windows (default: last year of data)"),
    group_by: str = typer.Option("region", "--group-by", help="country | region"),
    monitoring_year: bool = typer.Option(False, "--monitoring-year", help="OSPAR's April-March monitoring year"),
    pool: bool = POOL,
    klass: str = CLASS,
    as_json: bool = AS_JSON,
    data_dir: str = DATA_DIR,
) -> None:
    """OSPAR-style assessment: 3-year median abundance and 6-year trends per beach and region, per class."""
    from litterhub.services import indicators

    result = _run(indicators.ospar, dataset or None, end_year=end_year, group_by=group_by,
                  monitoring_year=monitoring_year, pool=pool, klass=klass, data_dir=data_dir)
    _emit(result, [("windows", None), ("abundance_regions", None),
                   ("trend_regions", [group_by, *REGION_COLUMNS])], as_json)


@group.command("sdg")
def sdg_cmd(
    country: str = typer.Option(None, "--country", help="ISO 3166-1 alpha-3 (default: every country)"),
    dataset: list[str] = DATASETS,
    assume_width: float = typer.Option(None, "--assume-width", metavar="METRES",
                                       help="beach width for sites with none from the survey or the width table; "
                                            "every value it touches is flagged WIDTH_ASSUMED (NATURE E)"),
    csv: Path = typer.Option(None, "--csv", help="write the SDG data-exchange CSV here (one row per country, year "
                                                  "and comparability class; HEADLINE marks the value to report)"),
    pool: bool = POOL,
    klass: str = CLASS,
    as_json: bool = AS_JSON,
    data_dir: str = DATA_DIR,
) -> None:
    """SDG 14.1.1b: beach litter and floating plastic per km² per country, year and comparability class (the
    headline class flagged); countries that cannot be computed say why, with the beaches that lack a width (give
    them with `litterhub widths`)."""
    from litterhub.services import indicators

    result = _run(indicators.sdg, country=country, datasets=dataset or None, assume_width=assume_width,
                  pool=pool, klass=klass, data_dir=data_dir)
    if csv:
        csv.write_text(indicators.as_csv(result, "sdg"), encoding="utf-8")
        typer.echo(f"wrote {len(result.tables['sdg'])} rows to {csv}", err=as_json)
    _emit(result, [("sdg", ["SERIES_CODE", "GEO_AREA_CODE", "GEO_AREA_NAME", "TIME_PERIOD", "OBS_VALUE",
                            "UNIT_LABEL", "HEADLINE", "N_SURVEYS", "N_NOT_COMPUTED", "WIDTH_SOURCE",
                            "WIDTH_ASSUMED", "NATURE"])], as_json)
    if not as_json:
        countries = result.tables["countries"]
        if len(countries):  # a status per country over all its classes, printed once
            columns = ["series", "country", "status", "surveys", "surveys_computed", "surveys_assumed",
                       "years_headline", "classes", "sites_without_width"]
            typer.echo("\ncountries:")
            typer.echo(countries[columns].to_string(index=False))
        _explain_gaps(result)


SITES_SHOWN = 10


def _explain_gaps(result) -> None:
    """Each country not (fully) computed: why, what to provide, and the first beaches lacking a width."""
    countries, missing = result.tables["countries"], result.tables["missing_widths"]
    gaps = countries[countries["reason"] != ""]
    if gaps.empty:
        return
    typer.echo("")
    for row in gaps.itertuples():
        typer.echo(f"{row.country} {row.series}: {row.reason}")
        typer.echo(f"  provide: {row.what_to_provide}")
        sites = missing[missing["country"] == row.country]
        for site in sites.head(SITES_SHOWN).itertuples():
            typer.echo(f"  - {site.site_id}  {site.site_name or ''}  ({site.events} surveys)")
        if len(sites) > SITES_SHOWN:
            typer.echo(f"  … and {len(sites) - SITES_SHOWN} more: `litterhub widths list --missing --country "
                       f"{row.country} --csv FILE` writes them all as a file to fill in and import")
    if result.summary.get("width_assumed"):
        typer.echo(f"\nASSUMED WIDTH: {result.summary['surveys_with_assumed_width']} surveys use the assumed width "
                   f"of {result.summary['assumed_width_m']:g} m (rows flagged WIDTH_ASSUMED = True, NATURE = E)")


@group.command("composition")
def composition_cmd(
    dataset: list[str] = DATASETS,
    top: int = typer.Option(10, "--top", min=1, max=500),
    date_from: str = FROM,
    date_to: str = TO,
    pool: bool = POOL,
    klass: str = CLASS,
    as_json: bool = AS_JSON,
    data_dir: str = DATA_DIR,
) -> None:
    """Top items, unmapped source codes, single-use-plastic, fishing, material and OSPAR source-category shares,
    per comparability class."""
    from litterhub.services import indicators

    result = _run(indicators.composition, dataset or None, top=top, date_from=date_from, date_to=date_to,
                  pool=pool, klass=klass, data_dir=data_dir)
    _emit(result, [("totals", None), ("items", ["item", "name", "material", "total", "pct_of_total", "fail_rate"]),
                   ("unmapped", ["item", "name", "total", "pct_of_total"]), ("groups", None), ("materials", None),
                   ("sources", None)], as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="analyse")
