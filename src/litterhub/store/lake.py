"""The observation lake: immutable zstd Parquet per dataset version, queried in-process with DuckDB.

Publishing contract (see docs/operations.md, "Crash safety and recovery"):

1. The writer holds the dataset's write lock (store/locks.py) from choosing the version number to the
   catalog commit, so writes to one dataset serialise.
2. A version is written to a staging folder `.tmp-<id>` whose lease (`.tmp-<id>.lock`, flocked) says a live
   process owns it; every file and a `_manifest.json` of sha256 checksums are fsynced.
3. The folder is renamed into `dataset=<id>/version=<n>/` and its parent fsynced.
4. The caller commits the catalog row. **That commit is the one step that makes the version visible**:
   readers only ever open the (dataset, version) pairs the catalog names, never a folder listing.

A crash therefore leaves at most (a) a staging folder whose lease nobody holds, swept by the next writer
or `litterhub init`, never while its owner lives; or (b) a version folder no catalog row names, which the
next writer of that dataset (or `init`) moves aside to `.orphaned/` under the dataset's lock, so the
version number is free again. Neither is ever visible to a reader.

A lake on object storage (`LITTERHUB_LAKE_URL=s3://…`, store/object_lake.py) keeps this contract with a staging
prefix and a server-side copy in place of step 3's rename (docs/object-storage.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from litterhub.model.schema import LAKE_TABLES
from litterhub.store import duck
from litterhub.store.faults import fault_point
from litterhub.store.locks import StagingLease, claim_abandoned

TMP_PREFIX = ".tmp-"
LEASE_SUFFIX = ".lock"
ORPHANED = ".orphaned"
DERIVED = "_derived"  # lake-wide results computed from many versions (services/duplicates.py)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable (the directory entry itself is fsynced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Columns written without Parquet min/max statistics: labels that are constant within a version (a version is one
# file, chosen by path, never by statistics) and verbatim or low-cardinality text in file order, whose row-group
# ranges cannot prune anything. Their statistics cost a fifth of writing a large version's observations
# (docs/benchmarks.md, item 5). Columns readers filter on (event_id, master_code, rollup_code, count, ...) keep
# theirs; the values written are the same either way.
NO_STATISTICS: dict[str, frozenset[str]] = {
    "observations": frozenset({"dataset_id", "version", "source_scheme", "source_code", "source_name",
                               "source_column", "relation", "material"}),
}


def _statistics_columns(table_name: str) -> bool | list[str]:
    """`write_statistics` for a lake table: True, or the Parquet leaf paths (`flags.list.element`) that keep them."""
    skip = NO_STATISTICS.get(table_name)
    if not skip:
        return True
    return [path for path in _leaf_paths(table_name) if path.split(".")[0] not in skip]


_LEAVES: dict[str, list[str]] = {}


def _leaf_paths(table_name: str) -> list[str]:
    """The Parquet column paths of a lake table, as Arrow writes them (read back from an empty file once)."""
    if table_name not in _LEAVES:
        sink = pa.BufferOutputStream()
        pq.write_table(LAKE_TABLES[table_name].empty_table(), sink)
        schema = pq.ParquetFile(pa.BufferReader(sink.getvalue())).schema
        _LEAVES[table_name] = [schema.column(i).path for i in range(len(schema))]
    return _LEAVES[table_name]


@dataclass
class StagedVersion:
    """A dataset version written to a temporary folder, not yet visible."""

    lake: Lake
    dataset_id: str
    version: int
    tmp_dir: Path
    writers: dict[str, pq.ParquetWriter]
    rows: dict[str, int]
    lease: StagingLease | None = None

    def write(self, table_name: str, batch: pa.Table | pa.RecordBatch) -> None:
        """Append rows to one lake table (streamed: memory stays at one batch)."""
        if batch.num_rows == 0:
            return
        writer = self.writers.get(table_name)
        if writer is None:
            writer = pq.ParquetWriter(
                self.tmp_dir / f"{table_name}.parquet",
                LAKE_TABLES[table_name],
                compression="zstd",
                write_statistics=_statistics_columns(table_name),
            )
            self.writers[table_name] = writer
        table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        writer.write_table(table)
        self.rows[table_name] = self.rows.get(table_name, 0) + batch.num_rows

    def publish(self) -> tuple[str, dict[str, str]]:
        """Close, fsync and rename into place; returns (relative path, sha256 per file)."""
        for name, schema in LAKE_TABLES.items():
            if name not in self.writers:  # every version has every table, possibly empty
                pq.write_table(schema.empty_table(), self.tmp_dir / f"{name}.parquet", compression="zstd")
        for writer in self.writers.values():
            writer.close()
        checksums = {}
        for path in sorted(self.tmp_dir.glob("*.parquet")):
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
            checksums[path.name] = _sha256_file(path)
        manifest = self.tmp_dir / "_manifest.json"
        manifest.write_text(json.dumps({"dataset_id": self.dataset_id, "version": self.version,
                                        "files": checksums, "rows": self.rows}, indent=2))
        with manifest.open("rb") as fh:
            os.fsync(fh.fileno())
        fsync_dir(self.tmp_dir)
        return self.lake.install(self), checksums

    def abort(self) -> None:
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - best effort cleanup of a failed write
                pass
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self.lease is not None:
            self.lease.release()
            self.lease = None


_DUCKDB_TYPES = {"string": "VARCHAR", "double": "DOUBLE", "int32": "INTEGER", "int64": "BIGINT",
                 "date32[day]": "DATE", "bool": "BOOLEAN", "list<item: string>": "VARCHAR[]"}


def _canonical_columns(schema: pa.Schema, present: set[str]) -> list[str]:
    """The schema's columns in order, NULL for those a file written by an older release does not have, so that
    every query sees today's model whatever version of the hub wrote the Parquet (schemas only ever grow)."""
    out = []
    for field in schema:
        quoted = '"' + field.name.replace('"', '""') + '"'
        out.append(quoted if field.name in present else f"CAST(NULL AS {_DUCKDB_TYPES[str(field.type)]}) AS {quoted}")
    return out


@lru_cache(maxsize=4096)
def _scan_text(table: str, files: tuple[tuple[str, int], ...]) -> str:
    """read_parquet over the files with today's columns (`_canonical_columns`); `files` carries each file's
    modification time, so a rewritten file is read again."""
    present = set().union(*(pq.read_schema(path).names for path, _ in files))
    listing = ", ".join("'" + path.replace("'", "''") + "'" for path, _ in files)
    columns = ", ".join(_canonical_columns(LAKE_TABLES[table], present))
    return f"(SELECT {columns} FROM read_parquet([{listing}], union_by_name = true))"  # noqa: S608 - our paths


def version_key(dataset_id: str, version: int) -> str:
    """A version's place in the lake, relative to its root (the catalog's `lake_path`)."""
    return f"dataset={dataset_id}/version={version}"


class Lake:
    """Parquet files under `<data>/lake/dataset=<id>/version=<n>/`. `fault` arms a test hook (store/faults.py).

    `root` is always a local folder: the lake itself here; for a lake on object storage (`ObjectLake`) the folder
    where versions are staged and the SQLite-catalog dataset locks live (store/locks.py). Services reach lake
    files only through the methods below, never through a path of their own."""

    def __init__(self, root: Path, fault: str | None = None):
        self.root = root
        self.fault = fault
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def location(self) -> str:
        """Where the lake lives, as people name it (a folder or an s3:// URL)."""
        return str(self.root)

    def version_dir(self, dataset_id: str, version: int) -> Path:
        return self.root / f"dataset={dataset_id}" / f"version={version}"

    def install(self, staged: StagedVersion) -> str:
        """Step 3 of the contract: rename the complete, fsynced staging folder into place; returns its lake path."""
        fault_point(self.fault, "after-stage")
        final = self.version_dir(staged.dataset_id, staged.version)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():  # the caller sets unregistered folders aside under the dataset lock first
            raise FileExistsError(f"lake version already exists: {final}")
        os.rename(staged.tmp_dir, final)
        fsync_dir(final.parent)
        staged._release()
        fault_point(self.fault, "after-rename")
        return str(final.relative_to(self.root))

    def stage(self, dataset_id: str, version: int) -> StagedVersion:
        """A new staging folder, leased to this process before it exists (so no sweeper takes it)."""
        tmp = self.root / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        lease = StagingLease.take(tmp.with_name(tmp.name + LEASE_SUFFIX))
        tmp.mkdir()
        return StagedVersion(self, dataset_id, version, tmp, {}, {}, lease)

    def remove_version(self, dataset_id: str, version: int) -> None:
        """Undo a publish whose catalog commit failed."""
        shutil.rmtree(self.version_dir(dataset_id, version), ignore_errors=True)

    def sweep_temporary(self) -> int:
        """Remove staging folders (and leases) no live process owns; returns how many folders."""
        n = 0
        for path in self.root.glob(f"{TMP_PREFIX}*"):
            if path.name.endswith(LEASE_SUFFIX):
                folder = path.with_name(path.name[: -len(LEASE_SUFFIX)])
                if not folder.exists():  # a writer died after its rename, before dropping the lease
                    with claim_abandoned(path, path) as free:
                        if free and not folder.exists():
                            path.unlink(missing_ok=True)
                continue
            lease = path.with_name(path.name + LEASE_SUFFIX)
            with claim_abandoned(lease, path) as free:
                if free:
                    shutil.rmtree(path, ignore_errors=True)
                    lease.unlink(missing_ok=True)
                    n += 1
        return n

    def version_folders(self, dataset_id: str) -> list[int]:
        """Version numbers that have a folder in the lake (for repair only: readers follow the catalog)."""
        out = []
        for path in (self.root / f"dataset={dataset_id}").glob("version=*"):
            number = path.name.partition("=")[2]
            if number.isdigit():
                out.append(int(number))
        return sorted(out)

    def dataset_ids(self) -> list[str]:
        """Dataset ids that have a folder in the lake (for repair only)."""
        return sorted(p.name.partition("=")[2] for p in self.root.glob("dataset=*") if p.is_dir())

    def set_aside(self, dataset_id: str, version: int) -> Path:
        """Move a version folder no catalog row names out of the way (kept in `.orphaned/` for inspection;
        it was never visible and its raw file is archived, so deleting it loses nothing). Call only under
        the dataset's write lock."""
        source = self.version_dir(dataset_id, version)
        target = self.root / ORPHANED / f"dataset={dataset_id}" / f"version={version}-{time.time_ns()}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)
        fsync_dir(source.parent)
        return target

    def files(self, table: str, versions: Iterable[tuple[str, int]]) -> list[str]:
        """Parquet paths of one table for the given (dataset, version) pairs that exist."""
        paths = []
        for dataset_id, version in versions:
            path = self.version_dir(dataset_id, version) / f"{table}.parquet"
            if path.exists():
                paths.append(str(path))
        return paths

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-process DuckDB connection (one per caller; DuckDB connections are not shared across threads)."""
        con = duck.connect()
        return con

    def scan(self, table: str, versions: Iterable[tuple[str, int]], con: duckdb.DuckDBPyConnection | None = None
             ) -> duckdb.DuckDBPyRelation:
        """A DuckDB relation over one lake table for the given dataset versions (empty when none)."""
        con = con or self.connect()
        paths = self.files(table, versions)
        if not paths:
            return con.from_arrow(LAKE_TABLES[table].empty_table())
        relation = con.read_parquet(paths, union_by_name=True)
        return relation.select(", ".join(_canonical_columns(LAKE_TABLES[table], set(relation.columns))))

    def scan_sql(self, table: str, versions: Iterable[tuple[str, int]], con: duckdb.DuckDBPyConnection) -> str:
        """What `scan` gives, as the text of a FROM item for `con`'s queries: building and binding a relation
        through DuckDB's Python API cost ~4 ms of CPU per call, a per-request cost for every lake page; the text
        is bound once, with the query that uses it. The column list is kept per set of files (immutable)."""
        paths = self.files(table, versions)
        if not paths:
            name = f"_empty_{table}"
            con.register(name, LAKE_TABLES[table].empty_table())
            return name
        return _scan_text(table, tuple((p, os.stat(p).st_mtime_ns) for p in paths))

    def read_table(self, table: str, dataset_id: str, version: int) -> pa.Table:
        return pq.read_table(self.version_dir(dataset_id, version) / f"{table}.parquet")

    def iter_batches(self, table: str, dataset_id: str, version: int, batch_size: int = 65536
                     ) -> Iterator[pa.RecordBatch]:
        pf = pq.ParquetFile(self.version_dir(dataset_id, version) / f"{table}.parquet")
        yield from pf.iter_batches(batch_size=batch_size)

    # -- files kept beside a version (quarantine, mapping) and lake-wide derived files ------------------------------

    def side_file(self, lake_path: str, name: str) -> bytes | None:
        """A file stored with a version (`rejected.parquet`, `mapping.yaml`), or None when it has none."""
        path = self.root / lake_path / name
        return path.read_bytes() if path.exists() else None

    def copy_side_files(self, dataset_id: str, version: int, names: Iterable[str], target: Path) -> None:
        """Copy the side files a version has into a (staging) folder."""
        source = self.version_dir(dataset_id, version)
        for name in names:
            if (source / name).exists():
                shutil.copyfile(source / name, target / name)

    def derived_location(self, name: str) -> str:
        return str(self.root / DERIVED / name)

    def read_derived(self, name: str) -> bytes | None:
        """A lake-wide derived file (e.g. the duplicate scan's flags), or None before the first one is written."""
        path = self.root / DERIVED / name
        return path.read_bytes() if path.exists() else None

    def derived_stamp(self, name: str) -> tuple[int, int] | None:
        """(size, modification time in ns) of a derived file, or None: what result caches key on."""
        try:
            stat = (self.root / DERIVED / name).stat()
        except OSError:
            return None
        return (stat.st_size, stat.st_mtime_ns)

    def write_derived(self, name: str, data: bytes) -> None:
        """Replace a derived file whole: temporary name, fsync, rename (readers see the old or the new one)."""
        path = self.root / DERIVED / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
