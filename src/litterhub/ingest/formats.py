"""The known programme formats, and detection of which one a file is in.

Every module in `litterhub.ingest` that defines `ADAPTER` (an object following `base.Adapter`) is a
format; `--format auto` asks each adapter in turn (most specific first, by `ADAPTER.priority`,
`base.AdapterBase` gives 100) and explains its choice.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import litterhub.ingest
from litterhub.errors import InvalidInput
from litterhub.ingest.base import Adapter
from litterhub.ingest.textio import Sniff, sniff


def _discover() -> dict[str, Adapter]:
    found: list[Adapter] = []
    for info in pkgutil.iter_modules(litterhub.ingest.__path__):
        module = importlib.import_module(f"litterhub.ingest.{info.name}")
        adapter = getattr(module, "ADAPTER", None)
        if adapter is not None:
            found.append(adapter)
    found.sort(key=lambda a: (a.priority, a.name))
    return {a.name: a for a in found}


ADAPTERS: dict[str, Adapter] = _discover()


class UnknownFormat(InvalidInput, ValueError):
    """The file matches no known format (the message says what to do instead)."""


@dataclass(frozen=True)
class Detection:
    adapter: Adapter
    reason: str


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise UnknownFormat(f"unknown format {name!r}; known formats: {', '.join(sorted(ADAPTERS))}, auto") from None


def detect(info: Sniff) -> Detection:
    """The adapter that recognises this file, with its reason; raises UnknownFormat otherwise."""
    for adapter in ADAPTERS.values():
        reason = adapter.detect(info)
        if reason:
            return Detection(adapter, reason)
    raise UnknownFormat(
        f"{info.path.name}: not a known programme format (looked for {', '.join(sorted(ADAPTERS))}). "
        "Describe its columns with a generic mapping file (see docs/formats.md)."
    )


def resolve(path: Path, fmt: str) -> tuple[Sniff, Detection]:
    info = sniff(path)
    if fmt == "auto":
        return info, detect(info)
    adapter = get_adapter(fmt)
    return info, Detection(adapter, f"format {fmt!r} given by the user")
