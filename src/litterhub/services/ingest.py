"""Ingest a programme export: detect, validate, harmonise, write a lake version, register it.

Order matters for crash safety: the lake version is written under a temporary name and renamed into
place, and only then is the catalog transaction committed; if that commit fails the lake version is
removed again. Identical bytes for the same dataset are a no-op that says so.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, insert, select, update

from litterhub.errors import HubError
from litterhub.harmonize.density import Densities, add_densities
from litterhub.harmonize.observations import harmonize_observations
from litterhub.harmonize.regions import with_marine_regions
from litterhub.ingest.base import SITE_SCHEMA, AdapterBatch, KeyCounter
from litterhub.ingest.failures import INPUT_ERRORS, report_unreadable
from litterhub.ingest.formats import Detection, UnknownFormat, get_adapter, resolve
from litterhub.ingest.mapping import Mapping, MappingError, load_mapping
from litterhub.ingest.rejections import RecordingReport
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, sniff
from litterhub.model.schema import EVENT_SCHEMA, OBSERVATION_SCHEMA, PARTICLE_SCHEMA, conform
from litterhub.services import known_bytes, summaries
from litterhub.services.hub import Hub
from litterhub.services.publishing import write_lock
from litterhub.store import duck
from litterhub.store import tables as t
from litterhub.store.faults import fault_point
from litterhub.store.locks import DatasetBusy
from litterhub.store.raw import sha256_of

Progress = Callable[[int], None]
log = logging.getLogger(__name__)


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
                mapping: Mapping | Path | str | None = None, allow_copy: bool = False,
                max_bytes: int | None = None) -> IngestResult:
    """Ingest one file as a new version of a dataset (or recognise it as already ingested).

    With `dry_run` the file is read and validated completely but nothing is stored (the upload wizard's
    validation step and `litterhub validate`). With `mapping` (a Mapping, a YAML file path or YAML text)
    the file is read by the generic adapter, whatever its layout. Bytes already stored under another dataset id
    are refused (`known-file-other-dataset`) unless `allow_copy` (services/known_bytes.py). `max_bytes` refuses
    larger files (the web upload limit is a setting, `LITTERHUB_MAX_UPLOAD_MB`); files are streamed, so the
    CLI ingests files of any size.

    The steps: check the source, detect the format, then validate only (`dry_run`) or stage and publish.
    A file the readers cannot read is refused in the report (`INPUT_ERRORS`); any other exception is a bug:
    it is logged with its traceback and raised as `IngestBug` (500 `internal-error` on the API).
    """
    report = RecordingReport()
    filename = original_filename or path.name
    try:
        if not _source_ok(path, filename, max_bytes, report):
            return IngestResult(dataset_id, None, None, report)
        found = _detect(path, fmt, mapping, filename, report)
        if found is None:
            return IngestResult(dataset_id, None, None, report)
        job = _job(path, filename, dataset_id, found, report)
        if not _kind_ok(job, report):
            return job.result
        if dry_run:
            return _validate_only(job)
        if not _copies_ok(hub, job, allow_copy):
            return job.result
        try:
            with write_lock(hub, job.dataset_id):  # serialises writers; repairs what a crash left first
                return _store(hub, job, progress, actor)
        except DatasetBusy as exc:
            report.fail(exc.code, str(exc))
            return job.result
    except HubError:
        raise
    except Exception as exc:
        log.exception("ingest of %s (format %s) failed on a bug, not on the file", filename, fmt)
        raise IngestBug(filename, exc) from exc


class IngestBug(HubError):
    """An exception the readers do not raise for bad files: a bug in the hub, reported as such (500)."""

    code, status = "internal-error", 500

    def __init__(self, filename: str, exc: BaseException) -> None:
        super().__init__(f"ingesting {filename} failed on an internal error ({type(exc).__name__}), not on the "
                         "file's contents; nothing was stored. The traceback is in the hub's log: please report it")


@dataclass
class _Job:
    """One file on its way in: where it is, what reads it, under which dataset id, and the result so far."""

    path: Path
    filename: str
    info: Sniff
    detection: Detection
    mapping: Mapping | None
    report: RecordingReport
    result: IngestResult

    @property
    def adapter(self):
        return self.detection.adapter

    @property
    def dataset_id(self) -> str:
        return self.result.dataset_id or ""


def _source_ok(path: Path, filename: str, max_bytes: int | None, report: ValidationReport) -> bool:
    """The file exists and is within the caller's size limit (web uploads have one; the CLI streams any size)."""
    if not path.is_file():
        report.fail("source-error", f"{filename}: no such file")
        return False
    if max_bytes is not None and path.stat().st_size > max_bytes:
        report.fail("litter-too-large", f"{filename}: larger than the {max_bytes // 1024**2} MiB limit")
        return False
    return True


def _detect(path: Path, fmt: str, mapping: Mapping | Path | str | None, filename: str,
            report: ValidationReport) -> tuple[Sniff, Detection, Mapping | None] | None:
    """Sniff the file and choose its adapter (the user's mapping binds the generic one); None when refused."""
    try:
        if mapping is None:
            return (*resolve(path, fmt), None)
        if fmt not in ("auto", "generic"):
            report.fail("litter-mapping-error", f"a mapping is read by the generic format, not {fmt!r}: "
                        "use --format generic (or auto) with --mapping")
            return None
        bound = load_mapping(mapping)
        detection = Detection(get_adapter("generic").bind(bound), "format 'generic' with the mapping given by the user")
        return sniff(path), detection, bound
    except MappingError as exc:
        report.fail("litter-mapping-error", str(exc))
    except UnknownFormat as exc:
        report.fail("format-error", str(exc))
    except INPUT_ERRORS as exc:  # a detector choked on a broken file
        report_unreadable(report, filename, exc)
    return None


def _job(path: Path, filename: str, dataset_id: str | None,
         found: tuple[Sniff, Detection, Mapping | None], report: RecordingReport) -> _Job:
    info, detection, bound = found
    adapter = detection.adapter
    report.format, report.format_reason = adapter.name, detection.reason
    report.notes.extend(info.notes)
    dataset_id = slugify(dataset_id or default_dataset_id(adapter.name, filename))
    result = IngestResult(dataset_id, None, sha256_of(path), report, format=adapter.name)
    return _Job(path, filename, info, detection, bound, report, result)


def _kind_ok(job: _Job, report: ValidationReport) -> bool:
    """The file holds data of a kind the adapter reads (not empty, a table when it wants a table, ...)."""
    kinds = job.adapter.kinds
    if job.info.kind == "empty":
        report.fail("litter-empty-file", f"{job.filename} is empty: there is nothing to ingest", line=1)
    elif job.info.kind not in kinds:
        wanted = "a delimited text table" if tuple(kinds) == ("text",) else " or ".join(kinds)
        report.fail("format-error", f"{job.filename} is a {job.info.kind} file, but the {job.adapter.name} "
                    f"format is {wanted}")
    else:
        return True
    return False


def _validate_only(job: _Job) -> IngestResult:
    """Read and harmonise every batch, store nothing: the same report an ingest would give."""
    for batch in _read(job):
        _canonical(batch, job.dataset_id, 0, job.result.sha256)
    _require_rows(job)
    return job.result


def _copies_ok(hub: Hub, job: _Job, allow_copy: bool) -> bool:
    """The same bytes under another dataset id are refused unless the caller allows a copy."""
    copies = known_bytes.known_elsewhere(hub, job.result.sha256, job.dataset_id)
    if copies and not allow_copy:
        job.report.fail(known_bytes.CODE, known_bytes.message(copies, allowed=False))
        return False
    if copies:
        job.report.add(known_bytes.ALLOWED_CODE, known_bytes.message(copies, allowed=True))
    return True


def _read(job: _Job) -> Iterator[AdapterBatch]:
    """The adapter's batches; a file the readers cannot read ends the stream with a file-level error.

    Only `INPUT_ERRORS` are the file's fault: any other exception propagates as the bug it is."""
    try:
        yield from job.adapter.read(job.info, job.report)
    except INPUT_ERRORS as exc:
        report_unreadable(job.report, job.filename, exc)


def _require_rows(job: _Job) -> None:
    if job.report.rows_in == 0 and not job.report.fatal:
        job.report.fail("litter-no-data-rows", f"{job.filename} has a header but no data rows", line=2)


@dataclass
class _Tally:
    """What the staged batches add up to: the version's counts, date range, sites and effort gaps."""

    events: int = 0
    observations: int = 0
    date_min: Any = None
    date_max: Any = None
    no_effort: int = 0
    sites: list[pa.Table] = field(default_factory=list)

    def add(self, events: pa.Table, observations: pa.Table, sites: pa.Table) -> None:
        self.events += events.num_rows
        self.observations += observations.num_rows
        self.sites.append(sites)
        if events.num_rows:
            lo, hi = (v.as_py() for v in pc.min_max(events.column("event_date")).values())
            if lo is not None and (self.date_min is None or lo < self.date_min):
                self.date_min = lo
            if hi is not None and (self.date_max is None or hi > self.date_max):
                self.date_max = hi


def _store(hub: Hub, job: _Job, progress: Progress | None, actor: str) -> IngestResult:
    """Under the dataset's write lock: a no-op for identical bytes, else stage, publish and register the
    next version (the catalog commit in `_register` is the one step that makes it visible)."""
    unchanged = _unchanged(hub, job)
    if unchanged is not None:
        return unchanged
    version = _current_version(hub, job.dataset_id) + 1
    staged = hub.lake.stage(job.dataset_id, version)
    try:
        tally = _stage(job, staged, version, progress)
        if not job.report.usable:
            staged.abort()
            return job.result
        if not job.adapter.effort_expected and tally.no_effort:
            job.report.notes.append(f"{tally.no_effort} event(s) have no survey effort by design of the format: "
                                    "no densities")
        _write_quarantine(staged.tmp_dir, job.report, job.mapping)
        hub.raw.store(job.path, job.result.sha256)
        lake_path, checksums = staged.publish()
    except BaseException:
        staged.abort()
        raise
    try:
        _register(hub, job.dataset_id, version, job.result.sha256, job.filename, job.path.stat().st_size,
                  job.adapter, job.report, tally.events, tally.observations, tally.date_min, tally.date_max,
                  lake_path, checksums, tally.sites, actor)
    except BaseException:
        hub.lake.remove_version(job.dataset_id, version)
        raise
    job.result.version = version
    job.result.extra = {"events": tally.events, "observations": tally.observations}
    return job.result


def _unchanged(hub: Hub, job: _Job) -> IngestResult | None:
    """Identical bytes already ingested as a version of this dataset: say so and store nothing."""
    previous = _find_version_by_sha(hub, job.dataset_id, job.result.sha256)
    if previous is None:
        return None
    stored = ValidationReport(**{k: previous["report"][k] for k in ("rows_in", "rows_accepted", "rows_rejected")})
    stored.format = job.adapter.name
    stored.format_reason = job.detection.reason
    stored.notes.append(f"identical bytes already ingested as {job.dataset_id} version {previous['version']}")
    return IngestResult(job.dataset_id, previous["version"], job.result.sha256, stored, unchanged=True,
                        format=job.adapter.name)


def _stage(job: _Job, staged, version: int, progress: Progress | None) -> _Tally:
    """Harmonise every batch the adapter reads and write it into the staged lake version."""
    tally = _Tally()
    event_ids = KeyCounter()
    for batch in _read(job):
        events, observations, particles, dens = _canonical(batch, job.dataset_id, version, job.result.sha256)
        if not _unique_event_ids(events, event_ids, job.report):
            break
        job.report.settle(_accepted_lines(events, observations, particles))
        tally.no_effort += _effort_issues(events, dens, job.adapter.effort_expected, job.report)
        staged.write("events", events)
        staged.write("observations", observations)
        if particles is not None:
            staged.write("particles", particles)
        tally.add(events, observations, with_marine_regions(batch.sites.cast(SITE_SCHEMA)))
        if progress:
            progress(batch.events.num_rows)
    _require_rows(job)
    return tally


def _effort_issues(events: pa.Table, dens: Densities, effort_expected: bool, report: ValidationReport) -> int:
    """Warn about missing (when the format promises effort) and absurd survey effort; the events without any."""
    lines = events.column("source_line").to_numpy(zero_copy_only=False)
    missing = dens.effort_missing & ~_other_effort(events)
    if effort_expected:
        report.add_many("litter-effort-missing", lines[missing], "length",
                        "survey length or area is missing or zero: event kept, density left empty")
    report.add_many("litter-effort-absurd", lines[dens.effort_absurd], "length",
                    "survey length is implausible: event kept, density left empty")
    return int(missing.sum())


def _unique_event_ids(events: pa.Table, seen: KeyCounter, report: ValidationReport) -> bool:
    """Event ids must be unique in a dataset version: an adapter that yields the same id twice cannot tell
    which observations belong to which survey, so the file is refused cleanly instead of merging them."""
    ids = events.column("event_id").to_numpy(zero_copy_only=False).astype(str)  # no Python list of the ids
    repeat = seen.number(ids) > 0
    if not repeat.any():
        return True
    lines = events.column("source_line").to_numpy(zero_copy_only=False)[repeat]
    report.add_many("litter-duplicate-event-id", lines, None,
                    [f"survey id {i!r} occurs more than once; its rows cannot be told apart" for i in ids[repeat]])
    report.fatal = True
    return False


def _constant(value: Any, n: int, type_: pa.DataType) -> pa.Array:
    """A column of one repeated value, built by Arrow from a scalar (no Python list per row). `repeat` copies a
    string 3x faster than `fill_null` over a null array; for numbers `fill_null` is the faster of the two."""
    scalar = pa.scalar(value, type_)
    return pa.repeat(scalar, n) if pa.types.is_string(type_) else pa.nulls(n, type_).fill_null(scalar)


def _prefixed(prefix: str, values: pa.ChunkedArray) -> pa.Array:
    """`<prefix>:<value>` per row (null stays null), joined once per distinct value and taken back by index:
    observations repeat their event's id 40-60 times, and building every string anew cost more than the take."""
    encoded = pc.dictionary_encode(values).combine_chunks()
    return pc.take(pc.binary_join_element_wise(prefix, encoded.dictionary, ":"), encoded.indices)


def _canonical(batch: AdapterBatch, dataset_id: str, version: int, sha: str
               ) -> tuple[pa.Table, pa.Table, pa.Table | None, Densities]:
    """Stamp dataset, version and hub-wide event ids on an adapter batch and derive densities."""
    def stamp(table: pa.Table) -> pa.Table:
        n = table.num_rows
        table = table.append_column("event_id", _prefixed(dataset_id, table.column("source_event_id")))
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


REJECTED_FILE = "rejected.parquet"
MAPPING_FILE = "mapping.yaml"


def _accepted_lines(events: pa.Table, observations: pa.Table, particles: pa.Table | None):
    """Raw-file lines that made it into the lake (events, observations and particles all carry theirs)."""

    parts = [t.column("source_line").to_numpy(zero_copy_only=False) for t in (events, observations, particles)
             if t is not None and t.num_rows]
    if not parts:
        return np.empty(0, np.int64)
    lines = np.concatenate(parts).astype(np.int64)
    lo, hi = int(lines.min()), int(lines.max())
    if hi - lo > 4 * len(lines) + (1 << 20):  # sparse line numbers: sort instead of marking a range
        return np.unique(lines)
    seen = np.zeros(hi - lo + 1, bool)  # observations repeat their survey's line 40-60 times: mark, don't sort
    seen[lines - lo] = True
    return np.flatnonzero(seen) + lo


def _other_effort(events: pa.Table):
    """Events whose effort is an area, a volume or a dry mass (a length is not the only effort)."""

    has = np.zeros(events.num_rows, bool)
    for name in ("area_m2", "volume_m3", "dry_mass_kg"):
        v = pc.cast(events.column(name), pa.float64()).to_numpy(zero_copy_only=False).astype(float)
        with np.errstate(invalid="ignore"):
            has |= ~np.isnan(v) & (v > 0)
    return has


def _merge_flags(events: pa.Table, adapter_flags: pa.ChunkedArray) -> pa.Table:
    """qc_flags = the adapter's own flags followed by the density flags (vectorised list concatenation)."""

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
    """First row per site id in file order; coordinates from the first row that has them.

    File order is explicit (`ORDER BY` inside each aggregate): a plain `first()` over a parallel scan picks any
    row, so a beach whose surveys give slightly different coordinates got a different point from run to run."""

    table = pa.concat_tables(sites) if sites else SITE_SCHEMA.empty_table()
    table = table.append_column("_i", pa.array(np.arange(table.num_rows), pa.int64()))
    con = duck.connect()
    con.register("s", table)
    return con.sql(
        "SELECT site_id, first(name ORDER BY _i) AS name, "
        "first(lat ORDER BY _i) FILTER (WHERE lat IS NOT NULL) AS lat, "
        "first(lon ORDER BY _i) FILTER (WHERE lat IS NOT NULL) AS lon, first(country ORDER BY _i) AS country, "
        "first(region ORDER BY _i) AS region, first(compartment ORDER BY _i) AS compartment, "
        "first(source_programme ORDER BY _i) AS source_programme, first(source_key ORDER BY _i) AS source_key "
        "FROM s GROUP BY site_id ORDER BY site_id"
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
        with _sqlite_cache(conn, SQLITE_CACHE_KIB):
            inserted = _insert_new_sites(conn, site_rows)
            # every site new: the catalog now holds exactly these rows, so the summaries need not read them back
            known = site_rows.rename_columns(["id", *site_rows.column_names[1:]]) \
                if inserted == site_rows.num_rows else None
            summaries.write(conn, hub, dataset_id, version, known)  # this transaction: visible together or not at all
        conn.execute(insert(t.audit_log).values(
            at=now, actor=actor, action="dataset.version.published", target=f"dataset:{dataset_id}",
            detail={"version": version, "sha256": sha, "rows_in": report.rows_in,
                    "rows_accepted": report.rows_accepted, "rows_rejected": report.rows_rejected}))
        fault_point(hub.settings.fault, "before-commit")
    fault_point(hub.settings.fault, "after-commit")


# SQLite page cache while a version's sites and site summaries are inserted (KiB; SQLite's default is 2 MiB). Their
# indexes (point, grid cell) are filled in random key order, and with the default cache a 164 k-site TIDES file spent
# a quarter more CPU evicting and re-reading index pages. The connection's own value is restored afterwards.
SQLITE_CACHE_KIB = 65_536


@contextmanager
def _sqlite_cache(conn, kib: int) -> Iterator[None]:
    """A larger SQLite page cache on `conn` for the block (nothing on other databases)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


SITE_COLUMNS = ("id", "name", "lat", "lon", "country", "region", "compartment", "source_programme", "source_key")


def _insert_new_sites(conn, site_rows: pa.Table) -> int:
    """Insert the sites the catalog does not know yet (sites are shared across datasets, never overwritten).

    Plain tuples through the driver's executemany, one Arrow column at a time, and `ON CONFLICT DO NOTHING`
    (SQLite and PostgreSQL) instead of first asking which ids exist: a TIDES export brings tens of thousands of
    sites, and SQLAlchemy's per-row dict compilation, then the lookups, cost more than the rest of the commit.
    Returns how many rows were inserted as the driver counts them (-1 when it cannot say)."""
    if not site_rows.num_rows:
        return 0
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    site_id = site_rows.column("site_id")
    columns = [
        site_id, _or(site_rows.column("name"), site_id), site_rows.column("lat"), site_rows.column("lon"),
        site_rows.column("country"), site_rows.column("region"), _or(site_rows.column("compartment"), "beach"),
        site_rows.column("source_programme"), _or(site_rows.column("source_key"), ""),
    ]
    rows = list(zip(*(c.to_pylist() for c in columns), strict=True))
    result = conn.exec_driver_sql(f"INSERT INTO sites ({', '.join(SITE_COLUMNS)}) "  # noqa: S608 - fixed names
                                  f"VALUES ({', '.join([mark] * len(SITE_COLUMNS))}) ON CONFLICT (id) DO NOTHING",
                                  rows)
    return result.rowcount


def _or(column: pa.ChunkedArray, default: Any) -> pa.ChunkedArray:
    """`column`, with `default` where it is null or empty (Python's `value or default`, per row)."""
    return pc.if_else(pc.fill_null(pc.not_equal(column, ""), False), column, default)


def _vocab_version() -> str:
    from litterhub.harmonize.observations import vocabulary_version

    return vocabulary_version()
