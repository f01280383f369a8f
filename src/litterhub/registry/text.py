"""Text normalisation shared by indexing and querying, so both sides produce the same tokens in every UN
language: case folding, Latin/Cyrillic diacritics stripped, Arabic letter variants unified, and Chinese,
Japanese and Korean runs split into overlapping character bigrams (those scripts have no spaces, and a
bigram index finds `海洋垃圾` inside `海洋垃圾监测` without a dictionary)."""

from __future__ import annotations

import re
import unicodedata

# Arabic: tashkeel (harakat, tanwin, shadda, sukun), superscript alef, tatweel.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_LETTERS = str.maketrans({
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",  # alef madda/hamza/wasla -> alef
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u0629": "\u0647",  # taa marbuta -> heh
    "\u0624": "\u0648",  # waw with hamza -> waw
    "\u0626": "\u064a",  # yeh with hamza -> yeh
    "\u0621": "",  # lone hamza
})
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Fold case and strip marks so that spelling variants compare equal."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


# Arabic writes "and" (wa-) joined to the next word: "واللدائن" is "and the plastics". Before the article al- that
# is (nearly) always the conjunction, so "وال..." is indexed and queried as "ال...": `اللدائن الدقيقة` then finds
# `القمامة البحرية واللدائن الدقيقة`. Migration 0610 applies the same rule to documents indexed before it.
ARABIC_WA_AL = "\u0648\u0627\u0644"


def _arabic_conjunction(word: str) -> str:
    return word[1:] if word.startswith(ARABIC_WA_AL) and len(word) > len(ARABIC_WA_AL) else word


def tokens(text: str) -> list[str]:
    """Index/query tokens: normalised words, CJK runs as bigrams, Arabic "and the" as "the"."""
    out: list[str] = []
    for word in map(_arabic_conjunction, _WORD.findall(normalise(text or ""))):
        pos = 0
        for match in _CJK_RUN.finditer(word):
            if match.start() > pos:
                out.append(word[pos:match.start()])
            out.extend(_bigrams(match.group()))
            pos = match.end()
        if pos < len(word):
            out.append(word[pos:])
    return out


def is_cjk(token: str) -> bool:
    return bool(_CJK_RUN.fullmatch(token))


def index_text(*parts: str) -> str:
    """Space-joined tokens: what the full-text index stores."""
    return " ".join(t for part in parts if part for t in tokens(part))


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit` (typo tolerance needs only small ones)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
