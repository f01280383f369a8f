"""Jinja2 rendering with autoescaping and gettext: every user-supplied text is escaped, every
interface string translatable."""

from __future__ import annotations

import gettext
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from litterhub.web.chrome import language_links, signed_in
from litterhub.web.content_names import PageContent
from litterhub.web.i18n import UN_LANGUAGES, direction, negotiate, translations

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Explicit direction embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI): in a
# name typed by a user they can make text display in another order than it reads ("Trojan source"), so they
# are removed from every value a template prints. Interface strings never need them: `dir` is set per page.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def bidi_safe(value: Any) -> Any:
    """A printed value without bidi embedding/override/isolate controls (Markup and non-text pass through)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(BIDI_CONTROLS)
    return value


def _json_script(value: Any) -> Markup:
    """JSON for a <script type=application/json> block, safe against </script> injection."""
    text = json.dumps(value, default=str).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above


@lru_cache(maxsize=32)
def _build(lang: str, trans: gettext.NullTranslations) -> Environment:
    """One environment per interface language, its translations installed once: requests run in a thread pool,
    so installing translations on a shared environment per request could render a page in another language."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        finalize=bidi_safe,
    )
    environment.filters["json_script"] = _json_script
    environment.filters["bidi_safe"] = bidi_safe
    environment.install_gettext_translations(trans, newstyle=True)
    return environment


def environment(lang: str) -> Environment:
    """The template environment of a language (rebuilt if its catalogue was reloaded)."""
    return _build(lang, translations(lang))


def request_language(request: Request) -> str:
    return negotiate(request.query_params.get("lang"), request.cookies.get("lang"),
                     request.headers.get("accept-language"))


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = request_language(request)
    for key, value in signed_in(request).items():  # the header's sign-in link or sign-out button
        context.setdefault(key, value)
    context.setdefault("content", PageContent(lang))  # item/material/country names in the page's language
    html = environment(lang).get_template(template).render(
        request=request, lang=lang, dir=direction(lang), languages=UN_LANGUAGES,
        language_links=language_links(request, UN_LANGUAGES),
        csp_nonce=getattr(request.state, "csp_nonce", ""),  # set per request by http/guards.py
        fmt_number=lambda v, digits=1: "–" if v is None else format_decimal(round(v, digits), locale=lang),
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    if request.query_params.get("lang") in UN_LANGUAGES:
        response.set_cookie("lang", lang, samesite="lax", max_age=365 * 24 * 3600)
    return response
