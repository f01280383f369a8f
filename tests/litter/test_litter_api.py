"""POST /api/v1/litter/runs: litteR's three files in, the run's tables out (JSON), files downloadable."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from litterhub.app import create_app
from litterhub.services.hub import Hub

SETTINGS = b"date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n"


@pytest.fixture()
def client(tmp_path: Path):
    hub = Hub.open(tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'catalog.sqlite'}")
    with TestClient(create_app(hub), raise_server_exceptions=False) as test_client:
        yield test_client
    hub.close()


@pytest.fixture(scope="module")
def inputs(shared_data):
    ref = shared_data / "litter-reference"
    return {
        "data": (ref / "input" / "beach-litter-nl-2012-2017.csv").read_bytes(),
        "types": (ref / "input" / "types-ospar-sup-fish-other.csv").read_bytes(),
        "expected": ref / "litteR-1.0.0-output" / "types-ospar-sup-fish-other",
    }


def post(client: TestClient, settings: bytes, data: bytes, types: bytes):
    files = {"settings": ("settings.yaml", settings), "data": ("data.csv", data), "types": ("types.csv", types)}
    return client.post("/api/v1/litter/runs", files=files)


def test_run_returns_litter_tables(client, inputs):
    response = post(client, SETTINGS, inputs["data"], inputs["types"])
    assert response.status_code == 200, response.text
    body = response.json()
    want = pd.read_csv(inputs["expected"] / "regional_stats_full_precision.csv")
    got = pd.DataFrame(body["regional_stats"])
    merged = want.merge(got, on=["type_name", "region_code"], suffixes=("_ref", ""))
    assert len(merged) == len(want)
    for col in ("median", "slope", "S", "VarS", "Z", "p_value"):
        assert np.allclose(merged[col], merged[f"{col}_ref"], rtol=1e-9), col
    printed = pd.DataFrame(body["results_printed"])
    reference = pd.read_csv(inputs["expected"] / "litteR-results.csv", dtype=str, keep_default_na=False)
    assert printed.astype(str).values.tolist() == reference.values.tolist()
    assert any(w["code"] == "litter-data-extra-columns" for w in body["warnings"])


def test_files_download_and_zip(client, inputs):
    body = post(client, SETTINGS, inputs["data"], inputs["types"]).json()
    csv = client.get(body["files"]["litteR-results.csv"])
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == (inputs["expected"] / "litteR-results.csv").read_text().splitlines()
    archive = zipfile.ZipFile(io.BytesIO(client.get(body["files"]["litteR-results.zip"]).content))
    assert {"litteR-results.csv", "location_stats.csv", "regional_stats.csv", "outliers.csv"} <= set(archive.namelist())
    # the same inputs give the same results in a new run: ids are random, so nobody can compute another's run id
    again = post(client, SETTINGS, inputs["data"], inputs["types"]).json()
    assert again["run_id"] != body["run_id"] and again["results_printed"] == body["results_printed"]


def test_validation_error_is_problem_json_naming_file_and_record(client, inputs):
    data = inputs["data"].decode().splitlines()
    cells = data[3].split(",")
    cells[10] = "-4"
    data[3] = ",".join(cells)
    response = post(client, SETTINGS, "\n".join(data).encode(), inputs["types"])
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    error = response.json()["errors"][0]
    assert error["code"] == "litter-data-negative-count" and error["field"] == "data"
    assert "record 3 (line 4)" in error["message"]


@pytest.mark.parametrize(
    ("settings", "data", "types", "code", "field"),
    [
        (b"percentage_total_count: 0\n", None, None, "litter-settings-percentage", "settings"),
        (SETTINGS, None, b"type_name\nPlastic: A [1]\n", "litter-types-missing-column", "types"),
        (SETTINGS, b"\xff\xfe\x00binary", None, "litter-encoding-error", "data"),
        (SETTINGS, b'location_code,date\n"L1,2015-01-01\n', None, "litter-data-unreadable", "data"),
    ],
)
def test_bad_uploads(client, inputs, settings, data, types, code, field):
    response = post(client, settings, data or inputs["data"], types or inputs["types"])
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0] == {"code": code, "field": field, "message": response.json()["detail"]}


def test_missing_field_and_unknown_run(client):
    response = client.post("/api/v1/litter/runs", files={"settings": ("s.yaml", SETTINGS)})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"data", "types"}
    assert client.get("/api/v1/litter/runs/0123456789abcdef/files/litteR-results.csv").status_code == 404
    assert client.get("/api/v1/litter/runs/..%2F..%2Fetc/files/passwd").status_code == 404
