"""Country names and codes as programmes write them -> ISO 3166-1 alpha-3."""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc
import pycountry

# EU/EEA conventions that differ from ISO 3166-1 alpha-2
EU_ALIASES = {"UK": "GBR", "EL": "GRC", "XK": "XKX"}


@lru_cache(maxsize=4096)
def to_alpha3(value: str) -> str | None:
    """ISO alpha-3 for an alpha-2/alpha-3 code or an English name; None when unknown."""
    text = (value or "").strip()
    if not text:
        return None
    if text.upper() in EU_ALIASES:
        return EU_ALIASES[text.upper()]
    try:
        if len(text) == 2:
            return pycountry.countries.get(alpha_2=text.upper()).alpha_3
        if len(text) == 3:
            found = pycountry.countries.get(alpha_3=text.upper())
            if found:
                return found.alpha_3
        return pycountry.countries.lookup(text).alpha_3
    except (LookupError, AttributeError):
        return None


def column_to_alpha3(col: pa.Array) -> tuple[pa.Array, list[str]]:
    """Map a column of codes/names (resolving only the distinct values); also returns the unknown ones."""
    uniques = pc.unique(col)
    mapped = [to_alpha3(v) if v is not None else None for v in uniques.to_pylist()]
    unknown = [v for v, m in zip(uniques.to_pylist(), mapped, strict=True) if v and m is None]
    return pc.take(pa.array(mapped, pa.string()), pc.index_in(col, value_set=uniques)), unknown
