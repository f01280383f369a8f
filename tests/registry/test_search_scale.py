"""Registry search at scale (issue 20): bounded work per query, said plainly when it is not exact; facet filters
and counts from the index agree with the facet rows; PostgreSQL plans use the GIN indexes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from litterhub.registry import search as rsearch
from litterhub.services import search as search_svc


def _exact_ids(hub, facet: str, value: str) -> set[str]:
    with hub.engine.connect() as conn:
        return set(conn.execute(text("SELECT record_id FROM registry_facets WHERE facet = :f AND value = :v"),
                                {"f": facet, "v": value}).scalars())


def test_past_the_rank_limit_total_and_facets_are_flagged_and_the_page_is_unchanged(seeded_hub, monkeypatch):
    exact = search_svc.search(seeded_hub, "plastic", limit=5)
    assert exact["total_exact"] and exact["ranked_exact"] and exact["facets_exact"]
    assert exact["total"] > 20
    monkeypatch.setattr(rsearch, "RANK_LIMIT", 10)
    bounded = search_svc.search(seeded_hub, "plastic", limit=5)
    assert not bounded["total_exact"] and not bounded["facets_exact"]
    # the estimate extrapolates how far into the index the first 10 matches reach: right order of magnitude
    assert exact["total"] / 3 <= bounded["total"] <= exact["total"] * 3
    # ranking does not depend on RANK_LIMIT: the tiers rank every title match
    assert bounded["ranked_exact"] and [r["id"] for r in bounded["results"]] == [r["id"] for r in exact["results"]]
    counted = sum(f["count"] for f in bounded["facets"]["type"])
    assert counted == 10  # facet counts describe the 10 candidates, each with exactly one type


def test_a_capped_ranking_tier_is_flagged(seeded_hub, monkeypatch):
    monkeypatch.setattr(rsearch, "TITLE_RANK_LIMIT", 3)
    result = search_svc.search(seeded_hub, "plastic", limit=5)
    assert not result["ranked_exact"] and len(result["results"]) == 5


def test_facet_filters_through_the_index_match_the_facet_rows(seeded_hub):
    for facet, value in (("country", "KEN"), ("type", "additive"), ("topic", "microplastics")):
        expected = _exact_ids(seeded_hub, facet, value)
        found = search_svc.search(seeded_hub, "", {facet: [value]}, limit=100)
        assert found["total"] == len(expected) > 0
        assert {r["id"] for r in found["results"]} == expected
        counts = {f["value"]: f["count"] for f in found["facets"][facet]}
        assert counts[value] == len(expected)
    both = search_svc.search(seeded_hub, "", {"type": ["additive"], "country": ["KEN"]}, limit=100)
    assert {r["id"] for r in both["results"]} == _exact_ids(seeded_hub, "type", "additive") & _exact_ids(
        seeded_hub, "country", "KEN")


def test_whole_registry_facet_counts_follow_the_facet_rows(hub):
    """The counts kept by triggers equal a GROUP BY over the facet rows, also after a record is re-indexed
    and after one is removed from the index."""
    from litterhub.services.registry import load_seed

    load_seed(hub)

    def grouped():
        with hub.engine.connect() as conn:
            rows = conn.execute(text("SELECT facet, value, COUNT(*) FROM registry_facets GROUP BY facet, value"))
            return {(f, v): n for f, v, n in rows}

    def kept():
        page = search_svc.search(hub, "")
        return {(f, item["value"]): item["count"] for f, items in page["facets"].items() for item in items}

    assert kept() == grouped()
    with hub.engine.begin() as conn:
        record_id = conn.execute(text("SELECT record_id FROM registry_facets WHERE facet = 'country' "
                                      "AND value = 'KEN' LIMIT 1")).scalar_one()
        rsearch.unindex_record(conn, record_id)
    assert kept() == grouped()
    with hub.engine.connect() as conn:
        indexed = conn.execute(text("SELECT COUNT(*) FROM registry_search")).scalar_one()
    assert search_svc.search(hub, "")["total"] == indexed


def test_facet_tokens_round_trip():
    for facet, value in (("region", "region-baltic"), ("country", "KEN"), ("year", "2019"), ("topic", "海洋")):
        token = rsearch.facet_token(facet, value)
        assert token.isalnum() and token == token.lower()
        assert rsearch._parse_facet_token(token) == (facet, value)
    assert rsearch._parse_facet_token("plastic") is None


@pytest.mark.postgres
def test_postgresql_plans_use_the_gin_indexes(request, tmp_path):
    """The full-text match, the typo lookup (`%`) and completion (`LIKE 'abc%'`) are answerable from their GIN
    indexes (tsvector; pg_trgm over a varchar column). On the small seed the planner would rather scan, so scans
    are priced out: what is checked is that the indexes can serve these operators at all."""
    from litterhub.services.hub import Hub
    from litterhub.services.registry import load_seed

    hub = Hub.open(tmp_path / "pg", database_url=request.getfixturevalue("postgres_url"))
    try:
        load_seed(hub)
        with hub.engine.connect() as conn:
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            match = rsearch._match([["hexabromocyclododecane"]], {"type": ["additive"]}, "postgresql", False)
            plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + rsearch.CANDIDATES_SQL["postgresql"]),
                                                          {"q": match, "rq": match, "n": rsearch.RANK_LIMIT}))
            assert "ix_registry_search_tsv" in plan, plan
            conn.execute(text("SET LOCAL enable_indexscan = off"))  # the primary key's b-tree would do too
            conn.execute(text("SET LOCAL enable_indexonlyscan = off"))
            for sql in ("SELECT term FROM registry_terms WHERE term % 'stockholn'",
                        "SELECT term FROM registry_terms WHERE term LIKE 'stockh%'"):
                typo = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql)))
                assert "ix_registry_terms_trgm" in typo, typo
            assert "stockholm" in rsearch._alternatives(conn, "stockholn")
            assert "stockholm" in rsearch._alternatives(conn, "stockh", last=True)
        assert "stockholm" in search_svc.search(hub, "stockholn")["corrected"]["stockholn"]
    finally:
        hub.close()


def test_api_and_web_say_what_is_not_exact(seeded_client, monkeypatch):
    monkeypatch.setattr(rsearch, "RANK_LIMIT", 10)
    monkeypatch.setattr(rsearch, "TITLE_RANK_LIMIT", 3)
    body = seeded_client.get("/api/v1/search", params={"q": "plastic"}).json()
    assert body["total_exact"] is False and body["rank_limit"] == 10 and body["facets_exact"] is False
    assert body["ranked_exact"] is False
    page = seeded_client.get("/registry", params={"q": "plastic"}).text
    assert f"≈ {body['total']}" in page
    assert "Filter counts cover the first 10 matches. The total is an estimate." in page
    assert "Too many matches to rank them all" in page
    monkeypatch.setattr(rsearch, "RANK_LIMIT", 500)
    monkeypatch.setattr(rsearch, "TITLE_RANK_LIMIT", 5000)
    page = seeded_client.get("/registry", params={"q": "plastic"}).text
    assert "≈" not in page and "cover the first" not in page and "Too many matches" not in page


def test_cli_says_when_the_total_is_an_estimate(seeded_hub, monkeypatch):
    from typer.testing import CliRunner

    from litterhub.cli import app

    data = ["--data-dir", str(seeded_hub.settings.data_dir)]
    monkeypatch.setattr(rsearch, "RANK_LIMIT", 10)
    r = CliRunner().invoke(app, ["registry", "search", "plastic", *data])
    assert r.exit_code == 0 and "(estimated from the first 10 matches)" in r.output
    monkeypatch.setattr(rsearch, "RANK_LIMIT", 500)
    r = CliRunner().invoke(app, ["registry", "search", "plastic", *data])
    assert r.exit_code == 0 and "estimated" not in r.output
