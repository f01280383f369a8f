"""Security table for issue 13's findings on stalls, limits and input hygiene (findings 1, 9 comment rate, 10, 11),
on both catalog databases: each row is a request and the status it must get.

Plus: /api/v1/health answers while a litteR run, a Monte Carlo and an upload validation are in flight (the
heavy work is held at a gate inside the compute pool; health must complete before it is released: no timing
thresholds anywhere).
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import struct
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from litterhub.app import create_app
from litterhub.services import auth
from litterhub.services import contributions as contrib
from litterhub.services import inventory as inventory_svc
from litterhub.services import litter as litter_svc
from litterhub.services.setup import DEMO_DIR
from litterhub.store.settings import networks

PASSWORD = "correct horse battery"
MLW = (DEMO_DIR / "mlw-sample.csv").read_bytes()
LITTER_SETTINGS = b"date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n"


def _run(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API (session-wide browser fixtures of other test
    files) keeps an event loop running in the main thread, where asyncio.run would refuse to start."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- helpers -----------------------------------------------------------------------------------------------

def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, email: str) -> str:
    page = client.get("/account/login")
    r = client.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": token(page.text),
                                            "next": "/account"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return token(client.get("/account").text)


def bearer(hub, email: str, role: str = "contributor") -> dict[str, str]:
    user = auth.create_user(hub, email, PASSWORD, role=role)
    key, _ = auth.create_api_key(hub, user.id)
    return {"Authorization": f"Bearer {key}"}


def run_asgi(app, method: str, path: str, headers: list[tuple[str, str]] | None = None,
             chunks: Callable[[], Any] | None = None, client: tuple[str, int] = ("203.0.113.9", 4000),
             query: str = "") -> tuple[int, int, dict[str, str]]:
    """One request straight through the ASGI app; returns (status, body chunks the app pulled, headers)."""
    source = iter(chunks() if chunks else [])
    pulled = 0
    messages: list[dict] = []

    async def receive() -> dict:
        nonlocal pulled
        chunk = next(source, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict) -> None:
        messages.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or [])], "client": client,
             "server": ("testserver", 80)}
    _run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    return start["status"], pulled, {k.decode(): v.decode() for k, v in start["headers"]}


@pytest.fixture()
def app(any_hub):
    return create_app(any_hub)


@pytest.fixture()
def client(app):
    with TestClient(app) as c:
        yield c


def litter_files(shared_data: Path) -> dict[str, tuple[str, bytes]]:
    ref = shared_data / "litter-reference" / "input"
    return {"settings": ("settings.yaml", LITTER_SETTINGS),
            "data": ("data.csv", (ref / "beach-litter-nl-2012-2017.csv").read_bytes()),
            "types": ("types.csv", (ref / "types-ospar-sup-fish-other.csv").read_bytes())}


def lying_zip() -> bytes:
    """A zip whose one table claims (in both headers) to be 100 bytes long while it holds the whole MLW sample."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("survey.csv", MLW)
    data = bytearray(buffer.getvalue())
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 100)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)  # central directory: uncompressed size
    return bytes(data)


def with_nul_after_8k(raw: bytes) -> bytes:
    """The MLW sample with a NUL byte in a cell well past the first 8 KiB (where the old check stopped)."""
    at = raw.index(b",", 20_000)
    return raw[:at] + b"\x00" + raw[at:]


# --- finding 1: stalls, limits, quotas, run privacy ----------------------------------------------------------

def test_1_anonymous_200mb_body_refused_by_content_length_before_reading(app):
    """POST /api/v1/uploads, Content-Length: 200 MB, anonymous -> 413 without a single body chunk read."""
    status, pulled, _ = run_asgi(app, "POST", "/api/v1/uploads",
                                 [("content-type", "multipart/form-data; boundary=x"),
                                  ("content-length", str(200 * 2**20))],
                                 chunks=lambda: (b"x" * 2**20 for _ in range(200)))
    assert (status, pulled) == (413, 0)


def test_1_streamed_body_refused_once_past_the_limit(app):
    """POST /api/v1/litter/runs (anonymous, reads its form) chunked without Content-Length: 413 as soon as the
    route's limit is passed, not after the whole body."""
    from litterhub.http.limits import body_limit

    head = b'--xyz\r\nContent-Disposition: form-data; name="data"; filename="d.csv"\r\nContent-Type: text/csv\r\n\r\n'
    status, pulled, _ = run_asgi(app, "POST", "/api/v1/litter/runs",
                                 [("content-type", "multipart/form-data; boundary=xyz")],
                                 chunks=lambda: (head if i == 0 else b"x" * 2**20 for i in range(400)))
    assert status == 413 and pulled <= body_limit("/api/v1/litter/runs", app.state.hub.settings) // 2**20 + 2


def test_1_small_json_route_has_a_small_limit(app):
    """POST /api/v1/surveys with 2 MiB of JSON -> 413 (the default body limit is 1 MiB)."""
    status, _, headers = run_asgi(app, "POST", "/api/v1/surveys", [("content-type", "application/json")],
                                  chunks=lambda: (b" " * 2**20 for _ in range(2)))
    assert status == 413 and headers["content-type"].startswith("application/problem+json")


def test_1_monte_carlo_draws_bounded(client):
    """GET /api/v1/inventory/borrelle/totals?draws=100000 -> 400 problem+json naming `draws`."""
    r = client.get("/api/v1/inventory/borrelle/totals", params={"draws": 100_000})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "draws" and str(inventory_svc.MAX_WORLD_DRAWS) in r.json()["detail"]
    r = client.get("/api/v1/inventory/borrelle", params={"country": "PHL", "draws": inventory_svc.MAX_DRAWS + 1})
    assert r.status_code == 400


def test_1_litter_run_private_to_its_owner_and_expires(client, any_hub, shared_data, configure):
    """A signed-in account's run: the owner reads it (200), anyone else gets 404; after the retention time 404."""
    owner = bearer(any_hub, "owner@example.org")
    other = bearer(any_hub, "other@example.org")
    r = client.post("/api/v1/litter/runs", files=litter_files(shared_data), headers=owner)
    assert r.status_code == 200, r.text
    run_id, link = r.json()["run_id"], r.json()["files"]["litteR-results.csv"]
    assert re.fullmatch(r"[0-9a-f]{32}", run_id)
    assert client.get(link, headers=owner).status_code == 200
    assert client.get(link, headers=other).status_code == 404
    assert client.get(link).status_code == 404
    assert client.get(f"/litter/runs/{run_id}").status_code == 404  # the page, anonymous
    listing = client.get(f"/api/v1/litter/runs/{run_id}/files", headers=owner).json()["files"]
    assert "litteR-results.csv" in listing and not any(name.startswith(("input-", ".")) for name in listing)
    configure(any_hub, litter_run_hours=0)
    assert client.get(link, headers=owner).status_code == 404


def test_1_litter_run_as_a_job(client, any_hub, shared_data):
    """POST /api/v1/litter/runs with Prefer: respond-async -> 202 + job URL; the job ends done with the run."""
    owner = bearer(any_hub, "jobs@example.org")
    r = client.post("/api/v1/litter/runs", files=litter_files(shared_data),
                    headers={**owner, "Prefer": "respond-async"})
    assert r.status_code == 202 and r.headers["location"].endswith(f"/api/v1/jobs/{r.json()['job_id']}")
    job = {"status": "queued"}
    for _ in range(600):  # bounded: the job runs in the server's compute pool
        job = client.get(r.headers["location"], headers=owner).json()
        if job["status"] in ("done", "failed"):
            break
        threading.Event().wait(0.1)
    assert job["status"] == "done" and job["progress"] == 1.0, job
    assert client.get(job["result"]["files"]["litteR-results.csv"], headers=owner).status_code == 200
    assert client.get(r.headers["location"]).status_code == 404  # another caller


def test_1_refused_input_ends_the_job_failed_with_the_problem(client, shared_data):
    """An anonymous job with a refused settings file ends `failed` with the 422 the synchronous call gives."""
    files = {**litter_files(shared_data), "settings": ("settings.yaml", b"percentage_total_count: 0\n")}
    r = client.post("/api/v1/litter/runs", files=files, headers={"Prefer": "respond-async"})
    assert r.status_code == 202
    job = {"status": "queued"}
    for _ in range(600):  # bounded
        job = client.get(r.headers["location"]).json()
        if job["status"] in ("done", "failed"):
            break
        threading.Event().wait(0.1)
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"]["status"] == 422 and job["error"]["errors"][0]["code"] == "litter-settings-percentage"


def test_1_draft_quota(client, any_hub, configure):
    """A contributor over LITTERHUB_MAX_DRAFTS drafts -> 429 with code litter-draft-quota."""
    configure(any_hub, max_drafts=1)
    key = bearer(any_hub, "drafts@example.org")
    first = client.post("/api/v1/uploads", files={"file": ("a.csv", MLW)}, headers=key)
    assert first.status_code == 201, first.text
    second = client.post("/api/v1/uploads", files={"file": ("b.csv", MLW)}, headers=key)
    assert second.status_code == 429 and second.json()["errors"][0]["code"] == "litter-draft-quota"


def test_1_compute_quota_per_caller(app, any_hub, monkeypatch, configure):
    """A caller already holding its compute slots gets 429 for the next heavy request, others are unaffected."""
    configure(any_hub, compute_per_caller=1)
    gate = threading.Event()
    real = inventory_svc.borrelle_totals
    monkeypatch.setattr(inventory_svc, "borrelle_totals", lambda *a: gate.wait(60) and real(*a))

    async def scenario() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app, client=("198.51.100.1", 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            first = asyncio.create_task(c.get("/api/v1/inventory/borrelle/totals"))
            for _ in range(6000):  # bounded wait until the first request holds its slot
                pool = getattr(app.state, "compute_pool", None)
                if pool is not None and pool.held:
                    break
                await asyncio.sleep(0.01)
            second = await c.get("/api/v1/inventory/borrelle/totals")
            gate.set()
            return second.status_code, (await first).status_code

    assert _run(scenario()) == (429, 200)


# --- finding 9: the comment form's write rate --------------------------------------------------------------

def test_9_comment_form_rate_limited(client, any_hub, configure):
    """POST /registry/records/{id}/comments more than LITTERHUB_WRITE_RATE times a window -> 429."""
    from litterhub.services import registry

    auth.create_user(any_hub, "talker@example.org", PASSWORD, role="reviewer")
    record = registry.create_record(any_hub, {"type": "actor", "kind": "ngo", "title": "Coastal Watch Test Group",
                                              "sources": ["https://example.org/a"], "countries": ["KEN"],
                                              "topics": ["monitoring"]}, registry.Caller("t", "reviewer"),
                                    publish=True)
    configure(any_hub, write_rate=(4, 60))  # the sign-in form post is one of the four
    csrf = sign_in(client, "talker@example.org")
    statuses = [client.post(f"/registry/records/{record['id']}/comments", data={"csrf_token": csrf, "body": f"hi {i}"},
                            follow_redirects=False).status_code for i in range(4)]
    assert statuses[:3] == [303, 303, 303] and statuses[3] == 429


# --- finding 10: input hygiene -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/sites", "/api/v1/registry/records"])
def test_10_nul_in_query_is_400(client, path):
    """GET PATH?country=%00 -> 400 problem+json naming the parameter (was 500 on PostgreSQL, null on SQLite)."""
    for value in ("\x00", "RO\x00", "R\x1bO"):
        r = client.get(path, params={"country": value})
        assert r.status_code == 400, r.text
        assert r.json()["errors"][0] == {"code": "control-character", "field": "country",
                                         "message": "control character in query parameter 'country'"}


def test_10_nul_in_form_and_json_fields_is_400(client, any_hub):
    """A NUL in a url-encoded form field or a JSON string -> 400 before any route or database sees it."""
    page = client.get("/account/login")
    r = client.post("/account/login", data={"email": "a\x00@example.org", "password": "x",
                                            "csrf_token": token(page.text)})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "email"
    key = bearer(any_hub, "json@example.org")
    survey = {"site_name": "RO\x00", "country": "PT", "lat": 41.7, "lon": -8.87, "survey_date": "2024-05-01",
              "length_m": 100, "team_size": 4, "counts": {"G1": 3}}
    r = client.post("/api/v1/surveys", json=survey, headers=key)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "site_name"


def test_10_nul_after_8k_in_upload_is_removed_with_a_warning_and_approval_works(client, any_hub):
    """An upload with a NUL deep in the file -> 201 with warning litter-control-characters; approval -> 200."""
    key = bearer(any_hub, "nul@example.org")
    reviewer = bearer(any_hub, "rev@example.org", role="reviewer")
    r = client.post("/api/v1/uploads", files={"file": ("mlw.csv", with_nul_after_8k(MLW))},
                    data={"licence": "CC-BY-4.0"}, headers=key)
    assert r.status_code == 201, r.text
    warnings = [w["code"] for w in r.json()["report"]["warnings"]]
    assert "litter-control-characters" in warnings
    sid = r.json()["id"]
    assert b"\x00" not in contrib.upload_path(any_hub, contrib.load(any_hub, sid)).read_bytes()
    approved = client.post(f"/api/v1/submissions/{sid}/approve", json={"note": ""}, headers=reviewer)
    assert approved.status_code == 200, approved.text
    assert approved.json()["published_version"] == 1


def test_10_zip_with_lying_size_header_is_4xx(client, any_hub):
    """A .zip whose headers understate the table's size -> 422 litter-bad-container (was 500)."""
    key = bearer(any_hub, "zip@example.org")
    r = client.post("/api/v1/uploads", files={"file": ("survey.zip", lying_zip())}, headers=key)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "litter-bad-container"
    r = client.post("/api/v1/uploads", files={"file": ("broken.zip", b"PK\x03\x04" + b"\x00" * 200)}, headers=key)
    assert 400 <= r.status_code < 500


def test_10_forwarded_for_only_from_trusted_proxies(app, any_hub, configure):
    """X-Forwarded-For from an untrusted peer (even 127.0.0.1) does not give a fresh rate budget; from a
    configured proxy it names the client."""
    configure(any_hub, api_rate=(2, 60), trusted_proxies=())
    peer = ("127.0.0.1", 5000)
    statuses = [run_asgi(app, "GET", "/ogc/collections", [("x-forwarded-for", f"192.0.2.{i}")], client=peer)[0]
                for i in range(3)]
    assert statuses == [200, 200, 429]
    configure(any_hub, trusted_proxies=networks("127.0.0.1/32"))
    statuses = [run_asgi(app, "GET", "/ogc/collections", [("x-forwarded-for", f"192.0.2.{i}")], client=peer)[0]
                for i in range(10, 13)]
    assert statuses == [200, 200, 200]


@pytest.mark.parametrize("path", ["/", "/datasets", "/indicators", "/litter", "/api/v1/health", "/ogc"])
def test_10_security_headers(client, path):
    """Every response: CSP with frame-ancestors 'none', Referrer-Policy, nosniff; inline scripts carry the nonce
    of their own response (also when the page is answered again from the read cache)."""
    nonces = []
    for _ in range(2):
        r = client.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "'unsafe-inline'" not in \
            csp.split("script-src")[1].split(";")[0]
        assert r.headers["referrer-policy"] and r.headers["x-content-type-options"] == "nosniff"
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        nonces.append(nonce)
        if r.headers["content-type"].startswith("text/html"):
            inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", r.text)
            assert all(f'nonce="{nonce}"' in attrs or "application/" in attrs for attrs in inline)
            assert not re.search(r"\son[a-z]+=\"", r.text)  # no inline event handlers
    assert nonces[0] != nonces[1]


def test_10_bidi_controls_removed_from_displayed_names():
    from litterhub.web.rendering import environment

    html = environment("en").from_string("<p>{{ name }}</p>").render(name="evil\u202etxt.exe\u2066x\u2069")
    assert html == "<p>eviltxt.exex</p>"


def test_10_web_post_to_another_users_submission_is_404(client, any_hub):
    """POST /contribute/submissions/{someone else's}/submit from a signed-in browser -> 404, not 500."""
    ana = auth.create_user(any_hub, "ana@example.org", PASSWORD)
    auth.create_user(any_hub, "rui@example.org", PASSWORD)
    source = Path(os.environ.get("TMPDIR", "/tmp")) / f"mlw-{os.getpid()}.csv"
    source.write_bytes(MLW)
    draft = contrib.create_upload(any_hub, auth.principal_for_session(any_hub, ana.id), source, "mlw.csv")
    source.unlink()
    csrf = sign_in(client, "rui@example.org")
    for action, form in (("submit", {"licence": "CC-BY-4.0"}), ("mapping", {"mapping": "x: 1"})):
        r = client.post(f"/contribute/submissions/{draft.id}/{action}", data={"csrf_token": csrf, **form})
        assert r.status_code == 404, (action, r.status_code)
    assert contrib.load(any_hub, draft.id).status == "draft"


# --- finding 11: rate limits on every face -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/ogc/collections", "/api/3/action/package_list", "/datasets", "/catalog",
                                  "/api/v1/datasets"])
def test_11_every_public_face_is_rate_limited(any_hub, configure, path):
    """OGC API, CKAN, pages, catalogue and the API: reads over LITTERHUB_API_RATE per caller -> 429 + Retry-After."""
    configure(any_hub, api_rate=(3, 60))
    with TestClient(create_app(any_hub)) as c:
        statuses = [c.get(path).status_code for _ in range(4)]
        last = c.get(path)
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    assert last.status_code == 429 and int(last.headers["retry-after"]) >= 1


# --- health while heavy work is in flight ------------------------------------------------------------------

HEAVY = ["litter-run", "monte-carlo", "upload-validation"]


@pytest.mark.parametrize("kind", HEAVY)
def test_health_answers_while_heavy_work_runs(app, any_hub, shared_data, monkeypatch, kind):
    """The heavy request is held at a gate inside its service call; /api/v1/health must complete meanwhile.

    Were the heavy call on the event loop, the gate would block the loop and health could not answer before it.
    """
    gate = threading.Event()
    entered = threading.Event()

    def gated(real):
        def wrapper(*args, **kwargs):
            entered.set()
            gate.wait(60)
            return real(*args, **kwargs)
        return wrapper

    key = bearer(any_hub, "heavy@example.org")
    if kind == "litter-run":
        monkeypatch.setattr(litter_svc, "store_upload_run", gated(litter_svc.store_upload_run))
        request = {"method": "POST", "url": "/api/v1/litter/runs", "files": litter_files(shared_data)}
    elif kind == "monte-carlo":
        monkeypatch.setattr(inventory_svc, "borrelle_totals", gated(inventory_svc.borrelle_totals))
        request = {"method": "GET", "url": "/api/v1/inventory/borrelle/totals", "params": {"draws": 2000}}
    else:
        monkeypatch.setattr(contrib, "create_upload", gated(contrib.create_upload))
        request = {"method": "POST", "url": "/api/v1/uploads", "files": {"file": ("mlw.csv", MLW)}, "headers": key}

    async def scenario() -> tuple[int, bool, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as c:
            heavy = asyncio.create_task(c.request(**request))
            for _ in range(6000):  # bounded wait until the heavy call is inside its service function
                if entered.is_set():
                    break
                await asyncio.sleep(0.01)
            health = await c.get("/api/v1/health")
            heavy_done_first = heavy.done()
            gate.set()
            return health.status_code, heavy_done_first, (await heavy).status_code

    health_status, heavy_done_first, heavy_status = _run(scenario())
    assert entered.is_set() and health_status == 200 and not heavy_done_first
    assert heavy_status in (200, 201)


def test_review_approval_is_idempotent_through_the_pool(client, any_hub):
    """Offloaded approval keeps its contract: a second approval changes nothing (200 both times)."""
    key = bearer(any_hub, "ap@example.org")
    reviewer = bearer(any_hub, "rv@example.org", role="reviewer")
    r = client.post("/api/v1/uploads", files={"file": ("mlw.csv", MLW)}, data={"licence": "CC-BY-4.0"}, headers=key)
    sid = r.json()["id"]
    first = client.post(f"/api/v1/submissions/{sid}/approve", headers=reviewer)
    second = client.post(f"/api/v1/submissions/{sid}/approve", headers=reviewer)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["changed"] and not second.json()["changed"] and second.json()["published_version"] == 1
