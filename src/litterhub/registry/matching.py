"""Capacity matching (UNEP/EA.4 annex para 11(c)): how well an offer answers a need, by shared topics,
languages and geography, with the reasons spelled out so people can judge a match themselves."""

from __future__ import annotations

from dataclasses import dataclass

WEIGHTS = {"topic": 3.0, "language": 2.0, "region": 1.5, "country": 1.0, "format": 1.0}


@dataclass
class Match:
    need_id: str
    offer_id: str
    score: float
    reasons: dict[str, list[str]]


def score(need: dict, offer: dict) -> Match | None:
    """A match if the two share at least one topic; offers without languages or coverage count as open to all."""
    reasons: dict[str, list[str]] = {}
    topics = sorted(set(need.get("topics", [])) & set(offer.get("topics", [])))
    if not topics:
        return None
    reasons["topic"] = topics
    need_langs, offer_langs = set(need.get("languages", [])), set(offer.get("languages", []))
    shared_langs = sorted(need_langs & offer_langs)
    if need_langs and offer_langs and not shared_langs:
        return None  # no common language: the offer cannot serve this need
    if shared_langs:
        reasons["language"] = shared_langs
    for key in ("region", "country", "format"):
        field = {"region": "regions", "country": "countries", "format": "formats"}[key]
        shared = sorted(set(need.get(field, [])) & set(offer.get(field, [])))
        if shared:
            reasons[key] = shared
    total = sum(WEIGHTS[k] * len(v) for k, v in reasons.items())
    return Match(need.get("id", ""), offer.get("id", ""), total, reasons)


def rank(need: dict, offers: list[dict]) -> list[Match]:
    found = [m for m in (score(need, o) for o in offers) if m is not None]
    return sorted(found, key=lambda m: (-m.score, m.offer_id))
