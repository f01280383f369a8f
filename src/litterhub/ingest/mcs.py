"""Marine Conservation Society Great British Beach Clean / Beachwatch workbook: one row per survey, one column per item.

Format facts (docs/formats.md): an `.xlsx` (read with openpyxl in streaming read-only mode) whose
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
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import AdapterBatch, DatasetDefaults
from litterhub.ingest.cells import future, parse_date, parse_number
from litterhub.ingest.columns import floats
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.sheets import SHEET_KINDS, SheetError, headers, open_sheet
from litterhub.ingest.tabular import EventKey, FileState, Rows, Survey, TabularAdapter, site_day
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemColumn

PROGRAMME = "Marine Conservation Society Beachwatch"
REQUIRED = ["BeachID", "Beach Name", "Date of Survey", "Length Surveyed (metres)"]
ITEM_RE = re.compile(r"^[A-Za-z][A-Za-z /&-]*?\s*:\s*\S.*$")
DESCRIPTION_RE = re.compile(r"\(description\)\s*$", re.IGNORECASE)
UK_NATIONS = {"england": "GBR", "scotland": "GBR", "wales": "GBR", "northern ireland": "GBR",
              "united kingdom": "GBR", "isle of man": "IMN", "jersey": "JEY", "guernsey": "GGY"}
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
LENGTH, VOLUNTEERS, HOURS, WEIGHT = ("Length Surveyed (metres)", "Number of volunteers", "Survey time (hours)",
                                     "Weight of litter collected (kg)")


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


@dataclass
class _State(FileState):
    serial: int = 0  # dates given as Excel serial numbers


class MarineConservationSociety(TabularAdapter):
    name = "mcs"
    title = "MCS Great British Beach Clean / Beachwatch workbook (wide, Material: Item)"
    priority = 50
    kinds = SHEET_KINDS
    programme = PROGRAMME
    about = DatasetDefaults(
        title="MCS Great British Beach Clean surveys ({file})",
        description="Beach litter surveys (100 m to 1 km) by Marine Conservation Society Beachwatch volunteers "
        "during the Great British Beach Clean, as used by ONS for SDG indicator 14.1.1b.",
        publisher="Marine Conservation Society",
        licence="OGL-UK-3.0",
        citation="Marine Conservation Society. Great British Beach Clean 2022 raw data, via Office for National "
        "Statistics SDG 14.1.1b data updates (ONSdigital/sdg_data_updates).",
        source_programme=PROGRAMME,
        protocol="MCS Beachwatch survey (100 m minimum, Great British Beach Clean)",
    )
    lat, lon, not_recorded = "Beach Latitude", "Beach Longitude", "NA"
    numbers = (LENGTH, VOLUNTEERS, HOURS, WEIGHT)
    event_key = EventKey("Date of Survey", "another survey at the same beach and date: kept as a separate survey")
    site_name = "Beach Name"

    def detect(self, info: Sniff) -> str | None:
        sheet = _sheet(info) if info.kind in SHEET_KINDS else None
        if sheet is None:
            return None
        items, _ = item_columns(headers(info)[sheet])
        return (f"sheet {sheet!r} has BeachID, Date of Survey, Length Surveyed (metres) and {len(items)} "
                "'Material: Item' count columns: the MCS Beachwatch / Great British Beach Clean layout")

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        try:
            yield from super().read(info, report)
        except SheetError as exc:  # a workbook can fail half-way through its rows
            report.fail("source-error", str(exc))

    def open(self, info: Sniff, report: ValidationReport) -> tuple[list[str], Iterator, list] | None:
        sheet = _sheet(info)
        if sheet is None:
            report.fail("missing-label", f"no sheet with the MCS columns {', '.join(REQUIRED)}", line=1)
            return None
        names, batches = open_sheet(info, sheet)
        report.notes.append(f"sheet {sheet!r}; blank item cells mean 'not recorded' (0 in totals)")
        return names, batches, []

    def start(self, names: list[str], report: ValidationReport) -> FileState:
        items, text = item_columns(names)
        if text:
            report.notes.append(f"{len(text)} free-text 'Others (description)' columns are not counts: skipped")
        spellings = sorted({c.split(":")[0].strip() for c in names if "Polystyrene" in c.split(":")[0]})
        if len(spellings) > 1:
            report.notes.append(f"plastic prefix spelled {' and '.join(repr(s) for s in spellings)}: codes kept "
                                "verbatim, the crosswalk normalises the spacing")
        return _State(names, items)

    def dates(self, rows: Rows, state: _State) -> np.ndarray:
        """ISO dates (what openpyxl gives for date cells) or Excel serial numbers, each explicitly."""
        col = rows.batch.column("Date of Survey")
        iso = parse_date(pc.utf8_slice_codeunits(col, 0, 10), "%Y-%m-%d")
        serial = parse_number(col)
        is_serial = np.isnat(iso.values) & ~np.isnan(serial.values) & (serial.values > 0) & (serial.values < 2_958_466)
        state.serial += int(is_serial.sum())
        offset = np.where(is_serial, np.nan_to_num(serial.values), 0).astype(np.int64)
        day = np.where(is_serial, EXCEL_EPOCH + offset.astype("timedelta64[D]"), iso.values)
        rows.flag(np.isnat(day) & ~iso.blank, "Date of Survey", "type-error",
                  "date {!r} is neither a date nor an Excel serial number")
        rows.report.add_many("required-value", rows.lines[iso.blank], "Date of Survey", "the survey date is empty")
        rows.bad |= iso.blank | rows.flag(future(day), "Date of Survey", "litter-future-date",
                                          "date {!r} lies in the future")
        return day

    def site_key(self, s: Survey) -> pa.Array:
        return s.text("BeachID")

    def event_keys(self, s: Survey) -> pa.Array:
        return self.suffixed(s, site_day(s.site_key, s.day))

    def columns(self, s: Survey) -> dict:
        nation = s.text("Beach Country")
        start = pc.utf8_slice_codeunits(s.rows.column("Time Survey Starts"), 11, 16) \
            if s.has("Time Survey Starts") else s.nulls()
        return {
            "survey_group": s.text("OrganiserID"), "start_time": start, "event_type": s.const("monitoring"),
            "protocol": s.const("MCS Beachwatch survey (Great British Beach Clean)"), "compartment": s.const("beach"),
            "quality_tier": s.const("citizen-science"), "country": _nation_to_alpha3(nation), "region": nation,
            "length_m": floats(s.numbers[LENGTH]), "duration_min": floats(s.numbers[HOURS] * 60.0),
            "people": floats(s.numbers[VOLUNTEERS]).cast(pa.int32()), "total_mass_kg": floats(s.numbers[WEIGHT]),
        }

    def finish(self, state: _State, report: ValidationReport) -> None:
        if state.serial:
            report.notes.append(f"{state.serial} survey dates were Excel serial numbers: converted with the "
                                "1900 date system (day 1 = 1900-01-01)")


def _nation_to_alpha3(nation: pa.Array) -> pa.Array:
    """England/Scotland/Wales/Northern Ireland are GBR; Channel Islands (Jersey or Guernsey) stay unassigned."""
    uniques = pc.unique(nation)
    mapped = [UK_NATIONS.get((v or "").strip().lower()) for v in uniques.to_pylist()]
    return pc.take(pa.array(mapped, pa.string()), pc.index_in(nation, value_set=uniques))


ADAPTER = MarineConservationSociety()
