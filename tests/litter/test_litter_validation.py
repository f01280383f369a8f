"""litteR's validation rules (specs/methods.md §1.1–§1.2): each ERROR stops the run with a stable code
and a message naming the record/column; each WARN is logged and the run continues."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from litterhub.analysis.litter import io as lio
from litterhub.analysis.litter.pipeline import results_csv_frame
from litterhub.cli import app
from litterhub.services.litter import run_litter_settings, run_litter_uploads

TYPES = "type_name,included,SUP,PLASTIC\nPlastic: A [1],x,x,x\nPlastic: B [2],x,,x\nGlass: C [3],x,,\nOld: D [4],,x,x\n"
HEADER = "region_code,location_code,location_name,date,Plastic: A [1],Plastic: B [2],Glass: C [3]\n"
ROWS = [
    "NL,L1,Beach 1,2015-01-10,3,4,0",
    "NL,L1,Beach 1,2015-04-10,5,1,2",
    "NL,L1,Beach 1,2015-07-10,2,2,1",
    "NL,L2,Beach 2,2015-01-11,7,0,1",
    "NL,L2,Beach 2,2015-04-11,1,9,0",
    "NL,L2,Beach 2,2015-07-11,4,4,4",
]
SETTINGS = "date_min: 2010-01-01\ndate_max: 2020-12-31\npercentage_total_count: 80\n"


def make(tmp_path: Path, data: str | None = None, types: str = TYPES, settings: str | None = None) -> Path:
    (tmp_path / "data.csv").write_text(data if data is not None else HEADER + "\n".join(ROWS) + "\n")
    (tmp_path / "types.csv").write_text(types)
    path = tmp_path / "settings.yaml"
    path.write_text(settings if settings is not None else SETTINGS + "file_data: data.csv\nfile_types: types.csv\n")
    return path


def error_of(path: Path) -> lio.LitterInputError:
    with pytest.raises(lio.LitterInputError) as info:
        run_litter_settings(path)
    return info.value


def warnings_of(path: Path) -> dict[str, str]:
    result = run_litter_settings(path)
    return {e.code: e.message for e in result.log if e.level == "WARN"}


def replace_row(index: int, row: str) -> str:
    rows = list(ROWS)
    rows[index] = row
    return HEADER + "\n".join(rows) + "\n"


def test_valid_input_runs_and_warns_about_dropped_columns(tmp_path):
    warnings = warnings_of(make(tmp_path))
    assert "'location_name'" in warnings[lio.DATA_EXTRA_COLUMNS]
    result = run_litter_settings(make(tmp_path))
    tc = result.location_stats.query("type_name == 'TC' and location_code == 'L1'").iloc[0]
    assert tc["mean"] == pytest.approx((7 + 8 + 5) / 3)
    # the type with empty 'included' is left out of every group, even of SUP/PLASTIC marked with x
    assert "old: d [4]" not in set(result.location_stats["type_name"])
    sup = result.location_stats.query("type_name == 'SUP' and location_code == 'L1'").iloc[0]
    assert sup["mean"] == pytest.approx((3 + 5 + 2) / 3)


def test_missing_required_column(tmp_path):
    data = HEADER.replace("location_code,", "") + "\n".join(r.split(",", 2)[0] + "," + r.split(",", 2)[2] for r in ROWS)
    err = error_of(make(tmp_path, data=data))
    assert err.code == lio.DATA_MISSING_COLUMN and "'location_code'" in err.message


def test_invalid_date_names_the_record(tmp_path):
    err = error_of(make(tmp_path, data=replace_row(2, "NL,L1,Beach 1,2015-13-45,2,2,1")))
    assert err.code == lio.DATA_INVALID_DATE and "record 3 (line 4)" in err.message


def test_mixed_date_formats(tmp_path):
    err = error_of(make(tmp_path, data=replace_row(1, "NL,L1,Beach 1,10/04/2015,5,1,2")))
    assert err.code == lio.DATA_MIXED_DATES and "record 2 (line 3)" in err.message


def test_ospar_dates_are_accepted(tmp_path):
    rows = [r.replace("2015-01-10", "10/01/2015") for r in ROWS]
    rows = [
        ",".join(p if i != 3 else f"{p[8:10]}/{p[5:7]}/{p[0:4]}" if "-" in p else p for i, p in enumerate(r.split(",")))
        for r in rows
    ]
    result = run_litter_settings(make(tmp_path, data=HEADER + "\n".join(rows) + "\n"))
    assert result.location_stats.query("type_name == 'TC'")["from"].tolist() == ["2015-01-10", "2015-01-11"]


def test_included_type_missing_from_data_is_a_warning(tmp_path):
    data = HEADER.replace(",Glass: C [3]", "") + "\n".join(r.rsplit(",", 1)[0] for r in ROWS) + "\n"
    warnings = warnings_of(make(tmp_path, data=data))
    assert "'glass: c [3]'" in warnings[lio.DATA_MISSING_TYPES]


def test_no_type_column(tmp_path):
    err = error_of(make(tmp_path, data="location_code,date,other\nL1,2015-01-01,3\n"))
    assert err.code == lio.DATA_NO_TYPES


def test_empty_cell(tmp_path):
    err = error_of(make(tmp_path, data=replace_row(4, "NL,L2,Beach 2,2015-04-11,1,,0")))
    assert err.code == lio.DATA_EMPTY_CELL
    assert "'plastic: b [2]'" in err.message and "record 5 (line 6)" in err.message


def test_non_numeric_count(tmp_path):
    err = error_of(make(tmp_path, data=replace_row(0, "NL,L1,Beach 1,2015-01-10,three,4,0")))
    assert err.code == lio.DATA_NOT_NUMERIC and "'plastic: a [1]'" in err.message and "'three'" in err.message


def test_negative_count(tmp_path):
    err = error_of(make(tmp_path, data=replace_row(3, "NL,L2,Beach 2,2015-01-11,7,-1,1")))
    assert err.code == lio.DATA_NEGATIVE and "'plastic: b [2]'" in err.message and "record 4" in err.message


def test_non_natural_numbers_warn_and_are_kept(tmp_path):
    result = run_litter_settings(make(tmp_path, data=replace_row(0, "NL,L1,Beach 1,2015-01-10,2.5,4,0")))
    warns = {e.code: e.message for e in result.log if e.level == "WARN"}
    assert "'plastic: a [1]'" in warns[lio.DATA_NOT_NATURAL]
    tc = result.location_stats.query("type_name == 'TC' and location_code == 'L1'").iloc[0]
    assert tc["mean"] == pytest.approx((6.5 + 8 + 5) / 3)


def test_all_zero_record_warns_and_is_kept(tmp_path):
    result = run_litter_settings(make(tmp_path, data=replace_row(2, "NL,L1,Beach 1,2015-07-10,0,0,0")))
    warns = {e.code: e.message for e in result.log if e.level == "WARN"}
    assert "record 3" in warns[lio.DATA_ALL_ZERO]
    assert result.location_stats.query("type_name == 'TC' and location_code == 'L1'").iloc[0]["n"] == 3


def test_exact_duplicates_keep_first_only(tmp_path):
    data = HEADER + "\n".join([*ROWS, ROWS[0]]) + "\n"
    result = run_litter_settings(make(tmp_path, data=data))
    warns = {e.code: e.message for e in result.log if e.level == "WARN"}
    assert "1, 7" in warns[lio.DATA_DUPLICATE]
    assert result.location_stats.query("type_name == 'TC' and location_code == 'L1'").iloc[0]["n"] == 3


def test_same_location_and_date_are_all_kept(tmp_path):
    data = HEADER + "\n".join([*ROWS, "NL,L1,Beach 1,2015-01-10,9,9,9"]) + "\n"
    result = run_litter_settings(make(tmp_path, data=data))
    warns = {e.code: e.message for e in result.log if e.level == "WARN"}
    assert "1, 7" in warns[lio.DATA_SAME_LOCATION_DATE]
    assert result.location_stats.query("type_name == 'TC' and location_code == 'L1'").iloc[0]["n"] == 4


def test_empty_period(tmp_path):
    settings = "date_min: 2019-01-01\ndate_max: 2019-12-31\nfile_data: data.csv\nfile_types: types.csv\n"
    err = error_of(make(tmp_path, settings=settings))
    assert err.code == lio.DATA_EMPTY_PERIOD and "2019-01-01" in err.message


def test_semicolon_delimited_data(tmp_path):
    err = error_of(make(tmp_path, data="location_code;date;Plastic: A [1]\nL1;2015-01-01;3\n"))
    assert err.code == lio.DATA_DELIMITER


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ("file_types: types.csv\n", lio.SETTINGS_MISSING),
        ("date_min: 2012/01/01\nfile_data: data.csv\nfile_types: types.csv\n", lio.SETTINGS_INVALID_DATE),
        (
            "date_min: 2018-01-01\ndate_max: 2017-01-01\nfile_data: data.csv\nfile_types: types.csv\n",
            lio.SETTINGS_DATE_ORDER,
        ),
        (
            "percentage_total_count: 120\nfile_data: data.csv\nfile_types: types.csv\n",
            lio.SETTINGS_PERCENTAGE,
        ),
        ("figure_quality: medium\nfile_data: data.csv\nfile_types: types.csv\n", lio.SETTINGS_FIGURE_QUALITY),
        ("file_data: nowhere.csv\nfile_types: types.csv\n", lio.FILE_NOT_FOUND),
        ("- just\n- a list\n", lio.SETTINGS_UNREADABLE),
    ],
)
def test_settings_rules(tmp_path, settings, code):
    assert error_of(make(tmp_path, settings=settings)).code == code


def test_settings_extension(tmp_path):
    path = make(tmp_path)
    other = path.with_suffix(".yml")
    path.rename(other)
    assert error_of(other).code == lio.SETTINGS_FILE_EXTENSION


def test_settings_defaults_and_case_insensitive_keys(tmp_path):
    log = lio.RunLog()
    settings = lio.parse_settings(make(tmp_path, settings="FILE_DATA: data.csv\nFile_Types: types.csv\n"), log)
    assert str(settings.date_min) == "1900-01-01" and str(settings.date_max) == "2100-12-31"
    assert settings.percentage_total_count == 80 and settings.figure_quality == "low"


@pytest.mark.parametrize(
    ("types", "code", "fragment"),
    [
        ("type_name,SUP\nPlastic: A [1],x\n", lio.TYPES_MISSING_COLUMN, "'INCLUDED'"),
        ("type_name,included\nPlastic: A [1],x\nplastic: a [1],x\n", lio.TYPES_DUPLICATE, "lines 2, 3"),
        ("type_name,included,SUP\nPlastic: A [1],x,yes\n", lio.TYPES_INVALID_CELL, "'SUP'"),
    ],
)
def test_type_file_rules(tmp_path, types, code, fragment):
    err = error_of(make(tmp_path, types=types))
    assert err.code == code and fragment in err.message


def test_cli_prints_litter_error_and_exits_non_zero(tmp_path):
    path = make(tmp_path, data=replace_row(3, "NL,L2,Beach 2,2015-01-11,7,-1,1"))
    result = CliRunner().invoke(app, ["litter", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "ERROR [litter-data-negative-count]" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_json_and_log(tmp_path):
    import json

    path = make(tmp_path)
    result = CliRunner().invoke(app, ["litter", str(path), "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {r["type/group_name"] for r in payload["results"]} >= {"TC", "SUP", "PLASTIC"}
    assert payload["regional_stats"][0]["region_code"] == "NL"
    assert "WARN [litter-data-extra-columns]" in (tmp_path / "out" / "litteR.log").read_text()


def test_uploads_ignore_file_names_in_settings(tmp_path):
    make(tmp_path)
    result = run_litter_uploads(
        SETTINGS.encode(), (tmp_path / "data.csv").read_bytes(), (tmp_path / "types.csv").read_bytes()
    )
    assert set(result.results["location_code"]) == {"L1", "L2"}


def test_records_at_same_location_and_date_keep_means(shared_data, tmp_path):
    """litteR's test-counts.R: all beaches recoded as one location, with identical survey dates, keep the
    mean counts (rounded: TC 314, SUP 70, FISH 138, PLASTIC 282)."""
    import pandas as pd

    ref = shared_data / "litter-reference" / "input"
    data = pd.read_csv(ref / "beach-litter-nl-2012-2017.csv", dtype=str, keep_default_na=False)
    data["location_code"] = "The Netherlands"
    data["date"] = data.groupby(data["location_name"]).cumcount().map(lambda i: f"2013-01-{i + 1:02d}")
    (tmp_path / "data.csv").write_text(data.to_csv(index=False))
    (tmp_path / "types.csv").write_bytes((ref / "types-ospar-tests.csv").read_bytes())
    path = tmp_path / "settings.yaml"
    path.write_text("date_min: 2012-01-01\ndate_max: 2017-12-31\nfile_data: data.csv\nfile_types: types.csv\n")
    result = run_litter_settings(path)
    assert any(e.code == lio.DATA_SAME_LOCATION_DATE for e in result.log)
    means = result.location_stats.set_index("type_name")["mean"].round().astype(int)
    assert means[["TC", "SUP", "FISH", "PLASTIC"]].tolist() == [314, 70, 138, 282]


def test_zero_total_and_short_series_follow_litter(tmp_path):
    """§1.3: TC = 0 makes the relative count NaN, and NaN spreads into %TC; §1.5: with one survey
    there is no Theil–Sen slope and no p-value; with surveys on one date only, no slope either."""
    rows = [*ROWS, "NL,L3,Beach 3,2016-01-01,1,1,1", "NL,L4,Beach 4,2016-01-01,1,0,0", "NL,L4,Beach 4,2016-01-01,0,2,0"]
    data = replace_row(2, "NL,L1,Beach 1,2015-07-10,0,0,0").replace(ROWS[-1], "\n".join(rows[5:]))
    result = run_litter_settings(make(tmp_path, data=data))
    stats = result.location_stats.set_index(["location_code", "type_name"])
    assert np.isnan(stats.loc[("L1", "TC"), "rel_count"]) and np.isnan(stats.loc[("L1", "SUP"), "rel_count"])
    assert stats.loc[("L2", "TC"), "rel_count"] == 100
    printed = results_csv_frame(result.results).set_index(["location_code", "type/group_name"])
    assert printed.loc[("L1", "TC"), "%TC"] == "NaN"
    assert stats.loc[("L3", "TC"), "n"] == 1
    assert np.isnan(stats.loc[("L3", "TC"), "slope"]) and np.isnan(stats.loc[("L3", "TC"), "p_value"])
    assert printed.loc[("L3", "TC"), "slope"] == "NA" and printed.loc[("L3", "TC"), "p_value"] == "NA"
    assert stats.loc[("L4", "TC"), "n"] == 2 and np.isnan(stats.loc[("L4", "TC"), "slope"])
    # a region with a beach of fewer than 3 surveys has no regional p-value
    regional = result.regional_stats.set_index("type_name")
    assert np.isnan(regional.loc["TC", "VarS"]) and np.isnan(regional.loc["TC", "p_value"])
    # R's median without na.rm: the beach with one survey has no slope, so neither has the region
    assert np.isnan(regional.loc["TC", "slope"]) and regional.loc["TC", "n"] == 3 + 3 + 1 + 2


def test_cli_json_error(tmp_path):
    import json

    path = make(tmp_path, data=replace_row(1, "NL,L1,Beach 1,10/04/2015,5,1,2"))
    result = CliRunner().invoke(app, ["litter", str(path), "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["error"]["code"] == lio.DATA_MIXED_DATES
    assert payload["log"][-1]["level"] == "ERROR"


def test_cli_unwritable_output_is_a_clear_error(tmp_path):
    path = make(tmp_path)
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder")
    result = CliRunner().invoke(app, ["litter", str(path), "--out", str(blocker)])
    assert result.exit_code == 2
    assert "ERROR [litter-output-not-writable]" in result.output and "Traceback" not in result.output


def test_output_folder_holds_only_complete_files(tmp_path):
    path = make(tmp_path)
    out = tmp_path / "results"
    assert CliRunner().invoke(app, ["litter", str(path), "--out", str(out)]).exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".")]
    assert {"litteR-results.csv", "location_stats.csv", "regional_stats.csv", "outliers.csv", "topx.csv"} <= set(names)


@pytest.mark.parametrize("row", ["NL,L1,Beach 1,2015-01-10,3,4", "NL,L1,Beach 1,2015-01-10,3,4,0,9"])
def test_rows_with_a_different_number_of_fields(tmp_path, row):
    err = error_of(make(tmp_path, data=replace_row(0, row)))
    assert err.code == lio.DATA_UNREADABLE and "line 2 has" in err.message
