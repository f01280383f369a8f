"""One litteR run: survey totals per group, top-x % selection, location and regional
statistics, TC outliers, and litteR's results table (`specs/methods.md` §1.3–§1.9).

Input is the validated long table from `io`; output is a `LitterResult` of plain
DataFrames, written to CSV by `write_result`. The statistics themselves live in
`stats` and know nothing about litteR files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from litterhub.analysis.litter import stats
from litterhub.analysis.litter.io import (
    REGION_COLUMN,
    LitterData,
    LogEntry,
    RunLog,
    Settings,
    TypeFile,
    filter_period,
)

MIN_YEARS = 5
MIN_SURVEYS = 10
TOPX_TOLERANCE = 0.001  # litteR: cum% < percentage_total_count + 0.001

RESULTS_COLUMNS = [
    "location_code",
    "from",
    "to",
    "type/group_name",
    "%TC",
    "mean",
    "median",
    "cv",
    "rmad",
    "n",
    "slope",
    "p_value",
]
LOCATION_COLUMNS = [
    "location_code",
    "type_name",
    "from",
    "to",
    "rel_count",
    "mean",
    "median",
    "cv",
    "rmad",
    "n",
    "slope",
    "tau",
    "p_value",
]
REGIONAL_COLUMNS = ["type_name", "region_code", "n", "mean", "median", "slope", "S", "VarS", "Z", "p_value"]
OUTLIER_COLUMNS = ["location_code", "date", "tc"]
TOPX_COLUMNS = ["location_code", "sum_TC", "type_name", "sum_count", "rel_count", "topx"]
BOXPLOT_COLUMNS = ["location_code", "n", "mc", "ymin", "q1", "median", "q3", "ymax"]


@dataclass
class LitterResult:
    """The tables of one litteR run (full precision) and its log."""

    results: pd.DataFrame
    location_stats: pd.DataFrame
    regional_stats: pd.DataFrame | None
    outliers: pd.DataFrame
    boxplots: pd.DataFrame
    topx: pd.DataFrame
    survey_totals: pd.DataFrame
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    log: list[LogEntry] = field(default_factory=list)
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _litter_order(frame: pd.DataFrame, by: list[str], descending: str) -> pd.DataFrame:
    """litteR's row order: by `by`, then `descending` high to low, ties alphabetical (case-insensitive)."""
    base = frame.assign(_name=frame["type_name"].str.lower()).sort_values([*by, "_name"], kind="stable")
    ordered = base.sort_values([*by, descending], ascending=[True] * len(by) + [False], kind="stable")
    return ordered.drop(columns="_name").reset_index(drop=True)


def _group_rows(long: pd.DataFrame, types: TypeFile, survey_keys: list[str]) -> pd.DataFrame:
    """Group totals per survey: Σ counts over the member types present in the data.

    Sums are accumulated in extended precision (R's `sum` uses long double), so totals of
    non-integer counts tie exactly where litteR's do.
    """
    members = types.membership[types.membership["type_name"].isin(long["type_name"].unique())]
    joined = long.merge(members, on="type_name", how="inner")
    order = {g: i for i, g in enumerate(types.groups)}
    joined["_g"] = joined["group_code"].map(order)
    joined = joined.sort_values([*survey_keys, "_g"], kind="stable")
    keys = joined[[*survey_keys, "group_code"]]
    boundary = np.ones(len(joined), dtype=bool)
    if len(joined) > 1:
        same = np.ones(len(joined) - 1, dtype=bool)
        for col in [*survey_keys, "group_code"]:
            values = keys[col].to_numpy()
            same &= values[1:] == values[:-1]
        boundary[1:] = ~same
    starts = np.flatnonzero(boundary)
    totals = np.add.reduceat(joined["count"].to_numpy(dtype=np.longdouble), starts) if len(starts) else []
    out = joined.iloc[starts][[*survey_keys, "group_code"]].reset_index(drop=True)
    out["count"] = np.asarray(totals, dtype=float)
    return out.rename(columns={"group_code": "type_name"})


def _topx(long: pd.DataFrame, percentage: float) -> pd.DataFrame:
    """Per location: types by summed count (descending; ties alphabetical) and the top-x % flag."""
    sums = long.groupby(["location_code", "type_name"], sort=True)["count"].sum().reset_index(name="sum_count")
    sums = sums.sort_values(["location_code", "sum_count"], ascending=[True, False], kind="stable")
    sums["sum_TC"] = sums.groupby("location_code")["sum_count"].transform("sum")
    cum = sums.groupby("location_code")["sum_count"].cumsum()
    sums["rel_count"] = 100 * cum / sums["sum_TC"]
    sums["topx"] = sums["rel_count"] < percentage + TOPX_TOLERANCE
    return sums[TOPX_COLUMNS].reset_index(drop=True)


def _outliers(tc: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adjusted boxplot (medcouple) of TC per location; surveys outside the whiskers."""
    boxes = []
    flagged = []
    for location, rows in tc.groupby("location_code", sort=True):
        values = rows["count"].to_numpy(dtype=float)
        box = stats.adjusted_boxplot(values)
        boxes.append((location, len(values), box.mc, box.ymin, box.q1, box.median, box.q3, box.ymax))
        out = (values < box.ymin) | (values > box.ymax)
        if out.any():
            flagged.append(
                pd.DataFrame({"location_code": location, "date": rows["date"].to_numpy()[out], "tc": values[out]})
            )
    box_frame = pd.DataFrame(boxes, columns=BOXPLOT_COLUMNS)
    outliers = pd.concat(flagged, ignore_index=True) if flagged else pd.DataFrame(columns=OUTLIER_COLUMNS)
    if len(outliers):
        outliers = outliers.sort_values(["location_code", "date"], kind="stable").reset_index(drop=True)
    return box_frame, outliers


def _guidance(location_stats: pd.DataFrame, log: RunLog) -> None:
    """litteR's report guidance (not enforced): too few years or surveys per location."""
    tc = location_stats[location_stats["type_name"] == "TC"]
    years = (pd.to_datetime(tc["to"]) - pd.to_datetime(tc["from"])).dt.days / stats.DAYS_PER_YEAR
    short = tc.loc[years.to_numpy() < MIN_YEARS, "location_code"].tolist()
    if short:
        log.warn(
            "litter-guidance-few-years",
            f"Locations with less than {MIN_YEARS} years of data: {', '.join(map(str, short))}.",
        )
    few = tc.loc[tc["n"] < MIN_SURVEYS, "location_code"].tolist()
    if few:
        log.warn(
            "litter-guidance-few-surveys",
            f"Locations with less than {MIN_SURVEYS} surveys: {', '.join(map(str, few))}.",
        )
    tiny = tc.loc[tc["n"] < 3, "location_code"].tolist()
    if tiny:
        log.warn(
            "litter-guidance-no-trend",
            f"Locations with less than 3 surveys (no regional trend can be computed): {', '.join(map(str, tiny))}.",
        )


def run_litter(settings: Settings, types: TypeFile, data: LitterData, log: RunLog) -> LitterResult:
    """litteR's analysis on validated inputs."""
    long = filter_period(data, settings, log)
    survey_keys = ["location_code", "date", "record_id"]
    type_rows = long[[*survey_keys, "type_name", "count"]]
    group_rows = _group_rows(type_rows, types, survey_keys)
    series = pd.concat([group_rows, type_rows], ignore_index=True)
    if data.has_region:
        region_of = (
            long.loc[long[REGION_COLUMN].notna()]
            .drop_duplicates("location_code")
            .set_index("location_code")[REGION_COLUMN]
        )
        series[REGION_COLUMN] = series["location_code"].map(region_of)

    location_stats, regional = stats.beach_statistics(
        series,
        location="location_code",
        date="date",
        group="type_name",
        count="count",
        survey="record_id",
        region=REGION_COLUMN if data.has_region else None,
        total_group="TC",
    )

    topx = _topx(type_rows, settings.percentage_total_count)
    top_types = topx.loc[topx["topx"], ["location_code", "type_name"]].assign(_top=True)
    location_stats = location_stats.merge(top_types, on=["location_code", "type_name"], how="left")
    is_group = location_stats["type_name"].str.upper() == location_stats["type_name"]
    location_stats["topx"] = np.where(is_group, pd.NA, location_stats["_top"].fillna(False).astype(bool))
    location_stats = location_stats.drop(columns="_top")
    location_stats = _litter_order(location_stats, ["location_code"], "rel_count")
    for col in ("from", "to"):
        location_stats[col] = pd.to_datetime(location_stats[col]).dt.strftime("%Y-%m-%d")

    selected = location_stats[
        (location_stats["type_name"].str.upper() == location_stats["type_name"]) | location_stats["topx"].eq(True)
    ]
    results = selected.rename(columns={"type_name": "type/group_name", "rel_count": "%TC"})[RESULTS_COLUMNS]

    if regional is not None:
        regional = regional.rename(columns={REGION_COLUMN: "region_code"})
        regional = _litter_order(regional, ["region_code"], "median")

    tc = group_rows[group_rows["type_name"] == "TC"].sort_values(["location_code", "date", "record_id"])
    boxplots, outliers = _outliers(tc)
    if len(outliers):
        outliers["date"] = pd.to_datetime(outliers["date"]).dt.strftime("%Y-%m-%d")
    _guidance(location_stats, log)

    totals = group_rows.pivot_table(
        index=["location_code", "date", "record_id"], columns="type_name", values="count", aggfunc="first"
    ).reset_index()
    ordered = ["location_code", "date"] + [g for g in types.groups if g in totals.columns]
    totals = totals[ordered]
    totals["date"] = pd.to_datetime(totals["date"]).dt.strftime("%Y-%m-%d")
    return LitterResult(
        results=results.reset_index(drop=True),
        location_stats=location_stats,
        regional_stats=regional,
        outliers=outliers,
        boxplots=boxplots,
        topx=topx,
        survey_totals=totals,
        series=series,
        log=list(log.entries),
    )


# ---------------------------------------------------------------------------------------
# litteR's number formatting and the output files


def format_fg(value: float, digits: int = 4) -> str:
    """R's formatC(x, format = "fg", digits = 4): significant digits, trailing zeros dropped."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return "NA"
    x = float(value)
    if x == 0:
        return "0"
    ax = abs(x)
    iex = int(np.floor(np.log10(ax) + 1e-12))
    scaled = round(ax / 10.0**iex + 1e-12, digits - 1)
    if iex > 0 and scaled >= 10:
        iex += 1
    if iex == -4 and ax < 1e-4:
        iex = -5
    if iex < -4:
        text = f"{x:.{digits - 1 - iex}f}"
    else:
        precision = iex + 1 if iex >= digits else digits
        text = f"{x:#.{precision}g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_p(value: float) -> str:
    """R's formatC(p, format = "f", digits = 4)."""
    if value is None or pd.isna(value):
        return "NA"
    return f"{float(value):.4f}"


def results_csv_frame(results: pd.DataFrame) -> pd.DataFrame:
    """litteR-results.csv exactly as litteR prints it (4 significant digits, p with 4 decimals)."""
    out = results.copy()
    for col in ("%TC", "mean", "median", "cv", "rmad", "slope"):
        out[col] = [format_fg(v) for v in out[col]]
    out["n"] = out["n"].astype(int).astype(str)
    out["p_value"] = [format_p(v) for v in out["p_value"]]
    return out


def write_result(result: LitterResult, out_dir: Path, *, full_precision_results: bool = False) -> list[Path]:
    """Write the run's CSV files and log into `out_dir` (created); returns the paths written.

    Files are written to a temporary name and renamed, so a failed run leaves no half file.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "litteR-results.csv": result.results if full_precision_results else results_csv_frame(result.results),
        "location_stats.csv": result.location_stats[LOCATION_COLUMNS],
        "outliers.csv": result.outliers[OUTLIER_COLUMNS],
        "adjusted_boxplot_tc.csv": result.boxplots,
        "topx.csv": result.topx,
        "survey_totals.csv": result.survey_totals,
    }
    if result.regional_stats is not None:
        tables["regional_stats.csv"] = result.regional_stats[REGIONAL_COLUMNS]
    tables.update(result.extra_tables)
    written = []
    for name, frame in tables.items():
        target = out_dir / name
        tmp = out_dir / f".{name}.tmp"
        frame.to_csv(tmp, index=False, na_rep="NA", float_format=None)
        tmp.replace(target)
        written.append(target)
    log_path = out_dir / "litteR.log"
    log_path.write_text("\n".join(f"{e.level} [{e.code}] {e.message}" for e in result.log) + "\n", encoding="utf-8")
    written.append(log_path)
    return written
