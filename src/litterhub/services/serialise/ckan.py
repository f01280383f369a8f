"""The CKAN package (dataset), resource, organisation and group shapes, for the read-only CKAN action API.

Groups are the hub's compartments (beach, seafloor, ...): CKAN groups are thematic collections across
publishers, which is what a compartment is, so `groups_filter_include` and `remote_groups` work in
harvesters. `license_id` is the id CKAN's licence register knows (see services/ckan_licences.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from litterhub.services.ckan_licences import ckan_licence, license_id
from litterhub.services.ckan_query import utc_naive
from litterhub.services.metadata import DatasetMeta


def _ts(value: datetime) -> str:
    """CKAN's timestamps: naive UTC ISO 8601 with microseconds."""
    return utc_naive(value).isoformat()


def organization(ds: DatasetMeta) -> dict[str, Any]:
    return {"id": ds.publisher.slug, "name": ds.publisher.slug, "title": ds.publisher.name,
            "display_name": ds.publisher.name, "type": "organization", "is_organization": True, "state": "active",
            "description": "", "image_url": "", "image_display_url": "", "approval_status": "approved",
            "created": _ts(ds.issued)}


def compartment_title(code: str) -> str:
    """The English name of a compartment from the vocabulary, else its code."""
    try:
        from litterhub.vocab.reference import table

        return str(table("compartments").get(code, {}).get("name", code))
    except Exception:  # noqa: BLE001 - a label is cosmetic: fall back to the code
        return code


def group(code: str) -> dict[str, Any]:
    title = compartment_title(code)
    return {"id": code, "name": code, "title": title, "display_name": title, "type": "group",
            "is_organization": False, "state": "active", "approval_status": "approved", "image_url": "",
            "image_display_url": "", "description": f"Datasets with {title.lower()} samples"}


def resources(ds: DatasetMeta) -> list[dict[str, Any]]:
    return [{"id": f"{ds.uuid}-v{d.version}-{d.key}", "package_id": ds.uuid, "url": d.url,
             "name": f"{ds.id} v{d.version} ({d.title})", "description": d.description, "format": d.title,
             "mimetype": d.media_type, "size": None, "hash": "", "created": _ts(ds.modified),
             "last_modified": _ts(ds.modified), "metadata_modified": _ts(ds.modified), "position": i,
             "state": "active", "url_type": None}
            for i, d in enumerate(ds.distributions)]


def package(ds: DatasetMeta) -> dict[str, Any]:
    """One dataset in CKAN's package shape; hub-specific fields travel in `extras` as CKAN expects."""
    tags = [{"name": kw, "display_name": kw, "state": "active", "vocabulary_id": None} for kw in ds.keywords]
    spatial = None
    if ds.bbox:
        x0, y0, x1, y1 = ds.bbox
        spatial = json.dumps({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
    extras = {"programme": ds.programme, "protocol": ds.protocol, "compartment": ", ".join(ds.compartments),
              "region": ", ".join(ds.regions), "country": ", ".join(ds.countries), "spatial": spatial,
              "temporal_start": ds.start.isoformat() if ds.start else None,
              "temporal_end": ds.end.isoformat() if ds.end else None, "citation": ds.source_citation,
              "uri": ds.uri, "spdx_license_id": ds.licence, "n_events": str(ds.n_events),
              "n_observations": str(ds.n_observations)}
    res = resources(ds)
    register = ckan_licence(ds.licence)
    return {
        "id": ds.uuid, "name": ds.id, "title": ds.title["en"], "notes": ds.description.get("en", ""),
        "type": "dataset", "state": "active", "private": False, "version": str(ds.version),
        "url": ds.landing_page, "author": ds.publisher.name, "author_email": None,
        "maintainer": "litterhub", "maintainer_email": None,
        "license_id": license_id(ds.licence), "license_title": register.title if register else ds.licence_title,
        "license_url": ds.licence_url, "isopen": True, "owner_org": ds.publisher.slug,
        "organization": organization(ds), "metadata_created": _ts(ds.issued), "metadata_modified": _ts(ds.modified),
        "tags": tags, "num_tags": len(tags), "groups": [group(c) for c in ds.compartments],
        "relationships_as_object": [], "relationships_as_subject": [],
        "extras": [{"key": k, "value": v} for k, v in extras.items() if v],
        "resources": res, "num_resources": len(res),
    }
