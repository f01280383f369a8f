"""Read-only CKAN-compatible Action API at /api/3/action/{action}, in CKAN's response and error envelopes.

Parameters come from the query string (GET) or a JSON body (POST, what ckanapi sends); harvesters and
ckanapi/ckanr clients work unchanged. Only read actions exist (services/ckan.py ACTIONS); anything else is
CKAN's 400 "not known".
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.model.languages import negotiate
from litterhub.services import ckan as svc
from litterhub.services.hub import Hub

router = APIRouter(include_in_schema=False)

CORS = {"Access-Control-Allow-Origin": "*"}


def _help(request: Request, action: str) -> str:
    """The action's help_show URL; for an action the API lacks, help_show's own help (which lists them all),
    so that every `help` link resolves."""
    name = action if action in svc.ACTIONS else "help_show"
    return f"{str(request.base_url).rstrip('/')}/api/3/action/help_show?name={name}"


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


@router.api_route("/api/3/action/{action}", methods=["GET", "POST"])
@router.api_route("/api/action/{action}", methods=["GET", "POST"])  # unversioned path, used by ckanapi
async def action(action: str, request: Request, hub: Hub = Depends(get_hub)) -> JSONResponse:
    base = str(request.base_url).rstrip("/")
    if action not in svc.ACTIONS:
        return JSONResponse({"help": _help(request, action), "success": False,
                             "error": {"__type": "Bad Request", "message": f"Action name not known: {action}"}},
                            status_code=400, headers=CORS)
    try:
        params = await _params(request)
        result = await run_in_threadpool(svc.run, action, hub, base, params, _language(request, params))
    except svc.CkanError as exc:
        return _error(request, action, exc)
    return JSONResponse({"help": _help(request, action), "success": True, "result": result}, headers=CORS)
