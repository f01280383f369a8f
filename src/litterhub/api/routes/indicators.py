"""/api/v1/indicators: beach statistics, EU threshold value, OSPAR, SDG 14.1.1b and composition.

Every answer names the dataset versions it used, its comparability classes (largest first; every table row
carries its `comparability_class`), the duplicate copies it left out and the comparability warnings of its
inputs. `format=csv&table=NAME` answers one table as CSV instead (SDG: the data-exchange layout).
Unknown datasets answer 404, invalid parameters 400, and `pool=true` over several comparability classes
409 with the code `incomparable-classes` (never a number), all as problem+json.

JSON answers are pages: every table holds at most `limit` rows (default PAGE_ROWS), and `next_cursor` asks for
the following rows of every table that has more (`page.rows` gives each table's full length). A per-site result
over a large dataset is tens of megabytes otherwise. The cursor names the dataset versions it was cut from: after
a new version it is refused (409 `stale-cursor`) instead of mixing two results. CSV (`format=csv`) is the whole
table, a download.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from litterhub.analysis.comparability import IncomparableClasses, IndicatorResult, records
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.services import indicator_store
from litterhub.services import indicators as svc
from litterhub.services.datasets import BadRequest, NotFound
from litterhub.services.hub import Hub

router = APIRouter(prefix="/indicators", tags=["indicators"])

ERRORS = {400: {"description": "invalid parameter (problem+json)"},
          404: {"description": "unknown dataset, table or comparability class (problem+json)"},
          409: {"description": "pool=true over several comparability classes: incomparable-classes (problem+json)"}}
POOL = Query(False, description="one result over all inputs; refused (409 incomparable-classes) when they span "
             "several comparability classes")
CLASS = Query(None, alias="class", description="only this comparability class (its label, as in comparability_classes)")
DATASET = Query(None, description="dataset id (ID or ID@VERSION); repeat for several; default all")
FORMAT = Query("json", pattern="^(json|csv)$", description="json, or csv for one table")
TABLE = Query(None, description="with format=csv: the table to download")
PAGE_ROWS = 1000  # rows per table in one JSON answer: a country or region table fits whole, a site table pages
MAX_PAGE_ROWS = 10_000
LIMIT = Query(PAGE_ROWS, ge=1, le=MAX_PAGE_ROWS, description="JSON: at most this many rows of each table")
CURSOR = Query(None, description="JSON: the next_cursor of a previous page")
PAGING = ("limit", "cursor")  # not part of what is computed


def _answer(request: Request, call, fmt: str, table: str | None, default_table: str,
            drop: tuple[str, ...] = (), limit: int = PAGE_ROWS, cursor: str | None = None) -> Response:
    """The answer, computed once per (path, query) and dataset versions (services/indicator_store.py): an
    indicator over the whole lake costs seconds, a stored one microseconds, until a version changes; a JSON
    answer is then cut into a page of `limit` rows per table."""
    hub = request.app.state.hub
    state = indicator_store.version_state(hub)
    offset = _decode_cursor(cursor, state) if cursor else 0
    params = (request.url.path, tuple(sorted((k, v) for k, v in request.query_params.multi_items()
                                             if k not in PAGING)))
    stored = indicator_store.get_or_compute(hub, "indicator-result", params,
                                            lambda: _compute(call, fmt, table, default_table, drop))
    if isinstance(stored, IndicatorResult):
        return JSONResponse(jsonable_encoder(_page(stored, offset, limit, state)))
    media, body, headers = stored
    return Response(body, media_type=media, headers=headers)


def _compute(call, fmt: str, table: str | None, default_table: str,
             drop: tuple[str, ...]) -> IndicatorResult | tuple[str, bytes, dict[str, str]]:
    """A CSV table as bytes, or the result itself (without the `drop` tables) for JSON pages."""
    try:
        result: IndicatorResult = call()
        if fmt == "csv":
            name = table or default_table
            text = svc.as_csv(result, name)
            return "text/csv; charset=utf-8", text.encode(), {
                "Content-Disposition": f'attachment; filename="{result.indicator}-{name}.csv"'}
    except NotFound as exc:
        raise Problem(404, str(exc)) from None
    except IncomparableClasses as exc:
        raise Problem(exc.status, str(exc), errors=[{"code": exc.code, "field": "pool", "message": str(exc)}]) from None
    except (BadRequest, ValueError) as exc:
        raise Problem(400, str(exc)) from None
    return dataclasses.replace(result, tables={k: v for k, v in result.tables.items() if k not in drop})


def _page(result: IndicatorResult, offset: int, limit: int, state: str) -> dict[str, Any]:
    """The result with rows [offset, offset + limit) of every table, the tables' lengths and the next cursor."""
    out = dataclasses.replace(result, tables={}).as_dict()
    lengths = {name: len(frame) for name, frame in result.tables.items()}
    out["tables"] = {name: records(frame.iloc[offset:offset + limit]) for name, frame in result.tables.items()}
    more = any(n > offset + limit for n in lengths.values())
    next_cursor = _encode_cursor(offset + limit, state) if more else None
    out["page"] = {"limit": limit, "rows": lengths, "next_cursor": next_cursor}
    out["next_cursor"] = next_cursor
    return out


def _encode_cursor(offset: int, state: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(["rows", offset, state]).encode()).decode()


def _decode_cursor(cursor: str, state: str) -> int:
    try:
        kind, offset, made_from = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, json.JSONDecodeError):
        kind = offset = made_from = None
    if kind != "rows" or not isinstance(offset, int) or offset < 0 or not isinstance(made_from, str):
        raise Problem(400, "cursor is not valid: use the next_cursor value of a previous page",
                      errors=[{"code": "bad-cursor", "field": "cursor", "message": "not a cursor of this answer"}])
    if made_from != state:
        raise Problem(409, "stale-cursor: a dataset version was published or retracted since the first page; "
                      "ask for the first page again",
                      errors=[{"code": "stale-cursor", "field": "cursor", "message": "the dataset versions changed"}])
    return offset


@router.get("/beach", responses=ERRORS)
def beach(request: Request,
          dataset: list[str] | None = DATASET, group_by: str = Query("site", pattern="^(site|country|region)$"),
          date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
          per_100m: bool = Query(False), group: list[str] | None = Query(None), surveys: bool = Query(False),
          pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT, table: str | None = TABLE,
          limit: int = LIMIT, cursor: str | None = CURSOR, hub: Hub = Depends(get_hub)) -> Any:
    """litteR statistics per site (and country/region) on survey totals per vocabulary group, per class."""
    return _answer(request, lambda: svc.beach(hub, dataset, group_by, date_from, date_to, per_100m, group, pool, klass),
                   format, table, "sites", drop=() if surveys else ("surveys",), limit=limit, cursor=cursor)


@router.get("/threshold", responses=ERRORS)
def threshold(request: Request, dataset: list[str] | None = DATASET, date_from: str | None = Query(None, alias="from"),
              date_to: str | None = Query(None, alias="to"), min_surveys: int = Query(40, ge=1),
              target: float | None = Query(None, gt=0), cycle_anchor: int = Query(2012),
              all_events: bool = Query(False), pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT,
              table: str | None = TABLE, limit: int = LIMIT, cursor: str | None = CURSOR,
              hub: Hub = Depends(get_hub)) -> Any:
    """EU threshold value (20 items/100 m): pooled median per class × country × subregion × 6-year cycle."""
    return _answer(request, lambda: svc.threshold(hub, dataset, date_from, date_to, cycle_anchor, min_surveys, target,
                                         not all_events, pool, klass), format, table, "assessment",
                   drop=("surveys",), limit=limit, cursor=cursor)


@router.get("/ospar", responses=ERRORS)
def ospar(request: Request, dataset: list[str] | None = DATASET, end_year: int | None = Query(None),
          group_by: str = Query("region", pattern="^(country|region)$"), monitoring_year: bool = Query(False),
          pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT, table: str | None = TABLE,
          limit: int = LIMIT, cursor: str | None = CURSOR, hub: Hub = Depends(get_hub)) -> Any:
    """OSPAR-style 3-year median abundance and 6-year trends per beach and region, per class."""
    return _answer(request, lambda: svc.ospar(hub, dataset, end_year, group_by, monitoring_year, pool, klass),
                   format, table, "trend_regions", limit=limit, cursor=cursor)


@router.get("/sdg", responses=ERRORS)
def sdg(request: Request,
        country: str | None = Query(None, min_length=3, max_length=3), dataset: list[str] | None = DATASET,
        assume_width: float | None = Query(None, description="beach width (m) for sites with none from the survey "
                                           "or the width table; every value it touches is flagged WIDTH_ASSUMED"),
        pool: bool = POOL, klass: str | None = CLASS,
        format: str = FORMAT, table: str | None = TABLE, limit: int = LIMIT, cursor: str | None = CURSOR,
        hub: Hub = Depends(get_hub)) -> Any:
    """SDG 14.1.1b per country, year and comparability class (`HEADLINE` marks the one value per series, country
    and year to report: monitoring surveys, or tows, under a recognised protocol); format=csv gives the SDG
    data-exchange layout with the columns `comparability_class` and `HEADLINE`. The tables `countries`,
    `not_computable` and `missing_widths` say which countries cannot be computed, why, and what to provide."""
    return _answer(request, lambda: svc.sdg(hub, country, dataset, assume_width, pool, klass), format, table, "sdg",
                   limit=limit, cursor=cursor)


@router.get("/composition", responses=ERRORS)
def composition(request: Request, dataset: list[str] | None = DATASET, top: int = Query(10, ge=1, le=500),
                date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT, table: str | None = TABLE,
                limit: int = LIMIT, cursor: str | None = CURSOR, hub: Hub = Depends(get_hub)) -> Any:
    """Top items, unmapped source codes, use-group, material and OSPAR source-category shares, per class."""
    return _answer(request, lambda: svc.composition(hub, dataset, top, date_from, date_to, pool, klass), format, table,
                   "items", limit=limit, cursor=cursor)
