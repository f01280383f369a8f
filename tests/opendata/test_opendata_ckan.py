"""The read-only CKAN action API, exercised with the real ckanapi client over HTTP."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def ckan(http_server):
    import ckanapi

    with ckanapi.RemoteCKAN(http_server, user_agent="litterhub-tests") as remote:
        yield remote


def test_ckanapi_package_search_returns_facets(ckan):
    result = ckan.action.package_search(q="litter", rows=1, **{"facet.field": ["organization", "license_id",
                                                                              "res_format"]})
    assert result["count"] == 2  # total matches, not the page size
    assert len(result["results"]) == 1
    licences = {i["name"]: i["count"] for i in result["search_facets"]["license_id"]["items"]}
    assert licences == {"cc-by": 1, "cc-zero": 1}  # CKAN's default licence register ids
    orgs = {i["name"]: i["display_name"] for i in result["search_facets"]["organization"]["items"]}
    assert orgs["noaa-marine-debris-program"] == "NOAA Marine Debris Program"
    assert {i["name"] for i in result["search_facets"]["res_format"]["items"]} >= {"CSV", "GeoParquet"}


def test_fq_filters_and_start_pages(ckan):
    only_cc0 = ckan.action.package_search(fq="license_id:CC0-1.0")  # the SPDX id finds it too
    assert [p["name"] for p in only_cc0["results"]] == ["mdmap-maine"]
    assert [p["name"] for p in ckan.action.package_search(fq="license_id:cc-zero")["results"]] == ["mdmap-maine"]
    by_name = ckan.action.package_search(sort="name asc", rows=1, start=1)
    assert by_name["count"] == 2 and [p["name"] for p in by_name["results"]] == ["mlw-sample"]
    nothing = ckan.action.package_search(q="programme:\"no such programme\"")
    assert nothing["count"] == 0 and nothing["results"] == []


def test_package_show_list_and_organizations(ckan):
    assert ckan.action.package_list() == ["mdmap-maine", "mlw-sample"]
    pkg = ckan.action.package_show(id="mlw-sample")
    assert pkg["license_id"] == "cc-by" and pkg["organization"]["title"].startswith("European Environment")
    assert {r["format"] for r in pkg["resources"]} == {"CSV", "GeoJSON", "GeoParquet", "Data Package"}
    assert all(r["url"].startswith("http") and "/versions/1/download." in r["url"] for r in pkg["resources"])
    assert ckan.action.package_show(id=pkg["id"])["name"] == "mlw-sample"  # by UUID too
    assert ckan.action.organization_list() == ["european-environment-agency-eea", "noaa-marine-debris-program"]
    assert ckan.action.status_show()["site_title"] == "litterhub"
    assert "marine litter" in ckan.action.tag_list()
    assert ckan.action.group_list() == sorted({g["name"] for g in pkg["groups"]} | {
        g["name"] for g in ckan.action.package_show(id="mdmap-maine")["groups"]})
    resource = pkg["resources"][0]
    assert ckan.action.resource_show(id=resource["id"])["url"] == resource["url"]


def test_errors_use_ckans_envelope(ckan, client):
    import ckanapi

    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(sort="popularity desc")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(q="title:litter~2")  # fuzzy search: not offered
    r = client.get("/api/3/action/package_show", params={"id": "nope"})
    assert r.status_code == 404
    assert r.json()["success"] is False and r.json()["error"]["__type"] == "Not Found Error"
    r = client.get("/api/3/action/package_create")
    assert r.status_code == 400 and r.json()["success"] is False


def test_facet_titles_and_labels_follow_the_request_language(client):
    params = {"facet.field": '["compartment", "license_id"]'}
    fr = client.get("/api/3/action/package_search", params={**params, "lang": "fr"}).json()["result"]
    assert fr["search_facets"]["compartment"]["title"] == "Compartiments"
    assert fr["search_facets"]["compartment"]["items"][0]["display_name"] == "Plage / littoral"
    zh = client.get("/api/3/action/package_search", params=params, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.json()["result"]["search_facets"]["compartment"]["title"] == "环境介质"
    en = client.get("/api/3/action/package_search", params=params).json()["result"]
    assert en["search_facets"]["compartment"]["items"][0]["display_name"] == "Beach / coastline"
