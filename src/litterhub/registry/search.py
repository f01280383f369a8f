"""Search index logic over the catalog: what a record contributes to the full-text index and the facet rows,
and how a user's query becomes a ranked, faceted, typo-tolerant full-text query on SQLite FTS5 or PostgreSQL.

Both sides go through `registry.text`, so Chinese is matched by character bigrams and Arabic spelling
variants meet. Typo tolerance: a query word that is not in the index vocabulary (`registry_terms`) is
replaced by the indexed words within a small edit distance that share its first letter(s).
"""

from __future__ import annotations

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
FACET_EXACT_LIMIT = 5000


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


def document(record: RecordBase) -> tuple[str, str]:
    """(title text, body text) as the index stores them: titles, names and acronyms weigh more."""
    title = index_text(record.title, *record.names.values(), *record.acronyms)
    texts = record_text_fields(record)
    body = index_text(*texts, *_country_names(record.countries), TYPE_LABELS.get(record.type, ""),
                      *(t.replace("-", " ") for t in record.topics))
    return title, body


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
    terms = {t for t in (title + " " + body).split() if len(t) <= 200 and not is_cjk(t)}
    _insert_ignore(conn, rt.registry_terms, [{"term": t} for t in sorted(terms)])


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
    facets_exact: bool = True  # False: counts describe the FACET_EXACT_LIMIT best matches only


def _max_typos(token: str) -> int:
    return 0 if len(token) <= 3 else 1 if len(token) <= 7 else 2


def _alternatives(conn: Connection, token: str) -> list[str]:
    """The token itself if indexed, else indexed words a typo away (same first letter, or two for long words)."""
    if is_cjk(token):
        return [token]
    variants = [token, token + "s"] + ([token[:-1]] if token.endswith("s") and len(token) > 3 else [])
    known = set(conn.execute(text("SELECT term FROM registry_terms WHERE term IN :v").bindparams(
        bindparam("v", expanding=True)), {"v": variants}).scalars())
    limit = _max_typos(token)
    if known or limit == 0:
        return [token] + [v for v in variants[1:] if v in known]  # simple plural folding: bag ~ bags
    prefix = token[:2] if len(token) >= 8 else token[:1]
    rows = conn.execute(text("SELECT term FROM registry_terms WHERE term >= :lo AND term < :hi"),
                        {"lo": prefix, "hi": prefix + "\U0010ffff"}).scalars()
    scored = sorted((edit_distance(token, term, limit), term) for term in rows if abs(len(term) - len(token)) <= limit)
    close = [term for dist, term in scored if dist <= limit][:5]
    return close or [token]


def _prefix(token: str, last: bool) -> bool:
    """Prefix-match the last word (search as you type) and a lone CJK character (the index holds bigrams)."""
    if is_cjk(token):
        return len(token) == 1
    return last and len(token) >= 3


def _fts_query(groups: list[list[str]], dialect: str, any_word: bool, prefix_last: bool) -> str:
    parts = []
    for i, alts in enumerate(groups):
        last = prefix_last and i == len(groups) - 1
        if dialect == "postgresql":
            terms = [f"{a}:*" if _prefix(a, last) else a for a in alts]
            parts.append("(" + " | ".join(terms) + ")")
        else:
            terms = [f'"{a}"*' if _prefix(a, last) else f'"{a}"' for a in alts]
            parts.append("(" + " OR ".join(terms) + ")")
    joiner = (" | " if any_word else " & ") if dialect == "postgresql" else (" OR " if any_word else " AND ")
    return joiner.join(parts)


def _hits_sql(dialect: str) -> str:
    if dialect == "postgresql":
        return ("SELECT s.record_id AS id, ts_rank_cd(s.tsv, q.q, 1) AS score "
                "FROM registry_search s, to_tsquery('simple', :q) AS q(q) WHERE s.tsv @@ q.q")
    return ("SELECT s.record_id AS id, -bm25(registry_fts, 10.0, 1.0) AS score "
            "FROM registry_fts JOIN registry_search s ON s.doc_id = registry_fts.rowid WHERE registry_fts MATCH :q")


def _filtered(base: str, filters: dict[str, list[str]]) -> tuple[str, dict[str, Any], list]:
    clauses, params, binds = [], {}, []
    for i, (facet, values) in enumerate(sorted(filters.items())):
        if not values or facet not in FACETS:
            continue
        # fixed fragment; facet and values are bound parameters
        clauses.append(f"h.id IN (SELECT record_id FROM registry_facets WHERE facet = :ff{i} AND value IN :fv{i})")  # noqa: S608, E501
        params[f"ff{i}"] = facet
        params[f"fv{i}"] = list(values)
        binds.append(bindparam(f"fv{i}", expanding=True))
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return f"SELECT h.id, h.score FROM ({base}) h{where}", params, binds  # noqa: S608 - fixed fragments


def _facet_counts(conn: Connection, ids: list[str] | None) -> dict[str, dict[str, int]]:
    """Facet value counts over the given records (None: over every published record, one index pass)."""
    if ids is None:
        rows = conn.execute(text("SELECT facet, value, COUNT(*) FROM registry_facets GROUP BY facet, value"))
    elif not ids:
        rows = []
    else:
        rows = conn.execute(text("SELECT facet, value, COUNT(*) FROM registry_facets WHERE record_id IN :ids "
                                 "GROUP BY facet, value").bindparams(bindparam("ids", expanding=True)), {"ids": ids})
    facets: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    for facet, value, n in rows:
        facets.setdefault(facet, {})[value] = n
    return {f: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for f, v in facets.items()}


def search(conn: Connection, query: str, filters: dict[str, list[str]] | None = None, limit: int = 20,
           offset: int = 0) -> SearchPage:
    """Published records matching `query` (all records when empty) and the facet filters, best first.

    The full-text match runs once: its (id, score) rows give the total, the page (best first) and the
    records whose facets are counted. Facet counts are exact up to FACET_EXACT_LIMIT matches; past that they
    describe the FACET_EXACT_LIMIT best-ranked matches and `facets_exact` is False.
    """
    filters = {k: v for k, v in (filters or {}).items() if v}
    dialect = conn.dialect.name
    words = tokens(query)[:MAX_QUERY_TOKENS]
    if not words:
        return _browse(conn, query, filters, limit, offset)
    corrected: dict[str, list[str]] = {}
    groups: list[list[str]] = []
    for w in words:
        alts = _alternatives(conn, w)
        if w not in alts:
            corrected[w] = alts
        groups.append(alts)
    modes = ["all", "any"] if len(groups) > 1 else ["all"]
    total, params, binds, sql = 0, {}, [], ""
    for mode in modes:
        sql, params, binds = _filtered(_hits_sql(dialect), filters)
        params["q"] = _fts_query(groups, dialect, mode == "any", prefix_last=True)
        count_sql = f"SELECT COUNT(*) FROM ({sql}) f"  # noqa: S608 - fixed fragments, values bound
        total = conn.execute(text(count_sql).bindparams(*binds), params).scalar_one()
        if total:
            break
    k = max(offset + limit, FACET_EXACT_LIMIT)
    if dialect == "sqlite" and not filters:
        top_sql = _SQLITE_TOP  # let FTS5 rank and cut before joining
    else:
        top_sql = f"SELECT f.id, f.score FROM ({sql}) f ORDER BY f.score DESC, f.id LIMIT :k"  # noqa: S608
    ranked = conn.execute(text(top_sql).bindparams(*binds), {**params, "k": k}).all() if total else []
    facets = _facet_counts(conn, [h[0] for h in ranked[:FACET_EXACT_LIMIT]])
    page = [Hit(h[0], float(h[1] or 0.0)) for h in ranked[offset:offset + limit]]
    return SearchPage(query, total, page, facets, corrected, mode, total <= FACET_EXACT_LIMIT)


_SQLITE_TOP = ("SELECT s.record_id, t.score FROM (SELECT rowid AS doc, -bm25(registry_fts, 10.0, 1.0) AS score "
               "FROM registry_fts WHERE registry_fts MATCH :q ORDER BY bm25(registry_fts, 10.0, 1.0) LIMIT :k) t "
               "JOIN registry_search s ON s.doc_id = t.doc ORDER BY t.score DESC, s.record_id")


def _browse(conn: Connection, query: str, filters: dict[str, list[str]], limit: int, offset: int) -> SearchPage:
    """No words: records in title order, filtered by facets."""
    base = "SELECT id, 0.0 AS score FROM registry_records WHERE published_revision IS NOT NULL"
    sql, params, binds = _filtered(base, filters)
    page_sql = (f"SELECT f.id FROM ({sql}) f JOIN registry_records r ON r.id = f.id "  # noqa: S608
                f"ORDER BY r.title, r.id LIMIT :limit OFFSET :offset")  # fixed fragments; every value is bound
    page = [Hit(r[0], 0.0) for r in conn.execute(text(page_sql).bindparams(*binds),
                                                  {**params, "limit": limit, "offset": offset})]
    if not filters:
        total = conn.execute(text(base.replace("id, 0.0 AS score", "COUNT(*)"))).scalar_one()
        return SearchPage(query, total, page, _facet_counts(conn, None))
    ids = [r[0] for r in conn.execute(text(sql).bindparams(*binds), params)]
    exact = len(ids) <= FACET_EXACT_LIMIT
    return SearchPage(query, len(ids), page, _facet_counts(conn, ids[:FACET_EXACT_LIMIT]), facets_exact=exact)
