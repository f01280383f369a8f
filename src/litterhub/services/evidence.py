"""The living evidence review (issue 19 item 4; UNEA expert group, annex para 9(c)): structured evidence records
on the health, environmental and economic effects of marine litter, microplastics and plastics along the
source-to-sea continuum, a two-screener screening workflow that feeds them, evidence maps and exports.

Contract:
- Every coded field takes its values from one named list below (`STAGES`, `ENDPOINTS`, ...); a value outside
  its list is refused with the field named, so maps never split one idea over two spellings.
- Screening: a candidate study of a review project is screened at title/abstract, then at full text, each time
  by TWO of the project's assigned screeners independently (include, or exclude with a reason code). Two equal
  decisions move it on (full text; included; excluded); two different ones are a conflict that only the
  project's lead resolves, with a written reason. Inclusion at full text makes the evidence record from the
  coding the lead extracted. Nothing is ever overwritten: decisions and resolutions are rows of their own.
- Blinding: until both decisions of a phase are in, a screener sees only their own decision; nobody (the lead
  included) sees a decision of a phase that is still open, only that it was made.
- Who may do what is decided here, once, for the API, the web and the CLI: a contributor opens a project and
  leads it; only the lead adds screeners and candidates, resolves conflicts and appraises records; only an
  assigned screener screens. Reads are public (the evidence base is open).
- The quality appraisal scheme (`QUALITY_CRITERIA`, scores 0-2, `rating`) is documented in docs/evidence.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection

from litterhub.errors import HubError
from litterhub.services import auth
from litterhub.services.focal_points import Acting
from litterhub.services.hub import Hub
from litterhub.store import evidence_tables as et
from litterhub.store import tables as t

SEED_FILE = Path(__file__).resolve().parents[1] / "registry" / "seed" / "evidence" / "records.json"

STAGES = ("production", "use", "waste-management", "leakage", "rivers", "coasts", "open-ocean", "seafloor",
          "biota", "human-exposure")
"""The source-to-sea stages (UNEA-4 expert group 9(c) asks for a source-to-sea approach): the order in which
plastic moves from being made to reaching people. Why these ten: production and use are where additives and
emissions start (Geyer et al. 2017); waste management and leakage are where the inventories estimate the losses
(Jambeck et al. 2015); rivers carry most land-based litter to the sea (Meijer et al. 2021); coasts, open ocean and
seafloor are the three marine compartments monitoring programmes survey; biota/food web is where effects on
organisms are measured; human exposure closes the loop (ingestion, inhalation, dermal contact). One list, so an
evidence map's rows are the same in every review."""

ENDPOINTS = ("occurrence", "emissions", "mortality", "growth", "reproduction", "inflammation", "oxidative-stress",
             "chemical-transfer", "economic-cost", "jobs")
"""What a study measured: occurrence (abundance or concentration in a compartment), emissions (mass flows into
the environment), five biological effect endpoints used by effect studies and risk assessments (mortality,
growth, reproduction, inflammation, oxidative stress), chemical transfer (additives or sorbed pollutants moving
from plastic to organisms or people), and the two economic endpoints of the job-transition question (costs and
jobs)."""

COMPARTMENTS = ("land", "freshwater", "beach", "surface-water", "water-column", "seafloor", "sediment", "biota",
                "air", "food", "drinking-water", "economy")
EXPOSURE_ROUTES = ("ingestion", "inhalation", "dermal")
EFFECTS = ("adverse", "none", "beneficial", "mixed")
DESIGNS = ("experimental-lab", "field-observational", "modelling", "review", "cost-benefit")
TOPICS = ("source-to-sea", "human-health", "job-transition")
PHASES = ("title-abstract", "full-text", "included", "excluded")
SCREENING_PHASES = ("title-abstract", "full-text")
DECISIONS = ("include", "exclude")
EXCLUDE_REASONS = ("off-topic", "no-primary-data", "wrong-design", "wrong-compartment", "wrong-outcome",
                   "duplicate", "not-retrievable", "insufficient-reporting")
INCLUDE_REASON = "meets-criteria"
VERIFICATION = ("verified", "unverified")
SCREENERS_PER_PHASE = 2

QUALITY_CRITERIA = ("design", "exposure", "controls", "replication", "identification", "reporting")
"""Six criteria, each scored 0 (not reported or inadequate), 1 (partly) or 2 (adequate); docs/evidence.md says
what each one asks, adapted from the microplastics quality criteria of Koelmans et al. (Water Research, 2019)
and de Ruijter et al. (Environ. Sci. Technol., 2020) so that modelling and economic studies can be scored too."""
QUALITY_MAX = 2 * len(QUALITY_CRITERIA)
HIGH, MODERATE = 9, 5  # total ≥ 9 of 12 is high, ≥ 5 moderate, else low; a 0 on `controls` caps at moderate

MAX_TEXT = 5000
MAX_TITLE = 500
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}[a-z0-9]$")
CODED = ("stage", "compartment", "exposure_route", "organism", "endpoint", "effect", "design")
NAMED = {"stage": STAGES, "compartment": COMPARTMENTS, "exposure_route": EXPOSURE_ROUTES, "endpoint": ENDPOINTS,
         "effect": EFFECTS, "design": DESIGNS, "topic": TOPICS}
CSV_FIELDS = ("id", "topic", "title", "authors", "year", "journal", "doi", "url", "stage", "compartment",
              "exposure_route", "organism", "endpoint", "effect", "design", "quality_score", "quality_rating",
              "finding", "verification", "project")


class EvidenceError(HubError):
    """A request of the evidence review that cannot be done: stable code, status, the field at fault."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None,
                 errors: list[dict[str, Any]] | None = None):
        super().__init__(message, code=code, status=status, field=field, errors=errors)


@dataclass(frozen=True)
class Cell:
    stage: str
    endpoint: str
    count: int


def _now() -> datetime:
    return datetime.now(UTC)


# --- checks ---------------------------------------------------------------------------------------------------

def _named(field: str, value: Any, required: bool = False) -> str | None:
    if value in (None, ""):
        if required:
            raise EvidenceError("evidence-missing-value", f"{field} is required", field=field)
        return None
    allowed = NAMED[field]
    if value not in allowed:
        raise EvidenceError("evidence-invalid-value", f"{field} must be one of {', '.join(allowed)}", field=field)
    return str(value)


def _text(field: str, value: Any, limit: int = MAX_TEXT, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise EvidenceError("evidence-missing-value", f"{field} is required", field=field)
    if len(text) > limit:
        raise EvidenceError("evidence-too-long", f"{field} is longer than {limit} characters", field=field)
    return text


def _doi(value: Any) -> str | None:
    doi = str(value or "").strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix):]
    if not doi:
        return None
    if not DOI_RE.match(doi):
        raise EvidenceError("evidence-invalid-doi", "a DOI looks like 10.1234/abc (leave it empty if unknown)",
                            field="doi")
    return doi


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise EvidenceError("evidence-invalid-year", "year is a number such as 2019", field="year") from None
    if not 1800 <= year <= 2100:
        raise EvidenceError("evidence-invalid-year", "year must be between 1800 and 2100", field="year")
    return year


def _authors(value: Any) -> list[str]:
    items = value.split(";") if isinstance(value, str) else list(value or [])
    return [str(a).strip()[:200] for a in items if str(a).strip()][:100]


def bibliography(data: dict[str, Any]) -> dict[str, Any]:
    """The checked bibliographic fields of a study (title, authors, year, journal, DOI, URL)."""
    url = _text("url", data.get("url"), 1000) or None
    if url and not re.match(r"^https?://\S+$", url):
        raise EvidenceError("evidence-invalid-url", "url must be an http(s) address", field="url")
    return {"title": _text("title", data.get("title"), MAX_TITLE, required=True), "authors": _authors(
        data.get("authors")), "year": _year(data.get("year")), "journal": _text("journal", data.get("journal"),
                                                                                  300) or None,
            "doi": _doi(data.get("doi")), "url": url}


def coding(data: dict[str, Any]) -> dict[str, Any]:
    """The coded fields of a finding, each from its named list (organism is free text: a species or group)."""
    out = {f: _named(f, data.get(f)) for f in ("stage", "compartment", "exposure_route", "endpoint", "effect",
                                                "design")}
    out["organism"] = _text("organism", data.get("organism"), 200) or None
    if out["exposure_route"] and out["stage"] not in (None, "human-exposure", "biota"):
        raise EvidenceError("evidence-invalid-value", "an exposure route belongs to the biota or human-exposure "
                            "stage", field="exposure_route")
    return out


def rating(quality: dict[str, Any]) -> tuple[int | None, str | None]:
    """(total score, high|moderate|low) of an appraisal, or (None, None) before one is made."""
    scores = quality.get("scores") if isinstance(quality, dict) else None
    if not scores:
        return None, None
    total = sum(int(scores[c]) for c in QUALITY_CRITERIA)
    label = "high" if total >= HIGH else "moderate" if total >= MODERATE else "low"
    if label == "high" and int(scores["controls"]) == 0:
        label = "moderate"  # no contamination or negative controls: the result may be an artefact
    return total, label


# --- projects and members -------------------------------------------------------------------------------------

def _project(conn: Connection, slug: str) -> dict[str, Any]:
    row = conn.execute(select(et.evidence_projects).where(et.evidence_projects.c.slug == slug)).mappings().first()
    if row is None:
        raise EvidenceError("evidence-project-not-found", f"no review project {slug[:80]!r}", 404)
    return dict(row)


def _role_in(conn: Connection, project_id: int, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return conn.execute(select(et.evidence_members.c.role).where(and_(
        et.evidence_members.c.project_id == project_id, et.evidence_members.c.user_id == user_id))).scalar()


def _need_lead(conn: Connection, project: dict[str, Any], who: Acting) -> None:
    if who.user_id is None and who.can("admin"):
        return  # the local operator (command line)
    if _role_in(conn, project["id"], who.user_id) != "lead":
        raise EvidenceError("evidence-not-lead", "only the project's lead may do this", 403)


def create_project(hub: Hub, who: Acting, data: dict[str, Any], lead_id: int | None = None) -> dict[str, Any]:
    """Open a review project; the caller (or `lead_id`) leads it."""
    if not who.can("contributor"):
        raise EvidenceError("evidence-forbidden", "opening a review needs the contributor role", 403)
    title = _text("title", data.get("title"), 300, required=True)
    slug = str(data.get("slug") or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80]).strip("-")
    if not SLUG_RE.match(slug):
        raise EvidenceError("evidence-invalid-value", "slug is 3-80 characters of a-z, 0-9 and '-'", field="slug")
    values = {"slug": slug, "title": title, "question": _text("question", data.get("question"), required=True),
              "topic": _named("topic", data.get("topic") or "source-to-sea", required=True),
              "criteria": _text("criteria", data.get("criteria"), required=True)}
    lead = lead_id if lead_id is not None else who.user_id
    if lead is None:
        raise EvidenceError("evidence-missing-value", "name the lead's account", field="lead")
    auth.get_user(hub, lead)
    with hub.engine.begin() as conn:
        if conn.execute(select(et.evidence_projects.c.id).where(et.evidence_projects.c.slug == slug)).first():
            raise EvidenceError("evidence-project-exists", f"a project {slug!r} exists", 409, "slug")
        pid = conn.execute(insert(et.evidence_projects).values(**values, created_by=who.actor,
                                                                created_at=_now())).inserted_primary_key[0]
        conn.execute(insert(et.evidence_members).values(project_id=pid, user_id=lead, role="lead", added_at=_now()))
        auth.audit(conn, who.actor, "evidence.project-opened", f"evidence:{slug}", {"lead": lead})
    return project(hub, who, slug)


def set_screener(hub: Hub, who: Acting, slug: str, user_id: int, assigned: bool = True) -> list[dict[str, Any]]:
    """Assign (or remove) a screener: the lead only. A removed screener's decisions stay in the record."""
    auth.get_user(hub, user_id)
    with hub.engine.begin() as conn:
        proj = _project(conn, slug)
        _need_lead(conn, proj, who)
        role = _role_in(conn, proj["id"], user_id)
        m = et.evidence_members
        if role == "lead":
            raise EvidenceError("evidence-lead-not-screener", "the lead resolves conflicts and does not screen", 409)
        if assigned and role is None:
            conn.execute(insert(m).values(project_id=proj["id"], user_id=user_id, role="screener", added_at=_now()))
        elif not assigned and role is not None:
            conn.execute(m.delete().where(and_(m.c.project_id == proj["id"], m.c.user_id == user_id)))
        auth.audit(conn, who.actor, "evidence.screener-" + ("assigned" if assigned else "removed"),
                   f"evidence:{slug}", {"user": user_id})
        return _members(conn, proj["id"])


def _members(conn: Connection, project_id: int) -> list[dict[str, Any]]:
    m, u = et.evidence_members, t.users
    rows = conn.execute(select(m.c.user_id, m.c.role, u.c.display_name, u.c.show_name).join(u, u.c.id == m.c.user_id)
                        .where(m.c.project_id == project_id).order_by(m.c.role, m.c.id)).all()
    return [{"user_id": r.user_id, "role": r.role, "name": r.display_name if r.show_name and r.display_name
             else f"user {r.user_id}"} for r in rows]


def projects(hub: Hub) -> list[dict[str, Any]]:
    p, c = et.evidence_projects, et.evidence_candidates
    counts = (select(c.c.project_id, c.c.phase, func.count().label("n")).group_by(c.c.project_id, c.c.phase)
              .subquery())
    with hub.engine.connect() as conn:
        rows = conn.execute(select(p).order_by(p.c.id)).mappings().all()
        tally: dict[int, dict[str, int]] = {}
        for pid, phase, n in conn.execute(select(counts)):
            tally.setdefault(pid, {})[phase] = n
    return [{"slug": r["slug"], "title": r["title"], "topic": r["topic"], "question": r["question"],
             "phases": {ph: tally.get(r["id"], {}).get(ph, 0) for ph in PHASES}} for r in rows]


def project(hub: Hub, who: Acting | None, slug: str) -> dict[str, Any]:
    """A project with its members, the caller's role in it, and its candidates as the caller may see them."""
    with hub.engine.connect() as conn:
        proj = _project(conn, slug)
        my_role = _role_in(conn, proj["id"], who.user_id) if who else None
        cands = conn.execute(select(et.evidence_candidates).where(et.evidence_candidates.c.project_id == proj["id"])
                             .order_by(et.evidence_candidates.c.id)).mappings().all()
        shown = [_candidate_view(conn, dict(c), who) for c in cands]
        members = _members(conn, proj["id"])
    return {"slug": proj["slug"], "title": proj["title"], "question": proj["question"], "topic": proj["topic"],
            "criteria": proj["criteria"], "members": members, "my_role": my_role, "candidates": shown,
            "conflicts": sum(1 for c in shown if c["conflict"])}


# --- candidates and screening ---------------------------------------------------------------------------------

def add_candidate(hub: Hub, who: Acting, slug: str, data: dict[str, Any]) -> dict[str, Any]:
    """Add a study to screen (the lead), with its bibliographic data and the lead's extracted coding."""
    bib = bibliography(data)
    coded = coding(data)
    abstract = _text("abstract", data.get("abstract"))
    with hub.engine.begin() as conn:
        proj = _project(conn, slug)
        _need_lead(conn, proj, who)
        cid = conn.execute(insert(et.evidence_candidates).values(
            project_id=proj["id"], **bib, abstract=abstract, coding={**coded, "finding": _text(
                "finding", data.get("finding"), 1000)}, phase="title-abstract", added_by=who.actor,
            created_at=_now())).inserted_primary_key[0]
        auth.audit(conn, who.actor, "evidence.candidate-added", f"evidence:{slug}", {"candidate": cid})
        return _candidate_view(conn, dict(_candidate_row(conn, proj["id"], cid)), who)


def _candidate_row(conn: Connection, project_id: int, candidate_id: int):
    row = conn.execute(select(et.evidence_candidates).where(and_(
        et.evidence_candidates.c.id == candidate_id, et.evidence_candidates.c.project_id == project_id))).mappings()\
        .first()
    if row is None:
        raise EvidenceError("evidence-candidate-not-found", f"no candidate {candidate_id} in this project", 404)
    return row


def _decisions(conn: Connection, candidate_id: int, phase: str) -> list[dict[str, Any]]:
    s = et.evidence_screenings
    return [dict(r) for r in conn.execute(select(s.c.user_id, s.c.decision, s.c.reason, s.c.note, s.c.created_at)
                                          .where(and_(s.c.candidate_id == candidate_id, s.c.phase == phase))
                                          .order_by(s.c.id)).mappings()]


def _resolution(conn: Connection, candidate_id: int, phase: str) -> dict[str, Any] | None:
    r = et.evidence_resolutions
    row = conn.execute(select(r.c.decision, r.c.reason, r.c.resolved_by, r.c.created_at).where(and_(
        r.c.candidate_id == candidate_id, r.c.phase == phase))).mappings().first()
    return dict(row) if row else None


def _candidate_view(conn: Connection, cand: dict[str, Any], who: Acting | None) -> dict[str, Any]:
    """A candidate with each phase's decisions, blinded: a phase's decisions are shown once both are in; before,
    a screener sees their own and everyone sees how many were made."""
    phases = []
    for phase in SCREENING_PHASES:
        decisions = _decisions(conn, cand["id"], phase)
        complete = len(decisions) >= SCREENERS_PER_PHASE
        resolution = _resolution(conn, cand["id"], phase)
        conflict = complete and len({d["decision"] for d in decisions}) > 1 and resolution is None
        mine = next((d for d in decisions if who is not None and d["user_id"] == who.user_id), None)
        shown = decisions if complete else [d for d in decisions if d is mine]
        phases.append({"phase": phase, "decided": len(decisions), "complete": complete, "conflict": conflict,
                       "decisions": [{k: d[k] for k in ("user_id", "decision", "reason", "note")} for d in shown],
                       "mine": mine and mine["decision"], "resolution": resolution and {
                           "decision": resolution["decision"], "reason": resolution["reason"]}})
    return {"id": cand["id"], "title": cand["title"], "authors": cand["authors"], "year": cand["year"],
            "journal": cand["journal"], "doi": cand["doi"], "url": cand["url"], "abstract": cand["abstract"],
            "coding": cand["coding"], "phase": cand["phase"], "record_id": cand["record_id"], "screening": phases,
            "conflict": any(p["conflict"] for p in phases)}


def screen(hub: Hub, who: Acting, slug: str, candidate_id: int, decision: str, reason: str | None = None,
           note: str = "") -> dict[str, Any]:
    """One assigned screener's decision on the candidate's current phase; the second decision settles the phase
    when both agree, or leaves a conflict for the lead."""
    if decision not in DECISIONS:
        raise EvidenceError("evidence-invalid-value", "decision is include or exclude", field="decision")
    if decision == "exclude" and reason not in EXCLUDE_REASONS:
        raise EvidenceError("evidence-invalid-value", f"an exclusion needs a reason: {', '.join(EXCLUDE_REASONS)}",
                            field="reason")
    reason = reason if decision == "exclude" else INCLUDE_REASON
    note = _text("note", note, 1000)
    with hub.engine.begin() as conn:
        proj = _project(conn, slug)
        if who.user_id is None or _role_in(conn, proj["id"], who.user_id) != "screener":
            raise EvidenceError("evidence-not-screener", "only a screener assigned to this project may screen", 403)
        cand = _candidate_row(conn, proj["id"], candidate_id)
        phase = cand["phase"]
        if phase not in SCREENING_PHASES:
            raise EvidenceError("evidence-screening-closed", f"this study is already {phase}", 409)
        decisions = _decisions(conn, candidate_id, phase)
        if any(d["user_id"] == who.user_id for d in decisions):
            raise EvidenceError("evidence-already-screened", "you already screened this study at this phase", 409)
        if len(decisions) >= SCREENERS_PER_PHASE:
            raise EvidenceError("evidence-screened-by-two", "two screeners already decided this phase", 409)
        conn.execute(insert(et.evidence_screenings).values(candidate_id=candidate_id, phase=phase,
                                                           user_id=who.user_id, decision=decision, reason=reason,
                                                           note=note, created_at=_now()))
        decisions = _decisions(conn, candidate_id, phase)
        if len(decisions) == SCREENERS_PER_PHASE and len({d["decision"] for d in decisions}) == 1:
            _advance(conn, proj, dict(cand), decisions[0]["decision"], who)
        auth.audit(conn, who.actor, "evidence.screened", f"evidence:{slug}",
                   {"candidate": candidate_id, "phase": phase, "decision": decision})
        return _candidate_view(conn, dict(_candidate_row(conn, proj["id"], candidate_id)), who)


def resolve(hub: Hub, who: Acting, slug: str, candidate_id: int, decision: str, reason: str) -> dict[str, Any]:
    """The lead settles a conflict of the current phase, with a written reason."""
    if decision not in DECISIONS:
        raise EvidenceError("evidence-invalid-value", "decision is include or exclude", field="decision")
    reason = _text("reason", reason, 1000, required=True)
    with hub.engine.begin() as conn:
        proj = _project(conn, slug)
        _need_lead(conn, proj, who)
        cand = _candidate_row(conn, proj["id"], candidate_id)
        phase = cand["phase"]
        decisions = _decisions(conn, candidate_id, phase) if phase in SCREENING_PHASES else []
        if len(decisions) < SCREENERS_PER_PHASE or len({d["decision"] for d in decisions}) == 1:
            raise EvidenceError("evidence-no-conflict", "there is no conflict to resolve on this study", 409)
        conn.execute(insert(et.evidence_resolutions).values(candidate_id=candidate_id, phase=phase,
                                                            decision=decision, reason=reason,
                                                            resolved_by=who.user_id, created_at=_now()))
        _advance(conn, proj, dict(cand), decision, who)
        auth.audit(conn, who.actor, "evidence.conflict-resolved", f"evidence:{slug}",
                   {"candidate": candidate_id, "phase": phase, "decision": decision})
        return _candidate_view(conn, dict(_candidate_row(conn, proj["id"], candidate_id)), who)


def _advance(conn: Connection, proj: dict[str, Any], cand: dict[str, Any], decision: str, who: Acting) -> None:
    """Move the candidate past its phase; inclusion at full text makes its evidence record."""
    if decision == "exclude":
        nxt, record_id = "excluded", None
    elif cand["phase"] == "title-abstract":
        nxt, record_id = "full-text", None
    else:
        nxt = "included"
        coded = cand["coding"] or {}
        record_id = conn.execute(insert(et.evidence_records).values(
            project_id=proj["id"], candidate_id=cand["id"], topic=proj["topic"],
            **{k: cand[k] for k in ("title", "authors", "year", "journal", "doi", "url")},
            **{k: coded.get(k) for k in CODED}, quality={}, finding=coded.get("finding") or "",
            verification="unverified", source_note=f"included by the review {proj['slug']!r} after two screenings",
            created_by=who.actor, created_at=_now())).inserted_primary_key[0]
    conn.execute(update(et.evidence_candidates).where(et.evidence_candidates.c.id == cand["id"]).values(
        phase=nxt, record_id=record_id))


# --- evidence records, appraisal, map, exports ----------------------------------------------------------------

def _record_out(row: Any, projects_by_id: dict[int, str]) -> dict[str, Any]:
    r = dict(row)
    score, label = rating(r["quality"] or {})
    r["quality_score"], r["quality_rating"] = score, label
    r["project"] = projects_by_id.get(r["project_id"]) if r["project_id"] else None
    r["created_at"] = r["created_at"].isoformat() if r["created_at"] else None
    return r


def _filtered(filters: dict[str, str | None]):
    q = select(et.evidence_records).order_by(et.evidence_records.c.id)
    for field in ("topic", "stage", "endpoint", "compartment", "exposure_route", "design", "effect"):
        value = filters.get(field)
        if value:
            _named(field, value)
            q = q.where(et.evidence_records.c[field] == value)
    return q


def records(hub: Hub, **filters: str | None) -> list[dict[str, Any]]:
    """Evidence records, filtered by any coded field (each value checked against its list)."""
    with hub.engine.connect() as conn:
        names = dict(conn.execute(select(et.evidence_projects.c.id, et.evidence_projects.c.slug)).all())
        return [_record_out(r, names) for r in conn.execute(_filtered(filters)).mappings()]


def record(hub: Hub, record_id: int) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = conn.execute(select(et.evidence_records).where(et.evidence_records.c.id == record_id)).mappings()\
            .first()
        if row is None:
            raise EvidenceError("evidence-record-not-found", f"no evidence record {record_id}", 404)
        names = dict(conn.execute(select(et.evidence_projects.c.id, et.evidence_projects.c.slug)).all())
        return _record_out(row, names)


def appraise(hub: Hub, who: Acting, record_id: int, scores: dict[str, Any], note: str = "") -> dict[str, Any]:
    """Score a record on the six criteria (0, 1 or 2 each): the lead of its project, or an admin for records
    outside a project."""
    bad = [c for c in QUALITY_CRITERIA if str(scores.get(c)) not in ("0", "1", "2")]
    if bad:
        raise EvidenceError("evidence-invalid-score", "each criterion is scored 0, 1 or 2", field=bad[0],
                            errors=[{"code": "evidence-invalid-score", "field": c, "message": "0, 1 or 2"}
                                    for c in bad])
    quality = {"scores": {c: int(scores[c]) for c in QUALITY_CRITERIA}, "note": _text("note", note, 1000),
               "by": who.name or who.actor, "at": _now().date().isoformat()}
    with hub.engine.begin() as conn:
        _need_appraiser(conn, who, record_id)
        conn.execute(update(et.evidence_records).where(et.evidence_records.c.id == record_id).values(quality=quality))
        auth.audit(conn, who.actor, "evidence.appraised", f"evidence-record:{record_id}", quality["scores"])
    return record(hub, record_id)


def _need_appraiser(conn: Connection, who: Acting, record_id: int) -> None:
    """The lead of the record's project appraises it; an admin appraises records outside a project (the seed)."""
    row = conn.execute(select(et.evidence_records.c.project_id).where(et.evidence_records.c.id == record_id)).first()
    if row is None:
        raise EvidenceError("evidence-record-not-found", f"no evidence record {record_id}", 404)
    if row.project_id is not None:
        slug = conn.execute(select(et.evidence_projects.c.slug).where(
            et.evidence_projects.c.id == row.project_id)).scalar()
        _need_lead(conn, _project(conn, slug), who)
    elif not who.can("admin"):
        raise EvidenceError("evidence-forbidden", "appraising a seeded record needs the admin role", 403)


def may_appraise(hub: Hub, who: Acting | None, record_id: int) -> bool:
    """Whether the page should offer `who` the appraisal form (the same rule `appraise` enforces)."""
    if who is None:
        return False
    with hub.engine.connect() as conn:
        try:
            _need_appraiser(conn, who, record_id)
        except EvidenceError:
            return False
    return True


def evidence_map(hub: Hub, **filters: str | None) -> dict[str, Any]:
    """Counts of evidence records per source-to-sea stage × endpoint (uncoded records are counted apart)."""
    rows = records(hub, **filters)
    cells: dict[str, dict[str, int]] = {s: dict.fromkeys(ENDPOINTS, 0) for s in STAGES}
    uncoded = 0
    for r in rows:
        if r["stage"] in cells and r["endpoint"] in ENDPOINTS:
            cells[r["stage"]][r["endpoint"]] += 1
        else:
            uncoded += 1
    return {"stages": list(STAGES), "endpoints": list(ENDPOINTS), "cells": cells, "total": len(rows),
            "uncoded": uncoded, "filters": {k: v for k, v in filters.items() if v}}


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({**r, "authors": "; ".join(r["authors"] or [])})
    return out.getvalue()


def to_ris(rows: list[dict[str, Any]]) -> str:
    """RIS (the reference-manager exchange format): one JOUR (or RPRT without a journal) entry per record,
    tags TY AU TI PY JO DO UR KW N1 ER, CRLF line ends as the format's definition has them."""
    lines: list[str] = []
    for r in rows:
        lines.append(f"TY  - {'JOUR' if r.get('journal') else 'RPRT'}")
        for a in r["authors"] or []:
            if a.lower().rstrip(".") != "et al":
                lines.append(f"AU  - {a}")
        lines.append(f"TI  - {_one_line(r['title'])}")
        if r.get("year"):
            lines.append(f"PY  - {r['year']}")
        if r.get("journal"):
            lines.append(f"JO  - {_one_line(r['journal'])}")
        if r.get("doi"):
            lines.append(f"DO  - {r['doi']}")
        if r.get("url"):
            lines.append(f"UR  - {r['url']}")
        for kw in (r.get("stage"), r.get("endpoint"), r.get("design"), r.get("topic")):
            if kw:
                lines.append(f"KW  - {kw}")
        if r.get("finding"):
            lines.append(f"N1  - {_one_line(r['finding'])}")
        lines.append("ER  - ")
    return "\r\n".join(lines) + ("\r\n" if lines else "")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def parse_ris(text: str) -> list[dict[str, list[str]]]:
    """Entries of a RIS file as {tag: [values]} (for tests and for checking an export reads back)."""
    entries, current = [], None
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Z0-9])  - ?(.*)$", line)
        if not m:
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag == "TY":
            current = {"TY": [value]}
        elif current is not None and tag == "ER":
            entries.append(current)
            current = None
        elif current is not None:
            current.setdefault(tag, []).append(value)
    return entries


# --- seed -----------------------------------------------------------------------------------------------------

def load_seed(hub: Hub) -> dict[str, int]:
    """The bundled evidence records (real studies, bibliographic data from the registry seed); idempotent by
    (title, stage, endpoint). Their coding is the hub's, not a two-screener review: they are `unverified`."""
    doc = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    created = 0
    with hub.engine.begin() as conn:
        for item in doc["records"]:
            bib, coded = bibliography(item), coding(item)
            topic = _named("topic", item.get("topic"), required=True)
            exists = conn.execute(select(et.evidence_records.c.id).where(and_(
                et.evidence_records.c.title == bib["title"], et.evidence_records.c.stage == coded["stage"],
                et.evidence_records.c.endpoint == coded["endpoint"]))).first()
            if exists:
                continue
            conn.execute(insert(et.evidence_records).values(
                project_id=None, candidate_id=None, topic=topic, **bib, **coded, quality={},
                finding=_text("finding", item.get("finding"), 1000),
                verification=item.get("verification", "unverified"), source_note=item.get("source_note", ""),
                created_by="seed", created_at=_now()))
            created += 1
        if created:
            auth.audit(conn, "seed", "evidence.seeded", "evidence", {"created": created})
    return {"created": created, "total": len(doc["records"])}


def vocabulary() -> dict[str, Any]:
    """Every named list, for forms and API clients."""
    return {"stages": list(STAGES), "endpoints": list(ENDPOINTS), "compartments": list(COMPARTMENTS),
            "exposure_routes": list(EXPOSURE_ROUTES), "effects": list(EFFECTS), "designs": list(DESIGNS),
            "topics": list(TOPICS), "exclude_reasons": list(EXCLUDE_REASONS),
            "quality_criteria": list(QUALITY_CRITERIA), "quality_max": QUALITY_MAX}
