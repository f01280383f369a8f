"""Pages on a phone, in Chromium at 360 and 390 px: nothing wider than the screen, a menu button that opens and
closes the header menu, tap targets of 44 px, Arabic right to left, the language menu naming each language in its
own name and changing language only when one is chosen, HTML error pages in the reader's language, a favicon."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

WIDTHS = [360, 390]
# Pages not in the header menu but reached from it or named by the issue (a dataset, a site, a country inventory).
EXTRA = ["/", "/indicators", "/datasets/mlw-sample", "/registry", "/vocab", "/inventory", "/countries", "/sdg",
         "/chemicals", "/inventory/PHL", "/account/login"]
SHOTS = Path(os.environ.get("LITTERHUB_SCREENSHOTS", "/tmp/litterhub-screenshots"))
ENDONYMS = {"English", "Français", "Español", "Русский", "中文", "العربية"}


@pytest.fixture(scope="module")
def pages(browser, live_server) -> list[str]:
    """Every page of the header menu as the demo home page links it, plus the EXTRA pages and one site page."""
    page = browser.new_page()
    page.goto(live_server + "/")
    hrefs = page.eval_on_selector_all(".topbar nav a", "els => els.map(e => e.getAttribute('href'))")
    features = page.request.get(live_server + "/api/v1/sites?dataset=mlw-sample").json()["features"]
    sites = [f"/sites/{quote(str(f['id']), safe='')}" for f in features]  # as the home map links them
    page.close()
    assert len(hrefs) >= 8 and sites, (hrefs, sites)
    web = [h for h in hrefs if not urlparse(h).path.startswith("/api/")]  # /api/v1/docs is Swagger UI's page
    return list(dict.fromkeys([*web, *EXTRA, sites[0]]))


def _phone(browser, width: int, **kw):
    return browser.new_context(viewport={"width": width, "height": 780}, device_scale_factor=1, **kw)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_a_phone(browser, live_server, pages, width):
    context = _phone(browser, width)
    page = context.new_page()
    too_wide = {}
    for path in pages:
        response = page.goto(live_server + path, wait_until="load")
        assert response is not None and response.status == 200, path
        page.wait_for_timeout(150)  # charts and maps draw after load
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide[path] = scroll
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server + "/indicators", wait_until="load")
    page.screenshot(path=str(SHOTS / f"indicators-{width}.png"), full_page=False)
    context.close()
    assert too_wide == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_menu_button_opens_and_closes_the_menu(browser, live_server, width):
    context = _phone(browser, width)
    page = context.new_page()
    page.goto(live_server + "/datasets")
    toggle = page.locator(".menu-toggle")
    nav_link = page.locator(".topbar nav a[href='/indicators']")
    assert toggle.is_visible() and not nav_link.is_visible()
    header = page.locator(".topbar").bounding_box()
    assert header["height"] <= 0.12 * 780  # folded, the header leaves the screen to the page
    box = toggle.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and nav_link.is_visible()
    heights = page.eval_on_selector_all(
        ".topbar .menu a, .topbar .menu summary, .topbar .menu button",
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, heights
    page.screenshot(path=str(SHOTS / f"menu-open-{width}.png"))
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and not nav_link.is_visible()
    toggle.click()
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not nav_link.is_visible()
    context.close()


def test_wide_screen_shows_the_menu_without_a_button(browser, live_server):
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    page.goto(live_server + "/inventory")
    assert not page.locator(".menu-toggle").is_visible()
    labels = page.eval_on_selector_all(".topbar nav a", "els => els.map(e => e.textContent.trim())")
    assert len(labels) == len(set(labels)), labels  # "Inventories" once, not twice
    assert page.locator(".topbar nav a[aria-current='page']").get_attribute("href") == "/inventory"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.close()


def test_arabic_pages_run_right_to_left_and_fit(browser, live_server):
    context = _phone(browser, 390)
    page = context.new_page()
    page.goto(live_server + "/datasets?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".menu-toggle").click()
    page.screenshot(path=str(SHOTS / "menu-open-ar-390.png"))
    context.close()


def test_skip_link_moves_focus_to_main(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/datasets")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def test_language_menu_names_languages_and_changes_only_on_choice(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/datasets?lang=en")
    names = page.eval_on_selector_all(".lang ul a", "els => els.map(e => e.textContent.trim())")
    assert set(names) == ENDONYMS
    page.locator(".lang summary").focus()
    page.keyboard.press("Enter")  # open the menu
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.lang") == "en" and "lang=" in page.url  # no navigation
    with page.expect_navigation():
        page.locator(".lang ul a[hreflang='fr']").click()
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert urlparse(page.url).path == "/datasets"
    page.goto(live_server + "/datasets")  # the choice is remembered (cookie)
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.close()


def test_sign_in_link_then_sign_out_button(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/datasets?lang=en")
    link = page.locator(".topbar .account a")
    assert link.text_content().strip() == "Sign in"
    assert link.get_attribute("href").startswith("/account/login?next=")
    page.close()


def test_unknown_url_is_an_html_page_in_the_readers_language(browser, live_server):
    page = browser.new_page()
    response = page.goto(live_server + "/no/such/page?lang=fr")
    assert response is not None and response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("h1").text_content().strip() == "Page introuvable"
    assert "Not Found" not in page.content()  # the generic English reason is not repeated under the French title
    assert page.locator("main a[href='/']").count() == 1
    page.close()


def test_error_pages_for_people_problems_for_programs(client):
    """Browsers get pages; the API faces (and clients that do not ask for HTML) keep problem+json."""
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/no/such/page?lang=es", headers=html)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert 'lang="es"' in page.text and "<h1>Página no encontrada</h1>" in page.text
    not_allowed = client.post("/datasets", headers=html)
    assert not_allowed.status_code == 405 and not_allowed.headers["content-type"].startswith("text/html")
    for path in ["/api/v1/no-such", "/ogc/no-such", "/api/3/no/such"]:
        problem = client.get(path, headers=html)
        assert problem.status_code == 404, path
        assert problem.headers["content-type"] == "application/problem+json", path
    assert client.get("/no/such/page").headers["content-type"] == "application/problem+json"


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200 and "<svg" in svg.text
    assert '<link rel="icon" href="/static/img/favicon.svg"' in client.get("/").text


def test_header_signs_in_and_out_on_every_page(hub):
    """Anonymous: a sign-in link back to the page. Signed in: the person's name and a working sign-out button, also
    on pages that know nothing of accounts (the header finds the session itself)."""
    import re

    from fastapi.testclient import TestClient

    from litterhub.app import create_app
    from litterhub.services import auth

    def token(html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    auth.create_user(hub, "phone@example.org", "a long enough passphrase 42")
    with TestClient(create_app(hub)) as web:
        anonymous = web.get("/datasets?lang=en").text
        assert '<a href="/account/login?next=/datasets%3Flang%3Den">Sign in</a>' in anonymous
        assert "Sign out" not in anonymous
        login = web.get("/account/login")
        web.post("/account/login", data={"email": "phone@example.org", "password": "a long enough passphrase 42",
                                         "csrf_token": token(login.text), "next": "/datasets"})
        signed_in = web.get("/datasets?lang=en").text
        header = signed_in.split("</header>")[0]
        assert "phone@example.org" in header and "Sign out" in header and "Sign in<" not in header
        out = web.post("/account/logout", data={"csrf_token": token(header)}, follow_redirects=False)
        assert out.status_code == 303
        assert "Sign in" in web.get("/datasets?lang=en").text.split("</header>")[0]
