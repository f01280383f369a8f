"""Registry search with fewer statements (issue 20, PostgreSQL p95): the shortcuts give what the long way gives.

On PostgreSQL the text tier is ranked from the candidates statement, the candidates come back as one aggregated
row with the facet terms of a stored column (migration 0750), a title tier with facet filters reads one GIN index
over the title and facet terms (migration 0750), and the vocabulary lookup brings the last word's completions with
it (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from litterhub.registry import search as rsearch
from litterhub.services import search as search_svc

# (query, facet filters): multi-word and cross-language queries whose title tiers leave room on the page, so the
# text tier is read from the candidates; one with a facet filter.
TEXT_TIER_QUERIES = [("marine litter monitoring", {}), ("plastic waste", {}), ("beach litter", {"type": ["policy"]}),
                     ("déchets marins", {})]


def _tail(body: str) -> str:
    """What migration 0750's generated column holds: the body from its first facet term on."""
    at = body.find(rsearch.FACET_TAIL)
    return body[at:] if at >= 0 else ""


def _vocabulary_agrees(conn) -> None:
    for last in ("monit", "stockh", "plast", "zzzq"):
        words = {"plastic", "plastics", "litter", "nonexistentword", last}
        known, completions = rsearch._vocabulary(conn, words, last)
        assert known == rsearch._known(conn, words)
        assert completions == rsearch._completions(conn, last)
    known, completions = rsearch._vocabulary(conn, {"plastic"}, None)
    assert known == {"plastic"} and completions == []
    assert "monitoring" in rsearch._vocabulary(conn, {"monit"}, "monit")[1]


def test_vocabulary_and_completions_in_one_statement_on_sqlite(seeded_hub):
    with seeded_hub.engine.connect() as conn:
        _vocabulary_agrees(conn)


def _text_tier_from_candidates_agrees(conn) -> int:
    """The text tier ranked inside the candidates statement is the text tier statement's page; returns how many
    queries had text-tier hits (so the comparison cannot pass empty)."""
    compared = 0
    for query, filters in TEXT_TIER_QUERIES:
        q = rsearch._query(conn, rsearch.tokens(query))
        words = rsearch._render(q.groups, "postgresql")
        facets = rsearch._facet_expr(filters, "postgresql")
        match = rsearch._match(q.groups, filters, "postgresql", False)
        found = rsearch._candidates(conn, match, rsearch.RANK_LIMIT, (words, 20))
        alone = rsearch._tier(conn, rsearch._TierSpec(words, False), facets, 20)
        assert [(h.id, round(h.score, 6)) for h in found.ranked] == [(h.id, round(h.score, 6)) for h in alone.hits]
        assert found.exact == alone.exact and (found.total == alone.matched or not found.exact)
        compared += bool(alone.hits)
    return compared


def _title_tier_with_facets_agrees(conn) -> int:
    """A title tier with facet filters read from the title-and-facets index (migration 0750) ranks what the title
    index ANDed with the main index's facet terms ranked; returns how many tiers had hits."""
    compared = 0
    both = rsearch.TIER_SQL["postgresql"].format(
        vector="tsv_title", where="tsv_title @@ to_tsquery('simple', :w) AND tsv @@ to_tsquery('simple', :f)")
    for query, filters in (("plastic", {"type": ["policy"]}), ("marine litter", {"topic": ["monitoring"]}),
                           ("litter", {"country": ["KEN", "FRA"], "type": ["policy", "guideline"]})):
        q = rsearch._query(conn, rsearch.tokens(query))
        words, facets = rsearch._render(q.own, "postgresql"), rsearch._facet_expr(filters, "postgresql")
        tier = rsearch._tier(conn, rsearch._TierSpec(words, True), facets, 20)
        rows = conn.execute(text(both), {"w": words, "f": facets, "rq": words, "k": 20, "cap": 1000}).all()
        assert [(h.id, round(h.score, 6)) for h in tier.hits] == [(r[2], round(float(r[0]), 6)) for r in rows]
        compared += bool(rows)
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    sql = f"EXPLAIN SELECT doc_id FROM registry_search WHERE ({rsearch.TITLE_FACETS}) @@ to_tsquery('simple', :w)"  # noqa: S608
    plan = "\n".join(r[0] for r in conn.execute(text(sql), {"w": "plastic & lhftype706f6c696379"}))
    assert "ix_registry_search_tsv_title_facets" in plan, plan
    return compared


@pytest.mark.postgres
def test_postgresql_shortcuts_give_what_the_long_way_gives(request, tmp_path):
    from litterhub.services.hub import Hub
    from litterhub.services.registry import load_seed

    hub = Hub.open(tmp_path / "pg", database_url=request.getfixturevalue("postgres_url"))
    try:
        load_seed(hub)
        with hub.engine.connect() as conn:
            # the stored facet terms are the tail of the body the index was built from
            rows = conn.execute(text("SELECT body, facet_terms FROM registry_search")).all()
            assert rows and all(_tail(body) == terms for body, terms in rows)
            assert sum(bool(terms) for _, terms in rows) == len(rows)  # every record has a type at least
            assert _text_tier_from_candidates_agrees(conn) >= 3
            assert _title_tier_with_facets_agrees(conn) >= 2
            _vocabulary_agrees(conn)
            # facet counts and totals from the aggregated row equal a count over the facet rows
            expected = dict(conn.execute(text("SELECT value, COUNT(*) FROM registry_facets WHERE facet = 'type' "
                                              "GROUP BY value")).all())
        found = search_svc.search(hub, "", {"type": ["additive"]})
        assert found["total"] == expected["additive"] and found["total_exact"]
        counts = {f["value"]: f["count"] for f in found["facets"]["type"]}
        assert counts == {"additive": expected["additive"]}
        # a record indexed after the migration gets its facet terms from the database itself
        with hub.engine.begin() as conn:
            conn.execute(text("UPDATE registry_search SET body = body || ' lhfyear32303939' WHERE record_id = "
                              "(SELECT record_id FROM registry_search ORDER BY doc_id LIMIT 1)"))
            body, terms = conn.execute(text("SELECT body, facet_terms FROM registry_search ORDER BY doc_id "
                                            "LIMIT 1")).one()
        assert terms.endswith(" lhfyear32303939") and _tail(body) == terms
    finally:
        hub.close()
