"""Records as CSV rows and back: list fields joined with ' | ', nested fields as JSON, and every cell that a
spreadsheet would run as a formula (= + - @ tab CR) prefixed with an apostrophe (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from litterhub.model.csvsafe import safe_cell, unsafe_cell

LIST_SEP = " | "
COLUMNS = ["id", "type", "title", "review_status", "names", "acronyms", "summary", "url", "year", "countries",
           "regions", "languages", "topics", "tags", "sources", "licence", "extra"]
_LISTS = {"acronyms", "countries", "regions", "languages", "topics", "tags", "sources"}


def to_row(record: dict[str, Any], status: str = "") -> list[str]:
    extra = {k: v for k, v in record.items() if k not in COLUMNS and v not in (None, "", [], {})}
    cells = []
    for col in COLUMNS:
        if col == "review_status":  # the workflow state; a policy's own `status` travels in `extra`
            value = status
        elif col == "extra":
            value = json.dumps(extra, ensure_ascii=False) if extra else ""
        elif col == "names":
            value = json.dumps(record.get("names") or {}, ensure_ascii=False) if record.get("names") else ""
        elif col in _LISTS:
            value = LIST_SEP.join(str(v) for v in record.get(col) or [])
        else:
            v = record.get(col)
            value = "" if v is None else str(v)
        cells.append(safe_cell(value))
    return cells


def write_csv(records: list[tuple[dict[str, Any], str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for data, status in records:
        writer.writerow(to_row(data, status))
    return buf.getvalue()


def read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record dict) per data row; validation is the caller's (it knows the entity types)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"type", "title", "sources"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"the CSV lacks the column(s) {', '.join(sorted(missing))}")
    out = []
    for row in reader:
        rec: dict[str, Any] = {}
        for key, raw in row.items():
            if key is None or key == "review_status":
                continue
            value = unsafe_cell(raw or "")
            if value == "":
                continue
            if key == "extra":
                rec.update(json.loads(value))
            elif key == "names":
                rec["names"] = json.loads(value)
            elif key in _LISTS:
                rec[key] = [v.strip() for v in value.split("|") if v.strip()]
            elif key == "year":
                rec[key] = int(value)
            else:
                rec[key] = value
        out.append((reader.line_num, rec))
    return out
