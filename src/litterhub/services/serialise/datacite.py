"""DataCite Metadata Schema 4.6 (XML, and JSON in the REST API `dois` shape) per dataset version, plus citations.

Every record carries its DOI: `<prefix>/<suffix>`, the prefix the hub's settings gave the record (`ds.doi_prefix`,
LITTERHUB_DATACITE_PREFIX, default DataCite's
test prefix 10.5072) and a suffix reserved per dataset version (`litterhub.<dataset>.v<version>`), so the XML is
valid against the official XSD (identifier is mandatory). Until `litterhub doi mint` registers it, the record
is a draft and says so (a descriptionType "Other" note, and no `event` in the JSON, which is DataCite's draft
state); the versioned landing URL stays the address to cite meanwhile.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from litterhub.services.metadata import DatasetMeta

NS = "http://datacite.org/schema/kernel-4"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} https://schema.datacite.org/meta/kernel-4.6/metadata.xsd"
PUBLISHER = "litterhub"
RESOURCE_TYPE = "Harmonised marine litter monitoring data"


def doi_suffix(ds: DatasetMeta) -> str:
    """The suffix reserved for one dataset version: stable, so a draft and its minted DOI agree."""
    return f"litterhub.{ds.id}.v{ds.version}".lower()


def doi(ds: DatasetMeta, prefix: str | None = None) -> str:
    return f"{prefix or ds.doi_prefix}/{doi_suffix(ds)}"


def draft_note(ds: DatasetMeta, prefix: str | None = None) -> str:
    return (f"Draft record: the DOI {doi(ds, prefix)} is reserved for version {ds.version} of this dataset and is "
            f"not yet registered with DataCite, so it does not resolve; cite {ds.version_url} until it is minted.")


def citation(ds: DatasetMeta) -> str:
    """DataCite's preferred form: Creator (PublicationYear): Title. Version. Publisher. (resourceTypeGeneral). URL"""
    return (f"{ds.publisher.name} ({ds.publication_year}): {ds.title['en']}. Version {ds.version}. {PUBLISHER}. "
            f"(Dataset). {ds.version_url}")


def bibtex(ds: DatasetMeta) -> str:
    key = f"{ds.id.replace('-', '_')}_v{ds.version}"
    fields = {"author": "{" + ds.publisher.name + "}", "title": "{" + ds.title["en"] + "}",
              "year": str(ds.publication_year), "version": str(ds.version), "publisher": PUBLISHER,
              "url": ds.version_url, "note": f"Licence: {ds.licence}"}
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{key},\n{body}\n}}\n"


def ris(ds: DatasetMeta) -> str:
    lines = [("TY", "DATA"), ("AU", ds.publisher.name), ("TI", ds.title["en"]), ("PY", str(ds.publication_year)),
             ("ET", f"Version {ds.version}"), ("PB", PUBLISHER), ("UR", ds.version_url),
             ("AB", ds.description.get("en", "")), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def _dates(ds: DatasetMeta) -> list[dict[str, str]]:
    current = next((v for v in ds.versions if v.version == ds.version), None)
    dates = [{"date": ds.issued.date().isoformat(), "dateType": "Issued"}]
    if current:
        dates.append({"date": current.created.date().isoformat(), "dateType": "Created"})
    if ds.start and ds.end:
        dates.append({"date": f"{ds.start.isoformat()}/{ds.end.isoformat()}", "dateType": "Collected"})
    return dates


def to_json(ds: DatasetMeta, prefix: str | None = None, event: str | None = None,
            draft: bool | None = None) -> dict[str, Any]:
    """The DataCite REST API `dois` payload. Without `event` DataCite keeps the DOI a draft; `event="publish"`
    makes it findable. `draft` (default: no event) says whether the record carries the draft note; a DOI this
    hub registered is shown with draft=False."""
    prefix = prefix or ds.doi_prefix
    draft = event is None if draft is None else draft
    attributes: dict[str, Any] = {
        "doi": doi(ds, prefix), "prefix": prefix, "suffix": doi_suffix(ds),
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": RESOURCE_TYPE},
        "url": ds.version_url,
        "alternateIdentifiers": [{"alternateIdentifier": ds.uuid, "alternateIdentifierType": "UUID"},
                                 {"alternateIdentifier": ds.id, "alternateIdentifierType": "litterhub dataset id"},
                                 {"alternateIdentifier": ds.version_url, "alternateIdentifierType": "URL"}],
        "creators": [{"name": ds.publisher.name, "nameType": "Organizational"}],
        "titles": [{"title": text, "lang": lang} for lang, text in ds.title.items()],
        "publisher": {"name": PUBLISHER},
        "publicationYear": str(ds.publication_year),
        "subjects": [{"subject": kw} for kw in ds.keywords],
        "dates": _dates(ds),
        "language": "en",
        "version": str(ds.version),
        "formats": sorted({d.media_type for d in ds.distributions}),
        "sizes": [f"{ds.n_events} sampling events", f"{ds.n_observations} observations"],
        "rightsList": [{"rights": ds.licence_title, "rightsUri": ds.licence_url, "rightsIdentifier": ds.licence,
                        "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}],
        "descriptions": [{"description": text, "descriptionType": "Abstract", "lang": lang}
                         for lang, text in ds.description.items() if text]
        + [{"description": f"Methods: {ds.protocol}", "descriptionType": "Methods", "lang": "en"}]
        + ([{"description": draft_note(ds, prefix), "descriptionType": "Other", "lang": "en"}] if draft else []),
        "geoLocations": [],
        "schemaVersion": NS,
    }
    if event:
        attributes["event"] = event
    if ds.bbox:
        x0, y0, x1, y1 = ds.bbox
        attributes["geoLocations"].append({"geoLocationBox": {"westBoundLongitude": x0, "eastBoundLongitude": x1,
                                                              "southBoundLatitude": y0, "northBoundLatitude": y1}})
    return {"data": {"type": "dois", "attributes": attributes}}


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}", attrib)
    if text is not None:
        el.text = text
    return el


def to_xml(ds: DatasetMeta, prefix: str | None = None, draft: bool = True) -> str:
    """DataCite 4.6 XML (valid against the official XSD); `xml:lang` on titles, subjects and descriptions."""
    a = to_json(ds, prefix, draft=draft)["data"]["attributes"]
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}resource", {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    _sub(root, "identifier", a["doi"], identifierType="DOI")
    alts = _sub(root, "alternateIdentifiers")
    for alt in a["alternateIdentifiers"]:
        _sub(alts, "alternateIdentifier", alt["alternateIdentifier"],
             alternateIdentifierType=alt["alternateIdentifierType"])
    creators = _sub(root, "creators")
    for c in a["creators"]:
        _sub(_sub(creators, "creator"), "creatorName", c["name"], nameType=c["nameType"])
    titles = _sub(root, "titles")
    for tt in a["titles"]:
        _sub(titles, "title", tt["title"]).set(lang_attr, tt["lang"])
    _sub(root, "publisher", PUBLISHER)
    _sub(root, "publicationYear", str(a["publicationYear"]))
    _sub(root, "resourceType", RESOURCE_TYPE, resourceTypeGeneral="Dataset")
    subjects = _sub(root, "subjects")
    for s in a["subjects"]:
        _sub(subjects, "subject", s["subject"]).set(lang_attr, "en")
    dates = _sub(root, "dates")
    for d in a["dates"]:
        _sub(dates, "date", d["date"], dateType=d["dateType"])
    _sub(root, "language", "en")
    sizes = _sub(root, "sizes")
    for s in a["sizes"]:
        _sub(sizes, "size", s)
    formats = _sub(root, "formats")
    for f in a["formats"]:
        _sub(formats, "format", f)
    _sub(root, "version", a["version"])
    rights = _sub(_sub(root, "rightsList"), "rights", ds.licence_title, rightsURI=ds.licence_url,
                  rightsIdentifier=ds.licence, rightsIdentifierScheme="SPDX", schemeURI="https://spdx.org/licenses/")
    rights.set(lang_attr, "en")
    descriptions = _sub(root, "descriptions")
    for d in a["descriptions"]:
        _sub(descriptions, "description", d["description"], descriptionType=d["descriptionType"]).set(
            lang_attr, d["lang"])
    if a["geoLocations"]:
        box = a["geoLocations"][0]["geoLocationBox"]
        geo_box = _sub(_sub(_sub(root, "geoLocations"), "geoLocation"), "geoLocationBox")
        for key in ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude"):
            _sub(geo_box, key, repr(float(box[key])))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
