"""/api/v1/indicators: beach statistics, EU threshold value, OSPAR, SDG 14.1.1b and composition.

Every answer names the dataset versions it used, its comparability classes (largest first; every table row
carries its `comparability_class`), the duplicate copies it left out and the comparability warnings of its
inputs. `format=csv&table=NAME` answers one table as CSV instead (SDG: the data-exchange layout).
Unknown datasets answer 404, invalid parameters 400, and `pool=true` over several comparability classes
409 with the code `incomparable-classes` (never a number), all as problem+json.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from litterhub.analysis.comparability import IncomparableClasses, IndicatorResult
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


def _answer(request: Request, call, fmt: str, table: str | None, default_table: str,
            drop: tuple[str, ...] = ()) -> Response:
    """The answer, computed once per (path, query) and dataset versions (services/indicator_store.py): an
    indicator over the whole lake costs seconds, a stored one microseconds, until a version changes."""
    params = (request.url.path, tuple(sorted(request.query_params.multi_items())))
    media, body, headers = indicator_store.get_or_compute(request.app.state.hub, "indicator", params,
                                                          lambda: _compute(call, fmt, table, default_table, drop))
    return Response(body, media_type=media, headers=headers)


def _compute(call, fmt: str, table: str | None, default_table: str,
             drop: tuple[str, ...]) -> tuple[str, bytes, dict[str, str]]:
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
    out = result.as_dict()
    for name in drop:
        out["tables"].pop(name, None)
    return "application/json", JSONResponse(jsonable_encoder(out)).body, {}


@router.get("/beach", responses=ERRORS)
def beach(request: Request,
          dataset: list[str] | None = DATASET, group_by: str = Query("site", pattern="^(site|country|region)$"),
          date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
          per_100m: bool = Query(False), group: list[str] | None = Query(None), surveys: bool = Query(False),
          pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT, table: str | None = TABLE,
          hub: Hub = Depends(get_hub)) -> Any:
    """litteR statistics per site (and country/region) on survey totals per vocabulary group, per class."""
    return _answer(request, lambda: svc.beach(hub, dataset, group_by, date_from, date_to, per_100m, group, pool, klass),
                   format, table, "sites", drop=() if surveys else ("surveys",))


@router.get("/threshold", responses=ERRORS)
def threshold(request: Request, dataset: list[str] | None = DATASET, date_from: str | None = Query(None, alias="from"),
              date_to: str | None = Query(None, alias="to"), min_surveys: int = Query(40, ge=1),
              target: float | None = Query(None, gt=0), cycle_anchor: int = Query(2012),
              all_events: bool = Query(False), pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT,
              table: str | None = TABLE, hub: Hub = Depends(get_hub)) -> Any:
    """EU threshold value (20 items/100 m): pooled median per class × country × subregion × 6-year cycle."""
    return _answer(request, lambda: svc.threshold(hub, dataset, date_from, date_to, cycle_anchor, min_surveys, target,
                                         not all_events, pool, klass), format, table, "assessment",
                   drop=("surveys",))


@router.get("/ospar", responses=ERRORS)
def ospar(request: Request, dataset: list[str] | None = DATASET, end_year: int | None = Query(None),
          group_by: str = Query("region", pattern="^(country|region)$"), monitoring_year: bool = Query(False),
          pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT, table: str | None = TABLE,
          hub: Hub = Depends(get_hub)) -> Any:
    """OSPAR-style 3-year median abundance and 6-year trends per beach and region, per class."""
    return _answer(request, lambda: svc.ospar(hub, dataset, end_year, group_by, monitoring_year, pool, klass),
                   format, table, "trend_regions")


@router.get("/sdg", responses=ERRORS)
def sdg(request: Request,
        country: str | None = Query(None, min_length=3, max_length=3), dataset: list[str] | None = DATASET,
        assume_width: float | None = Query(None, description="beach width (m) for sites with none from the survey "
                                           "or the width table; every value it touches is flagged WIDTH_ASSUMED"),
        pool: bool = POOL, klass: str | None = CLASS,
        format: str = FORMAT, table: str | None = TABLE, hub: Hub = Depends(get_hub)) -> Any:
    """SDG 14.1.1b per country, year and comparability class (`HEADLINE` marks the one value per series, country
    and year to report: monitoring surveys, or tows, under a recognised protocol); format=csv gives the SDG
    data-exchange layout with the columns `comparability_class` and `HEADLINE`. The tables `countries`,
    `not_computable` and `missing_widths` say which countries cannot be computed, why, and what to provide."""
    return _answer(request, lambda: svc.sdg(hub, country, dataset, assume_width, pool, klass), format, table, "sdg")


@router.get("/composition", responses=ERRORS)
def composition(request: Request, dataset: list[str] | None = DATASET, top: int = Query(10, ge=1, le=500),
                date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                pool: bool = POOL, klass: str | None = CLASS, format: str = FORMAT, table: str | None = TABLE,
                hub: Hub = Depends(get_hub)) -> Any:
    """Top items, unmapped source codes, use-group, material and OSPAR source-category shares, per class."""
    return _answer(request, lambda: svc.composition(hub, dataset, top, date_from, date_to, pool, klass), format, table,
                   "items")
