"""Who acts, in each service's own terms, from the signed-in principal: one conversion for both faces."""

from __future__ import annotations

from litterhub.services import registry
from litterhub.services.auth import Principal


def caller_of(principal: Principal | None) -> registry.Caller | None:
    """The registry's caller (audit actor, role, public name), or None for an anonymous reader."""
    if principal is None:
        return None
    return registry.Caller(principal.actor, principal.role, principal.user.public_name)


def run_owner(principal: Principal | None) -> str | None:
    """Whose litteR run it is: the signed-in account, or nobody (anonymous: the random id is the key)."""
    return f"user:{principal.id}" if principal is not None else None
