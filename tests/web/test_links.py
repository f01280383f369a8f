"""No link to a URL that does not exist: a crawler walks every internal link reachable from the home page of the
demo hub (anonymous, as a first-time visitor) and every asset the pages load; no answer may be ≥ 400.

Links are grouped by route shape (the path's fixed words, its number of segments and its query keys): every
shape reachable is visited, each with up to SAMPLES different values spread over what the pages link (the
first and the last), so a systematic break (a template linking /api/v1/inventory/flow?country=X for every
country) is found without requesting all 250 country inventories."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from tests.web.pages import route_words

pytestmark = [pytest.mark.integration]

LINKS = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"'#]+)""", re.IGNORECASE)
ASSETS = re.compile(r"""<(?:script|img|source)\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']"""
                    r"""|<link\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
HUB = "http://testserver"
SAMPLES = 2  # values visited per route shape: the first and the last a page links
IGNORED_KEYS = {"lang"}  # the same page in another language is the same shape (the i18n tests cover languages)
MAX_PAGES = 900  # a safety stop: the demo has far fewer shapes × samples
WORDS = route_words()


def shape(url: str) -> tuple:
    """/inventory/PHL and /inventory/FRA share a shape; /inventory and /inventory/PHL do not."""
    parts = urlsplit(url)
    words = tuple(s if s in WORDS or not s else "*" for s in parts.path.split("/"))
    keys = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - IGNORED_KEYS
    return words, tuple(sorted(keys))


def spread(urls: list[str], n: int = SAMPLES) -> list[str]:
    """Up to n of the urls: the first, the last and evenly between (the order is the pages' own)."""
    if len(urls) <= n:
        return urls
    step = (len(urls) - 1) / (n - 1)
    return [urls[round(i * step)] for i in range(n)]


def internal(base: str, href: str) -> str | None:
    url = urlsplit(urljoin(HUB + base, href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None  # mailto:, another host (other tests forbid loading from one; linking out is fine)
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(client) -> tuple[dict[str, int], dict[str, str]]:
    """(status of every visited URL, the page that first linked it)."""
    status: dict[str, int] = {}
    linked_from: dict[str, str] = {"/": "(start)"}
    queued: dict[tuple, list[str]] = defaultdict(list)  # shape -> urls seen, in order
    frontier = ["/"]
    while frontier and len(status) < MAX_PAGES:
        found: list[str] = []
        for path in frontier:
            if path in status:
                continue
            response = client.get(path, follow_redirects=True)
            status[path] = response.status_code
            if "text/html" not in response.headers.get("content-type", "") or response.status_code >= 400:
                continue
            for match in ASSETS.finditer(response.text):
                asset = internal(path, match.group(1) or match.group(2))
                if asset and asset not in status:
                    linked_from.setdefault(asset, path)
                    status[asset] = client.get(asset).status_code
            for href in LINKS.findall(response.text):
                url = internal(path, href.replace("&amp;", "&"))
                if url is None or url in linked_from or url.startswith("/account/logout"):
                    continue
                linked_from[url] = path
                queued[shape(url)].append(url)
                found.append(url)
        chosen = {u for urls in queued.values() for u in spread(urls)}
        frontier = [u for u in dict.fromkeys(found) if u in chosen]
    return status, linked_from


# Known dead links, each with its owner's reason; the test fails when one starts to answer (remove it then) so this
# list cannot hide a fixed or a new break. Reported to the lead (issue 16, helper "web").
KNOWN_DEAD: dict[tuple, str] = {}  # none now: a profile links its action plan only when it opens for the visitor


def test_every_link_from_the_home_page_answers(client):
    status, linked_from = crawl(client)
    pages = [u for u in status if not u.startswith("/static")]
    assert len(pages) >= 60, len(pages)  # the front door reaches every pillar and beyond
    for pillar in ("/datasets", "/indicators", "/map", "/registry", "/inventory", "/chemicals", "/countries",
                   "/contribute"):
        assert pillar in status, pillar
    broken = {u: (code, linked_from.get(u)) for u, code in status.items() if code >= 400}
    known = {u for u in broken if shape(u) in KNOWN_DEAD}
    assert {u: b for u, b in broken.items() if u not in known} == {}
    assert {shape(u) for u in known} == set(KNOWN_DEAD)  # each known dead link is still there and still dead


def test_the_crawler_sees_a_broken_link(client):
    """Shapes and samples group what they should, and a 404 is seen (so the empty answer above means something)."""
    assert shape("/inventory/PHL") == shape("/inventory/FRA") != shape("/inventory")
    assert shape("/registry/records/event-un-ocean-conference-2022") == shape("/registry/records/org-unep")
    assert shape("/indicators?dataset=a") != shape("/indicators")
    assert shape("/indicators?lang=zh") == shape("/indicators")
    assert spread([str(i) for i in range(10)]) == ["0", "9"]
    assert client.get("/no-such-page").status_code == 404
