"""CKAN's default licence register, and how the hub's SPDX licence ids map onto it.

Why: a CKAN portal that harvests the hub shows a licence (title, openness) only when the package's
`license_id` is in its register, and ckanext-dcat's RDF parser finds a `license_id` only from a register
entry's URL or title. CKAN ships the register below (ckan/model/license.py, `LicenseRegister` without
`licenses_group_url`); portals configured with the Open Definition list use SPDX-style ids such as
`CC-BY-4.0`, which the hub's own ids already are. So `license_id` is the default-register id where one
exists (`cc-by`), the SPDX id otherwise, and the SPDX id is always kept alongside.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CkanLicence:
    id: str
    title: str
    url: str
    od_conformance: str = "not reviewed"
    is_generic: bool = False


# CKAN's default register, in CKAN's order (ids, titles and URLs as CKAN defines them)
DEFAULT_REGISTER = (
    CkanLicence("notspecified", "License not specified", "", is_generic=True),
    CkanLicence("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)",
                "http://www.opendefinition.org/licenses/odc-pddl", "approved"),
    CkanLicence("odc-odbl", "Open Data Commons Open Database License (ODbL)",
                "http://www.opendefinition.org/licenses/odc-odbl", "approved"),
    CkanLicence("odc-by", "Open Data Commons Attribution License", "http://www.opendefinition.org/licenses/odc-by",
                "approved"),
    CkanLicence("cc-zero", "Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero", "approved"),
    CkanLicence("cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by", "approved"),
    CkanLicence("cc-by-sa", "Creative Commons Attribution Share-Alike",
                "http://www.opendefinition.org/licenses/cc-by-sa", "approved"),
    CkanLicence("gfdl", "GNU Free Documentation License", "http://www.opendefinition.org/licenses/gfdl", "approved"),
    CkanLicence("other-open", "Other (Open)", "", "approved", True),
    CkanLicence("other-pd", "Other (Public Domain)", "", "approved", True),
    CkanLicence("other-at", "Other (Attribution)", "", "approved", True),
    CkanLicence("uk-ogl", "UK Open Government Licence (OGL)",
                "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "approved"),
    CkanLicence("cc-nc", "Creative Commons Non-Commercial (Any)", "http://creativecommons.org/licenses/by-nc/2.0/"),
    CkanLicence("other-nc", "Other (Non-Commercial)", "", is_generic=True),
    CkanLicence("other-closed", "Other (Not Open)", "", is_generic=True),
)
BY_ID = {lic.id: lic for lic in DEFAULT_REGISTER}

# SPDX id of a hub licence -> the CKAN default-register entry that covers it (any version of the family)
SPDX_TO_CKAN = {
    "CC-BY-4.0": "cc-by", "CC-BY-3.0": "cc-by", "CC0-1.0": "cc-zero", "CC-BY-SA-4.0": "cc-by-sa",
    "CC-BY-SA-3.0": "cc-by-sa", "ODbL-1.0": "odc-odbl", "PDDL-1.0": "odc-pddl", "ODC-By-1.0": "odc-by",
    "GFDL-1.3-or-later": "gfdl", "OGL-UK-3.0": "uk-ogl",
}


def ckan_licence(spdx: str) -> CkanLicence | None:
    """The default-register entry CKAN knows the hub licence by, or None when CKAN has no such entry."""
    return BY_ID.get(SPDX_TO_CKAN.get(spdx, ""))


def license_id(spdx: str) -> str:
    """The `license_id` a CKAN portal recognises: its default-register id, else the SPDX id."""
    entry = ckan_licence(spdx)
    return entry.id if entry else spdx
