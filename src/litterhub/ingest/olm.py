"""OpenLitterMap country export: one row per geotagged photo, one column per tag.

Format facts (docs/formats.md): there is no survey effort, so every photo is an event of type
`photo` with no length or area and no density; counts are items per photo, usable for composition
and presence. Tag columns follow upper-case category marker columns (`SMOKING`, `FOOD`, ...): a tag's
code is `category.tag` (`smoking.butts`). The marker columns are always empty and are not items;
the columns after `BRANDS` name brands, not items, and are not counted (the file's `total_litter`
excludes them too); `custom_tag_1..3` hold free text. An empty cell means "not tagged" and counts as
0 in totals. `phone` and `address` are personal metadata and are never read.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import DatasetDefaults
from litterhub.ingest.cells import Parsed, near_null_island, out_of_range
from litterhub.ingest.columns import floats, number, reject_repeated_ids
from litterhub.ingest.dates import parse_date_strict
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import DateColumn, FileState, Rows, Survey, TabularAdapter
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemColumn, ItemMatrix, check_total

PROGRAMME = "OpenLitterMap"
SIGNATURE = {"id", "verification", "date_taken", "lat", "lon", "total_litter"}
PERSONAL_COLUMNS = ("phone", "address")
NOT_ITEM_CATEGORIES = {"BRANDS"}
MARKER = re.compile(r"^[A-Z][A-Z_]+$")
SUFFIX = re.compile(r"__\d+$")


def item_columns(names: list[str]) -> tuple[list[ItemColumn], int]:
    """Tag columns with their `category.tag` code; also how many brand columns were left out."""
    items, brands, category = [], 0, None
    start = names.index("total_litter") + 1 if "total_litter" in names else 0
    for c in names[start:]:
        if MARKER.match(c):
            category = c
            continue
        if category is None or c.startswith("custom_tag"):
            continue
        if category in NOT_ITEM_CATEGORIES:
            brands += 1
            continue
        tag = SUFFIX.sub("", c)
        items.append(ItemColumn(c, "olm", f"{category.lower()}.{tag}", name=tag))
    return items, brands


def _day_taken(col: pa.Array) -> Parsed:
    """`YYYY-MM-DD hh:mm:ss`: the day is its first ten characters."""
    return parse_date_strict(pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(col), 0, 10), "%Y-%m-%d")


class OpenLitterMap(TabularAdapter):
    name = "olm"
    title = "OpenLitterMap photo export (one row per photo, tag columns)"
    priority = 50
    effort_expected = False
    personal_columns = PERSONAL_COLUMNS
    programme = PROGRAMME
    about = DatasetDefaults(
        title="OpenLitterMap photos ({file})",
        description="Geotagged photos of litter tagged by OpenLitterMap users (items per photo; no survey "
        "effort, so no densities).",
        publisher="OpenLitterMap",
        licence="ODbL-1.0",
        citation="Lynch, S. (2018). OpenLitterMap.com - Open Data on Plastic Pollution with Blockchain Rewards "
        "(Littercoin). Open Geospatial Data, Software and Standards 3, 6. Data: openlittermap.com.",
        source_programme=PROGRAMME,
        protocol="OpenLitterMap photo tagging (no effort)",
    )
    required = tuple(sorted(SIGNATURE))
    required_what = "OpenLitterMap"
    date = DateColumn("date_taken", "", "YYYY-MM-DD hh:mm:ss", parser=_day_taken)

    def detect(self, info: Sniff) -> str | None:
        markers = [h for h in info.header if MARKER.match(h)]
        if info.kind == "text" and SIGNATURE <= set(info.header) and markers:
            return (f"columns id, verification, date_taken, total_litter and {len(markers)} upper-case category "
                    "marker columns are the OpenLitterMap export layout")
        return None

    def items(self, names: list[str], report: ValidationReport) -> list[ItemColumn]:
        items, brands = item_columns(names)
        report.notes.append(f"photos have no survey effort: items per photo only, no densities; {brands} brand "
                            "column(s) and the upper-case category markers are not item counts; phone and address "
                            "are personal and not read")
        return items

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """A photo needs its position; near (0, 0) it is reported and left empty."""
        lat = rows.parsed("lat", what="latitude")
        lon = rows.parsed("lon", what="longitude")
        rows.flag(out_of_range(lat.values, lon.values), "lat", "litter-coordinates-out-of-range",
                  "latitude/longitude out of range (latitude {!r})")
        rows.flag(lat.blank | lon.blank, "lat", "required-value", "a photo needs its position (latitude {!r})",
                  reject=False)
        rows.bad |= lat.blank | lon.blank | lat.invalid | lon.invalid
        null_island = near_null_island(lat.values, lon.values) & ~rows.bad
        rows.report.add_many("litter-coordinates-suspect", rows.lines[null_island], "lat",
                             "coordinates near (0, 0): photo position left empty")
        return np.where(null_island, np.nan, lat.values), np.where(null_island, np.nan, lon.values)

    def check(self, rows: Rows, state: FileState, matrix: ItemMatrix) -> None:
        rows.bad = reject_repeated_ids(pc.utf8_trim_whitespace(rows.batch.column("id")), rows.bad, state.keys,
                                       rows.lines, rows.report, "id")

    def measure(self, rows: Rows) -> dict[str, np.ndarray]:
        return {"total": number(rows.batch, "total_litter", rows.lines, rows.report, what="total").values}

    def accepted(self, s: Survey) -> None:
        check_total(s.report, s.lines, s.numbers["total"], s.total(), "total_litter", what="item tags")

    def site_key(self, s: Survey) -> pa.Array:
        return pc.binary_join_element_wise(pc.fill_null(pc.cast(pc.round(floats(s.lat), 4), pa.string()), "?"),
                                           pc.fill_null(pc.cast(pc.round(floats(s.lon), 4), pa.string()), "?"), ",")

    def event_keys(self, s: Survey) -> pa.Array:
        return s.text("id")  # unique: repeated ids were rejected (`check`)

    def columns(self, s: Survey) -> dict:
        return {
            "start_time": pc.utf8_slice_codeunits(s.text("date_taken"), 11, 16), "event_type": s.const("photo"),
            "protocol": s.const("OpenLitterMap photo tagging (no effort)"), "compartment": s.nulls(),
            "quality_tier": s.const("citizen-science"), "source_total": floats(s.numbers["total"]),
        }


ADAPTER = OpenLitterMap()
