"""The /api/v1/inventory endpoints mirror the CLI, answer problem+json on bad input, and store
versioned national inventories in the catalog."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.usefixtures("shared_data")  # needs Jambeck S1 / Borrelle inputs

API = "/api/v1/inventory"
HEADER = "country,coastal_population,waste_kg_per_person_day,plastic_share,inadequately_managed_share,littered_share\n"


def test_jambeck_get_matches_reference(write_client: TestClient) -> None:
    response = write_client.get(f"{API}/jambeck", params={"country": "CHN", "year": 2010})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"country", "year", "mismanaged_plastic_waste_t", "marine_debris_low_t", "marine_debris_high_t"}
    assert body["mismanaged_plastic_waste_t"] == pytest.approx(8_819_717, rel=0.005)


def test_jambeck_post_csv_raw_and_multipart(write_client: TestClient) -> None:
    text = HEADER + "CHN,262892387,1.1,0.1095,0.7431,0.02\n"
    raw = write_client.post(f"{API}/jambeck", content=text, headers={"content-type": "text/csv"})
    assert raw.status_code == 200 and raw.json()[0]["country"] == "CHN"
    assert raw.json()[0]["mismanaged_plastic_waste_t"] == pytest.approx(8_819_717, rel=0.005)
    multi = write_client.post(f"{API}/jambeck", files={"file": ("own.csv", text.encode(), "text/csv")})
    assert multi.status_code == 200 and multi.json() == raw.json()


def test_jambeck_post_bad_rows_is_problem_json_with_line_and_field(write_client: TestClient) -> None:
    text = HEADER + "CHN,262892387,1.1,0.1095,0.7431,0.02\nPHL,-3,0.5,1.3,0.8,0.02\n"
    response = write_client.post(f"{API}/jambeck", content=text, headers={"content-type": "text/csv"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = {(e["line"], e["field"], e["code"]) for e in response.json()["errors"]}
    assert errors == {
        (3, "coastal_population", "litter-negative-value"),
        (3, "plastic_share", "litter-share-out-of-range"),
    }


def test_missing_columns_named(write_client: TestClient) -> None:
    response = write_client.post(f"{API}/jambeck", content="country,plastic_share\nCHN,0.1\n")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"] if e["code"] == "missing-label"}
    assert "coastal_population" in fields and "littered_share" in fields


def test_borrelle_get_reference_and_scenarios(write_client: TestClient) -> None:
    params = {"country": "PHL", "year": 2016, "scenario": "bau", "draws": 1000, "seed": 4}
    body = write_client.get(f"{API}/borrelle", params=params).json()
    assert set(body) == {"country", "year", "scenario", "emissions_t_mean", "emissions_t_p10", "emissions_t_p90"}
    assert round(body["emissions_t_p90"] / 1e6, 6) == 0.515040
    scen = write_client.get(f"{API}/borrelle/scenarios", params={"country": "PHL", "draws": 500}).json()
    assert scen["scenarios"]["bau"][-1]["mean"] > scen["scenarios"]["target"][-1]["mean"]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("jambeck", {"country": "ZZZ"}, 400, "litter-unknown-country"),
        ("jambeck", {"country": "CHE"}, 404, "litter-no-model-inputs"),
        ("borrelle", {"country": "PHL", "scenario": "utopia"}, 400, "litter-unknown-scenario"),
        ("borrelle", {"country": "PHL", "year": 2050}, 400, "litter-year-out-of-range"),
        (
            "meijer",
            {"country": "PHL", "override": "emission_ratio=2", "override_source": "x"},
            400,
            "litter-share-out-of-range",
        ),
    ],
)
def test_bad_queries(write_client: TestClient, path: str, params: dict, status: int, code: str) -> None:
    response = write_client.get(f"{API}/{path}", params=params)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code


def test_meijer_with_override_and_flow(write_client: TestClient) -> None:
    params = {
        "country": "PHL",
        "override": "mismanaged_plastic_waste_t=1000000",
        "override_source": "own study",
        "detail": True,
    }
    body = write_client.get(f"{API}/meijer", params=params).json()
    assert body["emitted_to_ocean_t"] == pytest.approx(1_000_000 * body["emission_ratio"])
    assert body["inputs"]["mismanaged_plastic_waste_t"]["source"] == "override: own study"
    flow = write_client.get(f"{API}/flow", params={"country": "PHL"}).json()
    assert {item["compartment"] for item in flow["leakage"]} >= {"ocean"}


def test_microplastics_post(write_client: TestClient) -> None:
    text = "source,pathway,activity,loss_rate,pathway_share,retention\ntyres,runoff,100,1,1,0.5\n"
    body = write_client.post(f"{API}/microplastics", content=text).json()
    assert body["total_release_to_ocean_t"] == pytest.approx(50)


def test_records_are_versioned_and_comparable(write_client: TestClient, contributor_headers: dict) -> None:
    first = {
        "country": "PHL",
        "method": "meijer",
        "submitter": "DENR",
        "overrides": [{"field": "mismanaged_plastic_waste_t", "value": 900000, "source": "NSWMC 2019"}],
    }
    one = write_client.post(f"{API}/records", json=first, headers=contributor_headers)
    assert one.status_code == 201 and one.json()["version"] == 1
    two = write_client.post(f"{API}/records", json={**first, "overrides": []}, headers=contributor_headers)
    assert two.json()["version"] == 2
    other = write_client.post(
        f"{API}/records", json={"country": "IDN", "method": "meijer", "submitter": "KLHK"}, headers=contributor_headers
    )
    assert other.status_code == 201
    listing = write_client.get(f"{API}/records", params={"method": "meijer"}).json()
    assert {(r["country"], r["version"]) for r in listing["items"]} == {("PHL", 2), ("IDN", 1)}
    history = write_client.get(f"{API}/records/PHL/meijer").json()["items"]
    assert [r["version"] for r in history] == [2, 1]
    assert history[1]["inputs"][0]["source"] == "NSWMC 2019"
    assert history[1]["central_t"] == pytest.approx(900_000 * history[1]["results"]["emission_ratio"])


def test_bad_record_submission_names_fields(write_client: TestClient, contributor_headers: dict) -> None:
    body = {"country": "PHL", "method": "meijer", "overrides": [{"field": "emission_ratio", "value": 3}]}
    response = write_client.post(f"{API}/records", json=body, headers=contributor_headers)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"submitter", "overrides[0].emission_ratio", "overrides[0].source"}
    assert write_client.get(f"{API}/records").json()["count"] == 0


def test_record_submission_needs_a_contributor(write_client: TestClient) -> None:
    body = {"country": "PHL", "method": "meijer", "submitter": "anyone"}
    response = write_client.post(f"{API}/records", json=body)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert write_client.get(f"{API}/records").json()["count"] == 0


def test_record_keeps_the_account_that_stored_it(write_client: TestClient, contributor_headers: dict) -> None:
    body = {"country": "PHL", "method": "jambeck", "year": 2010, "submitter": "DENR"}
    stored = write_client.post(f"{API}/records", json=body, headers=contributor_headers).json()
    assert stored["account"].startswith("user:") and stored["submitter"] == "DENR"
    assert stored["low_t"] < stored["central_t"] < stored["high_t"]


def test_ranking_and_totals_endpoints(write_client: TestClient) -> None:
    ranking = write_client.get(f"{API}/jambeck/ranking", params={"limit": 3}).json()
    assert [r["country"] for r in ranking["items"]][:1] == ["CHN"] and ranking["count"] == 3
    totals = write_client.get(f"{API}/borrelle/totals", params={"year": 2030, "scenario": "target"}).json()
    world = next(g for g in totals["groups"] if g["group"] == "world")
    assert world["emissions_t_p10"] < world["emissions_t_mean"] < world["emissions_t_p90"]
    assert write_client.get(f"{API}/borrelle/totals", params={"year": 2031}).status_code == 400
