"""Use cases around declarative mappings: propose one from a file, check one against a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from litterhub.errors import InvalidInput
from litterhub.ingest.mapping import Mapping, MappingError, draft_mapping, load_mapping, parse_mapping
from litterhub.ingest.textio import open_table, sniff

SAMPLE_ROWS = 200


class DraftError(InvalidInput, ValueError):
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


# -- the column picker: one column per role instead of YAML ----------------------------------------------------
# role -> (section of the mapping, key). The picker (web and API) speaks roles; the generic reader reads YAML.
ROLES: dict[str, tuple[str, str]] = {
    "date": ("event", "date"), "site_name": ("event", "site_name"), "lat": ("event", "lat"),
    "lon": ("event", "lon"), "length": ("event", "length"), "people": ("event", "people"),
    "item": ("long", "code"), "count": ("long", "count"),
}
LENGTH_UNITS = ("m", "km", "mi", "ft", "yd")


def roles_of(mapping_text: str) -> dict[str, Any]:
    """The picker's choices read back from a mapping (empty choices when the YAML is not readable)."""
    try:
        doc = yaml.safe_load(mapping_text or "") or {}
    except yaml.YAMLError:
        doc = {}
    if not isinstance(doc, dict):
        doc = {}
    roles: dict[str, Any] = {}
    for role, (section, key) in ROLES.items():
        part = doc.get(section)
        roles[role] = str(part.get(key) or "") if isinstance(part, dict) else ""
    items = doc.get("items") if isinstance(doc.get("items"), dict) else {}
    roles["layout"] = doc.get("layout") if doc.get("layout") in ("wide", "long") else "wide"
    roles["item_columns"] = [str(c) for c in (items.get("columns") or []) if isinstance(c, str | int)]
    roles["date_format"] = str(doc.get("date_format") or "%Y-%m-%d")
    units = doc.get("units") if isinstance(doc.get("units"), dict) else {}
    roles["length_unit"] = units.get("length") if units.get("length") in LENGTH_UNITS else "m"
    roles["scheme"] = str(doc.get("scheme") or "custom")
    return roles


def mapping_from_roles(choices: dict[str, Any], header: list[str]) -> str:
    """The YAML the generic reader takes, from the picker's choices (one column per role).

    Raises MappingError naming the role when a choice is not a column of the file or a required one is missing,
    so the page can point at the select at fault."""
    from litterhub.ingest.mapping import DATE_FORMATS, render_mapping

    columns = set(header)
    doc: dict[str, Any] = {"layout": "long" if choices.get("layout") == "long" else "wide"}
    for role, (section, key) in ROLES.items():
        col = str(choices.get(role) or "")
        if not col:
            continue
        if col not in columns:
            raise MappingError(f"{role}: {col!r} is not a column of the file")
        if section == "long" and doc["layout"] != "long":
            continue
        doc.setdefault(section, {})[key] = col
    if "date" not in doc.get("event", {}):
        raise MappingError("date: choose the column that holds the survey date")
    if doc["layout"] == "long":
        if not {"code", "count"} <= set(doc.get("long", {})):
            raise MappingError("item: a long file needs its item column and its count column")
        doc["long"]["name"] = doc["long"]["code"]
    else:
        picked = [str(c) for c in choices.get("item_columns") or []]
        unknown = [c for c in picked if c not in columns]
        if unknown or not picked:
            raise MappingError(f"item_columns: {unknown[0]!r} is not a column of the file" if unknown
                               else "item_columns: choose the columns that hold item counts")
        doc["items"] = {"columns": picked}
    fmt = str(choices.get("date_format") or "%Y-%m-%d")
    doc["date_format"] = fmt if fmt in DATE_FORMATS else "%Y-%m-%d"
    unit = str(choices.get("length_unit") or "m")
    doc["units"] = {"length": unit if unit in LENGTH_UNITS else "m"}
    doc["scheme"] = str(choices.get("scheme") or "custom")
    doc["blank"] = "not-recorded"
    doc["compartment"] = "beach"
    text = render_mapping(doc)
    parse_mapping(text)  # the same validation the reader applies
    return text


# How many of a person's earlier uploads are searched for a mapping that fits a new file (newest first).
REUSE_LOOKBACK = 50


def offered_mapping(hub, sub) -> str | None:
    """The mapping the picker starts from: the one saved with this submission; else the newest mapping the same
    person confirmed for an earlier upload whose columns all exist in this file (reusable); else a fresh draft."""
    from litterhub.services import contributions as svc

    if sub.kind != "upload" or (sub.payload or {}).get("mapping"):
        return svc.draft_mapping_for(hub, sub)
    header = list((sub.report or {}).get("header") or [])
    if header:
        for text in _earlier_mappings(hub, sub):
            try:
                parse_mapping(text).check_against(header)
            except MappingError:
                continue
            return text
    drafted = svc.draft_mapping_for(hub, sub)  # text tables
    if drafted is None and svc.mapping_supported():  # spreadsheets: the same draft from the first sheet
        try:
            drafted = draft_for_file(svc.upload_path(hub, sub))
        except (DraftError, MappingError, OSError, ValueError):
            return None
    return drafted


def _earlier_mappings(hub, sub) -> list[str]:
    from sqlalchemy import select

    from litterhub.store import contrib_tables as ct

    s = ct.submissions.c
    with hub.engine.connect() as conn:
        rows = conn.execute(select(s.payload).where(s.user_id == sub.user_id, s.kind == "upload", s.id != sub.id)
                            .order_by(s.updated_at.desc()).limit(REUSE_LOOKBACK)).scalars().all()
    return [p["mapping"] for p in rows if isinstance(p, dict) and isinstance(p.get("mapping"), str)]


# The wizard's preview: the first surveys as the generic reader parses them with the chosen mapping (the full
# validation report, with every rejected row, comes from contributions.validate_upload in the compute pool).
PREVIEW_SURVEYS = 5
PREVIEW_ITEMS = 6


def preview(path: Path, mapping_text: str, limit: int = PREVIEW_SURVEYS) -> list[dict[str, Any]]:
    """The first `limit` surveys read from the file with the mapping: date, place, effort, people, total and
    the largest item counts. Empty when the mapping cannot be read (the report says why)."""
    from litterhub.ingest.formats import get_adapter
    from litterhub.ingest.report import ValidationReport
    from litterhub.ingest.textio import sniff

    try:
        adapter = get_adapter("generic").bind(load_mapping(mapping_text))
        batches = adapter.read(sniff(path), ValidationReport())
        batch = next(iter(batches), None)
    except (MappingError, OSError, ValueError):
        return []
    if batch is None:
        return []
    events = batch.events.slice(0, limit).to_pylist()
    items: dict[str, list[tuple[str, float]]] = {}
    for obs in batch.observations.to_pylist():
        items.setdefault(obs["source_event_id"], []).append((obs["source_name"] or obs["source_code"], obs["count"]))
    return [{"id": e["source_event_id"], "date": e["event_date"], "lat": e["lat"], "lon": e["lon"],
             "length_m": e["length_m"], "people": e["people"], "total": e["total_count"],
             "items": sorted(items.get(e["source_event_id"], []), key=lambda kv: -(kv[1] or 0))[:PREVIEW_ITEMS]}
            for e in events]
