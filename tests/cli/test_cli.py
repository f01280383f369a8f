"""The CLI's documented contract: `ingest --json` shape and exit codes, `datasets --json`, `init`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services.setup import DEMO_DIR

runner = CliRunner()
KEYS = {"dataset_id", "version", "sha256", "rows_in", "rows_accepted", "rows_rejected", "unchanged", "errors"}


def test_init_ingest_datasets_roundtrip(tmp_path):
    data = ["--data-dir", str(tmp_path / "d")]
    assert runner.invoke(app, ["init", *data]).exit_code == 0
    res = runner.invoke(app, ["ingest", str(DEMO_DIR / "mlw-sample.csv"), "--format", "mlw", "--json", *data])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert KEYS <= set(out)
    assert out["rows_in"] == out["rows_accepted"] + out["rows_rejected"] and not out["unchanged"]
    again = json.loads(runner.invoke(app, ["ingest", str(DEMO_DIR / "mlw-sample.csv"), "--format", "mlw",
                                           "--json", *data]).stdout)
    assert again["unchanged"] is True and again["version"] == out["version"]
    listed = json.loads(runner.invoke(app, ["datasets", "--json", *data]).stdout)
    assert [d["id"] for d in listed] == [out["dataset_id"]]


def test_human_output_and_progress(tmp_path):
    res = runner.invoke(app, ["ingest", str(DEMO_DIR / "mdmap-maine-2016-2023.csv"), "--data-dir",
                              str(tmp_path / "d")])
    assert res.exit_code == 0
    assert "ingested" in res.output and "rows in 70 = accepted 70 + rejected 0" in res.output


def test_missing_file_exits_nonzero_without_traceback(tmp_path):
    res = runner.invoke(app, ["ingest", str(tmp_path / "nope.csv"), "--json", "--data-dir", str(tmp_path / "d")])
    assert res.exit_code != 0
    assert json.loads(res.stdout)["errors"][0]["code"] == "source-error"
    assert "Traceback" not in res.output


def test_ingest_and_validate_take_a_mapping_for_the_generic_format(tmp_path):
    data = tmp_path / "cleanups.csv"
    data.write_text("BeachName,EventDate,BeachLength_m,G1,G27\nX,2021-06-01,100,2,5\nY,2021-06-02,50,,1\n")
    mapping = tmp_path / "mapping.yaml"
    args = ["--data-dir", str(tmp_path / "d")]
    assert runner.invoke(app, ["mapping", "draft", str(data), "--out", str(mapping)]).exit_code == 0
    checked = runner.invoke(app, ["validate", str(data), "--format", "generic", "--mapping", str(mapping), "--json",
                                  *args])
    assert checked.exit_code == 0 and json.loads(checked.stdout)["rows_accepted"] == 2
    stored = json.loads(runner.invoke(app, ["ingest", str(data), "--format", "generic", "--mapping", str(mapping),
                                            "--json", *args]).stdout)
    assert stored["format"] == "generic" and stored["version"] == 1 and stored["rows_accepted"] == 2
    no_mapping = runner.invoke(app, ["ingest", str(data), "--format", "generic", "--dataset", "other", "--json",
                                     *args])
    assert no_mapping.exit_code != 0 and json.loads(no_mapping.stdout)["errors"]
