"""The country index and monitoring section read the catalogue with portable SQL: the same answer on SQLite and
PostgreSQL."""

from __future__ import annotations


def test_index_and_monitoring_on_both_catalogs(any_hub):
    from litterhub.services import countries
    from litterhub.services.setup import initialise, load_demo

    initialise(any_hub)
    load_demo(any_hub)
    index = {r["country"]: r for r in countries.country_index(any_hub)}
    assert index["USA"]["surveys"] == 70 and index["USA"]["sites"] == 9  # the MDMAP Maine sample
    assert index["USA"]["first"].startswith("2016") and index["USA"]["last"].startswith("2023")
    assert index["ALB"]["surveys"] == 0 and index["ALB"]["records"] >= 1  # a registry record only
    monitoring = countries.monitoring(any_hub, "USA")
    assert monitoring["surveys"] == 70 and len(monitoring["sites"]) == 9
    assert [r["year"] for r in monitoring["per_year"]] == [2016, 2018, 2023]
    assert {"code": "missing-years", "detail": {"years": [2017, 2019, 2020, 2021, 2022]}} in monitoring["gaps"]
