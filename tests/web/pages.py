"""Every page of the web hub, enumerated from the app's web routers (not from a hand-kept list), with its path
parameters filled from the demo data: a route added tomorrow is checked tomorrow, or the test says what to add."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

import litterhub.web.routes

PARAM = re.compile(r"{([a-z_]+)(?::[a-z]+)?}")


def _routers(package) -> list[APIRouter]:
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        router = getattr(importlib.import_module(f"{package.__name__}.{info.name}"), "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found


def route_words() -> set[str]:
    """Every fixed path segment of every web and API route (`datasets`, `records`, `v1`, ...): a segment of a
    link that is none of these names one thing (an id, a code)."""
    import litterhub.api.routes

    words = {"api", "v1", "static"}
    for package in (litterhub.web.routes, litterhub.api.routes):
        for router in _routers(package):
            for route in router.routes:
                words |= {s for s in getattr(route, "path", "").split("/") if s and "{" not in s}
    return words


def page_routes() -> list[str]:
    """The path templates of every GET route that answers an HTML page (response_class=HTMLResponse)."""
    found: list[str] = []
    for router in _routers(litterhub.web.routes):
        for route in router.routes:
            cls = getattr(route.response_class, "value", route.response_class)  # DefaultPlaceholder unwrapped
            if "GET" in getattr(route, "methods", ()) and isinstance(cls, type) and issubclass(cls, HTMLResponse):
                found.append(route.path)
    return list(dict.fromkeys(found))


Samples = dict[str, str | int | Callable[[str], str]]
HREF = re.compile(r"""\bhref\s*=\s*["'](/[^"'#?]*)""")


def fill(template: str, samples: Samples) -> str | None:
    """`/datasets/{dataset_id}` → `/datasets/mlw-sample`, or None when a parameter has no sample; a sample is a
    value, or a function of the template for names that mean different things on different routes (`code` of a
    country, of a master-list item)."""
    names = PARAM.findall(template)
    if any(name not in samples for name in names):
        return None

    def one(m: re.Match) -> str:
        value = samples[m.group(1)]
        return quote(str(value(template) if callable(value) else value), safe="")

    return PARAM.sub(one, template)


def linked(template: str, hrefs: set[str]) -> str | None:
    """A link of the demo's pages that matches the route (its parameters filled by the page that links it)."""
    pattern = re.compile("^" + PARAM.sub("[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "$")
    return next((h for h in sorted(hrefs) if pattern.match(h)), None)


def all_pages(get: Callable[[str], tuple[int, str]], samples: Samples) -> tuple[list[str], list[str]]:
    """(paths, unresolved): every page route filled from the samples, or else from a link on a page, such that
    the page answers 200 (`get(path)` → (status, html)); a route no demo value opens is `unresolved`."""
    templates = page_routes()
    paths: dict[str, str | None] = {}
    hrefs: set[str] = set()
    for t in templates:
        path = fill(t, samples)
        status, html = get(path) if path else (0, "")
        paths[t] = path if status == 200 else None
        hrefs |= set(HREF.findall(html))
    for t in templates:
        if paths[t] is None:
            candidate = linked(t, hrefs)
            paths[t] = candidate if candidate and get(candidate)[0] == 200 else None
    return [p for p in paths.values() if p], [t for t, p in paths.items() if not p]


def demo_samples(api: Callable[[str, dict], dict]) -> Samples:
    """Path-parameter values from the demo hub's API (`api(path, params)` → JSON); routes whose values the API does
    not list (a submission, a litteR run, a report job) are filled by their callers or from pages' links."""
    site = api("/sites", {"dataset": "mlw-sample"})["features"][0]["id"]
    return {
        "dataset_id": "mlw-sample", "version": 1, "site_id": site, "country": "PHL",
        "cas": api("/chemicals", {"limit": 1})["items"][0]["cas"],
        "record_id": api("/registry/records", {"limit": 1})["results"][0]["id"],
        "group_id": api("/regions", {})["regions"][0]["id"],
        # `code` is a country on /countries/..., a master-list item on /vocab/items/...
        "code": lambda template: "G1" if template.startswith("/vocab") else "NLD",
    }
