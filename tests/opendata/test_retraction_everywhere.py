"""Retraction hides everything: every public GET route, taken from BOTH OpenAPI documents (/api/v1/openapi.json
and the OGC API document /ogc/api) and from the web routes of the app, is requested with its path parameters
filled with the retracted dataset, version, site and event ids. Before the retraction the retracted records'
markers (site ids and names, event ids, the dataset's title and uuid) show up on those routes; afterwards on
none, while a still-published dataset's markers still do (so every assertion can fail)."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select, update

from litterhub.services import auth, review
from litterhub.services.hub import Hub
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR
from litterhub.store import tables as t

MLW = DEMO_DIR / "mlw-sample.csv"
PARTIAL = "mlw-retract"  # v1 published, v2 (with two more beaches) retracted
WHOLE = "retractia"  # its only version retracted
CONTROL = "mdmap-maine"  # never touched
V2_BEACHES = {"Kvavilnari", "Maltakva"}  # only in PARTIAL's version 2
WHOLE_BEACHES = {"FAROS"}  # only in WHOLE
WHOLE_TITLE = "Retractia cleanup archive"
CKAN_ACTIONS = ("package_list", "package_search", "package_show", "organization_list", "tag_list",
                "current_package_list_with_resources", "resource_show", "organization_show", "group_list")
# web pages whose subject is not a dataset, version or site: filled with a harmless value
OTHER_PARAMS = {"code": "G1", "scheme": "ospar", "country": "CYP", "action": "package_list"}


def _write(rows: list[dict], header: list[str], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _site_markers(hub: Hub, dataset_id: str, version: int, names: set[str]) -> tuple[set[str], set[str]]:
    """Site ids and event ids of the events at the named beaches in one lake version."""
    events = hub.lake.read_table("events", dataset_id, version).to_pylist()
    with hub.engine.connect() as conn:
        named = dict(conn.execute(select(t.sites.c.id, t.sites.c.name)).all())
    sites = {e["site_id"] for e in events if named.get(e["site_id"], "").strip() in names}
    return sites, {e["event_id"] for e in events if e["site_id"] in sites}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A hub with the three datasets, and the retraction to apply (returned as a callable)."""
    tmp = tmp_path_factory.mktemp("retraction")
    hub = Hub.open(tmp / "data")
    with MLW.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    beach = [r["BeachName"].strip() for r in rows]
    v1 = _write([r for r, b in zip(rows, beach, strict=True) if b not in V2_BEACHES | WHOLE_BEACHES], header,
                tmp / "v1.csv")
    v2 = _write([r for r, b in zip(rows, beach, strict=True) if b not in WHOLE_BEACHES], header, tmp / "v2.csv")
    whole = _write([r for r, b in zip(rows, beach, strict=True) if b in WHOLE_BEACHES], header, tmp / "whole.csv")
    assert ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", CONTROL).version == 1
    assert ingest_file(hub, v1, "mlw", PARTIAL).version == 1
    assert ingest_file(hub, v2, "mlw", PARTIAL).version == 2
    assert ingest_file(hub, whole, "mlw", WHOLE).version == 1
    with hub.engine.begin() as conn:
        conn.execute(update(t.datasets).where(t.datasets.c.id == WHOLE).values(title=WHOLE_TITLE))
        uuid = conn.execute(select(t.datasets.c.uuid).where(t.datasets.c.id == WHOLE)).scalar()
    v2_sites, v2_events = _site_markers(hub, PARTIAL, 2, V2_BEACHES)
    whole_sites, whole_events = _site_markers(hub, WHOLE, 1, WHOLE_BEACHES)
    control_sites, _ = _site_markers(hub, CONTROL, 1, _all_names(hub, CONTROL))
    assert v2_sites and v2_events and whole_sites and whole_events and control_sites
    hidden = {"site": v2_sites | whole_sites, "event": v2_events | whole_events,
              "name": V2_BEACHES | WHOLE_BEACHES, "title": {WHOLE_TITLE}, "uuid": {uuid}}
    reviewer = auth.create_user(hub, "rev@example.org", None, role="reviewer")

    def retract() -> None:
        who = auth.principal_for_session(hub, reviewer.id)
        review.retract_version(hub, who, PARTIAL, 2, "counted the wrong beaches")
        review.retract_version(hub, who, WHOLE, 1, "not our data")

    yield {"hub": hub, "hidden": hidden, "uuid": uuid, "retract": retract, "v2_sites": sorted(v2_sites),
           "whole_sites": sorted(whole_sites), "events": sorted(v2_events | whole_events),
           "control_sites": sorted(control_sites)}
    hub.close()


def _all_names(hub: Hub, dataset_id: str) -> set[str]:
    from litterhub.store.summary_tables import site_summaries as ss

    with hub.engine.connect() as conn:  # every version's sites, retracted ones too
        return set(conn.execute(select(t.sites.c.name).join(ss, ss.c.site_id == t.sites.c.id)
                                .where(ss.c.dataset_id == dataset_id)).scalars())


def _get_paths(app, client) -> set[str]:
    """Every GET path template: both OpenAPI documents plus the app's own (web) routes."""
    paths: set[str] = set()
    for doc_url in ("/api/v1/openapi.json", "/ogc/api"):
        doc = client.get(doc_url).json()
        servers = [s["url"] for s in doc.get("servers", [])]
        prefix = next((re.sub(r"^https?://[^/]+", "", s).rstrip("/") for s in servers if s), "")
        for path, ops in doc["paths"].items():
            if "get" in ops:
                paths.add(path if path.startswith(("/api", "/ogc")) else f"{prefix}{path}")
    for route in app.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for c in contexts:
            if "GET" in (getattr(c, "methods", None) or ()) and getattr(c, "path", None):
                paths.add(c.path)
    return paths


def _fill(path: str, world: dict, control: bool) -> list[str]:
    """Concrete URLs for one template: each parameter filled with every retracted (or control) value."""
    if control:
        values = {"dataset_id": [CONTROL, PARTIAL], "version": ["1"], "site_id": world["control_sites"][:2],
                  "uuid": [], "feature_id": world["control_sites"][:1], "collection_id": ["sites", "events", CONTROL]}
    else:
        values = {"dataset_id": [PARTIAL, WHOLE], "version": ["2", "1"], "site_id": world["v2_sites"] +
                  world["whole_sites"], "uuid": [world["uuid"]], "feature_id": world["v2_sites"] +
                  world["whole_sites"] + world["events"][:3], "collection_id": ["sites", "events", PARTIAL, WHOLE]}
    urls = [path]
    for name in re.findall(r"{([^}:]+)(?::[^}]*)?}", path):
        key = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)  # OGC's collectionId, featureId
        options = values.get(key) or ([*CKAN_ACTIONS] if name == "action" else [OTHER_PARAMS.get(name, "x")])
        urls = [re.sub(r"{" + name + r"(?::[^}]*)?}", option, u, count=1) for u in urls for option in options]
    return urls


def _queries(world: dict, templated: bool) -> list[str]:
    """Query strings to add: filters naming the retracted records on listing routes (one combined string: a
    route ignores what it does not know; `dataset` twice: list-valued ones such as the indicators' ID@VERSION
    take both, single-valued ones the last); table, version and alpha on routes that name a record."""
    if templated:
        return ["", "?table=observations&version=2&alpha=2"]
    site = world["whole_sites"][0]
    return ["", f"?dataset={PARTIAL}@2&dataset={WHOLE}&version=2&id={WHOLE}&q=FAROS&site={site}&fq=name:{WHOLE}"
                "&rows=1000&limit=1000"]


CONTROL_PATHS = {"/api/v1/sites", "/ogc/collections/sites/items", "/api/v1/sites/{site_id}", "/sites/{site_id}",
                 "/api/v1/datasets", "/api/v1/datasets/{dataset_id}/versions/{version}/download.csv"}


def _text(body: bytes) -> str:
    """A body as searchable text: Parquet and zip members decoded (compressed bytes hide strings)."""
    if body[:4] == b"PAR1":
        return str(pq.read_table(io.BytesIO(body)).to_pylist())
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            return " ".join(_text(zf.read(n)) for n in zf.namelist())
    return body.decode("utf-8", errors="replace")


def _crawl(client, paths: set[str], world: dict, control: bool) -> dict[str, tuple[int, str]]:
    """URL -> (status, text) of every response."""
    seen: dict[str, tuple[int, str]] = {}
    for path in sorted(paths):
        if path.startswith(("/static", "/api/v1/jobs", "/docs", "/api/v1/docs")) or path.endswith("oauth2-redirect"):
            continue
        for url in _fill(path, world, control):
            for query in _queries(world, "{" in path):
                response = client.get(url + query)
                assert response.status_code < 500, f"{url + query}: {response.status_code}"
                seen[url + query] = (response.status_code, _text(response.content))
    return seen


def _leaks(seen: dict, hidden: dict[str, set[str]]) -> dict[str, list[str]]:
    """Markers found per URL. A page may echo its own query string (a search box showing the words searched
    for), and an error may echo the path it was asked for; nothing else."""
    out = {}
    for url, (status, text) in seen.items():
        path, _, query = url.partition("?")
        found = [m for kind in hidden.values() for m in kind
                 if m in text and m not in query and not (status >= 400 and m in path)]
        if found:
            out[url] = found
    return out


@pytest.fixture(scope="module")
def crawls(world):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    warnings.simplefilter("ignore")
    app = create_app(world["hub"])
    with TestClient(app) as client:
        paths = _get_paths(app, client)
        before = _crawl(client, paths, world, control=False)
        world["retract"]()
        after = _crawl(client, paths, world, control=False)
        control = _crawl(client, CONTROL_PATHS, world, control=True)
    return {"paths": paths, "before": before, "after": after, "control": control}


def test_both_openapi_documents_and_the_web_routes_are_enumerated(crawls):
    paths = crawls["paths"]
    for expected in ("/api/v1/sites/{site_id}", "/api/v1/datasets/{dataset_id}/versions/{version}/download.csv",
                     "/ogc/collections/{collectionId}/items", "/sites/{site_id}", "/datasets/{dataset_id}",
                     "/catalog.ttl"):
        assert any(p.replace("collection_id", "collectionId") == expected for p in paths), expected
    assert len(paths) > 60


def test_the_markers_were_public_before_the_retraction(crawls, world):
    """Each kind of marker shows up somewhere before the retraction: the crawl really looks where it would leak."""
    before = _leaks(crawls["before"], world["hidden"])
    found = {m for ms in before.values() for m in ms}
    for kind, markers in world["hidden"].items():
        assert markers & found, f"no {kind} marker was visible even before the retraction"
    for route in ("/api/v1/sites", "/ogc/collections/sites/items", "/api/3/action/package_search",
                  f"/api/v1/datasets/{PARTIAL}/versions/2/download.csv",
                  f"/api/v1/datasets/{WHOLE}/versions/1/download.parquet"):
        assert any(u.startswith(route) for u in before), route


def test_a_retracted_version_leaves_no_trace_on_any_public_route(crawls, world):
    leaks = _leaks(crawls["after"], world["hidden"])
    assert leaks == {}, "\n".join(f"{u}: {sorted(m)[:4]}" for u, m in sorted(leaks.items())[:40])


def test_the_published_data_is_still_served(crawls, world):
    control = crawls["control"]
    ok = {u: text for u, (status, text) in control.items() if status == 200}
    site = world["control_sites"][0]
    for url in ("/api/v1/sites", "/ogc/collections/sites/items", f"/api/v1/sites/{site}", f"/sites/{site}"):
        assert site in ok.get(url, ""), url
    assert CONTROL in ok.get("/api/v1/datasets", "") and PARTIAL in ok.get("/api/v1/datasets", "")
    partial_v1 = ok.get(f"/api/v1/datasets/{PARTIAL}/versions/1/download.csv", "")
    assert partial_v1.count("\n") > 100  # the retraction of version 2 did not take version 1 with it
