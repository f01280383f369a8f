"""/api/v1/inventory: national source inventories, mirroring `litterhub inventory …`.

GET endpoints run a model for one country (published defaults, or overrides given as
`override=FIELD=VALUE` with `override_source`); POST endpoints take a CSV of the user's own inputs
(raw `text/csv` body or a multipart `file`). Input problems answer problem+json with every issue
as {code, field, line, message}; nothing is computed from a refused input. Monte Carlo runs and uploaded
tables compute in the shared compute pool (http/compute.py), never on the event loop; `draws` is bounded
by `MAX_DRAWS` (400 above it).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import require_role
from litterhub.services import inventory as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/inventory", tags=["inventory"])

MAX_UPLOAD_BYTES = 5 * 2**20
PROBLEMS = {
    400: {"description": "invalid parameter (problem+json, errors name the field)"},
    404: {"description": "no model inputs for this country (problem+json)"},
    422: {"description": "uploaded table refused (problem+json, errors name line and field)"},
}

COUNTRY = Query(..., description="ISO 3166-1 alpha-3 code, e.g. PHL", min_length=2, max_length=8)
OVERRIDE = Query(None, description="Replace a default input: FIELD=VALUE (repeatable)")
OVERRIDE_SOURCE = Query(None, description="Where the overriding figures come from (required with override)")
DETAIL = Query(False, description="Add inputs with their sources, method and compartment")


def _refused_upload(fn, *args):
    """Call `fn`; an uploaded table it refuses answers 422 (a refused parameter stays 400). Every other status
    comes from the error itself (analysis/inventory/errors.py) through the app's error handler."""
    try:
        return fn(*args)
    except svc.InventoryInputError as exc:
        exc.status = 422
        raise


async def _upload_text(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Problem(
                400,
                "send the CSV as a multipart field named 'file'",
                errors=[{"code": "missing-label", "field": "file", "message": "no file field"}],
            )
        data = await upload.read()
    else:
        data = await request.body()
    if len(data) > MAX_UPLOAD_BYTES:
        raise Problem(413, f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
    return _refused_upload(svc.decode_upload, data)


async def _heavy(request: Request, fn, *args, upload: bool = False):
    """`fn` in the compute pool; `upload`: its refusal is a refused upload (422)."""
    return await offload(request, _refused_upload, fn, *args) if upload else await offload(request, fn, *args)


DRAWS = Query(svc.DEFAULT_DRAWS,
              description=f"Monte Carlo draws (1–{svc.MAX_DRAWS}; 1–{svc.MAX_WORLD_DRAWS} for totals)")


def _shape(estimate, detail: bool) -> dict[str, Any]:
    return estimate.detail() if detail else estimate.summary()


@router.get("/jambeck", responses=PROBLEMS)
def jambeck(
    country: str = COUNTRY,
    year: int = Query(2010, description="2010 (computed) or 2025 (Jambeck's published projection)"),
    override: list[str] | None = OVERRIDE,
    override_source: str | None = OVERRIDE_SOURCE,
    detail: bool = DETAIL,
) -> dict[str, Any]:
    """Jambeck et al. 2015: coastal mismanaged plastic waste and marine debris (15–40 %), to the ocean."""
    found = svc.parse_override_args(override or [], override_source)
    return _shape(svc.jambeck_country(country, year, found), detail)


@router.post("/jambeck", responses=PROBLEMS)
async def jambeck_upload(
    request: Request,
    source: str = Query("user upload", description="Where the figures come from"),
    year: int = Query(2010, description="The year your inputs describe (labels the results)"),
    detail: bool = DETAIL,
) -> list[dict[str, Any]]:
    """Jambeck chain on your own inputs: CSV with columns country,coastal_population,
    waste_kg_per_person_day,plastic_share,inadequately_managed_share,littered_share (shares as fractions)."""
    text = await _upload_text(request)
    return [_shape(e, detail) for e in await _heavy(request, svc.jambeck_from_csv, text, source, year, upload=True)]


@router.get("/meijer", responses=PROBLEMS)
def meijer(
    country: str = COUNTRY,
    override: list[str] | None = OVERRIDE,
    override_source: str | None = OVERRIDE_SOURCE,
    detail: bool = DETAIL,
) -> dict[str, Any]:
    """Meijer et al. 2021: emission to the ocean = mismanaged plastic waste × country emission ratio."""
    found = svc.parse_override_args(override or [], override_source)
    return _shape(svc.meijer_country(country, found), detail)


@router.get("/meijer/rivers", responses=PROBLEMS)
def meijer_rivers(country: str | None = Query(None, description="ISO3 filter")) -> dict[str, Any]:
    """Hotspots: the river mouths emitting most to the ocean (Meijer et al. 2021 top 50), largest first."""
    items = svc.meijer_top_rivers(country)
    return {"items": items, "count": len(items), "compartment": "ocean"}


@router.get("/borrelle", responses=PROBLEMS)
async def borrelle(
    request: Request,
    country: str = COUNTRY,
    year: int = Query(2016, description="2016–2030"),
    scenario: str = Query("bau", description="bau | ambitious | target"),
    draws: int = DRAWS,
    seed: int = Query(svc.DEFAULT_SEED, description="random seed"),
    override: list[str] | None = OVERRIDE,
    override_source: str | None = OVERRIDE_SOURCE,
    detail: bool = DETAIL,
) -> dict[str, Any]:
    """Borrelle et al. 2020: emissions to aquatic ecosystems, mean with P10/P90, per scenario."""
    found = svc.parse_override_args(override or [], override_source)
    return _shape(await _heavy(request, svc.borrelle_country, country, year, scenario, draws, seed, found), detail)


@router.get("/borrelle/scenarios", responses=PROBLEMS)
async def borrelle_scenarios(
    request: Request,
    country: str = COUNTRY,
    draws: int = DRAWS,
    seed: int = Query(svc.DEFAULT_SEED, description="random seed"),
) -> dict[str, Any]:
    """Scenario comparison 2016–2030 for one country (mean, P2.5, P10, P90, P97.5 per year)."""
    result = await _heavy(request, svc.borrelle_scenarios, country, draws, seed)
    return {"country": country.strip().upper(), "compartment": svc.borrelle.COMPARTMENT, "scenarios": result}


@router.get("/borrelle/totals", responses=PROBLEMS)
async def borrelle_totals(
    request: Request,
    year: int = Query(2016, description="2016–2030"),
    scenario: str = Query("bau", description="bau | ambitious | target"),
    draws: int = DRAWS,
    seed: int = Query(svc.DEFAULT_SEED, description="random seed"),
) -> dict[str, Any]:
    """Income-class and world totals: sums of per-country mean, P10 and P90 (as the paper reports them)."""
    return await _heavy(request, svc.borrelle_totals, year, scenario, draws, seed)


@router.get("/jambeck/ranking", responses=PROBLEMS)
def jambeck_ranking(limit: int = Query(20, ge=1, le=250, description="how many countries")) -> dict[str, Any]:
    """Jambeck et al. 2015 Table 1: countries ranked by mismanaged plastic waste 2010."""
    items = svc.jambeck_ranking(limit)
    return {"items": items, "count": len(items), "compartment": "ocean"}


@router.get("/flow", responses=PROBLEMS)
def flow(
    country: str = COUNTRY,
    override: list[str] | None = OVERRIDE,
    override_source: str | None = OVERRIDE_SOURCE,
) -> dict[str, Any]:
    """From waste generated to leakage (What a Waste 2.0 defaults), leakage labelled by compartment."""
    found = svc.parse_override_args(override or [], override_source)
    return svc.country_flow(country, found)


@router.post("/microplastics", responses=PROBLEMS)
async def microplastics(request: Request) -> dict[str, Any]:
    """Primary microplastics to the ocean from your parameters: CSV with columns
    source,pathway,activity,loss_rate,pathway_share,retention (one row per source × pathway)."""
    text = await _upload_text(request)
    result = await _heavy(request, svc.microplastics_from_csv, text, upload=True)
    return svc.microplastics_summary(result)


@router.get("/records", responses=PROBLEMS)
def list_records(
    country: str | None = Query(None, description="ISO3 filter"),
    method: str | None = Query(None, description="jambeck | meijer | borrelle"),
    hub: Hub = Depends(get_hub),
) -> dict[str, Any]:
    """Stored national inventories (latest version of each), comparable across countries."""
    items = svc.list_inventories(hub, country, method)
    return {"items": items, "count": len(items)}


@router.post("/records", responses=PROBLEMS, status_code=201)
async def submit_record(
    request: Request,
    hub: Hub = Depends(get_hub),
    principal: Principal = Depends(require_role("contributor", "submit")),
) -> dict[str, Any]:
    """Submit a national inventory (contributors): JSON {country, method, submitter, year?, scenario?,
    draws?, seed?, overrides: [{field, value, source}]}; the hub computes the results and stores a new
    version, recording the account that stored it."""
    try:
        body = await request.json()
    except ValueError:
        raise Problem(400, "send a JSON object") from None
    return await _heavy(request, svc.submit_from_json, hub, body, principal.actor, upload=True)


@router.get("/records/{country}/{method}", responses=PROBLEMS)
def record_versions(country: str, method: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Every version of one country's inventory for one method, newest first."""
    items = svc.versions(hub, country, method)
    return {"items": items, "count": len(items)}
