"""HTML error pages for people: the web face's counterpart of the API's problem+json (http/problems.py).

A browser that asks for a page (Accept: text/html, a non-API path; see `http/problems.py` `wants_html`) and
meets an error gets a page in its own language with the header and a link home, with the same status code.
The API faces keep their problem documents. The messages per status are defined once here; `html_error` is
the page renderer the app factory hands to `http.problems.install`.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from litterhub.http.problems import TITLES
from litterhub.web.i18n import translations
from litterhub.web.rendering import render, request_language


def N_(message: str) -> str:
    """Mark a msgid for extraction; translated at render time in the page's language."""
    return message


def _messages(status: int) -> tuple[str, str]:
    """(title, explanation) of a status, untranslated msgids marked for extraction."""
    table = {
        400: (N_("The request is not valid"), N_("Some of what was sent could not be understood.")),
        401: (N_("Sign in required"), N_("Sign in to see this page.")),
        403: (N_("Access denied"), N_("Your account may not see or do this.")),
        404: (N_("Page not found"), N_("There is no page at this address.")),
        405: (N_("Not possible here"), N_("This address cannot be used this way.")),
        413: (N_("Too large"), N_("What was sent is larger than this hub accepts.")),
        422: (N_("The request is not valid"), N_("Some of what was sent could not be understood.")),
        429: (N_("Too many requests"), N_("Please wait a minute and try again.")),
    }
    if status in table:
        return table[status]
    if status >= 500:
        return N_("Something went wrong"), N_("An unexpected error occurred; it has been logged.")
    return N_("The request could not be completed"), N_("Please check the address and try again.")


def html_error(request: Request, status: int, detail: str | None = None,
               headers: dict[str, str] | None = None) -> HTMLResponse:
    """The error page of `status`; `detail` (the technical reason, not translated) shown only below 500 and only
    when it says more than the status's generic English title (which the translated title already says)."""
    title, explanation = _messages(status)
    if detail == TITLES.get(status):
        detail = None
    gettext = translations(request_language(request)).gettext
    response = render(request, "error.html", status_code=status, status=status, title=gettext(title),
                      explanation=gettext(explanation), detail=detail if status < 500 else None)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
