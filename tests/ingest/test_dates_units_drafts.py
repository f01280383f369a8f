"""Explicit date resolution, concentration units and the mapping draft, on small hand-made inputs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from litterhub.harmonize.concentration import KM2_IN_M2, areal_to_volumetric, reference_effort
from litterhub.ingest.dates import from_parts, parse_date_strict, parse_mixed_dates, slash_order, us_datetime_dates
from litterhub.ingest.mapping import draft_mapping, guess_date_format, parse_mapping
from litterhub.ingest.report import ValidationReport


def test_slash_order_comes_from_the_column_itself():
    assert slash_order(pa.array(["13/02/2022", "01/02/2022"]))[0] == "day-first"
    assert slash_order(pa.array(["5/14/2022", "2/5/2022"]))[0] == "month-first"
    order, reason = slash_order(pa.array(["2/5/2022"]))
    assert order == "month-first" and "no slash date proves" in reason


def test_mixed_dates_are_counted_and_ambiguity_listed():
    report = ValidationReport()
    col = pa.array(["01.02.2022", "5/14/2022", "2/5/2022", "3/3/2022", "31.02.2022", ""])
    mixed = parse_mixed_dates(col, "Date", np.arange(2, 8), report)
    got = [str(d) for d in mixed.parsed.values]
    assert got == ["2022-02-01", "2022-05-14", "2022-02-05", "2022-03-03", "NaT", "NaT"]
    assert mixed.dotted.sum() == 2 and mixed.slashed.sum() == 3
    # 2/5 is ambiguous; 3/3 reads the same either way, so it is not
    assert [i.line for i in report.warnings] == [4] and report.counts["litter-date-ambiguous"] == 1
    assert list(mixed.parsed.invalid) == [False, False, False, False, True, False]
    assert mixed.parsed.blank[-1]


def test_strict_dates_and_parts():
    p = parse_date_strict(pa.array(["2023-02-29", "2024-02-29", "2023-04-31"]), "%Y-%m-%d")
    assert list(p.invalid) == [True, False, True]
    dates, invalid = from_parts(np.array([2019.0, 2019, 2019]), np.array([2.0, 13, 4]), np.array([28.0, 1, 31]))
    assert str(dates[0]) == "2019-02-28" and list(invalid) == [False, True, True]
    us = us_datetime_dates(pa.array(["5/10/2009 12:00:00 AM", "2/30/2009 12:00:00 AM"]))
    assert str(us.values[0]) == "2009-05-10" and list(us.invalid) == [False, True]


def test_concentrations_are_never_converted_without_depth():
    assert reference_effort("pieces/m3").effort_column == "volume_m3"
    assert reference_effort("Pieces/km²").effort_value == KM2_IN_M2
    assert reference_effort("pieces kg-1 d.w.").effort_column == "dry_mass_kg"
    assert reference_effort("pieces per bucket") is None
    out = areal_to_volumetric(np.array([1e6, 1e6, 1e6]), np.array([0.25, np.nan, 0.0]))
    assert out[0] == pytest.approx(4.0) and np.isnan(out[1]) and np.isnan(out[2])


def test_draft_mapping_long_layout_and_date_format():
    header = ["survey", "beach", "date", "code", "item", "quantity"]
    samples = {"date": ["14/03/2022", "01/04/2022"], "quantity": ["1", "2"], "code": ["G1", "G2"]}
    text = draft_mapping(header, samples)
    m = parse_mapping(text)
    assert m.layout == "long" and m.long["code"] == "code" and m.long["count"] == "quantity"
    assert m.date_format == "%d/%m/%Y" and m.event["date"] == "date" and m.event["site_name"] == "beach"
    assert guess_date_format(["2021-01-02"]) == "%Y-%m-%d"
