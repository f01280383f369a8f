"""schema.org `Dataset` JSON-LD (Google Dataset Search profile) from the internal catalogue model.

Google requires `name` and a `description` of 50-5000 characters; `GeoShape.box` is "south west north east"
(latitude first), the opposite axis order of GeoJSON and OGC bboxes, so it is built in one place here.
"""

from __future__ import annotations

from typing import Any

from litterhub.services.metadata import DatasetMeta
from litterhub.services.serialise.datacite import citation

DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 5000


def description(ds: DatasetMeta, lang: str = "en") -> str:
    """The dataset description, completed with facts when too short and cut when too long for the profile."""
    text = (ds.description.get(lang) or ds.description.get("en") or "").strip()
    if len(text) < DESCRIPTION_MIN:
        text = (f"{text} {ds.n_events} sampling events and {ds.n_observations} litter observations from "
                f"{ds.programme}, harmonised by litterhub.").strip()
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - 1].rstrip() + "…"
    return text


def geo_box(bbox: tuple[float, float, float, float]) -> str:
    """schema.org box: 'minLat minLon maxLat maxLon' from a GeoJSON-order (minLon, minLat, maxLon, maxLat) bbox."""
    x0, y0, x1, y1 = bbox
    return f"{y0} {x0} {y1} {x1}"


def dataset(ds: DatasetMeta, catalog_url: str, lang: str = "en") -> dict[str, Any]:
    """The Dataset document in `lang` when the texts exist in it, else in English (inLanguage says which)."""
    lang = lang if lang in ds.title else "en"
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": ds.uri,
        "name": ds.title.get(lang) or ds.title["en"],
        "description": description(ds, lang),
        "url": ds.landing_page,
        "identifier": [ds.uri, f"urn:uuid:{ds.uuid}"],
        "version": str(ds.version),
        "inLanguage": lang,
        "keywords": ds.keywords,
        "license": ds.licence_url,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": ds.publisher.name},
        "publisher": {"@type": "Organization", "name": "litterhub"},
        "citation": ds.source_citation or citation(ds),
        "measurementTechnique": ds.protocol,
        "variableMeasured": ["litter items per 100 m of shoreline", "litter item count by item type"],
        "dateModified": ds.modified.date().isoformat(),
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "litterhub", "url": catalog_url},
        "distribution": [{"@type": "DataDownload", "name": d.title, "contentUrl": d.url,
                          "encodingFormat": d.media_type} for d in ds.distributions],
    }
    if ds.bbox:
        doc["spatialCoverage"] = {"@type": "Place", "geo": {"@type": "GeoShape", "box": geo_box(ds.bbox)}}
    if ds.start and ds.end:
        doc["temporalCoverage"] = f"{ds.start.isoformat()}/{ds.end.isoformat()}"
    return doc
