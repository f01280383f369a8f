"""Indicators as use cases: pick dataset versions, open them in DuckDB, run an analysis, cite the inputs.

Every function returns an `IndicatorResult` carrying the dataset versions it read, its parameters and
the comparability warnings of its inputs. Events that the duplicate scan marked as the second copy of
a survey reported through two programmes are left out here, once, for every indicator, and listed in the
result's `excluded_events`. Every table gives one result per comparability class (column
`comparability_class`, classes with most events first); `pool=True` is refused with
`IncomparableClasses` when the inputs span more than one class, and `klass` keeps one class.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import select

from litterhub.analysis import beach as beach_analysis
from litterhub.analysis import composition as composition_analysis
from litterhub.analysis import ospar as ospar_analysis
from litterhub.analysis import sdg as sdg_analysis
from litterhub.analysis import threshold as threshold_analysis
from litterhub.analysis.comparability import (
    CLASS_COLUMN,
    COUNTED_SQL,
    ComparabilityClass,
    IndicatorResult,
    check_events,
    classify,
    require_one_class,
    warning,
)
from litterhub.model.csvsafe import safe_cell
from litterhub.services.datasets import BadRequest, NotFound, require_published
from litterhub.services.duplicates import excluded_and_flagged, exclusion_list
from litterhub.services.hub import Hub
from litterhub.store import tables as t

GROUP_BY = tuple(beach_analysis.GROUP_BY)


def parse_date(name: str, text: str | date | None) -> date | None:
    if text is None or text == "":
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, got {text!r}") from None


def resolve_versions(hub: Hub, datasets: list[str] | None) -> list[tuple[str, int]]:
    """(dataset, current version) for the named datasets, or for every published dataset when none named."""
    d = t.datasets
    with hub.engine.connect() as conn:
        rows = dict(conn.execute(select(d.c.id, d.c.current_version).where(d.c.current_version > 0)).all())
    if not datasets:
        return sorted((k, int(v)) for k, v in rows.items())
    out = []
    for name in datasets:
        ident, _, version = name.partition("@")
        if ident not in rows:
            raise NotFound(f"dataset {ident!r} not found")
        try:
            number = int(version) if version else int(rows[ident])
        except ValueError:
            raise BadRequest(f"dataset version must be a number: {name!r}") from None
        require_published(hub, ident, number)  # the catalog decides, never the lake folder (retractions)
        out.append((ident, number))
    return out


def _open(hub: Hub, versions: list[tuple[str, int]]) -> tuple[duckdb.DuckDBPyConnection, int]:
    """A connection with views `events` and `observations` over the versions, duplicate copies left out."""
    con = hub.lake.connect()
    con.register("_all_events", hub.lake.scan("events", versions, con))
    con.register("observations", hub.lake.scan("observations", versions, con))
    excluded, _ = excluded_and_flagged(hub)
    con.register("_excluded", pd.DataFrame({"event_id": sorted(excluded)}, dtype="string"))
    con.register("events", con.sql("SELECT * FROM _all_events e ANTI JOIN _excluded x ON x.event_id = e.event_id"))
    n_dropped = con.sql("SELECT count(*) FROM _all_events e SEMI JOIN _excluded x ON x.event_id = e.event_id"
                        ).fetchall()[0][0]
    return con, int(n_dropped)


def _base_warnings(con: duckdb.DuckDBPyConnection, n_duplicates: int, events: str = "events") -> list:
    out = check_events(con, events)
    if n_duplicates:
        out.append(warning("duplicate-copies-skipped", f"{n_duplicates} events are a second copy of a survey "
                           "reported through another dataset and were not counted twice", events=n_duplicates))
    return out


def excluded_events(hub: Hub, versions: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """The duplicate copies left out of indicators over `versions`: {event_id, dataset_id, duplicate_of, reason}."""
    used = {d for d, _ in versions}
    return [r for r in exclusion_list(hub) if r.get("dataset_id") in used]


def _classes(con: duckdb.DuckDBPyConnection, events: str, pool: bool, klass: str | None,
             what: str = "pooling (--pool / pool=true)") -> list[ComparabilityClass]:
    """The comparability classes of `events`, largest first; refuses pooling across classes; keeps `klass` only."""
    classes = classify(con, events)
    if klass:
        chosen = [c for c in classes if c.label == klass]
        if not chosen:
            raise NotFound(f"comparability class {klass!r} not in these inputs (have: "
                           + "; ".join(c.label for c in classes) + ")")
        classes = chosen
    if pool:
        require_one_class(classes, what)
    return classes


def _class_warning(classes: list[ComparabilityClass]) -> list:
    """One note when the inputs span several classes: results are given per class, never added across them."""
    if len(classes) < 2:
        return []
    return [warning("comparability-classes", f"the inputs fall into {len(classes)} comparability classes; every "
                    "table gives one result per class (column comparability_class, largest first) and nothing is "
                    "added across classes", **{c.label: c.events for c in classes})]


def _density_warning(con: duckdb.DuckDBPyConnection, events: str) -> list:
    """Events carrying a published density instead of counts (trawl pieces/km²) have no survey totals: say so."""
    n = con.sql(f"SELECT count(*) FROM {events} WHERE NOT {COUNTED_SQL}").fetchall()[0][0]  # noqa: S608
    if not n:
        return []
    return [warning("density-not-counted", f"{n} events carry a density the source published (e.g. trawl "
                    "pieces/km²), not item counts: they have no survey totals here (see microplastics)", events=n)]


def _labelled(frame: pd.DataFrame | None, label: str) -> pd.DataFrame | None:
    """`frame` with the class label as its first column."""
    if frame is None:
        return None
    frame = frame.drop(columns=[CLASS_COLUMN], errors="ignore").copy()
    frame.insert(0, CLASS_COLUMN, label)
    return frame


def _per_class(frames: list[dict[str, pd.DataFrame | None]]) -> dict[str, pd.DataFrame]:
    """Tables of several classes (each already labelled, largest class first) stacked by name."""
    names = list(dict.fromkeys(name for tables in frames for name in tables))
    out = {}
    for name in names:
        parts = [tables[name] for tables in frames if tables.get(name) is not None and len(tables[name])]
        out[name] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out


def _keep_class(tables: dict[str, pd.DataFrame], classes: list[ComparabilityClass]) -> dict[str, pd.DataFrame]:
    """Rows of the chosen classes only (when a class was asked for), in the classes' order."""
    labels = [c.label for c in classes]
    out = {}
    for name, frame in tables.items():
        if frame is not None and CLASS_COLUMN in frame.columns:
            order = {label: i for i, label in enumerate(labels)}
            frame = frame[frame[CLASS_COLUMN].isin(labels)]
            frame = frame.iloc[frame[CLASS_COLUMN].map(order).argsort(kind="stable")].reset_index(drop=True)
        out[name] = frame
    return out


def site_names(hub: Hub, site_ids: list[str]) -> dict[str, str]:
    ids = sorted({s for s in site_ids if s})
    out: dict[str, str] = {}
    with hub.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            out.update(dict(conn.execute(select(t.sites.c.id, t.sites.c.name)
                                         .where(t.sites.c.id.in_(ids[i:i + 500]))).all()))
    return out


def _name_sites(hub: Hub, frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None or frame.empty or "site_id" not in frame:
        return frame
    names = site_names(hub, frame["site_id"].dropna().unique().tolist())
    frame = frame.copy()
    frame.insert(frame.columns.get_loc("site_id") + 1, "site_name", frame["site_id"].map(names))
    return frame


def beach(hub: Hub, datasets: list[str] | None = None, group_by: str = "site", date_from: str | date | None = None,
          date_to: str | date | None = None, per_100m: bool = False, groups: list[str] | None = None,
          pool: bool = False, klass: str | None = None) -> IndicatorResult:
    """litteR's statistics per site (and per country or region) on survey totals per vocabulary group, per
    comparability class: a country or region groups the sites of one class, never of several."""
    if group_by not in GROUP_BY:
        raise BadRequest(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    lo, hi = parse_date("from", date_from), parse_date("to", date_to)
    unknown = sorted({g.upper() for g in groups or []} - set(beach_analysis.known_groups()))
    if unknown:
        raise BadRequest(f"unknown group(s) {', '.join(unknown)}; known: {', '.join(beach_analysis.known_groups())}")
    versions = resolve_versions(hub, datasets)
    con, dup = _open(hub, versions)
    con.register("_window", con.sql(f"SELECT * FROM events WHERE {beach_analysis.event_filter(lo, hi)}"))  # noqa: S608
    used = f"SELECT * FROM _window WHERE {COUNTED_SQL}" + (" AND length_m > 0" if per_100m else "")  # noqa: S608
    con.register("_used", con.sql(used))
    classes = _classes(con, "_used", pool, klass)
    warnings = _base_warnings(con, dup, "_window") + _class_warning(classes) + _density_warning(con, "_window")
    if per_100m:
        n_no_length = con.sql("SELECT count(*) FROM _window WHERE NOT coalesce(length_m > 0, false)").fetchall()[0][0]
        if n_no_length:
            warnings.append(warning("no-survey-length", f"{n_no_length} events have no survey length and were left "
                                    "out of the per-100 m totals", events=n_no_length))
    totals = beach_analysis.survey_totals(con, date_from=lo, date_to=hi, per_100m=per_100m,
                                          groups=tuple(g.upper() for g in groups) if groups else None)
    per_class = []
    for c in classes:
        sub = totals[totals[CLASS_COLUMN] == c.label].drop(columns=[CLASS_COLUMN])
        if sub.empty:
            continue
        stats, regional = beach_analysis.statistics(sub.reset_index(drop=True), group_by)
        per_class.append({"sites": _labelled(stats, c.label), group_by: _labelled(regional, c.label),
                          "surveys": _labelled(sub, c.label)})
    tables = _per_class(per_class)
    totals = tables.get("surveys", pd.DataFrame())
    result = IndicatorResult(
        "beach", versions,
        params={"group_by": group_by, "from": lo and lo.isoformat(), "to": hi and hi.isoformat(),
                "unit": "items/100 m" if per_100m else "items per survey", "per_100m": per_100m, "pool": pool,
                "class": klass},
        tables={"sites": _name_sites(hub, tables.get("sites", pd.DataFrame()))},
        warnings=warnings,
        summary={"surveys": int(totals["event_id"].nunique()) if len(totals) else 0,
                 "sites": int(totals["site_id"].nunique()) if len(totals) else 0,
                 "groups": sorted(totals["group"].unique().tolist()) if len(totals) else [],
                 "classes": len(classes)},
        classes=classes, excluded_events=excluded_events(hub, versions),
    )
    if group_by in tables and group_by != "site":
        result.tables[group_by] = tables[group_by]
    result.tables["surveys"] = _name_sites(hub, totals)
    return result


def threshold(hub: Hub, datasets: list[str] | None = None, date_from: str | date | None = None,
              date_to: str | date | None = None, anchor: int = threshold_analysis.CYCLE_ANCHOR,
              min_surveys: int = threshold_analysis.MIN_SURVEYS, target: float | None = None,
              monitoring_only: bool = True, pool: bool = False, klass: str | None = None) -> IndicatorResult:
    """EU threshold-value assessment per comparability class × country × MSFD subregion × 6-year cycle."""
    lo, hi = parse_date("from", date_from), parse_date("to", date_to)
    versions = resolve_versions(hub, datasets)
    con, dup = _open(hub, versions)
    ta, excluded = threshold_analysis.total_abundance(con, date_from=lo, date_to=hi, monitoring_only=monitoring_only)
    classes = _classes(con, "_ta_events", pool, klass)
    warnings = _base_warnings(con, dup, "_ta_events") + _class_warning(classes)
    for rule, n in excluded.items():
        if n:
            warnings.append(warning("threshold-exclusion", f"{n} events excluded: {rule}", events=n))
    per_class = []
    for c in classes:
        sub = ta[ta[CLASS_COLUMN] == c.label].drop(columns=[CLASS_COLUMN]).reset_index(drop=True)
        if sub.empty:
            continue
        tables = threshold_analysis.assess(sub, min_surveys=min_surveys, anchor=anchor, target=target)
        per_class.append({**{k: _labelled(v, c.label) for k, v in tables.items()}, "surveys": _labelled(sub, c.label)})
        where = f" [{c.label}]" if len(classes) > 1 else ""
        for row in tables["assessment"].itertuples():  # one row per assessment unit, not per survey
            if row.boundary_flag:
                warnings.append(warning("threshold-boundary", f"{row.country} {row.region} {row.period}{where}: the "
                                        "assessment value equals the threshold value (20); the JRC text does not "
                                        "say whether this meets it"))
            if not row.meets_minimum_surveys:
                warnings.append(warning("too-few-surveys", f"{row.country} {row.region} {row.period}{where}: "
                                        f"{row.n} surveys, fewer than the minimum {min_surveys}", surveys=row.n))
    tables = _per_class(per_class)
    surveys = tables.pop("surveys", pd.DataFrame())
    return IndicatorResult(
        "threshold", versions,
        params={"tv": threshold_analysis.TV, "min_surveys": min_surveys, "cycle_years": threshold_analysis.CYCLE_YEARS,
                "cycle_anchor": anchor, "target_for_years": target or threshold_analysis.TV,
                "safety_factor": threshold_analysis.SAFETY_FACTOR, "from": lo and lo.isoformat(),
                "to": hi and hi.isoformat(), "unit": "items/100 m", "monitoring_only": monitoring_only,
                "excluded_items": {"master_codes": list(threshold_analysis.FRAGMENT_CODES),
                                   "materials": list(threshold_analysis.EXCLUDED_MATERIALS)},
                "pool": pool, "class": klass},
        tables={**{k: _name_sites(hub, v) for k, v in tables.items()}, "surveys": _name_sites(hub, surveys)},
        warnings=warnings, summary={"surveys": len(surveys), "excluded_events": excluded, "classes": len(classes)},
        classes=classes, excluded_events=excluded_events(hub, versions),
    )


def ospar(hub: Hub, datasets: list[str] | None = None, end_year: int | None = None, group_by: str = "region",
          monitoring_year: bool = False, pool: bool = False, klass: str | None = None) -> IndicatorResult:
    """OSPAR-style assessment: 3-year median abundance and 6-year trends per beach and region, per class."""
    if group_by not in ("country", "region"):
        raise BadRequest("group_by must be country or region")
    versions = resolve_versions(hub, datasets)
    con, dup = _open(hub, versions)
    used = f"SELECT * FROM events WHERE {beach_analysis.event_filter()} AND length_m > 0 AND {COUNTED_SQL}"  # noqa: S608
    con.register("_used", con.sql(used))
    classes = _classes(con, "_used", pool, klass)
    warnings = _base_warnings(con, dup) + _class_warning(classes) + _density_warning(con, "events")
    totals = beach_analysis.survey_totals(con, per_100m=True)
    per_class = []
    for c in classes:
        sub = totals[totals[CLASS_COLUMN] == c.label].drop(columns=[CLASS_COLUMN]).reset_index(drop=True)
        if sub.empty:
            continue
        tables = ospar_analysis.assess(sub, end_year=end_year, region=group_by, monitoring_year=monitoring_year)
        per_class.append({k: _labelled(v, c.label) if len(v) else v for k, v in tables.items()})
    tables = {k: _name_sites(hub, v) for k, v in _per_class(per_class).items()}
    return IndicatorResult("ospar", versions, params={"end_year": end_year, "group_by": group_by,
                                                      "monitoring_year": monitoring_year,
                                                      "unit": "items/100 m",
                                                      "abundance_years": ospar_analysis.ABUNDANCE_YEARS,
                                                      "trend_years": ospar_analysis.TREND_YEARS,
                                                      "pool": pool, "class": klass},
                           tables=tables, warnings=warnings, summary={"classes": len(classes)},
                           classes=classes, excluded_events=excluded_events(hub, versions))


def sdg(hub: Hub, country: str | None = None, datasets: list[str] | None = None,
        assume_width: float | None = None, pool: bool = False, klass: str | None = None) -> IndicatorResult:
    """SDG 14.1.1b rows (beach litter and floating plastic per km²) per country × year × comparability class, with
    their sources and the headline class flagged (analysis/sdg.py); the beach width comes from the survey, else the
    site's width table, else `assume_width` (only when given, and flagged); countries without any say why and which
    beaches lack a width (services/widths.py). `pool=True` over several classes is refused (IncomparableClasses)."""
    from litterhub.services import widths

    if country and not (len(country) == 3 and country.isalpha()):
        raise BadRequest("country must be an ISO 3166-1 alpha-3 code, e.g. NLD")
    try:
        widths.check_assumed(assume_width)
    except widths.WidthError as exc:
        raise BadRequest(str(exc)) from None
    versions = resolve_versions(hub, datasets)
    con, dup = _open(hub, versions)
    where = f"country = '{country.upper()}'" if country else "true"
    compartments = ", ".join(f"'{c}'" for c in sdg_analysis.COMPARTMENTS)
    sdg_events = (f"SELECT * FROM events WHERE {where} AND compartment IN ({compartments}) "  # noqa: S608 - letters only
                  f"AND {beach_analysis.event_filter()}")
    con.register("_sdg_events", con.sql(sdg_events))
    classes = _classes(con, "_sdg_events", pool, klass)
    warnings = _base_warnings(con, dup, "_sdg_events") + _class_warning(classes)
    tables, notes, summary = widths.sdg_tables(hub, con, country, assume_width, "_sdg_events", klass)
    warnings += [warning(code, message, **extra) for code, message, extra in notes]
    return IndicatorResult("sdg-14.1.1b", versions,
                           params={"country": country and country.upper(), "pool": pool, "class": klass,
                                   "statistic": "median over the surveys of one country, year and comparability "
                                                "class",
                                   "headline": "per series, country and year: the largest class of monitoring "
                                               "surveys (beach) or tows (floating) under a recognised protocol",
                                   "assume_width_m": assume_width, "width_assumed": summary["width_assumed"],
                                   "width_order": "survey, site width table, assumed (only when asked)"},
                           tables=tables, warnings=warnings, summary={**summary, "classes": len(classes)},
                           classes=classes, excluded_events=excluded_events(hub, versions))


def composition(hub: Hub, datasets: list[str] | None = None, top: int = 10, date_from: str | date | None = None,
                date_to: str | date | None = None, pool: bool = False, klass: str | None = None) -> IndicatorResult:
    """Top items, unmapped source codes, use-group, material and OSPAR source-category shares, per class."""
    if not 1 <= top <= 500:
        raise BadRequest("top must be between 1 and 500")
    lo, hi = parse_date("from", date_from), parse_date("to", date_to)
    versions = resolve_versions(hub, datasets)
    con, dup = _open(hub, versions)
    con.register("_window", con.sql(f"SELECT * FROM events WHERE {beach_analysis.event_filter(lo, hi)}"))  # noqa: S608
    classes = _classes(con, "_window", pool, klass)
    warnings = _base_warnings(con, dup, "_window") + _class_warning(classes)
    tables = _keep_class(composition_analysis.composition(con, "_window", top=top), classes)
    return IndicatorResult("composition", versions, params={"top": top, "from": lo and lo.isoformat(),
                                                            "to": hi and hi.isoformat(), "pool": pool,
                                                            "class": klass},
                           tables=tables, warnings=warnings, summary={"classes": len(classes)}, classes=classes,
                           excluded_events=excluded_events(hub, versions))


def as_csv(result: IndicatorResult, table: str) -> str:
    """One table of a result as CSV; a `dataset_versions` column cites the versions it came from (SDG rows: per row)."""
    frame = result.tables.get(table)
    if frame is None:
        raise NotFound(f"table {table!r} not in this result (have: {', '.join(result.tables)})")
    frame = frame.copy()
    if "DATASET_VERSIONS" not in frame.columns:
        frame["dataset_versions"] = " ".join(f"{d}@{v}" for d, v in result.versions)
    for name in frame.select_dtypes(include="object").columns:  # site names and codes are user data
        frame[name] = frame[name].map(safe_cell)
    return frame.to_csv(index=False, date_format="%Y-%m-%d")


MAX_CHART_POINTS = 5000


def dashboard(hub: Hub, datasets: list[str] | None = None, group: str = "TC", date_from: str | None = None,
              date_to: str | None = None, per_100m: bool = True, klass: str | None = None,
              pool: bool = False) -> dict[str, Any]:
    """Everything the indicators web page draws, per comparability class: one section per class (largest first)
    with its composition and EU TV rows, and for one class (`klass`, default the largest with survey lengths) the
    survey points with each site's Theil–Sen line and the indicator per country for the map (median of site
    medians, M49-keyed for the outlines). `pool=True` over several classes raises IncomparableClasses."""
    group = (group or "TC").upper()
    comp = composition(hub, datasets, 10, date_from, date_to, pool=pool)
    result = beach(hub, datasets, "country", date_from, date_to, per_100m, pool=pool)
    chartable = [c.label for c in result.classes]
    if klass and klass not in chartable:
        raise NotFound(f"comparability class {klass!r} has no surveys with a length in these inputs (have: "
                       + "; ".join(chartable) + ")")
    chart_class = klass or (chartable[0] if chartable else None)

    def of_class(frame: pd.DataFrame | None) -> pd.DataFrame:
        if frame is None or frame.empty:
            return pd.DataFrame()
        return frame[frame[CLASS_COLUMN] == chart_class]

    surveys, sites = of_class(result.tables["surveys"]), of_class(result.tables["sites"])
    points = surveys[surveys["group"] == group] if len(surveys) else surveys
    truncated = len(points) > MAX_CHART_POINTS
    points = points.sort_values("event_date").tail(MAX_CHART_POINTS) if truncated else points
    chart_points = [{"site": s or i, "date": d.strftime("%Y-%m-%d"), "value": float(v)}
                    for s, i, d, v in zip(points.get("site_name", points.get("site_id", [])), points["site_id"],
                                          points["event_date"], points["count"], strict=True)] if len(points) else []
    lines: list[dict[str, Any]] = []
    if len(sites):
        trend = sites[(sites["group"] == group) & (sites["n"] >= 5) & sites["b1"].notna()]  # litteR: a line from 5
        epoch = pd.Timestamp("1970-01-01")
        for edge in ("from", "to"):
            days = (pd.to_datetime(trend[edge]) - epoch).dt.days
            lines += [{"site": s or i, "date": pd.Timestamp(d).strftime("%Y-%m-%d"), "value": float(b0 + b1 * t)}
                      for s, i, d, b0, b1, t in zip(trend["site_name"], trend["site_id"], trend[edge], trend["b0"],
                                                    trend["b1"], days, strict=True)]
    regional = of_class(result.tables.get("country"))
    countries = []
    if len(regional):
        chosen = regional[regional["group"] == group]
        countries = [{"country": c, "numeric": sdg_analysis.m49(c), "median": float(m), "n": int(n),
                      "slope": None if pd.isna(s) else float(s), "p_value": None if pd.isna(p) else float(p)}
                     for c, m, n, s, p in zip(chosen["country"], chosen["median"], chosen["n"], chosen["slope"],
                                              chosen["p_value"], strict=True)]
    tv = threshold(hub, datasets, date_from, date_to, pool=pool)
    comp_tables, tv_tables = comp.as_dict()["tables"], tv.as_dict()["tables"]

    def rows(tables: dict[str, list[dict[str, Any]]], name: str, label: str) -> list[dict[str, Any]]:
        return [r for r in tables.get(name, []) if r.get(CLASS_COLUMN) == label]

    sections = [{"label": c.label, "dimensions": c.dimensions, "events": c.events, "datasets": list(c.datasets),
                 "chart": c.label == chart_class, "chartable": c.label in chartable,
                 "totals": next(iter(rows(comp_tables, "totals", c.label)), {}),
                 "items": rows(comp_tables, "items", c.label), "unmapped": rows(comp_tables, "unmapped", c.label),
                 "groups": rows(comp_tables, "groups", c.label), "materials": rows(comp_tables, "materials", c.label),
                 "threshold": rows(tv_tables, "assessment", c.label)}
                for c in comp.classes]
    # the page keeps this dict for as long as the versions hold: only what it draws, not the per-survey tables
    # (over 10 M observations the survey totals alone are 1.2 M rows, ~340 MB)
    kept_tv = {"assessment": tv.tables["assessment"]} if "assessment" in tv.tables else {}
    return {
        "result": dataclasses.replace(result, tables={}), "group": group, "groups": result.summary.get("groups", []),
        "points": chart_points, "lines": lines, "truncated": truncated, "countries": countries,
        "composition": dataclasses.replace(comp, tables={}), "threshold": dataclasses.replace(tv, tables=kept_tv),
        "classes": sections, "chart_class": chart_class,
        "warnings": [w.as_dict() for w in comp.warnings + [w for w in result.warnings if w.code == "no-survey-length"]],
    }
