"""OGC API - Features at /ogc (sites, events, one collection per dataset), GeoJSON only.

Part 1 Core, Part 2 CRS (CRS84 and EPSG:4326, `Content-Crs` on every feature response) and Part 3 filtering
(CQL2 text/JSON over `/collections/{id}/queryables`). Mounted at the root (not under /api/v1) with its own
OpenAPI 3.0 document at /ogc/api, as OGC clients (QGIS, OWSLib, GDAL) expect. Unknown query parameters are a
400 problem+json, limit is clamped to its declared maximum, and paging uses `next`/`prev` links carrying an
offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

import litterhub
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.services import ogc as svc
from litterhub.services.hub import Hub

router = APIRouter(prefix="/ogc", include_in_schema=False)

JSON, GEOJSON = "application/json", "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CORS = {"Access-Control-Allow-Origin": "*"}
SCHEMA_JSON = "application/schema+json"
ITEM_PARAMS = {"bbox", "bbox-crs", "crs", "datetime", "limit", "offset", "cursor", "filter", "filter-lang",
               "filter-crs", "f"}
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


def _base(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}/ogc"


def _check_params(request: Request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed - {"f"})
    if unknown:
        raise Problem(400, f"unknown query parameter(s): {', '.join(unknown)}; allowed: {sorted(allowed | {'f'})}",
                      [{"code": "unknown-parameter", "field": name, "message": "not a parameter of this resource"}
                       for name in unknown])
    f = request.query_params.get("f")
    if f is not None and f not in ("json", "geojson"):
        raise Problem(400, "f must be json (only JSON/GeoJSON encodings are offered)",
                      [{"code": "constraint-error", "field": "f", "message": "use f=json"}])


def _json(body: Any, media: str = JSON, crs: str | None = None) -> JSONResponse:
    headers = {**CORS, "Content-Crs": f"<{crs}>"} if crs else CORS
    return JSONResponse(body, media_type=media, headers=headers)


def _collection_doc(c: svc.Collection, base: str) -> dict[str, Any]:
    href = f"{base}/collections/{quote(c.id, safe='')}"
    extent: dict[str, Any] = {"temporal": {"interval": [list(c.interval)], "trs": svc.TRS}}
    if c.bbox:
        extent["spatial"] = {"bbox": [list(c.bbox)], "crs": svc.CRS84}
    doc = {"id": c.id, "title": c.title, "description": c.description, "itemType": "feature",
           "crs": list(svc.CRS_LIST), "storageCrs": svc.CRS84, "extent": extent,
           "links": [{"href": href, "rel": "self", "type": JSON, "title": c.title},
                     {"href": f"{href}/items", "rel": "items", "type": GEOJSON, "title": f"{c.title} (GeoJSON)"},
                     {"href": f"{href}/queryables", "rel": QUERYABLES_REL, "type": SCHEMA_JSON,
                      "title": "queryables (CQL2 filter properties)"}]}
    if c.temporal_property:
        doc["temporalProperty"] = c.temporal_property
    return doc


@router.get("")
@router.get("/")
def landing(request: Request) -> JSONResponse:
    _check_params(request, set())
    base = _base(request)
    return _json({
        "title": "litterhub OGC API - Features",
        "description": "Marine litter survey sites and sampling events as OGC API - Features (GeoJSON, CRS84).",
        "links": [
            {"href": base, "rel": "self", "type": JSON, "title": "this document"},
            {"href": f"{base}/api", "rel": "service-desc", "type": OPENAPI, "title": "OpenAPI 3.0 definition"},
            {"href": f"{base}/conformance", "rel": "conformance", "type": JSON, "title": "conformance classes"},
            {"href": f"{base}/collections", "rel": "data", "type": JSON, "title": "collections"},
        ],
    })


@router.get("/conformance")
def conformance(request: Request) -> JSONResponse:
    _check_params(request, set())
    return _json({"conformsTo": list(svc.CONFORMANCE)})


@router.get("/api")
async def openapi(request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    _check_params(request, set())
    ids = [c.id for c in await run_in_threadpool(svc.collections, hub)]
    return _json(openapi_document(_base(request), ids), OPENAPI)


@router.get("/collections")
def collections(request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    _check_params(request, set())
    base = _base(request)
    return _json({"collections": [_collection_doc(c, base) for c in svc.collections(hub)],
                  "links": [{"href": f"{base}/collections", "rel": "self", "type": JSON, "title": "collections"}]})


@router.get("/collections/{collection_id}")
def collection(collection_id: str, request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    _check_params(request, set())
    return _json(_collection_doc(svc.collection(hub, collection_id), _base(request)))


def _page_link(href: str, request: Request, offset: int, limit: int, rel: str) -> dict[str, str]:
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "limit")}
    params.update({"limit": str(limit), "offset": str(offset)})
    return {"href": f"{href}?{urlencode(params)}", "rel": rel, "type": GEOJSON, "title": f"{rel} page"}


@router.get("/collections/{collection_id}/items")
def items(collection_id: str, request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    """Features with bbox (CRS84), datetime (instant or interval, '..' open) and limit/offset paging."""
    c = svc.collection(hub, collection_id)
    _check_params(request, ITEM_PARAMS | set(svc.queryables(c)))
    q = request.query_params
    crs = svc.parse_crs(q.get("crs"), "crs")
    bbox = svc.parse_bbox(q.get("bbox"), svc.parse_crs(q.get("bbox-crs"), "bbox-crs"))
    interval = svc.parse_datetime(q.get("datetime"))
    limit, offset = svc.parse_limit(q.get("limit")), svc.parse_offset(q.get("offset"))
    where = [svc.parse_filter(c, q.get("filter"), q.get("filter-lang"), q.get("filter-crs")),
             svc.parameter_filter(c, dict(q))]
    cursor = q.get("cursor") or None
    features, matched, nxt = svc.items_page(hub, c, bbox, interval, limit, offset, where, cursor)
    features = [svc.to_crs(f, crs) for f in features]
    href = f"{_base(request)}/collections/{quote(c.id, safe='')}/items"
    links = [{"href": str(request.url), "rel": "self", "type": GEOJSON, "title": "this page"},
             {"href": f"{_base(request)}/collections/{quote(c.id, safe='')}", "rel": "collection", "type": JSON,
              "title": c.title}]
    if nxt:  # keyset: the next page starts after this page's last feature, however large the offset would be
        params = {k: v for k, v in q.items() if k not in ("offset", "limit", "cursor")}
        params.update({"limit": str(limit), "cursor": nxt})
        links.append({"href": f"{href}?{urlencode(params)}", "rel": "next", "type": GEOJSON, "title": "next page"})
    if offset > 0 and not cursor:
        links.append(_page_link(href, request, max(offset - limit, 0), limit, "prev"))
    return _json({"type": "FeatureCollection", "features": features, "numberMatched": matched,
                  "numberReturned": len(features), "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "links": links}, GEOJSON, crs)


@router.get("/collections/{collection_id}/queryables")
def queryables(collection_id: str, request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    """Part 3: the properties a CQL2 `filter` may name, as a JSON Schema."""
    _check_params(request, set())
    c = svc.collection(hub, collection_id)
    url = f"{_base(request)}/collections/{quote(c.id, safe='')}/queryables"
    return _json(svc.queryables_schema(c, url), SCHEMA_JSON)


@router.get("/collections/{collection_id}/items/{feature_id:path}")
def item(collection_id: str, feature_id: str, request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    _check_params(request, {"crs"})
    c = svc.collection(hub, collection_id)
    crs = svc.parse_crs(request.query_params.get("crs"), "crs")
    feature = svc.to_crs(svc.item(hub, c, feature_id), crs)
    base = f"{_base(request)}/collections/{quote(c.id, safe='')}"
    feature["links"] = [
        {"href": f"{base}/items/{quote(feature_id, safe='')}", "rel": "self", "type": GEOJSON, "title": "this feature"},
        {"href": f"{base}/items/{quote(feature_id, safe='')}?f=json", "rel": "alternate", "type": JSON,
         "title": "this feature as JSON"},
        {"href": base, "rel": "collection", "type": JSON, "title": c.title},
    ]
    return _json(feature, GEOJSON, crs)


# --- OpenAPI 3.0 document --------------------------------------------------------------------------------------

def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(media: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": schema}}}


PROBLEM_RESPONSE = {"content": {"application/problem+json": {"schema": _ref("problem")}}}


def openapi_document(base: str, collection_ids: list[str]) -> dict[str, Any]:
    """The OpenAPI 3.0 definition of /ogc (service-desc), collection ids listed as an enum."""
    f = {"name": "f", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json"]},
         "description": "encoding (JSON/GeoJSON only)"}
    cid = {"name": "collectionId", "in": "path", "required": True,
           "schema": {"type": "string", "enum": collection_ids or ["sites"]}}
    crs_enum = {"type": "string", "format": "uri", "enum": list(svc.CRS_LIST), "default": svc.CRS84}
    crs = {"name": "crs", "in": "query", "required": False, "style": "form", "explode": False,
           "description": "CRS of the returned geometries (Part 2)", "schema": crs_enum}
    errors = {"400": {"description": "invalid or unknown parameter", **PROBLEM_RESPONSE},
              "404": {"description": "not found", **PROBLEM_RESPONSE}}
    link = {"type": "object", "required": ["href", "rel"],
            "properties": {"href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
                           "title": {"type": "string"}}}
    feature = {"type": "object", "required": ["type", "geometry", "properties"],
               "properties": {"type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "string"},
                              "geometry": {"type": "object", "nullable": True},
                              "properties": {"type": "object", "nullable": True},
                              "links": {"type": "array", "items": _ref("link")}}}
    collection = {"type": "object", "required": ["id", "links"],
                  "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                 "description": {"type": "string"}, "links": {"type": "array",
                                                                               "items": _ref("link")},
                                 "extent": {"type": "object"}, "itemType": {"type": "string"},
                                 "crs": {"type": "array", "items": {"type": "string"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "litterhub OGC API - Features", "version": litterhub.__version__,
                 "description": "OGC API - Features Parts 1 (Core), 2 (CRS) and 3 (CQL2 filtering) over marine litter "
                                "sites and sampling events.",
                 "license": {"name": "Data: each dataset's own licence; see /ogc/collections"}},
        "servers": [{"url": base}],
        "paths": {
            "/": {"get": {"operationId": "getLandingPage", "summary": "landing page", "parameters": [f],
                          "responses": {"200": _ok(JSON, _ref("landingPage"), "landing page"), **errors}}},
            "/conformance": {"get": {"operationId": "getConformance", "parameters": [f], "responses": {
                "200": _ok(JSON, _ref("confClasses"), "conformance classes"), **errors}}},
            "/collections": {"get": {"operationId": "getCollections", "parameters": [f], "responses": {
                "200": _ok(JSON, _ref("collections"), "feature collections"), **errors}}},
            "/collections/{collectionId}": {"get": {"operationId": "describeCollection", "parameters": [cid, f],
                                                    "responses": {"200": _ok(JSON, _ref("collectionInfo"),
                                                                             "collection"), **errors}}},
            "/collections/{collectionId}/items": {"get": {
                "operationId": "getFeatures", "parameters": [cid, f, {
                    "name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
                    "description": "minLon,minLat,maxLon,maxLat (CRS84), optionally with heights (6 numbers)",
                    "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}}, {
                    "name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
                    "description": "instant or interval start/end, '..' for open ends (RFC 3339)",
                    "schema": {"type": "string"}}, {
                    "name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
                    "description": f"page size, default {svc.DEFAULT_LIMIT}; values above {svc.MAX_LIMIT} are "
                                   f"clamped to {svc.MAX_LIMIT}",
                    "schema": {"type": "integer", "minimum": 1, "maximum": svc.MAX_LIMIT,
                               "default": svc.DEFAULT_LIMIT}}, {
                    "name": "offset", "in": "query", "required": False,
                    "description": "number of features to skip (follow the `next` link)",
                    "schema": {"type": "integer", "minimum": 0, "default": 0}}, crs, {
                    "name": "bbox-crs", "in": "query", "required": False, "style": "form", "explode": False,
                    "description": "CRS of bbox (EPSG:4326 is lat,lon order)", "schema": crs_enum}, {
                    "name": "filter", "in": "query", "required": False, "style": "form", "explode": False,
                    "description": "CQL2 filter over the collection's queryables (see /queryables)",
                    "schema": {"type": "string"}}, {
                    "name": "filter-lang", "in": "query", "required": False, "style": "form", "explode": False,
                    "description": "cql-text is accepted as the Part 3 draft name of cql2-text (GDAL sends it)",
                    "schema": {"type": "string", "enum": ["cql2-text", "cql2-json", "cql-text"],
                               "default": "cql2-text"}}, {
                    "name": "filter-crs", "in": "query", "required": False, "style": "form", "explode": False,
                    "schema": {"type": "string", "enum": [svc.CRS84], "default": svc.CRS84}},
                    *({"name": name, "in": "query", "required": False, "style": "form", "explode": False,
                       "description": f"queryable {name}: equality filter (where the collection has it)",
                       "schema": {"type": "string"}} for name in svc.all_queryable_names())],
                "responses": {"200": _ok(GEOJSON, _ref("featureCollectionGeoJSON"), "features"), **errors}}},
            "/collections/{collectionId}/queryables": {"get": {
                "operationId": "getQueryables", "parameters": [cid, f],
                "responses": {"200": _ok(SCHEMA_JSON, {"type": "object"}, "queryables (JSON Schema)"), **errors}}},
            "/collections/{collectionId}/items/{featureId}": {"get": {
                "operationId": "getFeature",
                "parameters": [cid, {"name": "featureId", "in": "path", "required": True,
                                     "schema": {"type": "string"}}, f, crs],
                "responses": {"200": _ok(GEOJSON, _ref("featureGeoJSON"), "feature"), **errors}}},
        },
        "components": {"schemas": {
            "link": link,
            "landingPage": {"type": "object", "required": ["links"], "properties": {
                "title": {"type": "string"}, "description": {"type": "string"},
                "links": {"type": "array", "items": _ref("link")}}},
            "confClasses": {"type": "object", "required": ["conformsTo"], "properties": {
                "conformsTo": {"type": "array", "items": {"type": "string"}}}},
            "collections": {"type": "object", "required": ["links", "collections"], "properties": {
                "links": {"type": "array", "items": _ref("link")},
                "collections": {"type": "array", "items": _ref("collectionInfo")}}},
            "collectionInfo": collection,
            "featureGeoJSON": feature,
            "featureCollectionGeoJSON": {"type": "object", "required": ["type", "features"], "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": _ref("featureGeoJSON")},
                "links": {"type": "array", "items": _ref("link")},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
                "timeStamp": {"type": "string"}}},
            "problem": {"type": "object", "required": ["title", "status"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}, "instance": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object"}}}},
        }},
    }
