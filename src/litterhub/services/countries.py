"""Country profiles and region pages: one place that joins monitoring, indicators, inventories, the registry and
country groups for a country (or a group of countries).

Contract:
- `profile(hub, iso3, caller)` and `region(hub, group_id, caller)` return plain data (dicts, lists, numbers,
  strings): the web page, the JSON API, the CLI and (later) the national report all render the same value.
- Numbers are never computed here: indicators come from services/indicators.py (the same calls and parameters as
  `litterhub analyse beach --group-by country`, `analyse sdg --country`, `analyse threshold`), inventories from
  services/inventory.py, records from services/search.py / registry.py; this module selects the country's rows.
- Heavy parts (indicators over the whole lake, the monitoring-design simulation) go through
  services/result_cache.py: computed once per published catalogue. Callers on the event loop must still run these
  functions in the compute pool (http/compute.py `offload`).
- Every indicator row carries its comparability class; what cannot be computed says why and what to provide.
- Visibility: only published registry records are read (search); capacity requests are never listed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pycountry
from sqlalchemy import func, select

from litterhub.analysis import design
from litterhub.analysis.beach import statistics as beach_statistics
from litterhub.analysis.comparability import CLASS_COLUMN
from litterhub.services import indicators, knowledge, lake_events, regional_groups, summaries
from litterhub.services import inventory as inventory_svc
from litterhub.services import registry as registry_svc
from litterhub.services import search as search_svc
from litterhub.services.datasets import NotFound
from litterhub.services.hub import Hub
from litterhub.services.result_cache import cached
from litterhub.store import summary_tables as st
from litterhub.store import tables as t

HEADLINE_GROUP = "TC"  # total count: the headline of litteR's tables
REGISTRY_SECTIONS = ("policy", "actor", "initiative", "industry_initiative", "guideline", "report", "financing",
                     "event", "capacity_need", "capacity_offer")
MAX_RECORDS = 100  # per search; the registry page has the full list
MIN_SURVEYS_PER_YEAR = 4  # below this a site-year gives no usable seasonal median (OSPAR asks for 4 surveys a year)


def country_name(code: str) -> str | None:
    found = pycountry.countries.get(alpha_3=code)
    return (getattr(found, "common_name", None) or found.name) if found else None


def _numeric(code: str) -> str | None:
    found = pycountry.countries.get(alpha_3=code)
    return found.numeric if found else None


def _records(value: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts (NaN → None, timestamps → ISO dates)."""
    if value is None or value.empty:
        return []
    frame = value.astype(object).where(value.notna(), None)
    out = frame.to_dict("records")
    for row in out:
        for k, v in row.items():
            if hasattr(v, "isoformat"):
                row[k] = v.isoformat()[:10]
            elif hasattr(v, "item"):
                row[k] = v.item()
    return out


# --- shared, cached computations ------------------------------------------------------------------------------

def beach_by_country(hub: Hub):
    """`litterhub analyse beach --group-by country` over every published dataset, computed once per catalogue."""
    return cached(hub, "countries.beach", (), lambda: indicators.beach(hub, None, "country"))


def sdg_all(hub: Hub):
    return cached(hub, "countries.sdg", (), lambda: indicators.sdg(hub, None))


def threshold_all(hub: Hub):
    return cached(hub, "countries.threshold", (), lambda: indicators.threshold(hub))


def _versions(result) -> list[str]:
    return [f"{d}@{v}" for d, v in result.versions]


# --- the index ------------------------------------------------------------------------------------------------

def _survey_counts(hub: Hub) -> dict[str, dict[str, Any]]:
    """Surveys, sites and first/last survey per country, from the current versions' site summaries."""
    ss = st.site_summaries
    query = (select(ss.c.country, func.sum(ss.c.n_events), func.count(func.distinct(ss.c.site_id)),
                    func.min(ss.c.first_date), func.max(ss.c.last_date))
             .join(t.datasets, summaries.current(ss)).where(ss.c.country.is_not(None)).group_by(ss.c.country))
    with hub.engine.connect() as conn:
        return {c: {"surveys": int(n), "sites": int(s), "first": lo and lo.isoformat(), "last": hi and hi.isoformat()}
                for c, n, s, lo, hi in conn.execute(query).all()}


def country_index(hub: Hub, q: str = "") -> list[dict[str, Any]]:
    """Every country with surveys, registry records or a submitted inventory; `q` filters by code or name."""
    surveys = _survey_counts(hub)
    records = {r["country"]: r["count"] for r in search_svc.country_counts(hub)}
    submitted: dict[str, int] = {}
    for row in inventory_svc.list_inventories(hub):
        submitted[str(row["country"])] = submitted.get(str(row["country"]), 0) + 1
    needle = q.strip().lower()
    out = []
    for code in sorted(set(surveys) | set(records) | set(submitted)):
        name = country_name(code) or code
        if needle and needle not in code.lower() and needle not in name.lower():
            continue
        s = surveys.get(code, {})
        out.append({"country": code, "name": name, "numeric": _numeric(code), "surveys": s.get("surveys", 0),
                    "sites": s.get("sites", 0), "first": s.get("first"), "last": s.get("last"),
                    "records": records.get(code, 0), "inventories": submitted.get(code, 0)})
    return sorted(out, key=lambda r: r["name"].lower())


def check_code(hub: Hub, code: str) -> str:
    """The upper-case ISO 3166-1 alpha-3 code, or NotFound (an unknown code, or not three letters)."""
    upper = (code or "").strip().upper()
    if len(upper) == 3 and upper.isalpha() and (country_name(upper) or upper in _survey_counts(hub)):
        return upper
    raise NotFound(f"no country with the ISO 3166-1 alpha-3 code {code[:20]!r}")


# --- sections -------------------------------------------------------------------------------------------------

def monitoring(hub: Hub, code: str) -> dict[str, Any]:
    """Sites, programmes, surveys per year × compartment and the gaps in that record."""
    s, ss = t.sites, st.site_summaries
    per_site = (select(ss.c.site_id, func.sum(ss.c.n_events).label("n"), func.min(ss.c.first_date).label("first"),
                       func.max(ss.c.last_date).label("last")).join(t.datasets, summaries.current(ss))
                .where(ss.c.country == code).group_by(ss.c.site_id)).subquery()
    with hub.engine.connect() as conn:
        sites = conn.execute(select(s.c.id, s.c.name, s.c.lat, s.c.lon, s.c.compartment, s.c.source_programme,
                                    per_site.c.n, per_site.c.first, per_site.c.last)
                             .join(per_site, per_site.c.site_id == s.c.id)
                             .order_by(s.c.name)).all()
    rows = lake_events.rows(hub, lake_events.Filter(country=code), ("event_date", "compartment", "dataset_id",
                                                                     "site_id"))
    frame = pd.DataFrame(rows, columns=["date", "compartment", "dataset", "site_id"])
    frame["year"] = pd.to_datetime(frame["date"]).dt.year
    per_year = (frame.groupby(["year", "compartment"]).size().reset_index(name="surveys")
                if len(frame) else pd.DataFrame(columns=["year", "compartment", "surveys"]))
    programmes = (frame.groupby("dataset").agg(surveys=("site_id", "size"), sites=("site_id", "nunique"),
                                               first=("year", "min"), last=("year", "max")).reset_index()
                  if len(frame) else pd.DataFrame())
    return {"sites": [{"id": r.id, "name": r.name, "lat": r.lat, "lon": r.lon, "compartment": r.compartment,
                       "programme": r.source_programme, "surveys": int(r.n),
                       "first": r.first and r.first.isoformat(), "last": r.last and r.last.isoformat()}
                      for r in sites],
            "programmes": _records(programmes), "per_year": _records(per_year),
            "surveys": len(frame), "gaps": _gaps(frame, sites)}


def _gaps(frame: pd.DataFrame, sites: list) -> list[dict[str, Any]]:
    """What is missing from the record, each with a stable code: no surveys, missing years, thin sites, no places."""
    if frame.empty:
        return [{"code": "no-surveys", "detail": {}}]
    out = []
    years = sorted(frame["year"].dropna().astype(int).unique())
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years)) if years else []
    if missing:
        out.append({"code": "missing-years", "detail": {"years": missing}})
    thin = frame.groupby(["site_id", "year"]).size()
    thin_sites = sorted(set(thin[thin < MIN_SURVEYS_PER_YEAR].index.get_level_values(0)))
    if thin_sites:
        out.append({"code": "few-surveys-per-year", "detail": {"sites": len(thin_sites),
                                                               "minimum": MIN_SURVEYS_PER_YEAR}})
    no_place = [r.id for r in sites if r.lat is None or r.lon is None]
    if no_place:
        out.append({"code": "sites-without-coordinates", "detail": {"sites": len(no_place)}})
    compartments = set(frame["compartment"].dropna())
    for wanted in ("beach", "floating", "seafloor"):
        if wanted not in compartments:
            out.append({"code": "compartment-not-monitored", "detail": {"compartment": wanted}})
    return out


def indicator_section(hub: Hub, code: str) -> dict[str, Any]:
    """The country's rows of the beach statistics, SDG 14.1.1b and EU threshold results, per comparability class."""
    beach = beach_by_country(hub)
    country_rows = beach.tables.get("country", pd.DataFrame())
    trends = country_rows[country_rows["country"] == code] if len(country_rows) else country_rows
    sdg = sdg_all(hub)
    sdg_rows = sdg.tables["sdg"]
    numeric = _numeric(code)
    own = sdg_rows[sdg_rows["GEO_AREA_CODE"].astype(str) == str(int(numeric))] if numeric and len(sdg_rows) \
        else sdg_rows.iloc[0:0]
    status = sdg.tables["countries"]
    not_computable = sdg.tables["not_computable"]
    tv = threshold_all(hub)
    assessment = tv.tables.get("assessment", pd.DataFrame())
    mine = assessment[assessment["country"] == code] if len(assessment) else assessment
    return {
        "beach": {"rows": _records(trends), "versions": _versions(beach), "unit": beach.params["unit"],
                  "query": "litterhub analyse beach --group-by country"},
        "sdg": {"rows": _records(own.drop(columns=["EVENT_IDS"], errors="ignore")),
                "status": _records(status[status["country"] == code]) if len(status) else [],
                "not_computable": _records(not_computable[not_computable["country"] == code])
                if len(not_computable) else [],
                "versions": _versions(sdg), "query": f"litterhub analyse sdg --country {code}"},
        "threshold": {"rows": _records(mine), "versions": _versions(tv), "tv": tv.params["tv"],
                      "applies": bool(len(mine)), "query": "litterhub analyse threshold"},
    }


def inventory_section(hub: Hub, code: str) -> dict[str, Any]:
    """The published models' headline for the country and every submitted version of its own figures."""
    models = next((dict(r) for r in inventory_svc.overview() if r["country"] == code), None)
    submitted = inventory_svc.list_inventories(hub, code)
    history = {}
    for row in submitted:
        history[str(row["method"])] = [{**v, "sources": _input_sources(v.get("inputs"))}
                                       for v in inventory_svc.versions(hub, code, str(row["method"]))]
    return {"models": models, "submitted": [{**r, "sources": _input_sources(r.get("inputs"))} for r in submitted],
            "versions": history, "page": f"/inventory/{code}"}


def _input_sources(inputs: Any) -> list[str]:
    """The distinct sources named by a stored inventory's own figures ([{field, value, source}] or
    {field: {value, source}}); none when it used the published defaults only."""
    items = inputs.values() if isinstance(inputs, dict) else inputs if isinstance(inputs, list) else []
    return sorted({str(v["source"]) for v in items if isinstance(v, dict) and v.get("source")})


def registry_section(hub: Hub, filters: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    """Published records matching `filters`, by type; capacity needs and offers with their matches."""
    found = search_svc.search(hub, "", filters, limit=MAX_RECORDS)["results"]
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in REGISTRY_SECTIONS}
    for r in found:
        row = {k: r[k] for k in ("id", "type", "title", "summary", "year", "countries", "regions")}
        if r["type"] in ("capacity_need", "capacity_offer"):
            try:
                row["matches"] = registry_svc.capacity_matches(hub, r["id"], limit=5)
            except registry_svc.RegistryError:
                row["matches"] = []
        out.setdefault(r["type"], []).append(row)
    return {k: v for k, v in out.items() if v}


def design_section(hub: Hub, code: str) -> dict[str, Any]:
    """Monitoring-design advice from the country's own survey totals (largest comparability class)."""
    return cached(hub, "countries.design", code, lambda: _design(hub, code))


def _design(hub: Hub, code: str) -> dict[str, Any]:
    surveys = beach_by_country(hub).tables.get("surveys", pd.DataFrame())
    mine = surveys[(surveys["country"] == code) & (surveys["group"] == HEADLINE_GROUP)] if len(surveys) else surveys
    if mine.empty:
        return {"class": None, **design.advise(pd.DataFrame({"site_id": [], "count": []})).as_dict(), "beaches": []}
    klass = mine[CLASS_COLUMN].value_counts().index[0]  # the class with most surveys: never mix classes
    mine = mine[mine[CLASS_COLUMN] == klass]
    advice = design.advise(mine)
    ranked = design.rank_beaches(mine, advice.sigma_log ** 2 if advice.sigma_log is not None else None)
    names = dict(zip(mine["site_id"], mine["site_name"], strict=True))
    ranked.insert(1, "site_name", ranked["site_id"].map(names))
    return {"class": klass, **advice.as_dict(), "beaches": _records(ranked.head(20))}


def profile(hub: Hub, code: str, caller: registry_svc.Caller | None = None) -> dict[str, Any]:
    """Everything the country page, its JSON and its report show."""
    code = check_code(hub, code)
    return {
        "country": code, "name": country_name(code) or code, "numeric": _numeric(code),
        "monitoring": monitoring(hub, code),
        "indicators": indicator_section(hub, code),
        "inventory": inventory_section(hub, code),
        "registry": registry_section(hub, {"country": [code]}),
        "memberships": [g.as_dict() for g in regional_groups.memberships(hub, code)],
        "design": design_section(hub, code),
        "knowledge": knowledge.profile_section(hub, code),  # national measures, chemical lens (issue 18)
        "groups_source": regional_groups.SOURCE if regional_groups.csv_available(hub) else None,
    }


# --- regions --------------------------------------------------------------------------------------------------

def region_index(hub: Hub) -> list[dict[str, Any]]:
    surveys = _survey_counts(hub)
    return [{**g.as_dict(), "with_surveys": sum(1 for m in g.members if m in surveys)}
            for g in regional_groups.groups(hub)]


def regional_trends(hub: Hub, group: regional_groups.Group) -> list[dict[str, Any]]:
    """litteR's regional Kendall over the members' sites, one row per class × litter group (never across classes)."""
    def compute() -> list[dict[str, Any]]:
        surveys = beach_by_country(hub).tables.get("surveys", pd.DataFrame())
        mine = surveys[surveys["country"].isin(group.members)] if len(surveys) else surveys
        out = []
        for klass in mine[CLASS_COLUMN].unique() if len(mine) else []:
            sub = mine[mine[CLASS_COLUMN] == klass].drop(columns=[CLASS_COLUMN]).assign(region=group.id)
            _, regional = beach_statistics(sub.reset_index(drop=True), "region")
            if regional is not None:
                regional.insert(0, CLASS_COLUMN, klass)
                out += _records(regional)
        return out

    return cached(hub, "countries.region-trends", group.id, compute)


def region(hub: Hub, group_id: str, caller: registry_svc.Caller | None = None) -> dict[str, Any]:
    """A country group's page: members with headline indicators, coverage, regional trends, registry content."""
    group = regional_groups.get(hub, group_id)
    if group is None:
        raise NotFound(f"no region or country group {group_id[:60]!r}")
    surveys = _survey_counts(hub)
    beach = beach_by_country(hub).tables.get("country", pd.DataFrame())
    sdg_status = sdg_all(hub).tables["countries"]
    members = []
    for code in group.members:
        tc = beach[(beach["country"] == code) & (beach["group"] == HEADLINE_GROUP)] if len(beach) else beach
        status = sdg_status[sdg_status["country"] == code] if len(sdg_status) else sdg_status
        members.append({"country": code, "name": country_name(code) or code, "numeric": _numeric(code),
                        **surveys.get(code, {"surveys": 0, "sites": 0, "first": None, "last": None}),
                        "headline": _records(tc[[CLASS_COLUMN, "n", "median", "slope", "p_value"]]) if len(tc) else [],
                        "sdg_status": status.iloc[0]["status"] if len(status) else None})
    record, discussion, content = None, [], {}
    if group.record_id:
        try:
            record = registry_svc.get_record(hub, group.record_id, caller)
            discussion = registry_svc.comments(hub, group.record_id, caller)
        except registry_svc.RegistryError:
            record = None
        content = registry_section(hub, {"region": [group.record_id]})
    offers = registry_section(hub, {"type": ["capacity_offer"], "country": list(group.members)}) \
        if group.members else {}
    seen = {r["id"] for r in content.get("capacity_offer", [])}
    content.setdefault("capacity_offer", []).extend(r for r in offers.get("capacity_offer", []) if r["id"] not in seen)
    content = {k: v for k, v in content.items() if v}
    with_data = [m for m in members if m["surveys"]]
    return {**group.as_dict(), "members": members, "record": record, "discussion": discussion,
            "registry": content,
            "coverage": {"members": len(members), "with_surveys": len(with_data),
                         "surveys": sum(m["surveys"] for m in with_data),
                         "sites": sum(m["sites"] for m in with_data)},
            "trends": regional_trends(hub, group), "trend_query": "litterhub analyse beach (regional Kendall)"}
