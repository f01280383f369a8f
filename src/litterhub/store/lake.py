"""The observation lake: immutable zstd Parquet per dataset version, queried in-process with DuckDB.

A version is written to a temporary folder, every file fsynced, the folder renamed into place and
fsynced; only then does the caller commit the catalog row. A crash therefore leaves at most an
orphaned temporary folder (swept on the next write), never half a dataset visible.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from litterhub.model.schema import LAKE_TABLES

TMP_PREFIX = ".tmp-"


def _fsync_dir(path: Path) -> None:
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


@dataclass
class StagedVersion:
    """A dataset version written to a temporary folder, not yet visible."""

    lake: Lake
    dataset_id: str
    version: int
    tmp_dir: Path
    writers: dict[str, pq.ParquetWriter]
    rows: dict[str, int]

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
        _fsync_dir(self.tmp_dir)
        final = self.lake.version_dir(self.dataset_id, self.version)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            raise FileExistsError(f"lake version already exists: {final}")
        os.rename(self.tmp_dir, final)
        _fsync_dir(final.parent)
        return str(final.relative_to(self.lake.root)), checksums

    def abort(self) -> None:
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - best effort cleanup of a failed write
                pass
        shutil.rmtree(self.tmp_dir, ignore_errors=True)


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


class Lake:
    """Parquet files under `<data>/lake/dataset=<id>/version=<n>/`."""

    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def version_dir(self, dataset_id: str, version: int) -> Path:
        return self.root / f"dataset={dataset_id}" / f"version={version}"

    def stage(self, dataset_id: str, version: int) -> StagedVersion:
        tmp = self.root / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        tmp.mkdir()
        return StagedVersion(self, dataset_id, version, tmp, {}, {})

    def remove_version(self, dataset_id: str, version: int) -> None:
        """Undo a publish whose catalog commit failed."""
        shutil.rmtree(self.version_dir(dataset_id, version), ignore_errors=True)

    def sweep_temporary(self) -> int:
        """Remove folders left by interrupted writes; returns how many."""
        n = 0
        for path in self.root.glob(f"{TMP_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)
            n += 1
        return n

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
        con = duckdb.connect(config={"threads": 2})
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

    def read_table(self, table: str, dataset_id: str, version: int) -> pa.Table:
        return pq.read_table(self.version_dir(dataset_id, version) / f"{table}.parquet")

    def iter_batches(self, table: str, dataset_id: str, version: int, batch_size: int = 65536
                     ) -> Iterator[pa.RecordBatch]:
        pf = pq.ParquetFile(self.version_dir(dataset_id, version) / f"{table}.parquet")
        yield from pf.iter_batches(batch_size=batch_size)
