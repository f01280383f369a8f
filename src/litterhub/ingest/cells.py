"""Vectorised parsing of text cells into typed arrays, keeping track of which cells were bad.

Adapters read every column as text, so that a bad cell is reported with its line and column
instead of failing the whole file; these helpers do that per column with Arrow compute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NUMBER_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


@dataclass
class Parsed:
    """A parsed column: values (NaN / NaT where absent), and masks of blank and invalid cells."""

    values: np.ndarray
    blank: np.ndarray
    invalid: np.ndarray


def _as_array(col: pa.Array | pa.ChunkedArray) -> pa.Array:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def parse_number(col: pa.Array | pa.ChunkedArray, decimal_comma: bool = False) -> Parsed:
    """Text -> float64. Blank cells are NaN and flagged blank; non-numbers are NaN and flagged invalid."""
    text = pc.utf8_trim_whitespace(_as_array(col).cast(pa.string()))
    if decimal_comma:
        text = pc.replace_substring(text, ",", ".")
    blank = pc.fill_null(pc.equal(text, ""), True)
    ok = pc.fill_null(pc.match_substring_regex(text, NUMBER_RE), False)
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    blank_np = blank.to_numpy(zero_copy_only=False)
    ok_np = ok.to_numpy(zero_copy_only=False)
    return Parsed(values.to_numpy(zero_copy_only=False).astype(float), blank_np, ~ok_np & ~blank_np)


_DIRECTIVES = {"d": r"(?P<d>\d{1,2})", "m": r"(?P<m>\d{1,2})", "Y": r"\d{4}", "y": r"\d{2}", "H": r"\d{1,2}",
               "I": r"\d{1,2}", "M": r"\d{1,2}", "S": r"\d{1,2}", "p": r"[AaPp][Mm]", "b": r"[A-Za-z]+",
               "B": r"[A-Za-z]+", "j": r"\d{1,3}"}


def _format_regex(fmt: str) -> str:
    out, i = ["^"], 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            out.append(_DIRECTIVES.get(fmt[i + 1], ".+?"))
            i += 2
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return "".join(out)


def parse_date(col: pa.Array | pa.ChunkedArray, fmt: str) -> Parsed:
    """Text -> date (numpy datetime64[D]); invalid strings flagged, blank strings flagged blank, and impossible
    dates (31 February) invalid rather than rolled over into the next month as Arrow's strptime does."""
    parsed = parse_date_lenient(col, fmt)
    if "%d" not in fmt:
        return parsed
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    text = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    parts = pc.extract_regex(text, _format_regex(fmt))
    dates = pa.array(parsed.values, pa.date32())
    day_ok = pc.equal(pc.cast(pc.struct_field(parts, "d"), pa.int64(), safe=False), pc.day(dates))
    ok = day_ok
    if "%m" in fmt:
        ok = pc.and_(ok, pc.equal(pc.cast(pc.struct_field(parts, "m"), pa.int64(), safe=False), pc.month(dates)))
    rolled = ~pc.fill_null(ok, True).to_numpy(zero_copy_only=False) & ~np.isnat(parsed.values)
    values = np.where(rolled, np.datetime64("NaT"), parsed.values).astype("datetime64[D]")
    return Parsed(values, parsed.blank, parsed.invalid | rolled)


def parse_date_lenient(col: pa.Array | pa.ChunkedArray, fmt: str) -> Parsed:
    """Arrow's strptime as is (rolls 31 February over to 3 March): only for `parse_date`."""
    text = pc.utf8_trim_whitespace(_as_array(col).cast(pa.string()))
    blank = pc.fill_null(pc.equal(text, ""), True).to_numpy(zero_copy_only=False)
    # a file repeats its survey dates (many events a day): strptime runs on the distinct texts only
    distinct = pc.dictionary_encode(text)
    stamps = pc.strptime(distinct.dictionary, format=fmt, unit="s", error_is_null=True)
    dates = pc.cast(stamps, pa.date32()).take(distinct.indices)
    valid = pc.is_valid(dates).to_numpy(zero_copy_only=False)
    values = dates.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return Parsed(values, blank, ~valid & ~blank)


def today_utc() -> np.datetime64:
    return np.datetime64(datetime.now(UTC).date(), "D")


def future(dates: np.ndarray) -> np.ndarray:
    """Dates after today (UTC); NaT is not in the future."""
    return ~np.isnat(dates) & (dates > today_utc())


def out_of_range(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Coordinates outside WGS84 bounds (NaN counts as missing, not out of range)."""
    with np.errstate(invalid="ignore"):
        return (np.abs(lat) > 90) | (np.abs(lon) > 180)


def near_null_island(lat: np.ndarray, lon: np.ndarray, tol: float = 0.01) -> np.ndarray:
    """(0, 0)-ish coordinates, a common placeholder for 'unknown' in exports."""
    with np.errstate(invalid="ignore"):
        return (np.abs(lat) < tol) & (np.abs(lon) < tol)


def to_date_array(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[D]"), type=pa.date32())


def iso(d: date | np.datetime64 | None) -> str | None:
    if d is None:
        return None
    return str(np.datetime64(d, "D"))
