"""Country identity for inventories: ISO 3166-1 alpha-3 codes, and the names the source tables use.

The published tables name countries in their own way (OWID's "Micronesia (country)", "Faeroe
Islands", …); models join on ISO3 only, so every name is resolved here once.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

# Codes the source tables use that are not (or no longer) in ISO 3166-1.
EXTRA_CODES: dict[str, str] = {
    "XKX": "Kosovo",
    "CHI": "Channel Islands",
    "ANT": "Netherlands Antilles",
}

# Source-table names pycountry does not resolve by itself.
NAME_OVERRIDES: dict[str, str] = {
    "Brunei": "BRN",
    "Cape Verde": "CPV",
    "Channel Islands": "CHI",
    "Cocos Islands": "CCK",
    "Cote d'Ivoire": "CIV",
    "Curacao": "CUW",
    "Democratic Republic of Congo": "COD",
    "Faeroe Islands": "FRO",
    "Falkland Islands": "FLK",
    "Macau": "MAC",
    "Macao": "MAC",
    "Micronesia": "FSM",
    "Micronesia (country)": "FSM",
    "Netherlands Antilles": "ANT",
    "Palestine": "PSE",
    "Reunion": "REU",
    "Russia": "RUS",
    "Saint Helena": "SHN",
    "Saint Martin": "MAF",
    "Sint Maarten": "SXM",
    "Sint Maarten (Dutch part)": "SXM",
    "Timor": "TLS",
    "Turkey": "TUR",
    "Congo": "COG",
    "Kosovo": "XKX",
}


def is_known_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code (or one of the few non-ISO codes the sources use)."""
    code = code.strip().upper()
    return code in EXTRA_CODES or pycountry.countries.get(alpha_3=code) is not None


def normalise_code(code: str) -> str:
    return code.strip().upper()


@lru_cache(maxsize=1024)
def country_name(code: str) -> str:
    """A display name for an ISO3 code (the code itself when unknown)."""
    code = normalise_code(code)
    if code in EXTRA_CODES:
        return EXTRA_CODES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=2048)
def code_for_name(name: str) -> str | None:
    """ISO3 for a source table's country name, or None for regions and aggregates (World, Asia, …)."""
    name = name.strip()
    if name in NAME_OVERRIDES:
        return NAME_OVERRIDES[name]
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None
