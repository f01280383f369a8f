"""Web page: upload litteR's three files, see litteR's table, download the files; errors shown, not raised."""

from __future__ import annotations

import re
from pathlib import Path

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
def ref(shared_data):
    return shared_data / "litter-reference"


def token(client: TestClient) -> str:
    page = client.get("/litter")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def upload(
    client: TestClient, ref: Path, settings: bytes = SETTINGS, csrf: str | None = None, data: bytes | None = None
):
    files = {
        "settings": ("settings.yaml", settings),
        "data": ("data.csv", data or (ref / "input" / "beach-litter-nl-2012-2017.csv").read_bytes()),
        "types": ("types.csv", (ref / "input" / "types-ospar-tests.csv").read_bytes()),
    }
    form = {"csrf_token": csrf if csrf is not None else token(client)}
    return client.post("/litter", files=files, data=form, follow_redirects=False)


def test_form_page_has_three_file_fields(client):
    page = client.get("/litter")
    assert page.status_code == 200
    for name in ("settings", "data", "types"):
        assert f'name="{name}" type="file"' in page.text


def test_upload_shows_litter_table_and_downloads(client, ref):
    response = upload(client, ref)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    table = page.text.split('id="litter-results"')[1].split("</table>")[0]
    expected = (ref / "litteR-1.0.0-output" / "types-ospar-tests" / "litteR-results.csv").read_text().splitlines()
    first_row = expected[1].split(",")  # NL001 TC, litteR's own formatting
    assert "".join(f"<td>{cell}</td>" for cell in first_row) in table
    assert table.count("<tr>") == len(expected)  # header + every litteR row
    link = re.search(r'id="download-zip" href="([^"]+)"', page.text).group(1)
    assert client.get(link).status_code == 200
    assert 'id="litter-outliers"' in page.text and "2016-01-14" in page.text
    regional = page.text.split('id="litter-regional"')[1].split("</table>")[0]
    want = pd.read_csv(ref / "litteR-1.0.0-output" / "types-ospar-tests" / "regional_stats_full_precision.csv")
    tc_p = want.loc[want["type_name"] == "TC", "p_value"].iloc[0]
    assert f"<td>{tc_p:.4f}</td>" in regional  # p-values to 4 decimals, as litteR prints them


def test_validation_error_is_shown_on_the_form(client, ref):
    response = upload(client, ref, settings=b"date_min: 2018-01-01\ndate_max: 2017-01-01\n")
    assert response.status_code == 422
    assert "litter-settings-date-order" in response.text and 'id="litter-error"' in response.text


def test_post_without_csrf_token_is_refused(client, ref):
    client.get("/litter")
    assert upload(client, ref, csrf="forged").status_code == 403


def test_unknown_run_is_404(client):
    assert client.get("/litter/runs/0123456789abcdef").status_code == 404
