"""The `litterhub vocab` commands: JSON shapes for scripts, clear errors for people."""

from __future__ import annotations

import json

from rdflib import Graph
from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.vocab.crosswalks import all_crosswalks
from litterhub.vocab.items import master_list

runner = CliRunner()


def test_show_json_lists_what_programmes_call_the_item():
    result = runner.invoke(app, ["vocab", "show", "g27", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["code"] == "G27" and data["name"] == master_list().items["G27"].name
    expected = {m.source_scheme for rows in all_crosswalks().values() for m in rows if m.master_code == "G27"}
    assert set(data["mappings"]) == expected and "ospar" in expected


def test_unknown_item_is_an_error_with_code():
    result = runner.invoke(app, ["vocab", "show", "G99999"])
    assert result.exit_code == 2
    assert "litter-vocab-unknown-item" in result.output and "Traceback" not in result.output


def test_search_finds_items_through_programme_names():
    result = runner.invoke(app, ["vocab", "search", "six-pack", "--json"])
    assert result.exit_code == 0
    codes = {h["code"] for h in json.loads(result.stdout)}
    assert "G1" in codes


def test_crosswalk_json_has_every_row_and_rollup():
    result = runner.invoke(app, ["vocab", "crosswalk", "--from", "ospar", "--to", "master", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == len(all_crosswalks()["ospar"])
    assert {"source_code", "relation", "master_code", "evidence", "rollup_code"} <= set(rows[0])
    bad = runner.invoke(app, ["vocab", "crosswalk", "--from", "nope"])
    assert bad.exit_code == 2 and "litter-vocab-unknown-scheme" in bad.output


def test_coverage_json_keys(shared_data):
    path = shared_data / "noaa-mdmap/MDMAP_Export_20230827.csv"
    result = runner.invoke(app, ["vocab", "coverage", str(path), "--format", "mdmap", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"format", "records", "count_total", "mapped_exact_share", "mapped_any_share", "unmapped"}
    assert data["format"] == "mdmap" and 0 <= data["mapped_exact_share"] <= data["mapped_any_share"] <= 1


def test_coverage_bad_input_is_reported_not_raised(tmp_path, shared_data):
    missing = runner.invoke(app, ["vocab", "coverage", str(tmp_path / "nothing.csv"), "--format", "tides"])
    assert missing.exit_code == 2 and "litter-file-not-found" in missing.output
    wrong = runner.invoke(app, ["vocab", "coverage", str(shared_data / "openlittermap-italy/olm-data.csv"),
                                "--format", "tides"])
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output and "litter-format-mismatch" in wrong.output


def test_export_turtle_parses_back(tmp_path):
    out = tmp_path / "vocab.ttl"
    result = runner.invoke(app, ["vocab", "export", "--format", "ttl", "--output", str(out)])
    assert result.exit_code == 0
    g = Graph().parse(out, format="turtle")
    skos = "http://www.w3.org/2004/02/skos/core#"
    notations = {str(o) for o in g.objects(None, None) if False}
    notations = {str(o) for s, p, o in g if str(p) == skos + "notation"}
    assert {"G27", "TSG_ML_1", "plastic:fragments-hard"} <= notations


def test_check_command_passes():
    result = runner.invoke(app, ["vocab", "check"])
    assert result.exit_code == 0 and "all checks passed" in result.stdout


def test_reharmonise_stored_dataset(demo_hub):
    from litterhub.services.datasets import list_datasets

    dataset = list_datasets(demo_hub)[0]["id"]
    args = ["vocab", "reharmonise", dataset, "--json", "--data-dir", str(demo_hub.settings.data_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dataset_id"] == dataset and data["rows"] == sum(r["records"] for r in data["rollup"])
    missing = runner.invoke(app, ["vocab", "reharmonise", "nope", "--data-dir", str(demo_hub.settings.data_dir)])
    assert missing.exit_code == 2 and "litter-dataset-not-found" in missing.output


def test_unknown_export_format_is_an_error():
    result = runner.invoke(app, ["vocab", "export", "--format", "xml"])
    assert result.exit_code == 2 and "litter-vocab-unknown-export" in result.output
