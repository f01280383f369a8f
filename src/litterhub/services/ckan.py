"""CKAN's read actions over the internal catalogue model (a read-only façade answering as CKAN 2.10 does).

Every action takes (hub, base URL, parameters, language) and its docstring is what `help_show` returns.
`package_search` takes CKAN's Solr-style parameters (`q`, `fq`, `fq_list`, `sort`, `rows`, `start`,
`facet.field`, `facet.limit`, `facet.mincount`; syntax in services/ckan_query.py); other parameters are
ignored as CKAN ignores them. Syntax the search cannot honour is CKAN's 409 validation error, never a
silently wrong answer.
"""

from __future__ import annotations

import inspect
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import litterhub
from litterhub.errors import HubError
from litterhub.services.ckan_licences import DEFAULT_REGISTER, ckan_licence, license_id
from litterhub.services.ckan_query import Predicate, QuerySyntaxError, Record, compile_query, utc_naive
from litterhub.services.hub import Hub
from litterhub.services.metadata import DatasetMeta, licence_info, list_dataset_meta
from litterhub.services.serialise.ckan import compartment_title, group, organization, package

ROWS_DEFAULT, ROWS_MAX = 10, 1000  # CKAN's defaults (ckan.search.rows_max)
CKAN_VERSION = "2.10.0"  # the Action API version whose shapes the answers follow
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
# sortable fields -> the record's key; `title_string` is the field CKAN's own web UI sorts titles on
SORT_KEYS = ("id", "name", "title", "title_string", "metadata_modified", "metadata_created", "score")
DEFAULT_SORT = "score desc, metadata_modified desc"


class CkanError(HubError):
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
    record: Record


def _doc(ds: DatasetMeta) -> _Doc:
    """The search record of a dataset: the fields CKAN indexes, lower-cased, and both licence ids."""
    fields = {
        "id": [ds.uuid], "name": [ds.id], "title": [ds.title["en"]], "notes": [ds.description.get("en", "")],
        "organization": [ds.publisher.slug], "owner_org": [ds.publisher.slug], "tags": ds.keywords,
        "res_format": [d.title for d in ds.distributions], "license_id": [license_id(ds.licence), ds.licence],
        "groups": ds.compartments, "programme": [ds.programme], "compartment": ds.compartments,
        "region": ds.regions, "country": ds.countries, "version": [str(ds.version)], "url": [ds.landing_page],
        "author": [ds.publisher.name], "maintainer": ["litterhub"], "state": ["active"],
        "dataset_type": ["dataset"], "type": ["dataset"], "capacity": ["public"], "entity_type": ["package"],
        "num_resources": [str(len(ds.distributions))], "num_tags": [str(len(ds.keywords))],
    }
    text = " ".join([ds.id, ds.title["en"], ds.description.get("en", ""), ds.programme, ds.publisher.name,
                     ds.protocol, *ds.keywords, *ds.regions]).lower()
    dates = {"metadata_modified": utc_naive(ds.modified), "metadata_created": utc_naive(ds.issued)}
    return _Doc(ds, Record({k: [v.lower() for v in vs] for k, vs in fields.items()}, dates, text))


def _predicate(expression: str, param: str) -> Predicate:
    try:
        return compile_query(expression)
    except QuerySyntaxError as exc:
        raise validation(param, str(exc)) from None


def _sort_spec(sort: str | None) -> list[tuple[str, bool]]:
    """[(field, descending)] from CKAN's `sort` ("field asc|desc" comma lists; Solr's direction is required)."""
    spec = []
    for part in (sort or DEFAULT_SORT).split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or words[0] not in SORT_KEYS or words[1].lower() not in ("asc", "desc"):
            raise validation("sort", f"invalid sort {part.strip()!r}: use '<field> asc|desc' with a field in "
                                     f"{list(SORT_KEYS)}, several separated by commas")
        spec.append((words[0], words[1].lower() == "desc"))
    return spec


def _sort(docs: list[_Doc], sort: str | None) -> list[_Doc]:
    keys = {"id": lambda d: d.meta.uuid, "name": lambda d: d.meta.id,
            "title": lambda d: d.meta.title["en"].lower(), "title_string": lambda d: d.meta.title["en"].lower(),
            "metadata_modified": lambda d: d.record.dates["metadata_modified"],
            "metadata_created": lambda d: d.record.dates["metadata_created"]}
    docs = sorted(docs, key=lambda d: d.meta.uuid)  # a total order underneath, so paging never repeats or skips
    for key, descending in reversed(_sort_spec(sort)):
        if key != "score":  # every match scores the same: keep the previous order
            docs = sorted(docs, key=keys[key], reverse=descending)
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
    """Search for datasets (packages) with Solr syntax; ``count`` is the number of matches, ``results`` one page.

    :param q: the search query, e.g. ``litter`` or ``tags:"marine litter"`` (optional, default ``*:*``)
    :param fq: a filter query, e.g. ``organization:a OR organization:b``, ``-organization:x``,
        ``metadata_modified:[2026-12-03T12:00:00.123456Z TO *]`` (optional)
    :param fq_list: more filter queries, all of which must match (optional)
    :param sort: comma-separated ``field asc|desc`` on id, name, title, title_string, metadata_modified,
        metadata_created, score (optional, default ``score desc, metadata_modified desc``)
    :param rows: the page size, at most 1000 (optional, default 10)
    :param start: the offset of the first result (optional, default 0)
    :param facet.field: JSON list of fields to facet on: organization, tags, res_format, license_id, groups,
        programme, compartment, region, country (optional)
    :param facet.limit: the maximum number of values per facet, -1 for all (optional, default 50)
    :param facet.mincount: the minimum count of a facet value (optional, default 1)
    """
    rows = _int(params.get("rows"), "rows", ROWS_DEFAULT, 0, ROWS_MAX)
    start = _int(params.get("start"), "start", 0, 0)
    facet_limit = _int(params.get("facet.limit"), "facet.limit", 50, -1)
    facet_mincount = _int(params.get("facet.mincount"), "facet.mincount", 1, 0)
    preds = [_predicate(str(params.get("q") or "*:*"), "q")]
    fqs = params.get("fq")
    fqs = ([str(fqs)] if not isinstance(fqs, list) else [str(f) for f in fqs]) if fqs else []
    preds += [_predicate(fq, "fq") for fq in fqs + _list_param(params.get("fq_list"), "fq_list")]
    facet_fields = _list_param(params.get("facet.field"), "facet.field")
    for name in facet_fields:
        if name not in FACET_TITLES:
            raise validation("facet.field", f"unknown facet {name!r}; use one of {sorted(FACET_TITLES)}")
    docs = [d for d in (_doc(ds) for ds in list_dataset_meta(hub, base_url)) if all(p(d.record) for p in preds)]
    docs = _sort(docs, params.get("sort"))
    search_facets: dict[str, Any] = {}
    for name in facet_fields:
        counts = Counter(v for d in docs for v in set(_facet_values(d.meta, name)))
        items = [{"name": v, "display_name": _display(name, v, docs, lang), "count": n}
                 for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= facet_mincount]
        title = FACET_TITLES_I18N.get(lang, {}).get(name, FACET_TITLES[name])
        search_facets[name] = {"title": title, "items": items[:facet_limit] if facet_limit >= 0 else items}
    return {"count": len(docs), "sort": params.get("sort") or DEFAULT_SORT,
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
        if facet == "license_id" and license_id(d.meta.licence) == value:
            return package(d.meta)["license_title"]
        if facet == "groups":
            return compartment_title(value)
    return value


def _facet_values(ds: DatasetMeta, facet: str) -> list[str]:
    """Facet values as CKAN shows them (original case; the CKAN licence id)."""
    values = {"organization": [ds.publisher.slug], "tags": ds.keywords,
              "res_format": [d.title for d in ds.distributions], "license_id": [license_id(ds.licence)],
              "groups": ds.compartments, "programme": [ds.programme], "compartment": ds.compartments,
              "region": ds.regions, "country": ds.countries}
    return values[facet]


def _bool(value: Any) -> bool:
    """CKAN's asbool: true/yes/on/1 (any case) or a JSON true."""
    return value is True or str(value).strip().lower() in ("true", "yes", "on", "1")


def _ident(params: dict[str, Any]) -> str:
    ident = params.get("id") or params.get("name")
    if not ident:
        raise validation("id", "Missing value")
    return str(ident)


def _page(items: list[Any], params: dict[str, Any]) -> list[Any]:
    """`limit`/`offset` as CKAN's list actions take them (no limit: everything)."""
    offset = _int(params.get("offset"), "offset", 0, 0)
    limit = _int(params.get("limit"), "limit", len(items), 0)
    return items[offset:offset + limit]


def package_list(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> list[str]:
    """Return the names of the site's datasets (packages), ordered by name.

    :param limit: if given, the list of datasets will be broken into pages of at most ``limit`` datasets per
        page and only one page will be returned at a time (optional)
    :param offset: when ``limit`` is given, the offset to start returning packages from (optional)
    """
    return _page([ds.id for ds in list_dataset_meta(hub, base_url)], params)


def package_show(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """Return the metadata of a dataset (package) and its resources.

    :param id: the id or name of the dataset
    """
    ident = _ident(params)
    for ds in list_dataset_meta(hub, base_url):
        if ident in (ds.id, ds.uuid):
            return package(ds)
    raise not_found()


def current_package_list_with_resources(hub: Hub, base_url: str, params: dict[str, Any],
                                        lang: str = "en") -> list[dict[str, Any]]:
    """Return the site's datasets (packages) and their resources, most recently modified first.

    :param limit: if given, the list of datasets will be broken into pages of at most ``limit`` datasets per
        page and only one page will be returned at a time (optional)
    :param offset: when ``limit`` is given, the offset to start returning packages from (optional)
    """
    metas = sorted(list_dataset_meta(hub, base_url), key=lambda d: (utc_naive(d.modified), d.uuid), reverse=True)
    return [package(ds) for ds in _page(metas, params)]


def _organizations(hub: Hub, base_url: str) -> dict[str, tuple[dict[str, Any], list[DatasetMeta]]]:
    orgs: dict[str, tuple[dict[str, Any], list[DatasetMeta]]] = {}
    for ds in list_dataset_meta(hub, base_url):
        orgs.setdefault(ds.publisher.slug, (organization(ds), []))[1].append(ds)
    return {k: orgs[k] for k in sorted(orgs)}


def _groups(hub: Hub, base_url: str) -> dict[str, tuple[dict[str, Any], list[DatasetMeta]]]:
    groups: dict[str, tuple[dict[str, Any], list[DatasetMeta]]] = {}
    for ds in list_dataset_meta(hub, base_url):
        for code in ds.compartments:
            groups.setdefault(code, (group(code), []))[1].append(ds)
    return {k: groups[k] for k in sorted(groups)}


def _listing(found: dict[str, tuple[dict[str, Any], list[DatasetMeta]]], params: dict[str, Any]) -> list[Any]:
    if not _bool(params.get("all_fields", False)):
        return _page(list(found), params)
    return _page([{**entity, "package_count": len(members)} for entity, members in found.values()], params)


def _show(found: dict[str, tuple[dict[str, Any], list[DatasetMeta]]], params: dict[str, Any],
          what: str) -> dict[str, Any]:
    ident = _ident(params)
    for key, (entity, members) in found.items():
        if ident in (key, entity["id"]):
            shown = {**entity, "package_count": len(members), "extras": [], "tags": [], "groups": [],
                     "users": [], "num_followers": 0}
            if _bool(params.get("include_datasets", False)):
                shown["packages"] = [package(ds) for ds in members]
            return shown
    raise not_found(f"{what} not found")


def organization_list(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> list[Any]:
    """Return the names of the site's organisations (the datasets' publishers), ordered by name.

    :param all_fields: return the organisation dictionaries (with ``package_count``) instead of names (optional)
    :param limit: the maximum number of organisations returned (optional)
    :param offset: when ``limit`` is given, the offset to start from (optional)
    """
    return _listing(_organizations(hub, base_url), params)


def organization_show(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """Return the details of an organisation (a publisher of datasets).

    :param id: the id or name of the organisation
    :param include_datasets: include up to all of the organisation's datasets in ``packages`` (optional,
        default False)
    """
    return _show(_organizations(hub, base_url), params, "Organization")


def group_list(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> list[Any]:
    """Return the names of the site's groups, ordered by name. Groups are the hub's compartments (beach,
    seafloor, ...), each holding the datasets with samples from it.

    :param all_fields: return the group dictionaries (with ``package_count``) instead of names (optional)
    :param limit: the maximum number of groups returned (optional)
    :param offset: when ``limit`` is given, the offset to start from (optional)
    """
    return _listing(_groups(hub, base_url), params)


def group_show(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """Return the details of a group (a compartment and the datasets with samples from it).

    :param id: the id or name of the group
    :param include_datasets: include the group's datasets in ``packages`` (optional, default False)
    """
    return _show(_groups(hub, base_url), params, "Group")


def tag_list(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> list[Any]:
    """Return the names of the tags (keywords) of the site's datasets.

    :param query: only tags containing this string, case-insensitive (optional)
    :param all_fields: return tag dictionaries instead of names (optional)
    """
    query = str(params.get("query") or "").lower()
    names = sorted({kw for ds in list_dataset_meta(hub, base_url) for kw in ds.keywords if query in kw.lower()})
    if _bool(params.get("all_fields", False)):
        return [{"id": name, "name": name, "display_name": name, "vocabulary_id": None} for name in names]
    return names


def license_list(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """Return the licences datasets may carry: CKAN's default licence register, then any licence of a dataset
    that the register lacks (by its SPDX id)."""
    entries = [{"id": lic.id, "title": lic.title, "url": lic.url, "od_conformance": lic.od_conformance,
                "osd_conformance": "not reviewed", "is_generic": lic.is_generic, "status": "active",
                "maintainer": "", "family": "", "domain_content": False, "domain_data": False,
                "domain_software": False} for lic in DEFAULT_REGISTER]
    for spdx in sorted({ds.licence for ds in list_dataset_meta(hub, base_url)}):
        if ckan_licence(spdx) is None:
            title, url = licence_info(spdx)
            entries.append({**entries[0], "id": spdx, "title": title, "url": url, "is_generic": False})
    return entries


def resource_show(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """Return the metadata of a resource (one downloadable file of a dataset version).

    :param id: the id of the resource
    """
    ident = _ident(params)
    for ds in list_dataset_meta(hub, base_url):
        for res in package(ds)["resources"]:
            if res["id"] == ident:
                return res
    raise not_found("Resource was not found.")


def status_show(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """Return the site's title, URL, CKAN API version it answers as, and extensions."""
    return {"site_title": "litterhub", "site_description": "Open global knowledge hub on marine litter and "
            "microplastics", "site_url": base_url.rstrip("/"), "ckan_version": CKAN_VERSION,
            "litterhub_version": litterhub.__version__, "locale_default": "en", "extensions": ["litterhub"]}


def help_show(hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> str:
    """Return the help string for a particular API action.

    :param name: action function name (e.g. ``package_search``); this read-only API offers package_list,
        package_search, package_show, current_package_list_with_resources, resource_show, organization_list,
        organization_show, group_list, group_show, tag_list, license_list, status_show and help_show
    """
    name = params.get("name")
    if not name:
        raise validation("name", "Missing value")
    if name not in ACTIONS:
        raise not_found("Action function not found")
    return inspect.cleandoc(ACTIONS[name].__doc__ or "")


Action = Callable[[Hub, str, dict[str, Any], str], Any]
ACTIONS: dict[str, Action] = {f.__name__: f for f in (
    package_list, package_search, package_show, current_package_list_with_resources, resource_show,
    organization_list, organization_show, group_list, group_show, tag_list, license_list, status_show, help_show)}


def run(action: str, hub: Hub, base_url: str, params: dict[str, Any], lang: str = "en") -> Any:
    """Answer one action; unknown parameters are ignored, as CKAN does."""
    return ACTIONS[action](hub, base_url, params, lang)
