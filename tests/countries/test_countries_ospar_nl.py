"""The Dutch OSPAR beach-litter export (2012–2017) loaded beside the demo: the NLD profile's trends and EU
threshold-value rows are the CLI's, and the monitoring-design advice comes from these surveys."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from litterhub.cli import app


@pytest.fixture(scope="module")
def nl_hub(tmp_path_factory, shared_data):
    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import initialise, load_demo

    hub = Hub.open(tmp_path_factory.mktemp("countries-nl") / "data")
    initialise(hub)
    load_demo(hub)
    result = ingest_file(hub, shared_data / "ospar-nl-litteR" / "beach-litter-nl-2012-2017.csv", "ospar", "ospar-nl")
    assert result.ok, result.report.errors[:3]
    yield hub
    hub.close()


def _json(hub, *args):
    out = CliRunner().invoke(app, [*args, "--json", "--data-dir", str(hub.settings.data_dir)])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def test_nld_profile_equals_cli(nl_hub):
    profile = _json(nl_hub, "countries", "show", "NLD")
    beach = [r for r in _json(nl_hub, "analyse", "beach", "--group-by", "country")["tables"]["country"]
             if r["country"] == "NLD"]
    mine = {(r["comparability_class"], r["group"]): r for r in profile["indicators"]["beach"]["rows"]}
    assert beach and len(mine) == len(beach)
    for ref in beach:
        row = mine[(ref["comparability_class"], ref["group"])]
        assert all(_same(row[k], ref[k]) for k in ("n", "median", "slope", "p_value", "S", "VarS")), ref["group"]
    tv = [r for r in _json(nl_hub, "analyse", "threshold")["tables"]["assessment"] if r["country"] == "NLD"]
    rows = profile["indicators"]["threshold"]["rows"]
    assert tv and profile["indicators"]["threshold"]["applies"]
    assert sorted((r["period"], r["n"], r["av"]) for r in rows) == sorted((r["period"], r["n"], r["av"]) for r in tv)
    surveys = profile["monitoring"]["surveys"]
    assert surveys == sum(p["surveys"] for p in profile["monitoring"]["programmes"]) > 0
    assert {y["year"] for y in profile["monitoring"]["per_year"]} >= set(range(2012, 2018))


def test_nld_design_advice_uses_its_own_surveys(nl_hub):
    design = _json(nl_hub, "countries", "show", "NLD")["design"]
    assert "OSPAR" in design["class"]
    assert design["sigma_log"] > 0 and design["beaches_used"] >= 1
    curve = design["power_curve"]
    assert curve and curve[0]["per_year"] == 1
    if design["surveys_per_beach_per_year"]:
        assert curve[-1]["power"] >= 0.8 and all(p["power"] < 0.8 for p in curve[:-1])
    else:
        assert len(curve) == design["method"]["max_per_year"] and design["note"]
    gains = [b["gain"] for b in design["beaches"]]
    assert gains == sorted(gains, reverse=True)
