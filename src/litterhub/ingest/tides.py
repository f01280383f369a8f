"""Ocean Conservancy TIDES / Clean Swell export: one row per cleanup, ICC data-card item names as columns.

Format facts (docs/formats-batch1.md): `Pounds` is in pounds (x 0.45359237 -> kg) and `Miles` in statute
miles (x 1609.344 -> m); `Miles` = 0 (about half the rows) means no usable length, so no per-100 m density.
`GPS` is one `"lat, lon"` string. `Cleanup Date` is ISO (`2023-01-01`) in some exports and US
month/day/year (`11/16/2022`) in others: both are parsed explicitly and the report says which were seen
(a day/month reading is never tried). An empty item cell means 0. Fishing line and rope are counted per
yard/metre, not per item: kept in the totals as the data card does, flagged on the observation. Some
exports end with a `Totals:` footer row; it is not a cleanup, it is checked against the column sums.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import (
    AdapterBatch,
    DatasetDefaults,
    KeyCounter,
    RowFingerprints,
    blank_null_island,
    flag_cells,
    kept_rows,
    missing_required,
    number_column,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import future, out_of_range, parse_date, parse_number
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.report import CODES, ValidationReport
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn, check_total, parse_items, totals, unpivot

CODES.setdefault("litter-summary-row", ("error", "A totals/summary row is not a survey"))

POUND_KG = 0.45359237
MILE_M = 1609.344
PROGRAMME = "Ocean Conservancy TIDES"
REQUIRED = ["Cleanup ID", "Cleanup Date", "GPS", "Pounds", "Miles"]
META = {"Cleanup ID", "Zone", "State", "Country", "GPS", "Cleanup Type", "Environment", "Cleanup Date",
        "Group Name", "Adults", "Children", "People", "Pounds", "Miles", "# of bags", "Total Items Collected"}
DATE_FORMATS = (("%Y-%m-%d", "ISO YYYY-MM-DD"), ("%m/%d/%Y", "US M/D/YYYY"))
GPS_RE = r"^\s*(?P<lat>[-+]?\d+(?:\.\d+)?)\s*[,;]\s*(?P<lon>[-+]?\d+(?:\.\d+)?)\s*$"
FOOTER = re.compile(r"^\s*\"?totals?\s*:?\"?\s*(,|;|\t|$)", re.IGNORECASE)
PER_LENGTH = re.compile(r"1 yard/met(er|re)", re.IGNORECASE)
COMPARTMENTS = {"beach": "beach", "underwater": "seafloor", "watercraft": "surface-water", "land": "land",
                "inland": "land", "marine": "beach"}


class Tides:
    name = "tides"
    title = "Ocean Conservancy TIDES / Clean Swell cleanup export (wide, ICC data card)"
    priority = 50

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        header = set(info.header)
        if {"Cleanup ID", "Cleanup Date", "Pounds", "Miles"} <= header:
            items = [h for h in info.header if h not in META]
            return (f"columns Cleanup ID, Cleanup Date, Pounds, Miles and {len(items)} ICC data-card item columns "
                    "are the Ocean Conservancy TIDES / Clean Swell export layout")
        return None

    def defaults(self, filename: str) -> DatasetDefaults:
        return DatasetDefaults(
            title=f"Ocean Conservancy TIDES cleanups ({Path(filename).name})",
            description="Cleanups recorded with the Ocean Conservancy International Coastal Cleanup data card "
            "(TIDES database / Clean Swell app). Cleanups are not standardised surveys: use them for composition "
            "and totals, not for per-100 m trends.",
            publisher="Ocean Conservancy",
            licence="LicenseRef-OceanConservancy-TIDES-terms",
            citation="Ocean Conservancy. Trash Information and Data for Education and Solutions (TIDES), "
            "International Coastal Cleanup data. https://www.coastalcleanupdata.org/",
            source_programme=PROGRAMME,
            protocol="Ocean Conservancy ICC data card (TIDES / Clean Swell)",
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if missing_required(info, REQUIRED, "TIDES", report):
            return
        names, batches, rejected = open_table(info)
        items = [ItemColumn(c, "oc-icc", c, name=c) for c in names if c not in META]
        state = _FileState(items)
        report.notes.append("Pounds converted to kg (x 0.45359237), Miles to metres (x 1609.344); "
                            "empty item cells mean 0")
        per_length = [it.column for it in items if PER_LENGTH.search(it.column)]
        if per_length:
            report.notes.append(f"{', '.join(per_length)}: counted per yard/metre of line, not per item "
                                "(kept in totals as on the data card; observations flagged litter-count-per-length)")
        for batch, lines in batches:
            yield self._batch(batch, lines, items, names, state, report)
        footers = [r for r in rejected if FOOTER.match(r.text)]
        report_bad_records([r for r in rejected if not FOOTER.match(r.text)], report)
        for rec in footers:  # a Totals row with fewer cells than the header: still a footer, not a bad cleanup
            report.rows_in += 1
            report.rows_rejected += 1
            report.add("litter-summary-row", "'Totals' footer row: not a cleanup (checked against the column sums "
                       "instead)", line=rec.line, column="Cleanup ID")
            state.footer_from_text(info, rec.line)
        state.finish(report)

    def _batch(self, batch: pa.RecordBatch, lines: np.ndarray, items: list[ItemColumn], names: list[str],
               state: _FileState, report: ValidationReport) -> AdapterBatch:
        n = batch.num_rows
        report.rows_in += n
        ids = pc.utf8_trim_whitespace(batch.column("Cleanup ID"))
        footer = pc.fill_null(pc.match_substring_regex(ids, r"(?i)^totals?\s*:?$"), False).to_numpy(
            zero_copy_only=False)
        bad = footer.copy()
        if footer.any():
            report.add_many("litter-summary-row", lines[footer], "Cleanup ID",
                            "'Totals' footer row: not a cleanup (checked against the column sums instead)")
            state.footer_lines.extend(int(x) for x in lines[footer])
            state.footer = parse_items(batch.filter(pa.array(footer)), items, lines[footer],
                                       ValidationReport()).values.sum(axis=0)

        dup = state.fingerprints.duplicates(batch, names) & ~footer
        report.add_many("duplicate-row", lines[dup], None, "this row repeats an earlier row exactly; kept once")
        bad |= dup

        day = self._dates(batch.column("Cleanup Date"), lines, ~footer, state, report)
        bad |= np.isnat(day) & ~footer
        fut = future(day)
        flag_cells(report, fut, lines, "Cleanup Date", "litter-future-date", batch.column("Cleanup Date"),
                   "date {!r} lies in the future")
        bad |= fut

        lat, lon = self._gps(batch.column("GPS"), lines, report)
        oor = out_of_range(lat, lon)
        flag_cells(report, oor, lines, "GPS", "litter-coordinates-out-of-range", batch.column("GPS"),
                   "GPS {!r} is outside the valid latitude/longitude range")
        bad |= oor
        blank_null_island(lat, lon, oor, lines, "GPS", report)

        effort = {c: number_column(batch, c, lines, report) for c in
                  ("Pounds", "Miles", "People", "Adults", "Children", "Total Items Collected")}
        matrix = parse_items(batch, items, lines, report)
        bad |= matrix.bad_row & ~footer
        keep = kept_rows(bad, report)

        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        values = matrix.values[keep]
        state.column_sums += np.nan_to_num(values, nan=0.0).sum(axis=0)
        total = totals(values, items)
        src_total = effort["Total Items Collected"][keep]
        check_total(report, kept_lines, src_total, total, "Total Items Collected")

        m = len(kept_lines)
        event_id = pc.utf8_trim_whitespace(sub.column("Cleanup ID")).to_numpy(zero_copy_only=False).astype(str)
        seq = state.keys.number(event_id)
        repeat = seq > 0
        report.add_many("litter-duplicate-event", kept_lines[repeat], "Cleanup ID",
                        "Cleanup ID seen before with different values: kept as a separate cleanup")
        event_keys = pa.array(np.where(repeat, np.char.add(np.char.add(event_id, "-"), seq.astype(str)), event_id),
                              pa.string())
        klat, klon = lat[keep], lon[keep]
        zone = pc.utf8_trim_whitespace(sub.column("Zone")) if "Zone" in names else pa.nulls(m, pa.string())
        site_key = self._site_key(klat, klon, zone)
        sid = site_ids(PROGRAMME, site_key)
        country, unknown = column_to_alpha3(pc.utf8_trim_whitespace(sub.column("Country"))) \
            if "Country" in names else (pa.nulls(m, pa.string()), [])
        for name in unknown:
            report.add("litter-unknown-country", f"country {name!r} not recognised", column="Country")
        ctype = pc.utf8_lower(pc.utf8_trim_whitespace(sub.column("Cleanup Type"))) if "Cleanup Type" in names \
            else pa.nulls(m, pa.string())
        compartment = _lookup(ctype, COMPARTMENTS)
        region = pc.utf8_trim_whitespace(sub.column("State")) if "State" in names else pa.nulls(m, pa.string())
        people = effort["People"][keep]
        people = np.where(np.isnan(people), effort["Adults"][keep] + np.nan_to_num(effort["Children"][keep]), people)
        events = pa.table(
            {
                "source_event_id": event_keys,
                "site_id": sid,
                "event_date": pa.array(day[keep], pa.date32()),
                "event_type": pa.array(["cleanup"] * m, pa.string()),
                "protocol": pa.array(["Ocean Conservancy ICC data card (TIDES / Clean Swell)"] * m, pa.string()),
                "compartment": compartment,
                "quality_tier": pa.array(["citizen-science"] * m, pa.string()),
                "lat": pa.array(klat, pa.float64(), from_pandas=True),
                "lon": pa.array(klon, pa.float64(), from_pandas=True),
                "country": country,
                "region": region,
                "length_m": pa.array(effort["Miles"][keep] * MILE_M, pa.float64(), from_pandas=True),
                "total_mass_kg": pa.array(effort["Pounds"][keep] * POUND_KG, pa.float64(), from_pandas=True),
                "people": pa.array(people, pa.float64(), from_pandas=True).cast(pa.int32()),
                "total_count": pa.array(total),
                "source_total": pa.array(src_total, pa.float64(), from_pandas=True),
                "source_line": pa.array(kept_lines, pa.int64()),
            }
        )
        observations = _flag_per_length(unpivot(values, items, event_keys, kept_lines))
        name = pc.if_else(pc.is_null(zone), site_key, zone) if m else zone
        sites = sites_table(sid, name, events, PROGRAMME, site_key, country=country, region=region,
                            compartment=compartment)
        return AdapterBatch(events, observations, sites)

    @staticmethod
    def _dates(col: pa.Array, lines: np.ndarray, rows: np.ndarray, state: _FileState,
               report: ValidationReport) -> np.ndarray:
        """ISO or US month/day/year, each parsed with its own explicit format; anything else is rejected."""
        out = np.full(len(col), np.datetime64("NaT"), dtype="datetime64[D]")
        invalid = np.ones(len(col), bool)
        blank = None
        for fmt, label in DATE_FORMATS:
            parsed = parse_date(col, fmt)
            blank = parsed.blank
            hit = ~np.isnat(parsed.values) & np.isnat(out)
            if (hit & rows).any():
                state.formats.add(label)
            out = np.where(hit, parsed.values, out)
            invalid &= ~hit
        invalid &= rows
        flag_cells(report, invalid & ~blank, lines, "Cleanup Date", "type-error", col,
                   "date {!r} is neither YYYY-MM-DD nor M/D/YYYY")
        report.add_many("required-value", lines[invalid & blank], "Cleanup Date", "the cleanup date is empty")
        return out

    @staticmethod
    def _gps(col: pa.Array, lines: np.ndarray, report: ValidationReport) -> tuple[np.ndarray, np.ndarray]:
        text = pc.utf8_trim_whitespace(col)
        found = pc.extract_regex(text, GPS_RE)
        ok = pc.is_valid(found).to_numpy(zero_copy_only=False)
        blank = pc.equal(text, "").to_numpy(zero_copy_only=False)
        lat = parse_number(pc.fill_null(pc.struct_field(found, "lat"), "")).values
        lon = parse_number(pc.fill_null(pc.struct_field(found, "lon"), "")).values
        flag_cells(report, ~ok & ~blank, lines, "GPS", "type-error", col,
                   "GPS {!r} is not a 'lat, lon' pair; location left empty")
        return lat, lon

    @staticmethod
    def _site_key(lat: np.ndarray, lon: np.ndarray, zone: pa.Array) -> pa.Array:
        """Cleanups have no site id: the GPS point rounded to 4 decimals (about 10 m), else the zone."""
        has = ~np.isnan(lat) & ~np.isnan(lon)
        rounded = np.char.add(np.char.add(np.round(np.nan_to_num(lat), 4).astype(str), ","),
                              np.round(np.nan_to_num(lon), 4).astype(str))
        zone_text = pc.fill_null(zone, "unknown").to_numpy(zero_copy_only=False).astype(str)
        return pa.array(np.where(has, rounded, np.char.add("zone:", zone_text)), pa.string())


class _FileState:
    """What must be remembered across batches of one file."""

    def __init__(self, items: list[ItemColumn]) -> None:
        self.items = items
        self.fingerprints = RowFingerprints()
        self.keys = KeyCounter()
        self.formats: set[str] = set()
        self.column_sums = np.zeros(len(items))
        self.footer: np.ndarray | None = None
        self.footer_lines: list[int] = []

    def footer_from_text(self, info: Sniff, line: int | None) -> None:
        """A footer the CSV reader refused (too few cells): its item values are its last cells.

        Exports drop meta columns (e.g. `Environment`) and the total from the footer, so its cells are
        aligned on the item block from the right, with or without a trailing total; the alignment that
        agrees with the column sums wins, else the report says the footer does not match.
        """
        if line is None:
            return
        with info.path.open(encoding=info.encoding, errors="replace", newline="") as fh:
            text = next(itertools.islice(fh, line - 1, None), None)
        if text is None:
            return
        cells = next(csv.reader(io.StringIO(text), delimiter=info.delimiter), [])
        values = parse_number(pa.array(cells, pa.string())).values
        n = len(self.items)
        candidates = [values[len(values) - n - k: len(values) - k] for k in (0, 1) if len(values) - n - k >= 1]
        if not candidates:
            return
        self.footer_lines.append(line)
        self.footer = min(candidates, key=lambda c: float(np.nansum(np.abs(np.nan_to_num(c) - self.column_sums))))
        self.footer = np.nan_to_num(self.footer)

    def finish(self, report: ValidationReport) -> None:
        if self.formats:
            report.notes.append(f"Cleanup Date formats found: {', '.join(sorted(self.formats))} "
                                "(each parsed explicitly; M/D/YYYY is the US TIDES export convention)")
        if self.footer is None:
            return
        off = np.flatnonzero(np.abs(self.footer - self.column_sums) > 1e-9)
        if len(off) == 0:
            report.notes.append("the file's Totals row equals the column sums of the accepted cleanups")
            return
        for j in off:
            report.add("litter-total-mismatch",
                       f"Totals row says {self.footer[j]:g}, accepted cleanups sum to {self.column_sums[j]:g}",
                       line=self.footer_lines[0], column=self.items[j].column)


def _lookup(values: pa.Array, mapping: dict[str, str]) -> pa.Array:
    """Map text through a small dict (unknown values kept as given, blank -> null), over distinct values only."""
    uniques = pc.unique(values)
    mapped = [None if v in (None, "") else mapping.get(v, v) for v in uniques.to_pylist()]
    return pc.take(pa.array(mapped, pa.string()), pc.index_in(values, value_set=uniques))


def _flag_per_length(observations: pa.Table) -> pa.Table:
    """Flag line/rope counts that are lengths (1 yard/metre = 1 piece), in one vectorised step."""
    codes = pc.unique(observations.column("source_code"))
    per_length = pa.array([c for c in codes.to_pylist() if c and PER_LENGTH.search(c)], pa.string())
    has = pc.is_in(observations.column("source_code"), value_set=per_length).to_numpy(zero_copy_only=False)
    offsets = np.concatenate(([0], np.cumsum(has))).astype(np.int32)
    flags = pa.ListArray.from_arrays(pa.array(offsets),
                                     pa.array(np.full(int(has.sum()), "litter-count-per-length"), pa.string()))
    return observations.append_column("flags", flags)


ADAPTER = Tides()
