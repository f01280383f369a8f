"""OGC API - Features (Part 1 Core) collections and items over the catalog's site and event index.

Behaviour follows pygeoapi's tested rules: bbox as minLon,minLat,maxLon,maxLat (CRS84, optionally with
heights), datetime as an instant or a closed/half-bounded interval with '..', limit clamped to MAX_LIMIT.
Queries are single SQL statements with LIMIT/OFFSET and a COUNT for numberMatched, so pages stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from litterhub.services import datasets as svc
from litterhub.services.hub import Hub
from litterhub.services.metadata import list_dataset_meta
from litterhub.store import tables as t

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT, MAX_LIMIT = 100, 10000
RESERVED = ("sites", "events")
BadRequest, NotFound = svc.BadRequest, svc.NotFound


@dataclass
class Collection:
    id: str
    title: str
    description: str
    kind: str  # "sites" | "events"
    dataset_id: str | None
    bbox: tuple[float, float, float, float] | None
    interval: tuple[str | None, str | None]
    temporal_property: str | None


def _extent_all(hub: Hub) -> tuple[tuple[float, float, float, float] | None, tuple[str | None, str | None]]:
    s, e = t.sites, t.events
    with hub.engine.connect() as conn:
        x0, y0, x1, y1 = conn.execute(select(func.min(s.c.lon), func.min(s.c.lat), func.max(s.c.lon),
                                             func.max(s.c.lat)).where(svc.public_site())).one()
        d0, d1 = conn.execute(select(func.min(e.c.event_date), func.max(e.c.event_date))).one()
    bbox = (x0, y0, x1, y1) if x0 is not None else None
    return bbox, (d0.isoformat() if d0 else None, d1.isoformat() if d1 else None)


def collections(hub: Hub) -> list[Collection]:
    """`sites`, `events`, then one event collection per dataset (named by the dataset id)."""
    bbox, interval = _extent_all(hub)
    out = [Collection("sites", "Survey sites", "Every surveyed site (beach, riverbank, ...) with its event count; "
                      "datetime selects sites with an event in the interval.", "sites", None, bbox, interval, None),
           Collection("events", "Sampling events", "Every sampling event (survey, cleanup, tow) of every dataset; "
                      "temporal property: event_date.", "events", None, bbox, interval, "event_date")]
    for ds in list_dataset_meta(hub, ""):
        if ds.id in RESERVED:
            continue
        out.append(Collection(ds.id, ds.title["en"], f"Sampling events of dataset {ds.id} (version {ds.version}, "
                              f"licence {ds.licence}); temporal property: event_date.", "events", ds.id, ds.bbox,
                              (ds.start.isoformat() if ds.start else None, ds.end.isoformat() if ds.end else None),
                              "event_date"))
    return out


def collection(hub: Hub, collection_id: str) -> Collection:
    for c in collections(hub):
        if c.id == collection_id:
            return c
    raise NotFound(f"collection {collection_id!r} not found")


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """4 numbers, or 6 with heights (heights are ignored: every feature is a surface point)."""
    if text and len(text.split(",")) == 6:
        p = text.split(",")
        text = ",".join([p[0], p[1], p[3], p[4]])
    return svc.parse_bbox(text)


def _parse_instant(text: str, end: bool) -> date | None:
    if text in ("..", ""):
        return None
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"datetime must be RFC 3339 (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ), got {text!r}") from None


def parse_datetime(text: str | None) -> tuple[date | None, date | None] | None:
    """An instant or an interval `start/end` where either side may be '..' (open)."""
    if not text:
        return None
    if "/" in text:
        a, b = text.split("/", 1)
        if a in ("..", "") and b in ("..", ""):
            raise BadRequest("datetime interval must have at least one bound")
        lo, hi = _parse_instant(a, False), _parse_instant(b, True)
        if lo and hi and lo > hi:
            raise BadRequest("datetime interval start is after its end")
        return lo, hi
    d = _parse_instant(text, False)
    if d is None:
        raise BadRequest("datetime instant must be a date or date-time")
    return d, d


def parse_limit(text: str | None) -> int:
    """Default 100; values above 10000 are clamped (the standard forbids rejecting them)."""
    if text is None or text == "":
        return DEFAULT_LIMIT
    try:
        n = int(text)
    except ValueError:
        raise BadRequest(f"limit must be an integer, got {text!r}") from None
    if n < 1:
        raise BadRequest("limit must be at least 1")
    return min(n, MAX_LIMIT)


def parse_offset(text: str | None) -> int:
    if text is None or text == "":
        return 0
    try:
        n = int(text)
    except ValueError:
        raise BadRequest(f"offset must be an integer, got {text!r}") from None
    if n < 0:
        raise BadRequest("offset must be >= 0")
    return n


def _bbox_clause(bbox: tuple[float, float, float, float]):
    s = t.sites
    x0, y0, x1, y1 = bbox
    lat_ok = s.c.lat.between(y0, y1)
    if x0 <= x1:
        return and_(lat_ok, s.c.lon.between(x0, x1))
    return and_(lat_ok, or_(s.c.lon >= x0, s.c.lon <= x1))


def _date_clause(column, interval: tuple[date | None, date | None]):
    lo, hi = interval
    clauses = []
    if lo:
        clauses.append(column >= lo)
    if hi:
        clauses.append(column <= hi)
    return and_(*clauses)


def _site_feature(r) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": [r.lon, r.lat]} if r.lon is not None and r.lat is not None else None
    return {"type": "Feature", "id": r.id, "geometry": geometry,
            "properties": {"name": r.name, "country": r.country, "region": r.region, "compartment": r.compartment,
                           "source_programme": r.source_programme}}


def _event_feature(r) -> dict[str, Any]:
    m = dict(r._mapping)
    lon, lat = m.pop("lon"), m.pop("lat")
    if isinstance(m.get("event_date"), date):
        m["event_date"] = m["event_date"].isoformat()
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
    return {"type": "Feature", "id": m["event_id"], "geometry": geometry, "properties": m}


def _events_select(c: Collection):
    e, s = t.events, t.sites
    query = select(*e.c, s.c.lon, s.c.lat).outerjoin(s, s.c.id == e.c.site_id)
    if c.dataset_id:
        query = query.where(e.c.dataset_id == c.dataset_id)
    return query


def items(hub: Hub, c: Collection, bbox: tuple[float, float, float, float] | None,
          interval: tuple[date | None, date | None] | None, limit: int, offset: int
          ) -> tuple[list[dict[str, Any]], int]:
    """One page of features and the number matched (for numberMatched and the `next` link)."""
    s, e = t.sites, t.events
    if c.kind == "sites":
        query = select(s).where(s.c.lat.is_not(None), svc.public_site())
        if interval:
            query = query.where(exists(select(e.c.event_id).where(e.c.site_id == s.c.id,
                                                                  _date_clause(e.c.event_date, interval))))
        order, feature = [s.c.id], _site_feature
    else:
        query = _events_select(c)
        if interval:
            query = query.where(_date_clause(e.c.event_date, interval))
        order, feature = [e.c.event_date, e.c.event_id], _event_feature
    if bbox:
        query = query.where(_bbox_clause(bbox))
    with hub.engine.connect() as conn:
        matched = conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
        rows = conn.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return [feature(r) for r in rows], matched


def item(hub: Hub, c: Collection, feature_id: str) -> dict[str, Any]:
    s, e = t.sites, t.events
    with hub.engine.connect() as conn:
        if c.kind == "sites":
            row = conn.execute(select(s).where(s.c.id == feature_id, svc.public_site())).first()
            feature = _site_feature
        else:
            row = conn.execute(_events_select(c).where(e.c.event_id == feature_id)).first()
            feature = _event_feature
    if row is None:
        raise NotFound(f"feature {feature_id!r} not found in collection {c.id!r}")
    return feature(row)
