"""The shared body of every table-shaped adapter (one row per survey, sample or photo), read in batches.

Contract: `TabularAdapter.read` runs the same steps on every batch, in this order, and reports every bad
cell into the user's report (never into a throwaway one):

1. count the rows in; reject rows that are not surveys (`summary_rows`, e.g. a totals footer) and rows that
   repeat an earlier row exactly (`base.duplicate_rows`);
2. the survey date (`dates`, declared by `date`); future dates reject the row;
3. the position (`coordinates`, declared by `lat`/`lon`): out of range rejects, near (0, 0) is blanked;
4. optional numbers (`measure`, declared by `numbers`): a bad cell is reported and kept as missing;
5. item counts (`items`): a non-numeric or negative count rejects the row;
6. the adapter's own checks (`check`), then the accepted rows are counted;
7. accepted rows become sites (`site_key`, `site_name`), the format's own event columns (`columns`), event
   keys (`event_keys`: repeats of a key are numbered `-1`, `-2`, ... and reported) and observations
   (`observations`).

An adapter declares its facts as class attributes (`programme`, `about`, `required`, `date`, `lat`/`lon`,
`numbers`, `event_key`, `site_name`) and overrides a hook only for what is truly its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import (
    AdapterBase,
    AdapterBatch,
    KeyCounter,
    RowFingerprints,
    blank_null_island,
    duplicate_rows,
    flag_cells,
    future_dates,
    kept_rows,
    missing_required,
    number_column,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import Parsed, out_of_range, parse_date
from litterhub.ingest.columns import const, floats, number
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn, ItemMatrix, parse_items, totals, unpivot


@dataclass(frozen=True)
class DateColumn:
    """The survey date: one column in one explicit `strptime` format (never guessed)."""

    column: str
    format: str  # for `cells.parse_date`, unless `parser` is given
    label: str  # how the format reads in the message: "date '1/2' is not YYYY-MM-DD"
    blank_message: str | None = None  # a blank date as required-value with this message (else a type-error)
    parser: Callable[[pa.Array], Parsed] | None = None  # a format strptime cannot state (US dates with a time)


@dataclass(frozen=True)
class EventKey:
    """Where a repeated event key is reported, and how its repeats are numbered."""

    column: str
    message: str
    separator: str = "-"


@dataclass
class FileState:
    """What one file remembers across its batches; adapters with more to remember subclass it."""

    names: list[str]
    items: list[ItemColumn]
    fingerprints: RowFingerprints = field(default_factory=RowFingerprints)
    keys: KeyCounter = field(default_factory=KeyCounter)


@dataclass
class Rows:
    """One batch while it is validated: its cells, their source lines, the report and the reject mask."""

    batch: pa.RecordBatch
    lines: np.ndarray
    report: ValidationReport
    bad: np.ndarray
    skip: np.ndarray | None = None  # rows that are not surveys (`summary_rows`): rejected, not checked further

    def has(self, column: str) -> bool:
        return column in self.batch.schema.names

    def flag(self, mask: np.ndarray, column: str, code: str, template: str, reject: bool = True,
             quote: str | None = None) -> np.ndarray:
        """Report the rows of `mask` quoting their `quote` (default `column`) cell; reject them unless told not."""
        flag_cells(self.report, mask, self.lines, column, code, self.batch.column(quote or column), template)
        if reject:
            self.bad |= mask
        return mask

    def number(self, column: str, not_recorded: str | None = None) -> np.ndarray:
        """An optional number (NaN where absent or bad; bad cells reported, the row kept)."""
        return number_column(self.batch, column, self.lines, self.report, not_recorded)

    def parsed(self, column: str, **options: Any) -> Parsed:
        """A number with its blank/invalid masks (`columns.number`); bad cells reported, the caller rejects."""
        return number(self.batch, column, self.lines, self.report, **options)


@dataclass
class Survey:
    """The accepted rows of one batch and everything parsed for them (all arrays already cut to them)."""

    rows: pa.RecordBatch
    lines: np.ndarray
    report: ValidationReport
    state: FileState
    day: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    numbers: dict[str, np.ndarray]
    values: np.ndarray  # item counts [row, item], NaN = blank
    site_key: pa.Array | None = None
    site_id: pa.Array | None = None
    event_keys: pa.Array | None = None
    _total: tuple[np.ndarray, np.ndarray] | None = field(default=None, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, column: str) -> bool:
        return column in self.rows.schema.names

    def text(self, column: str) -> pa.Array:
        """The trimmed column, all-null when the file does not have it."""
        return pc.utf8_trim_whitespace(self.rows.column(column)) if self.has(column) else self.nulls()

    def raw(self, column: str) -> pa.Array:
        """The column as written, all-null when the file does not have it."""
        return self.rows.column(column) if self.has(column) else self.nulls()

    def nulls(self) -> pa.Array:
        return pa.nulls(len(self), pa.string())

    def const(self, value: object, type_: pa.DataType = pa.string()) -> pa.Array:
        return const(len(self), value, type_)

    def country(self, column: str, template: str = "country {!r} not recognised",
                values: pa.Array | None = None) -> pa.Array:
        """ISO alpha-3 of a country column (null when absent); each unrecognised name reported once."""
        if values is None and not self.has(column):
            return self.nulls()
        alpha3, unknown = column_to_alpha3(self.text(column) if values is None else values)
        for name in unknown:
            self.report.add("litter-unknown-country", template.format(name), column=column)
        return alpha3

    def total(self) -> np.ndarray:
        """Total count per survey; computed once (adapters check it against the file's total, then it is stored)."""
        if self._total is None or self._total[0] is not self.values:
            self._total = (self.values, totals(self.values, self.state.items))
        return self._total[1]


def site_day(site: pa.Array, day: np.ndarray) -> np.ndarray:
    """`<site>/<YYYY-MM-DD>` keys (one survey per site and day unless the file repeats it)."""
    return np.char.add(np.char.add(np.asarray(site.to_pylist(), dtype=str), "/"), day.astype(str))


class TabularAdapter(AdapterBase):
    """Declarations plus hooks; `read` and `batch` are the shared body (see the module's contract)."""

    programme: str
    required: tuple[str, ...] = ()  # columns without which the file is refused (missing-label, line 1)
    required_what: str = ""  # the format's name in that message
    date: DateColumn | None = None
    lat: str | None = None
    lon: str | None = None
    location_what: str = "location"  # what a (0, 0) position leaves empty, in the warning
    numbers: tuple[str, ...] = ()  # optional number columns, bad cells reported and kept as missing
    not_recorded: str | None = None  # the programme's 'not recorded' marker in those columns
    event_key: EventKey | None = None  # None: the adapter's `event_keys` are unique by construction
    site_name: str | None = None  # the column naming a site (trimmed); None: the site key

    # -- the shared body ------------------------------------------------------------------------------------
    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if self.required and missing_required(info, list(self.required), self.required_what, report):
            return
        opened = self.open(info, report)
        if opened is None:
            return
        names, batches, rejected = opened
        state = self.start(names, report)
        if report.fatal:  # the columns cannot be read as this format (reported by `start`)
            return
        for batch, lines in batches:
            yield self.batch(Rows(batch, lines, report, np.zeros(batch.num_rows, bool)), state)
        self.refused(info, rejected, state, report)
        self.finish(state, report)

    def batch(self, rows: Rows, state: FileState) -> AdapterBatch:
        rows.skip = self.summary_rows(rows, state)
        rows.bad = rows.skip | duplicate_rows(state.fingerprints, rows.batch, state.names, rows.lines, rows.report,
                                              exclude=rows.skip)
        day = self.dates(rows, state)
        lat, lon = self.coordinates(rows)
        numbers = self.measure(rows)
        matrix = parse_items(rows.batch, state.items, rows.lines, rows.report)
        rows.bad |= matrix.bad_row
        self.check(rows, state, matrix)
        keep = kept_rows(rows.bad, rows.report)
        clean = bool(keep.all())  # the usual batch: no copy of its cells and counts
        s = Survey(rows.batch if clean else rows.batch.filter(pa.array(keep)), rows.lines[keep], rows.report, state,
                   day[keep], lat[keep], lon[keep], {c: v[keep] for c, v in numbers.items()},
                   matrix.values if clean else matrix.values[keep])
        self.accepted(s)
        s.site_key = self.site_key(s)
        s.site_id = site_ids(self.programme, s.site_key)
        own = self.columns(s)
        s.event_keys = self.event_keys(s)
        events = pa.table({
            "source_event_id": s.event_keys, "site_id": s.site_id, "event_date": pa.array(s.day, pa.date32()),
            "lat": floats(s.lat), "lon": floats(s.lon), "total_count": pa.array(s.total()),
            **own, "source_line": pa.array(s.lines, pa.int64()),
        })
        return AdapterBatch(events, self.observations(s), self.sites(s, events))

    def suffixed(self, s: Survey, base: np.ndarray, declared: EventKey | None = None) -> pa.Array:
        """Event keys from their base: the n-th repeat of a base in the file gets `<sep>n` and is reported."""
        declared = declared or self.event_key
        assert declared is not None, f"{self.name}: declare event_key to number repeated keys"
        seq = s.state.keys.number(base)
        repeat = seq > 0
        s.report.add_many("litter-duplicate-event", s.lines[repeat], declared.column, declared.message)
        return pa.array(np.where(repeat, np.char.add(np.char.add(base, declared.separator), seq.astype(str)), base),
                        pa.string())

    # -- hooks: override only what the format does its own way ---------------------------------------------
    def open(self, info: Sniff, report: ValidationReport) -> tuple[list[str], Iterator, list] | None:
        """The column names, the (batch, lines) stream and the rows the reader refused."""
        return open_table(info)

    def items(self, names: list[str], report: ValidationReport) -> list[ItemColumn]:
        """The item count columns of this file (notes about skipped columns go to the report)."""
        return []

    def start(self, names: list[str], report: ValidationReport) -> FileState:
        return FileState(names, self.items(names, report))

    def summary_rows(self, rows: Rows, state: FileState) -> np.ndarray:
        """Rows that are not surveys (a totals footer): the adapter reports them; they are rejected."""
        return np.zeros(rows.batch.num_rows, bool)

    def dates(self, rows: Rows, state: FileState) -> np.ndarray:
        assert self.date is not None, f"{self.name}: declare date or override dates()"
        return self.declared_date(rows, self.date)

    @staticmethod
    def declared_date(rows: Rows, d: DateColumn) -> np.ndarray:
        """Parse, report and reject bad, blank and future dates of a `DateColumn`."""
        col = rows.batch.column(d.column)
        parsed = d.parser(col) if d.parser else parse_date(col, d.format)
        if d.blank_message is None:
            rows.flag(parsed.invalid | parsed.blank, d.column, "type-error", "date {!r} is not " + d.label)
        else:
            rows.flag(parsed.invalid, d.column, "type-error", "date {!r} is not " + d.label)
            rows.report.add_many("required-value", rows.lines[parsed.blank], d.column, d.blank_message)
            rows.bad |= parsed.blank
        rows.bad |= future_dates(rows.report, parsed.values, rows.lines, rows.batch, d.column)
        return parsed.values

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude columns; out-of-range rejects the row, (0, 0) is reported and blanked."""
        if self.lat is None or self.lon is None:
            return np.full(rows.batch.num_rows, np.nan), np.full(rows.batch.num_rows, np.nan)
        lat = rows.number(self.lat, self.not_recorded)
        lon = rows.number(self.lon, self.not_recorded)
        oor = rows.flag(out_of_range(lat, lon), self.lat, "litter-coordinates-out-of-range",
                        "latitude {!r} / longitude out of range")
        blank_null_island(lat, lon, oor, rows.lines, self.lat, rows.report, self.location_what)
        return lat, lon

    def measure(self, rows: Rows) -> dict[str, np.ndarray]:
        return {c: rows.number(c, self.not_recorded) for c in self.numbers}

    def check(self, rows: Rows, state: FileState, matrix: ItemMatrix) -> None:
        """The format's own row checks (set `rows.bad`), after items and before rows are counted."""

    def accepted(self, s: Survey) -> None:
        """Per-file tallies and checks on the accepted rows (totals against the file's own)."""

    def site_key(self, s: Survey) -> pa.Array:
        raise NotImplementedError

    def event_keys(self, s: Survey) -> pa.Array:
        """Default: site id and date, repeats numbered (`suffixed`)."""
        return self.suffixed(s, site_day(s.site_id, s.day))

    def columns(self, s: Survey) -> dict[str, Any]:
        """The format's own event columns (protocol, compartment, effort, ...)."""
        return {}

    def observations(self, s: Survey) -> pa.Table:
        return unpivot(s.values, s.state.items, s.event_keys, s.lines)

    def sites(self, s: Survey, events: pa.Table) -> pa.Table:
        name = s.text(self.site_name) if self.site_name else s.site_key
        return sites_table(s.site_id, name, events, self.programme, s.site_key)

    def refused(self, info: Sniff, rejected: list, state: FileState, report: ValidationReport) -> None:
        """Rows the reader could not split (truncated, extra cells): rejected with their line."""
        report_bad_records(rejected, report)

    def finish(self, state: FileState, report: ValidationReport) -> None:
        """Notes once the whole file is read."""
