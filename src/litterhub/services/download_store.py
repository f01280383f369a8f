"""Files of dataset-version downloads, produced once per (dataset, version, format, variant) and then served as is.

A published version is immutable, so its CSV, GeoJSON, GeoParquet and Data Package are the same bytes every time;
exporting them afresh per request cost a full DuckDB scan each (docs/benchmarks.md). This module keeps them as
files under `<data dir>/cache/downloads/<dataset>/<version>/` (on local disk, also when the lake is on object
storage) so that a request is answered by sending a file.

Contract:
- A file is written under a temporary name in its own folder (`.<name>.<pid>.<thread>.tmp`), flushed and fsynced,
  then renamed into place: a reader sees no file or the whole file, never part of one. A writer that fails (an
  exception, a killed process) leaves only its temporary file, which is removed by the writer on an exception and
  by the next sweep (`TEMP_MAX_AGE`) after a crash.
- Callers of one key in one process wait for one production (`produce`: a lock per key); processes (`serve
  --workers N`) take an `fcntl.flock` per key before producing and look again once they hold it, so a second
  process normally finds the first one's file. If the flock is not shared (another host on a network disk), both
  produce and the last rename wins: either file is complete and correct.
- The store is bounded (`LITTERHUB_DOWNLOAD_STORE_MB`): after a production, the least recently used files are
  removed until the total fits. The time of last use is the file's atime, set explicitly on every hit (so
  `noatime` mounts do not matter); the modification time stays that of the production (Last-Modified, ETag).
  Files used within the last `IN_USE_SECONDS` are never removed, so a request that found a file can still open
  it; an open file stays readable after removal (POSIX), so a long transfer is never cut.
- The store holds files only: who may read a version is decided by the caller on every request, before a stored
  file is sent (services/downloads.py).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from litterhub.store.lake import fsync_dir

# Files used this recently are not evicted: a request that found one opens it a few milliseconds later.
IN_USE_SECONDS = 300.0
# A temporary file this old has no living writer (a production takes seconds to minutes): the sweep removes it.
TEMP_MAX_AGE = 6 * 3600.0
TEMP_SUFFIX = ".tmp"
LOCK_SUFFIX = ".lock"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")

_lock = threading.Lock()
_inflight: dict[Path, threading.Lock] = {}


@dataclass(frozen=True)
class Key:
    """What one stored file holds: a dataset version in a format, and the variant (what else its bytes depend on)."""

    dataset_id: str
    version: int
    name: str  # e.g. "csv-events", "zip"
    variant: str  # a digest of the code revision and any metadata written into the file
    suffix: str

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.variant}.{self.suffix}"


def _folder_name(dataset_id: str) -> str:
    """The dataset's folder: its id when that is a plain file name, else a digest (never a path of its own)."""
    if _SAFE.fullmatch(dataset_id) and ".." not in dataset_id:
        return dataset_id
    return "id-" + hashlib.sha256(dataset_id.encode()).hexdigest()[:24]


class DownloadStore:
    """The stored download files of one data directory, at most `max_bytes` in total (see the module contract)."""

    def __init__(self, root: Path, max_bytes: int):
        self.root, self.max_bytes = Path(root), int(max_bytes)

    # --- where -------------------------------------------------------------------------------------------------

    def version_dir(self, dataset_id: str, version: int) -> Path:
        return self.root / _folder_name(dataset_id) / str(int(version))

    def path(self, key: Key) -> Path:
        return self.version_dir(key.dataset_id, key.version) / key.filename

    # --- reading -----------------------------------------------------------------------------------------------

    def lookup(self, key: Key) -> os.stat_result | None:
        """The stored file's stat, marking it used now; None when it has not been produced (or was removed)."""
        path = self.path(key)
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        try:
            os.utime(path, ns=(time.time_ns(), st.st_mtime_ns))  # last use = atime; mtime stays the production's
        except FileNotFoundError:
            return None  # removed (evicted, cleared) between the two calls
        except OSError:
            pass  # a read-only store still serves; it only cannot record the use
        return st

    # --- producing ---------------------------------------------------------------------------------------------

    def produce(self, key: Key, write: Callable[[IO[bytes]], object]) -> os.stat_result:
        """The stored file of `key`, calling `write(file)` to make it if nobody has; one production per key at once."""
        path = self.path(key)
        with _lock:
            flight = _inflight.setdefault(path, threading.Lock())
        try:
            with flight:
                found = self.lookup(key)
                if found is not None:
                    return found
                path.parent.mkdir(parents=True, exist_ok=True)
                with _flocked(path.parent / f".{key.filename}{LOCK_SUFFIX}"):
                    found = self.lookup(key)  # another process may have made it while we waited
                    if found is not None:
                        return found
                    self._write(path, write)
                    st = path.stat()
        finally:
            with _lock:  # a caller arriving later finds the file (or, racing, waits on the flock and finds it then)
                _inflight.pop(path, None)
        self.evict(keep=path)
        return st

    @staticmethod
    def _write(path: Path, write: Callable[[IO[bytes]], object]) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}{TEMP_SUFFIX}")
        try:
            with tmp.open("wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)

    # --- bounding and clearing -----------------------------------------------------------------------------------

    def files(self) -> list[tuple[Path, os.stat_result]]:
        """Every stored (complete) file with its stat, least recently used first."""
        found = []
        for path in self._walk():
            if path.name.startswith("."):
                continue
            try:
                found.append((path, path.stat()))
            except FileNotFoundError:
                continue
        return sorted(found, key=lambda item: item[1].st_atime)

    def usage(self) -> tuple[int, int]:
        """(files, bytes) stored now."""
        stored = self.files()
        return len(stored), sum(st.st_size for _, st in stored)

    def evict(self, keep: Path | None = None, now: float | None = None) -> list[Path]:
        """Remove least recently used files until the total fits `max_bytes` (never `keep`, never one in use);
        also sweeps temporary files left by crashed writers. Returns the files removed."""
        now = time.time() if now is None else now
        self._sweep_temporary(now)
        stored = self.files()
        total = sum(st.st_size for _, st in stored)
        removed = []
        for path, st in stored:
            if total <= self.max_bytes:
                break
            if path == keep or now - st.st_atime < IN_USE_SECONDS:
                continue
            path.unlink(missing_ok=True)
            total -= st.st_size
            removed.append(path)
        return removed

    def remove_version(self, dataset_id: str, version: int) -> int:
        """Delete every stored file of one version (a retracted version); returns how many files there were."""
        folder = self.version_dir(dataset_id, version)
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.iterdir() if not p.name.startswith("."))
        shutil.rmtree(folder, ignore_errors=True)
        return count

    def clear(self) -> int:
        """Delete every stored file (they are made again on demand); returns how many there were."""
        count = len(self.files())
        if self.root.is_dir():
            for child in self.root.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        return count

    def _walk(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for dataset in self.root.iterdir():
            if not dataset.is_dir():
                continue
            for version in dataset.iterdir():
                if version.is_dir():
                    yield from (p for p in version.iterdir() if p.is_file())

    def _sweep_temporary(self, now: float) -> None:
        for path in self._walk():
            if path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX):
                try:
                    if now - path.stat().st_mtime > TEMP_MAX_AGE:
                        path.unlink(missing_ok=True)
                except FileNotFoundError:
                    continue


@contextmanager
def _flocked(path: Path) -> Iterator[None]:
    """An exclusive flock on `path` (created if needed), held for the block; waits for another process's."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


