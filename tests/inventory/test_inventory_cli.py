"""The CLI surface the issue specifies: option names, JSON keys, human-readable text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from litterhub.cli import app

pytestmark = pytest.mark.usefixtures("shared_data")  # needs Jambeck S1 / Borrelle inputs

runner = CliRunner()


def _json(args: list[str]):
    result = runner.invoke(app, ["inventory", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_jambeck_country_json_shape() -> None:
    out = _json(["jambeck", "--country", "CHN", "--year", "2010", "--json"])
    assert set(out) == {
        "country",
        "year",
        "mismanaged_plastic_waste_t",
        "marine_debris_low_t",
        "marine_debris_high_t",
    }
    assert out["country"] == "CHN" and out["year"] == 2010
    assert out["mismanaged_plastic_waste_t"] == pytest.approx(8_819_717, rel=0.005)


def test_jambeck_inputs_file_prints_a_list(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "country,coastal_population,waste_kg_per_person_day,plastic_share,inadequately_managed_share,littered_share\n"
        "CHN,262892387,1.1,0.1095,0.7431,0.02\nnld,100,1,0.1,0,0.02\n",
        encoding="utf-8",
    )
    out = _json(["jambeck", "--inputs", str(path), "--json"])
    assert isinstance(out, list) and [o["country"] for o in out] == ["CHN", "NLD"]
    assert out[0]["mismanaged_plastic_waste_t"] == pytest.approx(8_819_717, rel=0.005)
    assert out[1]["marine_debris_high_t"] == pytest.approx(100 * 1 * 0.1 * 0.02 * 0.365 * 0.4)


def test_inputs_file_year_labels_results_and_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "country,coastal_population,waste_kg_per_person_day,plastic_share,inadequately_managed_share,littered_share\n"
        "PHL,83446862,0.5,0.1095,0.81,0.02\n",
        encoding="utf-8",
    )
    out = _json(["jambeck", "--inputs", str(path), "--year", "2020", "--json"])
    assert out[0]["year"] == 2020
    bad = runner.invoke(app, ["inventory", "jambeck", "--inputs", str(path), "--year", "1800", "--json"])
    assert bad.exit_code == 1 and "litter-year-out-of-range" in bad.stderr and bad.stdout == ""


def test_borrelle_json_shape() -> None:
    out = _json(
        [
            "borrelle",
            "--country",
            "PHL",
            "--year",
            "2016",
            "--scenario",
            "bau",
            "--draws",
            "1000",
            "--seed",
            "1",
            "--json",
        ]
    )
    assert set(out) == {
        "country",
        "year",
        "scenario",
        "emissions_t_mean",
        "emissions_t_p10",
        "emissions_t_p90",
    }
    assert round(out["emissions_t_mean"] / 1e6, 6) == 0.488749


def test_meijer_json_and_text() -> None:
    out = _json(["meijer", "--country", "PHL", "--json"])
    assert out["country"] == "PHL" and out["emitted_to_ocean_t"] == pytest.approx(356_371, rel=0.01)
    text = runner.invoke(app, ["inventory", "meijer", "--country", "PHL"]).stdout
    assert "emitted to the ocean" in text


def test_human_output_labels_the_compartment() -> None:
    text = runner.invoke(app, ["inventory", "borrelle", "--country", "PHL", "--year", "2030"]).stdout
    assert "aquatic ecosystems" in text and "80 % interval" in text
    text = runner.invoke(app, ["inventory", "jambeck", "--country", "CHN"]).stdout
    assert "ocean" in text and "mismanaged plastic waste" in text


def test_flow_and_scenarios_commands() -> None:
    flow = _json(["flow", "--country", "PHL", "--json"])
    labels = [s["label"] for s in flow["steps"]]
    assert labels == ["waste generated", "plastic waste", "mismanaged plastic waste"]
    # What a Waste 2.0 PHL: 14,631,922.9 t MSW × 10.55 % plastic (spec §6a)
    assert flow["steps"][1]["value_t"] == pytest.approx(1_543_668, rel=0.001)
    compartments = {item["method"]: item["compartment"] for item in flow["leakage"]}
    assert compartments["meijer2021"] == "ocean" and compartments["borrelle2020"].startswith("aquatic")
    scen = _json(["scenarios", "--country", "PHL", "--draws", "200", "--json"])
    assert set(scen["scenarios"]) == {"bau", "ambitious", "target"}
    assert [r["year"] for r in scen["scenarios"]["bau"]] == list(range(2016, 2031))
