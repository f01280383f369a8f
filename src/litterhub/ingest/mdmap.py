"""NOAA MDMAP database export: one row per transect, item counts in `material:item` columns.

Format facts (docs/formats.md): rows are transects of a survey (`survey_id`); standing-stock and
MDMAP 2.0 transects are `transect_width` (5 m) of shoreline across the whole beach width, an
accumulation transect is the whole site (`site_length`). Standard `material:item` counts already
include their `material:item:custom` sub-items, so custom columns are kept as a breakdown that does not
count toward totals; a blank custom cell means "not tracked", 0 means "tracked, none found". Notes
are quoted multi-line text, so physical lines differ from record numbers.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import DatasetDefaults
from litterhub.ingest.cells import near_null_island, out_of_range
from litterhub.ingest.columns import floats
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import DateColumn, EventKey, Rows, Survey, TabularAdapter
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemColumn, check_total

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


class MDMAP(TabularAdapter):
    name = "mdmap"
    title = "NOAA MDMAP shoreline survey export (wide, material:item)"
    programme = PROGRAMME
    about = DatasetDefaults(
        title="NOAA MDMAP shoreline surveys ({file})",
        description="Shoreline marine debris surveys (items >= 2.5 cm per transect) from the NOAA Marine "
        "Debris Monitoring and Assessment Project database export.",
        publisher="NOAA Marine Debris Program",
        licence="CC0-1.0",
        citation="NOAA Marine Debris Program. Marine Debris Monitoring and Assessment Project (MDMAP) "
        "database export. National Oceanic and Atmospheric Administration. US Government work, public domain.",
        source_programme=PROGRAMME,
        protocol="NOAA MDMAP shoreline survey (Lippiatt et al. 2013; Burgess et al. 2021)",
    )
    required = ("survey_protocol", "shoreline_site_id", "survey_date", "survey_id", "transect_id",
                "shoreline_site_name", "beach_width_at_transect")
    required_what = "MDMAP"
    date = DateColumn("survey_date", "%Y-%m-%d", "YYYY-MM-DD")
    numbers = ("beach_width_at_transect", "transect_width", "site_length", "num_people_searching_for_debris",
               "total_debris_items")
    event_key = EventKey("transect_id", "the same survey and transect id again with different counts: kept as a "
                         "separate transect", separator="~")
    site_name = "shoreline_site_name"

    def detect(self, info: Sniff) -> str | None:
        items = [h for h in info.header if ":" in h]
        if info.kind == "text" and {"survey_protocol", "survey_id", "transect_id"} <= set(info.header) and items:
            return (f"columns survey_protocol, survey_id, transect_id and {len(items)} material:item columns "
                    "are the NOAA MDMAP export layout")
        return None

    def items(self, names: list[str], report: ValidationReport) -> list[ItemColumn]:
        items = _item_columns(names)
        if any(not it.counts_toward_total for it in items):
            report.notes.append("custom material:item:custom columns are sub-items of their standard item: kept "
                                "as a breakdown, not added to totals; blank = not tracked")
        return items

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """Centre of the site's corner coordinates; rows with out-of-range coordinates are rejected."""
        lats = np.column_stack([rows.number(a) for a, _ in CORNERS])
        lons = np.column_stack([rows.number(b) for _, b in CORNERS])
        rows.flag(out_of_range(lats, lons).any(axis=1), CORNERS[0][0], "litter-coordinates-out-of-range",
                  "site {!r}: a corner latitude/longitude is out of range", quote="shoreline_site_id")
        usable = ~np.isnan(lats) & ~np.isnan(lons) & ~near_null_island(lats, lons)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.where(usable, lats, 0).sum(axis=1) / usable.sum(axis=1),
                    np.where(usable, lons, 0).sum(axis=1) / usable.sum(axis=1))

    def accepted(self, s: Survey) -> None:
        check_total(s.report, s.lines, s.numbers["total_debris_items"], s.total(), "total_debris_items")

    def site_key(self, s: Survey) -> pa.Array:
        return s.rows.column("shoreline_site_id")

    def event_keys(self, s: Survey) -> pa.Array:
        transect = pc.binary_join_element_wise(s.rows.column("survey_id"), s.rows.column("transect_id"), "/")
        return self.suffixed(s, np.asarray(transect.to_pylist(), dtype=str))

    def columns(self, s: Survey) -> dict:
        accumulation = pc.match_substring(s.rows.column("survey_protocol"), "Accumulation").to_numpy(
            zero_copy_only=False)
        # shoreline length a transect covers: its width (5 m strips), or the whole site for accumulation
        length = np.where(accumulation, s.numbers["site_length"], s.numbers["transect_width"])
        width = s.numbers["beach_width_at_transect"]
        return {
            "survey_group": s.rows.column("survey_id"), "start_time": s.raw("debris_search_start_time"),
            "event_type": pa.array(np.where(accumulation, "monitoring-accumulation", "monitoring")),
            "protocol": s.rows.column("survey_protocol"), "compartment": s.const("beach"),
            "quality_tier": s.const("trained-volunteers"),
            "country": s.country("country", values=s.raw("country") if s.has("country") else None),
            "region": s.raw("state_province_territory"),
            "length_m": floats(length), "width_m": floats(width), "area_m2": floats(length * width),
            "lower_size_um": pa.array(np.full(len(s), 25_000.0)),
            "people": floats(s.numbers["num_people_searching_for_debris"]).cast(pa.int32()),
            "source_total": floats(s.numbers["total_debris_items"]),
        }


ADAPTER = MDMAP()
