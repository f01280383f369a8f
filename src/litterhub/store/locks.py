"""Who may write a dataset now, and whether a staging folder still has a live owner.

Two mechanisms, both released by the operating system or the database when their owner dies, so a
`kill -9` can never leave a lock behind:

- **Dataset write lock** (`dataset_lock`): every write to one dataset (ingest, approval, re-harmonisation,
  orphan repair) holds it from choosing the version number to the catalog commit, so writes to one
  dataset serialise. On PostgreSQL it is a session advisory lock (`pg_try_advisory_lock`, keyed by a hash
  of the dataset id) on a connection held for the duration, which covers every host sharing the catalog;
  on SQLite it is an `fcntl.flock` on a file under `lake/.locks/`, which covers every process on the
  host (SQLite is single-host by design). A second writer waits up to `wait` seconds (Settings.lock_wait) and then gets
  `DatasetBusy`, which every face answers as a clear "busy, retry" (409 on the API), never a 500. The lock
  is re-entrant within a thread (an approval holds it around the ingest it calls).
- **Staging lease** (`StagingLease`): a staging folder `.tmp-<id>` has a sibling `.tmp-<id>.lock` file,
  created and flocked before the folder exists and holding `pid host start-time` for people. A sweeper
  removes a staging folder only when it can take that flock itself (so its owner is dead), and never a
  folder whose lease names another host unless it is older than `FOREIGN_STALE_SECONDS`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from litterhub.errors import Conflict

LOCK_WAIT_SECONDS = 60.0  # an ingest of a large file takes ~a minute; a deployment sets Settings.lock_wait
POLL_SECONDS = 0.1
# another host's staging folder is only judged abandoned after a day: flock does not reach across hosts
FOREIGN_STALE_SECONDS = 24 * 3600
LOCK_DIR = ".locks"

_held = threading.local()


class DatasetBusy(Conflict, RuntimeError):
    """Another writer holds the dataset: retry shortly (the interfaces answer 409 / a one-line message)."""

    code = "dataset-busy"

    def __init__(self, dataset_id: str, waited: float):
        super().__init__(f"dataset {dataset_id!r} is being written by another process "
                         f"(waited {waited:.0f} s): retry in a moment")
        self.dataset_id = dataset_id


def advisory_key(dataset_id: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks (namespaced, so other users of the
    database's advisory locks do not collide with ours)."""
    digest = hashlib.sha256(b"litterhub:dataset:" + dataset_id.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _held_counts() -> dict[str, int]:
    if not hasattr(_held, "counts"):
        _held.counts = {}
    return _held.counts


@contextmanager
def dataset_lock(engine: Engine, lake_root: Path, dataset_id: str, wait: float | None = None) -> Iterator[None]:
    """Hold the write lock of one dataset (re-entrant in a thread); raises DatasetBusy after `wait` seconds."""
    counts = _held_counts()
    if counts.get(dataset_id):
        counts[dataset_id] += 1
        try:
            yield
        finally:
            counts[dataset_id] -= 1
        return
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    acquire = _pg_lock if engine.dialect.name == "postgresql" else _file_lock
    with acquire(engine, lake_root, dataset_id, wait):
        counts[dataset_id] = 1
        try:
            yield
        finally:
            counts.pop(dataset_id, None)


def is_locked(engine: Engine, lake_root: Path, dataset_id: str) -> bool:
    """True while some live writer (this thread excluded) holds the dataset's lock."""
    if _held_counts().get(dataset_id):
        return False
    try:
        with dataset_lock(engine, lake_root, dataset_id, wait=0):
            return False
    except DatasetBusy:
        return True


def _poll(try_once, dataset_id: str, wait: float) -> None:
    start = time.monotonic()
    while not try_once():
        waited = time.monotonic() - start
        if waited >= wait:
            raise DatasetBusy(dataset_id, waited)
        time.sleep(POLL_SECONDS)


@contextmanager
def _pg_lock(engine: Engine, lake_root: Path, dataset_id: str, wait: float) -> Iterator[None]:
    key = advisory_key(dataset_id)
    held: list = []

    def try_once() -> bool:  # a waiter gives its pooled connection back between tries
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            held.append(conn)
            return True
        conn.close()
        return False

    _poll(try_once, dataset_id, wait)
    conn = held[0]
    try:
        yield
    finally:
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        except Exception:  # noqa: BLE001 - never return a connection that may still hold the lock to the pool
            conn.invalidate()
        finally:
            conn.close()


def lock_path(lake_root: Path, dataset_id: str) -> Path:
    """`lake/.locks/<readable part>-<hash>.lock`: the id comes from requests, so it never becomes a path as is."""
    readable = re.sub(r"[^A-Za-z0-9_-]", "", dataset_id)[:60]
    return lake_root / LOCK_DIR / f"{readable}-{hashlib.sha256(dataset_id.encode()).hexdigest()[:16]}.lock"


@contextmanager
def _file_lock(engine: Engine, lake_root: Path, dataset_id: str, wait: float) -> Iterator[None]:
    path = lock_path(lake_root, dataset_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _poll(lambda: _try_flock(fd), dataset_id, wait)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)  # the lock file stays: deleting it would race with a waiter that opened it


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


# --- staging leases --------------------------------------------------------------------------------------------

def _identity() -> str:
    return f"{os.getpid()} {socket.gethostname()} {time.time():.0f}"


@dataclass
class StagingLease:
    """The flocked `.lock` file beside one staging folder; held by its writer until the folder is gone."""

    path: Path
    fd: int

    @classmethod
    def take(cls, path: Path) -> StagingLease:
        """Create and lock `path` (retrying if a sweeper removed it between our open and our flock)."""
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, _identity().encode())
                return cls(path, fd)
            os.close(fd)

    def release(self) -> None:
        """Remove the lease file, then unlock (in that order: a sweeper never sees an unlocked live lease)."""
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)


def _foreign_and_recent(owner: list[str]) -> bool:
    """The lease names another host and was taken less than FOREIGN_STALE_SECONDS ago."""
    if len(owner) < 3 or owner[1] == socket.gethostname():
        return False
    try:
        return time.time() - float(owner[2]) < FOREIGN_STALE_SECONDS
    except ValueError:
        return True  # unreadable: do not judge another host's folder


@contextmanager
def claim_abandoned(lease_path: Path, folder: Path) -> Iterator[bool]:
    """Yield True (holding the lease) when the staging `folder` has no live owner, else False.

    A folder without a lease file is abandoned once it is older than a grace period (its writer creates the
    lease before the folder, so only a writer of an older release or a crash after the lease's removal leaves
    one)."""
    if not lease_path.exists():
        try:
            age = time.time() - folder.stat().st_mtime
        except FileNotFoundError:
            yield False
            return
        yield age > 60
        return
    try:
        fd = os.open(lease_path, os.O_RDWR)
    except FileNotFoundError:  # the owner finished meanwhile
        yield False
        return
    try:
        if not _try_flock(fd):
            yield False
            return
        owner = os.read(fd, 200).decode(errors="replace").split()
        if _foreign_and_recent(owner):
            yield False
            return
        yield True
    finally:
        os.close(fd)
