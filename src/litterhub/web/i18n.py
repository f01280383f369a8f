"""Interface language: gettext catalogues per UN language, negotiated per request.

English is the source language; other catalogues live in web/locale/<lang>/LC_MESSAGES/messages.po and
are compiled at build time. Order of precedence: ?lang=, the `lang` cookie, Accept-Language, English.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel import Locale

LOCALE_DIR = Path(__file__).parent / "locale"
UN_LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh"]
DEFAULT = "en"


@lru_cache(maxsize=16)
def translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation("messages", localedir=LOCALE_DIR, languages=[lang], fallback=True)


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate and candidate in UN_LANGUAGES:
            return candidate
    if accept_language:
        for part in accept_language.split(","):
            code = part.split(";")[0].strip().lower().split("-")[0]
            if code in UN_LANGUAGES:
                return code
    return DEFAULT


def direction(lang: str) -> str:
    return Locale.parse(lang).text_direction
