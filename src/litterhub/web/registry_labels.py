"""Registry facet values and entity types in the page's language: types and topics through the gettext catalogues
(the msgids are declared here so extraction finds them), countries and languages from CLDR through Babel (every
UN language has them, reviewed by CLDR's translators), region titles as the records give them."""

from __future__ import annotations

from typing import Any

import pycountry
from babel import Locale

from litterhub.web.i18n import translations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    return message


# The English labels of registry.entities.TYPE_LABELS (tests/registry check that each one is declared here).
TYPE_MSGIDS = (
    N_("Actor"), N_("Initiative or project"), N_("Guideline or protocol"), N_("Report or publication"),
    N_("Policy or measure"), N_("Industry initiative"), N_("Additive or chemical"), N_("Capacity need"),
    N_("Capacity offer"), N_("Financing opportunity"), N_("Event"), N_("Region"), N_("Practice or guidance"),
    N_("Learning resource"), N_("Learning path"),
)

# Topic codes (registry.entities.TOPICS) as people read them.
TOPIC_LABELS = {
    "monitoring": N_("Monitoring"), "beach-litter": N_("Beach litter"), "floating-litter": N_("Floating litter"),
    "seafloor-litter": N_("Seafloor litter"), "microplastics": N_("Microplastics"),
    "riverine-litter": N_("Riverine litter"), "citizen-science": N_("Citizen science"),
    "data-management": N_("Data management"), "fishing-gear": N_("Fishing gear"),
    "single-use-plastics": N_("Single-use plastics"), "plastic-bags": N_("Plastic bags"), "packaging": N_("Packaging"),
    "waste-management": N_("Waste management"), "circular-economy": N_("Circular economy"),
    "epr": N_("Extended producer responsibility"), "additives": N_("Additives"), "chemicals": N_("Chemicals"),
    "policy": N_("Policy"), "governance": N_("Governance"), "capacity-building": N_("Capacity building"),
    "financing": N_("Financing"), "research": N_("Research"), "assessment": N_("Assessment"),
    "shipping": N_("Shipping"), "biota": N_("Biota"), "source-inventory": N_("Source inventory"),
    "cleanup": N_("Cleanup"), "education": N_("Education"), "industry": N_("Industry"),
    "regional-cooperation": N_("Regional cooperation"),
}


def type_label(english: str, lang: str) -> str:
    return translations(lang).gettext(english)


def facet_label(facet: str, value: str, english: str, lang: str) -> str:
    """The label of one facet value in `lang` (the English label when no translation is known)."""
    if facet == "type":
        return type_label(english, lang)
    if facet == "topic":
        return translations(lang).gettext(TOPIC_LABELS.get(value, english))
    locale = Locale.parse(lang)
    if facet == "country":
        country = pycountry.countries.get(alpha_3=value)
        return locale.territories.get(country.alpha_2, english) if country else english
    if facet == "language":
        return locale.languages.get(value, english)
    return english


def localise(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """A search result's facet labels in `lang` (in place; returned for convenience)."""
    for facet, items in result["facets"].items():
        for item in items:
            item["label"] = facet_label(facet, item["value"], item["label"], lang)
    return result
