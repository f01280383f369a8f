"""Router discovery: every module of a routes package that exposes `router` is mounted, so adding a capability
never means editing the factory."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter


def discover(package: ModuleType) -> list[APIRouter]:
    """The `router` of every module in `package`, in module-name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found
