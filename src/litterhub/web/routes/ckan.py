"""Read-only CKAN-compatible Action API at /api/3/action/{action}, in CKAN's response and error envelopes.

Parameters come from the query string (GET) or a JSON body (POST, what ckanapi sends); harvesters and
ckanapi/ckanr clients work unchanged. Only read actions exist; anything else is CKAN's 400 "not known".
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from litterhub.api.deps import get_hub
from litterhub.services import ckan as svc
from litterhub.services.hub import Hub
from litterhub.web.i18n import negotiate

router = APIRouter(include_in_schema=False)

ACTIONS = ("package_list", "package_search", "package_show", "organization_list", "status_show", "tag_list",
           "group_list", "resource_show")
CORS = {"Access-Control-Allow-Origin": "*"}


def _help(request: Request, action: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/api/3/action/help_show?name={action}"


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    if request.method == "POST":
        body = await request.body()
        if body:
            try:
                data = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError):
                form = await request.form()
                data = dict(form)
            if not isinstance(data, dict):
                raise svc.validation("body", "must be a JSON object")
            params.update(data)
    return params


def _error(request: Request, action: str, exc: svc.CkanError) -> JSONResponse:
    return JSONResponse({"help": _help(request, action), "success": False,
                         "error": {"__type": exc.kind, **exc.fields}}, status_code=exc.status, headers=CORS)


def _language(request: Request, params: dict[str, Any]) -> str:
    """?lang= (or a `lang` parameter in the body), then Accept-Language, then English."""
    return negotiate(str(params.get("lang") or "") or None, None, request.headers.get("accept-language"))


def _run(action: str, hub: Hub, base: str, params: dict[str, Any], lang: str = "en") -> Any:
    if action == "package_list":
        return svc.package_list(hub, base)
    if action == "package_search":
        return svc.package_search(hub, base, params, lang)
    if action == "package_show":
        return svc.package_show(hub, base, params.get("id") or params.get("name"))
    if action == "organization_list":
        return svc.organization_list(hub, base, str(params.get("all_fields", "")).lower() in ("true", "1"))
    if action == "tag_list":
        return svc.tag_list(hub, base)
    if action == "group_list":
        return []  # the hub has no CKAN groups; themes are DCAT themes
    if action == "resource_show":
        return svc.resource_show(hub, base, params.get("id"))
    return svc.status_show(base)


@router.api_route("/api/3/action/{action}", methods=["GET", "POST"])
@router.api_route("/api/action/{action}", methods=["GET", "POST"])  # unversioned path, used by ckanapi
async def action(action: str, request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    base = str(request.base_url).rstrip("/")
    if action not in ACTIONS:
        return JSONResponse({"help": _help(request, action), "success": False,
                             "error": {"__type": "Bad Request", "message": f"Action name not known: {action}"}},
                            status_code=400, headers=CORS)
    try:
        params = await _params(request)
        result = await run_in_threadpool(_run, action, hub, base, params, _language(request, params))
    except svc.CkanError as exc:
        return _error(request, action, exc)
    return JSONResponse({"help": _help(request, action), "success": True, "result": result}, headers=CORS)
