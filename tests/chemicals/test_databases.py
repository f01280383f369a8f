"""The chemicals tables, import and search behave the same on SQLite and PostgreSQL (the demo's bundled listing)."""

from __future__ import annotations

from litterhub.services import chemicals as svc


def test_demo_listing_import_and_search_on_both_databases(any_hub):
    first = svc.load_demo_chemicals(any_hub)
    assert first["inserted"] == first["substances"] == 36
    assert set(first["missing_sources"]) == {"plasticmap", "cppdb", "aurisano", "eu_10_2011"}
    again = svc.load_demo_chemicals(any_hub)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 36)
    pops = svc.search(any_hub, "持久性有机污染物", limit=50)  # "POPs" in Chinese → listing:stockholm
    assert pops["recognised"][0]["code"] == "stockholm" and pops["total"] == 36
    assert pops["facets"]["listing"] == [{"value": "stockholm", "label": "Stockholm Convention (POPs)", "count": 36}]
    hbcdd = svc.search(any_hub, "hexabromocyclododecane")
    assert [i["cas"] for i in hbcdd["items"]] == ["25637-99-4"]
    doc = svc.get(any_hub, "25637-99-4")
    assert doc["listings"][0]["listed_by"]["stockholm"][0].startswith("Annex A; listed 2013")
    assert svc.search(any_hub, "100%_x")["total"] == 0  # LIKE wildcards in a query are literal
