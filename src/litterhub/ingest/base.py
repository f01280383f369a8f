"""What every programme adapter provides: detection, default metadata, and a stream of canonical batches.

An adapter reads one programme's export and yields `AdapterBatch`es whose tables follow the
canonical schemas (`litterhub.model.schema`), plus the sites it saw. It reports every problem into the
`ValidationReport` it is given. It never touches the catalog or the lake: `services.ingest` does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.cells import future, near_null_island, parse_number
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff
from litterhub.store import duck

if TYPE_CHECKING:
    from litterhub.ingest.mapping import Mapping

SITE_SCHEMA = pa.schema(
    [
        ("site_id", pa.string()),
        ("name", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("country", pa.string()),
        ("region", pa.string()),
        ("compartment", pa.string()),
        ("source_programme", pa.string()),
        ("source_key", pa.string()),
    ]
)


@dataclass(frozen=True)
class DatasetDefaults:
    """Metadata a dataset gets from its adapter unless the user gives better."""

    title: str
    description: str
    publisher: str
    licence: str
    citation: str
    source_programme: str
    protocol: str


@dataclass
class AdapterBatch:
    """Canonical rows from one chunk of input: events keyed by `source_event_id`, their observations, sites."""

    events: pa.Table
    observations: pa.Table
    sites: pa.Table
    particles: pa.Table | None = None


class Adapter(Protocol):
    """What the registry and `services.ingest` use of a format: every attribute is declared here."""

    name: str  # the --format value
    title: str  # one line for `litterhub formats` and the upload form
    priority: int  # --format auto asks lower values first (specific formats 50, default 100, generic last)
    kinds: tuple[str, ...]  # `Sniff.kind`s this format reads ("text", "xlsx", ...)
    effort_expected: bool  # False when the programme records no survey effort (no density warning then)
    personal_columns: tuple[str, ...]  # columns never read nor quarantined (personal data)

    def detect(self, info: Sniff) -> str | None:
        """A sentence saying why this file is in this adapter's format, or None."""

    def defaults(self, filename: str) -> DatasetDefaults: ...

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]: ...

    def bind(self, mapping: Mapping) -> Adapter:
        """This format with a user's mapping file; only the generic format takes one."""


class AdapterBase:
    """The defaults of `Adapter`'s declared attributes; every adapter class derives from it."""

    name: str
    title: str
    about: DatasetDefaults  # the dataset metadata it suggests; `title` may hold "{file}", the upload's name
    priority: int = 100
    kinds: tuple[str, ...] = ("text",)
    effort_expected: bool = True
    personal_columns: tuple[str, ...] = ()

    def defaults(self, filename: str) -> DatasetDefaults:
        return replace(self.about, title=self.about.title.format(file=Path(filename).name))

    def bind(self, mapping: Mapping) -> Adapter:
        raise TypeError(f"format {self.name!r} takes no mapping file")


def site_ids(programme: str, keys: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Stable site ids from a programme and its own site key: `s-` and the first 12 hex digits of
    sha1("<programme>|<key>") (a null key hashes as "None"), computed once per distinct key.

    Text keys are hashed by DuckDB's `sha1` in one statement (a TIDES batch has tens of thousands of distinct
    GPS keys, and Python's hashlib per key was a tenth of the adapter); other key types go through Python."""
    encoded = pc.dictionary_encode(keys, null_encoding="encode")
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks() if encoded.num_chunks else pa.DictionaryArray.from_arrays(
            pa.array([], pa.int32()), pa.array([], keys.type))
    uniques = encoded.dictionary
    if pa.types.is_string(uniques.type) or pa.types.is_large_string(uniques.type):
        con = duck.connect()
        try:
            con.register("site_keys", pa.table({"i": np.arange(len(uniques)), "k": uniques.cast(pa.string())}))
            ids = con.sql("SELECT 's-' || left(sha1(? || '|' || coalesce(k, 'None')), 12) AS id FROM site_keys "
                          "ORDER BY i", params=[programme]).to_arrow_table().column("id").combine_chunks()
        finally:
            con.close()
    else:
        ids = pa.array(["s-" + hashlib.sha1(f"{programme}|{k}".encode()).hexdigest()[:12]
                        for k in uniques.to_pylist()], pa.string())
    return pc.take(ids.cast(pa.string()), encoded.indices)


class RowFingerprints:
    """Detects exact duplicate rows across the whole file with 64-bit row hashes (8 bytes per row kept)."""

    def __init__(self) -> None:
        self._seen = np.empty(0, dtype=np.uint64)
        self._con = duck.connect()

    def duplicates(self, batch: pa.RecordBatch, columns: list[str]) -> np.ndarray:
        """Mask of rows that repeat an earlier row (earlier in this batch or in a previous one)."""
        if batch.num_rows == 0:
            return np.zeros(0, bool)
        self._con.register("batch_rows", pa.Table.from_batches([batch]))
        cols = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
        hashes = self._con.execute(f"SELECT hash({cols}) AS h FROM batch_rows").fetchnumpy()["h"]  # noqa: S608
        self._con.unregister("batch_rows")
        hashes = np.asarray(hashes, dtype=np.uint64)
        _, first = np.unique(hashes, return_index=True)
        dup = np.ones(len(hashes), bool)
        dup[first] = False
        if len(self._seen):  # membership by binary search in the sorted history: O(batch log n), no rehash
            pos = np.minimum(np.searchsorted(self._seen, hashes), len(self._seen) - 1)
            dup |= self._seen[pos] == hashes
        new = np.sort(hashes[~dup])
        self._seen = np.insert(self._seen, np.searchsorted(self._seen, new), new)  # one O(n) merge per batch
        return dup


class KeyCounter:
    """Numbers repeated keys (same site and date) across batches: 0 for the first, 1 for the next, ...

    The keys seen so far are kept as a few sorted runs with a count per key (a key lives in exactly one run), so
    a batch is numbered with NumPy alone (unique, binary search per run), never a Python loop over its keys.
    A batch's new keys become a run; runs of similar size are merged, so each key is copied O(log n) times
    (one sorted array updated in place per batch would copy the whole history every batch: quadratic)."""

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted distinct keys, count of each)

    def number(self, keys: np.ndarray) -> np.ndarray:
        keys = np.asarray(keys)
        if keys.dtype == object:
            keys = keys.astype(str)
        if keys.dtype.kind == "U":
            keys = _utf8(keys)
        if len(keys) == 0:
            return np.zeros(0, dtype=np.int64)
        uniques, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))  # where each key's run begins in `order`
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(order)) - np.repeat(starts, counts)
        offsets = np.zeros(len(uniques), dtype=np.int64)
        new = np.ones(len(uniques), dtype=bool)
        for run_keys, run_counts in self._runs:
            pos = np.minimum(np.searchsorted(run_keys, uniques), len(run_keys) - 1)
            found = run_keys[pos] == uniques
            offsets[found] = run_counts[pos[found]]
            run_counts[pos[found]] += counts[found]
            new &= ~found
        if new.any():
            self._runs.append((uniques[new], counts[new].astype(np.int64)))
            self._merge()
        return rank + offsets[inverse]

    def _merge(self) -> None:
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (a, ca), (b, cb) = self._runs.pop(), self._runs.pop()
            at = np.searchsorted(b, a)  # keys of different runs are distinct: a linear merge of two sorted runs
            wider = np.promote_types(a.dtype, b.dtype)  # a longer key must not be truncated
            self._runs.append((np.insert(b.astype(wider, copy=False), at, a), np.insert(cb, at, ca)))


def _utf8(keys: np.ndarray) -> np.ndarray:
    """Text keys as UTF-8 bytes (`S` dtype): equal exactly when the strings are (both dtypes drop trailing NULs, and
    only a NUL encodes to a NUL byte), and sorted and compared 3x faster than 4-byte code points."""
    try:
        return keys.astype("S")  # ASCII, the common case, without a per-key encode
    except UnicodeEncodeError:
        return np.char.encode(keys, "utf-8")


def flag_cells(report: ValidationReport, mask: np.ndarray, lines: np.ndarray, column: str, code: str,
          values: pa.Array, template: str) -> None:
    """Report every row where `mask` is set, quoting the offending cell in the message."""
    if not mask.any():
        return
    rows = np.flatnonzero(mask)
    texts = values.take(pa.array(rows)).to_pylist()
    report.add_many(code, lines[rows], column, [template.format(t) for t in texts])


def flag_lists(masks: dict[str, np.ndarray], n: int) -> pa.ListArray:
    """Per-event qc_flags lists from boolean masks (one vectorised step; the service appends density flags)."""
    names = list(masks)
    grid = np.column_stack([masks[k] for k in names]) if names else np.zeros((n, 0), bool)
    offsets = np.concatenate(([0], np.cumsum(grid.sum(axis=1)))).astype(np.int32)
    values = np.tile(np.array(names, dtype=object), n)[grid.ravel()] if names else np.array([], dtype=object)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.string()))


_SITE_FIELDS = ("lat", "lon", "country", "region", "compartment")


def sites_table(site_id: pa.Array | pa.ChunkedArray, name: pa.Array | pa.ChunkedArray, events: pa.Table | None,
                programme: str, source_key: pa.Array | pa.ChunkedArray, **overrides: object) -> pa.Table:
    """The sites table (`SITE_SCHEMA`) of one batch: one row per event.

    lat, lon, country, region and compartment come from `overrides` when given there (None meaning
    all-null), else from the same-named column of `events`, else they are null.
    """
    unknown = set(overrides) - set(_SITE_FIELDS)
    if unknown:
        raise TypeError(f"sites_table: unknown site fields {sorted(unknown)}")
    n = len(site_id)
    cols: dict[str, object] = {"site_id": site_id, "name": name}
    for field in _SITE_FIELDS:
        type_ = SITE_SCHEMA.field(field).type
        if field in overrides:
            value = overrides[field]
            cols[field] = pa.nulls(n, type_) if value is None else value
        elif events is not None and field in events.column_names:
            cols[field] = events.column(field)
        else:
            cols[field] = pa.nulls(n, type_)
    cols["source_programme"] = pa.array([programme] * n, pa.string())
    cols["source_key"] = source_key
    return pa.table(cols).cast(SITE_SCHEMA)


def number_column(batch: pa.RecordBatch, column: str, lines: np.ndarray, report: ValidationReport,
                  not_recorded: str | None = None) -> np.ndarray:
    """A numeric field (NaN where absent); other non-numeric cells are reported as type-errors.

    A missing column gives all-NaN. `not_recorded` is a marker (compared trimmed, case-insensitively)
    that stands for 'not recorded' and is not reported.
    """
    if column not in batch.schema.names:
        return np.full(batch.num_rows, np.nan)
    parsed = parse_number(batch.column(column))
    invalid = parsed.invalid
    if not_recorded is not None:
        marker = pc.equal(pc.utf8_upper(pc.utf8_trim_whitespace(batch.column(column))), not_recorded.upper())
        invalid = invalid & ~marker.to_numpy(zero_copy_only=False)
    flag_cells(report, invalid, lines, column, "type-error", batch.column(column),
               "{!r} is not a number; treated as missing")
    return parsed.values


def missing_required(info: Sniff, required: list[str], what: str, report: ValidationReport) -> bool:
    """Fail the file (missing-label, line 1) when required columns are absent; True when some are."""
    missing = [c for c in required if c not in info.header]
    if missing:
        report.fail("missing-label", f"required {what} column(s) missing: {', '.join(missing)}", line=1)
    return bool(missing)


def duplicate_rows(fingerprints: RowFingerprints, batch: pa.RecordBatch, names: list[str], lines: np.ndarray,
                   report: ValidationReport, exclude: np.ndarray | None = None) -> np.ndarray:
    """Count the batch's rows in and report rows repeating an earlier row exactly (kept once); the repeat mask.

    Rows in `exclude` (e.g. a totals footer, already reported as such) are never called duplicates.
    """
    report.rows_in += batch.num_rows
    dup = fingerprints.duplicates(batch, names)
    if exclude is not None:
        dup &= ~exclude
    report.add_many("duplicate-row", lines[dup], None, "this row repeats an earlier row exactly; kept once")
    return dup


def kept_rows(bad: np.ndarray, report: ValidationReport) -> np.ndarray:
    """Count the batch's rejected (`bad`) and accepted rows; the mask of rows kept."""
    keep = ~bad
    report.rows_rejected += int(bad.sum())
    report.rows_accepted += int(keep.sum())
    return keep


def blank_null_island(lat: np.ndarray, lon: np.ndarray, oor: np.ndarray, lines: np.ndarray, column: str,
                      report: ValidationReport, what: str = "location") -> np.ndarray:
    """In-range coordinates near (0, 0) are reported as suspect and set to NaN in place; the mask of those rows."""
    island = near_null_island(lat, lon) & ~oor
    report.add_many("litter-coordinates-suspect", lines[island], column, f"coordinates near (0, 0): {what} left empty")
    lat[island] = np.nan
    lon[island] = np.nan
    return island


def future_dates(report: ValidationReport, dates: np.ndarray, lines: np.ndarray, batch: pa.RecordBatch,
                 column: str) -> np.ndarray:
    """Dates after today (UTC), each reported as litter-future-date quoting its cell; the mask of those rows."""
    fut = future(dates)
    flag_cells(report, fut, lines, column, "litter-future-date", batch.column(column), "date {!r} lies in the future")
    return fut


def report_bad_records(rejected: list, report: ValidationReport) -> None:
    """Rows the CSV reader could not split (truncated or extra cells) are rejected with their line."""
    for rec in rejected:
        code = "missing-cell" if rec.actual < rec.expected else "extra-cell"
        report.add(code, f"row has {rec.actual} cells, the header has {rec.expected}", line=rec.line)
    report.rows_in += len(rejected)
    report.rows_rejected += len(rejected)
