"""Names of master items, use groups and materials in the other five UN languages (`data/names_i18n.csv`).

English stays the source: `master_items.csv`, `use_groups.csv` and `materials.csv` are unchanged, and every
English field of the API keeps its meaning. A translation row says where it comes from (`origin`: `machine` for
text written without a native speaker's check, `official` for a published translation of the list) and whether a
native speaker has reviewed it; pages show a "machine translation, awaiting native review" marker when they print
an unreviewed machine translation. Loading checks that every row names a code and a language that exist, so a
typo cannot silently leave an item in English.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from litterhub.vocab.errors import VocabError
from litterhub.vocab.items import master_list
from litterhub.vocab.reference import table, use_groups
from litterhub.vocab.tables import data_path, read_rows, unique_by

FILE = "names_i18n.csv"
COLUMNS = ["table", "code", "lang", "name", "description", "origin", "reviewed"]
LANGUAGES = ("ar", "es", "fr", "ru", "zh")  # the UN languages besides English, the source language
TABLES = ("item", "use_group", "material")
ORIGINS = ("machine", "official")


@dataclass(frozen=True)
class LocalName:
    name: str
    description: str
    origin: str
    reviewed: bool

    @property
    def awaiting_review(self) -> bool:
        """A machine-written text no native speaker has checked yet (what the pages mark)."""
        return self.origin == "machine" and not self.reviewed


class ContentNames:
    """Translations by (table, code, language), with the English names to fall back on."""

    def __init__(self, rows: dict[tuple[str, str, str], LocalName]) -> None:
        self.rows = rows

    def get(self, table_name: str, code: str, lang: str) -> LocalName | None:
        return self.rows.get((table_name, code, lang))

    def name(self, table_name: str, code: str, lang: str, english: str) -> str:
        """The name in `lang`, or `english` when there is none (English pages, unknown codes)."""
        found = self.rows.get((table_name, code, lang))
        return found.name if found else english

    def languages(self, table_name: str, code: str) -> dict[str, LocalName]:
        """Every translation of one code, by language (for SKOS labels and the item page)."""
        return {lang: found for lang in LANGUAGES if (found := self.rows.get((table_name, code, lang)))}

    def coverage(self, table_name: str, lang: str) -> int:
        return sum(1 for (t, _, lg) in self.rows if t == table_name and lg == lang)


def _codes() -> dict[str, set[str]]:
    return {"item": set(master_list().items), "use_group": set(use_groups()), "material": set(table("materials"))}


def load_names(path: Path | None = None) -> ContentNames:
    """Read and check names_i18n.csv: one row per (table, code, language), codes and languages that exist."""
    p = path or data_path(FILE)
    rows = read_rows(p, COLUMNS)
    unique_by(p, rows, "table", "code", "lang")
    known = _codes()
    out: dict[tuple[str, str, str], LocalName] = {}
    for line, row in rows:
        checks = (("table", row["table"] in TABLES, f"table {row['table']!r} is not one of {TABLES}"),
                  ("lang", row["lang"] in LANGUAGES, f"language {row['lang']!r} is not one of {LANGUAGES}"),
                  ("origin", row["origin"] in ORIGINS, f"origin {row['origin']!r} is not one of {ORIGINS}"),
                  ("reviewed", row["reviewed"] in ("yes", "no"), f"reviewed {row['reviewed']!r} is not yes or no"),
                  ("name", bool(row["name"]), "empty name"))
        for column, ok, message in checks:
            if not ok:
                raise VocabError("litter-vocab-bad-translation", p.name, line, column, message)
        if row["code"] not in known[row["table"]]:
            raise VocabError("litter-vocab-bad-translation", p.name, line, "code",
                             f"{row['table']} {row['code']!r} is not in the vocabulary")
        out[(row["table"], row["code"], row["lang"])] = LocalName(row["name"], row["description"], row["origin"],
                                                                 row["reviewed"] == "yes")
    return ContentNames(out)


@lru_cache(maxsize=1)
def content_names() -> ContentNames:
    """The packaged translations (cached: immutable for a given vocabulary version)."""
    return load_names()


def fold(text: str) -> str:
    """Lower case without accents or Arabic short vowels, so "megot" finds "Mégots" and a query typed without
    diacritics finds the names written with them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=8)
def _haystacks(lang: str) -> dict[str, str]:
    names = content_names()
    return {code: fold(f"{code} {item.name} {item.material} {names.name('item', code, lang, '')}")
            for code, item in master_list().items.items()}


def search_codes(text: str, lang: str) -> list[str]:
    """Master codes whose code, English name, material or name in `lang` contains every word of `text`; Chinese
    has no spaces between words, so a query without spaces is also matched as one piece."""
    words = [w for w in fold(text).split() if w]
    if not words:
        return []
    return [code for code, hay in _haystacks(lang).items() if all(w in hay for w in words)]
