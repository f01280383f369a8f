"""What the page header needs on every page: who is signed in, the language menu's links, error pages.

Kept apart from the routes so that `rendering.render` (and the error handlers, which run outside any route) give
every page the same header: a sign-in link or the signed-in person with a sign-out button, and one link per
interface language named in that language, so that a reader finds their own language whatever page they are on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request

# Each language by its own name (endonym): a reader who does not read the current page's language must still
# recognise theirs. Capitalised as a menu entry in each script.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ru": "Русский", "zh": "中文", "ar": "العربية"}

def language_links(request: Request, languages: list[str]) -> list[dict[str, str]]:
    """One link per language to this same page (its other query parameters kept), the choice made by ?lang=."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return [{"code": code, "name": LANGUAGE_NAMES.get(code, code),
             "href": f"{request.url.path}?{urlencode([*kept, ('lang', code)])}"} for code in languages]


def signed_in(request: Request) -> dict[str, Any]:
    """`me` (the signed-in principal or None) and, when signed in, `csrf` for the header's sign-out form.

    Only looked up when the session cookie is present, and never an error: a broken or expired session simply
    shows the sign-in link (the page itself decides what an anonymous visitor may see)."""
    from litterhub.http.security import SESSION_COOKIE, csrf_token, current_user
    from litterhub.services import notifications

    if SESSION_COOKIE not in request.cookies:
        return {"me": None}
    try:
        me = current_user(request)
        unread = notifications.unread_count(request.app.state.hub, me.id) if me is not None else 0
        return {"me": me, "csrf": csrf_token(request) if me is not None else "", "unread": unread}
    except Exception:  # noqa: BLE001 - the header must render even when the session store cannot answer
        return {"me": None}

