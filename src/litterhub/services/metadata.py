"""The one internal catalogue model: datasets, versions, distributions, extents, licence, publisher, keywords.

Every metadata face (DCAT-AP, schema.org, DataCite, CKAN, Frictionless) is a serialiser of this model, so a
field is defined and computed once and the faces cannot drift apart. Built from the catalog database only
(never from the observation lake), so building it stays cheap for every request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from litterhub.services import datasets as svc
from litterhub.services.hub import Hub
from litterhub.store import tables as t
from litterhub.store.settings import DEFAULT_DOI_PREFIX

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")

CATALOG_TITLE = {
    "en": "litterhub catalogue of marine litter and microplastics data",
    "fr": "Catalogue litterhub des données sur les déchets marins et les microplastiques",
    "es": "Catálogo litterhub de datos sobre basura marina y microplásticos",
    "ar": "فهرس litterhub لبيانات القمامة البحرية والجسيمات البلاستيكية الدقيقة",
    "ru": "Каталог litterhub данных о морском мусоре и микропластике",
    "zh": "litterhub 海洋垃圾和微塑料数据目录",
}
CATALOG_DESCRIPTION = {
    "en": "Harmonised monitoring data on marine litter and microplastics from many programmes, openly shared.",
    "fr": "Données de surveillance harmonisées sur les déchets marins et les microplastiques, partagées librement.",
    "es": "Datos de seguimiento armonizados sobre basura marina y microplásticos, compartidos abiertamente.",
    "ar": "بيانات رصد منسقة عن القمامة البحرية والجسيمات البلاستيكية الدقيقة من برامج عديدة، متاحة للجميع.",
    "ru": "Гармонизированные данные мониторинга морского мусора и микропластика из многих программ в открытом доступе.",
    "zh": "来自多个监测计划的海洋垃圾和微塑料统一监测数据，公开共享。",
}
HUB_PUBLISHER = "litterhub"
# ADMS publisher types (http://purl.org/adms/publishertype/) for DCAT-AP's agent dct:type. The hub is an open,
# non-commercial knowledge hub; a publisher's type comes from its registry actor record (`kind`), and kinds
# with no ADMS counterpart (networks) get none rather than a guess.
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
HUB_PUBLISHER_TYPE = "NonProfitOrganisation"
ACTOR_KIND_TYPES = {"intergovernmental": "SupraNationalAuthority", "secretariat": "SupraNationalAuthority",
                    "government": "NationalAuthority", "ngo": "NonGovernmentalOrganisation",
                    "research": "Academia-ScientificOrganisation"}
# the catalogue's own metadata is free to reuse (what open-data portals require of harvested metadata)
CATALOG_LICENCE = "CC0-1.0"
THEME_ENVIRONMENT = "http://publications.europa.eu/resource/authority/data-theme/ENVI"

# SPDX id -> (title, canonical URL); unknown ids fall back to the SPDX page.
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution Share Alike 4.0 International",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication & License 1.0",
                 "https://opendatacommons.org/licenses/pddl/1-0/"),
    # licences of demo programmes (demo/SOURCES.md)
    "MIT": ("MIT License", "https://spdx.org/licenses/MIT.html"),
    "GPL-3.0-only": ("GNU General Public License v3.0 only", "https://www.gnu.org/licenses/gpl-3.0.html"),
    "GPL-3.0-or-later": ("GNU General Public License v3.0 or later", "https://www.gnu.org/licenses/gpl-3.0.html"),
}

# download format key -> (title, media type, file suffix, description)
FORMATS: dict[str, tuple[str, str, str, str]] = {
    "csv": ("CSV", "text/csv", "csv", "Sampling events as CSV (UTF-8, formula-injection safe)"),
    "geojson": ("GeoJSON", "application/geo+json", "geojson", "Sampling events as a GeoJSON FeatureCollection"),
    "parquet": ("GeoParquet", "application/vnd.apache.parquet", "parquet",
                "Sampling events as GeoParquet 1.1 (WKB points, bbox covering column)"),
    "zip": ("Data Package", "application/zip", "zip",
            "Frictionless Data Package: events and observations as CSV with table schemas and licence"),
}


def licence_info(spdx: str) -> tuple[str, str]:
    """(title, URL) of an SPDX licence id."""
    return LICENCES.get(spdx, (spdx, f"https://spdx.org/licenses/{spdx}.html"))


def slugify(text: str) -> str:
    """A CKAN-style name: lowercase ascii alphanumerics, '-' and '_' (2-100 characters)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return (slug or "unnamed")[:100].ljust(2, "-")


@dataclass
class Agent:
    name: str
    url: str | None = None
    type: str | None = None  # ADMS publisher type name, e.g. "NationalAuthority"

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass
class Distribution:
    """One downloadable file of a dataset version (a CKAN resource, a DCAT distribution)."""

    key: str
    title: str
    description: str
    format: str
    media_type: str
    url: str
    licence: str
    version: int


@dataclass
class VersionInfo:
    version: int
    created: datetime
    sha256: str
    original_filename: str
    rows_accepted: int
    vocab_version: str
    status: str
    n_events: int = 0
    n_observations: int = 0
    start: date | None = None
    end: date | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass
class DatasetMeta:
    """Everything any metadata face says about one dataset (current version first)."""

    id: str
    uuid: str
    title: dict[str, str]
    description: dict[str, str]
    publisher: Agent
    licence: str
    source_citation: str
    programme: str
    protocol: str
    version: int
    issued: datetime
    modified: datetime
    bbox: tuple[float, float, float, float] | None
    start: date | None
    end: date | None
    n_events: int
    n_observations: int
    keywords: list[str]
    compartments: list[str]
    regions: list[str]
    countries: list[str]
    versions: list[VersionInfo]
    distributions: list[Distribution]
    landing_page: str
    version_url: str
    uri: str
    doi_prefix: str = DEFAULT_DOI_PREFIX  # the deployment's (Settings.datacite_prefix): its DOIs are prefix/suffix

    @property
    def licence_title(self) -> str:
        return licence_info(self.licence)[0]

    @property
    def licence_url(self) -> str:
        return licence_info(self.licence)[1]

    @property
    def publication_year(self) -> int:
        current = next((v for v in self.versions if v.version == self.version), None)
        return (current.created if current else self.issued).year


@dataclass
class DataService:
    id: str
    title: str
    endpoint_url: str
    description_url: str
    conforms_to: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


@dataclass
class CatalogMeta:
    uri: str
    homepage: str
    title: dict[str, str]
    description: dict[str, str]
    publisher: Agent
    languages: tuple[str, ...]
    modified: datetime | None
    datasets: list[DatasetMeta]
    services: list[DataService]
    issued: datetime | None = None  # the first dataset's publication
    licence: str = CATALOG_LICENCE
    bbox: tuple[float, float, float, float] | None = None  # the union of the datasets' extents


def _facets(hub: Hub) -> dict[str, dict[str, list[str]]]:
    """Compartments, regions, countries and programmes per dataset, from the version summaries."""
    from litterhub.services.summaries import facets

    return facets(hub)


def _publisher_types(hub: Hub) -> dict[str, str]:
    """ADMS publisher type per publisher name, from the published actor records of the registry (names match
    by title, "title (ACRONYM)" or acronym, case-insensitively)."""
    from litterhub.store.registry_tables import registry_records as rr
    from litterhub.store.registry_tables import registry_revisions as rv

    query = (select(rr.c.title, rv.c.data).join(rv, (rv.c.record_id == rr.c.id)
                                                 & (rv.c.revision == rr.c.published_revision))
             .where(rr.c.type == "actor"))
    out: dict[str, str] = {}
    with hub.engine.connect() as conn:
        for title, data in conn.execute(query):
            kind = ACTOR_KIND_TYPES.get((data or {}).get("kind", ""))
            if kind:
                acronyms = (data or {}).get("acronyms") or []
                for name in [title, *acronyms, *(f"{title} ({a})" for a in acronyms)]:
                    out.setdefault(name.casefold(), kind)
    return out


def _versions(hub: Hub) -> dict[str, list[VersionInfo]]:
    v = t.dataset_versions
    out: dict[str, list[VersionInfo]] = {}
    with hub.engine.connect() as conn:
        rows = conn.execute(select(v.c.dataset_id, v.c.version, v.c.created_at, v.c.sha256, v.c.original_filename,
                                   v.c.rows_accepted, v.c.vocab_version, v.c.status, v.c.n_events,
                                   v.c.n_observations, v.c.date_min, v.c.date_max, v.c.bbox)
                            .where(v.c.status == svc.PUBLISHED).order_by(v.c.version))  # retracted: not described
        for r in rows:
            bbox = tuple(r.bbox) if r.bbox and len(r.bbox) == 4 else None
            out.setdefault(r.dataset_id, []).append(VersionInfo(
                r.version, r.created_at, r.sha256, r.original_filename, r.rows_accepted, r.vocab_version, r.status,
                r.n_events, r.n_observations, r.date_min, r.date_max, bbox))  # type: ignore[arg-type]
    return out


def distributions_for(base_url: str, dataset_id: str, version: int, licence: str) -> list[Distribution]:
    base = f"{base_url}/api/v1/datasets/{dataset_id}/versions/{version}"
    return [Distribution(key, title, desc, title, media, f"{base}/download.{suffix}", licence, version)
            for key, (title, media, suffix, desc) in FORMATS.items()]


def _dataset(base_url: str, row: dict[str, Any], facets: dict[str, list[str]], versions: list[VersionInfo],
             publisher_types: dict[str, str] | None = None, doi_prefix: str = DEFAULT_DOI_PREFIX) -> DatasetMeta:
    bbox = tuple(row["bbox"]) if row.get("bbox") and len(row["bbox"]) == 4 else None
    compartments = facets.get("compartments", [])
    keywords = ["marine litter", row["source_programme"]] + [f"{c} litter" for c in compartments]
    landing = f"{base_url}/datasets/{row['id']}"
    return DatasetMeta(
        id=row["id"], uuid=row["uuid"], title={"en": row["title"]}, description={"en": row["description"]},
        publisher=_publisher(row["publisher"], publisher_types or {}), licence=row["licence"],
        source_citation=row["citation"], programme=row["source_programme"], protocol=row["protocol"],
        version=row["version"], issued=datetime.fromisoformat(row["created_at"]),
        modified=datetime.fromisoformat(row["updated_at"]), bbox=bbox,  # type: ignore[arg-type]
        start=date.fromisoformat(row["date_min"]) if row.get("date_min") else None,
        end=date.fromisoformat(row["date_max"]) if row.get("date_max") else None,
        n_events=row["n_events"], n_observations=row["n_observations"], keywords=list(dict.fromkeys(keywords)),
        compartments=compartments, regions=facets.get("regions", []), countries=facets.get("countries", []),
        versions=versions, distributions=distributions_for(base_url, row["id"], row["version"], row["licence"]),
        landing_page=landing, version_url=f"{landing}?version={row['version']}",
        uri=f"{base_url}/id/dataset/{row['uuid']}", doi_prefix=doi_prefix,
    )


def _publisher(name: str | None, types: dict[str, str]) -> Agent:
    if not name:
        return Agent(HUB_PUBLISHER, type=HUB_PUBLISHER_TYPE)
    # a joint publisher ("OSPAR Commission; Rijkswaterstaat (NL data)") takes the type of the first one known
    parts = [name, *(part.strip() for part in name.split(";"))]
    return Agent(name, type=next((types[p.casefold()] for p in parts if p.casefold() in types), None))


def list_dataset_meta(hub: Hub, base_url: str) -> list[DatasetMeta]:
    """Metadata of every published dataset (current version), ordered by id."""
    base_url = base_url.rstrip("/")
    facets, versions, types = _facets(hub), _versions(hub), _publisher_types(hub)
    return [_dataset(base_url, row, facets.get(row["id"], {}), versions.get(row["id"], []), types,
                     hub.settings.datacite_prefix)
            for row in svc.list_datasets(hub)]


def dataset_meta(hub: Hub, base_url: str, dataset_id: str) -> DatasetMeta:
    for ds in list_dataset_meta(hub, base_url):
        if ds.id == dataset_id:
            return ds
    raise svc.NotFound(f"dataset {dataset_id!r} not found")


def version_meta(hub: Hub, base_url: str, dataset_id: str, version: int) -> DatasetMeta:
    """The dataset as it was published in one version (distributions and year of that version)."""
    ds = dataset_meta(hub, base_url, dataset_id)
    info = next((v for v in ds.versions if v.version == version), None)
    if info is None:
        raise svc.NotFound(f"dataset {dataset_id!r} version {version} not found")
    if version != ds.version:  # what that version held: its extent, counts and files
        ds.version = version
        ds.distributions = distributions_for(base_url.rstrip("/"), dataset_id, version, ds.licence)
        ds.version_url = f"{ds.landing_page}?version={version}"
        ds.bbox, ds.start, ds.end = info.bbox, info.start, info.end
        ds.n_events, ds.n_observations = info.n_events, info.n_observations
    return ds


OPENAPI_3_1 = "https://spec.openapis.org/oas/v3.1.0"
# The OGC API - Features conformance classes the hub implements (services/ogc.py serves them at /ogc/conformance)
OGC_CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
)
CKAN_ACTION_API = "https://docs.ckan.org/en/2.10/api/"


def services(base_url: str) -> list[DataService]:
    """The hub's APIs as DCAT data services (the OGC one with its conformance classes)."""
    return [
        DataService("api-v1", "litterhub REST API v1", f"{base_url}/api/v1", f"{base_url}/api/v1/openapi.json",
                    [OPENAPI_3_1], ["marine litter", "microplastics", "REST API", "OpenAPI"]),
        DataService("ogc-features", "litterhub OGC API - Features", f"{base_url}/ogc", f"{base_url}/ogc/api",
                    list(OGC_CONFORMANCE)),
        DataService("ckan", "litterhub CKAN-compatible action API (read-only)", f"{base_url}/api/3/action",
                    f"{base_url}/api/3/action/help_show?name=package_search", [CKAN_ACTION_API],
                    ["marine litter", "microplastics", "CKAN", "harvesting"]),
    ]


def catalog_meta(hub: Hub, base_url: str) -> CatalogMeta:
    base_url = base_url.rstrip("/")
    datasets = list_dataset_meta(hub, base_url)
    modified = max((d.modified for d in datasets), default=None)
    boxes = [d.bbox for d in datasets if d.bbox]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes)) if boxes else None
    return CatalogMeta(uri=f"{base_url}/catalog", homepage=f"{base_url}/", title=CATALOG_TITLE,
                       description=CATALOG_DESCRIPTION,
                       publisher=Agent(HUB_PUBLISHER, f"{base_url}/", HUB_PUBLISHER_TYPE), languages=LANGUAGES,
                       modified=modified, datasets=datasets, services=services(base_url),
                       issued=min((d.issued for d in datasets), default=None), bbox=bbox)
