"""EEA Marine LitterWatch export: one row per beach event, one column per MSFD G-code.

Format facts (docs/formats.md): `EventDate` is an integer YYYYMMDD; `EventType` is Cleanup or
Monitoring (only Monitoring follows the MSFD 100 m protocol); an empty item cell means "not recorded"
and counts as 0 in totals; `BeachLength_m` is the surveyed length (0 and absurd values occur);
coordinates near (0, 0) are placeholders.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import DatasetDefaults, blank_null_island
from litterhub.ingest.cells import near_null_island, out_of_range, parse_number
from litterhub.ingest.columns import floats
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import DateColumn, EventKey, Rows, Survey, TabularAdapter
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemColumn

GCODE = re.compile(r"^G\d+$")
PROGRAMME = "EEA Marine LitterWatch"
COORDINATES = ("lat_y1", "lon_x1", "lat_y2", "lon_x2")


class MarineLitterWatch(TabularAdapter):
    name = "mlw"
    title = "EEA Marine LitterWatch export (wide, G-codes)"
    programme = PROGRAMME
    about = DatasetDefaults(
        title="Marine LitterWatch beach litter ({file})",
        description="Beach litter events recorded by Marine LitterWatch communities with the MSFD TSG-ML "
        "master list (G-codes), exported by the European Environment Agency.",
        publisher="European Environment Agency (EEA)",
        licence="CC-BY-4.0",
        citation="European Environment Agency (EEA). Marine LitterWatch data. EEA Datahub, item "
        "fc3a040f-ee73-4747-97c1-458c02108cf5.",
        source_programme=PROGRAMME,
        protocol="MSFD TG-ML beach litter, 100 m (Marine LitterWatch)",
    )
    required = ("BeachName", "BeachCountrycode", "BeachLength_m", "EventDate", "EventType", "lon_x1", "lat_y1")
    required_what = "Marine LitterWatch"
    date = DateColumn("EventDate", "%Y%m%d", "YYYYMMDD")
    event_key = EventKey("EventDate", "another survey at the same beach and date: kept as a separate survey")
    site_name = "BeachName"

    def detect(self, info: Sniff) -> str | None:
        gcols = [h for h in info.header if GCODE.match(h)]
        if info.kind == "text" and {"BeachName", "EventDate", "EventType", "BeachLength_m"} <= set(info.header) \
                and gcols:
            return (f"columns BeachName, EventDate, EventType, BeachLength_m and {len(gcols)} G-code "
                    "columns are the Marine LitterWatch export layout")
        return None

    def items(self, names: list[str], report: ValidationReport) -> list[ItemColumn]:
        return [ItemColumn(c, "tsg-ml", c) for c in names if GCODE.match(c)]

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        lat, lon, oor, oor_column = _mean_coordinates(rows.batch, rows.report, rows.lines)
        for column in COORDINATES:
            rows.flag(oor & (oor_column == column), column, "litter-coordinates-out-of-range",
                      "coordinate {!r} is outside the WGS84 range")
        blank_null_island(lat, lon, oor, rows.lines, "lon_x1", rows.report, what="site location")
        return lat, lon

    def measure(self, rows: Rows) -> dict[str, np.ndarray]:
        length = parse_number(rows.batch.column("BeachLength_m"))
        rows.flag(length.invalid, "BeachLength_m", "type-error", "length {!r} is not a number")
        return {"length": length.values, "team": rows.number("TeamSize")}  # TeamSize: the hub's survey form

    def site_key(self, s: Survey) -> pa.Array:
        return pc.binary_join_element_wise(s.text("BeachCountrycode"), s.text("BeachName"), "|")

    def columns(self, s: Survey) -> dict:
        event_type = pc.utf8_lower(s.text("EventType"))
        monitoring = event_type.to_numpy(zero_copy_only=False) == "monitoring"
        protocol = pa.array(np.where(monitoring, "MSFD TG-ML 100 m (Marine LitterWatch monitoring)",
                                     "Marine LitterWatch cleanup"), pa.string())
        tier = pa.array(np.where(monitoring, "trained-volunteers", "citizen-science"), pa.string())
        return {
            "event_type": event_type, "protocol": _unless_given(s, "Protocol", protocol),
            "quality_tier": _unless_given(s, "QualityTier", tier), "compartment": s.const("beach"),
            "people": floats(s.numbers["team"]).cast(pa.int32()),
            "country": s.country("BeachCountrycode", "country code {!r} is not ISO 3166-1 / EU style"),
            "region": s.text("BeachRegionalSea") if s.has("BeachRegionalSea") else s.nulls(),
            "length_m": floats(s.numbers["length"]),
            "lower_size_um": pa.array(np.full(len(s), 25_000.0)),
        }


def _unless_given(s: Survey, column: str, derived: pa.Array) -> pa.Array:
    """The hub's own survey form states its protocol and tier (optional columns) instead of MLW's."""
    if not s.has(column):
        return derived
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(s.rows.column(column)), ""), derived, s.rows.column(column))


def _mean_coordinates(batch: pa.RecordBatch, report: ValidationReport, lines: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Centre of the surveyed stretch (mean of start and end points where both are given), plus the mask of
    rows with any coordinate outside WGS84 and the first offending column of each."""
    cols = {}
    for name in ("lat_y1", "lon_x1", "lat_y2", "lon_x2"):
        if name in batch.schema.names:
            parsed = parse_number(batch.column(name))
            if parsed.invalid.any():
                rows = np.flatnonzero(parsed.invalid)
                report.add_many("type-error", lines[rows], name, "coordinate is not a number; treated as missing")
            cols[name] = parsed.values
        else:
            cols[name] = np.full(batch.num_rows, np.nan)
    with np.errstate(invalid="ignore"):
        lat = np.where(np.isnan(cols["lat_y2"]) | near_null_island(cols["lat_y2"], cols["lon_x2"]),
                       cols["lat_y1"], (cols["lat_y1"] + cols["lat_y2"]) / 2)
        lon = np.where(np.isnan(cols["lon_x2"]) | near_null_island(cols["lat_y2"], cols["lon_x2"]),
                       cols["lon_x1"], (cols["lon_x1"] + cols["lon_x2"]) / 2)
    bad_cols = np.column_stack([
        out_of_range(cols["lat_y1"], np.zeros_like(cols["lat_y1"])), out_of_range(np.zeros_like(cols["lon_x1"]),
                                                                                  cols["lon_x1"]),
        out_of_range(cols["lat_y2"], np.zeros_like(cols["lat_y2"])), out_of_range(np.zeros_like(cols["lon_x2"]),
                                                                                  cols["lon_x2"]),
    ])
    names = np.array(["lat_y1", "lon_x1", "lat_y2", "lon_x2"])
    return lat, lon, bad_cols.any(axis=1), names[bad_cols.argmax(axis=1)]


ADAPTER = MarineLitterWatch()
