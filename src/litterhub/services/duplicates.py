"""Find surveys that reached the hub through two datasets, flag them with their evidence, and list the exclusions.

The lake is immutable, so the result is kept beside it as derived, recomputable tables (written to a temporary name
and renamed): `lake/_derived/duplicate_sources.parquet` (one row per flagged event: whether indicators use it, the
copy kept instead, the reason) and `lake/_derived/duplicate_pairs.parquet` (every candidate pair with its evidence
and confidence). Events served by the API carry the flags (services/lake_events.py joins the result file: `qc_flags`
gets `litter-duplicate-source`, plus `litter-duplicate-source-excluded` on an exact copy indicators skip). Running
the scan again replaces the previous result. `lake/_derived/duplicate_scan.json` records the dataset versions
scanned: an exclusion only holds while both the excluded copy's and the kept copy's datasets are still at those
versions, so a new or retracted version never makes a survey vanish on the strength of an old scan (run the scan
again). The default action flags; only exact copies are left out of indicators, one copy of each survey is always
kept, and `exclusion_list` gives every exclusion for an indicator's provenance."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from litterhub.errors import InvalidInput
from litterhub.harmonize.duplicates import (
    CONFIDENCES,
    FLAG,
    MIN_SIMILARITY,
    SAME_SITE_DISTANCE_M,
    describe,
    event_flags,
    find_duplicate_sources,
)
from litterhub.services.hub import Hub
from litterhub.store import tables as t

EXCLUDED_FLAG = f"{FLAG}-excluded"
DERIVED = "_derived"  # the lake's folder of derived files (store/lake.py DERIVED)
FILENAME = "duplicate_sources.parquet"
PAIRS_FILENAME = "duplicate_pairs.parquet"
SCAN_FILENAME = "duplicate_scan.json"
GENERIC_REASON = "marked as an exact copy of another dataset's survey by the duplicate scan"


@dataclass
class DuplicateReport:
    """What a duplicate scan found; `as_dict` is the CLI's --json and the API's shape."""

    datasets: int
    pairs: list[dict[str, Any]] = field(default_factory=list)
    flagged_events: int = 0
    excluded_events: int = 0
    exclusions: list[dict[str, Any]] = field(default_factory=list)
    path: str | None = None
    settings: dict[str, float] = field(default_factory=dict)
    stored: bool = False
    stale_datasets: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        by_confidence = Counter(p["confidence"] for p in self.pairs)
        return {"datasets": self.datasets, "pairs": self.pairs, "flagged_events": self.flagged_events,
                "excluded_events": self.excluded_events, "exclusions": self.exclusions,
                "confidence_counts": {c: by_confidence.get(c, 0) for c in CONFIDENCES},
                "path": self.path, "stored": self.stored, "stale_datasets": self.stale_datasets,
                "settings": self.settings}


def result_path(hub: Hub) -> Path:
    """The stored flags' file in a LOCAL lake (for people and tests); services read them through the lake."""
    return hub.lake.root / DERIVED / FILENAME


def result_stamp(hub: Hub) -> tuple[int, int] | None:
    """(size, mtime ns) of the stored flags, or None before the first stored scan (what caches key on)."""
    return hub.lake.derived_stamp(FILENAME)


def stored_flags(hub: Hub, columns: list[str] | None = None) -> pa.Table | None:
    """The stored scan's flags (one row per flagged event), or None before the first stored scan."""
    return _read_sidecar(hub, FILENAME, columns)


def _read_sidecar(hub: Hub, name: str, columns: list[str] | None = None) -> pa.Table | None:
    data = hub.lake.read_derived(name)
    return pq.read_table(pa.BufferReader(data), columns=columns) if data is not None else None


def _scanned_versions(hub: Hub) -> dict[str, int] | None:
    data = hub.lake.read_derived(SCAN_FILENAME)
    return json.loads(data.decode("utf-8")).get("versions", {}) if data is not None else None


def current_versions(hub: Hub) -> list[tuple[str, int]]:
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.datasets.c.id, t.datasets.c.current_version)
                            .where(t.datasets.c.current_version > 0)).all()
    return [(r[0], int(r[1])) for r in rows]


def detect_duplicates(hub: Hub, max_distance_m: float = SAME_SITE_DISTANCE_M, min_similarity: float = MIN_SIMILARITY,
                      write: bool = True) -> DuplicateReport:
    """Scan the current version of every dataset; with `write`, store the flags (lake sidecars)."""
    versions = current_versions(hub)
    con = hub.lake.connect()
    con.register("events", hub.lake.scan("events", versions, con))
    con.register("observations", hub.lake.scan("observations", versions, con))
    pairs = find_duplicate_sources(con, max_distance_m=max_distance_m, min_similarity=min_similarity)
    flags = event_flags(pairs)
    report = _report(len(versions), pairs, flags, {"max_distance_m": max_distance_m,
                                                   "min_similarity": min_similarity})
    if write:
        _write_sidecar(hub, PAIRS_FILENAME, pairs)
        _write_sidecar(hub, FILENAME, flags)
        hub.lake.write_derived(SCAN_FILENAME, json.dumps({"versions": dict(versions)}).encode())
        report.path = hub.lake.derived_location(FILENAME)
        report.stored = True
    return report


def stored_report(hub: Hub) -> DuplicateReport | None:
    """The result of the last stored scan (what indicators use now), or None when no scan was stored."""
    pairs, flags = _read_sidecar(hub, PAIRS_FILENAME), stored_flags(hub)
    if pairs is None or flags is None:
        return None
    valid = _still_scanned(hub)
    scanned = _scanned_versions(hub) or {}
    report = _report(len(scanned), pairs, flags, {}, valid)
    report.path, report.stored = hub.lake.derived_location(FILENAME), True
    current = dict(current_versions(hub))
    report.stale_datasets = sorted(d for d in set(scanned) | set(current) if scanned.get(d) != current.get(d)) \
        if scanned else []
    return report


def _report(n_datasets: int, pairs: pa.Table, flags: pa.Table, settings: dict[str, float],
            valid: set[str] | None = None) -> DuplicateReport:
    rows = pairs.to_pylist()
    for p in rows:
        p["event_date"] = p["event_date"].isoformat() if p["event_date"] is not None else None
        p["evidence"] = describe(p)
    exclusions = _exclusions(flags, valid)
    return DuplicateReport(datasets=n_datasets, pairs=rows, flagged_events=flags.num_rows,
                           excluded_events=len(exclusions), exclusions=exclusions, settings=settings)


def excluded_and_flagged(hub: Hub) -> tuple[set[str], set[str]]:
    """(events indicators must skip, all flagged events) from the last stored scan; empty sets if none."""
    return {x["event_id"] for x in exclusion_list(hub)}, _flagged(hub)


def _flagged(hub: Hub) -> set[str]:
    flags = stored_flags(hub, columns=["event_id"])
    return set(flags.column("event_id").to_pylist()) if flags is not None else set()


def exclusion_list(hub: Hub) -> list[dict[str, Any]]:
    """Every event indicators leave out, for the indicator's provenance: {event_id, dataset_id, duplicate_of, reason}.

    `duplicate_of` is the copy that is counted instead. Empty when no scan was stored; an exclusion whose datasets
    changed version since the scan is dropped (both copies are counted until the scan is run again).
    """
    flags = stored_flags(hub)
    return _exclusions(flags, _still_scanned(hub)) if flags is not None else []


def _still_scanned(hub: Hub) -> set[str] | None:
    """Datasets whose current version is the one the stored scan read (None: no record, trust the scan)."""
    scanned = _scanned_versions(hub)
    if scanned is None:
        return None
    return {d for d, v in current_versions(hub) if scanned.get(d) == v}


def _exclusions(flags: pa.Table, valid: set[str] | None = None) -> list[dict[str, Any]]:
    out = []
    for row in flags.to_pylist():
        if row.get("use_for_indicators", True):
            continue
        if valid is not None and not {row.get("dataset_id"), row.get("kept_dataset_id")} <= valid:
            continue
        out.append({"event_id": row["event_id"], "dataset_id": row.get("dataset_id"),
                    "duplicate_of": row.get("kept_copy") or row.get("duplicate_of"),
                    "reason": row.get("reason") or GENERIC_REASON})
    return sorted(out, key=lambda r: r["event_id"])


def _write_sidecar(hub: Hub, name: str, table: pa.Table) -> None:
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer, compression="zstd")
    hub.lake.write_derived(name, buffer.getvalue().to_pybytes())  # replaced whole: the old file or the new one


class BadDuplicateQuery(InvalidInput, ValueError):
    """A listing request the service cannot answer (unknown confidence, limit out of range)."""


MAX_LISTED = 5000


def listing(hub: Hub, confidence: str | None = None, limit: int = 500, offset: int = 0) -> dict[str, Any]:
    """The API's and the web page's view: the stored scan (what indicators use now), or a read-only scan when none
    was stored (`stored: false`: nothing is left out of indicators until `litterhub duplicates` stores one).

    Pairs are filtered by confidence and paged; the exclusions are always listed in full.
    """
    if confidence is not None and confidence not in CONFIDENCES:
        raise BadDuplicateQuery(f"confidence must be one of {', '.join(CONFIDENCES)}, not {confidence!r}")
    if not 1 <= limit <= MAX_LISTED or offset < 0:
        raise BadDuplicateQuery(f"limit must be 1 to {MAX_LISTED} and offset 0 or more")
    report = stored_report(hub) or detect_duplicates(hub, write=False)
    out = report.as_dict()
    pairs = [p for p in report.pairs if confidence is None or p["confidence"] == confidence]
    out.update(pairs=pairs[offset:offset + limit], total_pairs=len(pairs), offset=offset, limit=limit,
               confidence=confidence,
               rules={"same_site_distance_m": SAME_SITE_DISTANCE_M, "min_similarity": MIN_SIMILARITY,
                      "confidences": list(CONFIDENCES),
                      "excluded": "only exact copies (same site, date, transect, identical item vector); "
                                  "one copy of each survey is always kept"})
    return out
