"""One error model (litterhub/errors.py) rendered by one set of handlers (http/problems.py): problem+json for
machines, the web's HTML page for browsers, the pages' sign-in check as something that raises (web/session.py)."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from litterhub.analysis.inventory.errors import InventoryInputError
from litterhub.app import create_app
from litterhub.errors import Conflict, HubError, InvalidInput
from litterhub.http import problems
from litterhub.services.auth import AuthError
from litterhub.services.contributions import ContributionError
from litterhub.services.datasets import BadRequest, NotFound
from litterhub.services.registry import RegistryError
from litterhub.store.locks import DatasetBusy

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
RAISED = {
    "contribution": ContributionError("conflict", "already submitted", field="licence", code="already-submitted"),
    "inventory": InventoryInputError.single("litter-no-model-inputs", "no model inputs for XXX", field="country"),
    "registry": RegistryError(409, "duplicate-record", "a record with this title exists"),
    "busy": DatasetBusy("d1", 3),
    "plain": InvalidInput("bad value", code="bad-thing", field="q", reason="example"),
}


@pytest.fixture(scope="module")
def edge() -> TestClient:
    """A bare app with the hub's handlers and a page renderer that says which status it drew."""
    app = FastAPI()

    def page(request, status, detail, headers):
        return HTMLResponse(f"<p>page {status}: {detail}</p>", status_code=status, headers=headers)

    def raising(exc: Exception):
        def route() -> None:
            raise exc
        return route

    problems.install(app, page=page)
    for prefix in ("/api/v1", ""):
        for name, exc in RAISED.items():
            app.add_api_route(f"{prefix}/raise/{name}", raising(exc))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_every_service_error_is_a_hub_error_with_its_old_status_and_code():
    assert isinstance(RAISED["contribution"], HubError) and RAISED["contribution"].status == 409
    assert RAISED["contribution"].code == "already-submitted" and RAISED["contribution"].field == "licence"
    assert AuthError("no-such-user", "x").status == 404 and AuthError("not-your-key", "x").status == 403
    assert isinstance(NotFound("x"), LookupError) and isinstance(BadRequest("x"), ValueError)  # old catches hold
    assert NotFound("x").status == 404 and BadRequest("x").status == 400
    assert isinstance(DatasetBusy("d", 1), Conflict) and DatasetBusy("d", 1).code == "dataset-busy"
    assert RAISED["inventory"].status == 404
    refused = InventoryInputError.single("litter-bad-number", "not a number", line=3, field="value")
    refused.status = 422
    assert refused.status == 422 and refused.errors == [
        {"code": "litter-bad-number", "message": "not a number", "line": 3, "field": "value"}]


@pytest.mark.parametrize("name, status, code, field", [
    ("contribution", 409, "already-submitted", "licence"),
    ("inventory", 404, "litter-no-model-inputs", "country"),
    ("registry", 409, "duplicate-record", None),
    ("busy", 409, "dataset-busy", None),
    ("plain", 400, "bad-thing", "q"),
])
def test_a_hub_error_is_one_problem_document_for_machines(edge, name, status, code, field):
    r = edge.get(f"/api/v1/raise/{name}", headers=BROWSER)  # an API path stays machine-readable for browsers too
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["instance"] == f"/api/v1/raise/{name}"
    assert body["detail"] == str(RAISED[name])
    assert body["errors"][0]["code"] == code and body["errors"][0]["field"] == field


def test_a_browser_on_a_page_gets_the_web_page_never_problem_json(edge):
    r = edge.get("/raise/contribution", headers=BROWSER)
    assert r.status_code == 409 and r.headers["content-type"].startswith("text/html")
    assert r.text == "<p>page 409: already submitted</p>"
    script = edge.get("/raise/contribution", headers={"Accept": "application/json"})
    assert script.status_code == 409 and script.headers["content-type"].startswith("application/problem+json")


def test_an_app_without_a_page_renderer_answers_problems_only():
    app = FastAPI()
    problems.install(app)

    @app.get("/page")
    def page():
        raise NotFound("no such page")

    with TestClient(app) as c:
        r = c.get("/page", headers=BROWSER)
    assert r.status_code == 404 and r.json()["errors"][0]["code"] == "not-found"


# --- the real app -------------------------------------------------------------------------------------------------

@pytest.fixture()
def app_client(hub):
    with TestClient(create_app(hub)) as c:
        yield c


def test_service_not_found_on_the_api_is_a_404_problem(app_client):
    r = app_client.get("/api/v1/datasets/no-such-dataset")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["code"] == "not-found" and "no-such-dataset" in r.json()["detail"]


def test_a_web_form_post_without_its_token_answers_the_browser_with_a_page(app_client):
    r = app_client.post("/account/login", data={"email": "a@example.org", "password": "x"}, headers=BROWSER)
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    assert "application/problem+json" not in r.headers["content-type"] and "<html" in r.text


def test_sign_in_check_sends_anonymous_visitors_to_sign_in(app_client):
    r = app_client.get("/account?x=1", headers=BROWSER, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account/login?next=/account%3Fx%3D1"


def test_sign_in_check_shows_the_403_page_without_the_role(app_client, hub):
    from litterhub.services import auth

    auth.create_user(hub, "reader@example.org", "correct horse battery", role="public")
    login = app_client.get("/account/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
    signed = app_client.post("/account/login", data={"email": "reader@example.org", "password": "correct horse battery",
                                                     "csrf_token": token, "next": "/account"}, follow_redirects=False)
    assert signed.status_code == 303
    r = app_client.get("/review", headers=BROWSER)
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    assert "reviewer" in r.text


def test_the_cli_prints_a_refusal_as_one_line_and_exits_2(monkeypatch, capsys):
    from litterhub import cli

    def refuse() -> None:
        raise ContributionError("invalid", "the licence must be one of CC-BY-4.0, CC0-1.0", field="licence",
                                code="bad-licence")

    monkeypatch.setattr(cli, "app", refuse)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 2
    assert capsys.readouterr().err == "error: the licence must be one of CC-BY-4.0, CC0-1.0 (bad-licence)\n"
