"""NOAA MDMAP database export: one row per transect, item counts in `material:item` columns.

Format facts (docs/formats.md): rows are transects of a survey (`survey_id`); standing-stock and
MDMAP 2.0 transects are `transect_width` (5 m) of shoreline across the whole beach width, an
accumulation transect is the whole site (`site_length`). Standard `material:item` counts already
include their `material:item:custom` sub-items, so custom columns are kept as a breakdown that does not
count toward totals; a blank custom cell means "not tracked", 0 means "tracked, none found". Notes
are quoted multi-line text, so physical lines differ from record numbers.
"""

from __future__ import annotations

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
from litterhub.ingest.cells import near_null_island, out_of_range, parse_date
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn, check_total, parse_items, totals, unpivot

REQUIRED = ["survey_protocol", "shoreline_site_id", "survey_date", "survey_id", "transect_id",
            "shoreline_site_name", "beach_width_at_transect"]
CORNERS = [("site_waters_edge_left_lat", "site_waters_edge_left_lon"),
           ("site_waters_edge_right_lat", "site_waters_edge_right_lon"),
           ("site_back_barrier_left_lat", "site_back_barrier_left_lon"),
           ("site_back_barrier_right_lat", "site_back_barrier_right_lon")]
PROGRAMME = "NOAA MDMAP"


def _item_columns(names: list[str]) -> list[ItemColumn]:
    items = []
    for c in names:
        parts = c.split(":")
        if len(parts) < 2 or c.startswith("total"):
            continue
        custom = len(parts) > 2
        items.append(ItemColumn(c, "noaa-mdmap", c, name=parts[-1].strip() if custom else parts[1],
                                counts_toward_total=not custom))
    return items


class MDMAP:
    name = "mdmap"
    title = "NOAA MDMAP shoreline survey export (wide, material:item)"

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        header = set(info.header)
        items = [h for h in info.header if ":" in h]
        if {"survey_protocol", "survey_id", "transect_id"} <= header and items:
            return (f"columns survey_protocol, survey_id, transect_id and {len(items)} material:item columns "
                    "are the NOAA MDMAP export layout")
        return None

    def defaults(self, filename: str) -> DatasetDefaults:
        return DatasetDefaults(
            title=f"NOAA MDMAP shoreline surveys ({Path(filename).name})",
            description="Shoreline marine debris surveys (items >= 2.5 cm per transect) from the NOAA Marine "
            "Debris Monitoring and Assessment Project database export.",
            publisher="NOAA Marine Debris Program",
            licence="CC0-1.0",
            citation="NOAA Marine Debris Program. Marine Debris Monitoring and Assessment Project (MDMAP) "
            "database export. National Oceanic and Atmospheric Administration. US Government work, public domain.",
            source_programme=PROGRAMME,
            protocol="NOAA MDMAP shoreline survey (Lippiatt et al. 2013; Burgess et al. 2021)",
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if missing_required(info, REQUIRED, "MDMAP", report):
            return
        names, batches, rejected = open_table(info)
        items = _item_columns(names)
        if any(not it.counts_toward_total for it in items):
            report.notes.append("custom material:item:custom columns are sub-items of their standard item: kept "
                                "as a breakdown, not added to totals; blank = not tracked")
        fingerprints = RowFingerprints()
        transects = KeyCounter()
        for batch, lines in batches:
            yield self._batch(batch, lines, items, names, fingerprints, transects, report)
        report_bad_records(rejected, report)

    def _batch(self, batch: pa.RecordBatch, lines: np.ndarray, items: list[ItemColumn], names: list[str],
               fingerprints: RowFingerprints, transects: KeyCounter, report: ValidationReport) -> AdapterBatch:
        bad = duplicate_rows(fingerprints, batch, names, lines, report)

        dates = parse_date(batch.column("survey_date"), "%Y-%m-%d")
        flag_cells(report, dates.invalid | dates.blank, lines, "survey_date", "type-error",
                   batch.column("survey_date"), "date {!r} is not YYYY-MM-DD")
        bad |= dates.invalid | dates.blank
        fut = future_dates(report, dates.values, lines, batch, "survey_date")
        bad |= fut

        lat, lon, oor = self._centroid(batch, lines, report)
        bad |= oor

        width = number_column(batch, "beach_width_at_transect", lines, report)
        transect_width = number_column(batch, "transect_width", lines, report)
        site_length = number_column(batch, "site_length", lines, report)
        people = number_column(batch, "num_people_searching_for_debris", lines, report)
        source_total = number_column(batch, "total_debris_items", lines, report)

        matrix = parse_items(batch, items, lines, report)
        bad |= matrix.bad_row
        keep = kept_rows(bad, report)

        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        total = totals(matrix.values[keep], items)
        src_total = source_total[keep]
        check_total(report, kept_lines, src_total, total, "total_debris_items")

        protocol = sub.column("survey_protocol")
        accumulation = pc.match_substring(protocol, "Accumulation").to_numpy(zero_copy_only=False)
        # shoreline length a transect covers: its width (5 m strips), or the whole site for accumulation
        length = np.where(accumulation, site_length[keep], transect_width[keep])
        beach_width = width[keep]
        country, unknown = column_to_alpha3(sub.column("country")) if "country" in names else \
            (pa.nulls(len(kept_lines), pa.string()), [])
        for name in unknown:
            report.add("litter-unknown-country", f"country {name!r} not recognised", column="country")
        site_key = sub.column("shoreline_site_id")
        sid = site_ids(PROGRAMME, site_key)
        transect = pc.binary_join_element_wise(sub.column("survey_id"), sub.column("transect_id"), "/")
        key = np.asarray(transect.to_pylist(), dtype=str)
        seq = transects.number(key)
        repeat = seq > 0
        report.add_many("litter-duplicate-event", kept_lines[repeat], "transect_id",
                        "the same survey and transect id again with different counts: kept as a separate transect")
        transect = pa.array(np.where(repeat, np.char.add(np.char.add(key, "~"), seq.astype(str)), key), pa.string())
        region = sub.column("state_province_territory") if "state_province_territory" in names else \
            pa.nulls(len(kept_lines), pa.string())
        events = pa.table(
            {
                "source_event_id": transect,
                "survey_group": sub.column("survey_id"),
                "site_id": sid,
                "event_date": pa.array(dates.values[keep], pa.date32()),
                "start_time": sub.column("debris_search_start_time") if "debris_search_start_time" in names
                else pa.nulls(len(kept_lines), pa.string()),
                "event_type": pa.array(np.where(accumulation, "monitoring-accumulation", "monitoring")),
                "protocol": protocol,
                "compartment": pa.array(["beach"] * len(kept_lines), pa.string()),
                "quality_tier": pa.array(["trained-volunteers"] * len(kept_lines), pa.string()),
                "lat": pa.array(lat[keep], pa.float64(), from_pandas=True),
                "lon": pa.array(lon[keep], pa.float64(), from_pandas=True),
                "country": country,
                "region": region,
                "length_m": pa.array(length, pa.float64(), from_pandas=True),
                "width_m": pa.array(beach_width, pa.float64(), from_pandas=True),
                "area_m2": pa.array(length * beach_width, pa.float64(), from_pandas=True),
                "lower_size_um": pa.array(np.full(len(kept_lines), 25_000.0)),
                "people": pa.array(people[keep], pa.float64(), from_pandas=True).cast(pa.int32()),
                "total_count": pa.array(total),
                "source_total": pa.array(src_total, pa.float64(), from_pandas=True),
                "source_line": pa.array(kept_lines, pa.int64()),
            }
        )
        observations = unpivot(matrix.values[keep], items, transect, kept_lines)
        sites = sites_table(sid, pc.utf8_trim_whitespace(sub.column("shoreline_site_name")), events, PROGRAMME,
                            site_key, country=country, region=region)
        return AdapterBatch(events, observations, sites)

    def _centroid(self, batch: pa.RecordBatch, lines: np.ndarray, report: ValidationReport
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centre of the site's corner coordinates; rows with out-of-range coordinates are rejected."""
        lats = np.column_stack([number_column(batch, a, lines, report) for a, _ in CORNERS])
        lons = np.column_stack([number_column(batch, b, lines, report) for _, b in CORNERS])
        oor = out_of_range(lats, lons).any(axis=1)
        flag_cells(report, oor, lines, CORNERS[0][0], "litter-coordinates-out-of-range",
                   batch.column("shoreline_site_id"), "site {!r}: a corner latitude/longitude is out of range")
        usable = ~np.isnan(lats) & ~np.isnan(lons) & ~near_null_island(lats, lons)
        with np.errstate(invalid="ignore", divide="ignore"):
            lat = np.where(usable, lats, 0).sum(axis=1) / usable.sum(axis=1)
            lon = np.where(usable, lons, 0).sum(axis=1) / usable.sum(axis=1)
        return lat, lon, oor


ADAPTER = MDMAP()
