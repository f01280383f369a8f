"""The vectorised `KeyCounter` and `RowFingerprints` give exactly the answers of the plain per-key definitions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from litterhub.ingest.base import KeyCounter, RowFingerprints


def _reference_numbers(batches: list[np.ndarray]) -> list[np.ndarray]:
    """The definition, one key at a time: how many times each key was seen before it, across batches."""
    seen: dict[str, int] = {}
    out = []
    for keys in batches:
        ranks = []
        for k in keys.tolist():
            ranks.append(seen.get(k, 0))
            seen[k] = seen.get(k, 0) + 1
        out.append(np.array(ranks, dtype=np.int64))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_key_counter_numbers_repeats_across_batches_like_the_definition(seed):
    rng = np.random.default_rng(seed)
    # short and long keys (a later, longer key must not be truncated by the stored array's width), repeats
    # within and across batches, an empty batch
    pool = np.array([f"site-{i}/2020-01-{1 + i % 28:02d}" + "x" * int(i % 7 == 0) * 40 for i in range(300)])
    batches = [pool[rng.integers(0, n, size=n)] for n in (50, 0, 120, 300, 7, 300)]
    counter = KeyCounter()
    got = [counter.number(b) for b in batches]
    for g, want in zip(got, _reference_numbers(batches), strict=True):
        assert g.dtype == np.int64 and g.tolist() == want.tolist()


def test_key_counter_keeps_longer_keys_distinct():
    counter = KeyCounter()
    assert counter.number(np.array(["ab", "ab"])).tolist() == [0, 1]
    assert counter.number(np.array(["abcdef", "ab", "abc"])).tolist() == [0, 2, 0]
    assert counter.number(np.array(["abcdef"], dtype=object)).tolist() == [1]


def test_row_fingerprints_mark_every_repeat_of_an_earlier_row_across_batches():
    rng = np.random.default_rng(3)
    rows = [(f"beach {int(a)}", f"{int(b)}") for a, b in rng.integers(0, 6, size=(400, 2))]
    fp = RowFingerprints()
    seen: set[tuple[str, str]] = set()
    for start in range(0, len(rows), 90):
        part = rows[start:start + 90]
        batch = pa.RecordBatch.from_pydict({"a": [r[0] for r in part], "b": [r[1] for r in part]})
        want = []
        for r in part:
            want.append(r in seen)
            seen.add(r)
        assert fp.duplicates(batch, ["a", "b"]).tolist() == want


def test_regions_located_once_per_distinct_coordinate_match_every_point_located():
    """Real beaches repeat (MLW-shaped, plus missing and out-of-range coordinates): same names as point by point."""
    from litterhub.harmonize.regions import region_names
    from litterhub.vocab.regions import marine_region_names

    rng = np.random.default_rng(4)
    beaches = np.array([(4.3, 52.1), (-9.1, 38.7), (2.2, 41.4), (12.3, 45.4), (-117.9, 33.6), (-70.0, 43.7),
                        (np.nan, np.nan), (200.0, 10.0), (5.0, 5.0)])
    pick = beaches[rng.integers(0, len(beaches), size=500)]
    lon, lat = pick[:, 0].copy(), pick[:, 1].copy()
    want = marine_region_names(lon, lat)
    assert region_names(lon, lat).tolist() == want.tolist()
    assert region_names(lon, lat).tolist() == want.tolist()  # the remembered answer for the same coordinates
    assert len({w for w in want.tolist() if w}) >= 3  # the sample really spans several seas
