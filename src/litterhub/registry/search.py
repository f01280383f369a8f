"""Search index logic over the catalog: what a record contributes to the full-text index and the facet rows,
and how a user's query becomes a ranked, faceted, typo-tolerant full-text query on SQLite FTS5 or PostgreSQL.

Both sides go through `registry.text`, so Chinese is matched by character bigrams and Arabic spelling
variants meet. Typo tolerance: a query word that is not in the index vocabulary (`registry_terms`) is
replaced by the indexed words within a small edit distance that share its first letter(s).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pycountry
from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from litterhub.registry.entities import TYPE_LABELS, RecordBase, RecordError, parse_record, record_text_fields
from litterhub.registry.glossary import glossary, junction_bigrams, record_names, surface
from litterhub.registry.text import edit_distance, index_text, is_cjk, tokens
from litterhub.store import registry_tables as rt

FACETS = ("type", "country", "region", "topic", "language", "year")
MAX_QUERY_TOKENS = 12
# Facet counts and the total cost time in proportion to the matches they read. Past RANK_LIMIT matches only the
# first RANK_LIMIT in index order give the facet counts (`facets_exact` False) and the total is an estimate
# (`total_exact` False). Why 500: at 100 k records it bounds a broad query (a word in 58 % of the records) to a few
# milliseconds of database work (docs/benchmarks.md). Ranking does not depend on it: see the tiers below.
RANK_LIMIT = 500
FACET_TOKEN_PREFIX = "lhf"  # facet values as index terms; migration 0310 writes the same tokens


def facet_rows(record: RecordBase) -> list[tuple[str, str]]:
    rows = [("type", record.type)]
    rows += [("country", c) for c in record.countries]
    rows += [("region", r) for r in record.regions]
    rows += [("topic", t) for t in record.topics]
    rows += [("language", lang) for lang in record.languages]
    if record.year is not None:
        rows.append(("year", str(record.year)))
    return list(dict.fromkeys(rows))


def _country_names(codes: list[str]) -> list[str]:
    names = []
    for code in codes:
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            names.append(getattr(country, "common_name", None) or country.name)
    return names


def facet_token(facet: str, value: str) -> str:
    """The index term standing for one facet value, so a facet filter is intersected inside the full-text index.

    Hex keeps any value (`region-baltic`, `KEN`, `2019`) a single alphanumeric token for FTS5's and PostgreSQL's
    parsers; no normalised word of a language looks like it."""
    return f"{FACET_TOKEN_PREFIX}{facet}{value.encode().hex()}"


@lru_cache(maxsize=4096)  # a fixed mapping; every search decodes the same hundred-odd facet terms
def _parse_facet_token(token: str) -> tuple[str, str] | None:
    if not token.startswith(FACET_TOKEN_PREFIX):
        return None
    rest = token[len(FACET_TOKEN_PREFIX):]
    for facet in FACETS:
        if rest.startswith(facet):
            try:
                return facet, bytes.fromhex(rest[len(facet):]).decode()
            except ValueError:
                return None
    return None


def _text_document(record: RecordBase, record_id: str | None = None) -> tuple[str, str]:
    overlay = record_names().get(record_id or record.id or "", {}).values()
    reviewed = [n.name for n in overlay if not n.needs_review]
    unreviewed = [n.name for n in overlay if n.needs_review]  # a guess weighs as text, not as a title
    title = index_text(record.title, *record.names.values(), *record.acronyms, *reviewed)
    texts = record_text_fields(record)
    body = index_text(*unreviewed, *texts, *_country_names(record.countries), TYPE_LABELS.get(record.type, ""),
                      *(t.replace("-", " ") for t in record.topics))
    return title, body


def document(record: RecordBase, record_id: str | None = None) -> tuple[str, str]:
    """(title text, body text) as the index stores them: titles, official and reviewed names and acronyms weigh
    more; names of the translation overlay (`glossary.record_names`) still awaiting review go with the text. The
    body ends with one term per facet value (`facet_token`)."""
    title, body = _text_document(record, record_id)
    tail = " ".join(facet_token(f, v) for f, v in facet_rows(record))
    return title, f"{body} {tail}" if tail else body


def index_terms(record: RecordBase, record_id: str | None = None) -> list[str]:
    """The record's words for the typo-tolerance vocabulary (CJK bigrams and facet terms excluded)."""
    title, body = _text_document(record, record_id)
    return sorted({t for t in (title + " " + body).split() if len(t) <= 200 and not is_cjk(t)})


def _insert_ignore(conn: Connection, table, rows: list[dict[str, Any]]):
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:
        conn.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)


def index_record(conn: Connection, record_id: str, record: RecordBase) -> None:
    """Replace the record's search document and facet rows with those of its published revision."""
    unindex_record(conn, record_id)
    title, body = document(record, record_id)
    conn.execute(insert(rt.registry_search).values(record_id=record_id, title=title, body=body))
    conn.execute(insert(rt.registry_facets), [{"record_id": record_id, "facet": f, "value": v}
                                              for f, v in facet_rows(record)])
    _insert_ignore(conn, rt.registry_terms, [{"term": t} for t in index_terms(record, record_id)])


def reindex_overlay(conn: Connection) -> list[str]:
    """Re-index the published records of the names overlay whose search document is not what `document` makes
    now (hubs seeded before the overlay existed, or after rows were added to names.csv); their ids."""
    names = record_names()
    if not names:
        return []
    rows = conn.execute(text(
        "SELECT r.id, v.data, s.title, s.body FROM registry_records r JOIN registry_revisions v "
        "ON v.record_id = r.id AND v.revision = r.published_revision JOIN registry_search s ON s.record_id = r.id "
        "WHERE r.id IN :ids").bindparams(bindparam("ids", expanding=True)), {"ids": sorted(names)}).all()
    done = []
    for record_id, data, title, body in rows:
        try:
            record = parse_record(json.loads(data) if isinstance(data, str) else data)
        except RecordError:  # stored under an older schema: left as it is, re-indexed at its next revision
            continue
        if document(record, record_id) != (title, body):
            index_record(conn, record_id, record)
            done.append(record_id)
    return done


def unindex_record(conn: Connection, record_id: str) -> None:
    conn.execute(delete(rt.registry_search).where(rt.registry_search.c.record_id == record_id))
    conn.execute(delete(rt.registry_facets).where(rt.registry_facets.c.record_id == record_id))


# --- querying ------------------------------------------------------------------------------------------------

@dataclass
class Hit:
    id: str
    score: float


@dataclass
class SearchPage:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    corrected: dict[str, list[str]] = field(default_factory=dict)  # query word -> indexed words used instead
    mode: str = "all"  # "all" words required, or "any" when nothing matched them all
    facets_exact: bool = True  # False: counts describe the first RANK_LIMIT matches only
    total_exact: bool = True  # False: `total` is an estimate (more than RANK_LIMIT matches)
    ranked_exact: bool = True  # False: a tier had more matches than it ranks (TITLE_/BODY_RANK_LIMIT)
    expanded: dict[str, list[str]] = field(default_factory=dict)  # query term -> glossary terms also searched


# PostgreSQL: a typo is looked up through the trigram index (`%`: similarity strictly above the threshold). 0.15
# keeps the worst cases of the edit limits: one substitution inside a 4-letter word (2 of 8 distinct trigrams
# shared: 0.25) and two inside an 8-letter word (3 of 15: 0.2). Edit distance then decides, as on SQLite.
TRIGRAM_THRESHOLD = 0.15


def _max_typos(token: str) -> int:
    return 0 if len(token) <= 3 else 1 if len(token) <= 7 else 2


def _typo_candidates(conn: Connection, token: str, prefix: str, limit: int) -> list[str]:
    """Indexed words that may be `limit` edits from `token` and start with `prefix`; edit distance decides."""
    lo, hi = len(token) - limit, len(token) + limit
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                      {"t": str(TRIGRAM_THRESHOLD)})
        sql = ("SELECT term FROM registry_terms WHERE term % :token AND left(term, :n) = :prefix "
               "AND char_length(term) BETWEEN :lo AND :hi")
    else:
        sql = ("SELECT term FROM registry_terms WHERE term >= :prefix AND term < :prefix || char(1114111) "
               "AND length(term) BETWEEN :lo AND :hi")
    return list(conn.execute(text(sql), {"token": token, "prefix": prefix, "n": len(prefix), "lo": lo,
                                         "hi": hi}).scalars())


# Search as you type: the last word also stands for the indexed words it begins (the shortest first). Listing
# them from the vocabulary costs one index range read; letting FTS5 expand a prefix itself merges every matching
# doclist in memory (7-25 ms for `plastic*` at 100 k records against 0.2 ms for the listed words).
MAX_COMPLETIONS = 20


COMPLETIONS_SQL = {  # PostgreSQL: LIKE 'abc%' is served by the trigram index on any collation
    "postgresql": "SELECT term FROM registry_terms WHERE term LIKE :pattern",
    "sqlite": "SELECT term FROM registry_terms WHERE term >= :token AND term < :token || char(1114111)",
}


def _completions(conn: Connection, token: str) -> list[str]:
    terms = conn.execute(text(COMPLETIONS_SQL[conn.dialect.name]), {"token": token, "pattern": token + "%"}).scalars()
    return _shortest(token, terms)


def _shortest(token: str, terms) -> list[str]:
    return sorted((t for t in terms if t != token), key=lambda t: (len(t), t))[:MAX_COMPLETIONS]


def _variants(token: str) -> list[str]:
    """The token and its simple plural/singular (bag ~ bags)."""
    return [token, token + "s"] + ([token[:-1]] if token.endswith("s") and len(token) > 3 else [])


def _completes(token: str, last: bool) -> bool:
    return last and len(token) >= 3 and not is_cjk(token)


def _alternatives(conn: Connection, token: str, last: bool = False, known: set[str] | None = None,
                  completions: list[str] | None = None) -> list[str]:
    """The token itself if indexed (with its simple plural), plus the words it begins when it is the last word;
    else indexed words a typo away (same first letter, or two for long words). `known` and `completions`: the
    indexed words among the variants and the last word's completions, when the caller looked them up already
    (one statement for the whole search)."""
    if is_cjk(token):
        return [token]
    variants = _variants(token)
    known = _known(conn, set(variants)) if known is None else known
    if completions is None:
        completions = _completions(conn, token) if _completes(token, last) else []
    limit = _max_typos(token)
    if token in known or any(v in known for v in variants) or completions or limit == 0:
        alts = [token] + [v for v in variants[1:] if v in known]  # simple plural folding: bag ~ bags
        return alts + [c for c in completions if c not in alts]
    prefix = token[:2] if len(token) >= 8 else token[:1]
    scored = sorted((edit_distance(token, term, limit), term) for term in _typo_candidates(conn, token, prefix, limit))
    close = [term for dist, term in scored if dist <= limit][:5]
    return close or [token]


# A query as the full-text engines see it: a list of groups, all required ("all" mode) or any ("any" mode); a
# group is a list of alternatives; an alternative is one token, a phrase (tokens joined by spaces: a glossary
# term) or a tuple of groups that must all match (a multi-word query term, next to its glossary equivalents).
Alternative = str | tuple
Group = list[Alternative]


def _prefix(token: str) -> bool:
    """A lone CJK character matches the bigrams it begins (the index holds bigrams, not characters)."""
    return is_cjk(token) and len(token) == 1


def _render(groups: list[Group], dialect: str, any_word: bool = False) -> str:
    """The full-text expression (FTS5 query syntax, or a PostgreSQL tsquery for to_tsquery('simple', ...))."""
    pg = dialect == "postgresql"

    def alt(a: Alternative) -> str:
        if isinstance(a, tuple):
            return "(" + (" & " if pg else " AND ").join(group(g) for g in a) + ")"
        if " " in a:  # a phrase (a glossary term): its tokens next to each other on FTS5; on PostgreSQL all of
            # them, as `<->` makes GIN recheck every candidate row's tsvector (ts_rank_cd rewards proximity)
            return "(" + " & ".join(a.split()) + ")" if pg else f'"{a}"'
        if pg:
            return f"{a}:*" if _prefix(a) else a
        return f'"{a}"*' if _prefix(a) else f'"{a}"'

    def group(g: Group) -> str:
        return "(" + (" | " if pg else " OR ").join(alt(a) for a in g) + ")"

    joiner = (" | " if any_word else " & ") if pg else (" OR " if any_word else " AND ")
    return joiner.join(group(g) for g in groups)


def _facet_expr(filters: dict[str, list[str]], dialect: str) -> str:
    facet_groups: list[Group] = [[facet_token(f, v) for v in sorted(vs)] for f, vs in sorted(filters.items()) if vs]
    return _render(facet_groups, dialect) if facet_groups else ""


def _match(groups: list[Group], filters: dict[str, list[str]], dialect: str, any_word: bool) -> str:
    """Words (all or any) AND every facet filter (any of its values), as one full-text expression."""
    words = _render(groups, dialect, any_word) if groups else ""
    facets = _facet_expr(filters, dialect)
    if words and facets:
        return f"({words}) {'&' if dialect == 'postgresql' else 'AND'} {facets}"
    return words or facets


# --- from query words to groups: spelling tolerance and the multilingual glossary ---------------------------

def _known(conn: Connection, words: set[str]) -> set[str]:
    if not words:
        return set()
    return set(conn.execute(text("SELECT term FROM registry_terms WHERE term IN :v").bindparams(
        bindparam("v", expanding=True)), {"v": sorted(words)}).scalars())


def _vocabulary(conn: Connection, words: set[str], last: str | None) -> tuple[set[str], list[str]]:
    """The indexed words among `words`, and the completions of `last` (None: none wanted), in one statement:
    each statement costs the client about half a millisecond on top of the server's work."""
    if last is None:
        return _known(conn, words), []
    if not words:
        return set(), _completions(conn, last)
    sql = (f"SELECT term, 0 FROM registry_terms WHERE term IN :v UNION ALL "  # noqa: S608 - fixed fragments
           f"SELECT term, 1 FROM ({COMPLETIONS_SQL[conn.dialect.name]}) AS c")
    rows = conn.execute(text(sql).bindparams(bindparam("v", expanding=True)),
                        {"v": sorted(words), "token": last, "pattern": last + "%"}).all()
    return {t for t, kind in rows if kind == 0}, _shortest(last, (t for t, kind in rows if kind == 1))


@dataclass
class _Query:
    groups: list[Group]
    own: list[Group]  # the groups without the glossary's equivalents
    skipped: set[int]  # positions of words left out (CJK bigrams across a glossary term's edge)
    corrected: dict[str, list[str]]
    expanded: dict[str, list[str]]


def _query(conn: Connection, words: list[str]) -> _Query:
    """One group per query word, except that a run of words spelling a glossary term (`海洋垃圾`, `marine litter`)
    becomes one group: the words themselves, or the same concept's terms in English and in the words' own
    language (`Glossary.equivalents`). Equivalents
    whose words occur in no record are left out (one vocabulary lookup; CJK terms are always kept: the vocabulary
    holds no bigrams)."""
    gl = glossary()
    spans = gl.spans(words)
    skip = junction_bigrams(words, spans)
    by_start = {s.start: s for s in spans}
    corrected: dict[str, list[str]] = {}
    last = max(i for i in range(len(words)) if i not in skip)
    wanted = {v for w in words if not is_cjk(w) for v in _variants(w)}
    said = {s.start: tuple(words[s.start:s.end]) for s in spans}
    wanted |= {w for s in spans for t in gl.equivalents(s.concepts, said[s.start]) for w in t if not is_cjk(w)}
    # one vocabulary lookup for every word and every glossary equivalent, and the last word's completions
    known, completions = _vocabulary(conn, wanted, words[last] if _completes(words[last], True) else None)

    def alts(i: int) -> list[str]:
        found = _alternatives(conn, words[i], last=i == last, known=known,
                              completions=completions if i == last else None)
        if words[i] not in found:
            corrected[words[i]] = found
        return found

    pending: list[tuple[int, list[tuple[str, ...]]]] = []  # (group index, equivalent phrases to check)
    groups: list[Group] = []
    i = 0
    while i < len(words):
        span = by_start.get(i)
        if span is None:
            if i not in skip:
                groups.append(list(alts(i)))
            i += 1
            continue
        own = tuple(words[span.start:span.end])
        original: Group = list(alts(i)) if len(own) == 1 else [tuple(alts(k) for k in range(span.start, span.end))]
        pending.append((len(groups), [t for t in gl.equivalents(span.concepts, own) if t != own]))
        groups.append(original)
        i = span.end
    own = list(groups)
    expanded: dict[str, list[str]] = {}
    for index, terms in pending:
        flat = {a for a in groups[index] if isinstance(a, str)}
        usable = [t for t in terms if all(is_cjk(w) or w in known for w in t) and " ".join(t) not in flat]
        if usable:
            first = groups[index][0]
            said = surface([g[0] for g in first] if isinstance(first, tuple) else [first])
            expanded[said] = [gl.spelling.get(t, " ".join(t)) for t in usable]
            groups[index] = groups[index] + [" ".join(t) for t in usable]
    return _Query(groups, own, skip, corrected, expanded)


# --- ranking in tiers, inside the full-text engine -----------------------------------------------------------

# Ranking is bm25 (FTS5: title 10, body 1) or ts_rank_cd (PostgreSQL), computed by the engine, best first, in
# tiers: records whose title (or an official or reviewed name in any language, or an acronym) holds the query's
# own words; then, when the glossary added equivalents in other languages, those in the title; then every match.
# Why tiers: a score costs about 1 µs per match (more under load), so scoring the 45 000 matches of `plastic` at
# 100 k records costs 40-50 ms, while the records a broad query looks for are those that name it (the title weighs
# ten times the text in bm25 anyway). Each tier scores at most its limit of matches (the first in index order) and
# says when it stopped there (`ranked_exact`): the page is then the best of those, not of all.
TITLE_RANK_LIMIT = 1_000  # ~1-2 ms of bm25 on SQLite, a bitmap heap scan of 1 000 rows on PostgreSQL
BODY_RANK_LIMIT = 500  # every match: read only when the title tiers do not fill the page
TIER_SQL = {
    # {fts}: registry_fts_title (titles only: short doclists) for a title tier without facet filters, else
    # registry_fts (facet terms live in the body) with a column filter; {weights}: bm25's column weights
    "sqlite": "SELECT r.score, r.n, s.record_id FROM (SELECT doc, score, count(*) OVER () AS n FROM ("
              "SELECT rowid AS doc, bm25({fts}{weights}) AS score FROM {fts} "
              "WHERE {fts} MATCH :q LIMIT :cap) ORDER BY score, doc LIMIT :k) r "
              "JOIN registry_search s ON s.doc_id = r.doc ORDER BY r.score, r.doc",
    # the record id is read with the score (same row), so no join back to registry_search
    "postgresql": "SELECT score, count(*) OVER () AS n, record_id, doc FROM (SELECT doc_id AS doc, record_id, "
                  "ts_rank_cd({vector}, to_tsquery('simple', :rq), 1) AS score FROM registry_search WHERE {where} "
                  "LIMIT :cap) c ORDER BY score DESC, doc LIMIT :k",
}


@dataclass
class _Tier:
    hits: list[Hit]
    matched: int  # matches of the tier, up to its cap
    exact: bool  # every match of the tier was ranked


@dataclass(frozen=True)
class _TierSpec:
    """Matches of `words` (in the title only, or anywhere) and the facets."""

    words: str
    title_only: bool

    @property
    def cap(self) -> int:  # read when the tier runs
        return TITLE_RANK_LIMIT if self.title_only else BODY_RANK_LIMIT


def _tier(conn: Connection, tier: _TierSpec, facets: str, k: int) -> _Tier:
    if conn.dialect.name == "postgresql":
        if tier.title_only and facets:  # words in the title and facet terms, intersected inside one GIN index
            where = f"({TITLE_FACETS}) @@ to_tsquery('simple', :w)"
            words = f"({tier.words}) & {facets}"
        else:
            vector = "tsv_title" if tier.title_only else "tsv"
            where = f"{vector} @@ to_tsquery('simple', :w)" + (" AND tsv @@ to_tsquery('simple', :f)" if facets else "")
            words = tier.words
        sql = TIER_SQL["postgresql"].format(vector="tsv_title" if tier.title_only else "tsv", where=where)
        params = {"w": words, "f": facets, "rq": tier.words, "k": k, "cap": tier.cap}
    elif tier.title_only and not facets:
        sql = TIER_SQL["sqlite"].format(fts="registry_fts_title", weights="")
        params = {"q": tier.words, "k": k, "cap": tier.cap}
    else:
        q = f"{{title}} : ({tier.words})" if tier.title_only else f"({tier.words})"
        sql = TIER_SQL["sqlite"].format(fts="registry_fts", weights=", 10.0, 1.0")
        params = {"q": f"{q} AND {facets}" if facets else q, "k": k, "cap": tier.cap}
    rows = conn.execute(text(sql), params).all()
    matched = int(rows[0][1]) if rows else 0
    return _Tier([Hit(r[2], abs(float(r[0] or 0.0))) for r in rows], matched, matched < tier.cap)


def _tiers(own: str, words: str, phrase: list[str], dialect: str) -> list[_TierSpec]:
    """Own words in the title; then, when the glossary added equivalents, those in the title; then the text.

    In the title tiers the query's words, in order, are also OR-ed as one phrase: the set matched is the same
    (a phrase match is a match of all its words), but bm25 adds the phrase's weight where the words stand together,
    so a title saying exactly the query outranks one that has its words apart (ts_rank_cd rewards proximity by
    itself)."""
    def near(expr: str) -> str:
        if len(phrase) < 2 or dialect == "postgresql":
            return expr
        return f'({expr}) OR "{" ".join(phrase)}"'

    title = [_TierSpec(near(own), True)] + ([_TierSpec(near(words), True)] if words != own else [])
    return title + [_TierSpec(words, False)]


def _ranked(conn: Connection, tiers: list[_TierSpec], facets: str, need: int) -> tuple[list[Hit], bool]:
    """The best `need` matches, tier by tier; whether every match that could reach the page was ranked.

    A later tier also holds the matches of the earlier ones (no NOT: excluding costs FTS5 and GIN another pass
    over the excluded doclists); asking it for `need` rows leaves room for the new ones, and repeats are dropped."""
    hits: list[Hit] = []
    exact = True
    for tier in tiers:
        if len(hits) >= need:
            break
        found = _tier(conn, tier, facets, need)
        hits = _add(hits, found.hits, need)
        exact = exact and found.exact
    return hits, exact


def _add(hits: list[Hit], ranked: list[Hit], need: int) -> list[Hit]:
    """The page so far, then the ranked hits it does not hold yet, up to `need`."""
    seen = {h.id for h in hits}
    return hits + [h for h in ranked if h.id not in seen][:need - len(hits)]


# --- totals and facet counts ---------------------------------------------------------------------------------

# The first RANK_LIMIT matches in index order (FTS5: doc id order; PostgreSQL: heap order, from whichever of the
# GIN index or a scan the planner finds cheaper), each with its doc id and the tail of its document from the first
# facet term on: they give the facet counts, and the total when there are more (an estimate).
CANDIDATES_SQL = {
    "sqlite": "SELECT c.doc, s.record_id, substr(s.body, instr(s.body, ' lhf')) FROM (SELECT rowid "
              "AS doc FROM registry_fts WHERE registry_fts MATCH :q LIMIT :n) c JOIN registry_search s "
              "ON s.doc_id = c.doc",
    # PostgreSQL answers in one row: how many, the largest doc id and the facet terms (the stored column of
    # migration 0750) of the candidates, with the doc-id range for the estimate. 500 rows through the driver and
    # SQLAlchemy cost the client 1.5-2 ms; cutting the tails out of the bodies cost the server as much.
    "postgresql": "SELECT 0 AS kind, count(*) AS matched, max(c.doc_id) AS reached, string_agg(c.facet_terms, ' '), "
                  "(SELECT min(doc_id) FROM registry_search), (SELECT max(doc_id) FROM registry_search) FROM ("
                  "SELECT doc_id, facet_terms FROM registry_search WHERE tsv @@ to_tsquery('simple', :q) LIMIT :n) c",
}
# PostgreSQL, when the title tiers leave room on the page: the same candidates also rank the text tier (they are
# its matches: words and facets, the first BODY_RANK_LIMIT in index order), so the text tier costs no second
# reading of the same rows (it was a statement of its own, 11-16 ms for a broad query). The summary row (kind 0)
# comes with the best `k` as rows of kind 1: score, doc id, record id.
CANDIDATES_RANKED_SQL = (
    "WITH c AS MATERIALIZED (SELECT doc_id, record_id, facet_terms, tsv FROM registry_search "
    "WHERE tsv @@ to_tsquery('simple', :q) LIMIT :n) "
    "SELECT 0 AS kind, count(*)::float8, max(doc_id), string_agg(facet_terms, ' '), "
    "(SELECT min(doc_id) FROM registry_search), (SELECT max(doc_id) FROM registry_search) FROM c "
    "UNION ALL (SELECT 1, ts_rank_cd(tsv, to_tsquery('simple', :rq), 1)::float8 AS score, doc_id, record_id, "
    "NULL, NULL FROM c ORDER BY score DESC, doc_id LIMIT :k)")
FACET_TAIL = " " + FACET_TOKEN_PREFIX
# PostgreSQL: the expression of migration 0750's GIN index `ix_registry_search_tsv_title_facets` (a title tier with
# facet filters intersects title words and facet terms inside it instead of ANDing two indexes' bitmaps)
TITLE_FACETS = "tsv_title || to_tsvector('simple', facet_terms)"


@dataclass
class _Candidates:
    tails: list[str]  # the candidates' facet terms
    total: int  # exact when `exact`, else an estimate
    exact: bool  # every match is among the candidates
    ranked: list[Hit] = field(default_factory=list)  # PostgreSQL, when asked: the text tier, best first


def _candidates(conn: Connection, match: str, limit: int, rank: tuple[str, int] | None = None) -> _Candidates:
    """The first `limit` matches of `match`; on PostgreSQL with `rank` (words, rows wanted), also the text tier."""
    ranked: list[Hit] = []
    if conn.dialect.name == "postgresql":
        if rank is None:
            rows = conn.execute(text(CANDIDATES_SQL["postgresql"]), {"q": match, "n": limit}).all()
        else:
            rows = conn.execute(text(CANDIDATES_RANKED_SQL), {"q": match, "n": limit, "rq": rank[0],
                                                              "k": rank[1]}).all()
            ranked = [Hit(r[3], float(r[1] or 0.0)) for r in rows if r[0] == 1]
        _, matched, reached, tails, first, last = next(r for r in rows if r[0] == 0)
        matched, found = int(matched), [tails or ""]
    else:
        rows = conn.execute(text(CANDIDATES_SQL["sqlite"]), {"q": match, "n": limit}).all()
        matched, found = len(rows), [r[2] for r in rows]
        reached = max((r[0] for r in rows), default=0)
        first = last = None
    if matched < limit:
        return _Candidates(found, matched, True, ranked)
    estimate = _estimate_total(conn, match, limit, reached, first, last)
    digits = max(0, len(str(estimate)) - 2)  # two significant figures: it is an estimate, and says so
    return _Candidates(found, max(limit, int(round(estimate, -digits))), False, ranked)


def _estimate_total(conn: Connection, match: str, found: int, reached: int, first: int | None = None,
                    last: int | None = None) -> int:
    """How many documents match in all. The first `found` matches reach doc id `reached`: the same density over
    the whole doc-id range `first`-`last` (FTS5 returns doc id order; PostgreSQL's heap order follows insertion, so
    it holds there too until updates reshuffle the heap). PostgreSQL also has the planner's row estimate from the
    statistics ANALYZE keeps on the tsvector column; it assumes words independent and so underestimates words
    that go together (Chinese bigrams: 49 for 5 578), hence the larger of the two."""
    if first is None or last is None:
        first, last = conn.execute(text("SELECT (SELECT MIN(doc_id) FROM registry_search), "
                                        "(SELECT MAX(doc_id) FROM registry_search)")).one()
    density = int(found * (last - first + 1) / max(1, reached - first + 1))
    if conn.dialect.name != "postgresql":
        return density
    plan = conn.execute(text("EXPLAIN (FORMAT JSON) SELECT 1 FROM registry_search "
                             "WHERE tsv @@ to_tsquery('simple', :q)"), {"q": match}).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(density, int(plan[0]["Plan"]["Plan Rows"]))


def _facets_of(tails: list[str]) -> dict[str, dict[str, int]]:
    """Facet value counts from the facet terms that end each search document (distinct terms decoded once)."""
    seen: Counter[str] = Counter()
    for tail in tails:
        seen.update(tail.split())
    counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for token, n in seen.items():
        parsed = _parse_facet_token(token)
        if parsed is not None:
            counts[parsed[0]][parsed[1]] = counts[parsed[0]].get(parsed[1], 0) + n
    return _sorted_facets(counts)


def _sorted_facets(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {f: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for f, v in counts.items()}


def _all_facets(conn: Connection) -> dict[str, dict[str, int]]:
    """Facet value counts over every published record, kept up to date by the database (migration 0310)."""
    counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for facet, value, n in conn.execute(text("SELECT facet, value, n FROM registry_facet_counts WHERE n > 0")):
        counts.setdefault(facet, {})[value] = n
    return _sorted_facets(counts)


def search(conn: Connection, query: str, filters: dict[str, list[str]] | None = None, limit: int = 20,
           offset: int = 0) -> SearchPage:
    """Published records matching `query` (all records when empty) and the facet filters, best first.

    The page comes from the ranked tiers (`_ranked`); the total and facet counts from the first RANK_LIMIT
    matches, exact when there are no more (past that, the total is an estimate and says so). Counting every
    match would cost as much as reading every doclist of a broad query (FTS5 25-40 ms under load for `plastic`
    with its equivalents), for a number people read as "thousands".
    """
    filters = {k: v for k, v in (filters or {}).items() if v and k in FACETS}
    dialect = conn.dialect.name
    words = tokens(query)[:MAX_QUERY_TOKENS]
    if dialect == "postgresql" and (words or filters):
        # "the first RANK_LIMIT matches" must not depend on where the previous sequential scan of the table stopped
        # (synchronized scans start there once the table outgrows a quarter of shared_buffers): else the facet
        # counts and the estimated total of one search differ from one call to the next
        conn.execute(text("SET LOCAL synchronize_seqscans = off"))
    if not words:
        return _browse(conn, query, filters, limit, offset)
    q = _query(conn, words)
    facets = _facet_expr(filters, dialect)
    modes = ["all", "any"] if len(q.groups) > 1 else ["all"]
    phrase = [w for i, w in enumerate(words) if i not in q.skipped]
    need = offset + limit
    found, hits, ranked_exact = _Candidates([], 0, True), [], True
    for mode in modes:
        any_word = mode == "any"
        tiers = _tiers(_render(q.own, dialect, any_word), _render(q.groups, dialect, any_word), phrase, dialect)
        match = _match(q.groups, filters, dialect, any_word)
        if dialect == "postgresql":  # title tiers first: the candidates rank the text tier when there is room
            hits, ranked_exact = _ranked(conn, tiers[:-1], facets, need)
            room = len(hits) < need
            found = _candidates(conn, match, RANK_LIMIT, (tiers[-1].words, need) if room else None)
            if found.total:
                if room:
                    hits, ranked_exact = _add(hits, found.ranked, need), ranked_exact and found.exact
                break
        else:
            found = _candidates(conn, match, RANK_LIMIT)
            if found.total:
                hits, ranked_exact = _ranked(conn, tiers, facets, need)
                break
    if not found.total:
        hits, ranked_exact = [], True
    return SearchPage(query, found.total, hits[offset:offset + limit], _facets_of(found.tails),
                      q.corrected, mode, facets_exact=found.exact, total_exact=found.exact,
                      ranked_exact=ranked_exact, expanded=q.expanded)


def _browse(conn: Connection, query: str, filters: dict[str, list[str]], limit: int, offset: int) -> SearchPage:
    """No words: records in title order, filtered by facets (through their index terms)."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    if not filters:
        facets = _all_facets(conn)
        sql = ("SELECT id FROM registry_records WHERE published_revision IS NOT NULL "
               "ORDER BY title, id LIMIT :limit OFFSET :offset")
        page = [Hit(r[0], 0.0) for r in conn.execute(text(sql), params)]
        return SearchPage(query, sum(facets["type"].values()), page, facets)
    match = _match([], filters, conn.dialect.name, False)
    found = _candidates(conn, match, RANK_LIMIT)
    where = ("s.tsv @@ to_tsquery('simple', :q)" if conn.dialect.name == "postgresql"
             else "s.doc_id IN (SELECT rowid FROM registry_fts WHERE registry_fts MATCH :q)")
    sql = (f"SELECT r.id FROM registry_search s JOIN registry_records r ON r.id = s.record_id WHERE {where} "  # noqa: S608
           "ORDER BY r.title, r.id LIMIT :limit OFFSET :offset")  # fixed fragments; every value is bound
    page = [Hit(r[0], 0.0) for r in conn.execute(text(sql), {**params, "q": match})]
    return SearchPage(query, found.total, page, _facets_of(found.tails),
                      facets_exact=found.exact, total_exact=found.exact)
