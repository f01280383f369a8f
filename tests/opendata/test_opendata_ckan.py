"""The read-only CKAN action API, exercised with the real ckanapi client over HTTP."""

from __future__ import annotations

import pytest

from litterhub.services.setup import DEMO_FILES


@pytest.fixture(scope="module")
def ckan(http_server):
    import ckanapi

    with ckanapi.RemoteCKAN(http_server, user_agent="litterhub-tests") as remote:
        yield remote


def test_ckanapi_package_search_returns_facets(ckan):
    result = ckan.action.package_search(q="litter", rows=1, **{"facet.field": ["organization", "license_id",
                                                                              "res_format"]})
    assert result["count"] == len(DEMO_FILES)  # total matches (every demo dataset speaks of litter), not the page
    assert len(result["results"]) == 1
    licences = {i["name"]: i["count"] for i in result["search_facets"]["license_id"]["items"]}
    # CKAN's default licence register ids; GPL and MIT are not in it, so their SPDX ids
    assert licences == {"cc-zero": 4, "cc-by": 2, "odc-odbl": 1, "GPL-3.0-only": 1, "GPL-3.0-or-later": 1, "MIT": 1}
    orgs = {i["name"]: i["display_name"] for i in result["search_facets"]["organization"]["items"]}
    assert orgs["noaa-marine-debris-program"] == "NOAA Marine Debris Program"
    assert {i["name"] for i in result["search_facets"]["res_format"]["items"]} >= {"CSV", "GeoParquet"}


def test_fq_filters_and_start_pages(ckan):
    cc0 = ["emodnet-beach-hr", "emodnet-seafloor-it", "mdmap-maine", "ncei-npsg-west"]
    only_cc0 = ckan.action.package_search(fq="license_id:CC0-1.0")  # the SPDX id finds it too
    assert sorted(p["name"] for p in only_cc0["results"]) == cc0
    assert sorted(p["name"] for p in ckan.action.package_search(fq="license_id:cc-zero")["results"]) == cc0
    by_name = ckan.action.package_search(sort="name asc", rows=1, start=1)
    assert by_name["count"] == len(DEMO_FILES) and [p["name"] for p in by_name["results"]] == ["emodnet-seafloor-it"]
    nothing = ckan.action.package_search(q="programme:\"no such programme\"")
    assert nothing["count"] == 0 and nothing["results"] == []


def test_package_show_list_and_organizations(ckan):
    assert ckan.action.package_list() == sorted(d for _, _, d in DEMO_FILES)
    pkg = ckan.action.package_show(id="mlw-sample")
    assert pkg["license_id"] == "cc-by" and pkg["organization"]["title"].startswith("European Environment")
    assert {r["format"] for r in pkg["resources"]} == {"CSV", "GeoJSON", "GeoParquet", "Data Package"}
    assert all(r["url"].startswith("http") and "/versions/1/download." in r["url"] for r in pkg["resources"])
    assert ckan.action.package_show(id=pkg["id"])["name"] == "mlw-sample"  # by UUID too
    orgs = ckan.action.organization_list()
    assert len(orgs) == len(DEMO_FILES) - 1  # one publisher per programme, the two EMODnet examples sharing one
    assert {"european-environment-agency-eea", "noaa-marine-debris-program"} < set(orgs)
    assert ckan.action.status_show()["site_title"] == "litterhub"
    assert "marine litter" in ckan.action.tag_list()
    assert ckan.action.group_list() == sorted({g["name"] for name in ckan.action.package_list()
                                               for g in ckan.action.package_show(id=name)["groups"]})
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


def _search(client, **params):
    r = client.get("/api/3/action/package_search", params=params)
    return r.status_code, r.json()


def _found(client, **params) -> list[str]:
    status, body = _search(client, **params)
    assert status == 200, body
    return sorted(p["name"] for p in body["result"]["results"])


def test_solr_filter_grammar(client):
    from datetime import datetime, timedelta

    pkgs = {p["name"]: p for p in client.get("/api/3/action/current_package_list_with_resources").json()["result"]}
    assert sorted(pkgs) == sorted(d for _, _, d in DEMO_FILES) and all(p["resources"] for p in pkgs.values())
    maine = pkgs["mdmap-maine"]
    modified = datetime.fromisoformat(maine["metadata_modified"])
    floor = modified.replace(microsecond=0)
    # date ranges: with and without fractions and Z, open at either end, inclusive and exclusive bounds
    assert "mdmap-maine" in _found(client, fq=f"metadata_modified:[{floor.isoformat()} TO *]")
    assert "mdmap-maine" in _found(client, fq=f"metadata_modified:[{modified.isoformat()}Z TO *]")
    assert "mdmap-maine" not in _found(client, fq=f"metadata_modified:{{{modified.isoformat()}Z TO *]")
    before = (floor - timedelta(seconds=1)).isoformat()
    assert "mdmap-maine" not in _found(client, fq=f"metadata_modified:[* TO {before}Z]")
    assert "mdmap-maine" in _found(client, fq=f"metadata_created:[* TO {datetime(2999, 1, 1).isoformat()}Z]")
    # OR / AND / NOT, -field, quoted values, field groups, implicit AND between clauses
    orgs = {p["owner_org"] for p in pkgs.values()}
    assert _found(client, fq=" OR ".join(f"organization:{o}" for o in orgs)) == sorted(pkgs)
    assert _found(client, fq=f"-organization:{maine['owner_org']}") == sorted(set(pkgs) - {"mdmap-maine"})
    assert _found(client, fq=f"organization:({' OR '.join(orgs)}) AND NOT name:mlw-sample") == sorted(
        set(pkgs) - {"mlw-sample"})
    assert _found(client, fq=f"-organization:{maine['owner_org']} name:mdmap-maine") == []
    assert _found(client, q='tags:"marine litter"', fq="name:mdmap-*") == ["mdmap-maine"]
    assert _found(client, q="*:*", fq_list='["license_id:cc-zero", "version:[1 TO *]"]') == sorted(
        n for n, p in pkgs.items() if p["license_id"] == "cc-zero")


def test_sorts_and_unknown_parameters(client):
    pkgs = client.get("/api/3/action/current_package_list_with_resources").json()["result"]
    by_id = [p["name"] for p in sorted(pkgs, key=lambda p: p["id"])]
    for sort, expected in [("id asc", by_id), ("id desc", by_id[::-1]),
                           ("name desc", sorted((p["name"] for p in pkgs), reverse=True)),
                           ("title asc", sorted((p["name"] for p in pkgs), key=lambda n: next(
                               p["title"].lower() for p in pkgs if p["name"] == n))),
                           ("metadata_modified desc, name asc", [p["name"] for p in sorted(
                               pkgs, key=lambda p: (p["metadata_modified"], p["name"]), reverse=True)]),
                           ("score desc,metadata_created asc", [p["name"] for p in sorted(
                               pkgs, key=lambda p: p["metadata_created"])])]:
        status, body = _search(client, sort=sort, include_private="true", facet="true", wt="json")
        assert status == 200, (sort, body)
        assert [p["name"] for p in body["result"]["results"]] == expected, sort


@pytest.mark.parametrize("param,value", [
    ("fq", "title:litter~2"), ("fq", "name:/mdmap.*/"), ("fq", "{!lucene}name:x"), ("q", "title:(a OR b"),
    ("fq", 'name:"unbalanced'), ("fq", "metadata_modified:[NOW-1DAY TO *]"), ("fq", "popularity:[1 TO 2]"),
    ("fq", "no_such_field:x"), ("sort", "id"), ("sort", "views_recent desc"), ("rows", "-1"), ("rows", "many"),
    ("fq", "title:[a TO b]"), ("fq", "name:x^2"),
])
def test_unsupported_syntax_is_cleanly_refused(client, param, value):
    status, body = _search(client, **{param: value})
    assert status == 409, body
    assert body["success"] is False and body["error"]["__type"] == "Validation Error" and body["error"][param]


def test_every_action_answers_and_its_help_resolves(client):
    pkg = client.get("/api/3/action/package_show", params={"id": "mlw-sample"}).json()["result"]
    calls = {"package_list": {"limit": 1, "offset": 1}, "package_search": {}, "package_show": {"id": "mlw-sample"},
             "current_package_list_with_resources": {"limit": 1}, "resource_show": {"id": pkg["resources"][0]["id"]},
             "organization_list": {"all_fields": "true"}, "organization_show": {"id": pkg["owner_org"]},
             "group_list": {"all_fields": "true"}, "group_show": {"id": pkg["groups"][0]["name"]},
             "tag_list": {"query": "LITTER"}, "license_list": {}, "status_show": {},
             "help_show": {"name": "package_search"}}
    answers = {}
    for action, params in calls.items():
        r = client.get(f"/api/3/action/{action}", params=params)
        assert r.status_code == 200 and r.json()["success"] is True, (action, r.text[:300])
        answers[action] = r.json()["result"]
        help_url = r.json()["help"].split("://", 1)[1].split("/", 1)[1]
        helped = client.get("/" + help_url).json()
        assert helped["success"] is True and len(helped["result"]) > 40, action
    assert answers["package_list"] == [sorted(d for _, _, d in DEMO_FILES)[1]]
    assert answers["organization_show"]["package_count"] == 1 and "packages" not in answers["organization_show"]
    assert pkg["name"] in [p["name"] for p in client.get("/api/3/action/group_show", params={
        "id": pkg["groups"][0]["name"], "include_datasets": "true"}).json()["result"]["packages"]]
    assert answers["tag_list"] and all("litter" in t.lower() for t in answers["tag_list"])
    ids = [lic["id"] for lic in answers["license_list"]]
    assert {"cc-by", "cc-zero", "odc-odbl", "notspecified"} <= set(ids)
    assert pkg["license_id"] in ids and pkg["license_title"] == "Creative Commons Attribution"
    assert {"key": "spdx_license_id", "value": "CC-BY-4.0"} in pkg["extras"]
    assert "fq" in answers["help_show"] and "metadata_modified" in answers["help_show"]
    missing = client.get("/api/3/action/organization_show", params={"id": "nobody"})
    assert missing.status_code == 404 and missing.json()["error"]["__type"] == "Not Found Error"
    unknown = client.get("/api/3/action/package_create").json()
    assert client.get("/" + unknown["help"].split("://", 1)[1].split("/", 1)[1]).json()["success"] is True
    assert client.get("/api/3/action/help_show", params={"name": "nope"}).status_code == 404
