"""The write side of the publishing contract (store/lake.py): one writer per dataset, and repair of what a
crash left behind, done by the next writer of the dataset or by `litterhub init`.

Repair is always done under the dataset's write lock, so it can never touch a version a live writer is
between renaming and committing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select

from litterhub.services.hub import Hub
from litterhub.store import tables as t
from litterhub.store.locks import DatasetBusy, dataset_lock


@contextmanager
def write_lock(hub: Hub, dataset_id: str, wait: float | None = None) -> Iterator[None]:
    """Hold the dataset's write lock (raises store.locks.DatasetBusy after `wait` seconds) and repair what an
    earlier crash left in its lake folder before the caller writes."""
    with dataset_lock(hub.engine, hub.lake.root, dataset_id, hub.settings.lock_wait if wait is None else wait):
        hub.lake.sweep_temporary()
        set_aside_unregistered(hub, dataset_id)
        yield


def registered_versions(hub: Hub, dataset_id: str) -> set[int]:
    with hub.engine.connect() as conn:
        return set(conn.execute(select(t.dataset_versions.c.version)
                                .where(t.dataset_versions.c.dataset_id == dataset_id)).scalars())


def set_aside_unregistered(hub: Hub, dataset_id: str) -> list[int]:
    """Move lake folders of `dataset_id` that no catalog row names to `.orphaned/` (caller holds the lock)."""
    known = registered_versions(hub, dataset_id)
    orphans = [v for v in hub.lake.version_folders(dataset_id) if v not in known]
    for version in orphans:
        hub.lake.set_aside(dataset_id, version)
    return orphans


def repair_lake(hub: Hub) -> dict[str, int]:
    """What `init` does: sweep abandoned staging folders and set aside unregistered versions of every dataset
    nobody is writing now (a dataset being written is left to its writer, which repairs it itself)."""
    swept = hub.lake.sweep_temporary()
    set_aside = busy = 0
    for dataset_id in hub.lake.dataset_ids():
        try:
            with dataset_lock(hub.engine, hub.lake.root, dataset_id, wait=0):
                set_aside += len(set_aside_unregistered(hub, dataset_id))
        except DatasetBusy:
            busy += 1
    return {"swept": swept, "set_aside": set_aside, "busy": busy}
