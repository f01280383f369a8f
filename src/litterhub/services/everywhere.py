"""Search across every pillar: one query, the best few matches of each kind of thing the hub holds, each group
with its count and a link to that pillar's own search (where the facets, paging and exports are).

Contract: each group is answered by the pillar's own search where it has one (the knowledge registry, the master
list, chemicals, forum, expert directory), so a result here is one the pillar's page also shows, and a group whose
source fails says so (`problem`) without taking the others down. The small curated sets without a search engine
of their own (datasets, countries, evidence records: hundreds to a few thousand rows) are matched here, word by
word, with the registry's normalisation (case, accents, Arabic spelling, Chinese bigrams) — every word of the
query must occur, or, when nothing has them all, the rows with the most of them. Only public things are searched:
published records, public profiles, visible posts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from babel import Locale
from sqlalchemy import select

from litterhub.registry.text import tokens
from litterhub.services.hub import Hub
from litterhub.services.registry import RegistryError

PER_GROUP = 5  # a glance at each pillar; its own page has the rest
MAX_QUERY = 200


class EverywhereError(RegistryError):
    """A query the cross-pillar search refuses (empty or too long)."""


@dataclass
class Found:
    """One result: what it is called, where it lives, one line of what it is."""

    title: str
    href: str
    detail: str = ""


@dataclass
class Group:
    """The matches of one pillar: the first few, how many in all (None: the pillar does not count them), where to
    see them all, and why the pillar could not be searched, if it could not."""

    kind: str
    more: str
    results: list[Found] = field(default_factory=list)
    total: int | None = 0
    problem: str | None = None


def _words_of(text: str) -> set[str]:
    out = set()
    for token in tokens(text):
        out.add(token)
        if len(token) > 3 and token.endswith("s"):  # jobs ~ job, bags ~ bag
            out.add(token[:-1])
    return out


def _matched(query: list[str], hay: set[str]) -> int:
    """How many query words occur in `hay` (a word also matches a longer word it begins: `micro` ~ `microplastics`)."""
    def found(w: str) -> bool:
        if w in hay or (len(w) > 3 and w.endswith("s") and w[:-1] in hay):
            return True
        return len(w) >= 3 and any(h.startswith(w) for h in hay)

    return sum(1 for w in query if found(w))


def _best(query: list[str], rows: list[tuple[str, Any]], limit: int) -> tuple[list[Any], int]:
    """Rows (haystack text, payload) having every query word; else those with the most of them. (page, total)"""
    scored = [(_matched(query, _words_of(text)), payload) for text, payload in rows]
    top = max((s for s, _ in scored), default=0)
    if top == 0:
        return [], 0
    need = len(query) if top == len(query) else top
    kept = [p for s, p in scored if s >= need]
    return kept[:limit], len(kept)


# --- one function per pillar: (hub, query text, query words, language) -> Group ---------------------------------

def _records(hub: Hub, q: str, _words: list[str], lang: str) -> Group:
    from litterhub.services import search as search_svc

    found = search_svc.search(hub, q, {}, PER_GROUP)
    results = [Found(r.get("names", {}).get(lang) or r["title"], f"/registry/records/{quote(r['id'])}",
                     r.get("type") or "") for r in found["results"]]
    return Group("records", "/registry?" + urlencode({"q": q}), results, found["total"])


def _datasets(hub: Hub, _q: str, words: list[str], _lang: str) -> Group:
    from litterhub.services.datasets import list_datasets

    rows = [(" ".join(str(d.get(k) or "") for k in ("id", "title", "programme", "publisher", "description")), d)
            for d in list_datasets(hub)]
    page, total = _best(words, rows, PER_GROUP)
    results = [Found(d.get("title") or d["id"], f"/datasets/{quote(d['id'])}", d.get("programme") or "")
               for d in page]
    return Group("datasets", "/datasets", results, total)


def _items(_hub: Hub, q: str, _words: list[str], lang: str) -> Group:
    from litterhub.services import vocab
    from litterhub.vocab.names_i18n import content_names

    hits = vocab.search(q, limit=50, lang=lang)
    names = content_names()
    results = [Found(names.name("item", item.code, lang, item.name) or item.name, f"/vocab/items/{quote(item.code)}",
                     item.code) for item, _maps in hits[:PER_GROUP]]
    return Group("items", "/vocab?" + urlencode({"q": q}), results, len(hits) if len(hits) < 50 else None)


def _countries(_hub: Hub, q: str, words: list[str], lang: str) -> Group:
    from litterhub.vocab.countries import countries

    local = Locale.parse(lang).territories
    rows = []
    for c in countries():
        name = local.get(c["alpha_2"], c["name"])
        rows.append((f"{c['alpha_3']} {c['name']} {name}", Found(name, f"/countries/{c['alpha_3']}", c["alpha_3"])))
    page, total = _best(words, rows, PER_GROUP)
    return Group("countries", "/countries?" + urlencode({"q": q}), page, total)


def _chemicals(hub: Hub, q: str, _words: list[str], lang: str) -> Group:
    from litterhub.services import chemicals

    found = chemicals.search(hub, q, {}, PER_GROUP, lang=lang, with_facets=False)
    results = [Found(r["name"], f"/chemicals/{quote(r['cas'])}", r["cas"]) for r in found["items"]]
    return Group("chemicals", "/chemicals?" + urlencode({"q": q}), results, found.get("total"))


def _evidence(hub: Hub, _q: str, words: list[str], _lang: str) -> Group:
    from litterhub.store import evidence_tables as et

    e = et.evidence_records
    with hub.engine.connect() as conn:
        rows = [(f"{r.title} {r.finding} {r.topic} {r.stage} {r.endpoint} {r.organism or ''} {r.design}".replace(
            "-", " "), r) for r in conn.execute(select(e.c.id, e.c.title, e.c.finding, e.c.topic, e.c.stage,
                                                       e.c.endpoint, e.c.organism, e.c.design, e.c.year))]
    page, total = _best(words, rows, PER_GROUP)
    results = [Found(r.title, f"/evidence/records/{r.id}", f"{r.year or ''} {r.topic}".strip()) for r in page]
    return Group("evidence", "/evidence/records", results, total)


def _threads(hub: Hub, q: str, _words: list[str], _lang: str) -> Group:
    from litterhub.services import forum

    posts = forum.search(hub, q)
    seen: dict[int, Found] = {}
    for p in posts:
        seen.setdefault(p["thread_id"], Found(p["thread_title"], f"/forum/threads/{p['thread_id']}", ""))
    return Group("threads", "/forum?" + urlencode({"q": q}), list(seen.values())[:PER_GROUP], len(seen))


def _people(hub: Hub, q: str, _words: list[str], _lang: str) -> Group:
    from litterhub.services import people

    found = people.directory(hub, q, limit=PER_GROUP)
    results = [Found(p.get("display_name") or p.get("account_name") or "", f"/people/{p['user_id']}",
                     p.get("organisation") or "") for p in found["results"]]
    return Group("people", "/people?" + urlencode({"q": q}), results, found.get("total"))


# (kind, searcher): the order of the results page
PILLARS: tuple[tuple[str, Callable[[Hub, str, list[str], str], Group]], ...] = (
    ("records", _records), ("datasets", _datasets), ("items", _items), ("countries", _countries),
    ("evidence", _evidence), ("chemicals", _chemicals), ("threads", _threads), ("people", _people),
)


def search(hub: Hub, q: str, lang: str = "en") -> list[Group]:
    """Every pillar's best matches for `q` (words in any of the six languages)."""
    q = (q or "").strip()
    if len(q) > MAX_QUERY:
        raise EverywhereError(400, "constraint-error", f"the query is longer than {MAX_QUERY} characters")
    words = list(dict.fromkeys(tokens(q)))
    if not words:
        raise EverywhereError(400, "everywhere-empty-query", "give at least one word to search for")
    groups = []
    for kind, searcher in PILLARS:
        try:
            groups.append(searcher(hub, q, words, lang))
        except Exception as exc:  # noqa: BLE001 - one pillar that cannot be searched must not hide the others
            groups.append(Group(kind, "", [], None, f"{type(exc).__name__}: {exc}"[:200]))
    return groups


def as_dicts(groups: list[Group]) -> list[dict[str, Any]]:
    return [asdict(g) for g in groups]
