"""`litterhub registry …` on a throwaway data directory."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from litterhub.cli import app


def test_seed_search_export_import(tmp_path):
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "a")]
    r = runner.invoke(app, ["registry", "seed", *data])
    assert r.exit_code == 0 and "new record(s)" in r.output
    r = runner.invoke(app, ["registry", "search", "海洋垃圾", "--json", *data])
    assert r.exit_code == 0 and json.loads(r.output)["results"][0]["id"] == "policy-unea-res-3-7"
    r = runner.invoke(app, ["registry", "search", "stockholm", "--type", "additive", *data])
    assert r.exit_code == 0 and "additive-hbcdd" in r.output
    out = tmp_path / "export.csv"
    assert runner.invoke(app, ["registry", "export", "-f", "csv", "-o", str(out), *data]).exit_code == 0
    r = runner.invoke(app, ["registry", "import", str(out), "--data-dir", str(tmp_path / "b")])
    exported = len(list(csv.reader(out.open(encoding="utf-8", newline="")))) - 1  # one row per record
    assert r.exit_code == 0 and f"imported {exported} record(s)" in r.output


def test_bad_import_exits_1_with_reasons(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"records": [{"type": "additive", "title": "x", "sources": ["https://e.org"],
                                            "cas_rn": ["50-00-1"]}]}), encoding="utf-8")
    r = CliRunner().invoke(app, ["registry", "import", str(bad), "--data-dir", str(tmp_path / "d")])
    assert r.exit_code == 1
    assert "cas_rn" in r.output and "check digit" in r.output
