"""Chromium at 390 px: a volunteer uploads their own long-format CSV, confirms the columns in the picker, sees
the validation report of the parsed surveys, and sends it for review; the progress bar and the templates are
there, the CSP is never violated and the page does not overflow the phone's width. Screenshots are kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import serve_in_thread
from tests.contrib.test_wizard_draft import VOLUNTEER

from litterhub.services import auth
from litterhub.services import contributions as c

PASSWORD = "correct horse battery"
SHOTS = Path(os.environ.get("LITTERHUB_SCREENSHOTS", "/tmp/litterhub-screenshots")) / "wizard"


@pytest.fixture()
def server(hub):
    from litterhub.app import create_app

    auth.create_user(hub, "vol@example.org", PASSWORD, display_name="Vol")
    url, srv = serve_in_thread(create_app(hub))
    yield url
    srv.should_exit = True


def test_volunteer_uploads_a_long_csv_through_the_column_picker(browser, server, hub, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "my-cleanups.csv"
    data.write_text(VOLUNTEER, encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{server}/account/login")
    page.fill("#email", "vol@example.org")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{server}/account")

    page.goto(f"{server}/contribute/upload")
    assert page.locator('#templates a[href="/contribute/templates/cleanup-long.xlsx"]').count() == 1
    page.set_input_files("#file", str(data))
    page.click("#upload-button")
    page.wait_for_url(f"{server}/contribute/submissions/*")
    assert page.locator("#upload-progress").count() == 0  # the submission page, reached through the XHR upload
    page.screenshot(path=str(SHOTS / "1-proposed-390.png"), full_page=True)

    picker = page.locator("#column-picker")
    assert picker.is_visible()
    assert page.locator('input[name="layout"][value="long"]').is_checked()
    assert page.input_value("#role-item") == "item" and page.input_value("#role-count") == "count"
    assert page.input_value("#role-site_name") == "beach" and page.input_value("#role-lat") == "latitude"
    page.select_option("#role-people", "volunteers")
    page.click("#columns-button")
    page.wait_for_selector("#licence-step")
    assert "6" in page.inner_text("#row-counts")  # the six rows, read as surveys with their items
    assert page.locator("#rejected-rows").count() == 0
    preview = page.inner_text("#survey-preview")  # the first surveys as parsed: one per beach and date
    assert "Praia do Norte/2024-03-02" in preview and "Cigarette butts: 37" in preview
    assert "Praia da Arda/2024-04-13" in preview
    page.screenshot(path=str(SHOTS / "2-checked-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    page.check('input[name="licence"][value="CC-BY-4.0"]')
    page.click("#submit-button")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "3-sent-390.png"), full_page=True)
    sid = page.url.rsplit("/", 1)[1]
    sub = c.load(hub, sid)
    assert sub.status == "submitted" and sub.format == "generic" and "layout: long" in sub.payload["mapping"]
    context.close()
    assert problems == []
