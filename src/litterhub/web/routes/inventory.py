"""Web pages for national source inventories: every country on a map and in a table, and a page per
country with each model's outputs (mean, P10/P90), labelled by where the plastic ends up, the scenario
comparison, the flow from waste generated to leakage, and the stored inventory versions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from litterhub.api.deps import get_hub
from litterhub.services import inventory as svc
from litterhub.services.hub import Hub
from litterhub.web.rendering import render

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
        value = item.get("mean_t", item.get("high_t", 0.0))
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


@router.get("/inventory/{country}", response_class=HTMLResponse)
def inventory_country(
    country: str,
    request: Request,
    override: list[str] | None = Query(None),
    override_source: str | None = None,
    hub: Hub = Depends(get_hub),
) -> HTMLResponse:
    errors: list = []
    overrides: list = []
    if override:
        try:
            overrides = svc.parse_override_args([o for o in override if o.strip()], override_source)
        except svc.InventoryInputError as exc:
            errors = exc.issues
    try:
        profile = svc.country_profile(country, overrides=overrides)
    except svc.InventoryInputError as exc:
        return render(request, "not_found.html", status_code=404, what=f"{country}: {exc}")
    stored = _stored(hub, profile["country"])
    return render(
        request,
        "inventory/country.html",
        p=profile,
        flow_bars=_flow_bars(profile["flow"]),
        stored=stored,
        errors=errors,
        overridable=svc.OVERRIDABLE,
        override_source=override_source or "",
    )
