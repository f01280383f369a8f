"""Reading spreadsheet exports (.xlsx via openpyxl read-only streaming, legacy OLE2 .xls via xlrd) as text batches.

Programmes publish workbooks as often as CSV, and sometimes lie about the kind (an `.xlsx` that is really
an OLE2 `.xls`), so the reader is chosen from `Sniff.kind`, never from the file name. Every cell is turned
into text (dates as ISO `YYYY-MM-DD[THH:MM:SS]`, integral numbers without `.0`), so that the adapters use the
same vectorised validators (`ingest.cells`) as for CSV and report bad cells with sheet row and column.
Rows are handed out in batches; the per-cell conversion is the only per-row Python work and is bounded by
the workbook library, which itself iterates cells in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from litterhub.ingest.failures import UnreadableInput
from litterhub.ingest.textio import Sniff, _unique_names

BATCH_ROWS = 20_000
SHEET_KINDS = ("xlsx", "xls")


class SheetError(UnreadableInput):
    """The workbook could not be opened or lacks the sheet asked for (the message says which)."""


def cell_text(value: object) -> str:
    """One cell as the text a person would read in the spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


@lru_cache(maxsize=32)
def _headers(path: str, size: int, mtime: float, kind: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, rows in _iter_sheets(Path(path), kind, header_only=True):
        first = next(rows, None)
        out[name] = [cell_text(v).strip() for v in first] if first else []
    return out


def headers(info: Sniff) -> dict[str, list[str]]:
    """Header row of every sheet (cached per file version, since every adapter's `detect` asks for it)."""
    if info.kind not in SHEET_KINDS:
        return {}
    stat = info.path.stat()
    try:
        return _headers(str(info.path), stat.st_size, stat.st_mtime, info.kind)
    except SheetError:
        return {}


def _iter_sheets(path: Path, kind: str, header_only: bool = False, only: str | None = None
                 ) -> Iterator[tuple[str, Iterator[tuple]]]:
    """(sheet name, row tuples) for each sheet; dates come out as datetime in both libraries."""
    if kind == "xls":
        import xlrd

        try:
            book = xlrd.open_workbook(str(path), on_demand=True)
        except Exception as exc:  # xlrd raises many exception types for broken files
            raise SheetError(f"{path.name}: not a readable .xls workbook ({exc})") from None
        try:
            for sheet_name in book.sheet_names():
                if only is not None and sheet_name != only:
                    continue
                try:  # xlrd parses a sheet's records only now, so a truncated file fails here
                    sheet = book.sheet_by_name(sheet_name)
                except Exception as exc:  # noqa: BLE001 - struct/Key/IndexErrors from inside xlrd
                    raise SheetError(f"{path.name}: sheet {sheet_name!r} is damaged ({type(exc).__name__}: "
                                     f"{exc})") from None
                yield sheet_name, _xls_rows(sheet, book.datemode, 1 if header_only else sheet.nrows)
        finally:
            book.release_resources()
        return
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # zipfile/openpyxl raise many exception types for broken files
        raise SheetError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    try:
        for ws in book.worksheets:
            if only is not None and ws.title != only:
                continue
            rows = ws.iter_rows(values_only=True, max_row=1 if header_only else None)
            yield ws.title, _xlsx_rows(path, ws.title, rows)
    finally:
        book.close()


def _xlsx_rows(path: Path, title: str, rows: Iterator[tuple]) -> Iterator[tuple]:
    """openpyxl's read-only rows, parsed lazily from the zip: a damaged part fails while iterating."""
    try:
        yield from rows
    except Exception as exc:  # noqa: BLE001 - zipfile/XML/openpyxl errors from inside the library
        raise SheetError(f"{path.name}: sheet {title!r} is damaged ({type(exc).__name__}: {exc})") from None


def _xls_rows(sheet, datemode: int, nrows: int) -> Iterator[tuple]:
    import xlrd

    for r in range(min(nrows, sheet.nrows)):
        types = sheet.row_types(r)
        values = sheet.row_values(r)
        if xlrd.XL_CELL_DATE in types:
            values = [xlrd.xldate_as_datetime(v, datemode) if t == xlrd.XL_CELL_DATE else v
                      for v, t in zip(values, types, strict=True)]
        yield tuple(values)


def open_sheet(info: Sniff, sheet: str | None = None, batch_rows: int = BATCH_ROWS
               ) -> tuple[list[str], Iterator[tuple[pa.RecordBatch, np.ndarray]]]:
    """Stream one sheet (default: the first) as batches of string columns plus each row's sheet row number.

    Row 1 is the header. Completely empty rows are skipped, as the CSV reader skips blank lines; cells
    beyond the header are ignored, missing trailing cells are blank.
    """
    names = list(headers(info))
    if not names:
        raise SheetError(f"{info.path.name}: no readable sheet")
    target = sheet or names[0]
    if target not in names:
        raise SheetError(f"{info.path.name}: no sheet named {target!r} (sheets: {', '.join(names)})")
    columns = _unique_names(headers(info)[target])

    def batches() -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        for _, rows in _iter_sheets(info.path, info.kind, only=target):
            next(rows, None)  # header
            width = len(columns)
            buffer: list[tuple] = []
            lines: list[int] = []
            for i, row in enumerate(rows, start=2):
                if not any(v is not None and v != "" for v in row):
                    continue
                buffer.append(row)
                lines.append(i)
                if len(buffer) >= batch_rows:
                    yield _to_batch(buffer, columns, width), np.array(lines, dtype=np.int64)
                    buffer, lines = [], []
            if buffer:
                yield _to_batch(buffer, columns, width), np.array(lines, dtype=np.int64)

    return columns, batches()


def _to_batch(rows: list[tuple], columns: list[str], width: int) -> pa.RecordBatch:
    padded = [r[:width] if len(r) >= width else tuple(r) + (None,) * (width - len(r)) for r in rows]
    arrays = [pa.array([cell_text(v) for v in col], pa.string()) for col in zip(*padded, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, names=columns)


def read_sheet(info: Sniff, sheet: str) -> tuple[pa.Table, np.ndarray]:
    """A small sheet (lookup tables such as EMODnet Beaches/Surveys) whole, with its row numbers."""
    columns, batches = open_sheet(info, sheet)
    parts = list(batches)
    if not parts:
        return pa.table({c: pa.array([], pa.string()) for c in columns}), np.empty(0, np.int64)
    return pa.Table.from_batches([b for b, _ in parts]), np.concatenate([ln for _, ln in parts])
