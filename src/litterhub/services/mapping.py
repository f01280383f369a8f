"""Use cases around declarative mappings: propose one from a file, check one against a file."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from litterhub.ingest.mapping import Mapping, MappingError, draft_mapping, load_mapping
from litterhub.ingest.textio import open_table, sniff

SAMPLE_ROWS = 200


class DraftError(ValueError):
    """The file cannot be read well enough to propose a mapping (the message says why)."""


def _samples(batch: pa.RecordBatch | None, names: list[str]) -> dict[str, list[str]]:
    if batch is None:
        return {n: [] for n in names}
    head = batch.slice(0, SAMPLE_ROWS)
    return {n: [v or "" for v in head.column(n).to_pylist()] for n in names}


def draft_for_file(path: Path, sheet: str | None = None) -> str:
    """A proposed mapping (YAML) for a CSV/TSV or XLSX/XLS file, from its header and first rows."""
    if not path.is_file():
        raise DraftError(f"{path}: no such file")
    info = sniff(path)
    if info.kind == "text":
        names, batches, _ = open_table(info, batch_bytes=1 << 20)
        first = next(batches, None)
        return draft_mapping(names, _samples(first[0] if first else None, names))
    if info.kind in ("xlsx", "xls"):
        from litterhub.ingest.sheets import SheetError, open_sheet

        try:
            names, batches = open_sheet(info, sheet, batch_rows=SAMPLE_ROWS)
        except SheetError as exc:
            raise DraftError(str(exc)) from None
        first = next(batches, None)
        return draft_mapping(names, _samples(first[0] if first else None, names), sheet=sheet)
    raise DraftError(f"{path.name} is {'empty' if info.kind == 'empty' else 'not a table'} ({info.kind})")


def check_mapping(mapping: Path | str, data: Path | None = None) -> Mapping:
    """Validate a mapping, and when a data file is given, that every column it names is there."""
    m = load_mapping(mapping)
    if data is not None:
        info = sniff(data)
        if info.kind == "text":
            m.check_against(info.header)
        elif info.kind in ("xlsx", "xls"):
            from litterhub.ingest.sheets import headers

            heads = headers(info)
            sheet = m.sheet or next(iter(heads), None)
            if sheet not in heads:
                raise MappingError(f"mapping key 'sheet': {sheet!r} is not a sheet of {data.name}")
            m.check_against(heads[sheet])
    return m
