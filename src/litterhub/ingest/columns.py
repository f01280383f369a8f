"""Small vectorised helpers shared by the batch-2 adapters: constant columns, optional text and number
columns with the programme's own "no data" markers (`na`, `NA`), and Arrow tables from NumPy masks.

They exist so that each adapter states only its format's facts, not the same Arrow boilerplate.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import KeyCounter, flag_cells
from litterhub.ingest.cells import Parsed, parse_number
from litterhub.ingest.report import ValidationReport

NO_DATA = ("na", "NA", "N/A", "n/a", "NaN", "nan")


def const(n: int, value: object, type_: pa.DataType = pa.string()) -> pa.Array:
    """A column repeating one value (events of one file share protocol, compartment, tier)."""
    return pa.array([value], type_).take(pa.array(np.zeros(n, dtype=np.int64)))


def floats(values: np.ndarray) -> pa.Array:
    """float64 Arrow array with NaN as null (so that Parquet stores 'absent', not NaN)."""
    return pa.array(values, pa.float64(), from_pandas=True)


def blank_no_data(col: pa.Array | pa.ChunkedArray, markers: tuple[str, ...] = NO_DATA) -> pa.Array:
    """Text with the programme's no-data markers turned into empty strings."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    text = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    return pc.if_else(pc.is_in(text, value_set=pa.array(list(markers))), pa.scalar(""), text)


def text_or_null(batch: pa.RecordBatch | pa.Table, column: str, markers: tuple[str, ...] = NO_DATA) -> pa.Array:
    """A trimmed text column with blanks and no-data markers as null; all-null when the column is absent."""
    if column not in batch.schema.names:
        return pa.nulls(batch.num_rows, pa.string())
    text = blank_no_data(batch.column(column), markers)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def number(batch: pa.RecordBatch | pa.Table, column: str, lines: np.ndarray, report: ValidationReport,
           markers: tuple[str, ...] = NO_DATA, thousands: bool = False, decimal_comma: bool = False,
           what: str = "value") -> Parsed:
    """Parse an optional number column; non-numbers are reported as type-error (the caller decides to reject)."""
    if column not in batch.schema.names:
        n = batch.num_rows
        return Parsed(np.full(n, np.nan), np.ones(n, bool), np.zeros(n, bool))
    text = blank_no_data(batch.column(column), markers)
    if thousands:
        grouped = pc.fill_null(pc.match_substring_regex(text, r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"), False)
        text = pc.if_else(grouped, pc.replace_substring(text, ",", ""), text)
    parsed = parse_number(text, decimal_comma=decimal_comma)
    flag_cells(report, parsed.invalid, lines, column, "type-error", batch.column(column),
               what + " {!r} is not a number")
    return parsed


def reject_repeated_ids(ids: pa.Array | pa.ChunkedArray, bad: np.ndarray, counter: KeyCounter, lines: np.ndarray,
                        report: ValidationReport, column: str) -> np.ndarray:
    """Rows whose own survey id repeats an earlier accepted row (exact repeats are already `duplicate-row`).

    Event ids must be unique in a version; rejecting the later row keeps the rest of the file usable.
    """
    arr = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    keys = np.asarray(pc.fill_null(pc.cast(arr, pa.string()), "").to_pylist(), dtype=object)
    rows = np.flatnonzero(~bad)
    repeat = np.zeros(len(keys), bool)
    if len(rows):
        repeat[rows] = counter.number(keys[rows].astype(str)) > 0
    report.add_many("litter-duplicate-event-id", lines[repeat], column,
                    [f"id {k!r} repeats an earlier row with different contents: rejected" for k in keys[repeat]])
    return bad | repeat
