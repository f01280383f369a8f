"""Accessibility: axe-core (from npm, read from node_modules at test time, never served) runs in Chromium over
every page of the web hub — enumerated from the app's routes, path parameters filled from the demo — on a phone
(360 px) and a desktop (1366 px), in English, Chinese and Arabic (right to left): each page on a phone in Arabic,
on a desktop in English and in one of the other four combinations in turn. No serious or critical
violation is allowed; what axe finds is reported by rule, page and element."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.pages import all_pages as enumerate_pages
from tests.web.pages import page_routes

pytestmark = [pytest.mark.browser, pytest.mark.integration]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The rules axe runs: WCAG 2.0/2.1 A and AA plus its best practices; only these impacts fail the test.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING = {"serious", "critical"}
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ["en", "zh", "ar"]
# Every page is checked at the two combinations furthest apart (a phone in Arabic, right to left; a desktop in
# English) and, in turn, at one of the other four, so each combination sees a quarter of the pages and every
# page is checked three times: half the browser time of checking all six everywhere.
EVERYWHERE = {("phone", "ar"), ("desktop", "en")}
IN_TURN = sorted({(v, lang) for v in VIEWPORTS for lang in LANGUAGES} - EVERYWHERE)
# Charts and maps draw after `load`; pages without them need no wait.
DRAWS_LATE = ".chart, .map"
RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def _serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING]


def pages_for(viewport: str, lang: str, pages: list[str]) -> list[str]:
    """The pages one combination checks: all of them, or its share in turn (see EVERYWHERE)."""
    if (viewport, lang) in EVERYWHERE:
        return pages
    return pages[IN_TURN.index((viewport, lang))::len(IN_TURN)]


def test_every_page_is_checked_three_times(all_pages):
    checked = [p for v in VIEWPORTS for lang in LANGUAGES for p in pages_for(v, lang, all_pages)]
    assert {p: checked.count(p) for p in all_pages} == {p: 3 for p in all_pages}


@pytest.fixture(scope="module")
def enumerated(samples, web_server, admin_cookie) -> tuple[list[str], list[str]]:
    import httpx

    with httpx.Client(base_url=web_server, cookies={admin_cookie["name"]: admin_cookie["value"]}, timeout=60) as c:
        def get(path: str) -> tuple[int, str]:
            response = c.get(path, follow_redirects=True)  # a route may answer with the page it leads to
            return response.status_code, response.text

        return enumerate_pages(get, samples)


@pytest.fixture(scope="module")
def all_pages(enumerated) -> list[str]:
    paths, _ = enumerated
    assert len(paths) >= 40 and "/" in paths and "/datasets/mlw-sample" in paths
    return paths


# Routes the demo cannot open, each with why; an entry that is no longer a route fails the test (no stale excuse).
NOT_IN_THE_DEMO = {
    "/contribute/submissions/{sid}/survey": "opens only for a survey sent back for changes; its template is the "
                                            "survey form, checked at /contribute/survey",
    "/learning/needs/{need_id}": "the demo registry holds no capacity need",
    "/national-figures/{figure_id}": "the demo has no national figures submitted by a focal point",
}


def test_every_page_route_is_checked(enumerated):
    """A page route whose parameters neither the samples (tests/web/conftest.py) nor any demo page's links fill
    would escape the check: name it."""
    _, unresolved = enumerated
    assert sorted(set(unresolved) - set(NOT_IN_THE_DEMO)) == []
    assert set(NOT_IN_THE_DEMO) <= set(page_routes())


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_no_serious_axe_violation_on_any_page(browser, web_server, admin_cookie, all_pages, viewport, lang):
    assert AXE.is_file(), f"axe-core missing at {AXE} (run `npm ci`)"
    # bypass_csp: the hub's CSP rightly refuses an injected script; the test injects axe, not the page
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    context.add_cookies([admin_cookie, {"name": "lang", "value": lang, "url": web_server}])
    page = context.new_page()
    found: dict[str, list[dict]] = {}
    for path in pages_for(viewport, lang, all_pages):
        response = page.goto(web_server + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        assert page.evaluate("document.documentElement.lang") == lang, path
        if page.locator(DRAWS_LATE).count():
            page.wait_for_timeout(500)  # charts and maps draw after load (static/js/scroll_regions.js follows them)
        page.add_script_tag(path=str(AXE))
        serious = _serious(page.evaluate(RUN_AXE, TAGS))
        if serious:
            found[path] = serious
    context.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_axe_sees_a_serious_violation(browser, web_server):
    """The check itself fails on a page with an unlabelled field and an image without text (so an empty answer
    above means something)."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(web_server + "/datasets")
    page.evaluate("""() => { const m = document.querySelector('main');
        m.insertAdjacentHTML('beforeend', '<input type="text"><img src="/static/img/favicon.svg">'); }""")
    page.add_script_tag(path=str(AXE))
    ids = {v["id"] for v in _serious(page.evaluate(RUN_AXE, TAGS))}
    context.close()
    assert {"label", "image-alt"} <= ids
