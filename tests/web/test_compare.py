"""Programmes side by side: one column per dataset and comparability class, never pooled, on the web page, the API
and the CLI; fewer than two datasets is a clear error."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from litterhub.analysis.comparability import classify
from litterhub.services import compare as svc
from litterhub.services import indicators


@pytest.fixture(scope="module")
def answer(client):
    response = client.get("/api/v1/compare", params=[("dataset", "mlw-sample"), ("dataset", "mdmap-maine")])
    assert response.status_code == 200, response.text
    return response.json()


def test_one_column_per_dataset_and_class(answer, demo_hub):
    assert answer["pooled"] is False and answer["datasets"] == ["mlw-sample", "mdmap-maine"]
    for dataset_id in answer["datasets"]:
        con, _ = indicators._open(demo_hub, indicators.resolve_versions(demo_hub, [dataset_id]))
        expected = {c.label: c.events for c in classify(con)}
        got = {c["class"]["label"]: c["class"]["events"] for c in answer["columns"] if c["dataset_id"] == dataset_id}
        assert got == expected  # every class of the dataset, with its own events: nothing merged
    mlw = [c for c in answer["columns"] if c["dataset_id"] == "mlw-sample"]
    assert len(mlw) >= 2 and all(c["comparable_with"] == [] for c in answer["columns"])  # MLW ≠ MDMAP classes


def test_column_figures_are_the_datasets_own(answer, demo_hub):
    column = next(c for c in answer["columns"] if c["dataset_id"] == "mdmap-maine")
    alone = indicators.composition(demo_hub, ["mdmap-maine"], top=svc.TOP_ITEMS).tables["items"]
    alone = alone[alone["comparability_class"] == column["class"]["label"]]
    assert [i["item"] for i in column["top_items"]] == alone["item"].tolist()
    assert sum(y["surveys"] for y in column["trend"]) <= column["class"]["events"]
    assert column["mapping"]["unmapped_pct"] is not None


def test_web_page_shows_columns_and_errors(client):
    page = client.get("/compare?dataset=mlw-sample&dataset=mdmap-maine")
    assert page.status_code == 200
    assert page.text.count('class="compare-col"') >= 3 and "OSPAR / MSFD 100 m beach survey" in page.text
    assert 'href="/vocab/items/G27"' in page.text  # items link to the master list
    one = client.get("/compare?dataset=mlw-sample")
    assert one.status_code == 400 and "compare-needs-two" in one.text and 'role="alert"' in one.text
    unknown = client.get("/compare?dataset=mlw-sample&dataset=nope")
    assert unknown.status_code == 404 and 'id="compare-problem"' in unknown.text
    assert client.get("/compare").status_code == 200  # the form alone
    zh = client.get("/compare?lang=zh").text
    assert "Compare programmes side by side" not in zh


def test_api_error_is_problem_json(client):
    response = client.get("/api/v1/compare", params={"dataset": "mlw-sample"})
    assert response.status_code == 400 and response.headers["content-type"].startswith("application/problem+json")
    assert "compare-needs-two" in response.text


def test_cli_compare(demo_hub, answer):
    from litterhub.cli import app

    out = CliRunner().invoke(app, ["compare", "mlw-sample", "mdmap-maine", "--json",
                                   "--data-dir", str(demo_hub.settings.data_dir)])
    assert out.exit_code == 0, out.output
    assert [c["class"]["label"] for c in json.loads(out.output)["columns"]] == [
        c["class"]["label"] for c in answer["columns"]]
    bad = CliRunner().invoke(app, ["compare", "mlw-sample", "--data-dir", str(demo_hub.settings.data_dir)])
    assert bad.exit_code != 0 and "compare-needs-two" in bad.output
