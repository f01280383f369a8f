"""Ocean Conservancy TIDES / Clean Swell export: one row per cleanup, ICC data-card item names as columns.

Format facts (docs/formats.md): `Pounds` is in pounds (x 0.45359237 -> kg) and `Miles` in statute
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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import DatasetDefaults, blank_null_island, sites_table
from litterhub.ingest.cells import future, out_of_range, parse_date, parse_number
from litterhub.ingest.columns import floats
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import EventKey, FileState, Rows, Survey, TabularAdapter
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemColumn, ItemMatrix, check_total, unpivot

POUND_KG = 0.45359237
MILE_M = 1609.344
PROGRAMME = "Ocean Conservancy TIDES"
META = {"Cleanup ID", "Zone", "State", "Country", "GPS", "Cleanup Type", "Environment", "Cleanup Date",
        "Group Name", "Adults", "Children", "People", "Pounds", "Miles", "# of bags", "Total Items Collected"}
DATE_FORMATS = (("%Y-%m-%d", "ISO YYYY-MM-DD"), ("%m/%d/%Y", "US M/D/YYYY"))
GPS_RE = r"^\s*(?P<lat>[-+]?\d+(?:\.\d+)?)\s*[,;]\s*(?P<lon>[-+]?\d+(?:\.\d+)?)\s*$"
FOOTER = re.compile(r"^\s*\"?totals?\s*:?\"?\s*(,|;|\t|$)", re.IGNORECASE)
FOOTER_MESSAGE = "'Totals' footer row: not a cleanup (checked against the column sums instead)"
PER_LENGTH = re.compile(r"1 yard/met(er|re)", re.IGNORECASE)
COMPARTMENTS = {"beach": "beach", "underwater": "seafloor", "watercraft": "surface-water", "land": "land",
                "inland": "land", "marine": "beach"}


class Tides(TabularAdapter):
    name = "tides"
    title = "Ocean Conservancy TIDES / Clean Swell cleanup export (wide, ICC data card)"
    priority = 50
    programme = PROGRAMME
    about = DatasetDefaults(
        title="Ocean Conservancy TIDES cleanups ({file})",
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
    required = ("Cleanup ID", "Cleanup Date", "GPS", "Pounds", "Miles")
    required_what = "TIDES"
    numbers = ("Pounds", "Miles", "People", "Adults", "Children", "Total Items Collected")
    event_key = EventKey("Cleanup ID", "Cleanup ID seen before with different values: kept as a separate cleanup")

    def detect(self, info: Sniff) -> str | None:
        if info.kind == "text" and {"Cleanup ID", "Cleanup Date", "Pounds", "Miles"} <= set(info.header):
            items = [h for h in info.header if h not in META]
            return (f"columns Cleanup ID, Cleanup Date, Pounds, Miles and {len(items)} ICC data-card item columns "
                    "are the Ocean Conservancy TIDES / Clean Swell export layout")
        return None

    def start(self, names: list[str], report: ValidationReport) -> FileState:
        items = [ItemColumn(c, "oc-icc", c, name=c) for c in names if c not in META]
        report.notes.append("Pounds converted to kg (x 0.45359237), Miles to metres (x 1609.344); "
                            "empty item cells mean 0")
        per_length = [it.column for it in items if PER_LENGTH.search(it.column)]
        if per_length:
            report.notes.append(f"{', '.join(per_length)}: counted per yard/metre of line, not per item "
                                "(kept in totals as on the data card; observations flagged litter-count-per-length)")
        return _FileState(names, items)

    def summary_rows(self, rows: Rows, state: _FileState) -> np.ndarray:
        ids = pc.utf8_trim_whitespace(rows.batch.column("Cleanup ID"))
        footer = pc.fill_null(pc.match_substring_regex(ids, r"(?i)^totals?\s*:?$"), False).to_numpy(
            zero_copy_only=False)
        rows.report.add_many("litter-summary-row", rows.lines[footer], "Cleanup ID", FOOTER_MESSAGE)
        state.footer_lines.extend(int(x) for x in rows.lines[footer])
        return footer

    def dates(self, rows: Rows, state: _FileState) -> np.ndarray:
        """ISO or US month/day/year, each parsed with its own explicit format; anything else is rejected."""
        col = rows.batch.column("Cleanup Date")
        out = np.full(len(col), np.datetime64("NaT"), dtype="datetime64[D]")
        invalid = np.ones(len(col), bool)
        for fmt, label in DATE_FORMATS:
            parsed = parse_date(col, fmt)
            hit = ~np.isnat(parsed.values) & np.isnat(out)
            if (hit & ~rows.skip).any():
                state.formats.add(label)
            out = np.where(hit, parsed.values, out)
            invalid &= ~hit
        invalid &= ~rows.skip
        rows.flag(invalid & ~parsed.blank, "Cleanup Date", "type-error", "date {!r} is neither YYYY-MM-DD nor M/D/YYYY",
                  reject=False)
        rows.report.add_many("required-value", rows.lines[invalid & parsed.blank], "Cleanup Date",
                             "the cleanup date is empty")
        rows.bad |= np.isnat(out) & ~rows.skip
        rows.flag(future(out), "Cleanup Date", "litter-future-date", "date {!r} lies in the future")
        return out

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        col = rows.batch.column("GPS")
        text = pc.utf8_trim_whitespace(col)
        found = pc.extract_regex(text, GPS_RE)
        ok = pc.is_valid(found).to_numpy(zero_copy_only=False)
        blank = pc.equal(text, "").to_numpy(zero_copy_only=False)
        lat = parse_number(pc.fill_null(pc.struct_field(found, "lat"), "")).values
        lon = parse_number(pc.fill_null(pc.struct_field(found, "lon"), "")).values
        rows.flag(~ok & ~blank, "GPS", "type-error", "GPS {!r} is not a 'lat, lon' pair; location left empty",
                  reject=False)
        oor = rows.flag(out_of_range(lat, lon), "GPS", "litter-coordinates-out-of-range",
                        "GPS {!r} is outside the valid latitude/longitude range")
        blank_null_island(lat, lon, oor, rows.lines, "GPS", rows.report)
        return lat, lon

    def check(self, rows: Rows, state: _FileState, matrix: ItemMatrix) -> None:
        if rows.skip.any():
            state.footer = matrix.values[rows.skip].sum(axis=0)

    def accepted(self, s: Survey) -> None:
        s.state.column_sums += np.nan_to_num(s.values, nan=0.0).sum(axis=0)
        check_total(s.report, s.lines, s.numbers["Total Items Collected"], s.total(), "Total Items Collected")

    def site_key(self, s: Survey) -> pa.Array:
        """Cleanups have no site id: the GPS point rounded to 4 decimals (about 10 m), else the zone."""
        has = ~np.isnan(s.lat) & ~np.isnan(s.lon)
        rounded = np.char.add(np.char.add(np.round(np.nan_to_num(s.lat), 4).astype(str), ","),
                              np.round(np.nan_to_num(s.lon), 4).astype(str))
        zone_text = pc.fill_null(s.text("Zone"), "unknown").to_numpy(zero_copy_only=False).astype(str)
        return pa.array(np.where(has, rounded, np.char.add("zone:", zone_text)), pa.string())

    def event_keys(self, s: Survey) -> pa.Array:
        return self.suffixed(s, s.text("Cleanup ID").to_numpy(zero_copy_only=False).astype(str))

    def columns(self, s: Survey) -> dict:
        n = s.numbers
        people = np.where(np.isnan(n["People"]), n["Adults"] + np.nan_to_num(n["Children"]), n["People"])
        return {
            "event_type": s.const("cleanup"),
            "protocol": s.const("Ocean Conservancy ICC data card (TIDES / Clean Swell)"),
            "compartment": _lookup(pc.utf8_lower(s.text("Cleanup Type")), COMPARTMENTS),
            "quality_tier": s.const("citizen-science"), "country": s.country("Country"), "region": s.text("State"),
            "length_m": floats(n["Miles"] * MILE_M), "total_mass_kg": floats(n["Pounds"] * POUND_KG),
            "people": floats(people).cast(pa.int32()), "source_total": floats(n["Total Items Collected"]),
        }

    def observations(self, s: Survey) -> pa.Table:
        return _flag_per_length(unpivot(s.values, s.state.items, s.event_keys, s.lines))

    def sites(self, s: Survey, events: pa.Table) -> pa.Table:
        zone = s.text("Zone")
        name = pc.if_else(pc.is_null(zone), s.site_key, zone) if len(s) else zone
        return sites_table(s.site_id, name, events, PROGRAMME, s.site_key)

    def refused(self, info: Sniff, rejected: list, state: _FileState, report: ValidationReport) -> None:
        super().refused(info, [r for r in rejected if not FOOTER.match(r.text)], state, report)
        for rec in rejected:  # a Totals row with fewer cells than the header: still a footer, not a bad cleanup
            if FOOTER.match(rec.text):
                report.rows_in += 1
                report.rows_rejected += 1
                report.add("litter-summary-row", FOOTER_MESSAGE, line=rec.line, column="Cleanup ID")
                state.footer_from_text(info, rec.line)

    def finish(self, state: _FileState, report: ValidationReport) -> None:
        state.finish(report)


class _FileState(FileState):
    """What a TIDES file remembers across batches: date formats seen, column sums, its totals footer."""

    def __init__(self, names: list[str], items: list[ItemColumn]) -> None:
        super().__init__(names, items)
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
