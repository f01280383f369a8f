"""Ingest a programme export: detect, validate, harmonise, write a lake version, register it.

Order matters for crash safety: the lake version is written under a temporary name and renamed into
place, and only then is the catalog transaction committed; if that commit fails the lake version is
removed again. Identical bytes for the same dataset are a no-op that says so.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, insert, select, update

from litterhub.harmonize.density import Densities, add_densities
from litterhub.harmonize.observations import harmonize_observations
from litterhub.harmonize.regions import with_marine_regions
from litterhub.ingest.base import SITE_SCHEMA, AdapterBatch, KeyCounter
from litterhub.ingest.mapping import Mapping, MappingError, load_mapping
from litterhub.ingest.registry import Detection, UnknownFormat, get_adapter, resolve
from litterhub.ingest.rejections import RecordingReport
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import sniff
from litterhub.model.schema import EVENT_SCHEMA, OBSERVATION_SCHEMA, PARTICLE_SCHEMA, conform
from litterhub.services import known_bytes, summaries
from litterhub.services.hub import Hub
from litterhub.services.publishing import write_lock
from litterhub.store import tables as t
from litterhub.store.faults import fault_point
from litterhub.store.locks import DatasetBusy
from litterhub.store.raw import sha256_of

MAX_UPLOAD_BYTES = 2 * 1024**3

Progress = Callable[[int], None]


@dataclass
class IngestResult:
    """What the user needs to know about one ingest; `as_dict` is the CLI's --json shape."""

    dataset_id: str | None
    version: int | None
    sha256: str | None
    report: ValidationReport
    unchanged: bool = False
    format: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.unchanged or self.report.usable

    def as_dict(self) -> dict[str, Any]:
        r = self.report
        return {
            "dataset_id": self.dataset_id,
            "version": self.version,
            "sha256": self.sha256,
            "format": self.format,
            "format_reason": r.format_reason,
            "rows_in": r.rows_in,
            "rows_accepted": r.rows_accepted,
            "rows_rejected": r.rows_rejected,
            "unchanged": self.unchanged,
            "errors": [i.as_dict() for i in r.errors],
            "warnings": [i.as_dict() for i in r.warnings],
            "counts": dict(r.counts),
            "notes": r.notes,
        }


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100] or "dataset"


def default_dataset_id(fmt: str, filename: str) -> str:
    """`<format>-<file stem>`, without repeating the format when the file name already says it."""
    stem = slugify(Path(filename).stem)
    return stem if stem.startswith(fmt) else f"{fmt}-{stem}"


def ingest_file(hub: Hub, path: Path, fmt: str = "auto", dataset_id: str | None = None,
                progress: Progress | None = None, actor: str = "cli",
                original_filename: str | None = None, dry_run: bool = False,
                mapping: Mapping | Path | str | None = None, allow_copy: bool = False) -> IngestResult:
    """Ingest one file as a new version of a dataset (or recognise it as already ingested).

    With `dry_run` the file is read and validated completely but nothing is stored (the upload wizard's
    validation step and `litterhub validate`). With `mapping` (a Mapping, a YAML file path or YAML text)
    the file is read by the generic adapter, whatever its layout. Bytes already stored under another dataset id
    are refused (`known-file-other-dataset`) unless `allow_copy` (services/known_bytes.py).
    """
    report = RecordingReport()
    filename = original_filename or path.name
    if not path.is_file():
        report.fail("source-error", f"{filename}: no such file")
        return IngestResult(dataset_id, None, None, report)
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        report.fail("source-error", f"{filename}: larger than the {MAX_UPLOAD_BYTES // 1024**2} MiB limit")
        return IngestResult(dataset_id, None, None, report)
    bound_mapping: Mapping | None = None
    try:
        if mapping is not None:
            if fmt not in ("auto", "generic"):
                report.fail("litter-mapping-error", f"a mapping is read by the generic format, not {fmt!r}: "
                            "use --format generic (or auto) with --mapping")
                return IngestResult(dataset_id, None, None, report)
            bound_mapping = load_mapping(mapping)
            info = sniff(path)
            detection = Detection(get_adapter("generic").bind(bound_mapping),
                                  "format 'generic' with the mapping given by the user")
        else:
            info, detection = resolve(path, fmt)
    except MappingError as exc:
        report.fail("litter-mapping-error", str(exc))
        return IngestResult(dataset_id, None, None, report)
    except UnknownFormat as exc:
        report.fail("format-error", str(exc))
        return IngestResult(dataset_id, None, None, report)
    except READ_ERRORS as exc:  # a detector choked on a broken file
        _unreadable(report, filename, exc)
        return IngestResult(dataset_id, None, None, report)
    adapter = detection.adapter
    report.format, report.format_reason = adapter.name, detection.reason
    report.notes.extend(info.notes)
    sha = sha256_of(path)
    dataset_id = slugify(dataset_id or default_dataset_id(adapter.name, filename))
    result = IngestResult(dataset_id, None, sha, report, format=adapter.name)

    if info.kind == "empty":
        report.fail("litter-empty-file", f"{filename} is empty: there is nothing to ingest", line=1)
        return result
    kinds = adapter.kinds
    if info.kind not in kinds:
        wanted = "a delimited text table" if tuple(kinds) == ("text",) else " or ".join(kinds)
        report.fail("format-error", f"{filename} is a {info.kind} file, but the {adapter.name} format is {wanted}")
        return result

    if dry_run:
        try:
            for batch in adapter.read(info, report):
                _canonical(batch, dataset_id, 0, sha)
        except READ_ERRORS as exc:
            _unreadable(report, filename, exc)
        if report.rows_in == 0 and not report.fatal:
            report.fail("litter-no-data-rows", f"{filename} has a header but no data rows", line=2)
        return result

    copies = known_bytes.known_elsewhere(hub, sha, dataset_id)
    if copies and not allow_copy:
        report.fail(known_bytes.CODE, known_bytes.message(copies, allowed=False))
        return result
    if copies:
        report.add(known_bytes.ALLOWED_CODE, known_bytes.message(copies, allowed=True))
    try:
        with write_lock(hub, dataset_id):  # serialises writers; repairs what a crash left first
            return _store(hub, path, filename, info, detection, report, result, progress, actor, bound_mapping)
    except DatasetBusy as exc:
        report.fail(exc.code, str(exc))
        return result


def _store(hub: Hub, path: Path, filename: str, info, detection: Detection, report: RecordingReport,
           result: IngestResult, progress: Progress | None, actor: str, bound_mapping: Mapping | None) -> IngestResult:
    """Under the dataset's write lock: a no-op for identical bytes, else stage, publish and register the
    next version (the catalog commit in `_register` is the one step that makes it visible)."""
    adapter, dataset_id, sha = detection.adapter, result.dataset_id, result.sha256
    previous = _find_version_by_sha(hub, dataset_id, sha)
    if previous is not None:
        stored = ValidationReport(**{k: previous["report"][k] for k in ("rows_in", "rows_accepted",
                                                                         "rows_rejected")})
        stored.format = adapter.name
        stored.format_reason = detection.reason
        stored.notes.append(f"identical bytes already ingested as {dataset_id} version {previous['version']}")
        return IngestResult(dataset_id, previous["version"], sha, stored, unchanged=True, format=adapter.name)

    version = _current_version(hub, dataset_id) + 1
    staged = hub.lake.stage(dataset_id, version)
    sites: list[pa.Table] = []
    n_events = n_obs = 0
    date_min = date_max = None
    effort_expected = adapter.effort_expected
    no_effort = 0
    event_ids = KeyCounter()
    try:
        for batch in _guarded(adapter.read(info, report), report, filename):
            events, observations, particles, dens = _canonical(batch, dataset_id, version, sha)
            if not _unique_event_ids(events, event_ids, report):
                break
            report.settle(_accepted_lines(events, observations, particles))
            lines = events.column("source_line").to_numpy(zero_copy_only=False)
            missing = dens.effort_missing & ~_other_effort(events)
            if effort_expected:
                report.add_many("litter-effort-missing", lines[missing], "length",
                                "survey length or area is missing or zero: event kept, density left empty")
            no_effort += int(missing.sum())
            report.add_many("litter-effort-absurd", lines[dens.effort_absurd], "length",
                            "survey length is implausible: event kept, density left empty")
            staged.write("events", events)
            staged.write("observations", observations)
            if particles is not None:
                staged.write("particles", particles)
            sites.append(with_marine_regions(batch.sites.cast(SITE_SCHEMA)))
            n_events += events.num_rows
            n_obs += observations.num_rows
            if events.num_rows:
                lo, hi = pc.min_max(events.column("event_date")).values()
                date_min = lo.as_py() if date_min is None or (lo.as_py() and lo.as_py() < date_min) else date_min
                date_max = hi.as_py() if date_max is None or (hi.as_py() and hi.as_py() > date_max) else date_max
            if progress:
                progress(batch.events.num_rows)
        if report.rows_in == 0 and not report.fatal:
            report.fail("litter-no-data-rows", f"{filename} has a header but no data rows", line=2)
        if not report.usable:
            staged.abort()
            return result
        if not effort_expected and no_effort:
            report.notes.append(f"{no_effort} event(s) have no survey effort by design of the format: no densities")
        _write_quarantine(staged.tmp_dir, report, bound_mapping)
        hub.raw.store(path, sha)
        lake_path, checksums = staged.publish()
    except BaseException:
        staged.abort()
        raise
    try:
        _register(hub, dataset_id, version, sha, filename, path.stat().st_size, adapter, report,
                  n_events, n_obs, date_min, date_max, lake_path, checksums, sites, actor)
    except BaseException:
        hub.lake.remove_version(dataset_id, version)
        raise
    result.version = version
    result.extra = {"events": n_events, "observations": n_obs}
    return result


def _unique_event_ids(events: pa.Table, seen: KeyCounter, report: ValidationReport) -> bool:
    """Event ids must be unique in a dataset version: an adapter that yields the same id twice cannot tell
    which observations belong to which survey, so the file is refused cleanly instead of merging them."""
    ids = np.asarray(events.column("event_id").to_pylist(), dtype=str)
    repeat = seen.number(ids) > 0
    if not repeat.any():
        return True
    lines = events.column("source_line").to_numpy(zero_copy_only=False)[repeat]
    report.add_many("litter-duplicate-event-id", lines, None,
                    [f"survey id {i!r} occurs more than once; its rows cannot be told apart" for i in ids[repeat]])
    report.fatal = True
    return False


def _constant(value: Any, n: int, type_: pa.DataType) -> pa.Array:
    """A column of one repeated value, built by Arrow (no Python list per row)."""
    return pa.nulls(n, type_).fill_null(pa.scalar(value, type_))


def _canonical(batch: AdapterBatch, dataset_id: str, version: int, sha: str
               ) -> tuple[pa.Table, pa.Table, pa.Table | None, Densities]:
    """Stamp dataset, version and hub-wide event ids on an adapter batch and derive densities."""
    def stamp(table: pa.Table) -> pa.Table:
        n = table.num_rows
        event_id = pc.binary_join_element_wise(_constant(dataset_id, n, pa.string()),
                                               table.column("source_event_id"), ":")
        table = table.append_column("event_id", event_id)
        table = table.append_column("dataset_id", _constant(dataset_id, n, pa.string()))
        return table.append_column("version", _constant(version, n, pa.int32()))

    events = with_marine_regions(stamp(batch.events), keep_source=True)
    events = events.append_column("raw_sha256", _constant(sha, events.num_rows, pa.string()))
    adapter_flags = events.column("qc_flags") if "qc_flags" in events.column_names else None
    dens = add_densities(conform(events, EVENT_SCHEMA))
    if adapter_flags is not None:
        dens.events = _merge_flags(dens.events, adapter_flags)
    observations = harmonize_observations(conform(stamp(batch.observations), OBSERVATION_SCHEMA))
    particles = conform(stamp(batch.particles), PARTICLE_SCHEMA) if batch.particles is not None else None
    return dens.events, conform(observations, OBSERVATION_SCHEMA), particles, dens


# Readers of hostile files fail in many ways (Arrow, xlrd struct/KeyErrors, zipfile, openpyxl): any of them
# becomes a file-level refusal with the exception named, so that a person sees a report, never a traceback.
READ_ERRORS = (Exception,)
REJECTED_FILE = "rejected.parquet"
MAPPING_FILE = "mapping.yaml"


def _unreadable(report: ValidationReport, filename: str, exc: BaseException) -> None:
    """A reader failure on hostile input becomes a clean file-level refusal, never a traceback."""
    if isinstance(exc, UnicodeError):
        report.fail("encoding-error", f"{filename} is neither UTF-8 nor Windows-1252 text ({str(exc)[:200]}): "
                    "save it as UTF-8 and try again")
        return
    report.fail("source-error", f"{filename} could not be read ({type(exc).__name__}: {str(exc)[:300]})")


def _guarded(batches, report: ValidationReport, filename: str):
    """The adapter's batches; a reader failure ends the stream with a file-level error instead of a traceback."""
    try:
        yield from batches
    except READ_ERRORS as exc:
        _unreadable(report, filename, exc)


def _accepted_lines(events: pa.Table, observations: pa.Table, particles: pa.Table | None):
    """Raw-file lines that made it into the lake (events, observations and particles all carry theirs)."""
    import numpy as np

    parts = [t.column("source_line").to_numpy(zero_copy_only=False) for t in (events, observations, particles)
             if t is not None and t.num_rows]
    return np.unique(np.concatenate(parts).astype(np.int64)) if parts else np.empty(0, np.int64)


def _other_effort(events: pa.Table):
    """Events whose effort is an area, a volume or a dry mass (a length is not the only effort)."""
    import numpy as np

    has = np.zeros(events.num_rows, bool)
    for name in ("area_m2", "volume_m3", "dry_mass_kg"):
        v = pc.cast(events.column(name), pa.float64()).to_numpy(zero_copy_only=False).astype(float)
        with np.errstate(invalid="ignore"):
            has |= ~np.isnan(v) & (v > 0)
    return has


def _merge_flags(events: pa.Table, adapter_flags: pa.ChunkedArray) -> pa.Table:
    """qc_flags = the adapter's own flags followed by the density flags (vectorised list concatenation)."""
    import numpy as np

    derived = events.column("qc_flags").combine_chunks()
    given = adapter_flags.combine_chunks().cast(pa.list_(pa.string()))
    a_len = pc.fill_null(pc.list_value_length(given), 0).to_numpy(zero_copy_only=False)
    b_len = pc.fill_null(pc.list_value_length(derived), 0).to_numpy(zero_copy_only=False)
    offsets = np.concatenate(([0], np.cumsum(a_len + b_len))).astype(np.int32)
    a_vals = pc.list_flatten(given).to_numpy(zero_copy_only=False)
    b_vals = pc.list_flatten(derived).to_numpy(zero_copy_only=False)
    is_a = np.repeat(np.tile([True, False], len(a_len)), np.column_stack([a_len, b_len]).ravel())
    values = np.empty(int(offsets[-1]), dtype=object)
    values[is_a] = a_vals
    values[~is_a] = b_vals
    merged = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.string()))
    return events.set_column(events.column_names.index("qc_flags"), "qc_flags", merged)


def _write_quarantine(folder: Path, report: ValidationReport, mapping: Mapping | None) -> None:
    """Every rejected line with its reasons (and the mapping used), written into the staged lake version."""
    import pyarrow.parquet as pq

    if isinstance(report, RecordingReport):
        pq.write_table(report.rejected(), folder / REJECTED_FILE, compression="zstd")
    if mapping is not None:
        (folder / MAPPING_FILE).write_text(mapping.source_text or "", encoding="utf-8")


def _find_version_by_sha(hub: Hub, dataset_id: str, sha: str) -> dict[str, Any] | None:
    with hub.engine.connect() as conn:
        row = conn.execute(
            select(t.dataset_versions.c.version, t.dataset_versions.c.report)
            .where(t.dataset_versions.c.dataset_id == dataset_id, t.dataset_versions.c.sha256 == sha)
            .order_by(t.dataset_versions.c.version.desc())
        ).first()
    return dict(row._mapping) if row else None


def _current_version(hub: Hub, dataset_id: str) -> int:
    """The highest version ever given to the dataset: retracted versions keep their numbers, never reused."""
    with hub.engine.connect() as conn:
        v = conn.execute(select(func.max(t.dataset_versions.c.version))
                         .where(t.dataset_versions.c.dataset_id == dataset_id)).scalar()
    return int(v or 0)


def _bbox(sites: pa.Table) -> list[float] | None:
    lat, lon = sites.column("lat"), sites.column("lon")
    if pc.count(lat).as_py() == 0:
        return None
    (la0, la1), (lo0, lo1) = (pc.min_max(lat).values(), pc.min_max(lon).values())
    return [lo0.as_py(), la0.as_py(), lo1.as_py(), la1.as_py()]


def _unique_sites(sites: list[pa.Table]) -> pa.Table:
    """First row per site id; coordinates from the first row that has them."""
    import duckdb

    table = pa.concat_tables(sites) if sites else SITE_SCHEMA.empty_table()
    con = duckdb.connect()
    con.register("s", table)
    return con.sql(
        "SELECT site_id, first(name) AS name, first(lat) FILTER (WHERE lat IS NOT NULL) AS lat, "
        "first(lon) FILTER (WHERE lat IS NOT NULL) AS lon, first(country) AS country, first(region) AS region, "
        "first(compartment) AS compartment, first(source_programme) AS source_programme, "
        "first(source_key) AS source_key FROM s GROUP BY site_id ORDER BY site_id"
    ).to_arrow_table()


def _register(hub: Hub, dataset_id: str, version: int, sha: str, filename: str, size: int, adapter, report,
              n_events: int, n_obs: int, date_min, date_max, lake_path: str, checksums: dict[str, str],
              sites: list[pa.Table], actor: str) -> None:
    """One catalog transaction: raw file, dataset, version, sites, per-version summaries, audit entry."""
    now = datetime.now(UTC)
    site_rows = _unique_sites(sites)
    defaults = adapter.defaults(filename)
    with hub.engine.begin() as conn:
        if conn.execute(select(t.raw_files.c.sha256).where(t.raw_files.c.sha256 == sha)).first() is None:
            conn.execute(insert(t.raw_files).values(sha256=sha, size_bytes=size, original_filename=filename,
                                                    stored_at=now))
        if version == 1:
            conn.execute(insert(t.datasets).values(
                id=dataset_id, uuid=str(uuid.uuid4()), title=defaults.title, description=defaults.description,
                publisher=defaults.publisher, licence=defaults.licence, citation=defaults.citation,
                source_programme=defaults.source_programme, format=adapter.name, protocol=defaults.protocol,
                current_version=0, created_at=now, updated_at=now))
        conn.execute(insert(t.dataset_versions).values(
            dataset_id=dataset_id, version=version, sha256=sha, original_filename=filename,
            rows_in=report.rows_in, rows_accepted=report.rows_accepted, rows_rejected=report.rows_rejected,
            n_events=n_events, n_observations=n_obs, date_min=date_min, date_max=date_max,
            bbox=_bbox(site_rows), vocab_version=_vocab_version(), lake_path=lake_path, lake_checksums=checksums,
            report=report.as_dict(), status="published", created_at=now))
        conn.execute(update(t.datasets).where(t.datasets.c.id == dataset_id)
                     .values(current_version=version, updated_at=now))
        ids = site_rows.column("site_id").to_pylist()
        existing: set[str] = set()
        for i in range(0, len(ids), 500):
            existing.update(conn.execute(select(t.sites.c.id).where(t.sites.c.id.in_(ids[i:i + 500]))).scalars())
        new_sites = [
            {"id": r["site_id"], "name": r["name"] or r["site_id"], "lat": r["lat"], "lon": r["lon"],
             "country": r["country"], "region": r["region"], "compartment": r["compartment"] or "beach",
             "source_programme": r["source_programme"], "source_key": r["source_key"] or ""}
            for r in site_rows.to_pylist() if r["site_id"] not in existing
        ]
        if new_sites:
            conn.execute(insert(t.sites), new_sites)
        summaries.write(conn, hub, dataset_id, version)  # in this transaction: visible together or not at all
        conn.execute(insert(t.audit_log).values(
            at=now, actor=actor, action="dataset.version.published", target=f"dataset:{dataset_id}",
            detail={"version": version, "sha256": sha, "rows_in": report.rows_in,
                    "rows_accepted": report.rows_accepted, "rows_rejected": report.rows_rejected}))
        fault_point("before-commit")
    fault_point("after-commit")


def _vocab_version() -> str:
    from litterhub.harmonize.observations import vocabulary_version

    return vocabulary_version()
