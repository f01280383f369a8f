"""Every rejected row of an ingest, not only the first 5000 the report lists: the basis of the quarantine.

`RecordingReport` is a `ValidationReport` that also keeps, compactly, the line, code, column and
message of every error-level issue. Some error-level issues leave their row in (a bad optional cell
"treated as missing"), so after each adapter batch the service calls `settle` with the lines that
batch accepted; issues on those lines are dropped, the rest are rejections. The service writes the
result beside the lake version (`rejected.parquet`), from which the quarantine CSV is cut.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.report import CODES, ValidationReport

MAX_MESSAGES = 1_000_000  # beyond this the code's title stands in for the message (bounded memory)

REJECTED_SCHEMA = pa.schema([
    ("line", pa.int64()), ("code", pa.string()), ("column", pa.string()), ("message", pa.string()),
])


class RecordingReport(ValidationReport):
    """A validation report that also records every row-level rejection reason."""

    def __init__(self) -> None:
        super().__init__()
        self._pending: list[pa.Table] = []
        self._settled: list[pa.Table] = []
        self._messages = 0

    def _record(self, code: str, lines: np.ndarray, column: str | None, message: str | list[str]) -> None:
        if CODES[code][0] != "error" or len(lines) == 0:
            return
        n = len(lines)
        if isinstance(message, list):
            texts = message if self._messages + n <= MAX_MESSAGES else [CODES[code][1]] * n
        else:
            texts = [message] * n
        self._messages += n
        self._pending.append(pa.table({
            "line": pa.array(np.asarray(lines, dtype=np.int64)), "code": pa.array([code] * n, pa.string()),
            "column": pa.array([column] * n, pa.string()), "message": pa.array(texts, pa.string()),
        }, schema=REJECTED_SCHEMA))

    def add(self, code: str, message: str, line: int | None = None, column: str | None = None) -> None:
        super().add(code, message, line, column)
        if line is not None:
            self._record(code, np.array([line], dtype=np.int64), column, message)

    def add_many(self, code: str, lines: np.ndarray, column: str | None, message: str | list[str]) -> None:
        super().add_many(code, lines, column, message)
        self._record(code, np.asarray(lines), column, message)

    def settle(self, accepted_lines: np.ndarray) -> None:
        """Issues recorded so far on lines that were accepted did not reject their row: drop them."""
        if not self._pending:
            return
        pending = pa.concat_tables(self._pending)
        self._pending = []
        if len(accepted_lines):
            kept = pc.is_in(pending.column("line"), value_set=pa.array(np.unique(accepted_lines), pa.int64()))
            pending = pending.filter(pc.invert(kept))
        if pending.num_rows:
            self._settled.append(pending)

    def rejected(self) -> pa.Table:
        """One row per (rejected line, reason), sorted by line; file-level issues (line 1) excluded."""
        self.settle(np.empty(0, np.int64))
        if not self._settled:
            return REJECTED_SCHEMA.empty_table()
        table = pa.concat_tables(self._settled)
        table = table.filter(pc.greater(table.column("line"), 1))
        return table.sort_by([("line", "ascending")])

    def rejected_line_count(self) -> int:
        return len(pc.unique(self.rejected().column("line")))
