"""An action plan as a PDF document, rendered with WeasyPrint from the workspace's export template (like the
national reporting pack, web/report_pdf.py). The same data as the JSON export (services/action_plans.py `export`);
deterministic for the same plan and catalogue. WeasyPrint is imported only when a PDF is asked for."""

from __future__ import annotations

import hashlib
from typing import Any

from litterhub.model.languages import UN_LANGUAGES


def render_plan_pdf(data: dict[str, Any], lang: str) -> tuple[str, bytes]:
    """The plan's HTML and its PDF."""
    from babel.numbers import format_decimal
    from weasyprint import HTML

    from litterhub.web.i18n import direction
    from litterhub.web.rendering import STATIC_DIR, environment

    lang = lang if lang in UN_LANGUAGES else "en"
    html = environment(lang).get_template("plans/export.html").render(
        d=data, lang=lang, dir=direction(lang), page_css=(STATIC_DIR / "css/countries.css").read_text(),
        fmt_number=lambda v, digits=1: "–" if v is None else format_decimal(round(v, digits), locale=lang))
    pdf = HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(pdf_identifier=hashlib.sha256(
        html.encode()).hexdigest()[:32].encode())
    return html, pdf
