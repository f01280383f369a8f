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
from typing import Any

import pycountry
from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from litterhub.registry.entities import TYPE_LABELS, RecordBase, record_text_fields
from litterhub.registry.text import edit_distance, index_text, is_cjk, tokens
from litterhub.store import registry_tables as rt

FACETS = ("type", "country", "region", "topic", "language", "year")
MAX_QUERY_TOKENS = 12
# Ranking, facet counts and the total cost time in proportion to the matches they read. Past RANK_LIMIT matches
# only the first RANK_LIMIT in index order are ranked and give the facet counts (`ranked_exact`/`facets_exact`
# False) and the total is an estimate (`total_exact` False). Why 500: at 100 k records it bounds a broad query
# (a word in 58 % of the records) to a few milliseconds of database work (docs/benchmarks.md). The price, measured
# there: for such a word the page is the best of 500, not of all (for `plastic` 5 of the top 20 have it in their
# title against 20 of 20 with every match ranked); a title-first candidate tier is the next step.
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


def _text_document(record: RecordBase) -> tuple[str, str]:
    title = index_text(record.title, *record.names.values(), *record.acronyms)
    texts = record_text_fields(record)
    body = index_text(*texts, *_country_names(record.countries), TYPE_LABELS.get(record.type, ""),
                      *(t.replace("-", " ") for t in record.topics))
    return title, body


def document(record: RecordBase) -> tuple[str, str]:
    """(title text, body text) as the index stores them: titles, names and acronyms weigh more; the body ends with
    one term per facet value (`facet_token`)."""
    title, body = _text_document(record)
    tail = " ".join(facet_token(f, v) for f, v in facet_rows(record))
    return title, f"{body} {tail}" if tail else body


def index_terms(record: RecordBase) -> list[str]:
    """The record's words for the typo-tolerance vocabulary (CJK bigrams and facet terms excluded)."""
    title, body = _text_document(record)
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
    title, body = document(record)
    conn.execute(insert(rt.registry_search).values(record_id=record_id, title=title, body=body))
    conn.execute(insert(rt.registry_facets), [{"record_id": record_id, "facet": f, "value": v}
                                              for f, v in facet_rows(record)])
    _insert_ignore(conn, rt.registry_terms, [{"term": t} for t in index_terms(record)])


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
    ranked_exact: bool = True  # False: the hits are the best of the first RANK_LIMIT matches


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


def _completions(conn: Connection, token: str) -> list[str]:
    if conn.dialect.name == "postgresql":  # LIKE 'abc%' is served by the trigram index on any collation
        sql = "SELECT term FROM registry_terms WHERE term LIKE :pattern"
    else:
        sql = "SELECT term FROM registry_terms WHERE term >= :token AND term < :token || char(1114111)"
    terms = conn.execute(text(sql), {"token": token, "pattern": token + "%"}).scalars()
    return sorted((t for t in terms if t != token), key=lambda t: (len(t), t))[:MAX_COMPLETIONS]


def _alternatives(conn: Connection, token: str, last: bool = False) -> list[str]:
    """The token itself if indexed (with its simple plural), plus the words it begins when it is the last word;
    else indexed words a typo away (same first letter, or two for long words)."""
    if is_cjk(token):
        return [token]
    variants = [token, token + "s"] + ([token[:-1]] if token.endswith("s") and len(token) > 3 else [])
    known = set(conn.execute(text("SELECT term FROM registry_terms WHERE term IN :v").bindparams(
        bindparam("v", expanding=True)), {"v": variants}).scalars())
    completions = _completions(conn, token) if last and len(token) >= 3 else []
    limit = _max_typos(token)
    if known or completions or limit == 0:
        alts = [token] + [v for v in variants[1:] if v in known]  # simple plural folding: bag ~ bags
        return alts + [c for c in completions if c not in alts]
    prefix = token[:2] if len(token) >= 8 else token[:1]
    scored = sorted((edit_distance(token, term, limit), term) for term in _typo_candidates(conn, token, prefix, limit))
    close = [term for dist, term in scored if dist <= limit][:5]
    return close or [token]


def _prefix(token: str) -> bool:
    """A lone CJK character matches the bigrams it begins (the index holds bigrams, not characters)."""
    return is_cjk(token) and len(token) == 1


def _fts_query(groups: list[list[str]], dialect: str, any_word: bool) -> str:
    """The full-text expression: one group of alternatives per query word (facet filters are groups too)."""
    parts = []
    for alts in groups:
        if dialect == "postgresql":
            terms = [f"{a}:*" if _prefix(a) else a for a in alts]
            parts.append("(" + " | ".join(terms) + ")")
        else:
            terms = [f'"{a}"*' if _prefix(a) else f'"{a}"' for a in alts]
            parts.append("(" + " OR ".join(terms) + ")")
    joiner = (" | " if any_word else " & ") if dialect == "postgresql" else (" OR " if any_word else " AND ")
    return joiner.join(parts)


def _match(groups: list[list[str]], filters: dict[str, list[str]], dialect: str, any_word: bool) -> str:
    """Words (all or any) AND every facet filter (any of its values), as one full-text expression."""
    facet_groups = [[facet_token(f, v) for v in sorted(vs)] for f, vs in sorted(filters.items()) if vs]
    words = _fts_query(groups, dialect, any_word) if groups else ""
    facets = _fts_query(facet_groups, dialect, False) if facet_groups else ""
    if words and facets:
        return f"({words}) {'&' if dialect == 'postgresql' else 'AND'} {facets}"
    return words or facets


# The first RANK_LIMIT matches in index order (FTS5: doc id order; PostgreSQL: heap order, from whichever of the
# GIN index or a scan the planner finds cheaper), each with its score, record id, the tail of its document from the
# first facet term on (for the facet counts) and its doc id. `q` matches; `rq` (words only) ranks.
CANDIDATES_SQL = {
    "sqlite": "SELECT c.doc, c.score, s.record_id, substr(s.body, instr(s.body, ' lhf')) FROM (SELECT rowid "
              "AS doc, -bm25(registry_fts, 10.0, 1.0) AS score FROM registry_fts WHERE registry_fts MATCH :q "
              "LIMIT :n) c JOIN registry_search s ON s.doc_id = c.doc",
    "postgresql": "SELECT s.doc_id, ts_rank_cd(s.tsv, to_tsquery('simple', :rq), 1), s.record_id, "
                  "substr(s.body, strpos(s.body, ' lhf')) "
                  "FROM registry_search s WHERE s.tsv @@ to_tsquery('simple', :q) LIMIT :n",
}


@dataclass
class _Candidates:
    rows: list[tuple[int, float, str, str]]  # (doc id, score, record id, facet terms)
    total: int
    exact: bool


def _candidates(conn: Connection, match: str, rank_query: str, limit: int) -> _Candidates:
    dialect = conn.dialect.name
    rows = [tuple(r) for r in conn.execute(text(CANDIDATES_SQL[dialect]),
                                           {"q": match, "rq": rank_query or match, "n": limit})]
    if len(rows) < limit:
        return _Candidates(rows, len(rows), True)
    estimate = _estimate_total(conn, match, limit, max(r[0] for r in rows))
    digits = max(0, len(str(estimate)) - 2)  # two significant figures: it is an estimate, and says so
    return _Candidates(rows, max(limit, int(round(estimate, -digits))), False)


def _estimate_total(conn: Connection, match: str, found: int, reached: int) -> int:
    """How many documents match in all. The first `found` matches reach doc id `reached`: the same density over
    the whole doc-id range (FTS5 returns doc id order; PostgreSQL's heap order follows insertion, so it holds
    there too until updates reshuffle the heap). PostgreSQL also has the planner's row estimate from the
    statistics ANALYZE keeps on the tsvector column; it assumes words independent and so underestimates words
    that go together (Chinese bigrams: 49 for 5 578), hence the larger of the two."""
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

    One full-text query (words and facet filters together) returns the first RANK_LIMIT matches with their
    scores; they give the page, the facet counts and, when there are more, an estimate of the total. With up to
    RANK_LIMIT matches everything is exact.
    """
    filters = {k: v for k, v in (filters or {}).items() if v and k in FACETS}
    dialect = conn.dialect.name
    words = tokens(query)[:MAX_QUERY_TOKENS]
    if not words:
        return _browse(conn, query, filters, limit, offset)
    corrected: dict[str, list[str]] = {}
    groups: list[list[str]] = []
    for i, w in enumerate(words):
        alts = _alternatives(conn, w, last=i == len(words) - 1)
        if w not in alts:
            corrected[w] = alts
        groups.append(alts)
    modes = ["all", "any"] if len(groups) > 1 else ["all"]
    found, mode = _Candidates([], 0, True), "all"
    for mode in modes:
        match = _match(groups, filters, dialect, mode == "any")
        rank_query = _fts_query(groups, dialect, mode == "any")
        found = _candidates(conn, match, rank_query, max(RANK_LIMIT, offset + limit))
        if found.total:
            break
    ranked = sorted(found.rows, key=lambda r: (-(r[1] or 0.0), r[2]))
    page = [Hit(r[2], float(r[1] or 0.0)) for r in ranked[offset:offset + limit]]
    return SearchPage(query, found.total, page, _facets_of([r[3] for r in found.rows]), corrected, mode,
                      facets_exact=found.exact, total_exact=found.exact, ranked_exact=found.exact)


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
    found = _candidates(conn, match, "", RANK_LIMIT)
    where = ("s.tsv @@ to_tsquery('simple', :q)" if conn.dialect.name == "postgresql"
             else "s.doc_id IN (SELECT rowid FROM registry_fts WHERE registry_fts MATCH :q)")
    sql = (f"SELECT r.id FROM registry_search s JOIN registry_records r ON r.id = s.record_id WHERE {where} "  # noqa: S608
           "ORDER BY r.title, r.id LIMIT :limit OFFSET :offset")  # fixed fragments; every value is bound
    page = [Hit(r[0], 0.0) for r in conn.execute(text(sql), {**params, "q": match})]
    return SearchPage(query, found.total, page, _facets_of([r[3] for r in found.rows]),
                      facets_exact=found.exact, total_exact=found.exact)
