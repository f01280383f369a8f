"""Web pages for national source inventories: every country on a map and in a table, and a page per
country with each model's outputs (mean, P10/P90), labelled by where the plastic ends up, the scenario
comparison, the flow from waste generated to leakage, and the stored inventory versions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import inventory as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.rendering import render
from litterhub.web.routes.accounts import page
from litterhub.web.session import signed_in

router = APIRouter(include_in_schema=False)


def _stored(hub: Hub, country: str | None = None) -> list[dict]:
    try:
        return svc.list_inventories(hub, country)
    except svc.InventoryInputError:
        return []


def _flow_bars(flow: dict | None) -> list[dict]:
    """Each stage of the flow as (part passed on, part kept) percentages of the stage before."""
    if not flow:
        return []
    steps = flow["steps"]
    bars = []
    for parent, child in zip(steps, steps[1:], strict=False):
        share = child["value_t"] / parent["value_t"] if parent["value_t"] else 0.0
        bars.append({"from": parent, "to": child, "percent": round(100 * share, 1)})
    mpw = steps[-1]["value_t"]
    for item in flow["leakage"]:
        value = item.get("mean_t", item.get("mid_t", 0.0))
        bars.append(
            {
                "from": steps[-1],
                "to": {"label": item["method"], "value_t": value, "compartment": item["compartment"]},
                "percent": round(100 * value / mpw, 1) if mpw else 0.0,
                "leakage": item,
            }
        )
    return bars


@router.get("/inventory", response_class=HTMLResponse)
def inventory_index(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    try:
        rows = list(svc.overview())
        problem = None
    except svc.InventoryInputError as exc:
        rows, problem = [], str(exc)
    return render(
        request,
        "inventory/index.html",
        rows=rows,
        stored=_stored(hub),
        problem=problem,
        labels=svc.chain.COMPARTMENT_LABELS,
    )


def _country_page(
    request: Request,
    hub: Hub,
    country: str,
    overrides: list,
    errors: list,
    override_source: str = "",
    status_code: int = 200,
    submit_errors: list | None = None,
) -> Response:
    try:
        profile = svc.country_profile(country, overrides=overrides)
    except svc.InventoryInputError as exc:
        return render(request, "not_found.html", status_code=404, what=f"{country}: {exc}")
    return page(
        request,
        "inventory/country.html",
        status_code=status_code,
        p=profile,
        flow_bars=_flow_bars(profile["flow"]),
        stored=_stored(hub, profile["country"]),
        errors=errors,
        submit_errors=submit_errors or [],
        overridable=svc.OVERRIDABLE,
        override_source=override_source,
        methods=svc.RECORD_METHODS,
        scenarios=svc.SCENARIOS,
    )


@router.get("/inventory/{country}", response_class=HTMLResponse)
def inventory_country(
    country: str,
    request: Request,
    override: list[str] | None = Query(None),
    override_source: str | None = None,
    hub: Hub = Depends(get_hub),
) -> Response:
    errors: list = []
    overrides: list = []
    if override:
        try:
            overrides = svc.parse_override_args([o for o in override if o.strip()], override_source)
        except svc.InventoryInputError as exc:
            errors = exc.issues
    return _country_page(request, hub, country, overrides, errors, override_source or "")


@router.post("/inventory/{country}/submit", response_class=HTMLResponse)
async def inventory_submit(country: str, request: Request, hub: Hub = Depends(get_hub),
                           who: Principal = Depends(signed_in())) -> Response:
    """Store the country's inventory (signed-in contributors; CSRF-protected form)."""
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    pairs = [v for v in form.getlist("override") if isinstance(v, str) and v.strip()]
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    year_text = text.get("year", "").strip()
    try:
        if year_text and not year_text.isdigit():
            raise svc.InventoryInputError.single("type-error", f"'{year_text}' is not a year", field="year")
        overrides = svc.parse_override_args(pairs, text.get("override_source"))
        record = svc.submit_inventory(
            hub,
            country,
            text.get("method", ""),
            text.get("submitter", ""),
            int(year_text) if year_text else None,
            overrides,
            text.get("scenario") or "bau",
            account=who.actor,
        )
    except svc.InventoryInputError as exc:
        return _country_page(request, hub, country, [], [], status_code=422, submit_errors=exc.issues)
    return RedirectResponse(f"/inventory/{record['country']}#stored", status_code=303)
