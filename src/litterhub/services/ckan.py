"""CKAN `package_search` semantics over the internal catalogue model (read-only façade).

Supports the subset of Solr syntax that harvesters and ckanapi use: free-text words, `field:value` terms
(quoted values allowed) in `q` and `fq`, `sort`, `rows`/`start` and `facet.field`. Anything else is
rejected as a validation error rather than silently ignored.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from dataclasses import dataclass
from typing import Any

import litterhub
from litterhub.services.hub import Hub
from litterhub.services.metadata import DatasetMeta, list_dataset_meta
from litterhub.services.serialise.ckan import organization, package

ROWS_DEFAULT, ROWS_MAX = 10, 1000
FACET_TITLES = {"organization": "Organizations", "tags": "Tags", "res_format": "Formats",
                "license_id": "Licenses", "groups": "Groups", "programme": "Programmes",
                "compartment": "Compartments", "region": "Regions", "country": "Countries"}
# facet titles and compartment names per UN language (the vocabulary holds English names only so far)
FACET_TITLES_I18N = {
    "fr": {"organization": "Organisations", "tags": "Mots-clés", "res_format": "Formats", "license_id": "Licences",
           "groups": "Groupes", "programme": "Programmes", "compartment": "Compartiments", "region": "Régions",
           "country": "Pays"},
    "es": {"organization": "Organizaciones", "tags": "Etiquetas", "res_format": "Formatos", "license_id": "Licencias",
           "groups": "Grupos", "programme": "Programas", "compartment": "Compartimentos", "region": "Regiones",
           "country": "Países"},
    "ar": {"organization": "المنظمات", "tags": "الوسوم", "res_format": "الصيغ", "license_id": "التراخيص",
           "groups": "المجموعات", "programme": "البرامج", "compartment": "الأوساط", "region": "المناطق",
           "country": "البلدان"},
    "ru": {"organization": "Организации", "tags": "Теги", "res_format": "Форматы", "license_id": "Лицензии",
           "groups": "Группы", "programme": "Программы", "compartment": "Среды", "region": "Регионы",
           "country": "Страны"},
    "zh": {"organization": "组织", "tags": "标签", "res_format": "格式", "license_id": "许可", "groups": "分组",
           "programme": "计划", "compartment": "环境介质", "region": "区域", "country": "国家"},
}
COMPARTMENTS_I18N = {
    "beach": {"fr": "Plage / littoral", "es": "Playa / costa", "ar": "الشاطئ / الساحل", "ru": "Пляж / побережье",
              "zh": "海滩 / 海岸"},
    "riverbank": {"fr": "Berge de rivière", "es": "Ribera de río", "ar": "ضفة النهر", "ru": "Берег реки", "zh": "河岸"},
    "lakeshore": {"fr": "Rive de lac", "es": "Orilla de lago", "ar": "شاطئ البحيرة", "ru": "Берег озера", "zh": "湖岸"},
    "surface-water": {"fr": "Eaux de surface", "es": "Aguas superficiales", "ar": "المياه السطحية",
                      "ru": "Поверхностные воды", "zh": "表层水"},
    "water-column": {"fr": "Colonne d'eau", "es": "Columna de agua", "ar": "عمود الماء", "ru": "Толща воды",
                     "zh": "水体"},
    "seafloor": {"fr": "Fond marin", "es": "Fondo marino", "ar": "قاع البحر", "ru": "Морское дно", "zh": "海底"},
    "sediment": {"fr": "Sédiments", "es": "Sedimentos", "ar": "الرواسب", "ru": "Донные отложения", "zh": "沉积物"},
    "biota": {"fr": "Biote", "es": "Biota", "ar": "الكائنات الحية", "ru": "Биота", "zh": "生物群"},
}
SORT_KEYS = {"score", "metadata_modified", "metadata_created", "name", "title"}
_SOLR_OPERATORS = re.compile(r"^(OR|NOT|\(|\)|\[|\]|\{|\}|~|\^)$|[()\[\]{}^~]")


class CkanError(Exception):
    """An action failed; `kind` is CKAN's `__type` and `fields` its per-field messages."""

    def __init__(self, kind: str, status: int, fields: dict[str, Any]):
        super().__init__(kind)
        self.kind, self.status, self.fields = kind, status, fields


def validation(field: str, message: str) -> CkanError:
    return CkanError("Validation Error", 409, {field: [message]})


def not_found(message: str = "Not found") -> CkanError:
    return CkanError("Not Found Error", 404, {"message": message})


@dataclass
class _Doc:
    meta: DatasetMeta
    fields: dict[str, list[str]]
    text: str


def _doc(ds: DatasetMeta) -> _Doc:
    fields = {
        "id": [ds.uuid], "name": [ds.id], "title": [ds.title["en"]], "organization": [ds.publisher.slug],
        "tags": ds.keywords, "res_format": [d.title for d in ds.distributions], "license_id": [ds.licence],
        "groups": [], "programme": [ds.programme], "compartment": ds.compartments, "region": ds.regions,
        "country": ds.countries, "version": [str(ds.version)],
    }
    text = " ".join([ds.id, ds.title["en"], ds.description.get("en", ""), ds.programme, ds.publisher.name,
                     ds.protocol, *ds.keywords, *ds.regions]).lower()
    return _Doc(ds, fields, text)


def _terms(expression: str, param: str) -> list[tuple[str | None, str]]:
    """Split a Solr-ish expression into (field or None, value) terms; AND and '+' are implicit."""
    try:
        tokens = shlex.split(expression)
    except ValueError:
        raise validation(param, "unbalanced quotes") from None
    terms: list[tuple[str | None, str]] = []
    for token in tokens:
        if token in ("AND", "&&", "*:*", "*"):
            continue
        if _SOLR_OPERATORS.search(token):
            raise validation(param, f"unsupported search syntax {token!r}: use words and field:value terms")
        token = token.lstrip("+")
        if ":" in token:
            field, value = token.split(":", 1)
            if field not in FACET_TITLES and field not in ("id", "name", "title", "version"):
                raise validation(param, f"unknown field {field!r}; use one of {sorted(FACET_TITLES)}")
            terms.append((field, value.strip('"')))
        elif token:
            terms.append((None, token.lower()))
    return terms


def _matches(doc: _Doc, terms: list[tuple[str | None, str]]) -> bool:
    for field, value in terms:
        if field is None:
            if value not in doc.text:
                return False
        elif value != "*" and value.lower() not in (v.lower() for v in doc.fields.get(field, [])):
            return False
    return True


def _sort(docs: list[_Doc], sort: str | None) -> list[_Doc]:
    spec = [part.split() for part in (sort or "score desc, metadata_modified desc").split(",") if part.strip()]
    for part in spec:
        if len(part) != 2 or part[0] not in SORT_KEYS or part[1] not in ("asc", "desc"):
            raise validation("sort", f"invalid sort {' '.join(part)!r}: use '<field> asc|desc' with a field "
                                     f"in {sorted(SORT_KEYS)}")
    for key, direction in reversed(spec):
        if key == "score":
            continue  # every match scores the same: keep the previous order
        value = {"metadata_modified": lambda d: d.meta.modified, "metadata_created": lambda d: d.meta.issued,
                 "name": lambda d: d.meta.id, "title": lambda d: d.meta.title["en"].lower()}[key]
        docs = sorted(docs, key=value, reverse=direction == "desc")
    return docs


def _int(value: Any, name: str, default: int, low: int, high: int | None = None) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise validation(name, "Invalid integer") from None
    if number < low:
        raise validation(name, f"Must be a natural number >= {low}")
    return min(number, high) if high is not None else number


def _list_param(value: Any, name: str) -> list[str]:
    """CKAN accepts list parameters as JSON-encoded strings (GET) or real lists (POST)."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        parsed = json.loads(value)
    except (TypeError, json.JSONDecodeError):
        parsed = [value]
    if isinstance(parsed, str):
        parsed = [parsed]
    if not isinstance(parsed, list):
        raise validation(name, "must be a list of field names")
    return [str(v) for v in parsed]


def package_search(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """CKAN `package_search`: count is the total number of matches, results one page of them; facet titles
    and display names in `lang`."""
    rows = _int(params.get("rows"), "rows", ROWS_DEFAULT, 0, ROWS_MAX)
    start = _int(params.get("start"), "start", 0, 0)
    facet_limit = _int(params.get("facet.limit"), "facet.limit", 50, -1)
    facet_mincount = _int(params.get("facet.mincount"), "facet.mincount", 1, 0)
    terms = _terms(str(params.get("q") or "*:*"), "q")
    fqs = [str(params["fq"])] if params.get("fq") else []
    fqs += _list_param(params.get("fq_list"), "fq_list")
    for fq in fqs:
        terms += _terms(fq, "fq")
    facet_fields = _list_param(params.get("facet.field"), "facet.field")
    for name in facet_fields:
        if name not in FACET_TITLES:
            raise validation("facet.field", f"unknown facet {name!r}; use one of {sorted(FACET_TITLES)}")
    docs = [d for d in (_doc(ds) for ds in list_dataset_meta(hub, base_url)) if _matches(d, terms)]
    docs = _sort(docs, params.get("sort"))
    search_facets: dict[str, Any] = {}
    for name in facet_fields:
        counts = Counter(v for d in docs for v in set(d.fields.get(name, [])))
        items = [{"name": v, "display_name": _display(name, v, docs, lang), "count": n}
                 for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= facet_mincount]
        title = FACET_TITLES_I18N.get(lang, {}).get(name, FACET_TITLES[name])
        search_facets[name] = {"title": title, "items": items[:facet_limit] if facet_limit >= 0 else items}
    return {"count": len(docs), "sort": params.get("sort") or "score desc, metadata_modified desc",
            "facets": {k: {i["name"]: i["count"] for i in v["items"]} for k, v in search_facets.items()},
            "search_facets": search_facets, "results": [package(d.meta) for d in docs[start:start + rows]]}


def _display(facet: str, value: str, docs: list[_Doc], lang: str) -> str:
    """The human name of a facet value (organisation, licence, compartment), else the value itself."""
    if facet == "compartment":
        names = COMPARTMENTS_I18N.get(value, {})
        if lang in names:
            return names[lang]
        try:
            from litterhub.vocab.reference import table

            return table("compartments").get(value, {}).get("name", value)
        except Exception:  # noqa: BLE001 - a label is cosmetic: fall back to the code
            return value
    for d in docs:
        if facet == "organization" and d.meta.publisher.slug == value:
            return d.meta.publisher.name
        if facet == "license_id" and d.meta.licence == value:
            return d.meta.licence_title
    return value


def package_list(hub: Hub, base_url: str) -> list[str]:
    return [ds.id for ds in list_dataset_meta(hub, base_url)]


def package_show(hub: Hub, base_url: str, ident: str | None) -> dict[str, Any]:
    if not ident:
        raise validation("id", "Missing value")
    for ds in list_dataset_meta(hub, base_url):
        if ident in (ds.id, ds.uuid):
            return package(ds)
    raise not_found()


def organization_list(hub: Hub, base_url: str, all_fields: bool = False) -> list[Any]:
    orgs: dict[str, dict[str, Any]] = {}
    for ds in list_dataset_meta(hub, base_url):
        org = orgs.setdefault(ds.publisher.slug, {**organization(ds), "package_count": 0})
        org["package_count"] += 1
    ordered = [orgs[k] for k in sorted(orgs)]
    return ordered if all_fields else [o["name"] for o in ordered]


def tag_list(hub: Hub, base_url: str) -> list[str]:
    return sorted({kw for ds in list_dataset_meta(hub, base_url) for kw in ds.keywords})


def resource_show(hub: Hub, base_url: str, ident: str | None) -> dict[str, Any]:
    if not ident:
        raise validation("id", "Missing value")
    for ds in list_dataset_meta(hub, base_url):
        for res in package(ds)["resources"]:
            if res["id"] == ident:
                return res
    raise not_found("Resource was not found.")


def status_show(base_url: str) -> dict[str, Any]:
    return {"site_title": "litterhub", "site_description": "Open global knowledge hub on marine litter and "
            "microplastics", "site_url": base_url.rstrip("/"), "ckan_version": "2.10.0",
            "litterhub_version": litterhub.__version__, "locale_default": "en", "extensions": ["litterhub"]}
