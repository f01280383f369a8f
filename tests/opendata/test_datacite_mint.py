"""`litterhub doi mint DATASET@VERSION` against a fake DataCite replaying DataCite's documented responses
(datacite_responses/, see SOURCE.md): in-process through httpx.MockTransport, and end to end through the CLI
against a loopback HTTP server. Nothing here calls out."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import jsonschema
import pytest
from typer.testing import CliRunner

from litterhub.services import doi

RECORDED = Path(__file__).parent / "datacite_responses"
SCHEMA = json.loads((Path(__file__).parent / "datacite_schema" / "datacite-v4.6.json").read_text(encoding="utf-8"))
BASE = "https://hub.example.org"
SETTINGS = doi.DataCiteSettings("LITTERHUB.TEST", "s3cret", "10.80000", "https://api.test.datacite.org")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A hub of its own (minting writes its registry into the data directory)."""
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise, load_demo

    h = Hub.open(tmp_path_factory.mktemp("doi") / "data")
    initialise(h)
    load_demo(h)
    yield h
    h.close()


def _created(payload: dict) -> dict:
    """DataCite's documented example response with the requested DOI, as DataCite answers."""
    body = json.loads((RECORDED / "created_findable.json").read_text(encoding="utf-8"))
    attrs = payload["data"]["attributes"]
    text = json.dumps(body).replace("10.5438/0012", attrs["doi"]).replace('"10.5438"', json.dumps(attrs["prefix"]))
    body = json.loads(text.replace('"suffix": "0012"', f'"suffix": {json.dumps(attrs["suffix"])}'))
    body["data"]["attributes"]["url"] = attrs["url"]
    return body


class FakeDataCite:
    """Answers like DataCite: 401 on wrong credentials, 409 for a DOI it already has, else 201/200."""

    def __init__(self, existing: set[str] = frozenset()) -> None:
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.existing = set(existing)

    def answer(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, dict]:
        payload = json.loads(body) if body else {}
        self.requests.append((method, path, dict(headers), payload))
        expected = "Basic " + base64.b64encode(b"LITTERHUB.TEST:s3cret").decode()
        if headers.get("authorization") != expected:
            return 401, json.loads((RECORDED / "bad_credentials.json").read_text())
        doi_name = payload["data"]["attributes"]["doi"]
        if method == "POST" and path == "/dois":
            if doi_name in self.existing:
                return 409, json.loads((RECORDED / "already_exists.json").read_text())
            self.existing.add(doi_name)
            return 201, _created(payload)
        if method == "PUT" and path == f"/dois/{doi_name}":
            return 200, _created(payload)
        return 404, {"errors": [{"status": "404", "title": "The resource you are looking for doesn't exist."}]}

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            status, body = self.answer(request.method, request.url.path,
                                       {k.lower(): v for k, v in request.headers.items()}, request.content)
            return httpx.Response(status, json=body, headers={"content-type": "application/vnd.api+json"})

        return httpx.MockTransport(handle)


def test_mint_posts_the_published_record_and_records_the_doi(hub):
    fake = FakeDataCite()
    assert doi.status(hub, BASE, "mdmap-maine@1")["state"] == "draft"
    entry = doi.mint(hub, BASE, "mdmap-maine@1", SETTINGS, fake.transport())
    method, path, headers, payload = fake.requests[0]
    assert (method, path) == ("POST", "/dois")
    assert headers["content-type"] == "application/vnd.api+json"
    attrs = payload["data"]["attributes"]
    assert payload["data"]["type"] == "dois" and attrs["event"] == "publish"
    assert attrs["doi"] == "10.80000/litterhub.mdmap-maine.v1"
    assert attrs["url"] == f"{BASE}/datasets/mdmap-maine?version=1"
    assert not list(jsonschema.Draft201909Validator(SCHEMA).iter_errors(attrs))
    assert not [d for d in attrs["descriptions"] if d["description"].startswith("Draft record")]
    assert entry["doi"] == attrs["doi"] and entry["state"] == "findable"
    assert doi.status(hub, BASE, "mdmap-maine@1")["state"] == "findable"


def test_a_doi_already_at_datacite_is_updated_with_put(hub):
    fake = FakeDataCite(existing={"10.80000/litterhub.mlw-sample.v1"})
    entry = doi.mint(hub, BASE, "mlw-sample@1", SETTINGS, fake.transport())
    assert [(m, p) for m, p, _, _ in fake.requests] == [("POST", "/dois"),
                                                       ("PUT", "/dois/10.80000/litterhub.mlw-sample.v1")]
    assert entry["state"] == "findable"


@pytest.mark.parametrize(("ref", "settings", "base", "code"), [
    ("mdmap-maine@1", doi.DataCiteSettings("LITTERHUB.TEST", "wrong", "10.80000", SETTINGS.api_url), BASE,
     "bad-credentials"),
    ("mdmap-maine", SETTINGS, BASE, "bad-reference"),
    ("mdmap-maine@9", SETTINGS, BASE, "not-found"),
    ("mdmap-maine@1", SETTINGS, "http://localhost:8000", "base-url"),
])
def test_refusals_have_stable_codes(hub, ref, settings, base, code):
    fake = FakeDataCite()
    with pytest.raises(doi.DoiError) as err:
        doi.mint(hub, base, ref, settings, fake.transport())
    assert err.value.code == code
    if code == "bad-credentials":
        assert "Bad credentials." in str(err.value)


def test_without_credentials_minting_says_what_to_set(monkeypatch, tmp_path):
    from litterhub.store.settings import Settings

    monkeypatch.delenv("LITTERHUB_DATACITE_REPOSITORY_ID", raising=False)
    monkeypatch.delenv("LITTERHUB_DATACITE_PASSWORD", raising=False)
    with pytest.raises(doi.DoiError) as err:
        doi.DataCiteSettings.from_settings(Settings.from_env(tmp_path))
    assert err.value.code == "not-configured" and "LITTERHUB_DATACITE_PASSWORD" in str(err.value)


@pytest.fixture
def fake_server():
    fake = FakeDataCite()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            status, answer = fake.answer(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                         body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/vnd.api+json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_PUT = _serve

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_cli_mints_with_credentials_from_settings(hub, fake_server, monkeypatch):
    from litterhub.cli import app

    fake, url = fake_server
    monkeypatch.setenv("LITTERHUB_DATACITE_API_URL", url)
    monkeypatch.setenv("LITTERHUB_DATACITE_REPOSITORY_ID", "LITTERHUB.TEST")
    monkeypatch.setenv("LITTERHUB_DATACITE_PASSWORD", "s3cret")
    monkeypatch.setenv("LITTERHUB_DATACITE_PREFIX", "10.80000")
    data = str(hub.settings.data_dir)
    runner = CliRunner()
    r = runner.invoke(app, ["doi", "mint", "mlw-sample@1", "--base-url", BASE, "--data-dir", data, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["doi"] == "10.80000/litterhub.mlw-sample.v1"
    assert fake.requests and fake.requests[0][1] == "/dois"
    r = runner.invoke(app, ["doi", "status", "mlw-sample@1", "--base-url", BASE, "--data-dir", data])
    assert r.exit_code == 0 and "findable" in r.stdout
    monkeypatch.setenv("LITTERHUB_DATACITE_PASSWORD", "wrong")
    r = runner.invoke(app, ["doi", "mint", "mlw-sample@1", "--base-url", BASE, "--data-dir", data])
    assert r.exit_code == 1 and "error [bad-credentials]" in r.output



def test_after_minting_the_api_records_drop_the_draft_note(tmp_path):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise, load_demo

    own = Hub.open(tmp_path / "data")
    try:
        initialise(own)
        load_demo(own)
        client = TestClient(create_app(own))

        def notes() -> list[str]:
            attrs = client.get("/api/v1/datasets/mdmap-maine/versions/1/datacite.json").json()["data"]["attributes"]
            return [d["description"] for d in attrs["descriptions"] if d["descriptionType"] == "Other"]

        assert notes()[0].startswith("Draft record")
        assert "Draft record" in client.get("/api/v1/datasets/mdmap-maine/versions/1/datacite.xml").text
        doi.mint(own, BASE, "mdmap-maine@1", SETTINGS, FakeDataCite().transport())
        assert notes() == []
        assert "Draft record" not in client.get("/api/v1/datasets/mdmap-maine/versions/1/datacite.xml").text
    finally:
        own.close()
