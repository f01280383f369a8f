"""Reading the catalog: datasets, versions, sites and the sampling-event index, for all three faces."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from litterhub.errors import InvalidInput, NotFoundError
from litterhub.services import lake_events, summaries
from litterhub.services.hub import Hub
from litterhub.store import summary_tables as st
from litterhub.store import tables as t

MAX_PAGE = 1000


class NotFound(NotFoundError, LookupError):
    """The requested record does not exist."""


class BadRequest(InvalidInput, ValueError):
    """A query parameter has an invalid value (the message says which and why)."""


# --- what the public may see ------------------------------------------------------------------------------------
# A retracted version is hidden from every public read (docs/api.md, "Retraction"): a dataset is listed while it
# has a published current version; a version's files, report and metadata are served only while it is published;
# a site is public while an event of a published current version is at it. Summaries are kept per version and
# read only for current versions (services/summaries.py), so they are the one test for sites.

PUBLISHED = "published"


def public_site():
    """SQL condition on `sites`: some event of a current, published dataset version is at the site."""
    return summaries.public_site()


def require_published(hub: Hub, dataset_id: str, version: int) -> None:
    """NotFound unless the dataset version exists and is published (a retracted version is not found)."""
    v = t.dataset_versions
    with hub.engine.connect() as conn:
        status = conn.execute(select(v.c.status).where(v.c.dataset_id == dataset_id, v.c.version == version)).scalar()
    if status != PUBLISHED:
        raise NotFound(f"dataset {dataset_id!r} version {version} not found")


def list_datasets(hub: Hub) -> list[dict[str, Any]]:
    d, v = t.datasets, t.dataset_versions
    query = (
        select(d, v.c.n_events, v.c.n_observations, v.c.date_min, v.c.date_max, v.c.rows_in, v.c.rows_accepted,
               v.c.rows_rejected, v.c.sha256, v.c.bbox)
        .join(v, and_(v.c.dataset_id == d.c.id, v.c.version == d.c.current_version))
        .order_by(d.c.id)
    )
    with hub.engine.connect() as conn:
        return [_dataset_dict(r._mapping) for r in conn.execute(query)]


def _dataset_dict(m) -> dict[str, Any]:
    out = {k: m[k] for k in m.keys()}
    for k in ("created_at", "updated_at", "date_min", "date_max"):
        if out.get(k) is not None:
            out[k] = out[k].isoformat()
    out["version"] = out.pop("current_version")
    return out


def get_dataset(hub: Hub, dataset_id: str) -> dict[str, Any]:
    for ds in list_datasets(hub):
        if ds["id"] == dataset_id:
            with hub.engine.connect() as conn:
                versions = conn.execute(
                    select(t.dataset_versions.c.version, t.dataset_versions.c.sha256,
                           t.dataset_versions.c.original_filename, t.dataset_versions.c.created_at,
                           t.dataset_versions.c.rows_in, t.dataset_versions.c.rows_accepted,
                           t.dataset_versions.c.rows_rejected, t.dataset_versions.c.vocab_version,
                           t.dataset_versions.c.status)
                    .where(t.dataset_versions.c.dataset_id == dataset_id)
                    .order_by(t.dataset_versions.c.version)
                ).all()
            ds["versions"] = [{**r._mapping, "created_at": r.created_at.isoformat()} if r.status == PUBLISHED
                              else {"version": r.version, "status": r.status}  # a tombstone: nothing of its content
                              for r in versions]
            return ds
    raise NotFound(f"dataset {dataset_id!r} not found")


def get_report(hub: Hub, dataset_id: str, version: int) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = conn.execute(select(t.dataset_versions.c.report).where(
            t.dataset_versions.c.dataset_id == dataset_id, t.dataset_versions.c.version == version,
            t.dataset_versions.c.status == PUBLISHED)).first()
    if row is None:
        raise NotFound(f"dataset {dataset_id!r} version {version} not found")
    return row.report


def headline_counts(hub: Hub) -> dict[str, int]:
    with hub.engine.connect() as conn:
        return {
            "datasets": conn.execute(select(func.count()).select_from(t.datasets)
                                     .where(t.datasets.c.current_version > 0)).scalar() or 0,
            "sites": conn.execute(select(func.count()).select_from(t.sites).where(public_site())).scalar() or 0,
            "events": lake_events.summary_count(hub),
            "countries": conn.execute(select(func.count(func.distinct(t.sites.c.country)))
                                      .where(public_site())).scalar() or 0,
        }


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """`minLon,minLat,maxLon,maxLat` in WGS84; rejects malformed or out-of-range boxes."""
    if not text:
        return None
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        raise BadRequest("bbox must be four numbers: minLon,minLat,maxLon,maxLat") from None
    if len(parts) != 4:
        raise BadRequest("bbox must be four numbers: minLon,minLat,maxLon,maxLat")
    x0, y0, x1, y1 = parts
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise BadRequest("bbox out of range: longitudes in [-180, 180], latitudes in [-90, 90], minLat <= maxLat")
    return x0, y0, x1, y1


def _bbox_clause(bbox: tuple[float, float, float, float]):
    x0, y0, x1, y1 = bbox
    lat_ok = t.sites.c.lat.between(y0, y1)
    if x0 <= x1:
        return and_(lat_ok, t.sites.c.lon.between(x0, x1))
    return and_(lat_ok, or_(t.sites.c.lon >= x0, t.sites.c.lon <= x1))  # crosses the antimeridian


MAX_SITES = 10000  # features per /api/v1/sites page; follow `next_cursor` for the rest


def sites_geojson(hub: Hub, bbox: str | None = None, dataset_id: str | None = None, limit: int | None = None,
                  cursor: str | None = None) -> dict[str, Any]:
    """Sites with their event statistics (from the per-version summaries), ordered by id and paged by id."""
    box = parse_bbox(bbox)
    limit = MAX_SITES if limit is None else limit
    if not 1 <= limit <= MAX_SITES:
        raise BadRequest(f"limit must be between 1 and {MAX_SITES}")
    ss, s = st.site_summaries, t.sites
    stats = (select(ss.c.site_id, func.sum(ss.c.n_events).label("n_events"),
                    func.min(ss.c.first_date).label("first"), func.max(ss.c.last_date).label("last"),
                    func.sum(ss.c.sum_items_per_100m).label("total"), func.sum(ss.c.n_density).label("n_density"))
             .join(t.datasets, summaries.current(ss)).where(ss.c.lat.is_not(None)).group_by(ss.c.site_id))
    if dataset_id:
        stats = stats.where(ss.c.dataset_id == dataset_id)
    if box:
        stats = stats.where(summaries.bbox_clause(box))
    if cursor:
        stats = stats.where(ss.c.site_id > _decode_site_cursor(cursor))
    stats = stats.order_by(ss.c.site_id).limit(limit + 1).subquery()
    query = select(s, stats.c.n_events, stats.c.first, stats.c.last, stats.c.total, stats.c.n_density).join(
        stats, stats.c.site_id == s.c.id).order_by(s.c.id)
    with hub.engine.connect() as conn:
        rows = conn.execute(query).all()
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = base64.urlsafe_b64encode(json.dumps(["site", rows[-1].id]).encode()).decode()
    features = [
        {
            "type": "Feature",
            "id": r.id,
            "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
            "properties": {
                "name": r.name, "country": r.country, "region": r.region, "compartment": r.compartment,
                "source_programme": r.source_programme, "n_events": int(r.n_events),
                "first_event": r.first.isoformat() if r.first else None,
                "last_event": r.last.isoformat() if r.last else None,
                "mean_items_per_100m": r.total / r.n_density if r.n_density else None,
            },
        }
        for r in rows
    ]
    out: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if nxt:
        out["next_cursor"] = nxt
    return out


def _decode_site_cursor(cursor: str) -> str:
    try:
        kind, site_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, json.JSONDecodeError):
        kind = site_id = None
    if kind != "site" or not isinstance(site_id, str):
        raise BadRequest("cursor is not valid: use the next_cursor value of a previous page")
    return site_id


def get_site(hub: Hub, site_id: str) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = conn.execute(select(t.sites).where(t.sites.c.id == site_id, public_site())).first()
        if row is None:
            raise NotFound(f"site {site_id!r} not found")
    events = _all_events(hub, lake_events.Filter(site=site_id))
    from litterhub.vocab.regions import describe_location

    return {**row._mapping, "regions": describe_location(row.lon, row.lat),
            "events": events}


@dataclass
class EventPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def _parse_date(name: str, text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, got {text!r}") from None


def _all_events(hub: Hub, f: lake_events.Filter) -> list[dict[str, Any]]:
    """Every event matching `f` (a site's record: small), read page by page from the lake."""
    out: list[dict[str, Any]] = []
    after = None
    while True:
        rows, nxt = lake_events.page(hub, f, MAX_PAGE, after)
        out.extend(rows)
        if nxt is None:
            return out
        after = (rows[-1]["event_date"] and date.fromisoformat(rows[-1]["event_date"]), rows[-1]["event_id"])


def list_events(hub: Hub, dataset: str | None = None, site: str | None = None, country: str | None = None,
                date_from: str | None = None, date_to: str | None = None, limit: int = 100,
                cursor: str | None = None) -> EventPage:
    """Events ordered by (date, id) with keyset pagination, so pages stay stable while data is added; read from
    the lake's current versions (services/lake_events.py)."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE}")
    f = lake_events.Filter(dataset=dataset, site=site, country=country.upper() if country else None,
                           date_from=_parse_date("from", date_from), date_to=_parse_date("to", date_to))
    try:
        after = lake_events.decode_cursor(cursor) if cursor else None
    except lake_events.BadCursor as exc:
        raise BadRequest(str(exc)) from None
    rows, nxt = lake_events.page(hub, f, limit, after)
    return EventPage(rows, nxt)


SERIES_PERIODS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
MAX_SERIES = 10000


def density_series(hub: Hub, dataset_id: str, aggregate: str | None = None, limit: int | None = None,
                   cursor: str | None = None) -> EventPage:
    """Items per 100 m over time (the dataset page chart); events without a density are left out.

    Without `aggregate`: one item per event, ordered by (date, event id), paged by `limit` and `cursor`.
    With `aggregate` (day, month or year): one item per period and event type, computed on the server with
    the number of events, mean, median, minimum and maximum (`items_per_100m` is the mean, so a chart of
    either shape plots the same field)."""
    limit = MAX_SERIES if limit is None else limit
    if not 1 <= limit <= MAX_SERIES:
        raise BadRequest(f"limit must be between 1 and {MAX_SERIES}")
    if aggregate is not None and aggregate not in SERIES_PERIODS:
        raise BadRequest(f"aggregate must be one of {', '.join(SERIES_PERIODS)}, got {aggregate!r}")
    try:
        return EventPage(*lake_events.series(hub, dataset_id, aggregate and SERIES_PERIODS[aggregate], limit, cursor))
    except lake_events.BadCursor as exc:
        raise BadRequest(str(exc)) from None


def chart_series(hub: Hub, dataset_id: str) -> list[dict[str, Any]]:
    """The dataset page's chart: every event while they fit one page, else one point per month and event type
    (bounded whatever the dataset's size)."""
    page = density_series(hub, dataset_id)
    return page.items if page.next_cursor is None else density_series(hub, dataset_id, "month").items
