"""Nothing from a CDN, ever: no page reachable from the demo (crawled from / to depth 2, plus the API
docs) nor any stylesheet or script it loads references a host other than the hub, and /api/v1/docs
renders its operations in Chromium with every request to another host blocked."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# what a page or a stylesheet loads: src=, href= of <link>, srcset=, CSS url(...)
LOADS = re.compile(r"""(?:<(?:script|img|iframe|source|audio|video|embed)\b[^>]*?\bsrc\s*=\s*["']([^"']+)["'])"""
                   r"""|(?:<link\b[^>]*?\bhref\s*=\s*["']([^"']+)["'])"""
                   r"""|(?:url\(\s*["']?([^"')]+)["']?\s*\))""", re.IGNORECASE)
LINKS = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'#]+)""", re.IGNORECASE)
HUB = "http://testserver"


def _foreign(refs: list[str]) -> list[str]:
    """References that would make the browser contact another host (data: and blob: are local)."""
    return [r for r in refs if urlsplit(urljoin(HUB + "/", r)).netloc not in ("testserver", "")]


def _loaded(text: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in LOADS.finditer(text)]


def _crawl(client, depth: int = 2) -> dict[str, str]:
    """Every HTML page reachable from / within `depth` links, plus /api/v1/docs."""
    pages: dict[str, str] = {}
    frontier = ["/", "/api/v1/docs"]
    for _ in range(depth + 1):
        found = []
        for path in frontier:
            if path in pages:
                continue
            response = client.get(path)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            pages[path] = response.text
            for href in LINKS.findall(response.text):
                url = urlsplit(urljoin(HUB + path, href))
                if url.netloc == "testserver" and not url.path.startswith(("/static", "/auth/logout")):
                    found.append(url.path + (f"?{url.query}" if url.query else ""))
        frontier = found
    return pages


def test_no_page_or_asset_references_another_host(client):
    pages = _crawl(client)
    assert len(pages) > 10 and "/api/v1/docs" in pages
    offenders = {path: _foreign(_loaded(html)) for path, html in pages.items()}
    assets = {ref for html in pages.values() for ref in _loaded(html) if ref.startswith("/static")}
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets
    for asset in sorted(assets):
        if asset.endswith(".css"):
            response = client.get(asset)
            assert response.status_code == 200, asset
            offenders[asset] = _foreign(_loaded(response.text))
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_sees_a_foreign_host():
    """The pattern itself catches what it must (so the crawl's empty answer means something)."""
    html = ('<script src="https://cdn.jsdelivr.net/x.js"></script><link rel="stylesheet" href="//fonts.example/a.css">'
            '<style>b{background:url("https://img.example/a.png")}</style><img src="/static/a.png">'
            '<img src="data:image/png;base64,AA">')
    assert _foreign(_loaded(html)) == ["https://cdn.jsdelivr.net/x.js", "//fonts.example/a.css",
                                       "https://img.example/a.png"]


def test_api_docs_render_operations_offline(browser, live_server):
    context = browser.new_context()
    foreign: list[str] = []

    def only_the_hub(route):
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_hub)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(live_server + "/api/v1/docs", wait_until="networkidle")
    assert response is not None and response.status == 200
    # every tag of /api/v1/openapi.json is listed (collapsed); opening one draws its operations
    page.wait_for_selector(".opblock-tag", timeout=20000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert {"datasets", "indicators", "registry", "contributions"} <= {t.strip() for t in tags}
    page.locator('.opblock-tag[data-tag="datasets"]').click()
    page.wait_for_selector('.opblock-summary-path[data-path="/api/v1/datasets"]', timeout=10000)
    context.close()
    assert foreign == [] and errors == []
