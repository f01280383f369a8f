"""Reading delimited text the way programmes really publish it: BOMs, cp1252, `;` and tab separators,
CRLF, quoted multi-line notes, truncated last rows.

Everything is streamed: `open_table` yields Arrow batches of strings (all columns as text, so that the
adapters validate values themselves and report bad cells) together with the physical line on which
each record starts, computed by a vectorised byte scan that respects quoting.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from litterhub.ingest.failures import UnreadableInput

SNIFF_BYTES = 64 * 1024
SCAN_CHUNK = 8 * 1024 * 1024
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Sniff:
    """What the first bytes of a file say about it."""

    path: Path
    size: int
    kind: str  # text | xlsx | xls | empty | binary
    encoding: str = "utf-8"
    bom: bool = False
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _detect_encoding(head: bytes, path: Path) -> tuple[str, bool, list[str]]:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", True, ["UTF-8 with byte-order mark"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True, ["UTF-16 with byte-order mark"]
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        return "utf-8", False, []
    except UnicodeDecodeError:
        return "cp1252", False, ["not valid UTF-8: read as Windows-1252 (cp1252)"]


def _detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def sniff(path: Path) -> Sniff:
    """Classify a file from its bytes, never from its name (an `.xlsx` may be OLE2, a `.csv` may be TSV)."""
    size = path.stat().st_size
    if size == 0:
        return Sniff(path, 0, "empty")
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(OLE2_MAGIC):
        return Sniff(path, size, "xls", notes=["OLE2 container (legacy Excel .xls)"])
    if head.startswith(ZIP_MAGIC):
        return Sniff(path, size, "xlsx", notes=["ZIP container (Office Open XML .xlsx)"])
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Sniff(path, size, "binary", notes=["contains NUL bytes: not a text table"])
    encoding, bom, notes = _detect_encoding(head, path)
    text = head.decode(encoding, errors="replace")
    if bom:
        text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        return Sniff(path, size, "empty", encoding, bom, notes=notes + ["no header line"])
    delimiter = _detect_delimiter(first)
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=delimiter))
    except (csv.Error, StopIteration):
        header = first.split(delimiter)
    if delimiter != ",":
        notes.append({";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter] + "-separated")
    return Sniff(path, size, "text", encoding, bom, delimiter, [h.strip() for h in header], notes)


def _line_ends(arr: np.ndarray) -> np.ndarray:
    """Positions of the bytes that end a physical line: every LF, and every CR not followed by LF.

    Spreadsheets write LF, CRLF or (old Mac Excel) CR alone; Arrow's CSV reader accepts all three, so the
    line scan must too. The caller makes sure a chunk never ends between the CR and the LF of a CRLF.
    """
    lf = arr == 10
    cr = arr == 13
    lone_cr = cr.copy()
    lone_cr[:-1] &= ~lf[1:]
    return np.flatnonzero(lf | lone_cr)


def iter_record_lines(path: Path, quote: int = ord('"'), delimiter: str = ",") -> Iterator[np.ndarray]:
    """Yield, in order, the physical start line of every non-empty record (header included).

    A record ends at a line end (LF, CRLF or a lone CR) outside quotes; the quote parity at each line
    end is the number of quote bytes before it (a binary search in the chunk's quote positions), so
    quoted multi-line notes are handled without a Python loop over bytes and without a per-byte counter
    array. A UTF-8 byte-order mark is not part of the first record (its first cell may be quoted).
    Blank lines are dropped, as the CSV reader drops them. A quote inside an unquoted value (`1,x"y,3`:
    neither after a field boundary nor before one) is literal text for the CSV reader, so it is not counted.
    """
    boundary = np.array([ord(delimiter), 10, 13, quote, -1])
    parity = 0
    nl_before = 0  # line ends in earlier chunks
    next_line = 1  # line on which the current record starts
    prev_byte = -1
    with path.open("rb") as fh:
        offset = len(codecs.BOM_UTF8) if fh.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
        fh.seek(offset)
        rec_start = offset  # global byte offset where the current record starts
        while chunk := fh.read(SCAN_CHUNK):
            if chunk.endswith(b"\r"):  # keep a CRLF in one chunk, so that it counts as one line end
                chunk += fh.read(1)
            arr = np.frombuffer(chunk, dtype=np.uint8)
            quotes = np.flatnonzero(arr == quote)
            if len(quotes):
                before_q = np.where(quotes > 0, arr[np.maximum(quotes - 1, 0)].astype(np.int64), prev_byte)
                after_q = np.where(quotes + 1 < len(arr), arr[np.minimum(quotes + 1, len(arr) - 1)].astype(np.int64),
                                   -1)  # -1: end of chunk or file, counted as a boundary
                quotes = quotes[np.isin(before_q, boundary) | np.isin(after_q, boundary)]
            nl_idx = _line_ends(arr)
            is_sep = (np.searchsorted(quotes, nl_idx) + parity) % 2 == 0
            seps = nl_idx[is_sep]
            if len(seps):
                sep_line = nl_before + np.flatnonzero(is_sep) + 1  # the line each separator ends
                starts = np.concatenate(([rec_start], seps[:-1] + offset + 1))
                start_lines = np.concatenate(([next_line], sep_line[:-1] + 1))
                lengths = seps + offset - starts
                before = np.where(seps > 0, arr[np.maximum(seps - 1, 0)], prev_byte)
                empty = (lengths == 0) | ((lengths == 1) & (before == 13) & (arr[seps] == 10))
                yield start_lines[~empty]
                rec_start = int(seps[-1]) + offset + 1
                next_line = int(sep_line[-1]) + 1
            nl_before += len(nl_idx)
            parity = (parity + len(quotes)) % 2
            prev_byte = int(arr[-1])
            offset += len(arr)
        if offset > rec_start:
            fh.seek(rec_start)
            if fh.read().strip(b"\r\n"):
                yield np.array([next_line], dtype=np.int64)


class LineCursor:
    """Hands out the start lines of data records in batch order, skipping records the reader rejected."""

    def __init__(self, path: Path, delimiter: str = ","):
        self._chunks = iter_record_lines(path, delimiter=delimiter)
        self._buffer: deque[np.ndarray] = deque()
        self._ordinal = 0  # 1-based ordinal of the last record consumed (header = 1)
        self.skipped: set[int] = set()
        self._take_raw(1)  # the header

    def _take_raw(self, n: int) -> np.ndarray:
        out = []
        while n > 0:
            if not self._buffer:
                nxt = next(self._chunks, None)
                if nxt is None:
                    break
                self._buffer.append(nxt)
                continue
            head = self._buffer[0]
            if len(head) <= n:
                out.append(self._buffer.popleft())
                n -= len(head)
            else:
                out.append(head[:n])
                self._buffer[0] = head[n:]
                n = 0
        taken = np.concatenate(out) if out else np.empty(0, dtype=np.int64)
        self._ordinal += len(taken)
        return taken

    def line_of_ordinal(self, ordinal: int) -> int | None:
        """Physical line of record `ordinal` (as pyarrow numbers rows: header = 1) if not yet consumed."""
        ahead = ordinal - self._ordinal
        if ahead <= 0:
            return None
        for chunk in self._buffer:
            if ahead <= len(chunk):
                return int(chunk[ahead - 1])
            ahead -= len(chunk)
        while (nxt := next(self._chunks, None)) is not None:
            self._buffer.append(nxt)
            if ahead <= len(nxt):
                return int(nxt[ahead - 1])
            ahead -= len(nxt)
        return None

    def take(self, n: int) -> np.ndarray:
        """Lines of the next `n` records that the reader delivered (rejected ones are skipped)."""
        lines = []
        remaining = n
        while remaining > 0:
            first = self._ordinal + 1
            got = self._take_raw(remaining)
            if len(got) == 0:
                break
            ordinals = np.arange(first, first + len(got))
            keep = ~np.isin(ordinals, list(self.skipped)) if self.skipped else np.ones(len(got), bool)
            lines.append(got[keep])
            remaining -= int(keep.sum())
        return np.concatenate(lines) if lines else np.empty(0, dtype=np.int64)


@dataclass
class RejectedRecord:
    """A record the CSV reader could not split into the header's columns."""

    line: int | None
    expected: int
    actual: int
    text: str


WIDE_COLUMNS = 40


def default_batch_bytes(info: Sniff) -> int:
    """Bytes of text per batch: 4 MiB, but 1 MiB for wide tables.

    A wide table's cells are tiny (`0,` is two bytes) and each becomes an observation row of several
    strings, so 4 MiB of a 77-column TIDES export unpivots into ~2 M observation rows (about 1 GB while
    harmonised); 1 MiB keeps a batch near 250 k observation rows, so peak memory stays flat and low.
    """
    return (1 << 20) if len(info.header) > WIDE_COLUMNS else (4 << 20)


def open_table(info: Sniff, batch_bytes: int | None = None
               ) -> tuple[list[str], Iterator[tuple[pa.RecordBatch, np.ndarray]], list[RejectedRecord]]:
    """Stream a delimited file as batches of string columns plus each record's start line.

    Records with the wrong number of fields are not fatal: they are returned in `rejected` (filled
    while iterating) with their line, so that the report can name them.
    """
    batch_bytes = batch_bytes or default_batch_bytes(info)
    cursor = LineCursor(info.path, info.delimiter)
    rejected: list[RejectedRecord] = []

    def on_invalid(row) -> str:
        line = cursor.line_of_ordinal(row.number) if row.number is not None else None
        if row.number is not None:
            cursor.skipped.add(row.number)
        rejected.append(RejectedRecord(line, row.expected_columns, row.actual_columns, row.text[:200]))
        return "skip"

    names = _unique_names(info.header)
    reader = pacsv.open_csv(
        info.path,
        read_options=pacsv.ReadOptions(
            encoding=info.encoding, block_size=batch_bytes, use_threads=False,
            column_names=names, skip_rows=1,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=info.delimiter, newlines_in_values=True, invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False,
        ),
    )

    def batches() -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        for batch in reader:
            lines = cursor.take(batch.num_rows)
            if len(lines) != batch.num_rows:  # the parser and the line scan split the records differently
                near = int(lines[-1]) if len(lines) else None
                raise UnreadableInput(f"{info.path.name}: its quoting or line ends are inconsistent, so its "
                                      "records cannot be told apart" + (f" after line {near}" if near else ""),
                                      line=near)
            yield batch, lines

    return names, batches(), rejected


def read_small_table(path: Path) -> pa.Table | None:
    """A small companion table (beach coordinates, effort) as text columns, read like any export (BOM, line
    ends and separator sniffed); None when it is not a text table or has no records."""
    info = sniff(path)
    if info.kind != "text":
        return None
    _, batches, _ = open_table(info)
    parts = [batch for batch, _ in batches]
    return pa.Table.from_batches(parts) if parts else None


def _unique_names(header: list[str]) -> list[str]:
    """Blank or repeated header labels get a positional suffix so that no column is silently merged."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header):
        label = name.lstrip("\ufeff").strip() or f"column_{i + 1}"
        if label in seen:
            seen[label] += 1
            label = f"{label}__{seen[label]}"
        else:
            seen[label] = 1
        out.append(label)
    return out
