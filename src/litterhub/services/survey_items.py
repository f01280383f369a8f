"""Which master-list items volunteers find most often in a country: the order of the phone survey's item list.

Contract: `ranking(hub, country)` counts, over the current versions of every published dataset, the surveys
(events) in that country where an item was found (count > 0), per master-list code, most found first. It is a
count of surveys, not of items, so one survey with 5 000 cigarette butts weighs as much as one with five: the
list is ordered by how likely a volunteer is to meet the item, which is what saves scrolling. A country with
no survey gives an empty ranking (the form then keeps its own order); an unknown code is a BadRequest.
"""

from __future__ import annotations

from typing import Any

import pycountry

from litterhub.services import lake_events
from litterhub.services.datasets import BadRequest
from litterhub.services.hub import Hub

MAX_ITEMS = 300  # more than any protocol's item list


def iso3(country: str) -> str:
    """PT, PRT or prt -> PRT (the survey form accepts two- or three-letter codes)."""
    code = (country or "").strip().upper()
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else pycountry.countries.get(alpha_3=code)
    if found is None:
        raise BadRequest(f"unknown country code {country!r}: use ISO 3166 (e.g. PT or PRT)", code="unknown-country",
                         field="country")
    return found.alpha_3


def ranking(hub: Hub, country: str) -> dict[str, Any]:
    """{"country", "surveys", "items": [{"code", "surveys"}]}: master items by surveys that found them there."""
    code = iso3(country)
    versions = lake_events.versions(hub, lake_events.Filter(country=code))
    if not versions:
        return {"country": code, "surveys": 0, "items": []}
    con = hub.lake.connect()
    con.register("ev", hub.lake.scan("events", versions, con))
    con.register("ob", hub.lake.scan("observations", versions, con))
    con.execute("CREATE TEMP TABLE here AS SELECT event_id FROM ev WHERE country = ?", [code])
    surveys = con.sql("SELECT count(*) FROM here").fetchall()[0][0]
    rows = con.sql(f"""
        SELECT master_code, count(DISTINCT event_id) AS n FROM ob
        WHERE count > 0 AND master_code IS NOT NULL AND event_id IN (SELECT event_id FROM here)
        GROUP BY master_code ORDER BY n DESC, master_code LIMIT {MAX_ITEMS}""").fetchall()  # noqa: S608
    return {"country": code, "surveys": int(surveys), "items": [{"code": c, "surveys": int(n)} for c, n in rows]}
