"""Where the non-bundled source-inventory tables are searched for: given by the service layer, never read here.

The hub passes its folders when it opens (`search_in(settings.inventory_folders)`: LITTERHUB_INVENTORY_SOURCES,
LITTERHUB_SHARED_DATA, `<data dir>/sources`); the development checkout's `../shared/data` is always searched
last. Kept apart from `sources` so that opening a hub does not import pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

CHECKOUT_SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "data"
_SEARCHED: list[Path] = []


def search_in(folders: Sequence[Path]) -> None:
    """Search these folders (most specific first). Tables already read are kept (each loader reads once per
    process), so a deployment gives its folders before the first computation: when its hub opens."""
    _SEARCHED[:] = list(folders)


def searched() -> list[Path]:
    """Candidate folders holding the non-bundled source tables, most specific first."""
    return [*_SEARCHED, CHECKOUT_SHARED]
