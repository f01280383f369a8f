"""Publish a dataset again under a newer vocabulary, straight from the lake (no raw file is read).

The current version's events and particles are copied, its observations are run through the current
crosswalks, and the result becomes the next immutable version with the same raw-file provenance and
validation report. The old version stays as it was, so numbers computed from it remain citable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import func, insert, select, update

from litterhub.harmonize.observations import harmonize_observations, vocabulary_version
from litterhub.harmonize.regions import with_marine_regions
from litterhub.model.schema import LAKE_TABLES, conform
from litterhub.services import summaries
from litterhub.services.datasets import NotFound
from litterhub.services.hub import Hub
from litterhub.services.publishing import write_lock
from litterhub.store import tables as t

SIDE_FILES = ("rejected.parquet", "mapping.yaml")  # quarantine and generic-mapping files travel with a version


@dataclass
class Republished:
    dataset_id: str
    from_version: int
    version: int | None
    vocab_before: str
    vocab_after: str
    unchanged: bool

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _with_version(batch: pa.RecordBatch, version: int) -> pa.Table:
    table = pa.Table.from_batches([batch])
    index = table.schema.get_field_index("version")
    return table.set_column(index, "version", pa.nulls(table.num_rows, pa.int32()).fill_null(version))


def publish_reharmonised(hub: Hub, dataset_id: str, actor: str = "cli", force: bool = False) -> Republished:
    """The next version of `dataset_id` harmonised with the installed vocabulary (a no-op when it already is).
    Holds the dataset's write lock (store/locks.py: raises DatasetBusy while another writer has it)."""
    with write_lock(hub, dataset_id):
        return _publish_reharmonised(hub, dataset_id, actor, force)


def _publish_reharmonised(hub: Hub, dataset_id: str, actor: str, force: bool) -> Republished:
    with hub.engine.connect() as conn:
        current = conn.execute(
            select(t.dataset_versions).join(t.datasets, (t.datasets.c.id == t.dataset_versions.c.dataset_id)
                                            & (t.datasets.c.current_version == t.dataset_versions.c.version))
            .where(t.datasets.c.id == dataset_id)).first()
        if current is None:
            raise NotFound(f"dataset {dataset_id!r} not found")
        highest = conn.execute(select(func.max(t.dataset_versions.c.version))
                               .where(t.dataset_versions.c.dataset_id == dataset_id)).scalar()
    now_vocab = vocabulary_version()
    if current.vocab_version == now_vocab and not force:
        return Republished(dataset_id, current.version, None, current.vocab_version, now_vocab, True)
    version = int(highest) + 1
    staged = hub.lake.stage(dataset_id, version)
    try:
        for table in LAKE_TABLES:
            for batch in hub.lake.iter_batches(table, dataset_id, current.version):
                out = _with_version(batch, version)
                if table == "observations":
                    out = harmonize_observations(out)
                elif table == "events":  # the marine-region polygons are vocabulary too (docs/regions.md)
                    out = with_marine_regions(out, keep_source=True)
                staged.write(table, conform(out, LAKE_TABLES[table]))
        hub.lake.copy_side_files(dataset_id, current.version, SIDE_FILES, staged.tmp_dir)
        lake_path, checksums = staged.publish()
    except BaseException:
        staged.abort()
        raise
    try:
        _register(hub, current, version, lake_path, checksums, now_vocab, actor)
    except BaseException:
        hub.lake.remove_version(dataset_id, version)
        raise
    return Republished(dataset_id, current.version, version, current.vocab_version, now_vocab, False)


def _register(hub: Hub, current, version: int, lake_path: str, checksums: dict[str, str], vocab: str,
              actor: str) -> None:
    now = datetime.now(UTC)
    row = dict(current._mapping)
    row.update(version=version, lake_path=lake_path, lake_checksums=checksums, vocab_version=vocab,
               status="published", status_reason=f"re-harmonised from version {current.version}", created_at=now)
    with hub.engine.begin() as conn:
        conn.execute(insert(t.dataset_versions).values(**row))
        conn.execute(update(t.datasets).where(t.datasets.c.id == current.dataset_id)
                     .values(current_version=version, updated_at=now))
        summaries.write(conn, hub, current.dataset_id, version)
        conn.execute(insert(t.audit_log).values(
            at=now, actor=actor, action="dataset.version.reharmonised", target=f"dataset:{current.dataset_id}",
            detail={"from_version": current.version, "version": version, "vocab_version": vocab}))
