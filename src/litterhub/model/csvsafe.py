"""CSV cells that a spreadsheet will not run as formulas (OWASP "CSV injection"), for every CSV the hub writes.

Every text cell starting with = + - @ TAB or CR gets a leading apostrophe (OWASP's rule, also for text that
looks numeric); values that are numbers (not text) are never touched. `unsafe_cell` undoes the quoting when a
corrected CSV comes back.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_RE = r"^[=+\-@\t\r]"


def safe_cell(value: Any) -> Any:
    """The value, with a leading apostrophe if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """Undo `safe_cell` on import."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def neutralise_formulas(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`safe_cell` on every text column of an Arrow batch, column-wise (no loop over rows)."""
    columns = []
    for col, field in zip(batch.columns, batch.schema, strict=True):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            risky = pc.fill_null(pc.match_substring_regex(col, FORMULA_RE), False)
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        columns.append(col)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)
