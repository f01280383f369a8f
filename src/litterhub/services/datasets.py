"""Reading the catalog: datasets, versions, sites and the sampling-event index, for all three faces."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from litterhub.services.hub import Hub
from litterhub.store import tables as t

MAX_PAGE = 1000


class NotFound(LookupError):
    """The requested record does not exist."""


class BadRequest(ValueError):
    """A query parameter has an invalid value (the message says which and why)."""


# --- what the public may see ------------------------------------------------------------------------------------
# A retracted version is hidden from every public read (docs/api.md, "Retraction"): a dataset is listed while it
# has a published current version; a version's files, report and metadata are served only while it is published;
# a site is public while an event of a published current version is at it. The event index holds exactly the
# events of current versions (retraction rebuilds it from the fallback version), so it is the one test for sites.

PUBLISHED = "published"


def public_site():
    """SQL condition on `sites`: some event of a current, published dataset version is at the site."""
    return exists(select(t.events.c.event_id).where(t.events.c.site_id == t.sites.c.id))


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
            "events": conn.execute(select(func.count()).select_from(t.events)).scalar() or 0,
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


def sites_geojson(hub: Hub, bbox: str | None = None, dataset_id: str | None = None) -> dict[str, Any]:
    box = parse_bbox(bbox)
    stats = (select(t.events.c.site_id, func.count().label("n_events"),
                    func.min(t.events.c.event_date).label("first"), func.max(t.events.c.event_date).label("last"),
                    func.avg(t.events.c.items_per_100m).label("mean_items_per_100m"))
             .group_by(t.events.c.site_id))
    if dataset_id:
        stats = stats.where(t.events.c.dataset_id == dataset_id)
    stats = stats.subquery()
    query = select(t.sites, stats.c.n_events, stats.c.first, stats.c.last, stats.c.mean_items_per_100m).join(
        stats, stats.c.site_id == t.sites.c.id).where(t.sites.c.lat.is_not(None)).order_by(t.sites.c.id)
    if box:
        query = query.where(_bbox_clause(box))
    with hub.engine.connect() as conn:
        rows = conn.execute(query).all()
    features = [
        {
            "type": "Feature",
            "id": r.id,
            "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
            "properties": {
                "name": r.name, "country": r.country, "region": r.region, "compartment": r.compartment,
                "source_programme": r.source_programme, "n_events": r.n_events,
                "first_event": r.first.isoformat() if r.first else None,
                "last_event": r.last.isoformat() if r.last else None,
                "mean_items_per_100m": r.mean_items_per_100m,
            },
        }
        for r in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def get_site(hub: Hub, site_id: str) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = conn.execute(select(t.sites).where(t.sites.c.id == site_id, public_site())).first()
        if row is None:
            raise NotFound(f"site {site_id!r} not found")
        events = conn.execute(select(t.events).where(t.events.c.site_id == site_id)
                              .order_by(t.events.c.event_date, t.events.c.event_id)).all()
    from litterhub.vocab.regions import describe_location

    return {**row._mapping, "regions": describe_location(row.lon, row.lat),
            "events": [_event_dict(e._mapping) for e in events]}


def _event_dict(m) -> dict[str, Any]:
    out = dict(m)
    if isinstance(out.get("event_date"), date):
        out["event_date"] = out["event_date"].isoformat()
    return out


@dataclass
class EventPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def _encode_cursor(d: str | None, event_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([d, event_id]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[date | None, str]:
    try:
        d, event_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return (date.fromisoformat(d) if d else None), str(event_id)
    except (ValueError, TypeError, json.JSONDecodeError):
        raise BadRequest("cursor is not valid: use the next_cursor value of a previous page") from None


def _parse_date(name: str, text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, got {text!r}") from None


def list_events(hub: Hub, dataset: str | None = None, site: str | None = None, country: str | None = None,
                date_from: str | None = None, date_to: str | None = None, limit: int = 100,
                cursor: str | None = None) -> EventPage:
    """Events ordered by (date, id) with keyset pagination, so pages stay stable while data is added."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE}")
    e = t.events
    query = select(e).order_by(e.c.event_date, e.c.event_id).limit(limit + 1)
    if dataset:
        query = query.where(e.c.dataset_id == dataset)
    if site:
        query = query.where(e.c.site_id == site)
    if country:
        query = query.where(e.c.country == country.upper())
    lo, hi = _parse_date("from", date_from), _parse_date("to", date_to)
    if lo:
        query = query.where(e.c.event_date >= lo)
    if hi:
        query = query.where(e.c.event_date <= hi)
    if cursor:
        d, event_id = _decode_cursor(cursor)
        query = query.where(or_(e.c.event_date > d, and_(e.c.event_date == d, e.c.event_id > event_id)))
    with hub.engine.connect() as conn:
        rows = [_event_dict(r._mapping) for r in conn.execute(query)]
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = _encode_cursor(rows[-1]["event_date"], rows[-1]["event_id"])
    return EventPage(rows, nxt)


def density_series(hub: Hub, dataset_id: str) -> list[dict[str, Any]]:
    """Items per 100 m per event over time (the dataset page chart); events without a density are left out."""
    e = t.events
    with hub.engine.connect() as conn:
        rows = conn.execute(
            select(e.c.event_date, e.c.items_per_100m, e.c.event_type, e.c.site_id)
            .where(e.c.dataset_id == dataset_id, e.c.items_per_100m.is_not(None))
            .order_by(e.c.event_date)
        ).all()
    return [{"date": r.event_date.isoformat(), "items_per_100m": r.items_per_100m, "event_type": r.event_type,
             "site_id": r.site_id} for r in rows]
