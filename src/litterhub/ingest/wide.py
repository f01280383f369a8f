"""Wide survey tables (one row per survey, one column per item) turned into long observations.

Most programme exports (Marine LitterWatch, MDMAP, TIDES, MCS, OSPAR) are wide. This module does the
shared work vectorised over a batch: parse every item column, find negative and non-numeric counts,
and unpivot the accepted rows into observation rows with their source line and column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.cells import Parsed, parse_number
from litterhub.ingest.report import ValidationReport


@dataclass(frozen=True)
class ItemColumn:
    """One item column of a wide export and how its counts enter the canonical model."""

    column: str
    scheme: str
    code: str
    name: str | None = None
    counts_toward_total: bool = True


@dataclass
class ItemMatrix:
    """Parsed counts of one batch: values[row, item] (NaN = blank) and the per-row reject mask."""

    values: np.ndarray
    bad_row: np.ndarray


def parse_items(batch: pa.RecordBatch, items: list[ItemColumn], lines: np.ndarray,
                report: ValidationReport) -> ItemMatrix:
    """Parse all item columns of a batch, reporting non-numeric and negative counts by line and column."""
    n = batch.num_rows
    fast = _fast_matrix(batch, items)
    if fast is not None:  # every cell a plain number or blank: only negative counts can be wrong
        bad = np.zeros(n, bool)
        with np.errstate(invalid="ignore"):
            negative = fast < 0
        for j in np.flatnonzero(negative.any(axis=0)):
            rows = np.flatnonzero(negative[:, j])
            report.add_many("litter-negative-count", lines[rows], items[j].column,
                            [f"count {fast[r, j]:g} is negative" for r in rows])
            bad |= negative[:, j]
        return ItemMatrix(fast, bad)
    values = np.full((n, len(items)), np.nan)
    bad = np.zeros(n, bool)
    for j, item in enumerate(items):
        parsed = _fast_counts(batch.column(item.column)) or parse_number(batch.column(item.column))
        values[:, j] = parsed.values
        if parsed.invalid.any():
            rows = np.flatnonzero(parsed.invalid)
            texts = batch.column(item.column).take(pa.array(rows)).to_pylist()
            report.add_many("type-error", lines[rows], item.column,
                            [f"count {t!r} is not a number" for t in texts])
            bad |= parsed.invalid
        with np.errstate(invalid="ignore"):
            negative = parsed.values < 0
        if negative.any():
            rows = np.flatnonzero(negative)
            report.add_many("litter-negative-count", lines[rows], item.column,
                            [f"count {parsed.values[r]:g} is negative" for r in rows])
            bad |= negative
    return ItemMatrix(values, bad)


def _fast_matrix(batch: pa.RecordBatch, items: list[ItemColumn]) -> np.ndarray | None:
    """`_fast_counts` of all item columns at once (values[row, item]), or None when any column needs more.

    A Marine LitterWatch export has 162 item columns, and per-column kernel calls on a few thousand rows cost more
    than the work; all columns are concatenated, compared and cast in one call each. Any surprise returns None and
    the caller parses column by column as before, so the values and the report are the same."""
    if not items:
        return None
    columns = [batch.column(it.column) for it in items]
    if any(c.null_count for c in columns):
        return None
    text = pa.concat_arrays([c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in columns])
    parsed = _fast_counts(text)
    if parsed is None:
        return None
    return np.ascontiguousarray(parsed.values.reshape(len(items), batch.num_rows).T)


def _fast_counts(col: pa.Array | pa.ChunkedArray) -> Parsed | None:
    """Arrow's own string->float cast for the common clean column (plain numbers and empty cells).

    The regex path in `cells.parse_number` costs about 1 us per cell; count columns are millions of cells,
    almost all clean. Any surprise (spaces, 'nan', 'inf', text) returns None, and the caller falls back to
    the validating parser, so behaviour is unchanged.
    """
    text = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if text.null_count:
        return None
    blank = pc.equal(text, "").to_numpy(zero_copy_only=False)
    values = np.full(len(text), np.nan)
    filled = ~blank
    if filled.any():
        try:
            cast = pc.cast(text.filter(pa.array(filled)) if blank.any() else text, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        got = cast.to_numpy(zero_copy_only=False)
        if not np.isfinite(got).all():
            return None
        values[filled] = got
    return Parsed(values, blank, np.zeros(len(text), bool))


def totals(matrix: np.ndarray, items: list[ItemColumn]) -> np.ndarray:
    """Total count per row over the items that count toward the total (blank = 0 for the sum)."""
    weights = np.array([1.0 if it.counts_toward_total else 0.0 for it in items])
    return np.nan_to_num(matrix, nan=0.0) @ weights if len(items) else np.zeros(len(matrix))


def check_total(report: ValidationReport, lines: np.ndarray, source: np.ndarray, total: np.ndarray, column: str,
                what: str = "item counts") -> None:
    """The file's own total against the sum of its item counts: a warning per differing row (both are kept)."""
    with np.errstate(invalid="ignore"):
        off = ~np.isnan(source) & (np.abs(source - total) > 1e-9)
    report.add_many("litter-total-mismatch", lines[off], column,
                    [f"file total {a:g} differs from the sum of {what} {b:g}"
                     for a, b in zip(source[off], total[off], strict=True)])


def unpivot(matrix: np.ndarray, items: list[ItemColumn], event_keys: pa.Array, lines: np.ndarray) -> pa.Table:
    """Long observation rows for every non-blank item cell (explicit zeros are kept: 'tracked, none found')."""
    rows, cols = np.nonzero(~np.isnan(matrix))
    take_cols = pa.array(cols)
    taken: dict[tuple, pa.Array] = {}  # one take per distinct list: programmes often use the column as code and name

    def per_item(values: list, type_: pa.DataType) -> pa.Array:
        key = (str(type_), *values)
        if key not in taken:
            if values and all(v is None for v in values):  # no names: nulls without a take
                taken[key] = pa.nulls(len(cols), type_)
            elif values and all(v == values[0] and type(v) is type(values[0]) for v in values):  # one scheme
                taken[key] = pa.repeat(pa.scalar(values[0], type_), len(cols))
            else:
                taken[key] = pa.array(values, type_).take(take_cols)
        return taken[key]

    return pa.table(
        {
            "source_event_id": event_keys.take(pa.array(rows)),
            "source_scheme": per_item([it.scheme for it in items], pa.string()),
            "source_code": per_item([it.code for it in items], pa.string()),
            "source_name": per_item([it.name for it in items], pa.string()),
            "count": pa.array(matrix[rows, cols], pa.float64()),
            "counts_toward_total": per_item([it.counts_toward_total for it in items], pa.bool_()),
            "source_line": pa.array(lines[rows], pa.int64()),
            "source_column": per_item([it.column for it in items], pa.string()),
        }
    )
