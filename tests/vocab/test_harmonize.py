"""Crosswalk application on Arrow tables: roll-up rules, unmapped rows kept, version recorded."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from litterhub.harmonize.coverage import coverage
from litterhub.harmonize.crosswalk import (
    ObservationShapeError,
    apply_crosswalk,
    rollup_totals,
    vocab_version_of,
)
from litterhub.vocab import VOCAB_VERSION
from litterhub.vocab.crosswalks import all_crosswalks
from litterhub.vocab.items import master_list


def _first(relation: str):
    return next(m for rows in all_crosswalks().values() for m in rows if m.relation == relation)


def _obs(rows: list[tuple[str, str, float]]) -> pa.Table:
    return pa.table({
        "source_scheme": [r[0] for r in rows], "source_code": [r[1] for r in rows],
        "source_name": [r[1] for r in rows], "count": pa.array([r[2] for r in rows], pa.float64()),
    })


def test_roll_up_rules_follow_the_relation():
    master = master_list()
    exact, narrow, broad, related = (_first(r) for r in ("exactMatch", "narrowMatch", "broadMatch",
                                                           "relatedMatch"))
    table = _obs([(m.source_scheme, m.source_code, 1.0) for m in (exact, narrow, broad, related)])
    out = apply_crosswalk(table).to_pylist()
    assert [r["relation"] for r in out] == ["exactMatch", "narrowMatch", "broadMatch", "relatedMatch"]
    assert out[0]["rollup_code"] == exact.master_code
    assert out[1]["rollup_code"] == narrow.master_code
    assert out[2]["rollup_code"] == (master.items[broad.master_code].parent_code or broad.master_code)
    assert out[2]["rollup_code"] != broad.master_code
    assert out[3]["rollup_code"] == (master.items[related.master_code].parent_code or related.master_code)
    for row, m in zip(out, (exact, narrow, broad, related), strict=True):
        assert row["master_code"] == m.master_code
        assert row["material"] == master.items[m.master_code].material


def test_unknown_codes_are_kept_verbatim_and_row_order_is_kept():
    exact = _first("exactMatch")
    rows = [("ospar", "no-such-code", 3.0), (exact.source_scheme, exact.source_code, 2.0),
            ("unknown-scheme", "G27", 5.0), (exact.source_scheme, exact.source_code, 7.0)]
    out = apply_crosswalk(_obs(rows))
    assert out.num_rows == 4
    assert out["count"].to_pylist() == [3.0, 2.0, 5.0, 7.0]
    assert out["source_code"].to_pylist() == [r[1] for r in rows]
    assert out["relation"].to_pylist() == ["unmapped", "exactMatch", "unmapped", "exactMatch"]
    assert out["master_code"].to_pylist()[0] is None and out["rollup_code"].to_pylist()[2] is None


def test_codes_match_despite_spacing_and_case():
    m = next(m for m in all_crosswalks()["mcs"] if " / " in m.source_code)
    variant = m.source_code.replace(" / ", "/").upper()
    out = apply_crosswalk(_obs([("mcs", variant, 1.0)]))
    assert out["master_code"].to_pylist() == [m.master_code]


def test_version_is_recorded_and_extra_columns_pass_through():
    exact = _first("exactMatch")
    table = _obs([(exact.source_scheme, exact.source_code, 1.0)]).append_column("event_id", pa.array(["e1"]))
    out = apply_crosswalk(table)
    assert vocab_version_of(out) == VOCAB_VERSION
    assert out["event_id"].to_pylist() == ["e1"]
    again = apply_crosswalk(out)  # re-harmonising stored data replaces the vocabulary columns
    assert again.column_names == out.column_names


def test_missing_column_is_a_clear_error():
    with pytest.raises(ObservationShapeError, match="source_code"):
        apply_crosswalk(pa.table({"source_scheme": ["ospar"], "count": [1.0]}))


def test_rollup_totals_split_by_relation_add_up():
    walks = all_crosswalks()
    rows = [(m.source_scheme, m.source_code, float(i % 7 + 1)) for i, m in enumerate(walks["ospar"])]
    rows += [("ospar", "not-a-code", 4.0)]
    harmonised = apply_crosswalk(_obs(rows))
    totals = rollup_totals(harmonised)
    grand = sum(r[2] for r in rows)
    assert pc.sum(totals["total"]).as_py() == pytest.approx(grand)
    parts = sum(pc.sum(totals[c]).as_py() for c in ("exactMatch", "narrowMatch", "broadMatch", "relatedMatch",
                                                       "unmapped"))
    assert parts == pytest.approx(grand)
    assert pc.sum(totals["records"]).as_py() == len(rows)
    assert vocab_version_of(totals) == VOCAB_VERSION


def test_coverage_shares_are_fractions_of_item_counts():
    exact, broad = _first("exactMatch"), _first("broadMatch")
    harmonised = apply_crosswalk(_obs([(exact.source_scheme, exact.source_code, 6.0),
                                       (broad.source_scheme, broad.source_code, 3.0),
                                       ("ospar", "zzz", 1.0)]))
    cov = coverage(harmonised, "test")
    assert cov.count_total == 10.0 and cov.records == 3
    assert cov.mapped_exact_share == pytest.approx(0.6)
    assert cov.mapped_any_share == pytest.approx(0.9)
    assert cov.unmapped == [{"code": "zzz", "name": "zzz", "count": 1.0}]
