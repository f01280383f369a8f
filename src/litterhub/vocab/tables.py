"""Reading the packaged CSV tables: one reader that knows line numbers and rejects duplicate keys."""

from __future__ import annotations

import csv
from pathlib import Path

from litterhub.vocab.errors import VocabError

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    return DATA_DIR / name


def read_rows(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their 1-based file line numbers (header = line 1); missing columns are an error."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise VocabError("litter-vocab-missing-column", path.name, 1, missing[0],
                             f"required column(s) {missing} not in header {reader.fieldnames}")
        rows = []
        for row in reader:
            rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}))
        return rows


def unique_by(path: Path, rows: list[tuple[int, dict[str, str]]], *key: str) -> dict[tuple[str, ...], int]:
    """Index rows by `key`; a repeated key fails naming both lines."""
    seen: dict[tuple[str, ...], int] = {}
    for line, row in rows:
        k = tuple(row[f] for f in key)
        if not all(k):
            raise VocabError("litter-vocab-empty-id", path.name, line, key[0], f"empty identifier {k}")
        if k in seen:
            raise VocabError("litter-vocab-duplicate-id", path.name, line, key[-1],
                             f"duplicate id {'/'.join(k)!r} (first defined on line {seen[k]})")
        seen[k] = line
    return seen


def load_table(name: str, key: str, required: list[str] | None = None,
               path: Path | None = None) -> dict[str, dict[str, str]]:
    """A small reference table (materials, units, ...) keyed by its id column."""
    p = path or data_path(name)
    rows = read_rows(p, [key, *(required or [])])
    unique_by(p, rows, key)
    return {row[key]: row for _, row in rows}
