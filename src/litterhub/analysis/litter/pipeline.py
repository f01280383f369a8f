"""One litteR run: survey totals per group, top-x % selection, location and regional
statistics, TC outliers, and litteR's results table (`specs/methods.md` §1.3–§1.9).

Input is the validated survey × type matrix from `io`; group totals are one matrix
product, and every type and group series goes through the vectorised statistics of
`stats` (which know nothing about litteR files) in one call. Output is a `LitterResult`
of plain DataFrames, written to CSV by `write_result`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

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
TOP_N = 10

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


def _without(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Drop a column in place (no copy of a table that can hold millions of rows)."""
    del frame[column]
    return frame


def _litter_order(frame: pd.DataFrame, by: list[str], descending: str) -> pd.DataFrame:
    """litteR's row order: by `by`, then `descending` high to low, ties alphabetical (case-insensitive)."""
    base = frame.assign(_name=frame["type_name"].str.lower()).sort_values([*by, "_name"], kind="stable")
    ordered = base.sort_values([*by, descending], ascending=[True] * len(by) + [False], kind="stable")
    return ordered.drop(columns="_name").reset_index(drop=True)


def _group_totals(counts: np.ndarray, type_names: list[str], types: TypeFile) -> tuple[np.ndarray, list[str]]:
    """Group totals per survey: Σ counts over the member types present in the data (surveys × groups).

    A group none of whose members is in the data gets no column. Non-integer counts are
    summed in extended precision (R's `sum` uses long double), so totals tie where litteR's do.
    """
    position = {name: i for i, name in enumerate(type_names)}
    members = types.membership[types.membership["type_name"].isin(position)]
    groups = [g for g in types.groups if (members["group_code"] == g).any()]
    matrix = np.zeros((len(type_names), len(groups)))
    rows = members["type_name"].map(position).to_numpy(dtype=np.int64)
    cols = members["group_code"].map({g: j for j, g in enumerate(groups)}).to_numpy(dtype=np.int64)
    matrix[rows, cols] = 1.0
    if np.array_equal(counts, np.round(counts)) and np.abs(counts).sum() < 2**52:
        return counts @ matrix, groups  # exact in float64
    return (counts.astype(np.longdouble) @ matrix.astype(np.longdouble)).astype(float), groups


def _topx(locations: pd.Categorical, counts: np.ndarray, type_names: list[str], percentage: float) -> pd.DataFrame:
    """Per location: types by summed count (descending; ties alphabetical) and the top-x % flag."""
    order = np.argsort(locations.codes, kind="stable")
    codes = locations.codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sums = np.add.reduceat(counts[order].astype(np.longdouble), starts, axis=0).astype(float)
    present = locations.categories[codes[starts]]
    frame = pd.DataFrame(
        {
            "location_code": np.repeat(np.asarray(present, dtype=object), len(type_names)),
            "type_name": np.tile(np.asarray(type_names, dtype=object), len(present)),
            "sum_count": sums.ravel(),
        }
    )
    frame = frame.sort_values(["location_code", "type_name"], kind="stable")
    frame = frame.sort_values(["location_code", "sum_count"], ascending=[True, False], kind="stable")
    # cumulative sums per location in extended precision, as R's cumsum (long double accumulator)
    values = frame["sum_count"].to_numpy(dtype=np.longdouble)
    running = np.cumsum(values)
    location = frame["location_code"].to_numpy()
    first = np.r_[True, location[1:] != location[:-1]]
    starts = np.flatnonzero(first)
    before = np.repeat(np.r_[np.longdouble(0), running[starts[1:] - 1]], np.diff(np.r_[starts, len(values)]))
    cumulative = (running - before).astype(float)
    ends = np.r_[starts[1:], len(values)] - 1
    frame["sum_TC"] = np.repeat(cumulative[ends], np.diff(np.r_[starts, len(values)]))
    frame["rel_count"] = 100 * cumulative / frame["sum_TC"].to_numpy()
    frame["topx"] = frame["rel_count"] < percentage + TOPX_TOLERANCE
    return frame[TOPX_COLUMNS].reset_index(drop=True)


def top10(stats: pd.DataFrame, by: str) -> pd.DataFrame:
    """litteR's top-10 tables (§1.7): types only (no groups), by median count, ties alphabetical."""
    types_only = stats[stats["type_name"].str.upper() != stats["type_name"]]
    ordered = types_only.sort_values([by, "type_name"], kind="stable").sort_values(
        [by, "median"], ascending=[True, False], kind="stable"
    )
    top = ordered.groupby(by, sort=False).head(TOP_N).copy()
    top["rank"] = top.groupby(by, sort=False).cumcount() + 1
    return top[[by, "rank", "type_name", "median"]].reset_index(drop=True)


def _outliers(surveys: pd.DataFrame, tc: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adjusted boxplot (medcouple) of TC per location; surveys outside the whiskers."""
    order = np.lexsort(
        (surveys["record_id"].to_numpy(), surveys["date"].to_numpy(), surveys["location_code"].to_numpy())
    )
    locations = surveys["location_code"].to_numpy()[order]
    dates = surveys["date"].to_numpy()[order]
    values = tc[order]
    bounds = np.flatnonzero(np.r_[True, locations[1:] != locations[:-1], True])
    boxes, flagged = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        x = values[lo:hi]
        box = stats.adjusted_boxplot(x)
        boxes.append((locations[lo], len(x), box.mc, box.ymin, box.q1, box.median, box.q3, box.ymax))
        out = np.flatnonzero((x < box.ymin) | (x > box.ymax))
        flagged.extend(lo + out)
    box_frame = pd.DataFrame(boxes, columns=BOXPLOT_COLUMNS)
    idx = np.asarray(flagged, dtype=np.int64)
    outliers = pd.DataFrame(
        {"location_code": locations[idx], "date": pd.to_datetime(dates[idx]).strftime("%Y-%m-%d"), "tc": values[idx]}
    )
    return box_frame, outliers.sort_values(["location_code", "date"], kind="stable").reset_index(drop=True)


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
    """litteR's analysis on validated inputs (all vectorised over surveys × types)."""
    data = filter_period(data, settings, log)
    surveys = data.surveys
    totals, groups = _group_totals(data.counts, data.type_names, types)
    names = groups + data.type_names
    values = np.hstack([totals, data.counts])
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = 100.0 * values / totals[:, [0]]  # TC is the first group; 0/0 → NaN as in R

    n_surveys, n_series = values.shape
    survey_index = np.tile(np.arange(n_surveys), n_series)
    locations = pd.Categorical(surveys["location_code"])
    series = pd.DataFrame(
        {
            "location_code": pd.Categorical.from_codes(locations.codes[survey_index], locations.categories),
            "date": surveys["date"].to_numpy()[survey_index],
            "record_id": surveys["record_id"].to_numpy()[survey_index],
            "type_name": pd.Categorical.from_codes(np.repeat(np.arange(n_series), n_surveys), names),
            "count": values.T.ravel(),
            "rel": relative.T.ravel(),
        }
    )
    location_stats = stats.series_statistics(
        series, keys=["location_code", "type_name"], time="date", value="count", order="record_id", extra_means=["rel"]
    ).rename(columns={"rel": "rel_count"})
    for col in ("location_code", "type_name"):
        location_stats[col] = location_stats[col].astype(str)

    regional = None
    if data.has_region:
        region_of = (
            surveys.loc[surveys[REGION_COLUMN].notna(), ["location_code", REGION_COLUMN]]
            .drop_duplicates("location_code")
            .set_index("location_code")[REGION_COLUMN]
        )
        location_stats[REGION_COLUMN] = location_stats["location_code"].map(region_of)
        regional = stats.regional_statistics(location_stats, group="type_name", region=REGION_COLUMN)
        regional = _litter_order(regional.rename(columns={REGION_COLUMN: "region_code"}), ["region_code"], "median")

    topx = _topx(locations, data.counts, data.type_names, settings.percentage_total_count)
    top_types = topx.loc[topx["topx"], ["location_code", "type_name"]].assign(_top=True)
    location_stats = location_stats.merge(top_types, on=["location_code", "type_name"], how="left")
    is_group = (location_stats["type_name"].str.upper() == location_stats["type_name"]).to_numpy()
    location_stats["topx"] = pd.array(
        np.where(is_group, None, location_stats["_top"].fillna(False).astype(bool)), dtype="boolean"
    )
    location_stats = _litter_order(location_stats.drop(columns="_top"), ["location_code"], "rel_count")
    for col in ("from", "to"):
        location_stats[col] = pd.to_datetime(location_stats[col]).dt.strftime("%Y-%m-%d")

    selected = location_stats[
        (location_stats["type_name"].str.upper() == location_stats["type_name"]) | location_stats["topx"].eq(True)
    ]
    results = selected.rename(columns={"type_name": "type/group_name", "rel_count": "%TC"})[RESULTS_COLUMNS]

    boxplots, outliers = _outliers(surveys, totals[:, 0])
    _guidance(location_stats, log)

    survey_totals = pd.DataFrame(totals, columns=groups)
    survey_totals.insert(0, "date", pd.to_datetime(surveys["date"]).dt.strftime("%Y-%m-%d").to_numpy())
    survey_totals.insert(0, "location_code", surveys["location_code"].to_numpy())
    survey_totals = survey_totals.sort_values(["location_code", "date"], kind="stable").reset_index(drop=True)
    return LitterResult(
        results=results.reset_index(drop=True),
        location_stats=location_stats,
        regional_stats=regional,
        outliers=outliers,
        boxplots=boxplots,
        topx=topx,
        survey_totals=survey_totals,
        series=_without(series, "rel"),
        log=list(log.entries),
    )


# ---------------------------------------------------------------------------------------
# litteR's number formatting and the output files


def format_fg_array(values, digits: int = 4) -> np.ndarray:
    """R's formatC(x, format = "fg", digits = 4) for a whole column: significant digits, trailing zeros dropped.

    Vectorised: values are grouped by decimal exponent and each group is formatted with one
    printf pattern (R: "%.*f" below 1e-4, otherwise "%#.*g"), then trailing zeros are stripped.
    """
    x = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    out = np.full(x.shape, "NA", dtype=object)
    out[x == 0] = "0"
    out[np.isposinf(x)] = "Inf"
    out[np.isneginf(x)] = "-Inf"
    nonzero = np.flatnonzero(np.isfinite(x) & (x != 0))
    if len(nonzero) == 0:
        return out
    v = x[nonzero]
    ax = np.abs(v)
    iex = np.floor(np.log10(ax) + 1e-12).astype(np.int64)
    scaled = np.round(ax / 10.0**iex + 1e-12, digits - 1)
    iex = np.where((iex > 0) & (scaled >= 10), iex + 1, iex)
    iex = np.where((iex == -4) & (ax < 1e-4), -5, iex)
    text = np.empty(len(v), dtype=object)
    for exponent in np.unique(iex):
        sel = iex == exponent
        if exponent < -4:
            pattern = f"%.{digits - 1 - exponent}f"
        else:
            pattern = f"%#.{exponent + 1 if exponent >= digits else digits}g"
        text[sel] = np.char.mod(pattern, v[sel]).astype(object)
    strings = text.astype(str)
    strip = (np.char.find(strings, ".") >= 0) & (np.char.find(strings, "e") < 0)
    stripped = np.char.rstrip(np.char.rstrip(strings, "0"), ".")
    out[nonzero] = np.where(strip, stripped, strings).astype(object)
    return out


def format_fg(value: float, digits: int = 4) -> str:
    """R's formatC(x, format = "fg", digits = 4) for one value."""
    return str(format_fg_array([value], digits)[0])


def format_p(values) -> np.ndarray:
    """R's formatC(p, format = "f", digits = 4) for a column; missing values as NA."""
    x = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    out = np.full(x.shape, "NA", dtype=object)
    finite = ~np.isnan(x)
    out[finite] = np.char.mod("%.4f", x[finite]).astype(object)
    return out


def results_csv_frame(results: pd.DataFrame) -> pd.DataFrame:
    """litteR-results.csv exactly as litteR prints it (4 significant digits, p with 4 decimals)."""
    out = results.copy()
    for col in ("%TC", "mean", "median", "cv", "rmad", "slope"):
        out[col] = format_fg_array(out[col].to_numpy())
    # %TC is NaN (not NA) when a survey has TC = 0: 0/0 spreads into the mean, and R prints it as NaN
    out.loc[np.isnan(results["%TC"].to_numpy(dtype=float)), "%TC"] = "NaN"
    out["n"] = out["n"].astype(int).astype(str)
    out["p_value"] = format_p(out["p_value"].to_numpy())
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV at full precision (shortest round-trip floats), missing values as NA, booleans TRUE/FALSE.

    Written with Arrow's C++ writer (fast on large tables) to a temporary name, then renamed.
    """
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_bool_dtype(frame[col]) or str(frame[col].dtype) == "boolean":
            frame[col] = frame[col].map({True: "TRUE", False: "FALSE"}).astype(object)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="none", quoting_header="none", null_string="NA"))
    except pa.ArrowInvalid:  # a value holds a comma, quote or newline: quote text cells
        pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed", null_string="NA"))
    tmp.replace(path)


def write_result(result: LitterResult, out_dir: Path, *, full_precision_results: bool = False) -> list[Path]:
    """Write the run's CSV files and log into `out_dir` (created); returns the paths written.

    Everything is first written into a hidden staging folder inside `out_dir`; only when every
    file is complete are they moved into place, so a failed write leaves no partial results.
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
    tables["top10_location.csv"] = top10(result.location_stats, "location_code")
    if result.regional_stats is not None:
        tables["regional_stats.csv"] = result.regional_stats[REGIONAL_COLUMNS]
        tables["top10_region.csv"] = top10(result.regional_stats, "region_code")
    tables.update(result.extra_tables)
    staging = Path(tempfile.mkdtemp(prefix=".litter-", dir=out_dir))
    try:
        for name, frame in tables.items():
            write_csv(frame, staging / name)
        log_text = "\n".join(f"{e.level} [{e.code}] {e.message}" for e in result.log) + "\n"
        (staging / "litteR.log").write_text(log_text, encoding="utf-8")
        written = []
        for name in [*tables, "litteR.log"]:
            target = out_dir / name
            (staging / name).replace(target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
