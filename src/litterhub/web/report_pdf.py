"""The national reporting pack's PDF, rendered with WeasyPrint from the country page's own templates.

services/reports.py computes the pack and asks for its PDF through a `PdfRenderer` it is given; the layers above
(the app factory for the API job and the page's button, the CLI command) pass `render_pdf` from here, so the
services never import the web face. WeasyPrint is imported only when a pack is made.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litterhub.model.languages import UN_LANGUAGES
from litterhub.services.datasets import BadRequest


def render_pdf(p: dict[str, Any], year: int, lang: str, context: dict[str, Any]) -> tuple[str, bytes]:
    """The report's HTML (the page's templates) and its PDF, deterministic for the same inputs."""
    from babel.numbers import format_decimal
    from weasyprint import HTML

    from litterhub.web.i18n import direction
    from litterhub.web.rendering import STATIC_DIR, environment
    from litterhub.web.routes.countries import _bars

    if lang not in UN_LANGUAGES:
        raise BadRequest(f"lang must be one of {', '.join(UN_LANGUAGES)}, got {lang!r}")
    headline = [r for r in p["indicators"]["sdg"]["rows"] if r.get("HEADLINE")]
    html = environment(lang).get_template("countries/report.html").render(
        p=p, year=year, lang=lang, dir=direction(lang), page_css=(STATIC_DIR / "css/countries.css").read_text(),
        fmt_number=lambda v, digits=1: "–" if v is None else format_decimal(round(v, digits), locale=lang),
        sdg_bars=_bars([{"year": r["TIME_PERIOD"], "v": r["OBS_VALUE"]} for r in headline], "year", "v"),
        **context)
    pdf = HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(pdf_identifier=hashlib.sha256(
        html.encode()).hexdigest()[:32].encode())
    return html, pdf
