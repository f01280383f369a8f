"""Treaty readiness (issue 19 item 5; UNEA expert group, annex para 11(d)): the international instruments on marine
litter and plastics, the sessions negotiating a new one, who is party to what, and per country a readiness view
that joins what the hub already holds about it.

Contract:
- Instruments and sessions are registry records, never a second copy: an instrument is a published `policy`
  record of kind `convention` or tagged `treaty-negotiation` (the INC's instrument); a negotiation session is a
  published `event` record linked `part_of` an instrument. Their documents are the record's own address and
  sources plus the published records linked to them (`reports_on`, `related`, `part_of`).
- `treaty_parties` holds country × instrument with status signed | ratified | party, a date when known, the
  source and whether the row was checked against that source (`verification`). Only reviewers write it.
- `readiness(hub, ISO3)` joins, for that country only: its inventory (services/countries.inventory_section, the
  same figures as the country page), its policies in force (published policy records naming the country), its
  monitoring coverage (services/countries.monitoring, summarised), its capacity needs (published capacity_need
  records naming it) and its instrument statuses. Nothing is computed here that another service computes.
  It reads the lake: callers on the event loop run it in the compute pool.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection

from litterhub.errors import HubError
from litterhub.services import auth
from litterhub.services import countries as countries_svc
from litterhub.services.focal_points import Acting
from litterhub.services.hub import Hub
from litterhub.services.registry import SEED_DIR, published_data
from litterhub.store import evidence_tables as et
from litterhub.store import registry_tables as rt

PARTY_SEED = SEED_DIR / "treaty" / "parties.json"
STATUSES = ("signed", "ratified", "party")
NEGOTIATION_TAG = "treaty-negotiation"
DOCUMENT_LINKS = ("reports_on", "related", "part_of")


class TreatyError(HubError):
    """A treaty request that cannot be done: stable code, status, the field at fault."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None):
        super().__init__(message, code=code, status=status, field=field)


def _now() -> datetime:
    return datetime.now(UTC)


def _published(conn: Connection, types: tuple[str, ...]) -> list[dict[str, Any]]:
    ids = conn.execute(select(rt.registry_records.c.id).where(and_(
        rt.registry_records.c.type.in_(types), rt.registry_records.c.published_revision.is_not(None)))
        .order_by(rt.registry_records.c.id)).scalars().all()
    data = published_data(conn, list(ids))
    return [data[i] for i in ids if i in data]


def _is_instrument(d: dict[str, Any]) -> bool:
    return d.get("type") == "policy" and (d.get("kind") == "convention" or NEGOTIATION_TAG in d.get("tags", []))


def _links(conn: Connection) -> list[tuple[str, str, str]]:
    link = rt.registry_links
    return [tuple(r) for r in conn.execute(select(link.c.source_id, link.c.target_id, link.c.type).where(
        link.c.status == "published"))]


def _documents(record: dict[str, Any], links: list[tuple[str, str, str]], titles: dict[str, str]) -> list[dict]:
    """The record's own address and sources, then the published records linked to it."""
    docs = [{"title": record["title"], "url": record["url"], "kind": "record"}] if record.get("url") else []
    docs += [{"title": s, "url": "https://doi.org/" + s[4:] if s.startswith("doi:") else s, "kind": "source"}
             for s in record.get("sources", [])]
    rid = record["id"]
    for s, t, ty in links:
        other = t if s == rid else s if t == rid else None
        if other and ty in DOCUMENT_LINKS and other in titles:
            docs.append({"title": titles[other], "url": f"/registry/records/{other}", "kind": ty, "record_id": other})
    return docs


def instruments(hub: Hub) -> list[dict[str, Any]]:
    """Every instrument with its sessions (in date order), documents and number of countries per status."""
    with hub.engine.connect() as conn:
        records = _published(conn, ("policy", "event", "report"))
        links = _links(conn)
        tally = conn.execute(select(et.treaty_parties.c.instrument_id, et.treaty_parties.c.status,
                                    et.treaty_parties.c.country).order_by(et.treaty_parties.c.country)).all()
    titles = {r["id"]: r["title"] for r in records}
    events = {r["id"]: r for r in records if r["type"] == "event"}
    out = []
    for d in records:
        if not _is_instrument(d):
            continue
        sessions = sorted((events[s] for s, t, ty in links if t == d["id"] and ty == "part_of" and s in events),
                          key=lambda e: e.get("start_date", ""))
        counts = {s: sum(1 for i, st, _ in tally if i == d["id"] and st == s) for s in STATUSES}
        out.append({"id": d["id"], "title": d["title"], "acronyms": d.get("acronyms", []), "status": d.get("status"),
                    "adopted": d.get("adopted"), "in_force": d.get("in_force"), "summary": d.get("summary", ""),
                    "verification": d.get("verification"), "parties": counts,
                    "countries": [{"country": c, "status": st} for i, st, c in tally if i == d["id"]],
                    "documents": _documents(d, links, titles),
                    "sessions": [_session(e, links, titles) for e in sessions]})
    return out


def _session(e: dict[str, Any], links: list[tuple[str, str, str]], titles: dict[str, str]) -> dict[str, Any]:
    return {"id": e["id"], "title": e["title"], "acronyms": e.get("acronyms", []), "start_date": e.get("start_date"),
            "end_date": e.get("end_date"), "location": e.get("location"), "verification": e.get("verification"),
            "documents": _documents(e, links, titles)}


def sessions(hub: Hub) -> list[dict[str, Any]]:
    """Every negotiation session of every instrument, in date order."""
    found = [{**s, "instrument": i["id"]} for i in instruments(hub) for s in i["sessions"]]
    return sorted(found, key=lambda s: s.get("start_date") or "")


def parties(hub: Hub, country: str | None = None, instrument: str | None = None) -> list[dict[str, Any]]:
    p = et.treaty_parties
    q = select(p).order_by(p.c.country, p.c.instrument_id)
    if country:
        q = q.where(p.c.country == country.upper())
    if instrument:
        q = q.where(p.c.instrument_id == instrument)
    with hub.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
        titles = dict(conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.title)).all())
    return [{"country": r["country"], "instrument": r["instrument_id"], "title": titles.get(r["instrument_id"]),
             "status": r["status"], "date": r["date"], "source": r["source"], "verification": r["verification"],
             "note": r["note"]} for r in rows]


def set_party(hub: Hub, who: Acting, country: str, instrument: str, status: str, source: str,
              date: str | None = None, verification: str = "unverified", note: str = "") -> dict[str, Any]:
    """Record a country's status under an instrument (reviewers and admins): one row per pair, updated in place
    with the audit log keeping the history."""
    if not who.can("reviewer"):
        raise TreatyError("treaty-forbidden", "recording a party status needs the reviewer role", 403)
    with hub.engine.begin() as conn:
        _write_party(conn, who.actor, country, instrument, status, source, date, verification, note)
    return next(r for r in parties(hub, country.upper(), instrument))


def _write_party(conn: Connection, actor: str, country: str, instrument: str, status: str, source: str,
                 date: str | None, verification: str, note: str) -> bool:
    code = country.strip().upper()
    if countries_svc.country_name(code) is None:
        raise TreatyError("treaty-unknown-country", f"{country[:20]!r} is not an ISO 3166-1 alpha-3 code", 422,
                          "country")
    if status not in STATUSES:
        raise TreatyError("treaty-invalid-status", f"status is one of {', '.join(STATUSES)}", 422, "status")
    if verification not in ("verified", "unverified"):
        raise TreatyError("treaty-invalid-value", "verification is verified or unverified", 422, "verification")
    if date and not (len(date) in (4, 7, 10) and date[:4].isdigit()):
        raise TreatyError("treaty-invalid-date", "date is YYYY, YYYY-MM or YYYY-MM-DD", 422, "date")
    if not str(source or "").startswith(("http://", "https://")):
        raise TreatyError("treaty-missing-source", "give the http(s) address of the source", 422, "source")
    data = published_data(conn, [instrument]).get(instrument)
    if data is None or not _is_instrument(data):
        raise TreatyError("treaty-unknown-instrument", f"{instrument[:120]!r} is not an instrument record", 404,
                          "instrument")
    p = et.treaty_parties
    values = {"status": status, "date": date or None, "source": source, "verification": verification,
              "note": note[:1000], "updated_by": actor, "updated_at": _now()}
    exists = conn.execute(select(p.c.id).where(and_(p.c.country == code, p.c.instrument_id == instrument))).first()
    if exists:
        conn.execute(update(p).where(p.c.id == exists.id).values(**values))
    else:
        conn.execute(insert(p).values(country=code, instrument_id=instrument, **values))
    auth.audit(conn, actor, "treaty.party-set", f"treaty:{code}:{instrument}", {"status": status})
    return not exists


def load_seed(hub: Hub) -> dict[str, int]:
    """The bundled party statuses (registry/seed/treaty/parties.json), for pairs not yet recorded: a status a
    reviewer entered is never overwritten by the seed. Needs the registry seed (the instrument records)."""
    doc = json.loads(PARTY_SEED.read_text(encoding="utf-8"))
    created = 0
    p = et.treaty_parties
    with hub.engine.begin() as conn:
        for row in doc["parties"]:
            if conn.execute(select(p.c.id).where(and_(p.c.country == row["country"],
                                                      p.c.instrument_id == row["instrument"]))).first():
                continue
            created += _write_party(conn, "seed", row["country"], row["instrument"], row["status"], row["source"],
                                    row.get("date"), row.get("verification", "unverified"), row.get("note", ""))
    return {"created": created, "total": len(doc["parties"])}


# --- the readiness view ---------------------------------------------------------------------------------------

def _names(d: dict[str, Any], code: str) -> bool:
    return code in d.get("countries", [])


def readiness(hub: Hub, code: str) -> dict[str, Any]:
    """What the hub holds on the country's readiness for the instruments, section by section, each only the
    country's own records."""
    code = countries_svc.check_code(hub, code)
    with hub.engine.connect() as conn:
        records = _published(conn, ("policy", "capacity_need"))
    policies = [{"id": d["id"], "title": d["title"], "kind": d.get("kind"), "in_force": d.get("in_force"),
                 "reference": d.get("reference"), "verification": d.get("verification")}
                for d in records if d["type"] == "policy" and d.get("status") == "in-force" and _names(d, code)]
    needs = [{"id": d["id"], "title": d["title"], "formats": d.get("formats", []), "deadline": d.get("deadline"),
              "summary": d.get("summary", "")} for d in records if d["type"] == "capacity_need" and _names(d, code)]
    mine = {r["instrument"]: r for r in parties(hub, code)}
    statuses = [{"id": i["id"], "title": i["title"], "acronyms": i["acronyms"],
                 "status": mine[i["id"]]["status"] if i["id"] in mine else None,
                 **({k: mine[i["id"]][k] for k in ("date", "source", "verification", "note")} if i["id"] in mine
                    else {"date": None, "source": None, "verification": None, "note": ""})}
                for i in instruments(hub)]
    inventory, monitoring = _inventory(hub, code), _monitoring(hub, code)
    return {"country": code, "name": countries_svc.country_name(code) or code,
            "inventory": inventory, "policies": policies, "monitoring": monitoring,
            "capacity_needs": needs, "instruments": statuses,
            "summary": {"inventory": bool(inventory["models"] or inventory["submitted"]),
                        "policies_in_force": len(policies), "surveys": monitoring["surveys"],
                        "capacity_needs": len(needs),
                        "party_to": sum(1 for s in statuses if s["status"] in ("ratified", "party"))}}


def _inventory(hub: Hub, code: str) -> dict[str, Any]:
    section = countries_svc.inventory_section(hub, code)
    return {"models": section["models"], "submitted": [
        {k: r.get(k) for k in ("method", "version", "year", "submitted_by", "status")} for r in section["submitted"]],
        "page": section["page"]}


def _monitoring(hub: Hub, code: str) -> dict[str, Any]:
    m = countries_svc.monitoring(hub, code)
    years = [int(r["year"]) for r in m["per_year"] if r.get("year") is not None]
    return {"sites": len(m["sites"]), "surveys": m["surveys"],
            "datasets": sorted({str(p["dataset"]) for p in m["programmes"]}),
            "compartments": sorted({str(r["compartment"]) for r in m["per_year"] if r.get("compartment")}),
            "first_year": min(years) if years else None, "last_year": max(years) if years else None,
            "gaps": [g["code"] for g in m["gaps"]]}
