"""Search across languages and facets: a query in Chinese or Arabic finds the substances its words name."""

from __future__ import annotations

import csv
import io
import json

import pytest

from litterhub.services import chemicals as svc


def test_chinese_plasticiser_finds_the_same_substances_as_the_function_facet(chem_hub):
    zh = svc.search(chem_hub, "增塑剂", limit=50)
    facet = svc.search(chem_hub, "", {"function": ["plasticiser"]}, limit=50)
    assert zh["recognised"] == [{"text": "增塑剂", "facet": "function", "code": "plasticiser"}]
    assert zh["total"] == facet["total"] > 100
    assert "117-81-7" in [i["cas"] for i in zh["items"]]  # DEHP, the best-sourced plasticiser
    ar = svc.search(chem_hub, "ملدن", limit=1)
    assert ar["total"] == facet["total"]


def test_additives_in_chinese_finds_the_whole_knowledge_base(chem_hub, chem_import):
    assert svc.search(chem_hub, "添加剂", limit=1)["total"] == chem_import[1]["substances"]


def test_words_combine_with_vocabulary_terms(chem_hub):
    both = svc.search(chem_hub, "flame retardant PVC", limit=5)
    assert {r["code"] for r in both["recognised"]} == {"flame-retardant", "PVC"}
    assert all("flame-retardant" in i["functions"] and "PVC" in i["polymers"] for i in both["items"])
    named = svc.search(chem_hub, "phthalate 增塑剂", limit=200)
    assert named["total"] > 5 and all("phthalate" in i["name"].lower() or i["cas"] for i in named["items"])
    assert named["total"] < svc.search(chem_hub, "增塑剂", limit=1)["total"]


def test_cas_and_listing_and_hazard_search(chem_hub):
    assert [i["cas"] for i in svc.search(chem_hub, "117-81-7")["items"]] == ["117-81-7"]
    pops = svc.search(chem_hub, "", {"listing": ["stockholm"]}, limit=1)
    assert pops["total"] >= 36  # at least every compiled POPs listing with a CAS
    carc = svc.search(chem_hub, "carcinogenic", limit=20)
    assert carc["total"] > 50 and all("carcinogenic" in i["hazards"] for i in carc["items"])


def test_facet_counts_match_filtered_totals(chem_hub):
    r = svc.search(chem_hub, "增塑剂", limit=1)
    polymer = r["facets"]["polymer"][0]
    again = svc.search(chem_hub, "增塑剂", {"polymer": [polymer["value"]]}, limit=1)
    assert again["total"] == polymer["count"]
    zh = svc.search(chem_hub, "", {"function": ["plasticiser"]}, limit=1, lang="zh")
    assert next(f for f in zh["facets"]["function"] if f["value"] == "plasticiser")["label"] == "增塑剂"


def test_paging_and_bad_requests(chem_hub):
    first = svc.search(chem_hub, "phthalate", limit=3)
    second = svc.search(chem_hub, "phthalate", limit=3, offset=3)
    assert not {i["cas"] for i in first["items"]} & {i["cas"] for i in second["items"]}
    with pytest.raises(svc.ChemicalsError) as exc:
        svc.search(chem_hub, "", {"colour": ["red"]})
    assert exc.value.code == "chemicals-unknown-facet"
    with pytest.raises(svc.ChemicalsError):
        svc.search(chem_hub, "x", limit=0)


def test_downloads_hold_the_whole_search(chem_hub):
    total = svc.search(chem_hub, "增塑剂 PVC", limit=1)["total"]
    text, media = svc.export(chem_hub, "增塑剂 PVC", {}, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert media.startswith("text/csv") and len(rows) == total
    assert all("plasticiser" in r["functions"].split("; ") for r in rows)
    body = json.loads(svc.export(chem_hub, "增塑剂 PVC", {}, "json")[0])
    assert body["total"] == total == len(body["items"]) and body["sources"][0]["licence"]
