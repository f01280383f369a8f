"""Entity validation, CAS check digits, text normalisation for search, and CSV safety."""

from __future__ import annotations

import pytest

from litterhub.registry import csvio
from litterhub.registry.cas import is_valid_cas, validate_cas
from litterhub.registry.entities import ENTITY_TYPES, RecordError, parse_record
from litterhub.registry.links import check_link
from litterhub.registry.text import normalise, tokens


@pytest.mark.parametrize("cas", ["25637-99-4", "1163-19-5", "335-67-1", "25973-55-1", "13560-89-9", "85535-84-8",
                                 "7732-18-5"])
def test_real_cas_numbers_pass(cas):
    assert is_valid_cas(cas)


@pytest.mark.parametrize("cas", ["25637-99-5", "335-67-2", "1163195", "12-34", "abc-de-f"])
def test_bad_cas_numbers_fail(cas):
    assert not is_valid_cas(cas)
    with pytest.raises(ValueError):
        validate_cas(cas)


def test_additive_with_wrong_check_digit_is_refused_with_the_field():
    with pytest.raises(RecordError) as err:
        parse_record({"type": "additive", "title": "HBCDD", "sources": ["https://www.pops.int"],
                      "cas_rn": ["25637-99-5"]})
    assert err.value.errors[0]["field"] == "cas_rn"
    assert "expected 4" in err.value.errors[0]["message"]


def test_every_type_needs_a_source_and_checks_codes():
    assert len(ENTITY_TYPES) == 15  # practice (issue 18); learning resource and path (issue 22)
    with pytest.raises(RecordError) as err:
        parse_record({"type": "actor", "kind": "ngo", "title": "x", "sources": [], "countries": ["XXX"],
                      "languages": ["zz"], "topics": ["nonsense"]})
    fields = {e["field"] for e in err.value.errors}
    assert {"sources", "countries", "languages", "topics"} <= fields


def test_sources_accept_urls_and_dois_only():
    rec = parse_record({"type": "report", "kind": "scientific-article", "title": "Jambeck",
                        "sources": ["10.1126/science.1260352", "https://example.org/x"]})
    assert rec.sources == ["doi:10.1126/science.1260352", "https://example.org/x"]
    with pytest.raises(RecordError):
        parse_record({"type": "report", "kind": "assessment", "title": "x", "sources": ["javascript:alert(1)"]})


def test_unknown_type_and_extra_fields_are_refused():
    with pytest.raises(RecordError):
        parse_record({"type": "spaceship", "title": "x", "sources": ["https://e.org"]})
    with pytest.raises(RecordError) as err:
        parse_record({"type": "actor", "kind": "ngo", "title": "x", "sources": ["https://e.org"], "colour": "red"})
    assert err.value.errors[0]["field"] == "colour"


def test_link_types_are_checked_against_record_types():
    assert check_link("follows_guideline", "initiative", "guideline") is None
    assert "guideline" in check_link("follows_guideline", "initiative", "actor")
    assert check_link("in_region", "policy", "region") is None
    assert check_link("supersedes", "report", "guideline") is not None
    assert "unknown" in check_link("likes", "actor", "actor")


def test_arabic_is_normalised():
    # alef with hamza, taa marbuta, diacritics and tatweel fold away
    assert normalise("القُمامة") == normalise("القمامه")
    assert normalise("أسماك") == normalise("اسماك")
    assert normalise("بحـــري") == "بحري"


def test_chinese_is_split_into_bigrams_and_latin_folded():
    assert tokens("海洋垃圾") == ["海洋", "洋垃", "垃圾"]
    assert tokens("Déchets MARINS") == ["dechets", "marins"]
    assert tokens("ISO24187标准") == ["iso24187", "标准"]


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tcmd"])
def test_csv_cells_that_start_a_formula_are_neutralised(payload):
    text = csvio.write_csv([({"type": "actor", "title": payload, "summary": payload, "sources": ["https://e.org"],
                              "tags": [payload]}, "published")])
    row = text.splitlines()[1]
    assert ",=" not in row and ",+" not in row and ",@" not in row and ",-" not in row
    back = csvio.read_csv(text)[0][1]
    assert back["title"] == payload and back["summary"] == payload
