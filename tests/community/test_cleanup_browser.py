"""Issue 19's done-when, in Chromium: a team's cleanup event (organised on the web) collects two surveys sent by two
members through the phone survey form for that event; a reviewer approves both on the review pages; the team page
then counts them and shows the site's and the country's figures with and without them. The calendar, event and team
pages are checked at 360 px for sideways scrolling and with axe (serious or critical violations fail)."""

from __future__ import annotations

import re
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"
RUN_AXE = """async () => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                     "best-practice"]}, resultTypes: ["violations"]});
  return r.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v => v.id + " " +
         v.nodes.slice(0, 2).map(n => n.target.join(" ")).join(", "));
}"""
SITE = {"site_name": "Praia da Amorosa", "country": "PT", "lat": "41.6431", "lon": "-8.8237"}

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(community_app):
    """The community tests' app served by uvicorn in a background thread; yields (base url, hub)."""
    import uvicorn

    from litterhub.services import auth

    hub, app = community_app
    for email, name, role in (("owner@example.org", "Olga", "contributor"),
                              ("member@example.org", "Pat", "contributor"),
                              ("ana@example.org", "Ana", "contributor"), ("rui@example.org", "Rui", "reviewer")):
        auth.create_user(hub, email, PASSWORD, role=role, display_name=name)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", hub
    srv.should_exit = True
    thread.join(timeout=10)


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/account")


def _check_page(page, url: str) -> None:
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 361, f"{url} scrolls sideways at 360 px"
    if AXE.is_file():
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(RUN_AXE) == [], url


def _send_survey(page, base: str, event_id: int, day: str, counts: dict[str, str]) -> None:
    page.goto(f"{base}/contribute/survey?event={event_id}")
    assert page.input_value("#event_id") == str(event_id)  # the cleanup is chosen already
    for field, value in SITE.items():
        page.fill(f"#{field}", value)
    page.fill("#survey_date", day)
    page.fill("#team_size", "4")
    page.wait_for_load_state("networkidle")  # the item list is reordered for the country once its answer arrives
    for code, n in counts.items():
        page.fill(f"#count_{code}", n)
    assert page.inner_text("#total-count") == str(sum(int(n) for n in counts.values()))
    page.click("#survey-submit")
    page.wait_for_selector("#survey-counts")
    assert "waiting for review" in page.inner_text("#status")


def test_a_cleanup_collects_two_surveys_whose_approval_shows_on_the_team_page(server, browser):
    base, hub = server
    from datetime import date

    from litterhub.services import auth, review
    from litterhub.services import contributions as c

    # Someone outside the team surveyed the same beach before: the figures have a "without" to compare with.
    ana = auth.principal_for_session(hub, auth.find_user(hub, "ana@example.org").id)
    rui = auth.principal_for_session(hub, auth.find_user(hub, "rui@example.org").id)
    earlier = c.create_survey(hub, ana, c.SurveyInput(SITE["site_name"], "PT", float(SITE["lat"]), float(SITE["lon"]),
                                                      date(2026, 5, 3), 100, 2, {"G1": 4}))
    review.approve(hub, rui, earlier.id)

    phone = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True, "bypass_csp": True}
    olga_ctx, pat_ctx, rui_ctx = (browser.new_context(**phone) for _ in range(3))
    olga, pat, reviewer = olga_ctx.new_page(), pat_ctx.new_page(), rui_ctx.new_page()
    try:
        sign_in(olga, base, "owner@example.org")
        olga.goto(f"{base}/teams")
        olga.fill("#team-name", "Amorosa crew")
        olga.fill("#team-country", "PT")
        olga.click("#create-team-button")
        olga.wait_for_selector("#join-code-value")
        team_url, code = olga.url, olga.inner_text("#join-code-value").strip()
        team_id = int(team_url.rstrip("/").rsplit("/", 1)[1])

        sign_in(pat, base, "member@example.org")
        pat.goto(f"{base}/teams")
        pat.fill("#join-code", code)
        pat.click("#join-team-button")
        pat.wait_for_url(team_url)
        assert "you are a member" in pat.inner_text("#team-facts")

        # The owner organises today's cleanup for the team, in UTC (the survey date is today's date there).
        now = datetime.now(UTC)
        start, end = now.replace(hour=0, minute=5), now.replace(hour=23, minute=55)
        olga.goto(f"{base}/events/new?kind=cleanup&team={team_id}")
        olga.fill("#title", "Amorosa cleanup")
        olga.fill("#start", start.strftime("%Y-%m-%dT%H:%M"))
        olga.fill("#end", end.strftime("%Y-%m-%dT%H:%M"))
        olga.fill("#tz", "UTC")
        olga.fill("#place", "Praia da Amorosa")
        olga.fill("#country", "PT")
        olga.fill("#capacity", "10")
        assert olga.input_value("#team_id") == str(team_id)
        olga.click("#event-save")
        olga.wait_for_selector("#event-facts")
        event_id = int(re.search(r"/events/(\d+)$", olga.url).group(1))

        pat.goto(f"{base}/events/{event_id}")
        pat.click("#register-button")
        pat.wait_for_selector("#my-registration")
        assert pat.inner_text("#registered-count").startswith("1")

        day = start.date().isoformat()
        _send_survey(olga, base, event_id, day, {"G1": "30", "G7": "12"})
        _send_survey(pat, base, event_id, day, {"G1": "18", "G8": "6"})
        pat.goto(f"{base}/events/{event_id}")
        assert "2 surveys sent, 0 approved" in pat.inner_text("#collected")
        from sqlalchemy import select

        from litterhub.store import forum_tables as ft

        with hub.engine.connect() as conn:  # the organiser heard of Pat's survey, not of her own
            heard = conn.execute(select(ft.notifications.c.user_id).where(
                ft.notifications.c.kind == "event-survey")).scalars().all()
        assert heard == [auth.find_user(hub, "owner@example.org").id]

        olga.goto(team_url)
        assert "0 approved surveys" in olga.inner_text("#team-tally")
        assert "2 waiting for review" in olga.inner_text("#team-tally")

        sign_in(reviewer, base, "rui@example.org")
        for _ in range(2):
            reviewer.goto(f"{base}/review")
            reviewer.click("a[href^='/review/']:has-text('Praia da Amorosa')")
            reviewer.click("#claim-button")
            reviewer.wait_for_selector("#approve-button")
            reviewer.click("#approve-button")
            reviewer.wait_for_selector("#done-message")

        olga.goto(team_url)
        tally = olga.inner_text("#team-tally")
        assert "2 approved surveys" in tally and "66 items recorded" in tally and "0 waiting" in tally
        site_row = olga.locator("#impact-sites tbody tr").first.inner_text()
        # without the team: Ana's one survey (4 items per 100 m); with it: the median of 4, 42 and 24
        assert "median 4.0 (1 surveys)" in site_row and "median 24.0 (3 surveys)" in site_row
        national = olga.locator("#impact-country-PRT tr.impact-line").first.inner_text()
        assert "4.0 over 1 sites" in national and "24.0 over 1 sites" in national
        sdg = olga.inner_text("#impact-country-PRT tr.impact-sdg")
        assert "SDG 14.1.1b" in sdg and "not computable" in sdg and "width" in sdg  # volunteers measure no width
        import httpx

        api = httpx.get(f"{base}/api/v1/teams/{team_id}/surveys", timeout=60).json()  # the same figures, anonymous
        assert [(x["without"]["median"], x["with"]["median"], x["with"]["surveys"]) for x in api["impact"]["sites"]] \
            == [(4.0, 24.0, 3)]
        assert all(x["name"] is None and x["status"] == "approved" for x in api["surveys"]) and len(api["surveys"]) == 2
        pat.goto(f"{base}/events/{event_id}")
        assert "2 surveys sent, 2 approved" in pat.inner_text("#collected")

        for url in (f"{base}/events", f"{base}/events/{event_id}", team_url, f"{base}/volunteering",
                    f"{base}/leaderboards", f"{base}/teams", f"{base}/events/new", f"{base}/events/{event_id}/edit",
                    f"{team_url}?lang=ar", f"{base}/contribute/survey?event={event_id}"):
            _check_page(olga, url)
        _check_page(olga, f"{base}/events/{event_id}?lang=ar")
    finally:
        for ctx in (olga_ctx, pat_ctx, rui_ctx):
            ctx.close()
    assert timedelta(0) < end - start
