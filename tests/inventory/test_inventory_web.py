"""Inventory web pages: per-country outputs labelled by compartment, scenarios, flow, own figures."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.usefixtures("shared_data")  # needs Jambeck S1 / Borrelle inputs


def test_index_lists_countries_with_links_and_map_data(write_client: TestClient) -> None:
    page = write_client.get("/inventory")
    assert page.status_code == 200
    assert 'href="/inventory/PHL"' in page.text and 'id="inventory-map"' in page.text
    data = json.loads(re.search(r'id="inventory-data">(.*?)</script>', page.text, re.S).group(1))
    phl = next(r for r in data if r["country"] == "PHL")
    assert round(phl["borrelle_2016_mean_t"] / 1e6, 6) == 0.488749
    assert phl["numeric"] == "608"  # joins the world-atlas outlines


def test_country_page_separates_ocean_from_waterways(write_client: TestClient) -> None:
    page = write_client.get("/inventory/PHL")
    assert page.status_code == 200
    ocean = page.text.split('id="ocean"')[1].split("</section>")[0]
    waterways = page.text.split('id="waterways"')[1].split("</section>")[0]
    assert "Meijer" in ocean and "Jambeck" in ocean and "Borrelle" not in ocean
    assert 'id="rivers"' in ocean and "Pasig" in ocean
    assert waterways.count('class="borrelle"') == 6  # 3 scenarios × 2016, 2030
    assert "488,749" in waterways and "462,071" in waterways and "515,040" in waterways
    assert 'id="scenario-chart"' in page.text and 'id="flow"' in page.text


def test_country_without_some_model_inputs_says_why(write_client: TestClient) -> None:
    page = write_client.get("/inventory/CHE")
    assert page.status_code == 200
    assert "no default inputs for the Meijer 2021 model" in page.text


def test_unknown_country_is_not_found(write_client: TestClient) -> None:
    assert write_client.get("/inventory/ZZZ").status_code == 404


def test_own_figures_recompute_and_bad_figures_are_explained(write_client: TestClient) -> None:
    own = write_client.get(
        "/inventory/PHL",
        params={"override": ["mismanaged_plastic_waste_t=1000000", ""], "override_source": "NSWMC"},
    )
    assert 'id="override-note"' in own.text and "NSWMC" in own.text
    ratio = write_client.get("/api/v1/inventory/meijer", params={"country": "PHL"}).json()["emission_ratio"]
    assert f"{round(1_000_000 * ratio):,}" in own.text  # 1,000,000 t × Meijer's ratio (8.85 %)
    bad = write_client.get("/inventory/PHL", params={"override": "emission_ratio=4", "override_source": "x"})
    assert bad.status_code == 200 and "litter-share-out-of-range" in bad.text


def test_stored_inventory_appears_on_pages(write_client: TestClient, contributor_headers: dict) -> None:
    body = {"country": "PHL", "method": "borrelle", "year": 2030, "scenario": "target", "submitter": "DENR <b>"}
    assert write_client.post("/api/v1/inventory/records", json=body, headers=contributor_headers).status_code == 201
    page = write_client.get("/inventory/PHL").text
    stored = page.split('id="stored"')[1]
    assert "DENR &lt;b&gt;" in stored and "target" in stored
    assert "DENR &lt;b&gt;" in write_client.get("/inventory").text


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _sign_in(write_client: TestClient, hub) -> None:
    from litterhub.services import auth

    auth.create_user(hub, "officer@example.org", "correct horse battery", role="contributor")
    form = write_client.get("/account/login").text
    response = write_client.post(
        "/account/login",
        data={
            "email": "officer@example.org",
            "password": "correct horse battery",
            "csrf_token": _csrf(form),
            "next": "/inventory/PHL",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_anonymous_visitor_is_sent_to_sign_in(write_client: TestClient) -> None:
    page = write_client.get("/inventory/PHL").text
    assert "/account/login?next=/inventory/PHL" in page and 'action="/inventory/PHL/submit"' not in page
    response = write_client.post("/inventory/PHL/submit", data={"method": "meijer"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")


def test_signed_in_contributor_stores_an_inventory_from_the_form(write_client: TestClient, hub) -> None:
    _sign_in(write_client, hub)
    page = write_client.get("/inventory/PHL").text
    form = {
        "csrf_token": _csrf(page),
        "method": "meijer",
        "year": "",
        "scenario": "bau",
        "submitter": "DENR",
        "override": ["mismanaged_plastic_waste_t=800000", "", ""],
        "override_source": "NSWMC 2019",
    }
    stored = write_client.post("/inventory/PHL/submit", data=form, follow_redirects=False)
    assert stored.status_code == 303 and stored.headers["location"] == "/inventory/PHL#stored"
    record = write_client.get("/api/v1/inventory/records/PHL/meijer").json()["items"][0]
    assert record["submitter"] == "DENR" and record["inputs"][0]["source"] == "NSWMC 2019"
    assert record["account"].startswith("user:")

    bad = write_client.post("/inventory/PHL/submit", data={**form, "override": ["plastic_share=2"]})
    assert bad.status_code == 422 and 'id="submit-errors"' in bad.text
    forged = write_client.post("/inventory/PHL/submit", data={**form, "csrf_token": "x" * 64})
    assert forged.status_code == 403
    assert len(write_client.get("/api/v1/inventory/records/PHL/meijer").json()["items"]) == 1
