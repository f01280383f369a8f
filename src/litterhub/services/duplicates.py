"""Find surveys that reached the hub through two programmes, flag them, and say which copy indicators use.

The lake is immutable, so the result is kept beside it as a derived, recomputable table
(`lake/_derived/duplicate_sources.parquet`, written to a temporary name and renamed) and mirrored into the
catalog's event index (`qc_flags` gets `litter-duplicate-source`, plus `litter-duplicate-source-excluded` on
the copy indicators must skip). Running it again replaces the previous result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import bindparam, select, update

from litterhub.harmonize.duplicates import FLAG, event_flags, find_duplicate_sources
from litterhub.services.hub import Hub
from litterhub.store import tables as t

EXCLUDED_FLAG = f"{FLAG}-excluded"
DERIVED = "_derived"
FILENAME = "duplicate_sources.parquet"


@dataclass
class DuplicateReport:
    """What a duplicate scan found; `as_dict` is the CLI's --json shape."""

    datasets: int
    pairs: list[dict[str, Any]] = field(default_factory=list)
    flagged_events: int = 0
    excluded_events: int = 0
    path: str | None = None
    settings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"datasets": self.datasets, "pairs": self.pairs, "flagged_events": self.flagged_events,
                "excluded_events": self.excluded_events, "path": self.path, "settings": self.settings}


def result_path(hub: Hub) -> Path:
    return hub.lake.root / DERIVED / FILENAME


def current_versions(hub: Hub) -> list[tuple[str, int]]:
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.datasets.c.id, t.datasets.c.current_version)
                            .where(t.datasets.c.current_version > 0)).all()
    return [(r[0], int(r[1])) for r in rows]


def detect_duplicates(hub: Hub, max_distance_m: float = 500.0, max_days: int = 0, min_similarity: float = 0.5,
                      write: bool = True) -> DuplicateReport:
    """Scan the current version of every dataset; with `write`, store the flags (lake sidecar + catalog index)."""
    versions = current_versions(hub)
    con = hub.lake.connect()
    hub.lake.scan("events", versions, con).create_view("events")
    hub.lake.scan("observations", versions, con).create_view("observations")
    pairs = find_duplicate_sources(con, max_distance_m=max_distance_m, max_days=max_days,
                                   min_similarity=min_similarity)
    flags = event_flags(pairs)
    report = DuplicateReport(
        datasets=len(versions), pairs=pairs.to_pylist(), flagged_events=flags.num_rows,
        excluded_events=flags.num_rows - sum(flags.column("use_for_indicators").to_pylist()),
        settings={"max_distance_m": max_distance_m, "max_days": max_days, "min_similarity": min_similarity})
    if write:
        previous = excluded_and_flagged(hub)[1]
        _write_sidecar(result_path(hub), flags)
        _mirror_into_catalog(hub, flags, previous)
        report.path = str(result_path(hub))
    return report


def excluded_and_flagged(hub: Hub) -> tuple[set[str], set[str]]:
    """(events indicators must skip, all flagged events) from the last stored scan; empty sets if none."""
    path = result_path(hub)
    if not path.exists():
        return set(), set()
    table = pq.read_table(path, columns=["event_id", "use_for_indicators"])
    ids = table.column("event_id").to_pylist()
    use = table.column("use_for_indicators").to_pylist()
    return {e for e, u in zip(ids, use, strict=True) if not u}, set(ids)


def _write_sidecar(path: Path, flags: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(flags, tmp, compression="zstd")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(path)


def _mirror_into_catalog(hub: Hub, flags: pa.Table, previous: set[str]) -> None:
    """Rewrite the duplicate flags in the catalog's event index (only the events concerned are touched)."""
    new = {r["event_id"]: r["use_for_indicators"] for r in flags.select(["event_id", "use_for_indicators"])
           .to_pylist()}
    touched = list(set(new) | previous)
    if not touched:
        return
    ev = t.events
    with hub.engine.begin() as conn:
        current: dict[str, list[str]] = {}
        for i in range(0, len(touched), 500):
            chunk = touched[i:i + 500]
            for event_id, qc in conn.execute(select(ev.c.event_id, ev.c.qc_flags).where(ev.c.event_id.in_(chunk))):
                current[event_id] = [f for f in (qc or []) if f not in (FLAG, EXCLUDED_FLAG)]
        updates = []
        for event_id, base in current.items():
            if event_id in new:
                base = base + [FLAG] + ([] if new[event_id] else [EXCLUDED_FLAG])
            updates.append({"eid": event_id, "flags": base})
        if updates:
            conn.execute(update(ev).where(ev.c.event_id == bindparam("eid")).values(qc_flags=bindparam("flags")),
                         updates)
