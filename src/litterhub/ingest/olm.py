"""OpenLitterMap country export: one row per geotagged photo, one column per tag.

Format facts (docs/formats-batch2.md): there is no survey effort, so every photo is an event of type
`photo` with no length or area and no density; counts are items per photo, usable for composition
and presence. Tag columns follow upper-case category marker columns (`SMOKING`, `FOOD`, ...): a tag's
code is `category.tag` (`smoking.butts`). The marker columns are always empty and are not items;
the columns after `BRANDS` name brands, not items, and are not counted (the file's `total_litter`
excludes them too); `custom_tag_1..3` hold free text. An empty cell means "not tagged" and counts as
0 in totals. `phone` and `address` are personal metadata and are never read.
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
    duplicate_rows,
    flag_cells,
    future_dates,
    kept_rows,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import near_null_island, out_of_range
from litterhub.ingest.columns import const, floats, number, reject_repeated_ids
from litterhub.ingest.dates import parse_date_strict
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn, check_total, parse_items, totals, unpivot

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


class OpenLitterMap:
    name = "olm"
    title = "OpenLitterMap photo export (one row per photo, tag columns)"
    priority = 50
    effort_expected = False
    personal_columns = PERSONAL_COLUMNS

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text" or not SIGNATURE <= set(info.header):
            return None
        markers = [h for h in info.header if MARKER.match(h)]
        if markers:
            return (f"columns id, verification, date_taken, total_litter and {len(markers)} upper-case category "
                    "marker columns are the OpenLitterMap export layout")
        return None

    def defaults(self, filename: str) -> DatasetDefaults:
        return DatasetDefaults(
            title=f"OpenLitterMap photos ({Path(filename).name})",
            description="Geotagged photos of litter tagged by OpenLitterMap users (items per photo; no survey "
            "effort, so no densities).",
            publisher="OpenLitterMap",
            licence="ODbL-1.0",
            citation="Lynch, S. (2018). OpenLitterMap.com - Open Data on Plastic Pollution with Blockchain Rewards "
            "(Littercoin). Open Geospatial Data, Software and Standards 3, 6. Data: openlittermap.com.",
            source_programme=PROGRAMME,
            protocol="OpenLitterMap photo tagging (no effort)",
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        missing = sorted(SIGNATURE - set(info.header))
        if missing:
            report.fail("missing-label", f"required OpenLitterMap column(s) missing: {', '.join(missing)}", line=1)
            return
        names, batches, rejected = open_table(info)
        items, brands = item_columns(names)
        report.notes.append(f"photos have no survey effort: items per photo only, no densities; {brands} brand "
                            "column(s) and the upper-case category markers are not item counts; phone and address "
                            "are personal and not read")
        fingerprints = RowFingerprints()
        ids = KeyCounter()
        for batch, lines in batches:
            yield self._batch(batch, lines, names, items, fingerprints, ids, report)
        report_bad_records(rejected, report)

    def _batch(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], items: list[ItemColumn],
               fingerprints: RowFingerprints, ids: KeyCounter, report: ValidationReport) -> AdapterBatch:
        bad = duplicate_rows(fingerprints, batch, names, lines, report)
        taken = pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(batch.column("date_taken")), 0, 10)
        dates = parse_date_strict(taken, "%Y-%m-%d")
        flag_cells(report, dates.invalid | dates.blank, lines, "date_taken", "type-error", batch.column("date_taken"),
                   "date {!r} is not YYYY-MM-DD hh:mm:ss")
        fut = future_dates(report, dates.values, lines, batch, "date_taken")
        bad |= dates.invalid | dates.blank | fut
        lat = number(batch, "lat", lines, report, what="latitude")
        lon = number(batch, "lon", lines, report, what="longitude")
        missing_xy = lat.blank | lon.blank | lat.invalid | lon.invalid
        oor = out_of_range(lat.values, lon.values)
        flag_cells(report, oor, lines, "lat", "litter-coordinates-out-of-range", batch.column("lat"),
                   "latitude/longitude out of range (latitude {!r})")
        flag_cells(report, (lat.blank | lon.blank) & ~oor, lines, "lat", "required-value", batch.column("lat"),
                   "a photo needs its position (latitude {!r})")
        bad |= oor | missing_xy
        null_island = near_null_island(lat.values, lon.values) & ~bad
        report.add_many("litter-coordinates-suspect", lines[null_island], "lat",
                        "coordinates near (0, 0): photo position left empty")
        matrix = parse_items(batch, items, lines, report)
        bad |= matrix.bad_row
        src_total = number(batch, "total_litter", lines, report, what="total")
        bad = reject_repeated_ids(pc.utf8_trim_whitespace(batch.column("id")), bad, ids, lines, report, "id")
        keep = kept_rows(bad, report)

        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        k = len(kept_lines)
        total = totals(matrix.values[keep], items)
        st = src_total.values[keep]
        check_total(report, kept_lines, st, total, "total_litter", what="item tags")
        lat_k = np.where(null_island[keep], np.nan, lat.values[keep])
        lon_k = np.where(null_island[keep], np.nan, lon.values[keep])
        site_key = pc.binary_join_element_wise(pc.fill_null(pc.cast(pc.round(floats(lat_k), 4), pa.string()), "?"),
                                               pc.fill_null(pc.cast(pc.round(floats(lon_k), 4), pa.string()), "?"),
                                               ",")
        sid = site_ids(PROGRAMME, site_key)
        event_keys = pc.utf8_trim_whitespace(sub.column("id"))
        events = pa.table({
            "source_event_id": event_keys,
            "site_id": sid,
            "event_date": pa.array(dates.values[keep], pa.date32()),
            "start_time": pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(sub.column("date_taken")), 11, 16),
            "event_type": const(k, "photo"),
            "protocol": const(k, "OpenLitterMap photo tagging (no effort)"),
            "compartment": pa.nulls(k, pa.string()),
            "quality_tier": const(k, "citizen-science"),
            "lat": floats(lat_k),
            "lon": floats(lon_k),
            "total_count": floats(total),
            "source_total": floats(st),
            "source_line": pa.array(kept_lines, pa.int64()),
        })
        observations = unpivot(matrix.values[keep], items, event_keys, kept_lines)
        sites = sites_table(sid, site_key, None, PROGRAMME, site_key, lat=floats(lat_k), lon=floats(lon_k))
        return AdapterBatch(events, observations, sites)


ADAPTER = OpenLitterMap()
