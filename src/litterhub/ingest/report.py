"""Validation reports: every rejected row with line, column, a stable code and a plain message.

Codes reuse frictionless-py's error types verbatim where one fits and add hub-specific ones in the
same kebab-case style with the `litter-` prefix (documented in docs/errors.md). `CODES` is the one table
of codes: an adapter with a code of its own adds it here, never at import time. Counts per code are
exact; the list of individual issues is capped so that a hostile file cannot exhaust memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_LISTED = 5000

# code -> (severity, title). "error" rejects the row (or the file, for file-level codes); "warning" keeps it.
CODES: dict[str, tuple[str, str]] = {
    # file level (frictionless resource/table errors)
    "format-error": ("error", "The file is not in the expected format"),
    "encoding-error": ("error", "The file's text encoding could not be read"),
    "source-error": ("error", "The file could not be read"),
    "missing-label": ("error", "A required column is missing"),
    "duplicate-label": ("warning", "A column name appears more than once"),
    "blank-label": ("warning", "A column has no name"),
    "litter-empty-file": ("error", "The file is empty"),
    "litter-no-data-rows": ("error", "The file has a header but no data rows"),
    # row/cell level
    "extra-cell": ("error", "The row has more cells than the header"),
    "missing-cell": ("error", "The row has fewer cells than the header (truncated?)"),
    "type-error": ("error", "A cell does not hold a value of the expected type"),
    "constraint-error": ("error", "A cell's value is outside the allowed range"),
    "required-value": ("error", "A required cell is empty"),
    "duplicate-row": ("error", "The row repeats an earlier row exactly"),
    "litter-duplicate-event-id": ("error", "The same survey id occurs twice with different contents"),
    "litter-negative-count": ("error", "An item count is negative"),
    "litter-future-date": ("error", "The survey date lies in the future"),
    "litter-coordinates-out-of-range": ("error", "Latitude or longitude is outside the valid range"),
    "litter-coordinates-suspect": ("warning", "Coordinates at (0, 0) are treated as missing"),
    "litter-effort-missing": ("warning", "Survey length or area is missing or zero: density left empty"),
    "litter-effort-absurd": ("warning", "Survey length is implausible: density left empty"),
    "litter-total-mismatch": ("warning", "The file's own total differs from the sum of item counts"),
    "litter-unknown-country": ("warning", "The country could not be recognised"),
    "litter-duplicate-event": ("warning", "Another survey at the same site and date has different counts"),
    "litter-not-tracked": ("warning", "Blank cells in optional item columns mean 'not tracked', not zero"),
    # batch-2 adapters, generic mapping and quarantine (docs/errors.md)
    "litter-date-ambiguous": ("warning", "A date could be read day-first or month-first; the file's own rule was used"),
    "litter-date-partial": ("warning", "The day of the survey is not given: the first of the month is used"),
    "litter-unit-unknown": ("error", "The row's unit cannot be placed among the hub's units"),
    "litter-mesh-suspect": ("warning", "The mesh size is not a net mesh: kept as a size limit, mesh left empty"),
    "litter-disqualified": ("error", "The programme's own quality check disqualified this row"),
    "litter-no-observations": ("error", "The row holds no usable litter data (nothing sampled or qualified)"),
    "litter-not-sampled": ("warning", "Part of the row was not sampled or was disqualified: that part is skipped"),
    "litter-mapping-error": ("error", "The mapping file is invalid or does not fit the data file"),
    "litter-sheet-error": ("error", "The spreadsheet could not be read"),
    "litter-too-large": ("error", "The input is larger than the limit for this kind of file"),
    "known-file-other-dataset": ("error", "The same bytes are already in the hub under another dataset id"),
    "known-file-other-dataset-allowed": ("warning", "The same bytes are in the hub already: ingested as a copy"),
    # programme-specific adapter codes (every code lives in this one table; none is added at import)
    "litter-summary-row": ("error", "A totals/summary row is not a survey"),
    "litter-effort-inconsistent": ("warning", "Rows of one survey disagree on the survey effort"),
    "litter-effort-suspect": ("warning", "The survey effort looks implausible; check its unit"),
    "litter-unknown-reference": ("error", "A row refers to a survey or beach that is not defined"),
    # publishing (store/locks.py): nothing was stored, the same command succeeds once the other writer is done
    "dataset-busy": ("error", "Another process is writing this dataset: retry in a moment"),
}


@dataclass
class Issue:
    """One problem found in the input, located as precisely as the input allows."""

    code: str
    message: str
    line: int | None = None
    column: str | None = None

    @property
    def severity(self) -> str:
        return CODES[self.code][0]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ValidationReport:
    """What happened to every row of one input file."""

    format: str = ""
    format_reason: str = ""
    rows_in: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    notes: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    fatal: bool = False

    def add(self, code: str, message: str, line: int | None = None, column: str | None = None) -> None:
        issue = Issue(code, message, line, column)
        self.counts[code] += 1
        target = self.errors if issue.severity == "error" else self.warnings
        if len(target) < MAX_LISTED:
            target.append(issue)

    def fail(self, code: str, message: str, line: int | None = None, column: str | None = None) -> None:
        """A file-level problem: nothing from this file may be stored."""
        self.add(code, message, line, column)
        self.fatal = True

    def add_many(self, code: str, lines: np.ndarray, column: str | None, message: str | list[str]) -> None:
        """Vectorised checks report many rows at once; only the first MAX_LISTED are listed."""
        n = len(lines)
        if n == 0:
            return
        self.counts[code] += n
        target = self.errors if CODES[code][0] == "error" else self.warnings
        room = max(0, MAX_LISTED - len(target))
        for i in range(min(n, room)):
            text = message[i] if isinstance(message, list) else message
            target.append(Issue(code, text, int(lines[i]), column))

    @property
    def usable(self) -> bool:
        return not self.fatal and self.rows_accepted > 0

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.rows_accepted + self.rows_rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "format_reason": self.format_reason,
            "rows_in": self.rows_in,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "usable": self.usable,
            "notes": self.notes,
            "counts": dict(self.counts),
            "errors": [i.as_dict() for i in self.errors],
            "warnings": [i.as_dict() for i in self.warnings],
            "listed_limit": MAX_LISTED,
        }
