"""The multilingual glossary search uses at query time, so a query in one UN language finds records written in
another: `海洋垃圾` also asks for "marine litter" and "marine debris", `القمامة البحرية` for the same and for
"النفايات البحرية", `添加剂` for "additive" and "additives" (English is the pivot: `Glossary.equivalents`).

The glossary is a table of (concept, language, term) rows in `seed/translations/glossary.csv`, each row saying
where it comes from: `official` (the UN's own wording, with its source) or `machine` (written without a native
speaker), and `needs_review` (yes until a native speaker has checked it). Terms are normalised with the same
`registry.text.tokens` as the index, so a term matches whatever spelling variants the index folds.

Why at query time and not in the index: a new or corrected term takes effect without re-indexing 100 k records,
and records keep only their own words (what a record says is not inflated with guesses).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from litterhub.registry.text import is_cjk, tokens

GLOSSARY_CSV = Path(__file__).resolve().parent / "seed" / "translations" / "glossary.csv"
ORIGINS = ("official", "machine")
PIVOT = "en"  # registry titles are English; names in other languages sit beside them


@dataclass(frozen=True)
class Term:
    concept: str
    lang: str
    term: str
    tokens: tuple[str, ...]
    origin: str
    needs_review: bool
    source: str


@dataclass(frozen=True)
class Span:
    """Query tokens [start, end) that spell a glossary term; `concepts` it belongs to (usually one)."""

    start: int
    end: int
    concepts: tuple[str, ...]


class Glossary:
    """Terms by concept, and by their first token for matching inside a query (longest term first)."""

    def __init__(self, terms: list[Term]):
        self.terms = terms
        self.by_concept: dict[str, list[Term]] = {}
        self._by_first: dict[str, dict[tuple[str, ...], set[str]]] = {}
        self.spelling: dict[tuple[str, ...], str] = {}  # tokens -> the term as written (for people)
        for t in terms:
            self.spelling.setdefault(t.tokens, t.term)
            self.by_concept.setdefault(t.concept, []).append(t)
            self._by_first.setdefault(t.tokens[0], {}).setdefault(t.tokens, set()).add(t.concept)

    def spans(self, words: list[str]) -> list[Span]:
        """Glossary terms found in the query tokens, left to right, the longest at each position."""
        out: list[Span] = []
        i = 0
        while i < len(words):
            best: tuple[tuple[str, ...], set[str]] | None = None
            for seq, concepts in self._by_first.get(words[i], {}).items():
                if tuple(words[i:i + len(seq)]) == seq and (best is None or len(seq) > len(best[0])):
                    best = (seq, concepts)
            if best is None:
                i += 1
                continue
            out.append(Span(i, i + len(best[0]), tuple(sorted(best[1]))))
            i += len(best[0])
        return out

    def equivalents(self, concepts: tuple[str, ...], said: tuple[str, ...] | None = None) -> list[tuple[str, ...]]:
        """The terms a query asks for besides `said`, as token sequences: the concepts' terms in English (the
        language every record's title is written in, so the pivot between all six) and in the language(s) `said`
        is written in (its synonyms). All six languages when `said` is None. Why not always all six: every
        alternative costs the index a doclist read, and records reached through a French or Russian synonym of
        an English term are reached through the English term already."""
        terms = [t for c in concepts for t in self.by_concept.get(c, [])]
        if said is not None:
            langs = {t.lang for t in terms if t.tokens == said} | {PIVOT}
            terms = [t for t in terms if t.lang in langs]
        return list(dict.fromkeys(t.tokens for t in terms))


def surface(words: tuple[str, ...] | list[str]) -> str:
    """Tokens back as text: overlapping CJK bigrams merged (`海洋 洋垃 垃圾` -> `海洋垃圾`), other words spaced."""
    out: list[str] = []
    for w in words:
        if out and is_cjk(w) and is_cjk(out[-1]) and len(w) == 2 and out[-1][-1] == w[0]:
            out[-1] += w[1]
        else:
            out.append(w)
    return " ".join(out)


def junction_bigrams(words: list[str], spans: list[Span]) -> set[int]:
    """Positions of CJK bigrams that straddle the edge of a matched term (`圾监` in 海洋垃圾|监测): an artefact of
    bigram indexing that no record in another language can contain, so it must not be required."""
    covered = {i for s in spans for i in range(s.start, s.end)}

    def overlap(left: str, right: str) -> bool:  # consecutive bigrams of one run share a character
        return is_cjk(left) and is_cjk(right) and len(left) == len(right) == 2 and left[1] == right[0]

    out = set()
    for s in spans:
        if s.start - 1 >= 0 and s.start - 1 not in covered and overlap(words[s.start - 1], words[s.start]):
            out.add(s.start - 1)
        if s.end < len(words) and s.end not in covered and overlap(words[s.end - 1], words[s.end]):
            out.add(s.end)
    return out


def _read(path: Path) -> list[Term]:
    terms = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            toks = tuple(tokens(row["term"]))
            if not toks or row["origin"] not in ORIGINS:
                raise ValueError(f"{path.name}: bad glossary row {row}")
            terms.append(Term(row["concept"], row["lang"], row["term"], toks, row["origin"],
                              row["needs_review"].strip().lower() == "yes", row.get("source") or ""))
    return terms


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    return Glossary(_read(GLOSSARY_CSV))


# --- names of existing records in more languages (an overlay on the seed files, which stay untouched) ---------

NAMES_CSV = GLOSSARY_CSV.with_name("names.csv")


@dataclass(frozen=True)
class Name:
    """A record's name in one language: indexed with its title, shown with its origin and review state."""

    lang: str
    name: str
    origin: str
    needs_review: bool
    source: str

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "origin": self.origin, "needs_review": self.needs_review,
                "source": self.source or None}


@lru_cache(maxsize=1)
def record_names() -> dict[str, dict[str, Name]]:
    """record id -> language -> name, from `seed/translations/names.csv`."""
    out: dict[str, dict[str, Name]] = {}
    with NAMES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["origin"] not in ORIGINS or not row["name"].strip():
                raise ValueError(f"{NAMES_CSV.name}: bad row {row}")
            out.setdefault(row["record_id"], {})[row["lang"]] = Name(
                row["lang"], row["name"].strip(), row["origin"], row["needs_review"].strip().lower() == "yes",
                row.get("source") or "")
    return out
