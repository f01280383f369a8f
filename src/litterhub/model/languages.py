"""The hub's languages: the six UN languages, English the source; negotiated per request the same way by every
face (web pages, CKAN's action API, the national report). Kept low so that services and both faces share it."""

from __future__ import annotations

UN_LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh"]
DEFAULT_LANGUAGE = "en"


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    """?lang=, then the cookie, then the first Accept-Language entry the hub speaks, else English."""
    for candidate in (query_lang, cookie_lang):
        if candidate and candidate in UN_LANGUAGES:
            return candidate
    if accept_language:
        for part in accept_language.split(","):
            code = part.split(";")[0].strip().lower().split("-")[0]
            if code in UN_LANGUAGES:
                return code
    return DEFAULT_LANGUAGE
