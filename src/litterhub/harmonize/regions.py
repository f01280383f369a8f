"""The region of events and sites: the one place where a recorded region gives way to the marine region.

`region` becomes the Natural Earth marine region of the coordinates (inside a polygon, or the nearest polygon
within `vocab.regions.MAX_COAST_KM`); where there are no coordinates or no polygon lies that close (lake and
river sites, inland addresses) it stays what the source recorded. The source's own label is never lost: events
keep it in `source_region` (filled once, then carried, so assigning again is idempotent and a later polygon
release starts from the source again, not from an earlier assignment).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from litterhub.vocab.regions import marine_region_names


def with_marine_regions(table: pa.Table, keep_source: bool = False) -> pa.Table:
    """`table` (lat, lon, region) with region assigned from the coordinates.

    With `keep_source` (events) the recorded label goes to `source_region`, added when the table lacks it.
    """
    if not {"lat", "lon", "region"} <= set(table.column_names):
        return table
    given = table.column("region").cast(pa.string())
    if "source_region" in table.column_names:
        given = pc.coalesce(table.column("source_region").cast(pa.string()), given)
    lon = pc.cast(table.column("lon"), pa.float64()).to_numpy(zero_copy_only=False)
    lat = pc.cast(table.column("lat"), pa.float64()).to_numpy(zero_copy_only=False)
    label = pc.if_else(pc.equal(pc.utf8_trim_whitespace(given), ""), pa.scalar(None, pa.string()), given)
    region = pc.coalesce(pa.array(marine_region_names(lon, lat), pa.string()), label)  # a blank cell is no label
    out = table.set_column(table.schema.get_field_index("region"), "region", region)
    if "source_region" in out.column_names:
        return out.set_column(out.schema.get_field_index("source_region"), "source_region", given)
    return out.append_column("source_region", given) if keep_source else out
