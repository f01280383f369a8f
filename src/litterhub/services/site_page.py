"""What the site page shows beyond the catalog row: the survey timeline per comparability class, the item mix,
the datasets and programmes that surveyed the site, and its downloads.

Contract: `site_page(hub, site_id)` returns `get_site`'s dict plus `timeline`, `mix`, `datasets` and
`downloads`; NotFound as `get_site`. The lake is read once per call (the site's own rows of the current versions
of the datasets that surveyed it), so callers run it in a worker thread, never on the event loop (the web route
is a plain `def`, which FastAPI runs in its thread pool).

The timeline and the item mix are per comparability class (analysis/comparability.py): counts of a 100 m OSPAR
survey and of an MDMAP transect are never drawn as one series nor added into one share.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd

from litterhub.analysis import composition as composition_analysis
from litterhub.analysis.comparability import CLASS_SQL, COUNTED_SQL, UNIT_FAMILY_SQL
from litterhub.services import datasets as svc
from litterhub.services import lake_events
from litterhub.services.hub import Hub

# the item mix lists this many items per class; the rest is one "others" row, so shares add up to 100 %
TOP_ITEMS = 10
DOWNLOAD_FORMATS = ("csv", "geojson", "parquet")


def site_versions(hub: Hub, site_id: str) -> list[tuple[str, int]]:
    """(dataset, current version) of every published dataset with an event at the site (from the summaries)."""
    return lake_events.versions(hub, lake_events.Filter(site=site_id))


def _datasets(hub: Hub, versions: list[tuple[str, int]], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The datasets that surveyed the site, with their title, programme and this site's survey count."""
    per = {}
    for ev in events:
        per[ev["dataset_id"]] = per.get(ev["dataset_id"], 0) + 1
    out = []
    for ident, version in versions:
        ds = svc.get_dataset(hub, ident)
        out.append({"id": ident, "version": version, "title": ds.get("title") or ident,
                    "programme": ds.get("source_programme") or "",
                    "licence": ds.get("licence") or "", "surveys": per.get(ident, 0)})
    return out


def _lake_views(hub: Hub, site_id: str, versions: list[tuple[str, int]]):
    con = hub.lake.connect()
    con.register("_site", pd.DataFrame({"site_id": [site_id]}, dtype="string"))
    con.register("_all_events", hub.lake.scan("events", versions, con))
    con.register("events", con.sql("SELECT * FROM _all_events e SEMI JOIN _site s ON s.site_id = e.site_id"))
    con.register("observations", hub.lake.scan("observations", versions, con))
    return con


def timeline(con) -> list[dict[str, Any]]:
    """Total items per survey, dated, with the class label and the unit family its counts refer to."""
    rows = con.sql(f"""
        SELECT strftime(event_date, '%Y-%m-%d') AS date, total_count AS total, {CLASS_SQL} AS cls,
               {UNIT_FAMILY_SQL} AS unit, event_id, dataset_id
        FROM events WHERE event_date IS NOT NULL AND total_count IS NOT NULL AND {COUNTED_SQL}
        ORDER BY event_date, event_id""").fetchall()  # noqa: S608 - fixed SQL of our own modules
    return [dict(zip(("date", "total", "cls", "unit", "event_id", "dataset_id"), r, strict=True)) for r in rows]


def item_mix(con, top: int = TOP_ITEMS) -> list[dict[str, Any]]:
    """Per class: the top items (master names) with their share, plus an 'others' share when items were cut."""
    tables = composition_analysis.composition(con, "events", "observations", top=top)
    items, totals = tables["items"], tables["totals"]
    out = []
    for _, cls in totals.iterrows():
        label = cls[composition_analysis.CLASS_COLUMN]
        rows = items[items[composition_analysis.CLASS_COLUMN] == label]
        listed = [{"item": r["item"], "name": r["name"], "total": float(r["total"]), "pct": float(r["pct_of_total"])}
                  for _, r in rows.iterrows() if r["pct_of_total"] == r["pct_of_total"]]
        total = float(cls["total_count"] or 0)
        if not total:
            continue
        rest = total - sum(r["total"] for r in listed)
        others = {"total": rest, "pct": 100.0 * rest / total} if rest > 0 else None
        chart = [{"label": f"{r['name']} ({r['item']})", "pct": r["pct"], "rank": i, "is_others": False}
                 for i, r in enumerate(listed)]
        if others:  # labelled "others" in the page language by the chart script
            chart.append({"label": "", "pct": others["pct"], "rank": len(chart), "is_others": True})
        out.append({"cls": label, "surveys": int(cls["surveys"]), "total": total, "items": listed,
                    "others": others, "chart": chart})
    return out


def downloads(site_id: str) -> list[dict[str, str]]:
    """This site's surveys through the /api/v1/events download routes (the same rows as /api/v1/events)."""
    query = urlencode({"site": site_id})
    return [{"format": fmt, "url": f"/api/v1/events/download.{fmt}?{query}"} for fmt in DOWNLOAD_FORMATS]


def site_page(hub: Hub, site_id: str) -> dict[str, Any]:
    site = svc.get_site(hub, site_id)
    versions = site_versions(hub, site_id)
    con = _lake_views(hub, site_id, versions)
    try:
        return {**site, "timeline": timeline(con), "mix": item_mix(con),
                "datasets": _datasets(hub, versions, site["events"]), "downloads": downloads(site_id)}
    finally:
        con.close()
