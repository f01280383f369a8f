"""The region of events and sites: the one place where a recorded region gives way to the marine region.

`region` becomes the Natural Earth marine region of the coordinates (inside a polygon, or the nearest polygon
within `vocab.regions.MAX_COAST_KM`); where there are no coordinates or no polygon lies that close (lake and
river sites, inland addresses) it stays what the source recorded. The source's own label is never lost: events
keep it in `source_region` (filled once, then carried, so assigning again is idempotent and a later polygon
release starts from the source again, not from an earlier assignment).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.vocab.regions import marine_region_names

# The last coordinates located and their names: ingest assigns regions to a batch's events and then to the same
# batch's sites (one row per event, the same coordinates), so the second call costs a comparison, not a search.
_last: tuple[bytes, np.ndarray] | None = None
# Names of every coordinate pair located so far in this process, keyed by the pair as a complex number: a file's
# batches visit the same beaches again and again (2,000 beaches in every batch of a Marine LitterWatch export), and
# a point's region does not depend on the other points searched with it. Cleared when it grows past the bound. A pair
# with a NaN never equals itself, so it is not kept and simply located again.
_located: dict[complex, object] = {}
MAX_LOCATED = 200_000  # about 20 MB of remembered pairs at most
_UNKNOWN = object()


def region_names(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """`marine_region_names` of each point, located once per distinct coordinate pair (per process).

    Surveys repeat their sites (hundreds of events per beach), and the polygon search with its nearest-coast
    distances is the costly part, so only the distinct pairs not located before are searched and the names
    taken back by index."""
    global _last
    key = lon.tobytes() + lat.tobytes()
    if _last is not None and _last[0] == key:
        return _last[1]
    pairs = np.column_stack([lon, lat]).astype(np.float64)
    distinct, index = np.unique(pairs, axis=0, return_inverse=True)
    keys = np.ascontiguousarray(distinct).view(np.complex128).ravel().tolist()  # lon + i*lat: hashable, fast
    known = [_located.get(k, _UNKNOWN) for k in keys]
    todo = [i for i, name in enumerate(known) if name is _UNKNOWN]
    if todo:
        found = marine_region_names(distinct[todo, 0], distinct[todo, 1])
        for i, name in zip(todo, found, strict=True):
            known[i] = name
        if len(_located) + len(todo) > MAX_LOCATED:
            _located.clear()
        _located.update((keys[i], known[i]) for i in todo if keys[i] == keys[i])  # NaN: not kept
    names = np.array(known, dtype=object)[index.reshape(-1)]
    _last = (key, names)
    return names


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
    region = pc.coalesce(pa.array(region_names(lon, lat), pa.string()), label)  # a blank cell is no label
    out = table.set_column(table.schema.get_field_index("region"), "region", region)
    if "source_region" in out.column_names:
        return out.set_column(out.schema.get_field_index("source_region"), "source_region", given)
    return out.append_column("source_region", given) if keep_source else out
