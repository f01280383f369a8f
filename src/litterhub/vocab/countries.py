"""Countries as ISO 3166-1 (from pycountry), the identifiers every site carries."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def to_alpha3(value: str) -> str | None:
    """Alpha-2, alpha-3, numeric or an English name -> alpha-3 (None when not a country)."""
    text = value.strip()
    if not text:
        return None
    for key in ("alpha_2", "alpha_3", "numeric"):
        hit = pycountry.countries.get(**{key: text.upper() if key != "numeric" else text.zfill(3)})
        if hit:
            return hit.alpha_3
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        return None


def countries() -> list[dict[str, str]]:
    return [{"alpha_3": c.alpha_3, "alpha_2": c.alpha_2, "name": c.name} for c in pycountry.countries]
