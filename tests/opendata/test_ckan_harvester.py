"""ckanext-harvest's CKAN harvester, replayed against a live hub over HTTP.

`HarvesterReplay` makes the requests ckanext-harvest's `CKANHarvester` makes (ckanext/harvest/harvesters/
ckanharvester.py, read from github.com/ckan/ckanext-harvest): the gather stage's `package_search` paging
(`rows=100`, `start`, `sort=id asc`, `fq` built from the organisation/group filters and, on an incremental
harvest, `metadata_modified:[<last gather - 1 h>Z TO *]`), and the import stage's `organization_show` /
`group_show` for `remote_orgs`/`remote_groups: create`. Like the harvester it never looks at the HTTP status:
an error answer reads as "no datasets", which is exactly how the hub used to fail, so the assertions here are
on what the harvester ends up with. It is a replay of the calls, not ckanext-harvest's code (which needs CKAN).
"""

from __future__ import annotations

import csv
import datetime
import json
from urllib.parse import urlencode

import pytest
import requests


class SearchError(Exception):
    pass


class HarvesterReplay:
    """The HTTP behaviour of CKANHarvester's gather and import stages; `calls` records every URL and answer."""

    def __init__(self, base_url: str, config: dict | None = None):
        self.base = base_url.rstrip("/")
        self.config = config or {}
        self.calls: list[tuple[str, requests.Response]] = []

    def _get_content(self, url: str) -> str:
        response = requests.get(url, timeout=30)  # the harvester never checks the status code
        self.calls.append((url, response))
        return response.text

    def fq_terms(self) -> list[str]:
        terms: list[str] = []
        if self.config.get("organizations_filter_include"):
            terms.append(" OR ".join(f"organization:{o}" for o in self.config["organizations_filter_include"]))
        elif self.config.get("organizations_filter_exclude"):
            terms.extend(f"-organization:{o}" for o in self.config["organizations_filter_exclude"])
        if self.config.get("groups_filter_include"):
            terms.append(" OR ".join(f"groups:{g}" for g in self.config["groups_filter_include"]))
        elif self.config.get("groups_filter_exclude"):
            terms.extend(f"-groups:{g}" for g in self.config["groups_filter_exclude"])
        return terms

    def search_for_datasets(self, fq_terms: list[str], rows: int = 100) -> list[dict]:
        params = {"rows": str(rows), "start": "0", "sort": "id asc"}
        if fq_terms:
            params["fq"] = " ".join(fq_terms)
        pkg_dicts: list[dict] = []
        pkg_ids: set[str] = set()
        previous_content = None
        while True:
            url = f"{self.base}/api/3/action/package_search?{urlencode(params)}"
            content = self._get_content(url)
            if previous_content and content == previous_content:
                raise SearchError(f"The paging doesn't seem to work. URL: {url}")
            previous_content = content
            page = json.loads(content).get("result", {}).get("results", [])
            ids_in_page = {p["id"] for p in page}
            duplicates = ids_in_page & pkg_ids
            page = [p for p in page if p["id"] not in duplicates]
            pkg_ids |= ids_in_page
            pkg_dicts.extend(page)
            if not page:
                break
            params["start"] = str(int(params["start"]) + int(params["rows"]))
        return pkg_dicts

    def gather(self, last_gather_started: datetime.datetime | None = None, rows: int = 100) -> list[dict]:
        """The datasets the gather stage creates harvest objects for ([] means "nothing found/changed")."""
        fq_terms = self.fq_terms()
        if last_gather_started is not None and not self.config.get("force_all"):
            since = (last_gather_started - datetime.timedelta(hours=1)).isoformat()
            return self.search_for_datasets(fq_terms + [f"metadata_modified:[{since}Z TO *]"], rows)
        return self.search_for_datasets(fq_terms, rows)

    def remote_organization(self, org_name: str) -> dict:
        """remote_orgs: create — what `_get_organization` fetches and how the import stage trims it."""
        org = json.loads(self._get_content(f"{self.base}/api/3/action/organization_show?id={org_name}"))["result"]
        for key in ["packages", "created", "users", "groups", "tags", "extras", "display_name", "type"]:
            org.pop(key, None)
        return org

    def remote_group(self, group: dict) -> dict:
        """remote_groups: create — `_get_group` (action API v3 pops `result`)."""
        data = json.loads(self._get_content(f"{self.base}/api/3/action/group_show?id={group['id']}"))
        found = data.pop("result")
        for key in ["packages", "created", "users", "groups", "tags", "extras", "display_name"]:
            found.pop(key, None)
        return found

    def assert_all_answers_ok(self) -> None:
        """Every call answered 200 with CKAN's success envelope, and every `help` link resolves."""
        helps = set()
        for url, response in self.calls:
            assert response.status_code == 200, (url, response.text[:300])
            body = response.json()
            assert body["success"] is True, url
            helps.add(body["help"])
        for url in helps:
            answer = requests.get(url, timeout=30)
            assert answer.status_code == 200 and answer.json()["success"] is True, url
            assert answer.json()["result"], url  # a real help text


@pytest.fixture(scope="module")
def remote(http_server):
    """The demo hub (two datasets from two publishers) as a remote CKAN."""
    return http_server


def _names(pkgs: list[dict]) -> list[str]:
    return sorted(p["name"] for p in pkgs)


def test_first_harvest_gathers_every_dataset(remote):
    harvester = HarvesterReplay(remote)
    gathered = harvester.gather()
    listed = requests.get(f"{remote}/api/3/action/package_list", timeout=30).json()["result"]
    assert len(listed) >= 2 and _names(gathered) == sorted(listed)
    assert [p["id"] for p in gathered] == sorted(p["id"] for p in gathered)  # sort=id asc is honoured
    assert "sort=id+asc" in harvester.calls[0][0] and len(harvester.calls) == 2  # one page, then an empty one
    paged = HarvesterReplay(remote).gather(rows=1)  # page by page: nothing skipped, nothing twice
    assert [p["id"] for p in paged] == [p["id"] for p in gathered]
    harvester.assert_all_answers_ok()


def test_organisation_filters_include_and_exclude(remote):
    everything = HarvesterReplay(remote).gather()
    by_org: dict[str, list[str]] = {}
    for pkg in everything:
        by_org.setdefault(pkg["owner_org"], []).append(pkg["name"])
    assert len(by_org) >= 2, "the demo hub should have two publishers"
    first, second = sorted(by_org)[:2]
    include = HarvesterReplay(remote, {"organizations_filter_include": [first]})
    assert _names(include.gather()) == sorted(by_org[first])
    both = HarvesterReplay(remote, {"organizations_filter_include": [first, second]})
    assert _names(both.gather()) == sorted(by_org[first] + by_org[second])
    exclude = HarvesterReplay(remote, {"organizations_filter_exclude": [first]})
    assert _names(exclude.gather()) == sorted(n for org, names in by_org.items() if org != first for n in names)
    for h in (include, both, exclude):
        h.assert_all_answers_ok()


def test_group_filters_and_remote_orgs_and_groups_create(remote):
    harvester = HarvesterReplay(remote, {"remote_orgs": "create", "remote_groups": "create"})
    gathered = harvester.gather()
    for pkg in gathered:
        org = harvester.remote_organization(pkg["owner_org"])
        assert org["id"] == pkg["owner_org"] and org["name"] and org["title"] == pkg["organization"]["title"]
        assert "packages" not in org and org["is_organization"] is True
        # every demo dataset has a compartment, hence a group, except OpenLitterMap photos, which state none
        assert pkg["groups"] or pkg["name"] == "olm-bologna", pkg["name"]
        for group in pkg["groups"]:
            found = harvester.remote_group(group)
            assert found["name"] == group["name"] and found["title"] and found["is_organization"] is False
    harvester.assert_all_answers_ok()
    beach = [p["name"] for p in gathered if any(g["name"] == "beach" for g in p["groups"])]
    assert beach and _names(HarvesterReplay(remote, {"groups_filter_include": ["beach"]}).gather()) == sorted(beach)
    others = _names(HarvesterReplay(remote, {"groups_filter_exclude": ["beach"]}).gather())
    assert others == sorted(p["name"] for p in gathered if p["name"] not in beach)
    shown = requests.get(f"{remote}/api/3/action/organization_show",
                         params={"id": gathered[0]["owner_org"], "include_datasets": "true"}, timeout=30).json()
    assert gathered[0]["name"] in [p["name"] for p in shown["result"]["packages"]]


def test_incremental_harvest_picks_up_a_new_version(hub, tmp_path, serve_app):
    """First harvest, a new version is ingested (metadata_modified moves), the incremental harvest finds it."""
    from litterhub.app import create_app
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import DEMO_DIR, load_demo

    load_demo(hub)
    with serve_app(create_app(hub)) as base:
        first = HarvesterReplay(base).gather()
        assert len(first) >= 2
        latest = max(datetime.datetime.fromisoformat(p["metadata_modified"]) for p in first)
        # the last error-free job started just after the newest change; the harvester looks back one hour
        last_job = latest + datetime.timedelta(hours=1, microseconds=1)
        assert last_job.microsecond, "the fq timestamp must carry fractions, as the harvester's does"
        quiet = HarvesterReplay(base)
        assert quiet.gather(last_job) == []  # nothing changed: "No datasets have been updated"
        quiet.assert_all_answers_ok()
        assert "metadata_modified%3A%5B" in quiet.calls[0][0] and "Z+TO+%2A%5D" in quiet.calls[0][0]

        source = DEMO_DIR / "mdmap-maine-2016-2023.csv"
        with source.open(newline="", encoding="utf-8") as fh:
            records = list(csv.reader(fh))
        changed = tmp_path / "mdmap-maine-more.csv"
        with changed.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(records[:-1])  # one transect fewer: a genuinely new version
        assert ingest_file(hub, changed, "mdmap", "mdmap-maine").ok

        incremental = HarvesterReplay(base)
        updated = incremental.gather(last_job)
        assert _names(updated) == ["mdmap-maine"] and updated[0]["version"] == "2"
        before = next(p for p in first if p["name"] == "mdmap-maine")["metadata_modified"]
        assert updated[0]["metadata_modified"] > before
        incremental.assert_all_answers_ok()
        # organisation filter and incremental together: `(org OR org) metadata_modified:[...]`, all must hold
        maine_org = updated[0]["owner_org"]
        others = sorted({p["owner_org"] for p in first} - {maine_org})
        assert _names(HarvesterReplay(base, {"organizations_filter_include": [maine_org, *others]})
                      .gather(last_job)) == ["mdmap-maine"]
        assert HarvesterReplay(base, {"organizations_filter_include": others}).gather(last_job) == []
        assert HarvesterReplay(base, {"organizations_filter_exclude": [maine_org]}).gather(last_job) == []
        upto = requests.get(f"{base}/api/3/action/package_search",
                            params={"fq": f"metadata_modified:[* TO {latest.isoformat()}Z]"}, timeout=30).json()
        assert _names(upto["result"]["results"]) == _names([p for p in first if p["name"] != "mdmap-maine"])
