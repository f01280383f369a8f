"""The ingest's vectorised steps (issue 20, item 5) equal their straightforward definitions: crosswalk pairs found
from per-column codes, site ids hashed by DuckDB, event ids joined per distinct value, accepted lines marked in a
range, unpivot sharing equal item arrays, and observation files written with fewer statistics but the same rows."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from litterhub.harmonize import crosswalk
from litterhub.ingest.base import site_ids
from litterhub.ingest.wide import ItemColumn, unpivot
from litterhub.services.ingest import _accepted_lines, _prefixed


def _crosswalk_definition(observations: pa.Table) -> pa.Table:
    """apply_crosswalk as it was: one `scheme + code` string per row, dictionary-encoded, first rows by np.unique."""
    combo = pc.binary_join_element_wise(pc.fill_null(observations["source_scheme"], ""),
                                        pc.fill_null(observations["source_code"], ""), "\x1f")
    index = pc.dictionary_encode(combo).combine_chunks().indices
    _, first = np.unique(index.to_numpy(zero_copy_only=False), return_index=True)
    positions = pa.array(first, pa.int64())
    distinct = pa.table({"source_scheme": pc.take(observations["source_scheme"], positions),
                         "source_code": pc.take(observations["source_code"], positions),
                         "_row": pa.array(np.arange(len(first)), pa.int64())})
    distinct = distinct.append_column("_key", crosswalk.code_key(distinct["source_code"]))
    joined = distinct.join(crosswalk.mapping_table(), keys=["source_scheme", "_key"], join_type="left outer",
                           use_threads=False).sort_by("_row")
    joined = joined.set_column(joined.schema.get_field_index("relation"), "relation",
                               pc.fill_null(joined["relation"], crosswalk.UNMAPPED))
    out = observations
    for name in crosswalk.ADDED:
        out = out.append_column(name, pc.take(joined[name], index))
    return out


def _observations(rng: np.random.Generator, n: int) -> pa.Table:
    mapping = crosswalk.mapping_table()
    schemes = sorted(set(mapping["source_scheme"].to_pylist()))[:4] + ["nowhere", "", None]
    codes = mapping["_key"].to_pylist()[:300] + ["  G 1 ", "no such code", "", None]
    scheme = [schemes[i] for i in rng.integers(0, len(schemes), n)]
    code = [codes[i] for i in rng.integers(0, len(codes), n)]
    half = n // 2
    return pa.table({
        "source_scheme": pa.chunked_array([scheme[:half], scheme[half:]], pa.string()),
        "source_code": pa.chunked_array([code[:half], code[half:]], pa.string()),
        "source_name": pa.array([None] * n, pa.string()),
        "count": pa.array(rng.poisson(2.0, n).astype(float)),
    })


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_crosswalk_equals_the_per_row_pair_definition(seed):
    table = _observations(np.random.default_rng(seed), 20_000)
    got = crosswalk.apply_crosswalk(table)
    want = _crosswalk_definition(table)
    assert got.num_rows == table.num_rows
    for name in crosswalk.ADDED:
        assert got[name].to_pylist() == want[name].to_pylist(), name
    relations = set(got["relation"].to_pylist())
    assert crosswalk.UNMAPPED in relations and relations & set(crosswalk.ITEM_RELATIONS)  # both kinds exercised


def test_crosswalk_of_an_empty_table():
    empty = pa.table({"source_scheme": pa.array([], pa.string()), "source_code": pa.array([], pa.string()),
                      "source_name": pa.array([], pa.string()), "count": pa.array([], pa.float64())})
    got = crosswalk.apply_crosswalk(empty)
    assert got.num_rows == 0 and set(crosswalk.ADDED) <= set(got.column_names)


def _site_id(programme: str, key) -> str:
    return "s-" + hashlib.sha1(f"{programme}|{key}".encode()).hexdigest()[:12]


def test_site_ids_equal_the_hashlib_definition():
    keys = ["a", None, "é, 12.3456", "None", "", "a", "zone:Orange County, CA, USA", "𝔘nicode"] * 50
    chunked = pa.chunked_array([keys[:100], keys[100:]], pa.string())
    for programme in ("Ocean Conservancy TIDES", "EEA Marine LitterWatch"):
        want = [_site_id(programme, k) for k in keys]
        assert site_ids(programme, chunked).to_pylist() == want
        assert site_ids(programme, pa.array(keys, pa.large_string())).to_pylist() == want
    numbers = pa.array([3, None, 3, 12])
    assert site_ids("P", numbers).to_pylist() == [_site_id("P", k) for k in (3, None, 3, 12)]
    assert site_ids("P", pa.chunked_array([], pa.string())).to_pylist() == []


def test_event_ids_joined_per_distinct_value_equal_the_per_row_join():
    values = pa.chunked_array([["1", "1", None, "2"], ["2", "3", "1"], []], pa.string())
    got = _prefixed("tides-x", values)
    assert got.to_pylist() == pc.binary_join_element_wise("tides-x", values, ":").to_pylist()
    assert got.to_pylist() == ["tides-x:1", "tides-x:1", None, "tides-x:2", "tides-x:2", "tides-x:3", "tides-x:1"]


@pytest.mark.parametrize("lines", [[5, 5, 6, 9, 7, 7, 5], [2, 10_000_000, 2, 3]])
def test_accepted_lines_equal_the_sorted_distinct_lines(lines):
    events = pa.table({"source_line": pa.array(lines[:2], pa.int64())})
    observations = pa.table({"source_line": pa.array(lines[2:], pa.int64())})
    got = _accepted_lines(events, observations, None)
    assert got.tolist() == sorted(set(lines))
    assert _accepted_lines(events.slice(0, 0), observations.slice(0, 0), None).tolist() == []


def _unpivot_definition(matrix, items, keys, lines) -> pa.Table:
    rows, cols = np.nonzero(~np.isnan(matrix))
    take = pa.array(cols)
    return pa.table({
        "source_event_id": keys.take(pa.array(rows)),
        "source_scheme": pa.array([it.scheme for it in items], pa.string()).take(take),
        "source_code": pa.array([it.code for it in items], pa.string()).take(take),
        "source_name": pa.array([it.name for it in items], pa.string()).take(take),
        "count": pa.array(matrix[rows, cols], pa.float64()),
        "counts_toward_total": pa.array([it.counts_toward_total for it in items], pa.bool_()).take(take),
        "source_line": pa.array(lines[rows], pa.int64()),
        "source_column": pa.array([it.column for it in items], pa.string()).take(take),
    })


def test_unpivot_equals_the_definition_with_shared_and_distinct_item_labels():
    matrix = np.array([[1.0, np.nan, 0.0], [np.nan, 2.0, 3.0]])
    keys = pa.array(["e1", "e2"])
    lines = np.array([2, 3])
    same = [ItemColumn(c, "oc-icc", c, name=c) for c in ("Bottles", "Cups", "Nets")]  # column = code = name
    differ = [ItemColumn("G1", "tsg-ml", "G1", name="Bottle"), ItemColumn("G2", "tsg-ml", "G2", name=None),
              ItemColumn("G3", "tsg-ml", "G3", name="Net", counts_toward_total=False)]
    unnamed = [ItemColumn(f"G{j}", "tsg-ml", f"G{j}") for j in (1, 2, 3)]  # Marine LitterWatch: no names
    for items in (same, differ, unnamed):
        got = unpivot(matrix, items, keys, lines)
        assert got.equals(_unpivot_definition(matrix, items, keys, lines))
        assert got.num_rows == 4


def test_observation_files_keep_statistics_only_where_readers_filter(hub):
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import DEMO_DIR

    result = ingest_file(hub, DEMO_DIR / "mlw-sample.csv", "mlw", "stats-mlw")
    assert result.ok
    folder = hub.lake.version_dir("stats-mlw", result.version)
    meta = pq.ParquetFile(folder / "observations.parquet").metadata
    row_group = meta.row_group(0)
    stats = {row_group.column(i).path_in_schema: row_group.column(i).is_stats_set for i in range(meta.num_columns)}
    assert stats["event_id"] and stats["master_code"] and stats["count"] and stats["source_line"]
    assert not stats["dataset_id"] and not stats["source_code"] and not stats["source_column"]
    assert pq.ParquetFile(folder / "events.parquet").metadata.row_group(0).column(0).is_stats_set
    observations = pq.read_table(folder / "observations.parquet")
    assert observations.num_rows == result.extra["observations"] > 0
    assert set(observations["dataset_id"].to_pylist()) == {"stats-mlw"}


def test_regions_remembered_across_batches_and_after_the_bound_equal_each_point_located(monkeypatch):
    """Later batches take located pairs from the process's memory; past the bound it starts again, same names."""
    from litterhub.harmonize import regions
    from litterhub.vocab.regions import marine_region_names

    monkeypatch.setattr(regions, "_known_pairs", np.empty(0, np.complex128))
    monkeypatch.setattr(regions, "_known_names", np.empty(0, object))
    monkeypatch.setattr(regions, "MAX_LOCATED", 120)
    rng = np.random.default_rng(11)
    beaches = np.column_stack([rng.uniform(-30, 40, 150), rng.uniform(25, 70, 150)])
    beaches[:3] = [(np.nan, np.nan), (0.0, -0.0), (200.0, 10.0)]
    named = 0
    for _ in range(4):  # overlapping batches: some pairs remembered, some new, the memory cleared on the way
        pick = beaches[rng.integers(0, len(beaches), size=400)]
        lon, lat = pick[:, 0].copy(), pick[:, 1].copy()
        want = marine_region_names(lon, lat)
        got = regions.region_names(lon, lat)
        assert got.dtype == object and got.tolist() == want.tolist()
        assert len(regions._known_pairs) <= 120 + 150 and len(regions._known_pairs) == len(regions._known_names)
        named += sum(1 for w in want.tolist() if w)
    assert named > 100  # the points really fall in seas


def _parse_items_definition(batch, items, lines, report):
    """parse_items as it was: column by column, fast cast or the validating parser, reports in column order."""
    from litterhub.ingest.cells import parse_number
    from litterhub.ingest.wide import ItemMatrix, _fast_counts

    values = np.full((batch.num_rows, len(items)), np.nan)
    bad = np.zeros(batch.num_rows, bool)
    for j, item in enumerate(items):
        parsed = _fast_counts(batch.column(item.column)) or parse_number(batch.column(item.column))
        values[:, j] = parsed.values
        if parsed.invalid.any():
            rows = np.flatnonzero(parsed.invalid)
            texts = batch.column(item.column).take(pa.array(rows)).to_pylist()
            report.add_many("type-error", lines[rows], item.column, [f"count {t!r} is not a number" for t in texts])
            bad |= parsed.invalid
        with np.errstate(invalid="ignore"):
            negative = parsed.values < 0
        if negative.any():
            rows = np.flatnonzero(negative)
            report.add_many("litter-negative-count", lines[rows], item.column,
                            [f"count {parsed.values[r]:g} is negative" for r in rows])
            bad |= negative
    return ItemMatrix(values, bad)


@pytest.mark.parametrize("surprise", [None, "x", " 3", "nan", "-2", "1e400", "4.5"])
def test_parse_items_all_columns_at_once_equal_column_by_column(surprise):
    from litterhub.ingest.report import ValidationReport
    from litterhub.ingest.wide import parse_items

    rng = np.random.default_rng(5)
    n, k = 300, 12
    cells = np.where(rng.random((n, k)) < 0.6, "", rng.integers(0, 9, (n, k)).astype(str)).astype(object)
    cells[7, 3] = "-1"  # a negative count in every variant
    if surprise is not None:
        cells[40, 9] = surprise
    batch = pa.RecordBatch.from_arrays([pa.array(cells[:, j].tolist(), pa.string()) for j in range(k)],
                                       names=[f"G{j}" for j in range(k)])
    items = [ItemColumn(f"G{j}", "tsg-ml", f"G{j}") for j in range(k)]
    lines = np.arange(2, n + 2)
    got_report, want_report = ValidationReport(), ValidationReport()
    got = parse_items(batch, items, lines, got_report)
    want = _parse_items_definition(batch, items, lines, want_report)
    assert np.array_equal(got.values, want.values, equal_nan=True) and got.values.flags.c_contiguous
    assert got.bad_row.tolist() == want.bad_row.tolist() and got.bad_row[7]
    assert [i.as_dict() for i in got_report.errors + got_report.warnings] == \
        [i.as_dict() for i in want_report.errors + want_report.warnings]
    assert len(got_report.errors + got_report.warnings) >= 1


def test_unique_sites_take_the_first_row_in_file_order_and_the_first_point():
    """A beach whose surveys disagree on its coordinates gets the first survey's point, the same on every run."""
    from litterhub.ingest.base import SITE_SCHEMA
    from litterhub.services.ingest import _unique_sites

    rng = np.random.default_rng(8)
    n = 30_000
    ids = rng.integers(0, 3000, n)
    lat = np.where(rng.random(n) < 0.2, np.nan, rng.uniform(-60, 60, n))
    table = pa.table({"site_id": [f"s-{i}" for i in ids], "name": [f"name {k}" for k in range(n)],
                      "lat": pa.array(lat, from_pandas=True), "lon": rng.uniform(-180, 180, n),
                      "country": [None] * n, "region": [None] * n, "compartment": ["beach"] * n,
                      "source_programme": ["p"] * n, "source_key": [f"key {k}" for k in range(n)]}).cast(SITE_SCHEMA)
    batches = [table.slice(i, 2048) for i in range(0, n, 2048)]
    want: dict[str, dict] = {}
    for row in table.to_pylist():
        first = want.setdefault(row["site_id"], {**row, "lat": None, "lon": None})
        if first["lat"] is None and row["lat"] is not None:
            first["lat"], first["lon"] = row["lat"], row["lon"]
    got = _unique_sites(batches).to_pylist()
    assert got == [want[k] for k in sorted(want)]
    assert _unique_sites(batches).to_pylist() == got
    assert len(got) == len(want) > 2000


def test_key_counter_on_utf8_bytes_numbers_non_ascii_keys_like_the_definition():
    """Keys are compared as UTF-8 bytes: accents, scripts beyond Latin-1 and ASCII keys mixed across batches."""
    from litterhub.ingest.base import KeyCounter

    pool = ["Île d'Yeu/2020-01-01", "Ile d'Yeu/2020-01-01", "北海道/2021-05-05", "a", "ab", "a b", "Zürich",
            "Zu\u0308rich", "plain-ascii-key-1", "plain-ascii-key-2", ""]
    rng = np.random.default_rng(9)
    batches = [np.array([pool[i] for i in rng.integers(0, len(pool), n)]) for n in (40, 0, 25, 60)]
    batches.append(np.array(["plain-ascii-key-1", "a"]))  # an ASCII-only batch after non-ASCII ones
    counter, seen = KeyCounter(), {}
    for keys in batches:
        want = []
        for k in keys.tolist():
            want.append(seen.get(k, 0))
            seen[k] = seen.get(k, 0) + 1
        assert counter.number(keys).tolist() == want
    assert seen["Zürich"] >= 1 and len(seen) >= 9


@pytest.mark.parametrize("codes", [["no such code", "nor this"], ["G1"], ["G1", "G3", "G4"]])
def test_crosswalk_columns_shared_by_every_pair_equal_the_definition(codes):
    """One value for all rows (every code unmapped, or one code) is repeated instead of taken: same columns."""
    n = 5000
    table = pa.table({"source_scheme": pa.array(["tsg-ml"] * n), "source_code": pa.array([codes[i % len(codes)]
                                                                                         for i in range(n)]),
                      "source_name": pa.array([None] * n, pa.string()), "count": pa.array([1.0] * n)})
    got, want = crosswalk.apply_crosswalk(table), _crosswalk_definition(table)
    for name in crosswalk.ADDED:
        assert got[name].to_pylist() == want[name].to_pylist(), name
    assert got.num_rows == n


def test_the_larger_sqlite_cache_is_given_back_after_publishing_and_on_errors(hub):
    from litterhub.services.ingest import _sqlite_cache, ingest_file
    from litterhub.services.setup import DEMO_DIR

    with hub.engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    assert ingest_file(hub, DEMO_DIR / "mlw-sample.csv", "mlw", "cache-mlw").ok
    with hub.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
        with pytest.raises(RuntimeError), _sqlite_cache(conn, 12_345):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -12_345
            raise RuntimeError("a failed insert")
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
