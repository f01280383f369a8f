"""Reading and validating litteR's three input files exactly as litteR 1.0.0 does.

The settings file (YAML), the type file (which types count, and the groups they belong
to) and the wide data file (one row per survey, one column per type) are checked in
litteR's order with litteR's rules (`specs/methods.md` §1.1–§1.2). Every check writes a
log entry; an ERROR stops the run with a `LitterInputError` that carries a stable code
and a message naming the file, records (data rows, 1-based, with their CSV line) and
columns; WARN entries are kept in the log and the run continues.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from litterhub.errors import Unprocessable

# stable error / warning codes (kebab-case, hub-specific ones prefixed litter-)
SETTINGS_FILE_EXTENSION = "litter-settings-extension"
SETTINGS_UNREADABLE = "litter-settings-unreadable"
SETTINGS_MISSING = "litter-settings-missing"
SETTINGS_INVALID_DATE = "litter-settings-invalid-date"
SETTINGS_DATE_ORDER = "litter-settings-date-order"
SETTINGS_PERCENTAGE = "litter-settings-percentage"
SETTINGS_FIGURE_QUALITY = "litter-settings-figure-quality"
FILE_NOT_FOUND = "litter-file-not-found"
ENCODING = "litter-encoding-error"
TYPES_UNREADABLE = "litter-types-unreadable"
DATA_UNREADABLE = "litter-data-unreadable"
TYPES_MISSING_COLUMN = "litter-types-missing-column"
TYPES_DUPLICATE = "litter-types-duplicate-name"
TYPES_INVALID_CELL = "litter-types-invalid-cell"
TYPES_NONE_INCLUDED = "litter-types-none-included"
DATA_DELIMITER = "litter-data-delimiter"
DATA_MISSING_COLUMN = "litter-data-missing-column"
DATA_INVALID_DATE = "litter-data-invalid-date"
DATA_MIXED_DATES = "litter-data-mixed-date-formats"
DATA_MISSING_TYPES = "litter-data-missing-types"
DATA_NO_TYPES = "litter-data-no-type-columns"
DATA_EXTRA_COLUMNS = "litter-data-extra-columns"
DATA_EMPTY_CELL = "litter-data-empty-cell"
DATA_NOT_NUMERIC = "litter-data-not-numeric"
DATA_NEGATIVE = "litter-data-negative-count"
DATA_NOT_NATURAL = "litter-data-not-natural-number"
DATA_ALL_ZERO = "litter-data-all-zero-record"
DATA_DUPLICATE = "litter-data-duplicate-record"
DATA_SAME_LOCATION_DATE = "litter-data-same-location-date"
DATA_EMPTY_PERIOD = "litter-data-empty-period"

REQUIRED_DATA_COLUMNS = ("location_code", "date")
REGION_COLUMN = "region_code"
NA_STRINGS = ("", "NA")  # readr's defaults
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}\s*$")
_OSPAR_DATE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s*$")
_EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class LogEntry:
    level: str  # INFO, WARN or ERROR
    code: str
    message: str


class LitterInputError(Unprocessable):
    """An ERROR in litteR's validation: the run stops. Carries the stable code and the log so far."""

    def __init__(self, code: str, message: str, log: list[LogEntry] | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.log = log or []
        self.field = field  # which input: settings, types or data (set by the caller that knows)


@dataclass
class RunLog:
    """litteR's logger: INFO/WARN lines are kept, ERROR raises."""

    entries: list[LogEntry] = field(default_factory=list)

    def info(self, message: str, code: str = "info") -> None:
        self.entries.append(LogEntry("INFO", code, message))

    def warn(self, code: str, message: str) -> None:
        self.entries.append(LogEntry("WARN", code, message))

    def error(self, code: str, message: str) -> None:
        self.entries.append(LogEntry("ERROR", code, message))
        raise LitterInputError(code, message, self.entries)

    @property
    def warnings(self) -> list[LogEntry]:
        return [e for e in self.entries if e.level == "WARN"]

    def lines(self) -> list[str]:
        return [f"{e.level} [{e.code}] {e.message}" for e in self.entries]


# ---------------------------------------------------------------------------------------
# helpers for messages


def _quote(names) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _records(record_ids, limit: int = 20) -> str:
    """'records 3 (line 4), 7 (line 8)': record = data row (1-based), line = CSV line incl. header."""
    ids = [int(r) for r in record_ids]
    shown = ", ".join(f"{r} (line {r + 1})" for r in ids[:limit])
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"record{'s' if len(ids) > 1 else ''} {shown}{more}"


def _read_text(source: str | Path | bytes, what: str, log: RunLog) -> str:
    if isinstance(source, bytes):
        raw = source
    else:
        path = Path(source)
        if not path.is_file():
            log.error(FILE_NOT_FOUND, f"{what} '{path}' not found.")
        raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        log.error(ENCODING, f"{what} is not UTF-8 text (byte {exc.start + 1} cannot be decoded). Save it as UTF-8.")
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------
# settings


@dataclass
class Settings:
    date_min: date
    date_max: date
    percentage_total_count: float
    file_data: str
    file_types: str
    figure_quality: str = "low"
    location_code: list[str] = field(default_factory=list)
    region_code: list[str] = field(default_factory=list)
    group_code: list[str] = field(default_factory=list)
    type_name: list[str] = field(default_factory=list)
    cutoff_count_axis: float = 100
    base_dir: Path = Path(".")

    @property
    def data_path(self) -> Path:
        return self.base_dir / self.file_data

    @property
    def types_path(self) -> Path:
        return self.base_dir / self.file_types


def _as_date(value, key: str, log: RunLog) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        log.error(SETTINGS_INVALID_DATE, f"Setting '{key}' should be given as YYYY-mm-dd (found '{text}').")
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        log.error(SETTINGS_INVALID_DATE, f"Setting '{key}' is not a valid date: '{text}'.")
    raise AssertionError("unreachable")


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def parse_settings(source: str | Path | bytes, log: RunLog, *, require_files: bool = True) -> Settings:
    """Read and validate a litteR settings file (keys are case-insensitive; defaults as litteR).

    `require_files=False` is for uploads, where the data and type files come separately
    and `file_data`/`file_types` may be absent.
    """
    base_dir = Path(".")
    if not isinstance(source, bytes):
        path = Path(source)
        if path.suffix.lower() != ".yaml":
            log.error(SETTINGS_FILE_EXTENSION, f"The settings file '{path.name}' should have extension '.yaml'.")
        base_dir = path.parent
    text = _read_text(source, "Settings file", log)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        log.error(SETTINGS_UNREADABLE, f"The settings file is not valid YAML: {exc}")
    if not isinstance(raw, dict):
        log.error(SETTINGS_UNREADABLE, "The settings file should contain 'key: value' settings.")
    settings = {str(k).lower(): v for k, v in raw.items()}

    log.info("Check optional settings...")
    defaults = {
        "date_min": "1900-01-01",
        "date_max": "2100-12-31",
        "percentage_total_count": 80,
        "figure_quality": "low",
        "cutoff_count_axis": 100,
    }
    for key, default in defaults.items():
        if settings.get(key) is None:
            settings[key] = default
            log.info(f"Optional setting '{key}' is missing. Its default ({default}) will be used.")

    log.info("Check existence of required settings...")
    required = ["file_data", "file_types"] if require_files else []
    missing = [k for k in required if settings.get(k) in (None, "")]
    if len(missing) == 1:
        log.error(SETTINGS_MISSING, f"Setting '{missing[0]}' is missing.")
    if len(missing) > 1:
        log.error(SETTINGS_MISSING, f"Settings {_quote(missing)} are missing.")
    log.info("All required settings are available")

    date_min = _as_date(settings["date_min"], "date_min", log)
    date_max = _as_date(settings["date_max"], "date_max", log)
    if date_min > date_max:
        log.error(
            SETTINGS_DATE_ORDER,
            f"Setting 'date_min' ({date_min}) should be earlier than 'date_max' ({date_max}).",
        )
    try:
        percentage = float(settings["percentage_total_count"])
    except (TypeError, ValueError):
        percentage = float("nan")
    if not (1 <= percentage <= 100):
        log.error(
            SETTINGS_PERCENTAGE,
            f"Setting 'percentage_total_count' should be within 1-100 (found '{settings['percentage_total_count']}').",
        )
    quality = str(settings["figure_quality"]).lower()
    if quality not in ("low", "high"):
        log.error(
            SETTINGS_FIGURE_QUALITY,
            f"Setting 'figure_quality' should be 'low' or 'high' (found '{quality}').",
        )
    return Settings(
        date_min=date_min,
        date_max=date_max,
        percentage_total_count=percentage,
        file_data=str(settings.get("file_data") or ""),
        file_types=str(settings.get("file_types") or ""),
        figure_quality=quality,
        location_code=_as_list(settings.get("location_code")),
        region_code=_as_list(settings.get("region_code")),
        group_code=[g.upper() for g in _as_list(settings.get("group_code"))],
        type_name=[t.lower() for t in _as_list(settings.get("type_name"))],
        cutoff_count_axis=float(settings["cutoff_count_axis"]),
        base_dir=base_dir,
    )


# ---------------------------------------------------------------------------------------
# type file


@dataclass
class TypeFile:
    """Included types (lower case, file order), groups (TC first, then file column order)
    and the membership table (type_name, group_code) of cells marked 'x'."""

    types: list[str]
    groups: list[str]
    membership: pd.DataFrame


def _read_csv_text(text: str, what: str, code: str, log: RunLog) -> pd.DataFrame:
    """All cells as text (validation decides what is a number, a date or missing)."""
    if not text.strip():
        log.error(code, f"{what} is empty.")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        log.error(code, f"{what} is not a readable CSV file: {str(exc).strip()}")
    raise AssertionError("unreachable")


def read_types(source: str | Path | bytes, log: RunLog) -> TypeFile:
    """Read and validate a litteR type file (all text; only '' or 'x' allowed in group cells)."""
    log.info("Validating type file")
    text = _read_text(source, "Type file", log)
    frame = _read_csv_text(text, "The type file", TYPES_UNREADABLE, log)
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    missing = [c for c in ("TYPE_NAME", "INCLUDED") if c not in frame.columns]
    if len(missing) == 1:
        log.error(TYPES_MISSING_COLUMN, f"Column '{missing[0]}' is missing in the type file.")
    if missing:
        log.error(TYPES_MISSING_COLUMN, f"Columns {_quote(missing)} are missing in the type file.")
    frame = frame.apply(lambda col: col.str.strip().str.lower())
    names = frame["TYPE_NAME"]
    dup = names[names.duplicated(keep=False)]
    if len(dup):
        lines = (dup.index.to_numpy() + 2).tolist()
        log.error(
            TYPES_DUPLICATE,
            f"Duplicated type names found in the type file: {_quote(sorted(set(dup)))} (lines "
            f"{', '.join(map(str, lines))}). These are not allowed.",
        )
    selector_columns = [c for c in frame.columns if not c.startswith("TYPE_")]
    cells = frame[selector_columns]
    bad = ~(cells.isin(list(NA_STRINGS) + ["x"]))
    if bad.to_numpy().any():
        bad_cols = [c for c in selector_columns if bad[c].any()]
        first = bad[bad_cols[0]].to_numpy().nonzero()[0][0]
        log.error(
            TYPES_INVALID_CELL,
            "In the litter type file, only character 'x' is allowed as group selector. This is not "
            f"correct for column(s) {_quote(bad_cols)} (first at line {first + 2}: "
            f"'{cells[bad_cols[0]].iloc[first]}').",
        )
    log.info("All table cells are OK")
    included = frame[frame["INCLUDED"] == "x"]
    if included.empty:
        log.error(TYPES_NONE_INCLUDED, "No litter type is marked as included in the type file.")
    groups = ["TC"] + [c.upper() for c in selector_columns if c != "INCLUDED"]
    marks = included[selector_columns].rename(columns={"INCLUDED": "TC"})
    long = marks.assign(type_name=included["TYPE_NAME"].to_numpy()).melt(
        id_vars="type_name", var_name="group_code", value_name="mark"
    )
    long = long[long["mark"] == "x"][["type_name", "group_code"]].reset_index(drop=True)
    return TypeFile(types=included["TYPE_NAME"].tolist(), groups=groups, membership=long)


# ---------------------------------------------------------------------------------------
# data file


@dataclass
class LitterData:
    """Validated survey data: one row per kept record (survey) in `surveys` (record_id = litteR's
    persistent .RECORD_ID, location_code, date, [region_code]) and the matching rows of `counts`
    (surveys × types, in data-file column order, names in `type_names`, lower case)."""

    surveys: pd.DataFrame
    counts: np.ndarray
    type_names: list[str]
    has_region: bool

    @property
    def n_records(self) -> int:
        return len(self.surveys)

    def long(self) -> pd.DataFrame:
        """litteR's long form: location_code, [region_code], date, record_id, type_name, count."""
        n_surveys, n_types = self.counts.shape
        frame = self.surveys.iloc[np.tile(np.arange(n_surveys), n_types)].reset_index(drop=True)
        frame["type_name"] = pd.Categorical.from_codes(np.repeat(np.arange(n_types), n_surveys), self.type_names)
        frame["count"] = self.counts.T.ravel()
        return frame


def _parse_counts(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One type column as numbers: (values, empty-cell mask, text-cell mask), like readr's guess.

    Fast path: Arrow's string→double cast on trimmed cells; only a column that fails it is
    parsed cell by cell to find the text cells.
    """
    cells = pc.utf8_trim_whitespace(column.combine_chunks())
    empty = pc.is_in(cells, value_set=pa.array(NA_STRINGS)).to_numpy(zero_copy_only=False)
    filled = pc.if_else(pa.array(empty), pa.scalar("0"), cells)
    try:
        values = pc.cast(filled, pa.float64()).to_numpy(zero_copy_only=False)
        missing = np.isnan(values)  # "NaN" is a missing value in R as well
        return np.where(missing, 0.0, values), empty | missing, np.zeros(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(pd.Series(filled.to_pylist()), errors="coerce").to_numpy(dtype=float)
        return np.nan_to_num(values, nan=0.0), empty, np.isnan(values) & ~empty


def _data_columns(text: str, log: RunLog) -> tuple[list[str], dict[str, pa.ChunkedArray], int]:
    """The data file as text columns: (lower-cased names, columns by name, number of rows).

    Arrow's C++ reader does the work; a file it refuses (e.g. ragged rows) goes through pandas,
    which either reads it or gives the message for the error. Repeated column names get
    pandas' suffixes (.1, .2, …), so no column is silently merged.
    """
    header = next(csv.reader([text.splitlines()[0]]), [])
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
        names, arrays = table.column_names, list(table.columns)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        _check_field_counts(text, len(header), log)
        frame = _read_csv_text(text, "The data file", DATA_UNREADABLE, log).fillna("")
        names = list(frame.columns)
        arrays = [pa.chunked_array([pa.array(frame[c].to_numpy(dtype=object), type=pa.string())]) for c in frame]
        table = None
    seen: dict[str, int] = {}
    columns: dict[str, pa.ChunkedArray] = {}
    ordered = []
    for name, array in zip(names, arrays, strict=True):
        key = str(name).strip().lower()
        if key in seen:
            seen[key] += 1
            key = f"{key}.{seen[key]}"
        else:
            seen[key] = 0
        columns[key] = array
        ordered.append(key)
    n_rows = table.num_rows if table is not None else (len(arrays[0]) if arrays else 0)
    return ordered, columns, n_rows


def _check_field_counts(text: str, expected: int, log: RunLog) -> None:
    """Name the lines whose number of fields differs from the header (only run on a file Arrow refused)."""
    bad = [
        (line, len(fields))
        for line, fields in enumerate(csv.reader(io.StringIO(text)), start=1)
        if fields and len(fields) != expected
    ]
    if bad:
        shown = ", ".join(f"line {line} has {n}" for line, n in bad[:10])
        more = f" and {len(bad) - 10} more lines" if len(bad) > 10 else ""
        log.error(
            DATA_UNREADABLE,
            f"The data file has rows with a different number of fields than its header ({expected}): {shown}{more}.",
        )


def _text(column: pa.ChunkedArray) -> pd.Series:
    """A text column as a pandas Series of trimmed strings."""
    return pd.Series(pc.utf8_trim_whitespace(column).to_numpy(zero_copy_only=False), dtype=object)


def _first_line_fields(text: str) -> int:
    first = text.splitlines()[0] if text else ""
    return len(next(csv.reader([first]), []))


def read_data(source: str | Path | bytes, types: TypeFile, log: RunLog) -> LitterData:
    """Read and validate a wide litteR data file against the included types (litteR's rule order)."""
    text = _read_text(source, "Data file", log)
    if not text.strip():
        log.error(DATA_UNREADABLE, "The data file is empty.")
    log.info("Checking if CSV-file is comma delimited")
    if _first_line_fields(text) <= 1:
        log.error(DATA_DELIMITER, "Incorrect column delimiter is used in the data file. Please use a comma.")
    names, columns, n_rows = _data_columns(text, log)
    record_id = np.arange(1, n_rows + 1)
    type_names = [t.lower() for t in types.types]

    log.info(f"Check if required metadata columns {_quote(REQUIRED_DATA_COLUMNS)} exist.")
    missing = [c for c in REQUIRED_DATA_COLUMNS if c not in columns]
    if len(missing) == 1:
        log.error(DATA_MISSING_COLUMN, f"Column '{missing[0]}' is missing in the data file.")
    if missing:
        log.error(DATA_MISSING_COLUMN, f"Columns {_quote(missing)} are missing in the data file.")
    log.info("All required columns are available")

    log.info("Checking date format")
    dates = _text(columns["date"])
    iso = dates.str.match(_ISO_DATE)
    ospar = dates.str.match(_OSPAR_DATE)
    parsed_iso = pd.to_datetime(dates.where(iso), format="%Y-%m-%d", errors="coerce")
    parsed_ospar = pd.to_datetime(dates.where(ospar), format="%d/%m/%Y", errors="coerce")
    valid_iso = parsed_iso.notna().to_numpy()
    valid_ospar = parsed_ospar.notna().to_numpy()
    invalid = ~(valid_iso | valid_ospar)
    if invalid.any():
        log.error(
            DATA_INVALID_DATE,
            f"Invalid date or date format found in {_records(record_id[invalid])}: "
            f"'{dates[invalid].iloc[0]}'. Please correct the date or use YYYY-mm-dd or dd/mm/YYYY.",
        )
    if not (valid_iso.all() or valid_ospar.all()):
        log.error(
            DATA_MIXED_DATES,
            "Dates should be either YYYY-mm-dd or dd/mm/YYYY but not both (YYYY-mm-dd in "
            f"{_records(record_id[valid_iso], 5)}; dd/mm/YYYY in {_records(record_id[valid_ospar], 5)}).",
        )
    parsed = parsed_iso if valid_iso.all() else parsed_ospar
    log.info(f"Dates are consistent. All dates are {'YYYY-mm-dd' if valid_iso.all() else 'dd/mm/YYYY'}")

    log.info("Check if all litter types in the type file are present in the data file")
    missing_types = [t for t in type_names if t not in columns]
    if missing_types:
        log.warn(
            DATA_MISSING_TYPES,
            f"The following types in the type file are missing in the data file: {_quote(missing_types)}",
        )
    present = [c for c in names if c in set(type_names)]
    if not present:
        log.error(DATA_NO_TYPES, "No columns with litter data found. See the type file for valid litter types.")
    has_region = REGION_COLUMN in columns
    meta = list(REQUIRED_DATA_COLUMNS) + ([REGION_COLUMN] if has_region else [])
    redundant = [c for c in names if c not in set(meta) | set(present)]
    if redundant:
        log.warn(DATA_EXTRA_COLUMNS, f"The following columns will be excluded from analysis: {_quote(redundant)}")

    log.info("Check for empty cells")
    parsed_columns = [_parse_counts(columns[c]) for c in present]
    empty = np.column_stack([p[1] for p in parsed_columns])
    if empty.any():
        cols = [c for c, bad in zip(present, empty.any(axis=0), strict=True) if bad]
        log.error(
            DATA_EMPTY_CELL,
            f"The following data columns contain empty cells: {_quote(cols)} "
            f"({_records(record_id[empty.any(axis=1)])}).",
        )
    log.info("Check that litter counts are numbers")
    text_cells = np.column_stack([p[2] for p in parsed_columns])
    if text_cells.any():
        cols = [c for c, bad in zip(present, text_cells.any(axis=0), strict=True) if bad]
        first_bad = _text(columns[cols[0]]).to_numpy()[text_cells[:, present.index(cols[0])]][0]
        log.error(
            DATA_NOT_NUMERIC,
            f"The following data column(s) contain(s) text: {_quote(cols)} "
            f"({_records(record_id[text_cells.any(axis=1)])}; e.g. '{first_bad}'). Please correct your data file.",
        )
    values = np.column_stack([p[0] for p in parsed_columns])
    del parsed_columns
    log.info("Check that litter counts are nonnegative numbers")
    negative = values < 0
    if negative.any():
        cols = [c for c, bad in zip(present, negative.any(axis=0), strict=True) if bad]
        log.error(
            DATA_NEGATIVE,
            f"Negative litter counts found in column(s): {_quote(cols)} ({_records(record_id[negative.any(axis=1)])}).",
        )
    log.info("Check that litter counts are natural numbers")
    natural = (values > -_EPS) & (np.abs(values - np.round(values)) < _EPS)
    if not natural.all():
        cols = [c for c, ok in zip(present, natural.all(axis=0), strict=True) if not ok]
        log.warn(
            DATA_NOT_NATURAL,
            f"Non-natural numbers (i.e., numbers that are not in 0, 1, 2, ...) found in columns: "
            f"{_quote(cols)}. Please, verify if these numbers are correct. These columns will be "
            "included in the analysis.",
        )
    log.info("Check if not all litter counts in a single survey (record) are zero")
    all_zero = (np.abs(values) < _EPS).all(axis=1)
    if all_zero.any():
        log.warn(
            DATA_ALL_ZERO,
            f"The following record(s) contain(s) only zeroes: {_records(record_id[all_zero])}. "
            "Please, verify if this is correct. These record(s) will be included in the analysis.",
        )

    table = pd.DataFrame({"location_code": _text(columns["location_code"]).to_numpy(), "date": parsed.to_numpy()})
    if has_region:
        region = _text(columns[REGION_COLUMN])
        table[REGION_COLUMN] = region.where(~region.isin(NA_STRINGS)).to_numpy()
    counts_frame = pd.DataFrame(values, columns=present)
    table = pd.concat([table, counts_frame], axis=1)

    log.info("Check for duplicated records")
    dup_all = table.duplicated(keep=False).to_numpy()
    if dup_all.any():
        groups = table[dup_all].groupby(list(table.columns), sort=False, dropna=False).groups
        listed = "; ".join(", ".join(str(record_id[i]) for i in idx) for idx in groups.values())
        log.warn(
            DATA_DUPLICATE,
            f"The following records are duplicated: {listed}. Only the first record of each duplicate "
            "will be retained.",
        )
        keep = ~table.duplicated(keep="first").to_numpy()
        table = table[keep].reset_index(drop=True)
        record_id = record_id[keep]
    same = table.duplicated(["location_code", "date"], keep=False).to_numpy()
    if same.any():
        groups = table[same].groupby(["location_code", "date"], sort=False).groups
        listed = "; ".join(", ".join(str(record_id[i]) for i in idx) for idx in groups.values())
        log.warn(
            DATA_SAME_LOCATION_DATE,
            f"The following records have different counts for the same 'location_code' and 'date': "
            f"{listed}. All these records will be retained in the analysis.",
        )

    surveys = table[["location_code", "date"] + ([REGION_COLUMN] if has_region else [])].copy()
    surveys.insert(0, "record_id", record_id)
    return LitterData(
        surveys=surveys.reset_index(drop=True),
        counts=table[present].to_numpy(dtype=float),
        type_names=present,
        has_region=has_region,
    )


def filter_period(data: LitterData, settings: Settings, log: RunLog) -> LitterData:
    """Keep date_min ≤ date ≤ date_max (inclusive); an empty result is an ERROR as in litteR."""
    dates = data.surveys["date"]
    keep = ((dates >= pd.Timestamp(settings.date_min)) & (dates <= pd.Timestamp(settings.date_max))).to_numpy()
    if not keep.any():
        log.error(
            DATA_EMPTY_PERIOD,
            f"No data found in the period {settings.date_min} to {settings.date_max} "
            "(settings 'date_min' and 'date_max').",
        )
    return LitterData(
        surveys=data.surveys[keep].reset_index(drop=True),
        counts=data.counts[keep],
        type_names=data.type_names,
        has_region=data.has_region,
    )
