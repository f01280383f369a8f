"""Which reader failures are the file's fault, and how they reach the person who sent the file.

Contract:
- Readers of hostile files fail in a few known ways: Arrow's CSV parser (`ArrowInvalid`), text decoding
  (`UnicodeError`), Python's csv module (`csv.Error`), the workbook libraries (wrapped as `SheetError` in
  `ingest/sheets.py`), the file system (`OSError`), and the hub's own consistency checks on what the parser
  returned (`UnreadableInput`). Those are `INPUT_ERRORS`: the file is refused with a clear file-level issue
  (`encoding-error` or `source-error`), with its line and column when the reader knows them.
- Anything else raised while reading is a bug in the hub, not in the file: `services/ingest.py` logs it with
  its traceback and raises an internal error (500 on the API), never "could not be read".
"""

from __future__ import annotations

import csv

import pyarrow as pa

from litterhub.errors import InvalidInput
from litterhub.ingest.report import ValidationReport


class UnreadableInput(InvalidInput, ValueError):
    """The file cannot be read as its format says (broken bytes, inconsistent quoting, a damaged workbook)."""

    code = "source-error"

    def __init__(self, message: str, line: int | None = None, column: str | None = None) -> None:
        super().__init__(message, field=column)
        self.line, self.column = line, column


INPUT_ERRORS: tuple[type[BaseException], ...] = (UnreadableInput, pa.ArrowInvalid, UnicodeError, csv.Error, OSError)


def report_unreadable(report: ValidationReport, filename: str, exc: BaseException) -> None:
    """Refuse the whole file for one of `INPUT_ERRORS`, saying what could not be read and where."""
    if isinstance(exc, UnicodeError):
        report.fail("encoding-error", f"{filename} is neither UTF-8 nor Windows-1252 text ({str(exc)[:200]}): "
                    "save it as UTF-8 and try again")
        return
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    report.fail("source-error", f"{filename} could not be read ({type(exc).__name__}: {str(exc)[:300]})",
                line=line, column=column)
