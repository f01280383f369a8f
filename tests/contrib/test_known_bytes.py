"""Known bytes under a new id: the demo's real MDMAP and MLW samples, already in the hub, arriving again under another
dataset id are refused with `known-file-other-dataset` naming the dataset that holds them, on the CLI, the API and
the upload wizard, and accepted only when a copy is explicitly asked for."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.services import auth
from litterhub.services import contributions as c
from litterhub.services import review as r
from litterhub.services.datasets import get_dataset
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

PASSWORD = "correct horse battery"
MDMAP = DEMO_DIR / "mdmap-maine-2016-2023.csv"
MLW = DEMO_DIR / "mlw-sample.csv"


def test_cli_refuses_known_bytes_unless_a_copy_is_asked_for(tmp_path):
    from litterhub.cli import app

    data = ["--data-dir", str(tmp_path / "data")]
    run = CliRunner().invoke
    assert run(app, ["ingest", str(MDMAP), "--dataset", "maine", *data]).exit_code == 0
    refused = run(app, ["ingest", str(MDMAP), "--dataset", "maine-again", "--json", *data])
    assert refused.exit_code == 2
    body = json.loads(refused.output)
    assert body["version"] is None and [e["code"] for e in body["errors"]] == ["known-file-other-dataset"]
    assert "maine version 1" in body["errors"][0]["message"] and "--allow-copy" in body["errors"][0]["message"]
    plain = run(app, ["ingest", str(MDMAP), "--dataset", "maine-again", *data])
    assert plain.exit_code == 2 and "known-file-other-dataset" in plain.output
    listed = json.loads(run(app, ["datasets", "--json", *data]).output)
    assert "maine-again" not in json.dumps(listed)  # nothing was stored
    again = run(app, ["ingest", str(MDMAP), "--dataset", "maine", "--json", *data])  # same id: still the no-op
    assert again.exit_code == 0 and json.loads(again.output)["unchanged"] is True
    copy = run(app, ["ingest", str(MDMAP), "--dataset", "maine-again", "--allow-copy", "--json", *data])
    assert copy.exit_code == 0, copy.output
    body = json.loads(copy.output)
    assert body["version"] == 1 and body["rows_accepted"] == 70
    known = [w["code"] for w in body["warnings"] if w["code"].startswith("known")]
    assert known == ["known-file-other-dataset-allowed"]


@pytest.fixture()
def people(hub):
    def principal(email, role="contributor"):
        return auth.principal_for_session(hub, auth.create_user(hub, email, PASSWORD, role=role).id)

    ingest_file(hub, MLW, "mlw", "mlw-sample")  # the bytes are in the hub already
    return {"ana": principal("ana@example.org"), "rui": principal("rui@example.org", "reviewer")}


def _draft(hub, who, tmp_path):
    src = tmp_path / "beach.csv"
    src.write_bytes(MLW.read_bytes())
    return c.create_upload(hub, who, src, "beach.csv")


def test_upload_of_known_bytes_needs_allow_copy_and_then_publishes(hub, people, tmp_path):
    sub = _draft(hub, people["ana"], tmp_path)
    assert sub.usable and any("already published as mlw-sample version 1" in n for n in sub.report["notes"])
    with pytest.raises(c.ContributionError) as err:
        c.submit_upload(hub, people["ana"], sub.id, licence="CC-BY-4.0")
    assert err.value.status == 409 and err.value.code == "known-file-other-dataset"
    assert "mlw-sample version 1" in str(err.value) and err.value.field == "allow_copy"
    assert c.load(hub, sub.id).status == "draft"
    sent = c.submit_upload(hub, people["ana"], sub.id, licence="CC-BY-4.0", allow_copy=True)
    assert sent.status == "submitted" and sent.payload["allow_copy"] is True
    published = r.approve(hub, people["rui"], sub.id).submission
    assert published.published_version == 1 and get_dataset(hub, sub.dataset_id)["version"] == 1


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def test_api_upload_refused_with_problem_then_allowed(write_client, hub, people):
    key, _ = auth.create_api_key(hub, people["ana"].id)
    files = {"file": ("beach.csv", MLW.read_bytes(), "text/csv")}
    refused = write_client.post("/api/v1/uploads", headers=bearer(key), files=files, data={"licence": "CC-BY-4.0"})
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["errors"][0]["code"] == "known-file-other-dataset" and "mlw-sample" in problem["detail"]
    draft = refused.headers["location"].rsplit("/", 1)[1]
    assert write_client.get(f"/api/v1/submissions/{draft}", headers=bearer(key)).json()["status"] == "draft"
    again = write_client.post(f"/api/v1/submissions/{draft}/submit", headers=bearer(key),
                              json={"licence": "CC-BY-4.0"})
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "known-file-other-dataset"
    sent = write_client.post(f"/api/v1/submissions/{draft}/submit", headers=bearer(key),
                             json={"licence": "CC-BY-4.0", "allow_copy": True})
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    direct = write_client.post("/api/v1/uploads", headers=bearer(key), files=files,
                               data={"licence": "CC-BY-4.0", "allow_copy": "true"})
    assert direct.status_code == 201 and direct.json()["status"] == "submitted"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_wizard_shows_the_known_dataset_and_a_copy_checkbox(hub, people, tmp_path):
    from litterhub.app import create_app

    sub = _draft(hub, people["ana"], tmp_path)
    other = tmp_path / "other.csv"  # bytes the hub does not hold: no checkbox
    other.write_bytes(MLW.read_bytes().replace(b"Mare Nostrum", b"Mare Nostrum 2"))
    fresh = c.create_upload(hub, people["ana"], other, "other.csv")
    with TestClient(create_app(hub)) as browser:
        page = browser.get("/account/login")
        browser.post("/account/login", data={"email": "ana@example.org", "password": PASSWORD,
                                             "csrf_token": _token(page.text), "next": "/account"})
        assert 'id="allow-copy"' not in browser.get(f"/contribute/submissions/{fresh.id}").text
        page = browser.get(f"/contribute/submissions/{sub.id}")
        assert page.status_code == 200 and 'id="allow-copy"' in page.text and 'href="/datasets/mlw-sample"' in page.text
        form = {"csrf_token": _token(page.text), "licence": "CC-BY-4.0", "title": "Beach"}
        refused = browser.post(f"/contribute/submissions/{sub.id}/submit", data=form, follow_redirects=False)
        assert refused.status_code == 409 and "mlw-sample version 1" in refused.text
        assert 'id="allow-copy"' in refused.text and c.load(hub, sub.id).status == "draft"
        sent = browser.post(f"/contribute/submissions/{sub.id}/submit", data={**form, "allow_copy": "on"},
                            follow_redirects=False)
        assert sent.status_code == 303 and c.load(hub, sub.id).status == "submitted"


def test_browser_wizard_and_duplicates_page_at_360_px(hub, people, browser):
    """Chromium: the wizard names the dataset holding the bytes, refuses without the checkbox and sends with it;
    the duplicates page lists the resulting pair without sideways scrolling on a 360 px phone."""
    from tests.conftest import serve_in_thread

    from litterhub.app import create_app
    from litterhub.services.duplicates import detect_duplicates

    base, server = serve_in_thread(create_app(hub))
    try:
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{base}/account/login")
        page.fill("#email", "ana@example.org")
        page.fill("#password", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.wait_for_url(f"{base}/account")
        page.goto(f"{base}/contribute/upload")
        page.set_input_files("#file", str(MLW))
        page.click("#upload-button")
        page.wait_for_selector("#known-copies")
        assert "mlw-sample" in page.inner_text("#known-copies")
        page.check("input[name=licence][value='CC0-1.0']")
        with page.expect_navigation():
            page.click("#submit-button")  # without the checkbox: refused, the page says why
        assert "mlw-sample version 1" in page.content() and page.is_visible("#allow-copy")
        page.check("input[name=licence][value='CC0-1.0']")
        page.check("#allow-copy")
        page.click("#submit-button")
        page.wait_for_selector("#status")
        assert "waiting for review" in page.inner_text("#status")
        sid = page.url.rstrip("/").rsplit("/", 1)[1]
        r.approve(hub, people["rui"], sid)
        detect_duplicates(hub)
        page.goto(f"{base}/duplicates")
        assert int(page.inner_text("#pair-count")) > 0 and page.locator("#pairs tr.pair-exact").count() > 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
        context.close()
    finally:
        server.should_exit = True
