"""OGC API - Features (Parts 1, 2 and 3): sites from the catalog and its summaries, events from the lake.

Part 1: bbox as minLon,minLat,maxLon,maxLat (CRS84, optionally with heights), datetime as an instant or an
interval with '..' or an ISO 8601 duration on one side, limit in [1, MAX_LIMIT] (larger values clamped).
Part 2: output and bbox in CRS84 (lon/lat) or EPSG:4326 (lat/lon axis order). Part 3: CQL2 text/JSON
filters over each collection's queryables (services/cql2.py). Sites are one SQL statement over `sites` (public
by the per-version summaries); events are read from the current versions' Parquet with DuckDB, filters pushed
down (services/lake_events.py). Pages continue with a keyset cursor (offset still works); numberMatched is
exact: from the version summaries when nothing is filtered, else counted by the same query.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from litterhub.services import cql2, lake_events, summaries
from litterhub.services import datasets as svc
from litterhub.services.hub import Hub
from litterhub.services.metadata import OGC_CONFORMANCE, list_dataset_meta
from litterhub.store import summary_tables as st
from litterhub.store import tables as t

CONFORMANCE = OGC_CONFORMANCE  # declared with the hub's other API descriptions (services/metadata.py)
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
# Every collection's CRS list (Part 2); features are stored in CRS84. EPSG:4326 has lat/lon axis order.
CRS_LIST = (CRS84, EPSG4326)
TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
# 10000 is the OGC test suite's NUMBERMATCHED_LIMIT too: one page can hold a whole checked collection.
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


def rfc3339_interval(start: date | None, end: date | None) -> tuple[str | None, str | None]:
    """A whole-day extent as RFC 3339 date-times: first instant of the first day, last of the last day."""
    return (f"{start.isoformat()}T00:00:00Z" if start else None, f"{end.isoformat()}T23:59:59Z" if end else None)


def _extent_all(hub: Hub) -> tuple[tuple[float, float, float, float] | None, tuple[str | None, str | None]]:
    """Box of the public sites and date range of the current versions, from the summaries."""
    ss, sv, d = st.site_summaries, st.summary_versions, t.datasets
    with hub.engine.connect() as conn:
        x0, y0, x1, y1 = conn.execute(select(func.min(ss.c.lon), func.min(ss.c.lat), func.max(ss.c.lon),
                                             func.max(ss.c.lat)).join(d, summaries.current(ss))).one()
        d0, d1 = conn.execute(select(func.min(sv.c.date_min), func.max(sv.c.date_max))
                              .join(d, summaries.current(sv))).one()
    bbox = (x0, y0, x1, y1) if x0 is not None else None
    return bbox, rfc3339_interval(d0, d1)


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
                              rfc3339_interval(ds.start, ds.end),
                              "event_date"))
    return out


def collection(hub: Hub, collection_id: str) -> Collection:
    for c in collections(hub):
        if c.id == collection_id:
            return c
    raise NotFound(f"collection {collection_id!r} not found")


def parse_bbox(text: str | None, crs: str = CRS84) -> tuple[float, float, float, float] | None:
    """4 numbers, or 6 with heights (heights are ignored: every feature is a surface point), as the CRS84
    (lon,lat) box the queries use; a box in EPSG:4326 (lat,lon order) is swapped before its ranges are checked,
    so a longitude above 90 is not taken for a latitude."""
    if text and len(text.split(",")) == 6:
        p = text.split(",")
        text = ",".join([p[0], p[1], p[3], p[4]])
    if text and crs == EPSG4326 and len(text.split(",")) == 4:
        lat0, lon0, lat1, lon1 = text.split(",")
        text = ",".join([lon0, lat0, lon1, lat1])
    return svc.parse_bbox(text)


def _parse_instant(text: str, end: bool) -> date | None:
    if text in ("..", ""):
        return None
    try:
        return cql2.date_of(text)  # the UTC calendar day of a date-time: events are whole days
    except cql2.FilterError:
        raise BadRequest(f"datetime must be RFC 3339 (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ), got {text!r}") from None


_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def _add_duration(d: date, text: str, sign: int) -> date:
    """d plus (sign=1) or minus (sign=-1) an ISO 8601 duration such as P2D or P1M6DT12H (whole days kept)."""
    m = _DURATION.fullmatch(text)
    if not m or text in ("P", "PT"):
        raise BadRequest(f"datetime duration must be ISO 8601 (e.g. P2D, P1M), got {text!r}")
    y, mo, w, dd, h, mi, sec = (int(g) if g else 0 for g in m.groups())
    months = d.month - 1 + sign * (12 * y + mo)
    year, month = d.year + months // 12, months % 12 + 1
    day = min(d.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31,
                      31, 30, 31, 30, 31][month - 1])
    return date(year, month, day) + sign * timedelta(weeks=w, days=dd, hours=h, minutes=mi, seconds=sec)


def parse_datetime(text: str | None) -> tuple[date | None, date | None] | None:
    """An instant or an interval `start/end`: either side may be '..' (open) or an ISO 8601 duration."""
    if not text:
        return None
    if "/" in text:
        a, b = text.split("/", 1)
        if a in ("..", "") and b in ("..", ""):
            raise BadRequest("datetime interval must have at least one bound")
        if a.startswith("P") and b.startswith("P"):
            raise BadRequest("datetime interval needs at least one date, not two durations")
        if b.startswith("P"):
            lo = _parse_instant(a, False)
            if lo is None:
                raise BadRequest("a duration needs a start date before it")
            return lo, _add_duration(lo, b, 1)
        if a.startswith("P"):
            hi = _parse_instant(b, True)
            if hi is None:
                raise BadRequest("a duration needs an end date after it")
            return _add_duration(hi, a, -1), hi
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


def parse_crs(text: str | None, name: str = "crs") -> str:
    """A CRS URI of CRS_LIST (default CRS84); anything else is a 400 naming the supported ones."""
    if text is None or text == "":
        return CRS84
    uri = text.strip().strip("[]")  # safe-CURIE form [EPSG:4326] is accepted too
    uri = {"EPSG:4326": EPSG4326, "OGC:CRS84": CRS84}.get(uri, uri)
    if uri not in CRS_LIST:
        raise BadRequest(f"{name} must be one of {list(CRS_LIST)}, got {text!r}")
    return uri


def to_crs(feature: dict[str, Any], crs: str) -> dict[str, Any]:
    """The feature with its point in the requested CRS (EPSG:4326 swaps to lat/lon axis order)."""
    geometry = feature.get("geometry")
    if crs == EPSG4326 and geometry:
        lon, lat = geometry["coordinates"]
        feature["geometry"] = {"type": "Point", "coordinates": [lat, lon]}
    return feature


def queryables(c: Collection) -> dict[str, cql2.Queryable]:
    """The filterable properties of a collection (names are the features' property names)."""
    s, e = t.sites, lake_events.EVENT_COLUMNS
    Q = cql2.Queryable
    if c.kind == "sites":
        return {"name": Q(s.c.name, "string", "site name"),
                "country": Q(s.c.country, "string", "ISO 3166-1 alpha-3 country code"),
                "region": Q(s.c.region, "string", "region or sea area"),
                "compartment": Q(s.c.compartment, "string", "environmental compartment (beach, seafloor, ...)"),
                "source_programme": Q(s.c.source_programme, "string", "monitoring programme of the site")}
    out = {"dataset_id": Q(e.c.dataset_id, "string", "dataset identifier"),
           "country": Q(e.c.country, "string", "ISO 3166-1 alpha-3 country code"),
           "programme": Q(e.c.programme, "string", "monitoring programme (of the dataset)"),
           "event_date": Q(e.c.event_date, "date", "sampling date (whole day)"),
           "event_type": Q(e.c.event_type, "string", "survey, cleanup, tow, ..."),
           "compartment": Q(e.c.compartment, "string", "environmental compartment (beach, seafloor, ...)"),
           "total_count": Q(e.c.total_count, "number", "total number of litter items counted"),
           "items_per_100m": Q(e.c.items_per_100m, "number", "items per 100 m of shoreline"),
           "items_per_m2": Q(e.c.items_per_m2, "number", "items per square metre")}
    if c.dataset_id:
        del out["dataset_id"]
    return out


def queryables_schema(c: Collection, url: str) -> dict[str, Any]:
    """The Part 3 queryables resource: a JSON Schema (2020-12) of the filterable properties."""
    props = {"geometry": {"format": "geometry-point", "x-ogc-role": "primary-geometry",
                          "description": "site location (CRS84)"}}
    props.update({name: q.schema() for name, q in queryables(c).items()})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": url, "type": "object",
            "title": c.title, "properties": props, "additionalProperties": False}


def parse_filter(c: Collection, text: str | None, lang: str | None, filter_crs: str | None = None):
    """The SQL clause of a CQL2 filter on this collection, or None; BadRequest says what is wrong."""
    if lang and not text:
        raise BadRequest("filter-lang given without a filter")
    if not text:
        return None
    if filter_crs and parse_crs(filter_crs, "filter-crs") != CRS84:
        raise BadRequest(f"filter-crs must be {CRS84} (geometries in filters are lon/lat)")
    try:
        columns = t.sites if c.kind == "sites" else lake_events.EVENT_COLUMNS
        return cql2.to_clause(text, lang, queryables(c), cql2.Point(columns.c.lon, columns.c.lat))
    except cql2.FilterError as exc:
        raise BadRequest(str(exc)) from None


def parameter_filter(c: Collection, params: dict[str, str]):
    """Part 3 queryables as query parameters: `?country=BEL&total_count=5` means equality on each, ANDed."""
    qs = queryables(c)
    clauses = []
    for name, text in params.items():
        if name in qs:
            try:
                clauses.append(qs[name].column == cql2.typed(qs[name], text))
            except cql2.FilterError as exc:
                raise BadRequest(f"{name}: {exc}") from None
    return and_(*clauses) if clauses else None


def all_queryable_names() -> list[str]:
    """Every queryable of any collection kind (declared as optional parameters in the OpenAPI document)."""
    names: dict[str, None] = {}
    for kind, ds in (("sites", None), ("events", "any")):
        names.update(dict.fromkeys(queryables(Collection("", "", "", kind, ds, None, (None, None), None))))
    return list(names)


def _bbox_clause(bbox: tuple[float, float, float, float], columns=t.sites):
    x0, y0, x1, y1 = bbox
    lat_ok = columns.c.lat.between(y0, y1)
    if x0 <= x1:
        return and_(lat_ok, columns.c.lon.between(x0, x1))
    return and_(lat_ok, or_(columns.c.lon >= x0, columns.c.lon <= x1))


def _site_feature(r) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": [r.lon, r.lat]} if r.lon is not None and r.lat is not None else None
    return {"type": "Feature", "id": r.id, "geometry": geometry,
            "properties": {"name": r.name, "country": r.country, "region": r.region, "compartment": r.compartment,
                           "source_programme": r.source_programme}}


def _event_feature(m: dict[str, Any]) -> dict[str, Any]:
    lon, lat = m.pop("lon"), m.pop("lat")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None and lat is not None else None
    return {"type": "Feature", "id": m["event_id"], "geometry": geometry, "properties": m}


EVENT_EXTRA = ("programme", "lon", "lat")


def _clauses(where) -> list:
    return [c for c in (where if isinstance(where, list | tuple) else [where]) if c is not None]


def items(hub: Hub, c: Collection, bbox: tuple[float, float, float, float] | None,
          interval: tuple[date | None, date | None] | None, limit: int, offset: int, where=None
          ) -> tuple[list[dict[str, Any]], int]:
    """One page of features and the number matched (offset paging; `items_page` also gives the next cursor)."""
    features, matched, _ = items_page(hub, c, bbox, interval, limit, offset, where)
    return features, matched


def items_page(hub: Hub, c: Collection, bbox: tuple[float, float, float, float] | None,
               interval: tuple[date | None, date | None] | None, limit: int, offset: int, where=None,
               cursor: str | None = None) -> tuple[list[dict[str, Any]], int, str | None]:
    """One page of features, the number matched (numberMatched) and the cursor of the next page (None at the end).

    Pages follow the keyset `cursor` when one is given (the `next` link's), else skip `offset` features."""
    if c.kind == "sites":
        return _site_items(hub, bbox, interval, limit, offset, _clauses(where), cursor)
    lo, hi = interval or (None, None)
    extra = [lake_events.clause_sql(_bbox_clause(bbox, lake_events.EVENT_COLUMNS))] if bbox else []
    # features need a geometry (OGC API Features 1.0.1 featureGeoJSON): events without a position (the OSPAR
    # export names beaches only) are left out, as sites without one are from the sites collection
    extra.append("lat IS NOT NULL AND lon IS NOT NULL")
    f = lake_events.Filter(dataset=c.dataset_id, date_from=lo, date_to=hi,
                           where_sql=extra + [lake_events.clause_sql(w) for w in _clauses(where)])
    try:
        after = lake_events.decode_cursor(cursor) if cursor else None
    except lake_events.BadCursor as exc:
        raise BadRequest(str(exc)) from None
    rows, nxt, matched = lake_events.page_and_count(hub, f, limit, after, 0 if after else offset, extra=EVENT_EXTRA)
    return [_event_feature(r) for r in rows], matched, nxt


def _site_items(hub: Hub, bbox, interval, limit: int, offset: int, where: list, cursor: str | None):
    s = t.sites
    query = select(s).where(s.c.lat.is_not(None), svc.public_site(), *where)
    if bbox:
        query = query.where(_bbox_clause(bbox))
    after = svc._decode_site_cursor(cursor) if cursor else None
    with hub.engine.connect() as conn:
        if interval:  # exact: the sites whose summaries overlap the interval, checked against the lake's events
            rows = [r for r in conn.execute(query.where(_overlaps(interval)).order_by(s.c.id))
                    if r.id in _sites_with_events_in(hub, interval)]
            matched = len(rows)
            rows = [r for r in rows if after is None or r.id > after]
            rows = rows[0 if after else offset:][:limit + 1]
        else:
            matched = conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
            paged = query.where(s.c.id > after) if after else query.offset(offset)
            rows = conn.execute(paged.order_by(s.c.id).limit(limit + 1)).all()
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = base64.urlsafe_b64encode(json.dumps(["site", rows[-1].id]).encode()).decode()
    return [_site_feature(r) for r in rows], matched, nxt


def _overlaps(interval: tuple[date | None, date | None]):
    """Sites whose current summaries' date range meets the interval (a superset of those with an event in it)."""
    ss, d = st.site_summaries, t.datasets
    lo, hi = interval
    inner = select(ss.c.id).join(d, summaries.current(ss)).where(ss.c.site_id == t.sites.c.id)
    if lo:
        inner = inner.where(ss.c.last_date >= lo)
    if hi:
        inner = inner.where(ss.c.first_date <= hi)
    return exists(inner)


def _sites_with_events_in(hub: Hub, interval: tuple[date | None, date | None]) -> set[str]:
    lo, hi = interval
    f = lake_events.Filter(date_from=lo, date_to=hi)
    return lake_events.site_ids(hub, f)


def item(hub: Hub, c: Collection, feature_id: str) -> dict[str, Any]:
    s = t.sites
    if c.kind == "sites":
        with hub.engine.connect() as conn:
            row = conn.execute(select(s).where(s.c.id == feature_id, svc.public_site())).first()
        if row is not None:
            return _site_feature(row)
    else:
        found = lake_events.get(hub, feature_id, c.dataset_id, extra=EVENT_EXTRA)
        if found is not None and (c.dataset_id is None or found["dataset_id"] == c.dataset_id):
            return _event_feature(found)
    raise NotFound(f"feature {feature_id!r} not found in collection {c.id!r}")
