"""Quarantine: rejected rows kept with their reasons, downloadable as CSV, and re-submittable once corrected.

Nothing of a rejected row is copied at ingest time: the raw file is archived byte for byte and every
rejected line with its reasons is written beside the lake version (`rejected.parquet`). The CSV is
cut from the raw file on demand: the reason columns (`litterhub_line`, `litterhub_codes`,
`litterhub_reasons`) followed by the original header and the original cells. Cells are made safe for
spreadsheets (a leading = + - @ tab or CR gets a single quote) and personal columns the format names
are redacted. Re-submitting a corrected CSV builds a new raw file (the previous version's raw file
minus its rejected records, plus the corrected rows) and ingests it as the next version, so every
observation stays traceable to an archived file and line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from litterhub.errors import Conflict, NotFoundError
from litterhub.ingest.formats import ADAPTERS
from litterhub.ingest.rejections import REJECTED_SCHEMA
from litterhub.ingest.textio import SCAN_CHUNK, Sniff, iter_record_lines, sniff
from litterhub.model.csvsafe import safe_cell, unsafe_cell
from litterhub.services.hub import Hub
from litterhub.services.ingest import MAPPING_FILE, REJECTED_FILE, IngestResult, ingest_file
from litterhub.store import duck
from litterhub.store import tables as t

REASON_COLUMNS = ["litterhub_line", "litterhub_codes", "litterhub_reasons"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
REDACTED = "[redacted]"


class QuarantineError(Conflict, ValueError):
    """The quarantine cannot do what was asked (the message says why and what to do)."""


class NotFound(NotFoundError, LookupError):
    """No such dataset or version."""


@dataclass(frozen=True)
class VersionRef:
    dataset_id: str
    version: int
    sha256: str
    original_filename: str
    lake_path: str
    format: str
    rows_rejected: int


def _version(hub: Hub, dataset_id: str, version: int | None) -> VersionRef:
    with hub.engine.connect() as conn:
        ds = conn.execute(select(t.datasets.c.format, t.datasets.c.current_version)
                          .where(t.datasets.c.id == dataset_id)).first()
        if ds is None:
            raise NotFound(f"dataset {dataset_id!r} not found")
        v = version if version is not None else ds.current_version
        row = conn.execute(select(t.dataset_versions).where(t.dataset_versions.c.dataset_id == dataset_id,
                                                            t.dataset_versions.c.version == v,
                                                            t.dataset_versions.c.status == "published")).first()
    if row is None:
        raise NotFound(f"dataset {dataset_id!r} version {v} not found")
    return VersionRef(dataset_id, int(v), row.sha256, row.original_filename, row.lake_path, ds.format,
                      int(row.rows_rejected))


def rejected_reasons(hub: Hub, dataset_id: str, version: int | None = None) -> pa.Table:
    """One row per rejected line: line, codes (`;`-joined), columns and reasons (` | `-joined)."""
    ref = _version(hub, dataset_id, version)
    stored = hub.lake.side_file(ref.lake_path, REJECTED_FILE)
    table = pq.read_table(pa.BufferReader(stored)) if stored is not None else REJECTED_SCHEMA.empty_table()
    if table.num_rows == 0:
        return pa.table({"line": pa.array([], pa.int64()), "codes": pa.array([], pa.string()),
                         "reasons": pa.array([], pa.string())})

    con = duck.connect()
    con.register("r", table)
    return con.sql(
        "SELECT line, string_agg(DISTINCT code, ';' ORDER BY code) AS codes, "
        "string_agg(coalesce('[' || \"column\" || '] ', '') || message, ' | ') AS reasons "
        "FROM r GROUP BY line ORDER BY line").to_arrow_table()


def summary(hub: Hub, dataset_id: str, version: int | None = None) -> dict[str, Any]:
    """Counts for the report page: how many rejected rows are in quarantine and under which codes."""
    ref = _version(hub, dataset_id, version)
    reasons = rejected_reasons(hub, dataset_id, ref.version)
    return {"dataset_id": ref.dataset_id, "version": ref.version, "rows_rejected": ref.rows_rejected,
            "rows_in_quarantine": reasons.num_rows, "format": ref.format,
            "csv_url": f"/api/v1/datasets/{ref.dataset_id}/versions/{ref.version}/rejected.csv"}


# -- cutting records out of the raw file -------------------------------------------------------------------
def _line_offsets(path: Path, wanted: np.ndarray) -> dict[int, int]:
    """Byte offset at which each wanted physical line starts (vectorised newline scan)."""
    wanted = np.unique(wanted)
    out: dict[int, int] = {}
    if 1 in wanted:
        out[1] = 0
    line_before = 1  # physical line that the next byte belongs to
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(SCAN_CHUNK):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            nl = np.flatnonzero(arr == 10)
            starts_line = line_before + 1 + np.arange(len(nl))
            hit = np.isin(starts_line, wanted)
            for ln, pos in zip(starts_line[hit].tolist(), (nl[hit] + offset + 1).tolist(), strict=True):
                out[ln] = pos
            line_before += len(nl)
            offset += len(arr)
    return out


def _record_spans(path: Path, lines: np.ndarray) -> list[tuple[int, int, int]]:
    """(line, start byte, end byte) of the records starting on `lines` (a record may span several lines)."""
    if len(lines) == 0:
        return []
    starts = np.concatenate(list(iter_record_lines(path)) or [np.empty(0, np.int64)])
    pos = np.searchsorted(starts, lines)
    valid = (pos < len(starts)) & (starts[np.minimum(pos, len(starts) - 1)] == lines)
    lines = lines[valid]
    pos = pos[valid]
    nxt = np.where(pos + 1 < len(starts), starts[np.minimum(pos + 1, len(starts) - 1)], -1)
    offsets = _line_offsets(path, np.concatenate([lines, nxt[nxt > 0]]))
    size = path.stat().st_size
    return [(int(ln), offsets[int(ln)], offsets[int(e)] if e > 0 else size)
            for ln, e in zip(lines, nxt, strict=True) if int(ln) in offsets]


def _text_rows(raw: Path, info: Sniff, lines: np.ndarray) -> Iterator[tuple[int, list[str]]]:
    with raw.open("rb") as fh:
        for line, start, end in _record_spans(raw, lines):
            fh.seek(start)
            data = fh.read(end - start)
            if start == 0 and data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8):]
            text = data.decode(info.encoding, errors="replace").rstrip("\r\n")
            cells = next(csv.reader(io.StringIO(text), delimiter=info.delimiter), [])
            yield line, cells


def _sheet_rows(info: Sniff, lines: np.ndarray, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    from litterhub.ingest.sheets import open_sheet

    _, batches = open_sheet(info, sheet)
    for batch, row_lines in batches:
        hit = np.flatnonzero(np.isin(row_lines, lines))
        if len(hit):
            sub = batch.take(pa.array(hit))
            for i, row in zip(hit.tolist(), zip(*[c.to_pylist() for c in sub.columns], strict=True), strict=True):
                yield int(row_lines[i]), list(row)


def rejected_csv(hub: Hub, dataset_id: str, version: int | None = None) -> Iterator[str]:
    """The quarantine as CSV text chunks: reason columns, then the original header and cells."""
    ref = _version(hub, dataset_id, version)
    reasons = rejected_reasons(hub, dataset_id, ref.version)
    if not hub.raw.exists(ref.sha256):
        raise QuarantineError(f"the raw file of {dataset_id} version {ref.version} is not in the archive")
    with hub.raw.local_copy(ref.sha256) as raw:
        info = sniff(raw)
        if info.kind != "text":
            with tempfile.TemporaryDirectory(dir=hub.settings.data_dir) as tmp:
                # workbook libraries insist on an extension; the archive names files by their SHA-256 only
                named = Path(tmp) / f"raw.{info.kind}"
                try:
                    os.symlink(raw, named)
                except OSError:
                    shutil.copyfile(raw, named)
                yield from _csv_chunks(hub, ref, reasons, sniff(named))
            return
        yield from _csv_chunks(hub, ref, reasons, info)


def _csv_chunks(hub: Hub, ref: VersionRef, reasons: pa.Table, info: Sniff) -> Iterator[str]:
    personal = set(getattr(ADAPTERS.get(ref.format), "personal_columns", ()))
    if info.kind == "text":
        header = info.header
        rows = _text_rows(info.path, info, reasons.column("line").to_numpy())
    else:
        from litterhub.ingest.sheets import headers

        sheet = _stored_mapping_sheet(hub, ref)
        all_headers = headers(info)
        header = all_headers.get(sheet or next(iter(all_headers), ""), [])
        rows = _sheet_rows(info, reasons.column("line").to_numpy(), sheet)
    redact = [i for i, h in enumerate(header) if h in personal]
    by_line = {ln: (c, r) for ln, c, r in zip(reasons.column("line").to_pylist(), reasons.column("codes").to_pylist(),
                                               reasons.column("reasons").to_pylist(), strict=True)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in REASON_COLUMNS + header])
    yield buffer.getvalue()
    for line, cells in rows:
        buffer.seek(0)
        buffer.truncate()
        cells = [EMAIL.sub(REDACTED, "" if c is None else str(c)) for c in cells]
        for i in redact:
            if i < len(cells) and cells[i]:
                cells[i] = REDACTED
        codes, why = by_line.get(line, ("", ""))
        writer.writerow([safe_cell(str(v)) for v in [line, codes, why, *cells]])
        yield buffer.getvalue()


def _stored_mapping_sheet(hub: Hub, ref: VersionRef) -> str | None:
    text = _stored_mapping(hub, ref)
    if not text:
        return None
    from litterhub.ingest.mapping import parse_mapping

    return parse_mapping(text).sheet


def _stored_mapping(hub: Hub, ref: VersionRef) -> str | None:
    stored = hub.lake.side_file(ref.lake_path, MAPPING_FILE)
    return stored.decode("utf-8") if stored is not None else None


# -- re-submission -----------------------------------------------------------------------------------------
def _read_corrections(path: Path, expected: list[str]) -> list[list[str]]:
    """Rows of a corrected quarantine CSV, reason columns dropped, formula guards undone, header checked."""
    if not path.is_file():
        raise QuarantineError(f"{path}: no such file")
    if path.stat().st_size > 256 << 20:
        raise QuarantineError(f"{path.name}: corrections larger than 256 MiB; ingest the corrected file directly")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = [unsafe_cell(h) for h in next(reader, [])]
    keep = [i for i, h in enumerate(header) if h not in REASON_COLUMNS]
    got = [header[i] for i in keep]
    if [h.strip() for h in got] != [h.strip() for h in expected]:
        raise QuarantineError("the corrected file's columns (after the litterhub_ reason columns) differ from the "
                              f"original header: expected {expected[:8]}..., got {got[:8]}...")
    rows = []
    for row in reader:
        if not any(c.strip() for c in row):
            continue
        rows.append([unsafe_cell(row[i]) if i < len(row) else "" for i in keep])
    if any(REDACTED in c for r in rows for c in r):
        raise QuarantineError(f"the corrections still contain {REDACTED!r} cells: fill them in or clear them")
    if not rows:
        raise QuarantineError(f"{path.name} holds no corrected rows")
    return rows


def resubmit(hub: Hub, dataset_id: str, corrected: Path, version: int | None = None,
             actor: str = "cli") -> IngestResult:
    """Ingest the previous version's accepted rows plus the corrected rows as the next version."""
    ref = _version(hub, dataset_id, version)
    with hub.raw.local_copy(ref.sha256) as raw:
        return _resubmit_from(hub, ref, raw, corrected, actor)


def _resubmit_from(hub: Hub, ref: VersionRef, raw: Path, corrected: Path, actor: str) -> IngestResult:
    dataset_id = ref.dataset_id
    info = sniff(raw)
    if info.kind != "text":
        raise QuarantineError("re-submission works for CSV/TSV originals; correct the workbook and ingest it again")
    rows = _read_corrections(corrected, info.header)
    reasons = rejected_reasons(hub, dataset_id, ref.version)
    spans = _record_spans(raw, reasons.column("line").to_numpy())
    mapping = _stored_mapping(hub, ref)
    with tempfile.TemporaryDirectory(dir=hub.settings.data_dir) as tmp:
        merged = Path(tmp) / f"{Path(ref.original_filename).stem}+corrections.csv"
        with raw.open("rb") as src, merged.open("wb") as out:
            pos, last = 0, b"\n"
            for _, start, end in spans:
                last = _copy(src, out, pos, start) or last
                pos = end
            last = _copy(src, out, pos, raw.stat().st_size) or last
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=info.delimiter, lineterminator="\r\n").writerows(rows)
            tail = buffer.getvalue().encode(info.encoding, errors="replace")
            out.write(tail if last == b"\n" else b"\r\n" + tail)
        return ingest_file(hub, merged, ref.format, dataset_id, actor=actor,
                           original_filename=merged.name, mapping=mapping)


def _copy(src, out, start: int, end: int) -> bytes:
    """Copy bytes [start, end) of src to out; returns the last byte copied (b"" when nothing was)."""
    src.seek(start)
    remaining = end - start
    last = b""
    while remaining > 0:
        block = src.read(min(remaining, 1 << 20))
        if not block:
            break
        out.write(block)
        last = block[-1:]
        remaining -= len(block)
    return last
