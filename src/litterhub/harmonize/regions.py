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
# Every coordinate pair located so far in this process, as `lon + i*lat` sorted (NumPy orders complex numbers by real,
# then imaginary part), with its name: a file's batches visit the same beaches again and again (2,000 beaches in every
# batch of a Marine LitterWatch export), and a point's region does not depend on the other points searched with it.
# A pair with a NaN never equals itself, so it is never found and simply located again. Emptied past the bound.
_known_pairs = np.empty(0, np.complex128)
_known_names = np.empty(0, object)
MAX_LOCATED = 200_000  # about 5 MB of remembered pairs at most


def region_names(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """`marine_region_names` of each point, located once per distinct coordinate pair (per process).

    Surveys repeat their sites (hundreds of events per beach), and the polygon search with its nearest-coast
    distances is the costly part, so only the distinct pairs not located before are searched and the names
    taken back by index (binary search in the sorted pairs already located, no Python loop over points)."""
    global _last, _known_pairs, _known_names
    key = lon.tobytes() + lat.tobytes()
    if _last is not None and _last[0] == key:
        return _last[1]
    pairs = np.empty(len(lon), np.complex128)
    pairs.real, pairs.imag = lon, lat  # exact: no arithmetic on the coordinates
    distinct, index = np.unique(pairs, return_inverse=True)
    pos = np.minimum(np.searchsorted(_known_pairs, distinct), max(len(_known_pairs) - 1, 0))
    found = (_known_pairs[pos] == distinct) if len(_known_pairs) else np.zeros(len(distinct), bool)
    names = np.empty(len(distinct), object)
    names[found] = _known_names[pos[found]]
    todo = np.flatnonzero(~found)
    if len(todo):
        names[todo] = marine_region_names(distinct.real[todo], distinct.imag[todo])
        if len(_known_pairs) + len(todo) > MAX_LOCATED:
            _known_pairs, _known_names = np.empty(0, np.complex128), np.empty(0, object)
        keep = todo[~np.isnan(distinct[todo])]  # sorted, like `distinct`
        at = np.searchsorted(_known_pairs, distinct[keep])
        _known_pairs = np.insert(_known_pairs, at, distinct[keep])
        _known_names = np.insert(_known_names, at, names[keep])
    names = names[index.reshape(-1)]
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
