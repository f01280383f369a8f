"""Registry search as a use case: ranked, faceted, typo-tolerant full text over published records, returned
with each hit's summary fields and facet values labelled for people (region titles, type labels)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pycountry
from sqlalchemy import select

from litterhub.registry import search as rsearch
from litterhub.registry.entities import TYPE_LABELS
from litterhub.registry.glossary import record_names
from litterhub.services.hub import Hub
from litterhub.services.registry import RegistryError, published_data
from litterhub.store import registry_tables as rt

MAX_LIMIT = 100
MAX_QUERY = 500


@lru_cache(maxsize=1024)  # labels of ISO codes are fixed; every search labels a few dozen facet values
def _language_label(code: str) -> str:
    language = pycountry.languages.get(alpha_2=code)
    return language.name if language else code


@lru_cache(maxsize=1024)
def _country_label(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    return (getattr(country, "common_name", None) or country.name) if country else code


def _translated_names(record_id: str, official: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Names from the translation overlay in languages the record has no official name in, each with its origin
    (`machine`: awaiting a native speaker's review) so no page passes a guess off as an official name."""
    return {lang: n.as_dict() for lang, n in record_names().get(record_id, {}).items() if lang not in official}


def search(hub: Hub, q: str = "", filters: dict[str, list[str]] | None = None, limit: int = 20,
           offset: int = 0) -> dict[str, Any]:
    if len(q) > MAX_QUERY:
        raise RegistryError(400, "constraint-error", f"the query is longer than {MAX_QUERY} characters")
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    filters = {k: [v for v in vs if v] for k, vs in (filters or {}).items() if k in rsearch.FACETS}
    with hub.engine.connect() as conn:
        page = rsearch.search(conn, q, filters, limit, offset)
        data = published_data(conn, [h.id for h in page.hits])
        region_ids = list(page.facets.get("region", {}))
        regions = dict(conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.title).where(
            rt.registry_records.c.id.in_(region_ids))).all()) if region_ids else {}
    results = []
    for hit in page.hits:
        d = data.get(hit.id, {})
        results.append({"id": hit.id, "type": d.get("type"), "title": d.get("title"), "names": d.get("names", {}),
                        "summary": d.get("summary", ""), "year": d.get("year"), "countries": d.get("countries", []),
                        "regions": d.get("regions", []), "topics": d.get("topics", []),
                        "translated_names": _translated_names(hit.id, d.get("names", {})),
                        "score": round(hit.score, 4)})
    labels = {"type": TYPE_LABELS, "region": regions,
              "country": {c: _country_label(c) for c in page.facets.get("country", {})},
              "language": {c: _language_label(c) for c in page.facets.get("language", {})}}
    facets = {facet: [{"value": v, "count": n, "label": labels.get(facet, {}).get(v, v), "selected":
                       v in filters.get(facet, [])} for v, n in values.items()]
              for facet, values in page.facets.items()}
    next_offset = offset + limit if offset + limit < page.total else None
    return {"query": q, "total": page.total, "limit": limit, "offset": offset, "next_offset": next_offset,
            "total_exact": page.total_exact, "ranked_exact": page.ranked_exact, "rank_limit": rsearch.RANK_LIMIT,
            "mode": page.mode, "expanded": page.expanded,
            "corrected": page.corrected, "results": results, "facets": facets, "facets_exact": page.facets_exact,
            "filters": filters}


def country_counts(hub: Hub) -> list[dict[str, Any]]:
    """Published records per country, with the ISO numeric code the world-atlas outlines are keyed by."""
    with hub.engine.connect() as conn:
        page = rsearch.search(conn, "", {}, limit=1)
    out = []
    for code, n in page.facets.get("country", {}).items():
        country = pycountry.countries.get(alpha_3=code)
        out.append({"country": code, "numeric": country.numeric if country else None,
                    "name": _country_label(code), "count": n})
    return out
