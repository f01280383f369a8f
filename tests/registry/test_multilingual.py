"""Search across the six UN languages (issue 18 item 8): the glossary used at query time, the names overlay of
seed records (marked for native review), facet and type labels in the page language; through the service, the
API, the CLI, the web page and a real browser."""

from __future__ import annotations

import csv
import json

import pytest
from babel.messages.pofile import read_po

from litterhub.registry.entities import TOPICS, TYPE_LABELS, UN_LANGUAGES
from litterhub.registry.glossary import GLOSSARY_CSV, NAMES_CSV, glossary, junction_bigrams, record_names
from litterhub.registry.text import tokens
from litterhub.services import search as search_svc
from litterhub.web.i18n import LOCALE_DIR
from litterhub.web.registry_labels import TOPIC_LABELS, TYPE_MSGIDS

# English-only records (no Chinese or Arabic name, official or overlay) that a Chinese or Arabic query must reach
# through the glossary alone.
ENGLISH_MARINE_LITTER = "policy-ospar-rap-ml"  # "OSPAR Regional Action Plan ... Marine Litter ..."
ADDITIVE_RECORDS = {"additive-hbb", "additive-bbp", "additive-dechlorane-plus", "additive-uv-328"}


def _ids(result) -> list[str]:
    return [r["id"] for r in result["results"]]


def test_the_glossary_has_every_key_concept_in_the_six_languages_and_says_where_each_term_comes_from():
    g = glossary()
    for concept in ("marine-litter", "additives", "microplastics", "plastic", "recycling",
                    "extended-producer-responsibility", "fishing-gear"):
        assert {t.lang for t in g.by_concept[concept]} == set(UN_LANGUAGES), concept
    with GLOSSARY_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["origin"] for r in rows} == {"official", "machine"}
    assert all(r["needs_review"] == "yes" for r in rows if r["origin"] == "machine")
    assert all(r["source"].startswith("https://") for r in rows if r["origin"] == "official")


def test_names_overlay_rows_are_marked_and_name_seed_records(seeded_hub):
    names = record_names()
    with NAMES_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["needs_review"] == "yes" for r in rows if r["origin"] == "machine")
    assert {r["lang"] for r in rows} <= set(UN_LANGUAGES)
    found = search_svc.search(seeded_hub, "", limit=1)["total"]
    assert found > 0
    from litterhub.services.registry import published_data

    with seeded_hub.engine.connect() as conn:
        present = set(published_data(conn, sorted(names)))
    assert present == set(names), sorted(set(names) - present)


def test_glossary_spans_and_junction_bigrams():
    words = tokens("海洋垃圾监测")
    spans = glossary().spans(words)
    assert [(s.start, s.end, s.concepts) for s in spans] == [(0, 3, ("marine-litter",)), (4, 5, ("monitoring",))]
    assert junction_bigrams(words, spans) == {3}  # 圾监 belongs to no word of either language


def test_chinese_additives_finds_the_english_additive_records(seeded_hub):
    result = search_svc.search(seeded_hub, "添加剂", limit=50)
    ids = _ids(result)
    assert ADDITIVE_RECORDS <= set(ids), ids
    assert "additive" in result["expanded"]["添加剂"] and "additives" in result["expanded"]["添加剂"]
    assert not result["corrected"]


@pytest.mark.parametrize("query", ["海洋垃圾", "القمامة البحرية", "морской мусор", "basura marina"])
def test_marine_litter_in_any_language_finds_the_english_only_record(seeded_hub, query):
    result = search_svc.search(seeded_hub, query, limit=100)
    assert ENGLISH_MARINE_LITTER in _ids(result), query
    assert _ids(result)[0] == "policy-unea-res-3-7"  # the record named so in the query's own language first


def test_own_language_names_rank_before_translations(seeded_hub):
    """A record whose own title holds the query's words outranks records reached through the glossary."""
    top = _ids(search_svc.search(seeded_hub, "القمامة البحرية", limit=2))
    assert top == ["policy-unea-res-3-7", "policy-unea-res-4-6"]


def test_machine_names_are_searchable_and_returned_with_their_review_state(seeded_hub):
    result = search_svc.search(seeded_hub, "六溴环十二烷", limit=3)  # hexabromocyclododecane, overlay only
    hit = result["results"][0]
    assert hit["id"] == "additive-hbcdd"
    assert hit["translated_names"]["zh"] == {"name": "六溴环十二烷", "origin": "machine", "needs_review": True,
                                             "source": None}
    unep = search_svc.search(seeded_hub, "联合国环境规划署", limit=1)["results"][0]
    assert unep["id"] == "actor-unep" and "zh" not in unep["translated_names"]  # the official name is kept


def test_api_search_in_chinese(seeded_client):
    r = seeded_client.get("/api/v1/search", params={"q": "添加剂", "limit": 50})
    assert r.status_code == 200
    body = r.json()
    assert ADDITIVE_RECORDS <= {x["id"] for x in body["results"]}
    assert "additive" in body["expanded"]["添加剂"]
    r = seeded_client.get("/api/v1/search", params={"q": "海洋垃圾", "limit": 100})
    assert ENGLISH_MARINE_LITTER in {x["id"] for x in r.json()["results"]}


def test_cli_search_in_chinese(seeded_hub):
    from typer.testing import CliRunner

    from litterhub.cli import app

    data = ["--data-dir", str(seeded_hub.settings.data_dir)]
    r = CliRunner().invoke(app, ["registry", "search", "添加剂", "--type", "additive", "--limit", "50", *data])
    assert r.exit_code == 0, r.output
    assert ADDITIVE_RECORDS <= {line.split("\t")[0] for line in r.output.splitlines()[1:]}
    r = CliRunner().invoke(app, ["registry", "search", "海洋垃圾", "--json", "--limit", "100", *data])
    assert r.exit_code == 0 and ENGLISH_MARINE_LITTER in {x["id"] for x in json.loads(r.output)["results"]}


def test_web_search_in_chinese_shows_translated_labels_and_the_glossary_terms(seeded_client):
    page = seeded_client.get("/registry", params={"q": "海洋垃圾", "lang": "zh"}).text
    assert 'href="/registry/records/initiative-marine-debris-tracker"' in page  # "Marine Debris Tracker", English only
    assert "同时以其他联合国语文检索" in page and "marine litter" in page  # the equivalents searched
    assert "政策或措施" in page  # type "Policy or measure", as facet and as tag
    assert "Policy or measure" not in page
    page = seeded_client.get("/registry", params={"lang": "zh", "country": "KEN"}).text
    assert 'data-value="KEN">肯尼亚</a>' in page  # the country facet from CLDR (Kenya)


def test_every_type_and_topic_label_is_declared_and_translated():
    assert set(TYPE_LABELS.values()) <= set(TYPE_MSGIDS)
    assert set(TOPICS) == set(TOPIC_LABELS)
    for lang in ("fr", "es", "ar", "ru", "zh"):
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalog = read_po(f, locale=lang)
        for msgid in [*TYPE_MSGIDS, *TOPIC_LABELS.values()]:
            message = catalog.get(msgid)
            assert message is not None and message.string and not message.fuzzy, (lang, msgid)


@pytest.mark.browser
@pytest.mark.integration
def test_browser_search_in_chinese(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/registry?lang=zh")
    page.fill("#q", "添加剂")
    page.press("#q", "Enter")
    page.wait_for_selector("#expanded")
    assert "additive" in page.inner_text("#expanded")
    links = page.locator("ol.results a[href^='/registry/records/additive-']")
    assert links.count() >= 5
    assert page.locator("aside.facets").inner_text().count("添加剂或化学品") >= 1  # the type facet, in Chinese
    assert not errors, errors
    page.close()


def test_seeding_again_indexes_overlay_names_of_records_seeded_before_them(hub, monkeypatch):
    from litterhub.registry import glossary as gl
    from litterhub.registry import search as rsearch
    from litterhub.services.registry import load_seed

    monkeypatch.setattr(rsearch, "record_names", dict)  # a hub seeded before names.csv existed
    load_seed(hub)
    assert search_svc.search(hub, "六溴环十二烷")["total"] == 0
    monkeypatch.setattr(rsearch, "record_names", gl.record_names)
    again = load_seed(hub)
    assert "additive-hbcdd" in again["reindexed"] and not again["created"]
    assert search_svc.search(hub, "六溴环十二烷", limit=1)["results"][0]["id"] == "additive-hbcdd"
    assert load_seed(hub)["reindexed"] == []  # nothing left to do
