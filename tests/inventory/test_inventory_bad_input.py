"""Bad inventory input: a clear error naming line and field, non-zero exit, nothing computed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services import inventory as service

pytestmark = pytest.mark.usefixtures("shared_data")  # needs Jambeck S1 / Borrelle inputs

runner = CliRunner()
HEADER = "country,coastal_population,waste_kg_per_person_day,plastic_share,inadequately_managed_share,littered_share\n"
GOOD = "CHN,262892387,1.1,0.1095,0.7431,0.02\n"


def _run_csv(tmp_path: Path, text: str):
    path = tmp_path / "inputs.csv"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["inventory", "jambeck", "--inputs", str(path), "--json"])


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        ("PHL,83446862,0.5,11,0.81,0.02\n", "plastic_share", "litter-share-out-of-range"),
        ("PHL,83446862,0.5,0.11,-0.1,0.02\n", "inadequately_managed_share", "litter-share-out-of-range"),
        ("PHL,83446862,0.5,0.11,0.81,1.02\n", "littered_share", "litter-share-out-of-range"),
        ("PHL,-5,0.5,0.11,0.81,0.02\n", "coastal_population", "litter-negative-value"),
        ("XYZ,83446862,0.5,0.11,0.81,0.02\n", "country", "litter-unknown-country"),
        ("PHL,many,0.5,0.11,0.81,0.02\n", "coastal_population", "type-error"),
        ("PHL,,0.5,0.11,0.81,0.02\n", "coastal_population", "missing-cell"),
    ],
)
def test_bad_row_is_refused_with_line_and_field(tmp_path: Path, row: str, field: str, code: str) -> None:
    result = _run_csv(tmp_path, HEADER + GOOD + row)
    assert result.exit_code != 0
    assert "line 3" in result.stderr
    assert f"field '{field}'" in result.stderr
    assert code in result.stderr
    assert result.stdout.strip() == ""  # the good row is not computed either
    assert "Traceback" not in result.stderr


def test_missing_columns_are_named(tmp_path: Path) -> None:
    result = _run_csv(tmp_path, "country,coastal_population,plastic_share\nCHN,262892387,0.1095\n")
    assert result.exit_code != 0
    for name in ("waste_kg_per_person_day", "inadequately_managed_share", "littered_share"):
        assert f"field '{name}': missing-label" in result.stderr
    assert result.stdout.strip() == ""


def test_every_issue_is_reported_not_just_the_first() -> None:
    with pytest.raises(service.InventoryInputError) as caught:
        service.jambeck_from_csv(HEADER + "ABC,-1,0.5,2,0.5,0.02\n" + "PHL,1,1,0.1,0.5,-0.02\n")
    found = {(i.line, i.field, i.code) for i in caught.value.issues}
    assert found == {
        (2, "country", "litter-unknown-country"),
        (2, "coastal_population", "litter-negative-value"),
        (2, "plastic_share", "litter-share-out-of-range"),
        (3, "littered_share", "litter-share-out-of-range"),
    }


def test_empty_and_non_utf8_files(tmp_path: Path) -> None:
    assert "litter-empty-input" in _run_csv(tmp_path, HEADER).stderr
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "CIV,1,1,0.1,0.5,0.02,Côte\n").encode("latin-1"))
    result = runner.invoke(app, ["inventory", "jambeck", "--inputs", str(path)])
    assert result.exit_code != 0 and "encoding-error" in result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["jambeck", "--country", "ZZZ"], "litter-unknown-country"),
        (["jambeck", "--country", "CHN", "--year", "2020"], "litter-year-out-of-range"),
        (["jambeck", "--country", "CHE"], "litter-no-model-inputs"),  # landlocked: not in Jambeck S1
        (["borrelle", "--country", "PHL", "--year", "2040"], "litter-year-out-of-range"),
        (["borrelle", "--country", "PHL", "--scenario", "dream"], "litter-unknown-scenario"),
        (["borrelle", "--country", "PHL", "--draws", "0"], "litter-invalid-parameter"),
        (["meijer", "--country", "QQQ"], "litter-unknown-country"),
        (
            ["meijer", "--country", "PHL", "--override", "emission_ratio=1.4", "--override-source", "x"],
            "litter-share-out-of-range",
        ),
        (["meijer", "--country", "PHL", "--override", "emission_ratio=0.1"], "missing-cell"),
        (
            ["borrelle", "--country", "PHL", "--override", "population=1", "--override-source", "x"],
            "litter-invalid-parameter",
        ),
    ],
)
def test_bad_options_exit_non_zero_with_code(args: list[str], code: str) -> None:
    result = runner.invoke(app, ["inventory", *args, "--json"])
    assert result.exit_code == 1
    assert code in result.stderr
    assert result.stdout.strip() == ""


def test_override_file_without_source_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text("field,value,source\nmismanaged_plastic_waste_t,1000,\n", encoding="utf-8")
    result = runner.invoke(app, ["inventory", "meijer", "--country", "PHL", "--overrides", str(path)])
    assert result.exit_code == 1
    assert "line 2, field 'source': missing-cell" in result.stderr
