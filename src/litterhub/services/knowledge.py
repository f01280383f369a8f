"""Knowledge views over the registry (issue 18): the industry compendium (annex para 9(d)), national measures by
country and master item, the seed-content report, the chemical lens of what the litter found in a country may
carry, and keeping seeded records and the country-group records up to date.

Contract:
- Everything here reads published registry revisions only and returns plain data (dicts, lists, numbers): the
  CLI, the API and the web pages render the same values.
- Nothing is computed that the records do not say: a compendium cell is the record's own field, empty when the
  record leaves it empty; a measure's year is the record's `start_year` (else its year of entry into force).
- Writes (`refresh_seed`, `import_groups`) go through services/registry.py (new revision, published by a system
  caller, audited), never around it. Both are idempotent: a second run changes nothing.
- Country-group memberships come from the GPML lists at run time (services/regional_groups.py, AGPL-3.0 data not
  copied into this package); `import_groups` writes them into the hub's own registry records.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import and_, select

from litterhub.errors import InvalidInput
from litterhub.registry.entities import SCOPES, UN_LANGUAGES, VERIFICATION_STATES
from litterhub.services import regional_groups
from litterhub.services import registry as registry_svc
from litterhub.services.hub import Hub
from litterhub.store import registry_tables as rt

KNOWLEDGE_SEED_GLOB = "knowledge-*.json"  # seed files whose records this module keeps up to date
SEED_CALLER = registry_svc.Caller(registry_svc.SEED_ACTOR, "admin")
GROUPS_CALLER = registry_svc.Caller("groups-import", "admin")
GROUPS_AS_OF = "2022-04-06"  # last change of the GPML list (regional-seas-groups/SOURCE.md)
GROUPS_SOURCE = ("https://github.com/akvo/unep-gpml/blob/021cc785ec99ea2786d07e4e3414432f4ac8092c/"
                 "frontend/src/modules/knowledge-library/multicountry.js")
GROUP_KINDS = {"mea": "mea", "un-regional-group": "un-regional-group", "transnational": "transnational"}
COUNTRY_ITEMS_TOP = 8  # items shown in a country's chemical lens: enough to read, few enough to compute on demand


class KnowledgeError(InvalidInput, ValueError):
    """A knowledge request that cannot be served (unknown country code, no country-group lists): a stable `code`,
    the `field` at fault and the HTTP `status`; the shared handlers render it on every face."""

    code = "knowledge-bad-request"


# --- reading published records ------------------------------------------------------------------------------

def published(hub: Hub, record_type: str | None = None) -> list[dict[str, Any]]:
    """The published data of every record (of one type), ordered by id."""
    r, v = rt.registry_records, rt.registry_revisions
    query = select(v.c.data).join(r, and_(v.c.record_id == r.c.id, v.c.revision == r.c.published_revision))
    if record_type:
        query = query.where(r.c.type == record_type)
    with hub.engine.connect() as conn:
        rows = conn.execute(query.order_by(r.c.id)).scalars().all()
    return [dict(d) for d in rows]


# --- the industry compendium --------------------------------------------------------------------------------

COMPENDIUM_FIELDS = ("actors", "sector", "scope", "commitments", "progress", "standards", "production_volumes",
                     "additives_used", "additives_phased_out", "product_design", "innovation")


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _latest_figure(progress: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most recent progress entry that reports a figure (metric and value), as the record states it."""
    with_figure = [p for p in progress if p.get("value") is not None and p.get("metric")]
    return max(with_figure, key=lambda p: p["year"]) if with_figure else None


def compendium(hub: Hub) -> dict[str, Any]:
    """One row per published industry initiative with its structured fields, for comparison; `filled` counts per
    field how many initiatives fill it (an empty cell means the record does not say, never zero)."""
    records = published(hub, "industry_initiative")
    rows = []
    for d in records:
        progress = sorted(d.get("progress") or [], key=lambda p: p["year"])
        commitments = d.get("commitments") or []
        rows.append({
            "id": d["id"], "title": d["title"], "year": d.get("year"), "countries": d.get("countries") or [],
            "actors": d.get("actors") or [], "sector": d.get("sector"),
            "scope": {s: s in (d.get("scope") or []) for s in SCOPES},
            "commitments": commitments,
            "targets": [c for c in commitments if c.get("target_value") is not None],
            "progress": progress, "progress_years": [p["year"] for p in progress],
            "latest_figure": _latest_figure(progress),
            "standards": d.get("standards") or [], "production_volumes": d.get("production_volumes") or "",
            "additives_used": d.get("additives_used") or [],
            "additives_phased_out": d.get("additives_phased_out") or [],
            "sources": d.get("sources") or [], "verification": d.get("verification", "unverified"),
            "as_of": d.get("as_of"), "licence": d.get("licence"),
            "filled": sum(1 for f in COMPENDIUM_FIELDS if _filled(d.get(f))),
        })
    rows.sort(key=lambda r: (-r["filled"], r["title"].lower()))
    filled = {f: sum(1 for d in records if _filled(d.get(f))) for f in COMPENDIUM_FIELDS}
    return {"count": len(rows), "fields": list(COMPENDIUM_FIELDS), "scopes": list(SCOPES), "filled": filled,
            "initiatives": rows}


def compendium_csv(result: dict[str, Any]) -> str:
    """The comparison table as CSV (one row per initiative; lists joined with ' | ')."""
    import csv
    import io

    from litterhub.model.csvsafe import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["id", "title", "actors", "sector", *[f"scope:{s}" for s in result["scopes"]], "commitments",
                     "targets", "progress_years", "latest_metric", "latest_value", "latest_unit", "latest_year",
                     "standards", "verification", "as_of", "sources"])
    for r in result["initiatives"]:
        latest = r["latest_figure"] or {}
        writer.writerow([safe_cell(str(v)) for v in (
            r["id"], r["title"], " | ".join(r["actors"]), r["sector"] or "",
            *["yes" if r["scope"][s] else "" for s in result["scopes"]], len(r["commitments"]), len(r["targets"]),
            " | ".join(map(str, r["progress_years"])), latest.get("metric", ""),
            "" if latest.get("value") is None else latest["value"], latest.get("unit", ""), latest.get("year", ""),
            " | ".join(r["standards"]), r["verification"], r["as_of"] or "", " | ".join(r["sources"]))])
    return buf.getvalue()


# --- national measures ----------------------------------------------------------------------------------------

def _since(policy: dict[str, Any]) -> int | None:
    """The year a measure started to apply: its start year, else the year of its entry into force."""
    if policy.get("start_year"):
        return int(policy["start_year"])
    if policy.get("in_force"):
        return int(str(policy["in_force"])[:4])
    return None


def _check_country(code: str) -> str:
    from litterhub.registry.entities import check_country

    try:
        return check_country(code or "")
    except ValueError as exc:
        raise KnowledgeError(str(exc), code="knowledge-unknown-country", field="country", status=404) from None


def measures(hub: Hub, code: str) -> dict[str, Any]:
    """The country's published policy records, and per master item the measures targeting it with the first year
    ("measures targeting cotton bud sticks here since 2019")."""
    from litterhub.vocab.items import master_list

    code = _check_country(code)
    master = master_list()
    policies = [d for d in published(hub, "policy") if code in (d.get("countries") or [])]
    by_item: dict[str, list[dict[str, Any]]] = {}
    rows = []
    for d in policies:
        row = {"id": d["id"], "title": d["title"], "kind": d.get("kind"), "status": d.get("status"),
               "since": _since(d), "items": [c["item"] for c in d.get("covers") or []],
               "verification": d.get("verification", "unverified"), "sources": d.get("sources") or []}
        rows.append(row)
        for item in row["items"]:
            by_item.setdefault(item, []).append(row)
    items = []
    for item, found in by_item.items():
        years = [m["since"] for m in found if m["since"]]
        entry = master.get(item)
        items.append({"item": item, "name": entry.name if entry else item, "since": min(years) if years else None,
                      "measures": [m["id"] for m in sorted(found, key=lambda m: m["since"] or 9999)]})
    items.sort(key=lambda i: (i["since"] or 9999, i["item"]))
    rows.sort(key=lambda m: (m["since"] or 9999, m["title"]))
    return {"country": code, "count": len(rows), "measures": rows, "items": items,
            "kinds": dict(Counter(m["kind"] for m in rows))}


def item_measures(hub: Hub, item_code: str) -> dict[str, Any]:
    """The national measures targeting a master item, per country with the first year (for the item page)."""
    from litterhub.vocab.items import master_list

    entry = master_list().get(item_code)
    if entry is None:
        raise KnowledgeError(f"{item_code[:40]!r} is not a master item code", code="knowledge-unknown-item",
                             field="item", status=404)
    per_country: dict[str, list[dict[str, Any]]] = {}
    for d in published(hub, "policy"):
        if entry.code in {c["item"] for c in d.get("covers") or []} and len(d.get("countries") or []) == 1:
            per_country.setdefault(d["countries"][0], []).append(
                {"id": d["id"], "title": d["title"], "kind": d.get("kind"), "since": _since(d)})
    rows = []
    for country, found in per_country.items():
        years = [m["since"] for m in found if m["since"]]
        rows.append({"country": country, "since": min(years) if years else None,
                     "measures": sorted(found, key=lambda m: m["since"] or 9999)})
    rows.sort(key=lambda r: (r["since"] or 9999, r["country"]))
    return {"item": entry.code, "name": entry.name, "countries": len(rows), "rows": rows}


def measures_overview(hub: Hub) -> dict[str, Any]:
    """Countries with national measures, each with its count by instrument type (the coverage of the records)."""
    per: dict[str, Counter] = {}
    for d in published(hub, "policy"):
        countries = d.get("countries") or []
        if len(countries) != 1:  # regional and global instruments are not a country's own measure
            continue
        per.setdefault(countries[0], Counter())[d.get("kind") or "other"] += 1
    rows = [{"country": c, "count": sum(k.values()), "kinds": dict(k)} for c, k in sorted(per.items())]
    return {"countries": len(rows), "rows": rows}


# --- seed-content report --------------------------------------------------------------------------------------

def stats(hub: Hub) -> dict[str, Any]:
    """Published records by type, by language of their names (the title counts as English), by verification state,
    and what each type lacks (a date, a licence); every record has a source (the model refuses one without)."""
    records = published(hub)
    by_type: Counter = Counter()
    by_language: Counter = Counter()
    by_state: Counter = Counter()
    per_type: dict[str, Counter] = {}
    missing = Counter()
    for d in records:
        kind = d.get("type", "?")
        state = d.get("verification", "unverified")
        by_type[kind] += 1
        by_state[state] += 1
        per_type.setdefault(kind, Counter())[state] += 1
        for lang in {"en", *(d.get("names") or {})}:
            by_language[lang] += 1
        if not d.get("as_of"):
            missing["date"] += 1
        if not d.get("licence"):
            missing["licence"] += 1
        if not d.get("sources"):
            missing["source"] += 1
    return {"total": len(records), "by_type": dict(sorted(by_type.items())),
            "by_language": {lang: by_language.get(lang, 0) for lang in UN_LANGUAGES}
            | {k: v for k, v in sorted(by_language.items()) if k not in UN_LANGUAGES},
            "by_verification": {s: by_state.get(s, 0) for s in VERIFICATION_STATES},
            "by_type_and_verification": {k: {s: c.get(s, 0) for s in VERIFICATION_STATES}
                                         for k, c in sorted(per_type.items())},
            "missing": {k: missing.get(k, 0) for k in ("source", "licence", "date")}}


# --- keeping seeded content up to date ------------------------------------------------------------------------

def _seed_targets() -> dict[str, dict[str, Any]]:
    """Record id → the fields the seed files want: whole records of this module's files (with their defaults),
    `updates` of those files for records seeded elsewhere, and the `defaults` of every other seed file (only the
    fields a record lacks)."""
    wanted: dict[str, dict[str, Any]] = {}
    for path in sorted(registry_svc.SEED_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        defaults = doc.get("defaults", {})
        own = path.match(KNOWLEDGE_SEED_GLOB)
        for rec in doc.get("records", []):
            if own:
                wanted[rec["id"]] = {**wanted.get(rec["id"], {}), **defaults, **rec}
            elif defaults:
                wanted.setdefault(rec["id"], {})["__defaults__"] = defaults
        for upd in doc.get("updates", []) if own else []:
            wanted[upd["id"]] = {**wanted.get(upd["id"], {}), **upd}
    return wanted


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    """A record as the registry stores it (validated, None left out), so a file and a revision compare equal."""
    from litterhub.registry.entities import parse_record

    return {**parse_record(data).model_dump(mode="json", exclude_none=True), "id": data["id"]}


def refresh_seed(hub: Hub) -> dict[str, Any]:
    """Bring records still as the seed left them up to the seed files: a new revision, published by the seed caller,
    when the files want something the stored revision lacks. Records someone else revised are left alone."""
    wanted = _seed_targets()
    r, v = rt.registry_records, rt.registry_revisions
    with hub.engine.connect() as conn:
        rows = conn.execute(select(r.c.id, v.c.data, v.c.author).join(v, and_(
            v.c.record_id == r.c.id, v.c.revision == r.c.published_revision)).where(r.c.id.in_(list(wanted)))).all()
    updated, skipped = [], []
    for record_id, data, author in rows:
        want = dict(wanted[record_id])
        defaults = want.pop("__defaults__", {})
        target = _normalised({**{k: val for k, val in defaults.items() if k not in data}, **data, **want})
        if target == data:
            continue
        if author != registry_svc.SEED_ACTOR:
            skipped.append(record_id)
            continue
        registry_svc.update_record(hub, record_id, target, SEED_CALLER)
        registry_svc.review(hub, record_id, "publish", SEED_CALLER, "seed content updated")
        updated.append(record_id)
    return {"updated": updated, "kept_as_revised": skipped}


# --- country groups -------------------------------------------------------------------------------------------

def group_record_id(group: regional_groups.Group) -> str:
    """The registry record of a GPML group (regional_groups names it; older lists without one: group-<slug>)."""
    return group.record_id or f"group-{group.id}"


def import_groups(hub: Hub) -> dict[str, Any]:
    """One registry region record per GPML country group, its `countries` the group's real members (replacing
    hand-entered lists): new records for the MEAs, UN regional groups and transnational groups, a new revision of
    a Regional Seas record whose members differ. Without the CSV: KnowledgeError (nothing changes)."""
    groups = [g for g in regional_groups.groups(hub) if g.source == regional_groups.SOURCE]
    if not groups:
        raise KnowledgeError("no country-group lists found: set LITTERHUB_GROUPS_DIR to the folder holding "
                             "gpml_country_groups_members.csv", code="knowledge-no-groups", status=422)
    created, updated, unchanged = [], [], []
    for g in groups:
        record_id = group_record_id(g)
        members = sorted(g.members)
        try:
            current = registry_svc.get_record(hub, record_id, GROUPS_CALLER)["data"]
        except registry_svc.RegistryError:
            current = None
        if current is None:
            data = {"id": record_id, "type": "region", "kind": GROUP_KINDS.get(g.kind, "political"),
                    "title": g.name, "countries": members, "sources": [GROUPS_SOURCE], "licence": "facts-only",
                    "verification": "unverified", "as_of": GROUPS_AS_OF, "topics": ["regional-cooperation"],
                    "summary": "Country group; members as listed by the UNEP GPML digital platform (2022), not "
                               "checked against the group's own current list." + (" " + " ".join(g.notes)
                                                                                  if g.notes else "")}
            registry_svc.create_record(hub, data, GROUPS_CALLER, publish=True)
            created.append(record_id)
            continue
        target = {**current, "countries": members,
                  "sources": list(dict.fromkeys([*current.get("sources", []), GROUPS_SOURCE])),
                  "as_of": current.get("as_of") or GROUPS_AS_OF}
        if sorted(current.get("countries") or []) == members and GROUPS_SOURCE in current.get("sources", []):
            unchanged.append(record_id)
            continue
        registry_svc.update_record(hub, record_id, target, GROUPS_CALLER)
        registry_svc.review(hub, record_id, "publish", GROUPS_CALLER, "members from the GPML country-group list")
        updated.append(record_id)
    return {"created": created, "updated": updated, "unchanged": unchanged,
            "members": sum(len(g.members) for g in groups), "source": GROUPS_SOURCE}


# --- the chemical lens of what was found ----------------------------------------------------------------------

def lens_for_items(hub: Hub, codes: list[str], lang: str = "en") -> list[dict[str, Any]]:
    """Per master item: its typical polymers and the number of substances the databases associate with them, with
    the most frequent hazard flags (services/chemicals.py `lens`; association, not measured content)."""
    from litterhub.services import chemicals
    from litterhub.vocab.items import master_list

    master = master_list()
    out = []
    for code in dict.fromkeys(codes):
        lens = chemicals.lens(hub, code, lang, top=1)
        entry = master.get(code)
        out.append({"item": code, "name": entry.name if entry else code,
                    "polymers": [p["polymer"] for p in lens["polymers"]], "substances": lens["total"],
                    "flags": lens["counts"].get("flag", [])[:4], "listings": len(lens["counts"].get("listing", [])),
                    "reason": lens.get("reason")})
    return out


def country_items(hub: Hub, code: str, top: int = COUNTRY_ITEMS_TOP) -> list[dict[str, Any]]:
    """The master items recorded most often in the country's surveys (number of surveys recording each: a presence
    count, so no counts are added across comparability classes); cached per published catalogue."""
    from litterhub.services import indicators
    from litterhub.services.result_cache import cached

    def compute() -> list[dict[str, Any]]:
        versions = indicators.resolve_versions(hub, None)
        if not versions:
            return []
        con, _ = indicators._open(hub, versions)  # the indicators' own view: duplicate copies left out
        rows = con.execute("""
            SELECT o.rollup_code, count(DISTINCT o.event_id) AS surveys
            FROM observations o JOIN events e ON e.event_id = o.event_id
            WHERE e.country = ? AND o.rollup_code IS NOT NULL AND o.count > 0
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?""", [code, top]).fetchall()
        return [{"item": item, "surveys": int(n)} for item, n in rows]

    return cached(hub, "knowledge.country-items", (code, top), compute)


def country_lens(hub: Hub, code: str, lang: str = "en") -> dict[str, Any]:
    """What the litter found here may carry: the country's most recorded items with their chemical lens."""
    from litterhub.services.chemicals import HONEST_NOTE

    code = _check_country(code)
    found = country_items(hub, code)
    lenses = {r["item"]: r for r in lens_for_items(hub, [f["item"] for f in found], lang)}
    return {"country": code, "note": HONEST_NOTE,
            "items": [{**lenses[f["item"]], "surveys": f["surveys"]} for f in found],
            "reason": None if found else "no surveys with harmonised items in this country yet"}


def profile_section(hub: Hub, code: str, lang: str = "en") -> dict[str, Any]:
    """The country profile's knowledge part: its national measures by item and the chemical lens of its litter
    (a code the registry does not know as a country gives empty sections, never an error)."""
    try:
        return {"measures": measures(hub, code), "chemical_lens": country_lens(hub, code, lang)}
    except KnowledgeError:
        return {"measures": {"country": code, "count": 0, "measures": [], "items": [], "kinds": {}},
                "chemical_lens": {"country": code, "items": [], "note": "", "reason": "not an ISO 3166-1 country"}}
