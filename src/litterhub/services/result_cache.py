"""Results of read-only analyses over the lake, kept while the published catalog they were computed from holds.

An indicator over every published dataset is recomputed from Parquet on each request otherwise (seconds of
CPU); its answer depends only on its parameters and on what is published. `cached(hub, name, params, compute)`
returns the stored result when the catalog's fingerprint is unchanged, and computes it once when it is not:
callers asking for the same result at the same time wait for that one computation (no stampede).

The fingerprint is read from the catalog on every call (on PostgreSQL: from store/catalog_watch.py's generation
while it listens), so a version published, retracted or re-scanned for duplicates by any process (CLI, another
server worker) is seen at once:
- the number of datasets, of versions, and the sum of current versions (publish, retract),
- the newest audit-log entry (every catalog write of the hub is audited in the same transaction),
- the duplicate scan's result file (its size and modification time).

Results are shared between requests and must be treated as read-only by callers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import func, select

from litterhub.services.duplicates import result_stamp
from litterhub.services.hub import Hub
from litterhub.store import catalog_watch
from litterhub.store import tables as t

T = TypeVar("T")
MAX_ENTRIES = 64  # parameter combinations kept per hub; a dashboard uses a handful, each result a few MB at most

_lock = threading.Lock()
_entries: dict[str, OrderedDict[Hashable, object]] = {}
_inflight: dict[tuple[str, Hashable], threading.Lock] = {}


_STATE = select(
    select(func.max(t.audit_log.c.id)).scalar_subquery(),
    select(func.count()).select_from(t.dataset_versions).scalar_subquery(),
    select(func.count()).select_from(t.datasets).scalar_subquery(),
    select(func.coalesce(func.sum(t.datasets.c.current_version), 0)).scalar_subquery(),
)


def fingerprint(hub: Hub) -> Hashable:
    """What the published catalog looks like now: one round trip (newest audit entry, number of versions,
    number of datasets and sum of their current versions) and one stat of the duplicate scan's result. On
    PostgreSQL, while store/catalog_watch.py listens, its generation stands for the round trip."""
    watch = catalog_watch.watch_for(hub.engine)
    if watch is not None and watch.reliable:
        return (("generation", watch.generation), fingerprint_scan(hub))
    with hub.engine.connect() as conn:
        state = tuple(conn.execute(_STATE).one())
    return (state, fingerprint_scan(hub))


def fingerprint_scan(hub: Hub) -> Hashable:
    """The duplicate scan's part of the fingerprint: its result file's size and modification time."""
    return result_stamp(hub)


def _hub_key(hub: Hub) -> str:
    return f"{hub.settings.data_dir}|{hub.settings.database_url}"


def cached(hub: Hub, name: str, params: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` for (name, params) under the current catalog, computed once and then reused."""
    key = (name, params, fingerprint(hub))
    store_key = _hub_key(hub)
    with _lock:
        entries = _entries.setdefault(store_key, OrderedDict())
        if key in entries:
            entries.move_to_end(key)
            return entries[key]  # type: ignore[return-value]
        flight = _inflight.setdefault((store_key, key), threading.Lock())
    with flight:
        with _lock:
            if key in entries:
                return entries[key]  # type: ignore[return-value]
        try:
            value = compute()
        except BaseException:
            with _lock:
                _inflight.pop((store_key, key), None)
            raise
        with _lock:
            entries[key] = value
            while len(entries) > MAX_ENTRIES:
                entries.popitem(last=False)
            _inflight.pop((store_key, key), None)
    return value


def clear() -> None:
    """Forget every stored result (tests, and an operator who replaced the lake by hand)."""
    with _lock:
        _entries.clear()
