"""The lake and the raw archive on object storage (`LITTERHUB_LAKE_URL` / `LITTERHUB_RAW_URL` = `s3://bucket/prefix`).

The publishing contract of store/lake.py holds, with S3's means (docs/object-storage.md):

1. The writer holds the dataset's write lock (store/locks.py: PostgreSQL advisory locks reach every host; the
   SQLite catalog's file locks live in the local `root`, as SQLite serves one host).
2. The version is written and checksummed in a local staging folder `.tmp-<id>` leased exactly as for a local lake,
   then uploaded under the staging prefix `.tmp-<id>/` of the bucket (manifest included).
3. S3 has no rename: every object is *copied* server-side to `dataset=<id>/version=<n>/` (the manifest last, so a
   complete manifest means a complete copy), then the staging prefix and the local folder are deleted.
4. The caller commits the catalog row, **the one step that makes the version visible**; readers only open the
   (dataset, version) pairs the catalog names.

A crash leaves (a) a staging prefix: swept with its local folder when its lease is free, or after
`FOREIGN_STALE_SECONDS` when no local lease names it (it may belong to a writer on another host), or (b) a version
prefix no catalog row names: moved to `.orphaned/` (copy, then delete) by the next writer of the dataset or `init`.

Reads: DuckDB 2.0's S3 support is its `httpfs` extension, which DuckDB downloads from its own servers on first use;
no offline build of it exists for this DuckDB version, and the hub must run without reaching out. So DuckDB scans the
lake as Arrow datasets (`pyarrow.dataset` over Arrow's S3 filesystem): DuckDB's Arrow scan pushes projections and
filters down into the Parquet reader, and the dataset's schema fills the columns older files lack with NULL.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from litterhub.model.schema import LAKE_TABLES
from litterhub.store.faults import fault_point
from litterhub.store.lake import DERIVED, LEASE_SUFFIX, ORPHANED, TMP_PREFIX, Lake, StagedVersion, version_key
from litterhub.store.locks import FOREIGN_STALE_SECONDS, claim_abandoned
from litterhub.store.objects import ObjectStore, is_remote
from litterhub.store.raw import RawArchive
from litterhub.store.settings import Settings

MANIFEST = "_manifest.json"


class ObjectLake(Lake):
    """The lake under `s3://bucket/prefix`; `root` is the local staging folder (see the module docstring)."""

    def __init__(self, root: Path, objects: ObjectStore, fault: str | None = None):
        super().__init__(root, fault)
        self.objects = objects

    @property
    def location(self) -> str:
        return self.objects.url

    def version_dir(self, dataset_id: str, version: int) -> Path:
        """A local lake's folder of a version has no counterpart here: fail loudly rather than read `root`."""
        raise TypeError(f"the lake is on object storage ({self.location}): name a version by "
                        f"version_key({dataset_id!r}, {version}) under Lake.location, or read it through the lake")

    # -- writing ---------------------------------------------------------------------------------------------------

    def install(self, staged: StagedVersion) -> str:
        """Upload the staging folder to `.tmp-<id>/`, copy it to the version's prefix, drop the staging copies."""
        staging = staged.tmp_dir.name + "/"
        names = sorted(p.name for p in staged.tmp_dir.iterdir() if p.is_file())
        final = version_key(staged.dataset_id, staged.version)
        copying = False
        try:
            for name in names:
                self.objects.upload(staged.tmp_dir / name, staging + name)
            fault_point(self.fault, "after-stage")
            if self.objects.tree(final):  # the caller sets unregistered versions aside under the dataset lock first
                raise FileExistsError(f"lake version already exists: {self.objects.uri(final)}")
            copying = True
            for name in sorted(names, key=lambda n: n == MANIFEST):  # the manifest last
                self.objects.copy(staging + name, f"{final}/{name}")
        except BaseException:  # an error (not a kill): leave no prefix behind for the day-long foreign-host grace
            self._discard(staging, final if copying else None)
            raise
        self.objects.delete_tree(staging)
        shutil.rmtree(staged.tmp_dir, ignore_errors=True)
        staged._release()
        fault_point(self.fault, "after-rename")
        return final

    def _discard(self, *prefixes: str | None) -> None:
        for prefix in prefixes:
            if prefix is None:
                continue
            try:
                self.objects.delete_tree(prefix)
            except Exception:  # noqa: BLE001 - best effort: what stays is swept or set aside by the next writer
                pass

    def remove_version(self, dataset_id: str, version: int) -> None:
        self.objects.delete_tree(version_key(dataset_id, version))

    def sweep_temporary(self) -> int:
        """Staging prefixes without a live owner, then the local staging folders (returns how many prefixes)."""
        n = 0
        for info in self.objects.children(""):
            name = info.base_name
            if info.type != pafs.FileType.Directory or not name.startswith(TMP_PREFIX):
                continue
            folder, lease = self.root / name, self.root / (name + LEASE_SUFFIX)
            if lease.exists() or folder.exists():  # staged on this host: its lease says whether the owner lives
                with claim_abandoned(lease, folder) as free:
                    if free:
                        self.objects.delete_tree(name)
                        n += 1
            elif self._older_than(name, FOREIGN_STALE_SECONDS):  # another host's, or its local trace is gone
                self.objects.delete_tree(name)
                n += 1
        super().sweep_temporary()
        return n

    def _older_than(self, prefix: str, seconds: float) -> bool:
        stamps = [i.mtime.timestamp() for i in self.objects.tree(prefix) if i.mtime is not None]
        return not stamps or time.time() - max(stamps) > seconds

    def version_folders(self, dataset_id: str) -> list[int]:
        out = []
        for info in self.objects.children(f"dataset={dataset_id}"):
            number = info.base_name.partition("=")[2]
            if info.type == pafs.FileType.Directory and info.base_name.startswith("version=") and number.isdigit():
                out.append(int(number))
        return sorted(out)

    def dataset_ids(self) -> list[str]:
        return sorted(i.base_name.partition("=")[2] for i in self.objects.children("")
                      if i.type == pafs.FileType.Directory and i.base_name.startswith("dataset="))

    def set_aside(self, dataset_id: str, version: int) -> str:  # type: ignore[override]
        """Move an unregistered version's objects to `.orphaned/` (copy, then delete: S3 has no rename)."""
        source = version_key(dataset_id, version)
        target = f"{ORPHANED}/dataset={dataset_id}/version={version}-{time.time_ns()}"
        for info in self.objects.tree(source):
            key = self.objects.key_of(info)
            self.objects.copy(key, target + key[len(source):])
        self.objects.delete_tree(source)
        return self.objects.uri(target)

    # -- reading ---------------------------------------------------------------------------------------------------

    def _keys(self, table: str, versions: Iterable[tuple[str, int]]) -> list[str]:
        return self.objects.existing([f"{version_key(d, v)}/{table}.parquet" for d, v in versions])

    def files(self, table: str, versions: Iterable[tuple[str, int]]) -> list[str]:
        return [self.objects.uri(k) for k in self._keys(table, versions)]

    def scan(self, table: str, versions: Iterable[tuple[str, int]], con: duckdb.DuckDBPyConnection | None = None
             ) -> duckdb.DuckDBPyRelation:
        """The same relation as a local lake's: every canonical column, NULL where an older file lacks one."""
        con = con or self.connect()
        keys = self._keys(table, versions)
        if not keys:
            return con.from_arrow(LAKE_TABLES[table].empty_table())
        dataset = pads.dataset([self.objects.path(k) for k in keys], schema=LAKE_TABLES[table],
                               filesystem=self.objects.fs, format="parquet")
        return con.from_arrow(dataset)

    def scan_sql(self, table: str, versions: Iterable[tuple[str, int]], con: duckdb.DuckDBPyConnection) -> str:
        """`scan` registered on `con` under a name of its own (object storage is read as Arrow datasets)."""
        name = f"_scan_{table}_{uuid.uuid4().hex[:12]}"
        con.register(name, self.scan(table, versions, con))
        return name

    def read_table(self, table: str, dataset_id: str, version: int) -> pa.Table:
        path = self.objects.path(f"{version_key(dataset_id, version)}/{table}.parquet")
        return pq.read_table(path, filesystem=self.objects.fs)

    def iter_batches(self, table: str, dataset_id: str, version: int, batch_size: int = 65536
                     ) -> Iterator[pa.RecordBatch]:
        path = self.objects.path(f"{version_key(dataset_id, version)}/{table}.parquet")
        with self.objects.fs.open_input_file(path) as fh:
            yield from pq.ParquetFile(fh).iter_batches(batch_size=batch_size)

    def side_file(self, lake_path: str, name: str) -> bytes | None:
        return self.objects.read_bytes(f"{lake_path}/{name}")

    def copy_side_files(self, dataset_id: str, version: int, names: Iterable[str], target: Path) -> None:
        source = version_key(dataset_id, version)
        for name in names:
            if self.objects.exists(f"{source}/{name}"):
                self.objects.download(f"{source}/{name}", target / name)

    def derived_location(self, name: str) -> str:
        return self.objects.uri(f"{DERIVED}/{name}")

    def read_derived(self, name: str) -> bytes | None:
        return self.objects.read_bytes(f"{DERIVED}/{name}")

    def derived_stamp(self, name: str) -> tuple[int, int] | None:
        info = self.objects.fs.get_file_info(self.objects.path(f"{DERIVED}/{name}"))
        if info.type != pafs.FileType.File:
            return None
        return (info.size, info.mtime_ns or 0)

    def write_derived(self, name: str, data: bytes) -> None:
        self.objects.write_bytes(f"{DERIVED}/{name}", data)  # one PUT: the old object or the new one, never half


class ObjectRawArchive(RawArchive):
    """The raw archive under `s3://bucket/prefix`: one object `<sha256>` per file, put once."""

    def __init__(self, root: Path, objects: ObjectStore):
        super().__init__(root)  # root: a local folder where a raw file is fetched to while a reader needs it
        self.objects = objects

    @property
    def location(self) -> str:
        return self.objects.url

    def path(self, sha256: str) -> Path:
        raise TypeError("the raw archive is on object storage: read a file through RawArchive.local_copy")

    def exists(self, sha256: str) -> bool:
        return self.objects.exists(sha256)

    def store(self, source: Path, sha256: str) -> str:  # type: ignore[override]
        """Put `source` as `<sha256>` unless it is there already (a PUT is atomic: whole or absent)."""
        if not self.objects.exists(sha256):
            self.objects.upload(source, sha256)
        return self.objects.uri(sha256)

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        """The archived file fetched to a private local file, checked against its name, deleted afterwards."""
        with tempfile.TemporaryDirectory(dir=self.root) as tmp:
            target = Path(tmp) / sha256
            self.objects.download(sha256, target)
            digest = hashlib.sha256()
            with target.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != sha256:
                raise OSError(f"raw archive object {self.objects.uri(sha256)} does not match its checksum")
            yield target


def open_lake(settings: Settings, environ: dict[str, str]) -> Lake:
    """The deployment's lake: local (`Lake`) or on object storage (`ObjectLake`); environ: settings.s3_environment."""
    if is_remote(settings.lake_location):
        return ObjectLake(settings.lake_dir, ObjectStore.open(settings.lake_location, environ), fault=settings.fault)
    return Lake(settings.lake_dir, fault=settings.fault)


def open_raw(settings: Settings, environ: dict[str, str]) -> RawArchive:
    if is_remote(settings.raw_location):
        return ObjectRawArchive(settings.raw_dir, ObjectStore.open(settings.raw_location, environ))
    return RawArchive(settings.raw_dir)
