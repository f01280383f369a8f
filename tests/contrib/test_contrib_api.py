"""The contribution API: uploads with a Bearer key, refused files, review decisions, and the write-route table."""

from __future__ import annotations

import io
import zipfile

import pytest

from litterhub.services import auth
from litterhub.services.setup import DEMO_DIR

MLW = (DEMO_DIR / "mlw-sample.csv").read_bytes()
SURVEY = {"site_name": "Praia Norte", "country": "PT", "lat": 41.7, "lon": -8.87, "survey_date": "2024-05-01",
          "length_m": 100, "team_size": 4, "counts": {"G1": 3, "G7": 10}}


@pytest.fixture()
def keys(hub, make_user):
    return {role: make_user(f"{role}@example.org", role)[1] for role in ("public", "contributor", "reviewer", "admin")}


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def upload(client, key, name="mlw.csv", data=MLW, **form):
    return client.post("/api/v1/uploads", headers=bearer(key), files={"file": (name, data, "text/csv")}, data=form)


def test_upload_returns_submission_and_nothing_is_public(write_client, keys):
    r = upload(write_client, keys["contributor"], title="Saturn beach", licence="CC-BY-4.0")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "submitted" and body["format"] == "mlw" and body["report"]["rows_in"] > 0
    assert r.headers["location"].endswith(f"/submissions/{body['id']}")
    assert write_client.get("/api/v1/datasets").json()["count"] == 0
    mine = write_client.get("/api/v1/submissions", headers=bearer(keys["contributor"])).json()
    assert [s["id"] for s in mine["items"]] == [body["id"]]


def test_upload_without_licence_is_a_draft_then_submit(write_client, keys):
    body = upload(write_client, keys["contributor"]).json()
    assert body["status"] == "draft"
    r = write_client.post(f"/api/v1/submissions/{body['id']}/submit", headers=bearer(keys["contributor"]),
                          json={"licence": "ODbL-1.0"})
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["licence"] == "ODbL-1.0"


def test_unusable_file_is_422_with_rejected_rows(write_client, keys):
    bad = b"BeachName,BeachCountrycode,BeachLength_m,EventDate,EventType,lon_x1,lat_y1,lon_x2,lat_y2,G1\n" \
          b"A,RO,100,notadate,Monitoring,28.5,43.8,28.5,43.8,1\n"
    r = upload(write_client, keys["contributor"], data=bad)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert any(e["code"] == "type-error" and "line 2" in e["message"] for e in r.json()["errors"])


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,status,code", [
    ("data.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 415, "litter-spoofed-type"),
    ("data.csv", b"<!DOCTYPE html><script>alert(1)</script>", 415, "litter-spoofed-type"),
    ("data.xlsx", b"BeachName,EventDate\nA,20200101\n", 415, "litter-spoofed-type"),
    ("data.exe", b"MZ\x90\x00", 415, "litter-unsupported-type"),
    ("bomb.zip", _zip({"data.csv": b"0" * 5_000_000}), 413, "litter-zip-bomb"),
    ("bomb.xlsx", _zip({"[Content_Types].xml": b"<x/>", "xl/sheet.xml": b" " * 5_000_000}), 413, "litter-zip-bomb"),
    ("traversal.zip", _zip({"../../etc/passwd.csv": b"a,b\n1,2\n"}), 415, "litter-bad-container"),
])
def test_dangerous_files_refused_cleanly(write_client, keys, hub, name, data, status, code):
    r = upload(write_client, keys["contributor"], name=name, data=data)
    assert r.status_code == status, r.text
    assert r.json()["errors"][0]["code"] == code
    assert not any((hub.settings.data_dir / "submissions").glob("*/*"))  # nothing kept
    assert not any((hub.settings.data_dir / "tmp").glob("*"))


def test_zip_with_one_table_accepted(write_client, keys):
    r = upload(write_client, keys["contributor"], name="export.zip", data=_zip({"mlw.csv": MLW}))
    assert r.status_code == 201 and r.json()["format"] == "mlw" and r.json()["original_filename"] == "mlw.csv"


def test_oversized_upload_413(write_client, hub, keys, configure):
    configure(hub, max_upload_mb=0.01)
    r = upload(write_client, keys["contributor"], data=MLW)
    assert r.status_code == 413 and "limit" in r.json()["detail"]


def test_review_flow_over_the_api(write_client, keys):
    sub = upload(write_client, keys["contributor"], licence="CC-BY-4.0").json()
    rv = bearer(keys["reviewer"])
    queue = write_client.get("/api/v1/review/queue", headers=rv).json()
    assert [i["id"] for i in queue["items"]] == [sub["id"]]
    assert write_client.post(f"/api/v1/submissions/{sub['id']}/claim", headers=rv).json()["status"] == "in-review"
    first = write_client.post(f"/api/v1/submissions/{sub['id']}/approve", headers=rv, json={"note": "fine"})
    second = write_client.post(f"/api/v1/submissions/{sub['id']}/approve", headers=rv)
    assert first.status_code == second.status_code == 200
    assert first.json()["changed"] and not second.json()["changed"]
    assert second.json()["published_version"] == 1
    assert write_client.get(f"/api/v1/datasets/{sub['dataset_id']}").json()["version"] == 1
    r = write_client.post(f"/api/v1/submissions/{sub['id']}/reject", headers=rv, json={"reason": "late"})
    assert r.status_code == 409
    r = write_client.post(f"/api/v1/datasets/{sub['dataset_id']}/versions/1/retract", headers=rv,
                          json={"reason": "licence unclear"})
    assert r.status_code == 200 and r.json()["status"] == "retracted"
    assert write_client.get("/api/v1/datasets").json()["count"] == 0


def test_survey_api_and_contributor_sees_status(write_client, keys):
    r = write_client.post("/api/v1/surveys", headers=bearer(keys["contributor"]), json=SURVEY)
    assert r.status_code == 201 and r.json()["quality_tier"] == "citizen-science"
    sid = r.json()["id"]
    write_client.post(f"/api/v1/submissions/{sid}/request-changes", headers=bearer(keys["reviewer"]),
                      json={"reason": "which beach section?"})
    mine = write_client.get(f"/api/v1/submissions/{sid}", headers=bearer(keys["contributor"])).json()
    assert mine["status"] == "changes-requested" and mine["decision_reason"] == "which beach section?"
    r = write_client.put(f"/api/v1/submissions/{sid}/survey", headers=bearer(keys["contributor"]),
                         json={**SURVEY, "site_name": "Praia Norte, south end"})
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["title"].endswith("2024-05-01")
    r = write_client.put(f"/api/v1/submissions/{sid}/survey", headers=bearer(keys["contributor"]), json=SURVEY)
    assert r.status_code == 409  # only after changes were requested
    bad = write_client.post("/api/v1/surveys", headers=bearer(keys["contributor"]), json={**SURVEY, "lat": 95})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "lat"


def test_survey_items_grouped_and_searchable(write_client):
    groups = write_client.get("/api/v1/surveys/items", params={"q": "bottle"}).json()["groups"]
    assert groups and all("bottle" in i["name"].lower() for g in groups for i in g["items"])
    assert any(g["material"] == "plastic" for g in groups)


def test_review_queue_csv_neutralises_formulas(write_client, keys):
    upload(write_client, keys["contributor"], title='=HYPERLINK("http://evil.example","x")', licence="CC0-1.0")
    r = write_client.get("/api/v1/review/queue.csv", headers=bearer(keys["reviewer"]))
    assert r.status_code == 200 and "'=HYPERLINK" in r.text and ',=HYPERLINK' not in r.text


def test_write_rate_limited_per_key(write_client, hub, keys, configure):
    configure(hub, write_rate=(2, 60))
    codes = [write_client.post("/api/v1/surveys", headers=bearer(keys["contributor"]), json=SURVEY).status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    r = write_client.post("/api/v1/surveys", headers=bearer(keys["contributor"]), json=SURVEY)
    assert int(r.headers["retry-after"]) > 0
    assert write_client.post("/api/v1/surveys", headers=bearer(keys["admin"]), json=SURVEY).status_code == 201


def test_api_keys_self_service(write_client, keys, hub):
    me = write_client.get("/api/v1/auth/me", headers=bearer(keys["reviewer"])).json()
    assert me["role"] == "reviewer" and me["via"] == "apikey"
    # the default key cannot manage keys; one made with the `keys` scope can
    assert write_client.post("/api/v1/auth/keys", headers=bearer(keys["reviewer"]),
                             json={"scopes": ["read"]}).status_code == 403
    reviewer = auth.find_user(hub, "reviewer@example.org")
    manager, _ = auth.create_api_key(hub, reviewer.id, ["read", "submit", "curate", "keys"])
    r = write_client.post("/api/v1/auth/keys", headers=bearer(manager), json={"scopes": ["read"]})
    assert r.status_code == 201 and r.json()["key"].startswith("mlh_")
    read_only = r.json()["key"]
    assert write_client.post("/api/v1/surveys", headers=bearer(read_only), json=SURVEY).status_code == 403
    r = write_client.post("/api/v1/auth/keys", headers=bearer(read_only), json={"scopes": ["curate"]})
    assert r.status_code == 403  # no escalation through a narrower key
    kid = read_only.split("_")[1]
    assert write_client.delete(f"/api/v1/auth/keys/{kid}", headers=bearer(manager)).json()["revoked"]
    assert write_client.get("/api/v1/auth/me", headers=bearer(read_only)).status_code == 401


# --- every write route: 401 anonymous, 403 with a role that is too low ---------------------------------------

WRITE_ROUTES = [  # (method, path, lowest role that may call it)
    ("POST", "/api/v1/uploads", "contributor"),
    ("POST", "/api/v1/surveys", "contributor"),
    ("POST", "/api/v1/submissions/{sid}/submit", "contributor"),
    ("PUT", "/api/v1/submissions/{sid}/survey", "contributor"),
    ("POST", "/api/v1/submissions/{sid}/claim", "reviewer"),
    ("POST", "/api/v1/submissions/{sid}/assign", "admin"),
    ("POST", "/api/v1/submissions/{sid}/approve", "reviewer"),
    ("POST", "/api/v1/submissions/{sid}/reject", "reviewer"),
    ("POST", "/api/v1/submissions/{sid}/request-changes", "reviewer"),
    ("POST", "/api/v1/datasets/{dataset}/versions/1/retract", "reviewer"),
    ("POST", "/api/v1/auth/keys", "public"),
    ("DELETE", "/api/v1/auth/keys/abc", "public"),
    ("POST", "/api/v1/auth/users/1/role", "admin"),
    ("POST", "/api/v1/auth/users/1/trust", "admin"),
]
READ_PRIVATE = [("GET", "/api/v1/submissions", "contributor"), ("GET", "/api/v1/review/queue", "reviewer"),
                ("GET", "/api/v1/review/queue.csv", "reviewer"), ("GET", "/api/v1/auth/me", "public")]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """One hub with a key per role, shared by the route table (it only reads)."""
    from fastapi.testclient import TestClient

    from litterhub.app import create_app
    from litterhub.services.hub import Hub

    h = Hub.open(tmp_path_factory.mktemp("routes") / "data")
    keys = {}
    for role in auth.ROLES:
        user = auth.create_user(h, f"{role}@example.org", "correct horse battery", role=role)
        keys[role] = auth.create_api_key(h, user.id)[0]
    with TestClient(create_app(h)) as client:
        yield client, keys
    h.close()


@pytest.mark.parametrize("method,path,role", WRITE_ROUTES + READ_PRIVATE)
def test_route_table_401_and_403(table, method, path, role):
    write_client, keys = table
    path = path.format(sid="00000000-0000-0000-0000-000000000000", dataset="x")
    r = write_client.request(method, path)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["content-type"].startswith("application/problem+json")
    lower = auth.ROLES[auth.role_rank(role) - 1] if role != "public" else None
    if lower:
        r = write_client.request(method, path, headers=bearer(keys[lower]))
        assert r.status_code == 403, (lower, r.text)


# Anonymous by design: calculators that store nothing a person contributed (rate limited and held to the compute
# quota instead). The national reporting pack stores only a bundle derived from published data, by its checksum.
ANONYMOUS_COMPUTE = {"POST /api/v1/inventory/jambeck", "POST /api/v1/inventory/microplastics",
                     "POST /api/v1/litter/runs", "POST /api/v1/reports/national/{code}"}
# Anonymous by design because the request carries its own credential: accepting an invitation (the single-use,
# expiring token is the proof; an unknown one is refused, tests/people).
ANONYMOUS_WITH_TOKEN = {"POST /api/v1/people/invitations/{token}/accept"}


def test_every_write_route_in_the_app_rejects_anonymous(write_client):
    """All POST/PUT/PATCH/DELETE operations of the whole API, from its OpenAPI document."""
    spec = write_client.get("/api/v1/openapi.json").json()
    refused, open_routes = 0, []
    for path, ops in spec["paths"].items():
        for method in ops:
            if method.upper() not in {"POST", "PUT", "PATCH", "DELETE"}:
                continue
            concrete = path.replace("{", "").replace("}", "")
            r = write_client.request(method.upper(), concrete)
            if r.status_code == 401:
                refused += 1
            elif f"{method.upper()} {path}" not in ANONYMOUS_COMPUTE | ANONYMOUS_WITH_TOKEN:
                open_routes.append(f"{method.upper()} {path} -> {r.status_code}")
    assert refused >= len(WRITE_ROUTES)
    assert open_routes == [], "write routes open to anonymous callers: " + "; ".join(open_routes)


def test_public_exports_of_a_contribution_carry_no_personal_data(write_client, hub, make_user, keys):
    """Approved survey -> public downloads: no e-mail, name or notes; a sensitive site only fuzzed."""
    user, key = make_user("private.person@example.org", display_name="Private Person")
    body = {**SURVEY, "site_name": "=HYPERLINK(\"http://evil.example\")", "notes": "my phone +351 912 345 678",
            "lat": 41.71234, "lon": -8.87654, "sensitive_site": True}
    sid = write_client.post("/api/v1/surveys", headers=bearer(key), json=body).json()["id"]
    approved = write_client.post(f"/api/v1/submissions/{sid}/approve", headers=bearer(keys["reviewer"])).json()
    ds, version = approved["dataset_id"], approved["published_version"]
    exports = [write_client.get(f"/api/v1/datasets/{ds}/versions/{version}/download.{kind}")
               for kind in ("csv", "geojson")] + [write_client.get(f"/api/v1/datasets/{ds}"),
                                                   write_client.get("/api/v1/sites"),
                                                   write_client.get("/api/v1/contributions")]
    assert [r.status_code for r in exports] == [200] * len(exports)
    for r in exports:
        for secret in ("private.person", "Private Person", "912 345", "41.71234", "-8.87654"):
            assert secret not in r.text, (r.url, secret)
    assert all(",=HYPERLINK" not in r.text for r in exports)
