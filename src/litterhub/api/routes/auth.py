"""/api/v1/auth: who am I, my API keys, and (for admins) roles, trust and sessions. Keys are shown once, on creation.

Key management (create, list, revoke) needs a signed-in session or a key with the `keys` scope; a key manages
only itself and the keys it made, and the keys it makes never outlive nor out-scope it (services/auth.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from litterhub.http.deps import get_hub
from litterhub.http.security import require_role
from litterhub.services import auth
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/auth", tags=["accounts"])
PROBLEMS = {401: {"description": "anonymous"}, 403: {"description": "role or scope too low"},
            404: {"description": "not found"}, 422: {"description": "invalid input"},
            429: {"description": "rate limited"}}


class KeyBody(BaseModel):
    scopes: list[str] | None = Field(None, description="read | submit | curate | admin | keys; default: what you "
                                                       "hold except keys")
    name: str = Field("", max_length=200)
    days: int | None = Field(None, ge=1, le=3650,
                             description=f"expiry in days; default {auth.DEFAULT_KEY_DAYS}, or when the key you "
                                         "call with expires if that is sooner (asking for longer is refused)")


class RoleBody(BaseModel):
    role: str


class TrustBody(BaseModel):
    trusted: bool


def _me(principal: Principal) -> dict[str, Any]:
    u = principal.user
    return {"id": u.id, "email": u.email, "display_name": u.display_name, "role": principal.role,
            "account_role": u.role, "trusted": u.trusted, "show_name": u.show_name, "via": principal.via,
            "scopes": list(principal.scopes)}


def _key(k: auth.ApiKey) -> dict[str, Any]:
    return {"id": k.id, "name": k.name, "scopes": list(k.scopes), "created_at": k.created_at,
            "expires_at": k.expires_at, "last_used_at": k.last_used_at, "revoked_at": k.revoked_at,
            "parent_id": k.parent_id}


@router.get("/me", responses=PROBLEMS)
def me(principal: Principal = Depends(require_role("public"))) -> dict[str, Any]:
    return _me(principal)


@router.get("/keys", responses=PROBLEMS)
def keys(principal: Principal = Depends(require_role("public")), hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Your keys (signed in), or the calling key and the keys it made (a key with the `keys` scope)."""
    items = [_key(k) for k in auth.manageable_keys(hub, principal)]
    return {"items": items, "count": len(items)}


@router.post("/keys", status_code=201, responses=PROBLEMS)
def create_key(body: KeyBody, principal: Principal = Depends(require_role("public")),
               hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """A new key for yourself: never more scopes, nor a later expiry, than the key you call with."""
    key, record = auth.create_api_key(hub, principal.id, body.scopes, name=body.name,
                        expires_in_days=body.days or auth.DEFAULT_KEY_DAYS, actor=principal.actor,
                        parent=principal, fit_parent=body.days is None)
    return {"key": key, **_key(record), "note": "this is the only time the key is shown"}


@router.delete("/keys/{key_id}", responses=PROBLEMS)
def revoke_key(key_id: str, principal: Principal = Depends(require_role("public")),
               hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Revoke a key and every key it made (`also_revoked`)."""
    revoked = auth.revoke_own_key(hub, principal, key_id)
    return {"id": key_id, "revoked": key_id in revoked, "also_revoked": [k for k in revoked if k != key_id]}


@router.post("/users/{user_id}/role", responses=PROBLEMS)
def set_role(user_id: int, body: RoleBody, principal: Principal = Depends(require_role("admin", scope="admin")),
             hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    auth.get_user(hub, user_id)
    user = auth.set_role(hub, user_id, body.role, principal.actor)
    return {"id": user.id, "role": user.role}


@router.post("/users/{user_id}/end-sessions", responses=PROBLEMS)
def end_sessions(user_id: int, principal: Principal = Depends(require_role("admin", scope="admin")),
                 hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Sign a user out of every browser at once (their API keys are revoked separately)."""
    auth.get_user(hub, user_id)
    return {"id": user_id, "sessions_ended": auth.end_sessions(hub, user_id, principal.actor)}


@router.post("/users/{user_id}/trust", responses=PROBLEMS)
def set_trust(user_id: int, body: TrustBody, principal: Principal = Depends(require_role("admin", scope="admin")),
              hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    auth.get_user(hub, user_id)
    user = auth.set_trusted(hub, user_id, body.trusted, principal.actor)
    return {"id": user.id, "trusted": user.trusted}
