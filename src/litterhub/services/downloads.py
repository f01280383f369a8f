"""Downloads of a dataset version or of an events query: CSV, GeoJSON, GeoParquet 1.1 and Data Packages.

Everything streams from the Parquet lake through DuckDB in record batches, so memory stays at one batch
whatever the size of the result. CSV cells that a spreadsheet would run as a formula are neutralised;
GeoParquet carries valid `geo` metadata with a bbox covering column; a Data Package zip carries
`datapackage.json`, one Table Schema per table and the licence, and passes `frictionless validate`.

A dataset version never changes, so its downloads (`version_download`, every format) are also kept as files
(`stored_version` / `produce_stored`, services/download_store.py): produced once per (dataset, version, format,
variant), then sent as a file. The variant is a digest of everything else the bytes depend on: this module's code,
the lake schemas, the DuckDB and Arrow versions, and for a Data Package its descriptor (which names the request's
base URL, the title, the licence...). Who may read a version is checked on every request, stored file or not.
Events-query downloads (`query_download`) depend on the whole catalog and keep streaming.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy import select

from litterhub.model import csvsafe
from litterhub.model.csvsafe import neutralise_formulas
from litterhub.model.schema import LAKE_TABLES
from litterhub.services import datasets as svc
from litterhub.services import result_cache
from litterhub.services.download_store import DownloadStore, Key
from litterhub.services.hub import Hub
from litterhub.services.metadata import FORMATS, DatasetMeta, licence_info, version_meta
from litterhub.store import duck
from litterhub.store import tables as t
from litterhub.store.lake import Lake

BATCH_ROWS = 65536
CHUNK_BYTES = 1 << 20
GEOPARQUET_VERSION = "1.1.0"
TABLES = ("events", "observations")


@dataclass
class Download:
    """A file to send: its name, media type and the bytes as an iterator of chunks."""

    filename: str
    media_type: str
    chunks: Iterator[bytes]


@dataclass
class EventQuery:
    """The filters of /api/v1/events, applied to the lake's events of every current dataset version."""

    dataset: str | None = None
    site: str | None = None
    country: str | None = None
    date_from: str | None = None
    date_to: str | None = None


# --- selecting rows --------------------------------------------------------------------------------------------

def _current_versions(hub: Hub, dataset: str | None) -> list[tuple[str, int]]:
    d = t.datasets
    query = select(d.c.id, d.c.current_version).where(d.c.current_version > 0)
    if dataset:
        query = query.where(d.c.id == dataset)
    with hub.engine.connect() as conn:
        return [(r.id, r.current_version) for r in conn.execute(query)]


_DUCK_TYPES = {pa.string(): "VARCHAR", pa.float64(): "DOUBLE", pa.int32(): "INTEGER", pa.int64(): "BIGINT",
               pa.bool_(): "BOOLEAN", pa.date32(): "DATE", pa.list_(pa.string()): "VARCHAR[]"}


def _select_list(schema: pa.Schema, present: set[str], flat: bool) -> str:
    """Columns in canonical order; columns older lake files lack are NULL; lists joined by ';' when flat."""
    cols = []
    for f in schema:
        name = f'"{f.name}"'
        expr = name if f.name in present else f"CAST(NULL AS {_DUCK_TYPES.get(f.type, 'VARCHAR')})"
        if flat and pa.types.is_list(f.type):
            expr = f"array_to_string({expr}, ';')"
        cols.append(f"{expr} AS {name}")
    return ", ".join(cols)


class _Source:
    """A DuckDB query over one lake table of some dataset versions plus filters, opened lazily so generators own
    their connection. The lake gives the rows (`Lake.scan`: local Parquet files or objects in a bucket), with every
    canonical column."""

    def __init__(self, table: str, lake: Lake, versions: list[tuple[str, int]], where: str = "",
                 params: list[Any] | None = None, order: str = ""):
        self.table, self.lake, self.versions = table, lake, versions
        self.where, self.params, self.order = where, params or [], order
        self.schema = LAKE_TABLES[table]
        self.present = set(self.schema.names)

    def _from(self) -> str:
        return "lake_table"

    def _connect(self) -> duckdb.DuckDBPyConnection:
        con = duck.connect()
        con.register("lake_table", self.lake.scan(self.table, self.versions, con))
        return con

    def _params(self) -> list[Any]:
        return self.params

    def reader(self, flat: bool, extra: str = "", order: str | None = None
               ) -> tuple[duckdb.DuckDBPyConnection, pa.RecordBatchReader]:
        cols = _select_list(self.schema, self.present, flat)
        inner = f"SELECT {cols} FROM {self._from()} AS src {self.where}"  # noqa: S608 - fixed fragments
        sql = f"SELECT e.*{extra} FROM ({inner}) AS e {self.order if order is None else order}"  # noqa: S608
        con = self._connect()
        return con, con.sql(sql, params=self._params()).to_arrow_reader(BATCH_ROWS)

    def bbox(self) -> list[float] | None:
        sql = f"SELECT min(lon), min(lat), max(lon), max(lat) FROM {self._from()} AS e {self.where}"  # noqa: S608
        con = self._connect()
        try:
            row = con.execute(sql, self._params()).fetchone()
        finally:
            con.close()
        return [float(v) for v in row] if row and row[0] is not None else None


def version_source(hub: Hub, dataset_id: str, version: int, table: str = "events") -> _Source:
    if table not in LAKE_TABLES:
        raise svc.BadRequest(f"table must be one of {sorted(LAKE_TABLES)}")
    svc.require_published(hub, dataset_id, version)  # a retracted version is not served
    order = "ORDER BY event_date, event_id" if table == "events" else ""
    return _Source(table, hub.lake, [(dataset_id, version)], order=order)


def query_source(hub: Hub, q: EventQuery) -> _Source:
    """Same filters and order as /api/v1/events, over the lake (so every lake column is available)."""
    clauses, params = [], []
    if q.site:
        clauses.append("site_id = ?")
        params.append(q.site)
    if q.country:
        clauses.append("country = ?")
        params.append(q.country.upper())
    for name, text, op in (("from", q.date_from, ">="), ("to", q.date_to, "<=")):
        if text:
            try:
                params.append(date.fromisoformat(text))
            except ValueError:
                raise svc.BadRequest(f"{name} must be a date YYYY-MM-DD, got {text!r}") from None
            clauses.append(f"event_date {op} ?")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    versions = _current_versions(hub, q.dataset)
    return _Source("events", hub.lake, versions, where, params, "ORDER BY event_date, event_id")


# --- CSV -------------------------------------------------------------------------------------------------------

def csv_chunks(batches: Iterator[pa.RecordBatch], schema: pa.Schema) -> Iterator[bytes]:
    """CSV with one header line, written batch by batch."""
    buffer = io.BytesIO()
    writer = None
    for batch in batches:
        batch = neutralise_formulas(batch)
        if writer is None:
            writer = pacsv.CSVWriter(buffer, batch.schema)
        writer.write_batch(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if writer is None:  # no rows: still a header
        writer = pacsv.CSVWriter(buffer, schema)
    writer.close()
    if buffer.getvalue():
        yield buffer.getvalue()


def _flat_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, pa.string(), metadata=f.metadata) if pa.types.is_list(f.type) else f
                      for f in schema])


def _csv(source: _Source) -> Iterator[bytes]:
    con, reader = source.reader(flat=True)
    try:
        yield from csv_chunks(iter(reader), _flat_schema(source.schema))
    finally:
        con.close()


# --- GeoJSON ---------------------------------------------------------------------------------------------------

def _geojson(source: _Source) -> Iterator[bytes]:
    """A FeatureCollection built by DuckDB's JSON functions, one batch of features at a time."""
    feature = (", json_object('type', 'Feature', 'id', e.event_id, 'geometry', CASE WHEN lon IS NULL OR lat IS NULL "
               "THEN NULL ELSE json_object('type', 'Point', 'coordinates', [lon, lat]) END, "
               "'properties', to_json(e))::VARCHAR AS feature")
    con, reader = source.reader(flat=False, extra=feature)
    try:
        yield b'{"type": "FeatureCollection", "features": [\n'
        first = True
        for batch in reader:
            lines = batch.column("feature").to_pylist()
            if lines:
                yield (("" if first else ",\n") + ",\n".join(lines)).encode()
                first = False
        yield b"\n]}\n"
    finally:
        con.close()


# --- GeoParquet ------------------------------------------------------------------------------------------------

_WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])  # packed: 21 bytes


def wkb_points(lon: pa.Array, lat: pa.Array) -> pa.Array:
    """ISO WKB little-endian points, vectorised; null where either coordinate is missing."""
    n = len(lon)
    buf = np.zeros(n, dtype=_WKB_POINT)
    buf["order"], buf["type"] = 1, 1
    buf["x"] = pc.fill_null(lon, 0.0).to_numpy(zero_copy_only=False)
    buf["y"] = pc.fill_null(lat, 0.0).to_numpy(zero_copy_only=False)
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(21), n, [None, pa.py_buffer(buf.tobytes())])
    missing = pc.or_(pc.is_null(lon), pc.is_null(lat))
    return pc.if_else(missing, pa.scalar(None, pa.binary()), fixed.cast(pa.binary()))


def _spread_bits(expr: str) -> str:
    """SQL that spreads the 16 low bits of an integer over the even bit positions (Morton encoding)."""
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        expr = f"(({expr} | ({expr} << {shift})) & {mask})"
    return expr


_QX = "CAST(floor((least(greatest(lon, -180), 180) + 180) / 360 * 65535) AS BIGINT)"
_QY = "CAST(floor((least(greatest(lat, -90), 90) + 90) / 180 * 65535) AS BIGINT)"
# rows in Z-order (Morton) so that row-group statistics of the bbox column prune spatial queries well
SPATIAL_ORDER = f"ORDER BY ({_spread_bits(_QX)} | ({_spread_bits(_QY)} << 1)) NULLS LAST, event_id"


def morton_keys(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The same Z-order key in NumPy (for tests and clients that want to check the ordering)."""
    def spread(v: np.ndarray) -> np.ndarray:
        for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
            v = (v | (v << shift)) & mask
        return v
    qx = np.floor((np.clip(lon, -180, 180) + 180) / 360 * 65535).astype(np.int64)
    qy = np.floor((np.clip(lat, -90, 90) + 90) / 180 * 65535).astype(np.int64)
    return spread(qx) | (spread(qy) << 1)


BBOX_TYPE = pa.struct([("xmin", pa.float64()), ("ymin", pa.float64()), ("xmax", pa.float64()),
                       ("ymax", pa.float64())])


def _bbox_column(lon: pa.Array, lat: pa.Array) -> pa.Array:
    missing = pc.or_(pc.is_null(lon), pc.is_null(lat))
    return pa.StructArray.from_arrays([lon, lat, lon, lat], fields=list(BBOX_TYPE), mask=missing)


def geo_metadata(bbox: list[float] | None) -> dict[str, Any]:
    """GeoParquet 1.1 file metadata: WKB points, CRS84 (crs omitted), bbox covering column."""
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": ["Point"],
                              "covering": {"bbox": {"xmin": ["bbox", "xmin"], "ymin": ["bbox", "ymin"],
                                                    "xmax": ["bbox", "xmax"], "ymax": ["bbox", "ymax"]}}}
    if bbox:
        column["bbox"] = bbox
    return {"version": GEOPARQUET_VERSION, "primary_column": "geometry", "columns": {"geometry": column}}


def write_geoparquet(source: _Source, sink: str | IO[bytes]) -> int:
    """Write events as GeoParquet 1.1 (zstd, Z-ordered rows, row groups of <= 65536 rows); returns the row count."""
    bbox = source.bbox()
    schema = source.schema.append(pa.field("geometry", pa.binary())).append(pa.field("bbox", BBOX_TYPE))
    schema = schema.with_metadata({b"geo": json.dumps(geo_metadata(bbox)).encode()})
    con, reader = source.reader(flat=False, order=SPATIAL_ORDER)
    rows = 0
    try:
        with pq.ParquetWriter(sink, schema, compression="zstd", compression_level=15) as writer:
            for batch in reader:
                lon, lat = batch.column("lon"), batch.column("lat")
                arrays = [*batch.columns, wkb_points(lon, lat), _bbox_column(lon, lat)]
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema),
                                   row_group_size=BATCH_ROWS)
                rows += batch.num_rows
    finally:
        con.close()
    return rows


def _spooled_chunks(fh: IO[bytes]) -> Iterator[bytes]:
    """Stream a spooled temporary file from its start, closing (and deleting) it afterwards."""
    try:
        fh.seek(0)
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk
    finally:
        fh.close()


def _parquet(source: _Source) -> Iterator[bytes]:
    fh = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 - closed by _spooled_chunks
    write_geoparquet(source, fh)
    yield from _spooled_chunks(fh)


# --- Frictionless Data Package ---------------------------------------------------------------------------------

def _field_type(type_: pa.DataType) -> str:
    if pa.types.is_integer(type_):
        return "integer"
    if pa.types.is_floating(type_):
        return "number"
    if pa.types.is_boolean(type_):
        return "boolean"
    if pa.types.is_date(type_):
        return "date"
    return "string"


def table_schema(table: str) -> dict[str, Any]:
    """A Table Schema for a lake table, with each field's description and unit from the canonical model."""
    fields = []
    for f in LAKE_TABLES[table]:
        meta = {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}
        field: dict[str, Any] = {"name": f.name, "type": _field_type(f.type)}
        description = meta.get("doc", "")
        if pa.types.is_list(f.type):
            description = (description + " (several values separated by ';')").strip()
        if description:
            field["description"] = description
        if meta.get("unit"):
            field["unit"] = meta["unit"]
        if not f.nullable:
            field["constraints"] = {"required": True}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if table == "events":
        schema["primaryKey"] = ["event_id"]
    else:
        schema["foreignKeys"] = [{"fields": ["event_id"], "reference": {"resource": "events", "fields": ["event_id"]}}]
    return schema


class _HashingWriter:
    """Counts bytes and computes sha256 while writing into a zip member."""

    def __init__(self, fh: IO[bytes]):
        self.fh, self.bytes, self.sha256 = fh, 0, hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        self.fh.write(chunk)
        self.bytes += len(chunk)
        self.sha256.update(chunk)


def _licence_text(ds: DatasetMeta) -> str:
    title, url = licence_info(ds.licence)
    return (f"# Licence\n\nThe data in this package are licensed under {title} ({ds.licence}): {url}\n\n"
            f"Publisher of the source data: {ds.publisher.name}.\n\nPlease cite: {ds.source_citation}\n")


def package_descriptor(ds: DatasetMeta, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The Data Package v2 descriptor of a dataset version around the given resources."""
    title, url = licence_info(ds.licence)
    created = next((v.created.replace(microsecond=0, tzinfo=None).isoformat() + "Z" for v in ds.versions
                    if v.version == ds.version), None)
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": ds.id, "id": ds.uri, "title": ds.title["en"], "description": ds.description.get("en", ""),
        "version": f"{ds.version}.0.0", "homepage": ds.landing_page, "created": created,
        "keywords": ds.keywords,
        "licenses": [{"name": ds.licence, "path": url, "title": title}],
        "contributors": [{"title": ds.publisher.name, "roles": ["publisher"]}],
        "sources": [{"title": ds.programme, "path": ds.landing_page}],
        "resources": resources,
    }
    return {k: v for k, v in descriptor.items() if v is not None}


def _resource(ds: DatasetMeta, table: str, path: str) -> dict[str, Any]:
    title, url = licence_info(ds.licence)
    return {"name": table, "type": "table", "path": path, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "licenses": [{"name": ds.licence, "path": url, "title": title}]}


def live_descriptor(hub: Hub, base_url: str, dataset_id: str, version: int) -> dict[str, Any]:
    """datapackage.json served live: resources point at the CSV download URLs, schemas inline."""
    ds = version_meta(hub, base_url, dataset_id, version)
    base = f"{base_url.rstrip('/')}/api/v1/datasets/{dataset_id}/versions/{version}/download.csv"
    return package_descriptor(ds, [{**_resource(ds, table, f"{base}?table={table}"), "schema": table_schema(table)}
                                   for table in TABLES])


def _member(ds: DatasetMeta, name: str) -> zipfile.ZipInfo:
    """A zip entry dated when the version was published (not when the zip was written), so that a version's
    package is the same bytes whenever and by whichever process it is made."""
    created = next((v.created for v in ds.versions if v.version == ds.version), None)
    stamp = created.timetuple()[:6] if created is not None and created.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_datapackage(hub: Hub, ds: DatasetMeta, sink: IO[bytes]) -> dict[str, Any]:
    """Write a Data Package zip of one dataset version into `sink`; returns the descriptor."""
    resources = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for table in TABLES:
            source = version_source(hub, ds.id, ds.version, table)
            with zf.open(_member(ds, f"data/{table}.csv"), "w", force_zip64=True) as member:
                out = _HashingWriter(member)
                for chunk in _csv(source):
                    out.write(chunk)
            zf.writestr(_member(ds, f"schemas/{table}.json"), json.dumps(table_schema(table), indent=1))
            resources.append({**_resource(ds, table, f"data/{table}.csv"), "bytes": out.bytes,
                              "hash": f"sha256:{out.sha256.hexdigest()}", "schema": f"schemas/{table}.json"})
        zf.writestr(_member(ds, "LICENSE.md"), _licence_text(ds))
        descriptor = package_descriptor(ds, resources)
        zf.writestr(_member(ds, "datapackage.json"), json.dumps(descriptor, indent=1, ensure_ascii=False))
    return descriptor


def _zip(hub: Hub, ds: DatasetMeta) -> Iterator[bytes]:
    fh = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 - closed by _spooled_chunks
    write_datapackage(hub, ds, fh)
    yield from _spooled_chunks(fh)


# --- entry points ----------------------------------------------------------------------------------------------

def version_download(hub: Hub, base_url: str, dataset_id: str, version: int, fmt: str,
                     table: str = "events") -> Download:
    """One dataset version in a format of `metadata.FORMATS`; `table` applies to CSV only."""
    if fmt not in FORMATS:
        raise svc.BadRequest(f"format must be one of {sorted(FORMATS)}")
    if fmt == "zip":
        ds = version_meta(hub, base_url, dataset_id, version)
        chunks = _zip(hub, ds)
    else:
        source = version_source(hub, dataset_id, version, table if fmt == "csv" else "events")
        chunks = {"csv": _csv, "geojson": _geojson, "parquet": _parquet}[fmt](source)
    suffix = FORMATS[fmt][2]
    name = f"{dataset_id}-v{version}" + (f"-{table}" if fmt == "csv" and table != "events" else "")
    return Download(f"{name}.{suffix}", FORMATS[fmt][1], chunks)


# --- stored version downloads (services/download_store.py) -----------------------------------------------------

@dataclass
class StoredDownload:
    """A version download as a stored file: `found` is its stat when it is already stored, else None."""

    filename: str
    media_type: str
    key: Key
    path: Path
    found: os.stat_result | None
    write: Callable[[IO[bytes]], object]  # writes the bytes `version_download` streams


def download_store(hub: Hub) -> DownloadStore:
    """The deployment's store of version downloads: local files under the data directory (also for a lake on
    object storage), at most LITTERHUB_DOWNLOAD_STORE_MB."""
    return DownloadStore(Path(hub.settings.data_dir) / "cache" / "downloads",
                         int(hub.settings.download_store_mb * (1 << 20)))


def store_enabled(hub: Hub) -> bool:
    return hub.settings.download_store_mb > 0


@cache
def _code_revision() -> str:
    """What the bytes of every format depend on besides the data: a new release of any of these makes new files."""
    parts = [Path(__file__).read_bytes(), Path(csvsafe.__file__).read_bytes(), duckdb.__version__.encode(),
             pa.__version__.encode()]
    parts += [f"{name}:{schema}:{schema.metadata}".encode() for name, schema in sorted(LAKE_TABLES.items())]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _variant(*parts: str) -> str:
    return hashlib.sha256("\0".join((_code_revision(), *parts)).encode()).hexdigest()[:20]


def _package_variant(ds: DatasetMeta) -> str:
    """The Data Package's metadata (descriptor without the data's sizes and hashes, and licence text): it names
    the request's base URL and catalog fields that can change without a new version (title, DOI...)."""
    skeleton = package_descriptor(ds, [_resource(ds, table, f"data/{table}.csv") for table in TABLES])
    return _variant("zip", json.dumps(skeleton, sort_keys=True, ensure_ascii=False), _licence_text(ds))


# The metadata of a version's Data Package (read from every dataset's catalog rows, ~8 ms of CPU) per (data dir,
# base URL, dataset, version, catalog fingerprint): every catalog write is audited, so an edited title or a minted
# DOI changes the fingerprint and the package's variant is computed again.
MAX_PACKAGES = 256
_packages_lock = threading.Lock()
_packages: OrderedDict[Hashable, tuple[str, DatasetMeta]] = OrderedDict()


def _package(hub: Hub, base_url: str, dataset_id: str, version: int) -> tuple[str, DatasetMeta]:
    """(variant, metadata) of a version's Data Package, the same pair for the key and for the file's bytes."""
    key = (str(hub.settings.data_dir), base_url, dataset_id, version, result_cache.fingerprint(hub))
    with _packages_lock:
        if key in _packages:
            _packages.move_to_end(key)
            return _packages[key]
    ds = version_meta(hub, base_url, dataset_id, version)
    found = (_package_variant(ds), ds)
    with _packages_lock:
        _packages[key] = found
        while len(_packages) > MAX_PACKAGES:
            _packages.popitem(last=False)
    return found


def stored_version(hub: Hub, base_url: str, dataset_id: str, version: int, fmt: str,
                   table: str = "events") -> StoredDownload:
    """The stored file of `version_download(...)`, after the same access check (run on every request): a version
    that is not published (retracted, unknown) is NotFound, and any files it left in the store are deleted."""
    if fmt not in FORMATS:
        raise svc.BadRequest(f"format must be one of {sorted(FORMATS)}")
    if table not in LAKE_TABLES:
        raise svc.BadRequest(f"table must be one of {sorted(LAKE_TABLES)}")
    store = download_store(hub)
    if not result_cache.cached(hub, "download.published", (dataset_id, version),
                               lambda: _is_published(hub, dataset_id, version)):
        store.remove_version(dataset_id, version)
        svc.require_published(hub, dataset_id, version)  # raises NotFound, with its message
    table = table if fmt == "csv" else "events"
    if fmt == "zip":
        variant, ds = _package(hub, base_url, dataset_id, version)

        def write(fh: IO[bytes]) -> None:
            write_datapackage(hub, ds, fh)
    else:
        variant = _variant(fmt, table)

        def write(fh: IO[bytes]) -> None:
            source = version_source(hub, dataset_id, version, table)
            if fmt == "parquet":
                write_geoparquet(source, fh)
                return
            for chunk in {"csv": _csv, "geojson": _geojson}[fmt](source):
                fh.write(chunk)
    suffix = FORMATS[fmt][2]
    key = Key(dataset_id, version, fmt + (f"-{table}" if fmt == "csv" else ""), variant, suffix)
    name = f"{dataset_id}-v{version}" + (f"-{table}" if fmt == "csv" and table != "events" else "")
    return StoredDownload(f"{name}.{suffix}", FORMATS[fmt][1], key, store.path(key), store.lookup(key), write)


def _is_published(hub: Hub, dataset_id: str, version: int) -> bool:
    """The access check, kept per catalog fingerprint (services/result_cache.py): a retraction is an audited write,
    so the next request checks again; on PostgreSQL no round trip while the catalog watch listens."""
    try:
        svc.require_published(hub, dataset_id, version)
    except svc.NotFound:
        return False
    return True


def produce_stored(hub: Hub, item: StoredDownload) -> os.stat_result:
    """Make the stored file of `item` if nobody has (blocking: call it off the event loop); returns its stat."""
    return download_store(hub).produce(item.key, item.write)


def query_download(hub: Hub, q: EventQuery, fmt: str) -> Download:
    """Events matching the /api/v1/events filters, as CSV, GeoJSON or GeoParquet."""
    if fmt not in ("csv", "geojson", "parquet"):
        raise svc.BadRequest("format must be csv, geojson or parquet")
    source = query_source(hub, q)
    chunks = {"csv": _csv, "geojson": _geojson, "parquet": _parquet}[fmt](source)
    return Download(f"events.{FORMATS[fmt][2]}", FORMATS[fmt][1], chunks)


# --- keeping the store (litterhub downloads) ---------------------------------------------------------------------

def warm_store(hub: Hub, base_url: str | None = None, dataset_id: str | None = None) -> list[dict[str, Any]]:
    """Produce the stored files of every current published version (or one dataset's) in every format, so the
    first visitors are not the ones who wait. The Data Package names the hub's public address, so it is made
    only when `base_url` is given (the address requests arrive at, e.g. LITTERHUB_BASE_URL)."""
    made = []
    store = download_store(hub)
    for ds_id, version in _current_versions(hub, dataset_id):
        wanted = [("csv", table) for table in TABLES] + [("geojson", "events"), ("parquet", "events")]
        if base_url:
            wanted.append(("zip", "events"))
        for fmt, table in wanted:
            item = stored_version(hub, base_url or "", ds_id, version, fmt, table)
            was_there = item.found is not None
            st = item.found or produce_stored(hub, item)
            made.append({"dataset_id": ds_id, "version": version, "format": fmt, "table": table,
                         "bytes": st.st_size, "produced": not was_there, "path": str(item.path)})
    store.evict()
    return made


def clear_store(hub: Hub) -> dict[str, int]:
    """Delete every stored download (they are produced again on demand); returns what was removed."""
    store = download_store(hub)
    files, size = store.usage()
    store.clear()
    return {"files": files, "bytes": size}


def store_usage(hub: Hub) -> dict[str, Any]:
    files, size = download_store(hub).usage()
    return {"path": str(download_store(hub).root), "files": files, "bytes": size,
            "max_bytes": int(hub.settings.download_store_mb * (1 << 20))}
