"""Marine Conservation Society Great British Beach Clean / Beachwatch workbook: one row per survey, one column per item.

Format facts (docs/formats-batch1.md): an `.xlsx` (read with openpyxl in streaming read-only mode) whose
first sheet has survey fields (`BeachID`, `Date of Survey` as an Excel date, `Length Surveyed (metres)`,
volunteers, hours, bags, `Weight of litter collected (kg)` with `NA`) and then `Material: Item` count
columns. The plastic prefix is spelled both `Plastic / Polystyrene` and `Plastic/Polystyrene`: codes are
kept verbatim (the crosswalk normalises the spacing). The free-text `... Others (description)` columns sit
among the counts and are not counts: they are skipped (their `... Others (count)` neighbours are counts).
Surveys are 100 m to 1 km long, so densities are per 100 m of the surveyed length. A blank count cell is
"not recorded" (0 in totals). Dates stored as Excel serial numbers are converted explicitly (1900 system).
"""

from __future__ import annotations

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
    duplicate_rows,
    flag_cells,
    future_dates,
    kept_rows,
    number_column,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import out_of_range, parse_date, parse_number
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.sheets import SHEET_KINDS, SheetError, headers, open_sheet
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemColumn, parse_items, totals, unpivot

PROGRAMME = "Marine Conservation Society Beachwatch"
REQUIRED = ["BeachID", "Beach Name", "Date of Survey", "Length Surveyed (metres)"]
ITEM_RE = re.compile(r"^[A-Za-z][A-Za-z /&-]*?\s*:\s*\S.*$")
DESCRIPTION_RE = re.compile(r"\(description\)\s*$", re.IGNORECASE)
UK_NATIONS = {"england": "GBR", "scotland": "GBR", "wales": "GBR", "northern ireland": "GBR",
              "united kingdom": "GBR", "isle of man": "IMN", "jersey": "JEY", "guernsey": "GGY"}
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def item_columns(names: list[str]) -> tuple[list[ItemColumn], list[str]]:
    """Count columns, and the free-text description columns that are skipped."""
    items, text = [], []
    for c in names:
        if not ITEM_RE.match(c):
            continue
        if DESCRIPTION_RE.search(c):
            text.append(c)
            continue
        items.append(ItemColumn(c, "mcs", c, name=c))
    return items, text


def _sheet(info: Sniff) -> str | None:
    for name, header in headers(info).items():
        if set(REQUIRED) <= set(header):
            return name
    return None


class MarineConservationSociety:
    name = "mcs"
    title = "MCS Great British Beach Clean / Beachwatch workbook (wide, Material: Item)"
    priority = 50
    kinds = SHEET_KINDS

    def detect(self, info: Sniff) -> str | None:
        if info.kind not in SHEET_KINDS:
            return None
        sheet = _sheet(info)
        if sheet is None:
            return None
        items, _ = item_columns(headers(info)[sheet])
        return (f"sheet {sheet!r} has BeachID, Date of Survey, Length Surveyed (metres) and {len(items)} "
                "'Material: Item' count columns: the MCS Beachwatch / Great British Beach Clean layout")

    def defaults(self, filename: str) -> DatasetDefaults:
        return DatasetDefaults(
            title=f"MCS Great British Beach Clean surveys ({Path(filename).name})",
            description="Beach litter surveys (100 m to 1 km) by Marine Conservation Society Beachwatch volunteers "
            "during the Great British Beach Clean, as used by ONS for SDG indicator 14.1.1b.",
            publisher="Marine Conservation Society",
            licence="OGL-UK-3.0",
            citation="Marine Conservation Society. Great British Beach Clean 2022 raw data, via Office for National "
            "Statistics SDG 14.1.1b data updates (ONSdigital/sdg_data_updates).",
            source_programme=PROGRAMME,
            protocol="MCS Beachwatch survey (100 m minimum, Great British Beach Clean)",
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        sheet = _sheet(info)
        if sheet is None:
            report.fail("missing-label", f"no sheet with the MCS columns {', '.join(REQUIRED)}", line=1)
            return
        try:
            names, batches = open_sheet(info, sheet)
        except SheetError as exc:
            report.fail("source-error", str(exc))
            return
        items, text = item_columns(names)
        report.notes.append(f"sheet {sheet!r}; blank item cells mean 'not recorded' (0 in totals)")
        if text:
            report.notes.append(f"{len(text)} free-text 'Others (description)' columns are not counts: skipped")
        spellings = sorted({c.split(":")[0].strip() for c in names if "Polystyrene" in c.split(":")[0]})
        if len(spellings) > 1:
            report.notes.append(f"plastic prefix spelled {' and '.join(repr(s) for s in spellings)}: codes kept "
                                "verbatim, the crosswalk normalises the spacing")
        state = {"fingerprints": RowFingerprints(), "keys": KeyCounter(), "serial": 0, "islands": 0}
        try:
            for batch, lines in batches:
                yield self._batch(batch, lines, items, names, state, report)
        except SheetError as exc:
            report.fail("source-error", str(exc))
            return
        if state["serial"]:
            report.notes.append(f"{state['serial']} survey dates were Excel serial numbers: converted with the "
                                "1900 date system (day 1 = 1900-01-01)")

    def _batch(self, batch: pa.RecordBatch, lines: np.ndarray, items: list[ItemColumn], names: list[str],
               state: dict, report: ValidationReport) -> AdapterBatch:
        bad = duplicate_rows(state["fingerprints"], batch, names, lines, report)
        day, invalid, blank = self._dates(batch.column("Date of Survey"), state)
        flag_cells(report, invalid, lines, "Date of Survey", "type-error", batch.column("Date of Survey"),
                   "date {!r} is neither a date nor an Excel serial number")
        report.add_many("required-value", lines[blank], "Date of Survey", "the survey date is empty")
        bad |= invalid | blank
        fut = future_dates(report, day, lines, batch, "Date of Survey")
        bad |= fut

        lat = number_column(batch, "Beach Latitude", lines, report, "NA")
        lon = number_column(batch, "Beach Longitude", lines, report, "NA")
        oor = out_of_range(lat, lon)
        flag_cells(report, oor, lines, "Beach Latitude", "litter-coordinates-out-of-range",
                   batch.column("Beach Latitude"), "latitude {!r} / longitude out of range")
        bad |= oor
        blank_null_island(lat, lon, oor, lines, "Beach Latitude", report)

        effort = {c: number_column(batch, c, lines, report, "NA") for c in
                  ("Length Surveyed (metres)", "Number of volunteers", "Survey time (hours)",
                   "Weight of litter collected (kg)")}
        matrix = parse_items(batch, items, lines, report)
        bad |= matrix.bad_row
        keep = kept_rows(bad, report)

        sub = batch.filter(pa.array(keep))
        m = int(keep.sum())
        kept_lines = lines[keep]
        site_key = pc.utf8_trim_whitespace(sub.column("BeachID"))
        sid = site_ids(PROGRAMME, site_key)
        kday = day[keep]
        base = np.char.add(np.char.add(site_key.to_numpy(zero_copy_only=False).astype(str), "/"), kday.astype(str))
        seq = state["keys"].number(base)
        repeat = seq > 0
        report.add_many("litter-duplicate-event", kept_lines[repeat], "Date of Survey",
                        "another survey at the same beach and date: kept as a separate survey")
        event_keys = pa.array(np.where(repeat, np.char.add(np.char.add(base, "-"), seq.astype(str)), base),
                              pa.string())
        nation = pc.utf8_trim_whitespace(sub.column("Beach Country")) if "Beach Country" in names \
            else pa.nulls(m, pa.string())
        country = _nation_to_alpha3(nation)
        start = pc.utf8_slice_codeunits(sub.column("Time Survey Starts"), 11, 16) \
            if "Time Survey Starts" in names else pa.nulls(m, pa.string())
        events = pa.table(
            {
                "source_event_id": event_keys,
                "survey_group": pc.utf8_trim_whitespace(sub.column("OrganiserID")) if "OrganiserID" in names
                else pa.nulls(m, pa.string()),
                "site_id": sid,
                "event_date": pa.array(kday, pa.date32()),
                "start_time": start,
                "event_type": pa.array(["monitoring"] * m, pa.string()),
                "protocol": pa.array(["MCS Beachwatch survey (Great British Beach Clean)"] * m, pa.string()),
                "compartment": pa.array(["beach"] * m, pa.string()),
                "quality_tier": pa.array(["citizen-science"] * m, pa.string()),
                "lat": pa.array(lat[keep], pa.float64(), from_pandas=True),
                "lon": pa.array(lon[keep], pa.float64(), from_pandas=True),
                "country": country,
                "region": nation,
                "length_m": pa.array(effort["Length Surveyed (metres)"][keep], pa.float64(), from_pandas=True),
                "duration_min": pa.array(effort["Survey time (hours)"][keep] * 60.0, pa.float64(), from_pandas=True),
                "people": pa.array(effort["Number of volunteers"][keep], pa.float64(), from_pandas=True)
                .cast(pa.int32()),
                "total_mass_kg": pa.array(effort["Weight of litter collected (kg)"][keep], pa.float64(),
                                          from_pandas=True),
                "total_count": pa.array(totals(matrix.values[keep], items)),
                "source_line": pa.array(kept_lines, pa.int64()),
            }
        )
        observations = unpivot(matrix.values[keep], items, event_keys, kept_lines)
        sites = sites_table(sid, pc.utf8_trim_whitespace(sub.column("Beach Name")), events, PROGRAMME, site_key,
                            country=country, region=nation)
        return AdapterBatch(events, observations, sites)

    @staticmethod
    def _dates(col: pa.Array, state: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ISO dates (what openpyxl gives for date cells) or Excel serial numbers, each explicitly."""
        iso = parse_date(pc.utf8_slice_codeunits(col, 0, 10), "%Y-%m-%d")
        serial = parse_number(col)
        is_serial = np.isnat(iso.values) & ~np.isnan(serial.values) & (serial.values > 0) & (serial.values < 2_958_466)
        state["serial"] += int(is_serial.sum())
        offset = np.where(is_serial, np.nan_to_num(serial.values), 0).astype(np.int64)
        day = np.where(is_serial, EXCEL_EPOCH + offset.astype("timedelta64[D]"), iso.values)
        invalid = np.isnat(day) & ~iso.blank
        return day, invalid, iso.blank


def _nation_to_alpha3(nation: pa.Array) -> pa.Array:
    """England/Scotland/Wales/Northern Ireland are GBR; Channel Islands (Jersey or Guernsey) stay unassigned."""
    uniques = pc.unique(nation)
    mapped = [UK_NATIONS.get((v or "").strip().lower()) for v in uniques.to_pylist()]
    return pc.take(pa.array(mapped, pa.string()), pc.index_in(nation, value_set=uniques))


ADAPTER = MarineConservationSociety()
