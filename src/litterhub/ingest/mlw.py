"""EEA Marine LitterWatch export: one row per beach event, one column per MSFD G-code.

Format facts (docs/formats.md): `EventDate` is an integer YYYYMMDD; `EventType` is Cleanup or
Monitoring (only Monitoring follows the MSFD 100 m protocol); an empty item cell means "not recorded"
and counts as 0 in totals; `BeachLength_m` is the surveyed length (0 and absurd values occur);
coordinates near (0, 0) are placeholders.
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
    flag_cells,
    future_dates,
    kept_rows,
    missing_required,
    number_column,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import near_null_island, out_of_range, parse_date, parse_number
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn, parse_items, totals, unpivot

REQUIRED = ["BeachName", "BeachCountrycode", "BeachLength_m", "EventDate", "EventType", "lon_x1", "lat_y1"]
GCODE = re.compile(r"^G\d+$")
PROGRAMME = "EEA Marine LitterWatch"


class MarineLitterWatch:
    name = "mlw"
    title = "EEA Marine LitterWatch export (wide, G-codes)"

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        header = set(info.header)
        gcols = [h for h in info.header if GCODE.match(h)]
        if {"BeachName", "EventDate", "EventType", "BeachLength_m"} <= header and gcols:
            return (f"columns BeachName, EventDate, EventType, BeachLength_m and {len(gcols)} G-code "
                    "columns are the Marine LitterWatch export layout")
        return None

    def defaults(self, filename: str) -> DatasetDefaults:
        return DatasetDefaults(
            title=f"Marine LitterWatch beach litter ({Path(filename).name})",
            description="Beach litter events recorded by Marine LitterWatch communities with the MSFD TSG-ML "
            "master list (G-codes), exported by the European Environment Agency.",
            publisher="European Environment Agency (EEA)",
            licence="CC-BY-4.0",
            citation="European Environment Agency (EEA). Marine LitterWatch data. EEA Datahub, item "
            "fc3a040f-ee73-4747-97c1-458c02108cf5.",
            source_programme=PROGRAMME,
            protocol="MSFD TG-ML beach litter, 100 m (Marine LitterWatch)",
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if missing_required(info, REQUIRED, "Marine LitterWatch", report):
            return
        names, batches, rejected = open_table(info)
        items = [ItemColumn(c, "tsg-ml", c) for c in names if GCODE.match(c)]
        fingerprints = RowFingerprints()
        keys = KeyCounter()
        for batch, lines in batches:
            yield self._batch(batch, lines, items, names, fingerprints, keys, report)
        report_bad_records(rejected, report)

    def _batch(self, batch: pa.RecordBatch, lines: np.ndarray, items: list[ItemColumn], names: list[str],
               fingerprints: RowFingerprints, keys: KeyCounter, report: ValidationReport) -> AdapterBatch:
        n = batch.num_rows
        report.rows_in += n
        bad = np.zeros(n, bool)

        dup = fingerprints.duplicates(batch, names)
        report.add_many("duplicate-row", lines[dup], None, "this row repeats an earlier row exactly; kept once")
        bad |= dup

        dates = parse_date(batch.column("EventDate"), "%Y%m%d")
        flag_cells(report, dates.invalid | dates.blank, lines, "EventDate", "type-error",
              batch.column("EventDate"), "date {!r} is not YYYYMMDD")
        bad |= dates.invalid | dates.blank
        fut = future_dates(report, dates.values, lines, batch, "EventDate")
        bad |= fut

        lat, lon, oor, oor_column = _mean_coordinates(batch, report, lines)
        for column in ("lat_y1", "lon_x1", "lat_y2", "lon_x2"):
            mask = oor & (oor_column == column)
            flag_cells(report, mask, lines, column, "litter-coordinates-out-of-range", batch.column(column),
                       "coordinate {!r} is outside the WGS84 range")
        bad |= oor
        blank_null_island(lat, lon, oor, lines, "lon_x1", report, what="site location")

        length = parse_number(batch.column("BeachLength_m"))
        flag_cells(report, length.invalid, lines, "BeachLength_m", "type-error", batch.column("BeachLength_m"),
                   "length {!r} is not a number")
        team = number_column(batch, "TeamSize", lines, report)  # optional hub column (citizen-science form)
        bad |= length.invalid

        matrix = parse_items(batch, items, lines, report)
        bad |= matrix.bad_row
        keep = kept_rows(bad, report)

        kb = pa.array(keep)
        sub = batch.filter(kb)
        country, unknown = column_to_alpha3(pc.utf8_trim_whitespace(sub.column("BeachCountrycode")))
        for code in unknown:
            report.add("litter-unknown-country", f"country code {code!r} is not ISO 3166-1 / EU style",
                       column="BeachCountrycode")
        site_key = pc.binary_join_element_wise(pc.utf8_trim_whitespace(sub.column("BeachCountrycode")),
                                               pc.utf8_trim_whitespace(sub.column("BeachName")), "|")
        sid = site_ids(PROGRAMME, site_key)
        day = dates.values[keep]
        base_key = np.char.add(np.char.add(np.asarray(sid.to_pylist(), dtype=str), "/"),
                               day.astype(str).astype(str))
        seq = keys.number(base_key)
        repeat = seq > 0
        report.add_many("litter-duplicate-event", lines[keep][repeat], "EventDate",
                        "another survey at the same beach and date: kept as a separate survey")
        event_key = np.where(repeat, np.char.add(np.char.add(base_key, "-"), seq.astype(str)), base_key)
        event_keys = pa.array(event_key, pa.string())

        event_type = pc.utf8_lower(pc.utf8_trim_whitespace(sub.column("EventType")))
        monitoring = event_type.to_numpy(zero_copy_only=False) == "monitoring"
        protocol = pa.array(np.where(monitoring, "MSFD TG-ML 100 m (Marine LitterWatch monitoring)",
                                     "Marine LitterWatch cleanup"), pa.string())
        tier = pa.array(np.where(monitoring, "trained-volunteers", "citizen-science"), pa.string())
        # optional hub columns: the hub's own survey form states its protocol and tier instead of MLW's
        if "Protocol" in names:
            protocol = pc.if_else(pc.equal(pc.utf8_trim_whitespace(sub.column("Protocol")), ""), protocol,
                                  sub.column("Protocol"))
        if "QualityTier" in names:
            tier = pc.if_else(pc.equal(pc.utf8_trim_whitespace(sub.column("QualityTier")), ""), tier,
                              sub.column("QualityTier"))
        kept_lines = lines[keep]
        events = pa.table(
            {
                "source_event_id": event_keys,
                "site_id": sid,
                "event_date": pa.array(day, pa.date32()),
                "event_type": event_type,
                "protocol": protocol,
                "compartment": pa.nulls(len(event_key), pa.string()).fill_null("beach"),
                "quality_tier": tier,
                "people": pa.array(team[keep], pa.float64(), from_pandas=True).cast(pa.int32()),
                "lat": pa.array(lat[keep], pa.float64(), from_pandas=True),
                "lon": pa.array(lon[keep], pa.float64(), from_pandas=True),
                "country": country,
                "region": pc.utf8_trim_whitespace(sub.column("BeachRegionalSea"))
                if "BeachRegionalSea" in names else pa.nulls(len(event_key), pa.string()),
                "length_m": pa.array(length.values[keep], pa.float64(), from_pandas=True),
                "lower_size_um": pa.array(np.full(len(event_key), 25_000.0)),
                "total_count": pa.array(totals(matrix.values[keep], items)),
                "source_line": pa.array(kept_lines, pa.int64()),
            }
        )
        observations = unpivot(matrix.values[keep], items, event_keys, kept_lines)
        sites = sites_table(sid, pc.utf8_trim_whitespace(sub.column("BeachName")), events, PROGRAMME, site_key,
                            country=country)
        return AdapterBatch(events, observations, sites)


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
