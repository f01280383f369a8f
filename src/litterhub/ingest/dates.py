"""Dates as programmes really write them, resolved explicitly and reported, never guessed silently.

Pla'stock writes `01.02.2022` (day first) and `9/11/2022` in the same column; NCEI writes
`5/10/2009 12:00:00 AM`; Eriksen splits day, month and year over three columns. The mixed-format
resolver decides the order of the slash dates from the file's own evidence (a first part above 12
proves day-first, a second part above 12 proves month-first), reports how many dates of each form
were read, and lists every slash date that both readings would accept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.cells import Parsed
from litterhub.ingest.cells import parse_date as parse_date_strict  # the readers name it so: one function
from litterhub.ingest.report import ValidationReport


@dataclass
class MixedDates:
    """Parsed dates plus how each cell was read."""

    parsed: Parsed
    dotted: np.ndarray
    slashed: np.ndarray
    ambiguous: np.ndarray
    slash_order: str  # "month-first" | "day-first"


def slash_order(text: pa.Array) -> tuple[str, str]:
    """Order of `a/b/yyyy` dates in one column from the column's own evidence, with the reason."""
    parts = pc.extract_regex(text, r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/\d{4}")
    a = pc.cast(pc.struct_field(parts, "a"), pa.int32(), safe=False).to_numpy(zero_copy_only=False)
    b = pc.cast(pc.struct_field(parts, "b"), pa.int32(), safe=False).to_numpy(zero_copy_only=False)
    valid = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    a, b = a[valid], b[valid]
    day_first, month_first = int((a > 12).sum()), int((b > 12).sum())
    if day_first > month_first:
        return "day-first", f"{day_first} slash date(s) have a first part above 12"
    if month_first:
        return "month-first", f"{month_first} slash date(s) have a second part above 12"
    return "month-first", "no slash date proves its order; read month-first (as spreadsheet software writes them)"


def parse_mixed_dates(col: pa.Array | pa.ChunkedArray, column: str, lines: np.ndarray,
                      report: ValidationReport, order: tuple[str, str] | None = None) -> MixedDates:
    """`dd.mm.yyyy` and `a/b/yyyy` in one column: each form parsed explicitly; counts noted, ambiguity reported.

    `order` (from `slash_order` over the whole column) should be computed once per file so that every
    batch reads the slash dates the same way.
    """
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    text = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    dotted = pc.fill_null(pc.match_substring_regex(text, r"^\d{1,2}\.\d{1,2}\.\d{4}$"), False)
    slashed = pc.fill_null(pc.match_substring_regex(text, r"^\d{1,2}/\d{1,2}/\d{4}$"), False)
    order_name, reason = order or slash_order(text)
    slash_fmt = "%m/%d/%Y" if order_name == "month-first" else "%d/%m/%Y"
    other_fmt = "%d/%m/%Y" if order_name == "month-first" else "%m/%d/%Y"
    d_dot = parse_date_strict(text, "%d.%m.%Y")
    d_slash = parse_date_strict(text, slash_fmt)
    d_other = parse_date_strict(text, other_fmt)
    dot_np = dotted.to_numpy(zero_copy_only=False)
    sl_np = slashed.to_numpy(zero_copy_only=False)
    values = np.where(dot_np, d_dot.values, np.where(sl_np, d_slash.values, np.datetime64("NaT")))
    values = values.astype("datetime64[D]")
    blank = d_dot.blank
    invalid = ~blank & np.isnat(values)
    ambiguous = sl_np & ~np.isnat(d_slash.values) & ~np.isnat(d_other.values) & (d_slash.values != d_other.values)
    if ambiguous.any():
        rows = np.flatnonzero(ambiguous)
        texts = arr.take(pa.array(rows)).to_pylist()
        report.add_many("litter-date-ambiguous", lines[rows], column,
                        [f"date {t!r} could be read either way; read {order_name} ({reason})" for t in texts])
    return MixedDates(Parsed(values, blank, invalid), dot_np, sl_np, ambiguous, order_name)


def us_datetime_dates(col: pa.Array | pa.ChunkedArray) -> Parsed:
    """`M/D/YYYY 12:00:00 AM` (NCEI) -> dates; the time part is always midnight and carries no information."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    text = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    day_part = pc.replace_substring_regex(text, r"\s+\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?$", "")
    return parse_date_strict(day_part, "%m/%d/%Y")


def from_parts(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dates from separate year/month/day numbers (NaN where absent); returns (dates, invalid mask)."""
    ok = ~np.isnan(year) & ~np.isnan(month) & ~np.isnan(day)
    with np.errstate(invalid="ignore"):
        ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (year >= 1800) & (year <= 9999)
    y = np.where(ok, year, 2000).astype(np.int64)
    m = np.where(ok, month, 1).astype(np.int64)
    d = np.where(ok, day, 1).astype(np.int64)
    month_start = (y - 1970) * 12 + (m - 1)
    dates = month_start.astype("datetime64[M]").astype("datetime64[D]") + (d - 1)
    # day 31 of a 30-day month rolls over: reject rather than move the survey to another month
    rolled = dates.astype("datetime64[M]") != month_start.astype("datetime64[M]")
    ok &= ~rolled
    return np.where(ok, dates, np.datetime64("NaT")), ~ok
