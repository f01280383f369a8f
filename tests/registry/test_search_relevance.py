"""Relevance of broad queries on SQLite and PostgreSQL (issue 20): a word in hundreds of records still ranks the
record that is plainly about it first, even when it was added last (the old ranking only scored the first 500
matches in index order); and the cross-language glossary works on PostgreSQL as on SQLite."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from litterhub.registry import search as rsearch
from litterhub.services import search as search_svc
from litterhub.services.registry import Caller, import_records, load_seed

FILLERS = 620  # more matches than the old RANK_LIMIT of 500


def _fill(hub) -> None:
    records = []
    for i in range(FILLERS):
        if i % 2:
            title, summary = f"Annual review of coastal plastic waste flows and their sources, number {i}", "Review."
        else:
            title, summary = f"Coastal survey {i}", "Counts of plastic items and other litter on the shore."
        records.append({"type": "guideline", "title": title, "summary": summary, "id": f"filler-{i:04d}",
                        "sources": [f"https://example.org/filler/{i}"], "topics": ["monitoring"]})
    records.append({"type": "report", "kind": "assessment", "id": "report-plastics", "title": "Plastics",
                    "summary": "What plastics are, how much is made, where it goes.",
                    "sources": ["https://example.org/plastics"], "topics": ["research"]})
    result = import_records(hub, json.dumps({"records": records}), "json", Caller("test", "admin"), publish=True)
    assert len(result["created"]) == FILLERS + 1


def _check_broad_query(hub) -> None:
    result = search_svc.search(hub, "plastic", limit=10)
    # past RANK_LIMIT matches the total is an estimate, and says so
    assert not result["total_exact"] and abs(result["total"] - (FILLERS + 1)) <= 0.1 * FILLERS
    assert result["results"][0]["id"] == "report-plastics"
    assert result["ranked_exact"]
    # the title tier: every record with the word in its title before any that has it only in its text
    titled = [r["id"] for r in search_svc.search(hub, "plastic", limit=FILLERS // 2 + 5)["results"]]
    cut = FILLERS // 2 + 1
    assert all(int(i.split("-")[1]) % 2 for i in titled[1:cut]) and titled[0] == "report-plastics"
    assert all(int(i.split("-")[1]) % 2 == 0 for i in titled[cut:])


def test_broad_query_ranks_the_obvious_record_first_on_sqlite(hub):
    _fill(hub)
    _check_broad_query(hub)


@pytest.mark.postgres
def test_broad_query_ranks_the_obvious_record_first_on_postgresql(request, tmp_path):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path / "pg", database_url=request.getfixturevalue("postgres_url"))
    try:
        _fill(hub)
        _check_broad_query(hub)
    finally:
        hub.close()


@pytest.mark.postgres
def test_cross_language_search_and_title_index_on_postgresql(request, tmp_path):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path / "pg", database_url=request.getfixturevalue("postgres_url"))
    try:
        load_seed(hub)
        additives = {r["id"] for r in search_svc.search(hub, "添加剂", limit=50)["results"]}
        assert {"additive-hbb", "additive-bbp", "additive-dechlorane-plus"} <= additives
        marine = search_svc.search(hub, "海洋垃圾", limit=100)
        ids = [r["id"] for r in marine["results"]]
        assert ids[0] == "policy-unea-res-3-7" and "policy-ospar-rap-ml" in ids
        assert "marine litter" in marine["expanded"]["海洋垃圾"]
        with hub.engine.connect() as conn:  # the title tier can be served by its GIN index
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            sql = rsearch.TIER_SQL["postgresql"].format(vector="tsv_title",
                                                         where="tsv_title @@ to_tsquery('simple', :w)")
            plan = "\n".join(r[0] for r in conn.execute(text("EXPLAIN " + sql),
                                                          {"w": "plastic", "rq": "plastic", "k": 20, "cap": 10}))
            assert "ix_registry_search_tsv_title" in plan, plan
    finally:
        hub.close()
