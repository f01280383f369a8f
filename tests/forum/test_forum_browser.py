"""The issue's own test (issue 19, "Done when"), in Chromium: a government user opens a thread on a country page
and an expert who follows that country's region receives the e-mail through the local SMTP server (aiosmtpd);
then the expert follows the link, sees the unread count, replies quoting post #1, and the government user is told.
At a phone's width with no horizontal overflow; the forum pages in the six languages (Arabic right to left)."""

from __future__ import annotations

import pytest

from litterhub.services import auth
from litterhub.services import focal_points as fp
from litterhub.services import forum as fm
from litterhub.services import notifications as nt
from tests.forum.conftest import PASSWORD
from tests.forum.test_forum import MED, _hub
from tests.web.test_axe_browser import AXE, RUN_AXE, TAGS, _serious

pytestmark = pytest.mark.browser


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/account")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, page.url


@pytest.fixture(scope="module")
def served(tmp_path_factory, smtp):
    from litterhub.app import create_app
    from tests.conftest import serve_in_thread

    hub, users = _hub(tmp_path_factory, "forum-browser", smtp)
    gov = auth.create_user(hub, "focal@environnement.gouv.example", PASSWORD, display_name="Claire Martin")
    fp.assign(hub, fp.CLI_OPERATOR, gov.id, "FRA")  # the national focal point of France: a government user
    expert = auth.create_user(hub, "expert@university.example", PASSWORD, display_name="Dr Ana Silva")
    nt.subscribe(hub, expert.id, "region", MED)  # the expert follows the Mediterranean (France is a member)
    base, server = serve_in_thread(create_app(hub))
    hub.settings = hub.settings.but(base_url=base)  # links in e-mails point at this server
    yield hub, base, users
    server.should_exit = True
    hub.close()


def test_country_thread_reaches_the_region_expert_by_email(browser, served, smtp):
    hub, base, _ = served
    width = 360  # a phone: the widest layouts are checked by the axe and phone-layout crawls
    title = "Monitoring beach litter on the French Mediterranean coast"
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _sign_in(page, base, "focal@environnement.gouv.example")
    page.goto(f"{base}/countries/FRA")
    page.click("#new-country-thread")
    page.wait_for_selector("#thread-form")
    assert page.input_value("#thread-country") == "FRA"
    page.fill("#thread-title", title)
    page.fill("#thread-body", "We plan 40 OSPAR/MSFD surveys a year. Who shares a protocol for Mediterranean beaches?")
    page.select_option("#thread-theme", "beach-litter")
    _fits(page)
    page.click("#thread-submit")
    page.wait_for_url(f"{base}/forum/threads/*")
    thread_url = page.url
    assert page.inner_text("#thread-title") == title
    assert "#1" in page.inner_text("#post-1") and "Claire Martin" in page.inner_text("#post-1")
    _fits(page)

    # the expert's mailbox: the local SMTP server received the e-mail
    mail = [m for m in smtp.inbox.wait_for("expert@university.example", 1)
            if title in m["Subject"]]
    assert len(mail) == 1
    received = mail[0]
    assert received["To"] == "expert@university.example"
    assert received["Subject"] == f"New thread (FRA, beach-litter): {title}"
    assert thread_url in received.get_content()  # an absolute link to the thread

    # the expert follows the link, sees the unread count, replies quoting #1; the government user is told
    expert = browser.new_context(viewport={"width": width, "height": 900})
    epage = expert.new_page()
    _sign_in(epage, base, "expert@university.example")
    assert int(epage.inner_text("#unread-count")) >= 1
    epage.goto(thread_url)
    epage.click("#quote-1")
    epage.wait_for_selector("#quoting")
    epage.fill("#reply-body", "Happy to share ours, @claire-martin: see the MSFD guidance.")
    epage.click("#reply-submit")
    epage.wait_for_selector("#post-2")
    assert "#1 Claire Martin" in epage.inner_text("#post-2 .fm-quote")
    _fits(epage)
    page.goto(f"{base}/notifications")
    assert "Dr Ana Silva mentioned you" in page.inner_text("#notifications")
    _fits(page)
    assert errors == []
    ctx.close()
    expert.close()


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar", "ru", "zh"])
def test_forum_pages_in_six_languages_at_phone_width(browser, served, lang):
    hub, base, users = served
    t = fm.create_thread(hub, auth.principal_for_session(hub, users["kofi"].id), "Fishing gear in the Adriatic",
                         "Ghost nets data?", theme="fishing-gear", region=MED)
    ctx = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)  # axe is injected
    page = ctx.new_page()
    _sign_in(page, base, "mod@example.org")
    for path in (f"/forum/threads/{t['id']}", "/forum/new?country=ITA", "/notifications", "/forum?q=ghost"):
        response = page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        _fits(page)
        if lang in ("en", "ar") and AXE.is_file():  # no serious or critical accessibility violation
            page.add_script_tag(path=str(AXE))
            assert _serious(page.evaluate(RUN_AXE, TAGS)) == [], (path, lang)
    ctx.close()
