"""Re-assign the marine regions of a hub's stored sites and events (a hub upgraded in place, new polygons).

Contract: catalog sites get `region` from their coordinates (vocab.regions, nearest polygon within
MAX_COAST_KM) where a polygon is that close, and keep what they had otherwise. Stored events are never edited:
a dataset whose current version holds regions that differ from today's assignment is published again as its
next version through the re-harmonisation path (which assigns regions as it copies the events), so earlier
versions, and the numbers computed from them, stay as they were. Every event keeps its recorded label in
`source_region`. A dry run reports the same counts and stores nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import bindparam, select, update

from litterhub.harmonize.regions import with_marine_regions
from litterhub.services.datasets import NotFound
from litterhub.services.hub import Hub
from litterhub.store import tables as t
from litterhub.vocab.regions import MAX_COAST_KM, locate


@dataclass
class DatasetRegions:
    dataset_id: str
    from_version: int
    events: int
    events_changed: int
    version: int | None = None  # the version published with the new regions (None: unchanged or dry run)


@dataclass
class Reassigned:
    sites: int
    sites_changed: int
    sites_within_distance: int
    sites_unknown_within_distance: int
    max_coast_km: float
    datasets: list[DatasetRegions] = field(default_factory=list)
    stored: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _current_versions(hub: Hub, dataset_ids: list[str] | None) -> list[tuple[str, int]]:
    d = t.datasets
    with hub.engine.connect() as conn:
        rows = dict(conn.execute(select(d.c.id, d.c.current_version).where(d.c.current_version > 0)).all())
    missing = sorted(set(dataset_ids or ()) - set(rows))
    if missing:
        raise NotFound(f"dataset(s) not found: {', '.join(missing)}")
    return sorted((k, int(v)) for k, v in rows.items() if not dataset_ids or k in dataset_ids)


def _events_changed(hub: Hub, dataset_id: str, version: int) -> tuple[int, int]:
    """(events, events whose region or missing source_region would change) in one stored version."""
    total = changed = 0
    for batch in hub.lake.iter_batches("events", dataset_id, version):
        table = pa.Table.from_batches([batch])
        after = with_marine_regions(table, keep_source=True)
        before_region = table.column("region")
        differs = pc.fill_null(pc.not_equal(before_region, after.column("region")),
                               pc.is_valid(after.column("region")))
        if "source_region" not in table.column_names:
            differs = pc.or_(differs, pc.is_valid(before_region))
        total += table.num_rows
        changed += int(pc.sum(pc.cast(differs, pa.int64())).as_py() or 0)
    return total, changed


def _reassign_sites(hub: Hub, write: bool) -> tuple[int, int, int, int]:
    """Catalog sites: (with coordinates, changed, within MAX_COAST_KM, still 'Unknown'/empty within it)."""
    s = t.sites
    with hub.engine.connect() as conn:
        rows = conn.execute(select(s.c.id, s.c.lon, s.c.lat, s.c.region).where(s.c.lat.is_not(None))).all()
    if not rows:
        return 0, 0, 0, 0
    ids, lon, lat, region = zip(*rows, strict=True)
    from litterhub.vocab.regions import polygon_layer

    found = locate(np.array(lon, float), np.array(lat, float))
    names = [polygon_layer("sea").properties[i]["name"] if i >= 0 else None for i in found.feature]
    new = [n if n is not None else r for n, r in zip(names, region, strict=True)]
    changes = [{"sid": i, "region": n} for i, n, r in zip(ids, new, region, strict=True) if n != r]
    within = found.feature >= 0
    unknown = sum(1 for w, n in zip(within, new, strict=True) if w and (not n or n.strip().lower() == "unknown"))
    if write and changes:
        with hub.engine.begin() as conn:
            conn.execute(update(s).where(s.c.id == bindparam("sid")).values(region=bindparam("region")), changes)
    return len(rows), len(changes), int(within.sum()), unknown


def reassign_regions(hub: Hub, dataset_ids: list[str] | None = None, actor: str = "cli",
                     write: bool = True) -> Reassigned:
    """Give stored sites and events the regions of today's polygons (see the module docstring)."""
    from litterhub.services.reharmonise import publish_reharmonised

    versions = _current_versions(hub, dataset_ids)
    n_sites, n_changed, n_within, n_unknown = _reassign_sites(hub, write)
    out = Reassigned(n_sites, n_changed, n_within, n_unknown, MAX_COAST_KM, stored=write)
    for dataset_id, version in versions:
        total, changed = _events_changed(hub, dataset_id, version)
        entry = DatasetRegions(dataset_id, version, total, changed)
        if write and changed:
            entry.version = publish_reharmonised(hub, dataset_id, actor=actor, force=True).version
        out.datasets.append(entry)
    return out
