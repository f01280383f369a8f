"""Interface language: gettext catalogues per UN language, negotiated per request.

English is the source language; other catalogues live in web/locale/<lang>/LC_MESSAGES/messages.po and
are compiled at build time. Order of precedence: ?lang=, the `lang` cookie, Accept-Language, English.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel import Locale

from litterhub.model.languages import DEFAULT_LANGUAGE as DEFAULT
from litterhub.model.languages import UN_LANGUAGES, negotiate

__all__ = ["DEFAULT", "LOCALE_DIR", "UN_LANGUAGES", "direction", "negotiate", "translations"]
LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=16)
def translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation("messages", localedir=LOCALE_DIR, languages=[lang], fallback=True)


def direction(lang: str) -> str:
    return Locale.parse(lang).text_direction
