"""Apply the vocabulary crosswalks to observations: one vectorised join, never a loop over rows.

Rules (docs/vocabulary.md): exactMatch and narrowMatch roll up into the master item itself; broadMatch
and relatedMatch roll up only to the master item's parent class (a source code broader than the master
item cannot be credited to it); codes not in any crosswalk are kept verbatim with relation 'unmapped'.
Every harmonised table carries the vocabulary version in its schema metadata.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.errors import InvalidInput
from litterhub.vocab import VOCAB_VERSION
from litterhub.vocab.crosswalks import all_crosswalks
from litterhub.vocab.items import master_list

UNMAPPED = "unmapped"
ITEM_RELATIONS = ("exactMatch", "narrowMatch")
CLASS_RELATIONS = ("broadMatch", "relatedMatch")
ALL_RELATIONS = (*ITEM_RELATIONS, *CLASS_RELATIONS, UNMAPPED)
VERSION_KEY = b"litterhub.vocab_version"
ADDED = ("master_code", "relation", "material", "rollup_code")
REQUIRED = {"source_scheme": pa.string(), "source_code": pa.string(), "source_name": pa.string(),
            "count": pa.float64()}


class ObservationShapeError(InvalidInput, ValueError):
    """The table lacks a column the crosswalk needs (names the column)."""


def code_key(codes: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Arrow version of `vocab.crosswalks.normalise_code`: lower-case, trimmed, no spaces around / and :."""
    out = pc.utf8_lower(pc.utf8_trim_whitespace(codes))
    out = pc.replace_substring_regex(out, pattern=r"\s*([/:])\s*", replacement=r"\1")
    return pc.replace_substring_regex(out, pattern=r"\s+", replacement=" ")


@lru_cache(maxsize=1)
def mapping_table() -> pa.Table:
    """All crosswalk rows as one Arrow table, with the material and roll-up target resolved once."""
    master = master_list()
    rows = [m for maps in all_crosswalks().values() for m in maps]
    rollup, material = [], []
    for m in rows:
        item = master.items[m.master_code]
        material.append(item.material)
        if m.relation in ITEM_RELATIONS:
            rollup.append(m.master_code)
        else:
            rollup.append(item.parent_code or m.master_code)
    table = pa.table({
        "source_scheme": pa.array([m.source_scheme for m in rows], pa.string()),
        "source_code": pa.array([m.source_code for m in rows], pa.string()),
        "master_code": pa.array([m.master_code for m in rows], pa.string()),
        "relation": pa.array([m.relation for m in rows], pa.string()),
        "material": pa.array(material, pa.string()),
        "rollup_code": pa.array(rollup, pa.string()),
    })
    return table.append_column("_key", code_key(table["source_code"])).drop_columns(["source_code"])


def apply_crosswalk(observations: pa.Table) -> pa.Table:
    """Add master_code, relation, material and rollup_code to observations (row order kept).

    Needs source_scheme, source_code, source_name and count; other columns pass through untouched.
    Existing master_code/relation/material/rollup_code columns are replaced, so re-harmonising stored
    lake data with a newer vocabulary is the same call.
    """
    for name, type_ in REQUIRED.items():
        if name not in observations.column_names:
            raise ObservationShapeError(f"observations lack column {name!r} (need {sorted(REQUIRED)})")
        if not observations.schema.field(name).type.equals(type_):
            observations = observations.set_column(observations.schema.get_field_index(name), name,
                                                   observations[name].cast(type_))
    base = observations.drop_columns([c for c in ADDED if c in observations.column_names])
    mapped, index = _map_distinct_codes(base["source_scheme"], base["source_code"])
    out = base
    for name in ADDED:
        out = out.append_column(name, _take_small(mapped[name], index))
    return out.replace_schema_metadata({**(base.schema.metadata or {}), VERSION_KEY: VOCAB_VERSION.encode()})


def _map_distinct_codes(scheme: pa.ChunkedArray, code: pa.ChunkedArray) -> tuple[pa.Table, pa.Array]:
    """Resolve each distinct (scheme, code) pair once and return, for every row, the index of its pair.

    A dataset has millions of observation rows but only hundreds of distinct codes, so normalising and
    joining the distinct pairs and then taking by index is an order of magnitude cheaper than a row join.
    The pairs are found without building a `scheme + code` string per row: each column is dictionary-encoded
    (null counting as "", as in the pair) and the two small indices combined into one integer per row.
    """
    scheme_ix, n_schemes = _dense_codes(scheme)
    code_ix, n_codes = _dense_codes(code)
    pair = scheme_ix * n_codes + code_ix
    present = np.zeros(max(n_schemes * n_codes, 1), bool)
    present[pair] = True
    dense = np.cumsum(present) - 1  # pair value -> index of the distinct pair, in pair order
    index = dense[pair]
    first = np.empty(int(present.sum()), np.int64)
    first[index[::-1]] = np.arange(len(index) - 1, -1, -1)  # the first row of each pair (last write wins)
    positions = pa.array(first, pa.int64())
    distinct = pa.table({"source_scheme": pc.take(scheme, positions), "source_code": pc.take(code, positions),
                         "_row": pa.array(np.arange(len(first)), pa.int64())})
    distinct = distinct.append_column("_key", code_key(distinct["source_code"]))
    joined = distinct.join(mapping_table(), keys=["source_scheme", "_key"], join_type="left outer",
                           use_threads=False).sort_by("_row")
    relation = pc.fill_null(joined["relation"], UNMAPPED)
    joined = joined.set_column(joined.schema.get_field_index("relation"), "relation", relation)
    return joined.select(list(ADDED)), pa.array(index, pa.int64())


def _take_small(values: pa.ChunkedArray, index: pa.Array) -> pa.Array | pa.ChunkedArray:
    """`take` from the few distinct pairs' values; a value shared by every pair is repeated instead (a Marine
    LitterWatch file maps every G-code by exactMatch: one relation for millions of rows, no per-row gather)."""
    if len(values) and len(index) and pc.count_distinct(values, mode="all").as_py() == 1:
        first = values[0]
        return pa.nulls(len(index), values.type) if not first.is_valid else pa.repeat(first, len(index))
    return pc.take(values, index)


def _dense_codes(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, int]:
    """Per row, the index of its value among the column's distinct values (null and "" the same), and how many."""
    encoded = pc.dictionary_encode(pc.fill_null(values, "")).combine_chunks() if isinstance(values, pa.ChunkedArray) \
        else pc.dictionary_encode(pc.fill_null(values, ""))
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), len(encoded.dictionary)


def vocab_version_of(table: pa.Table) -> str | None:
    """The vocabulary version a harmonised table was produced with (None if never harmonised)."""
    value = (table.schema.metadata or {}).get(VERSION_KEY)
    return value.decode() if value else None


def rollup_totals(harmonised: pa.Table, by: tuple[str, ...] = ()) -> pa.Table:
    """Counts per roll-up code (optionally per extra grouping columns), split by the relation they came
    through, so every aggregate says how much of it is exact, narrower, broader, related or unmapped.
    Unmapped counts are grouped under a null rollup_code."""
    missing = [c for c in (*by, "rollup_code", "relation", "count") if c not in harmonised.column_names]
    if missing:
        raise ObservationShapeError(f"cannot aggregate: columns {missing} missing (harmonise first)")
    counts = pc.fill_null(harmonised["count"], 0.0)
    work = harmonised.select([*by, "rollup_code"]).append_column("total", counts)
    for rel in ALL_RELATIONS:
        work = work.append_column(rel, pc.if_else(pc.equal(harmonised["relation"], rel), counts, 0.0))
    aggs = [("total", "sum"), *((rel, "sum") for rel in ALL_RELATIONS), ("total", "count")]
    result = work.group_by([*by, "rollup_code"], use_threads=False).aggregate(aggs)
    result = result.rename_columns([n.removesuffix("_sum").replace("total_count", "records")
                                    for n in result.column_names])
    result = result.sort_by([("total", "descending")])
    return result.replace_schema_metadata({VERSION_KEY: VOCAB_VERSION.encode()})
