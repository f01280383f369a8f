"""Chromium (Playwright) walks through the upload wizard, the phone survey form and the review flow."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from litterhub.services.setup import DEMO_DIR

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium "
                                 "(apt-get install chromium)")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app over a fresh hub, served by uvicorn in a background thread; yields (base url, hub)."""
    import uvicorn

    from litterhub.app import create_app
    from litterhub.services import auth
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp("browser") / "data")
    auth.create_user(hub, "ana@example.org", PASSWORD, display_name="Ana")
    auth.create_user(hub, "rui@example.org", PASSWORD, role="reviewer", display_name="Rui")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(hub), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", hub
    srv.should_exit = True
    thread.join(timeout=10)
    hub.close()


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's Chromium (tests/conftest.py): a second sync_playwright() in the same thread is refused
    while another test file's browser is alive."""
    return browser


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/account")


def test_upload_wizard(server, chromium):
    base, _hub = server
    context = chromium.new_context()
    page = context.new_page()
    sign_in(page, base, "ana@example.org")
    page.goto(f"{base}/contribute/upload")
    page.fill("#title", "Saturn beach 2016-2018")
    page.set_input_files("#file", str(DEMO_DIR / "mlw-sample.csv"))
    page.click("#upload-button")
    page.wait_for_selector("#format-detected")
    assert "mlw" in page.inner_text("#format-detected")
    assert "accepted" in page.inner_text("#row-counts")
    page.check("input[name=licence][value='CC0-1.0']")
    page.click("#submit-button")
    page.wait_for_selector("#status")
    assert "waiting for review" in page.inner_text("#status")
    context.close()


def test_survey_form_on_a_phone(server, chromium):
    base, hub = server
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                   geolocation={"latitude": 41.70123, "longitude": -8.87456},
                                   permissions=["geolocation"])
    page = context.new_page()
    sign_in(page, base, "ana@example.org")
    page.goto(f"{base}/contribute/survey")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    page.fill("#site_name", "Praia Norte")
    page.fill("#country", "PT")
    page.click("#survey-map", position={"x": 150, "y": 100})
    assert page.input_value("#lat") != "" and page.input_value("#lon") != ""
    page.click("#gps-button")
    page.wait_for_function("document.getElementById('lat').value === '41.70123'")
    assert page.input_value("#lon") == "-8.87456"
    page.fill("#team_size", "5")
    page.fill("#item-search", "drink bottles")
    page.wait_for_function("document.querySelector('#count_G1').closest('.item-row').hidden === true")
    assert page.is_visible("#count_G7")
    page.fill("#count_G7", "12")
    page.fill("#count_G8", "3")
    assert page.inner_text("#total-count") == "15"
    page.set_input_files("#photos", files=[{"name": "beach.png", "mimeType": "image/png",
                                            "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}])
    page.click("#survey-submit")
    page.wait_for_selector("#survey-counts")
    assert "waiting for review" in page.inner_text("#status")
    assert page.locator("#survey-details img").count() == 1
    context.close()


def test_review_flow(server, chromium):
    base, hub = server
    from litterhub.services import auth
    from litterhub.services import contributions as c

    ana = auth.principal_for_session(hub, auth.find_user(hub, "ana@example.org").id)
    from datetime import date

    sub = c.create_survey(hub, ana, c.SurveyInput("Playa Sur", "ES", 36.5, -6.3, date(2024, 4, 2), 100, 3,
                                                  {"G1": 2}))
    context = chromium.new_context()
    page = context.new_page()
    sign_in(page, base, "rui@example.org")
    page.goto(f"{base}/review")
    page.click(f"a[href='/review/{sub.id}']")
    page.click("#claim-button")
    page.wait_for_selector("#approve-button")
    assert "in review" in page.inner_text("#status")
    page.fill("#note", "looks right")
    page.click("#approve-button")
    page.wait_for_selector("#done-message")
    assert c.load(hub, sub.id).status == "approved"
    page.goto(f"{base}/datasets/{sub.dataset_id}")
    assert "Playa Sur" in page.content()
    context.close()
