"""The national action-plan workspace (issue 22): one plan per country, written by the country's team in seven
steps, each prefilled from the hub and editable, with comments and tasks per step, versioned, signed off by the
team's lead and then published.

The seven steps (GPML's plastic-strategy workspace, with the hub's data in each):
1. `team`: members and their roles (accounts);
2. `stakeholders`: actors, initiatives and industry initiatives of the registry for the country, on a map;
3. `policies`: the country's policy records (bans, levies, EPR, …) in force, and the gaps: instrument types
   without a policy in force, and the country's most found items no policy in force covers;
4. `data`: the hub's indicators for the country (services/countries.py), its composition and the
   monitoring-design advice (services/plan_data.py);
5. `inventory`: the computed models beside the country's own figures (services/countries.py, focal points);
6. `action-plan`: structured measures (target items from the master list, instrument type, responsible actor,
   timeline, cost, indicator, litter sources addressed), and their monitoring: each measure's indicator is the
   trend of its target items in the country's surveys, recomputed from every new published survey;
7. `review`: completeness of each step, open tasks, sign-off by the lead, publication.

Contract:
- Who: an admin or a national focal point of the country opens the plan (the opener, or the account named, is its
  lead); the lead (or an admin) adds and removes members; members edit steps and add comments and tasks; only the
  lead signs off and publishes. Until published a plan is seen by its members and admins only (others get
  `plan-not-found`, so its existence is not confirmed); after publication everyone reads it, and comments and tasks
  stay with the team.
- Versioned: every save of a step (the team's notes, the list of measures) is a new numbered revision; nothing is
  overwritten, and a step shows its latest revision. A sign-off is for one revision: a later edit needs a new one
  before the plan can be published.
- Every refusal is a `PlanError` (a HubError) with a stable `plan-…` code (docs/countries.md).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from litterhub.errors import HubError
from litterhub.services import auth, plan_data
from litterhub.services import countries as countries_svc
from litterhub.services import focal_points as fp
from litterhub.services import search as search_svc
from litterhub.services import vocab as vocab_svc
from litterhub.services.focal_points import Acting
from litterhub.services.hub import Hub
from litterhub.services.registry import published_data
from litterhub.store import plan_tables as pt
from litterhub.store import tables as t

STEPS = ("team", "stakeholders", "policies", "data", "inventory", "action-plan", "review")
ROLES = ("lead", "member")
INSTRUMENTS = ("ban", "levy", "epr", "deposit-return", "regulation", "standard", "voluntary-agreement",
               "infrastructure", "cleanup", "awareness", "monitoring", "other")
SOURCES = ("consumer use on land", "tourism and recreation", "fishing incl. aquaculture", "shipping",
           "sewage-related debris", "medical", "agriculture", "industry", "waste management")
# The instrument types a marine-litter action plan is expected to consider (UNEP's guidance on national action
# plans; the EU Single-Use Plastics Directive's toolbox): a type with no policy in force is listed as a gap.
GAP_KINDS = ("ban", "levy", "epr", "deposit-return", "action-plan")
IN_FORCE = ("adopted", "in-force")
STAKEHOLDER_TYPES = ("actor", "initiative", "industry_initiative", "practice")
MAX_NOTES = 20_000
MAX_TEXT = 2_000
MAX_MEASURES = 200
YEARS = (2000, 2100)


class PlanError(HubError, ValueError):
    """A workspace request that cannot be done: stable `code`, message, HTTP status, field."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None,
                 errors: list[dict[str, Any]] | None = None):
        super().__init__(message, code=code, field=field, status=status,
                         errors=errors or [{"code": code, "field": field, "message": message}])


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).isoformat()


def _text(value: Any, field: str, limit: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise PlanError("plan-missing-value", f"{field} is required", 422, field)
    if len(text) > limit:
        raise PlanError("plan-text-too-long", f"{field} may have at most {limit} characters", 422, field)
    return text


# --- plans and teams -----------------------------------------------------------------------------------------

def _plan_row(conn, code: str):
    return conn.execute(select(pt.action_plans).where(pt.action_plans.c.country == code)).first()


def _role(conn, plan_id: int, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    m = pt.plan_members
    return conn.execute(select(m.c.role).where(m.c.plan_id == plan_id, m.c.user_id == user_id,
                                               m.c.removed_at.is_(None))).scalar()


def _load(hub: Hub, acting: Acting | None, country: str) -> tuple[Any, str | None]:
    """The plan and the caller's role in it; `plan-not-found` when there is none or the caller may not see it."""
    code = fp.country_code(country)
    with hub.engine.connect() as conn:
        row = _plan_row(conn, code)
        role = _role(conn, row.id, acting.user_id if acting else None) if row is not None else None
    visible = row is not None and (row.status == "published" or role is not None or (acting and acting.can("admin")))
    if not visible:
        raise PlanError("plan-not-found", f"no action plan for {code} that you may see; a focal point of {code} or "
                        "an admin opens one", 404, "country")
    return row, role


def _need_member(acting: Acting | None, role: str | None, what: str) -> None:
    if role is None and not (acting and acting.can("admin")):
        raise PlanError("plan-forbidden", f"{what} is for the plan's team", 403)


def _need_lead(acting: Acting | None, role: str | None, what: str) -> None:
    if role != "lead" and not (acting and acting.can("admin") and what != "signing off"):
        raise PlanError("plan-forbidden", f"{what} is for the team's lead", 403)


def create(hub: Hub, acting: Acting, country: str, title: str = "", lead_user_id: int | None = None
           ) -> dict[str, Any]:
    """Open the country's plan (admins, or a focal point of the country); its lead is `lead_user_id` or the opener."""
    code = fp.country_code(country)
    if not (acting.can("admin") or fp.is_focal_point(hub, acting.user_id, code)):
        raise PlanError("plan-forbidden", f"an admin or a national focal point of {code} opens its action plan", 403)
    lead = lead_user_id if lead_user_id is not None else acting.user_id
    if lead is None:
        raise PlanError("plan-missing-value", "name the team's lead (an account)", 422, "lead")
    try:
        auth.get_user(hub, lead)
    except auth.AuthError:
        raise PlanError("plan-unknown-user", f"no user {lead}", 404, "lead") from None
    title = _text(title, "title", 300) or f"National action plan on marine litter: {countries_svc.country_name(code)}"
    now = _now()
    try:
        with hub.engine.begin() as conn:
            plan_id = conn.execute(insert(pt.action_plans).values(
                country=code, title=title, status="draft", created_by=acting.actor, created_at=now, updated_at=now)
            ).inserted_primary_key[0]
            conn.execute(insert(pt.plan_members).values(plan_id=plan_id, user_id=lead, role="lead",
                                                        added_by=acting.actor, added_at=now))
            auth.audit(conn, acting.actor, "plan.created", f"plan:{code}", {"lead": lead})
    except IntegrityError:
        raise PlanError("plan-exists", f"{code} already has an action plan", 409, "country") from None
    return summary(hub, acting, code)


def members(hub: Hub, plan_id: int) -> list[dict[str, Any]]:
    m = pt.plan_members
    with hub.engine.connect() as conn:
        rows = conn.execute(select(m.c.user_id, m.c.role, m.c.added_at, t.users.c.display_name, t.users.c.email)
                            .join(t.users, t.users.c.id == m.c.user_id)
                            .where(m.c.plan_id == plan_id, m.c.removed_at.is_(None))
                            .order_by(m.c.role, m.c.added_at)).all()
    return [{"user_id": r.user_id, "role": r.role, "name": r.display_name or f"user {r.user_id}", "email": r.email,
             "added_at": _iso(r.added_at)} for r in rows]


def set_member(hub: Hub, acting: Acting, country: str, user_id: int, role: str | None) -> list[dict[str, Any]]:
    """Add a member or change their role (`role`), or remove them (`role` None); the lead or an admin."""
    row, mine = _load(hub, acting, country)
    _need_lead(acting, mine, "changing the team")
    if role is not None and role not in ROLES:
        raise PlanError("plan-invalid-role", f"role must be one of {', '.join(ROLES)}", 422, "role")
    try:
        auth.get_user(hub, user_id)
    except auth.AuthError:
        raise PlanError("plan-unknown-user", f"no user {user_id}", 404, "user") from None
    m, now = pt.plan_members, _now()
    with hub.engine.begin() as conn:
        current = _role(conn, row.id, user_id)
        leads = conn.execute(select(func.count()).select_from(m).where(
            m.c.plan_id == row.id, m.c.role == "lead", m.c.removed_at.is_(None))).scalar()
        if current == "lead" and role != "lead" and leads <= 1:
            raise PlanError("plan-last-lead", "the team needs a lead: make someone else lead first", 409, "role")
        if current is not None:
            conn.execute(update(m).where(m.c.plan_id == row.id, m.c.user_id == user_id, m.c.removed_at.is_(None))
                         .values(removed_at=now))
        if role is not None:
            conn.execute(insert(m).values(plan_id=row.id, user_id=user_id, role=role, added_by=acting.actor,
                                          added_at=now))
        auth.audit(conn, acting.actor, "plan.member", f"plan:{row.country}", {"user": user_id, "role": role})
    return members(hub, row.id)


def plans_of(hub: Hub, acting: Acting | None) -> list[dict[str, Any]]:
    """Plans the caller may see: published ones and those of their teams."""
    p, m = pt.action_plans, pt.plan_members
    with hub.engine.connect() as conn:
        rows = conn.execute(select(p).order_by(p.c.country)).all()
        mine = set(conn.execute(select(m.c.plan_id).where(m.c.user_id == (acting.user_id if acting else -1),
                                                          m.c.removed_at.is_(None))).scalars())
    admin = bool(acting and acting.can("admin"))
    return [_plan_dict(r) for r in rows if r.status == "published" or r.id in mine or admin]


def _plan_dict(row: Any) -> dict[str, Any]:
    return {"id": row.id, "country": row.country, "title": row.title, "status": row.status,
            "created_at": _iso(row.created_at), "updated_at": _iso(row.updated_at),
            "signed_off_by": row.signed_off_by, "signed_off_at": _iso(row.signed_off_at),
            "signed_revision": row.signed_revision, "published_at": _iso(row.published_at)}


# --- step content (versioned) --------------------------------------------------------------------------------

def _latest(conn, plan_id: int) -> dict[str, dict[str, Any]]:
    r = pt.plan_revisions
    top = select(r.c.step, func.max(r.c.revision).label("rev")).where(r.c.plan_id == plan_id).group_by(r.c.step
                                                                                                        ).subquery()
    rows = conn.execute(select(r).join(top, and_(top.c.step == r.c.step, top.c.rev == r.c.revision))
                        .where(r.c.plan_id == plan_id)).all()
    return {row.step: {"revision": row.revision, "content": row.content, "author": row.author,
                       "saved_at": _iso(row.created_at)} for row in rows}


def _save(hub: Hub, acting: Acting, row: Any, step: str, content: dict[str, Any]) -> int:
    r = pt.plan_revisions
    for attempt in range(3):
        try:
            with hub.engine.begin() as conn:
                top = conn.execute(select(func.max(r.c.revision)).where(r.c.plan_id == row.id)).scalar()
                revision = int(top or 0) + 1
                conn.execute(insert(r).values(plan_id=row.id, revision=revision, step=step, content=content,
                                              author_id=acting.user_id, author=acting.name or acting.actor,
                                              created_at=_now()))
                conn.execute(update(pt.action_plans).where(pt.action_plans.c.id == row.id).values(updated_at=_now()))
                auth.audit(conn, acting.actor, "plan.saved", f"plan:{row.country}",
                           {"step": step, "revision": revision})
            return revision
        except IntegrityError:
            if attempt == 2:
                raise PlanError("plan-conflict", "someone saved at the same moment; try again", 409) from None
    raise AssertionError("unreachable")


def _step(step: str) -> str:
    if step not in STEPS:
        raise PlanError("plan-unknown-step", f"step must be one of {', '.join(STEPS)}", 404, "step")
    return step


def save_notes(hub: Hub, acting: Acting, country: str, step: str, notes: str) -> int:
    """Save the team's text for a step as the plan's next revision (the measures of the action plan are kept)."""
    row, role = _load(hub, acting, country)
    _need_member(acting, role, "editing the plan")
    with hub.engine.connect() as conn:
        content = dict(_latest(conn, row.id).get(_step(step), {}).get("content") or {})
    content["notes"] = _text(notes, "notes", MAX_NOTES)
    return _save(hub, acting, row, step, content)


def check_measure(data: dict[str, Any]) -> dict[str, Any]:
    """A measure with every field checked; all problems at once."""
    errors: list[dict[str, Any]] = []

    def bad(field: str, code: str, message: str) -> None:
        errors.append({"code": code, "field": field, "message": message})

    title = str(data.get("title") or "").strip()
    if not title:
        bad("title", "plan-missing-value", "give the measure a title")
    known = {i.code for i in vocab_svc.items()}
    raw_items = data.get("items") or []
    items = [str(c).strip() for c in (raw_items.split(",") if isinstance(raw_items, str) else raw_items)
             if str(c).strip()]
    if not items:
        bad("items", "plan-missing-value", "name the target items from the master list (e.g. G3, G4 for bags)")
    unknown = [c for c in items if c not in known]
    if unknown:
        bad("items", "plan-unknown-item", f"not in the master list: {', '.join(unknown[:5])}")
    instrument = str(data.get("instrument") or "")
    if instrument not in INSTRUMENTS:
        bad("instrument", "plan-invalid-instrument", f"instrument must be one of {', '.join(INSTRUMENTS)}")
    indicator = str(data.get("indicator") or plan_data.INDICATORS[0])
    if indicator not in plan_data.INDICATORS:
        bad("indicator", "plan-invalid-indicator", f"indicator must be one of {', '.join(plan_data.INDICATORS)}")
    years: dict[str, int | None] = {}
    for name in ("start_year", "end_year"):
        value = data.get(name)
        if value in (None, ""):
            years[name] = None
            continue
        try:
            years[name] = int(str(value).strip())
            if not YEARS[0] <= years[name] <= YEARS[1]:
                raise ValueError
        except ValueError:
            years[name] = None
            bad(name, "plan-invalid-year", f"a year between {YEARS[0]} and {YEARS[1]}")
    if years["start_year"] is None and "start_year" not in [e["field"] for e in errors]:
        bad("start_year", "plan-missing-value", "say when the measure starts")
    if years["start_year"] and years["end_year"] and years["end_year"] < years["start_year"]:
        bad("end_year", "plan-invalid-year", "the end year is before the start year")
    cost: float | None = None
    if data.get("cost") not in (None, ""):
        try:
            cost = float(str(data["cost"]).replace(",", ""))
            if cost < 0:
                raise ValueError
        except ValueError:
            bad("cost", "plan-invalid-cost", "the cost is a number (0 or more)")
    currency = str(data.get("currency") or "").strip().upper()
    if cost is not None and not (len(currency) == 3 and currency.isalpha()):
        bad("currency", "plan-invalid-cost", "give the cost's currency (ISO 4217, e.g. USD)")
    raw_sources = data.get("sources") or []
    sources = [s for s in ([raw_sources] if isinstance(raw_sources, str) else raw_sources) if s]
    if [s for s in sources if s not in SOURCES]:
        bad("sources", "plan-invalid-source", f"sources must be among: {', '.join(SOURCES)}")
    try:
        responsible = _text(data.get("responsible"), "responsible", 300, required=True)
    except PlanError as exc:
        responsible = ""
        bad("responsible", exc.code, "say who is responsible (a ministry, an agency, a municipality…)")
    if errors:
        raise PlanError("plan-invalid-measure", f"{len(errors)} field(s) of the measure are not usable", 422,
                        "measure", errors)
    return {"title": title[:300], "items": list(dict.fromkeys(items)), "instrument": instrument,
            "responsible": responsible, "start_year": years["start_year"], "end_year": years["end_year"],
            "cost": cost, "currency": currency if cost is not None else None, "indicator": indicator,
            "sources": sources, "notes": _text(data.get("notes"), "notes", MAX_TEXT)}


def add_measure(hub: Hub, acting: Acting, country: str, data: dict[str, Any]) -> dict[str, Any]:
    """Append a measure to the action plan (a new revision); returns the measure with its id."""
    row, role = _load(hub, acting, country)
    _need_member(acting, role, "editing the plan")
    measure = check_measure(data)
    with hub.engine.connect() as conn:
        content = dict(_latest(conn, row.id).get("action-plan", {}).get("content") or {})
    existing = list(content.get("measures") or [])
    if len(existing) >= MAX_MEASURES:
        raise PlanError("plan-too-many", f"at most {MAX_MEASURES} measures", 422, "measure")
    measure["id"] = f"m{max([int(m['id'][1:]) for m in existing] or [0]) + 1}"
    content["measures"] = [*existing, measure]
    _save(hub, acting, row, "action-plan", content)
    return measure


def remove_measure(hub: Hub, acting: Acting, country: str, measure_id: str) -> None:
    row, role = _load(hub, acting, country)
    _need_member(acting, role, "editing the plan")
    with hub.engine.connect() as conn:
        content = dict(_latest(conn, row.id).get("action-plan", {}).get("content") or {})
    kept = [m for m in content.get("measures") or [] if m["id"] != measure_id]
    if len(kept) == len(content.get("measures") or []):
        raise PlanError("plan-unknown-measure", f"no measure {measure_id!r}", 404, "measure")
    content["measures"] = kept
    _save(hub, acting, row, "action-plan", content)


def revisions(hub: Hub, acting: Acting | None, country: str) -> list[dict[str, Any]]:
    row, _ = _load(hub, acting, country)
    r = pt.plan_revisions
    with hub.engine.connect() as conn:
        rows = conn.execute(select(r).where(r.c.plan_id == row.id).order_by(r.c.revision.desc())).all()
    return [{"revision": x.revision, "step": x.step, "author": x.author, "saved_at": _iso(x.created_at),
             "content": x.content} for x in rows]


# --- comments and tasks --------------------------------------------------------------------------------------

def add_note(hub: Hub, acting: Acting, country: str, step: str, kind: str, body: str,
             assignee_id: int | None = None, due: str | None = None) -> dict[str, Any]:
    row, role = _load(hub, acting, country)
    _need_member(acting, role, "comments and tasks")
    _step(step)
    if kind not in ("comment", "task"):
        raise PlanError("plan-invalid-note", "kind is comment or task", 422, "kind")
    body = _text(body, "body", MAX_TEXT, required=True)
    due_date = None
    if due:
        try:
            due_date = date.fromisoformat(str(due).strip())
        except ValueError:
            raise PlanError("plan-invalid-date", "the due date is YYYY-MM-DD", 422, "due") from None
    if assignee_id is not None:
        with hub.engine.connect() as conn:
            if _role(conn, row.id, assignee_id) is None:
                raise PlanError("plan-not-member", "a task is assigned to a member of the team", 422, "assignee")
    with hub.engine.begin() as conn:
        note_id = conn.execute(insert(pt.plan_notes).values(
            plan_id=row.id, step=step, kind=kind, body=body, user_id=acting.user_id, assignee_id=assignee_id,
            due=due_date, created_at=_now())).inserted_primary_key[0]
    return {"id": note_id, "step": step, "kind": kind, "body": body}


def complete_task(hub: Hub, acting: Acting, country: str, note_id: int) -> None:
    row, role = _load(hub, acting, country)
    _need_member(acting, role, "comments and tasks")
    n = pt.plan_notes
    with hub.engine.begin() as conn:
        done = conn.execute(update(n).where(n.c.id == note_id, n.c.plan_id == row.id, n.c.kind == "task")
                            .values(done_at=_now())).rowcount
    if not done:
        raise PlanError("plan-unknown-task", f"no task {note_id} in this plan", 404, "task")


def notes(hub: Hub, plan_id: int) -> list[dict[str, Any]]:
    n = pt.plan_notes
    author, assignee = t.users.alias("author"), t.users.alias("assignee")
    with hub.engine.connect() as conn:
        rows = conn.execute(select(n, author.c.display_name.label("by"), assignee.c.display_name.label("to"))
                            .join(author, author.c.id == n.c.user_id)
                            .outerjoin(assignee, assignee.c.id == n.c.assignee_id)
                            .where(n.c.plan_id == plan_id).order_by(n.c.created_at, n.c.id)).all()
    return [{"id": r.id, "step": r.step, "kind": r.kind, "body": r.body, "by": r.by or f"user {r.user_id}",
             "assignee": r.to, "due": r.due and r.due.isoformat(), "done": r.done_at is not None,
             "created_at": _iso(r.created_at)} for r in rows]


# --- sign-off and publication --------------------------------------------------------------------------------

def sign_off(hub: Hub, acting: Acting, country: str) -> dict[str, Any]:
    """The lead approves the plan as it stands now (its latest revision)."""
    row, role = _load(hub, acting, country)
    _need_lead(acting, role, "signing off")
    with hub.engine.begin() as conn:
        top = conn.execute(select(func.max(pt.plan_revisions.c.revision))
                           .where(pt.plan_revisions.c.plan_id == row.id)).scalar()
        if not top:
            raise PlanError("plan-empty", "nothing to sign off yet: the steps have no content", 409)
        conn.execute(update(pt.action_plans).where(pt.action_plans.c.id == row.id).values(
            signed_off_by=acting.user_id, signed_off_at=_now(), signed_revision=top))
        auth.audit(conn, acting.actor, "plan.signed-off", f"plan:{row.country}", {"revision": top})
    return summary(hub, acting, country)


def publish(hub: Hub, acting: Acting, country: str) -> dict[str, Any]:
    """Make the plan public: only as signed off (a later edit needs a new sign-off)."""
    row, role = _load(hub, acting, country)
    _need_lead(acting, role, "publishing")
    with hub.engine.begin() as conn:
        top = conn.execute(select(func.max(pt.plan_revisions.c.revision))
                           .where(pt.plan_revisions.c.plan_id == row.id)).scalar()
        if row.signed_revision is None or row.signed_revision != top:
            raise PlanError("plan-not-signed-off", "the lead signs off the plan as it stands before it is published",
                            409)
        conn.execute(update(pt.action_plans).where(pt.action_plans.c.id == row.id).values(
            status="published", published_at=_now()))
        auth.audit(conn, acting.actor, "plan.published", f"plan:{row.country}", {"revision": top})
    return summary(hub, acting, country)


# --- reading: the workspace, prefilled ---------------------------------------------------------------------

def opens_for(hub: Hub, acting: Acting | None, country: str) -> bool:
    """Whether the plan page of `country` opens for this visitor: a plan they may see (published, or theirs), or
    none yet and they may start one (an admin or the country's focal point). Profiles link the page only then."""
    try:
        summary(hub, acting, country)
        return True
    except PlanError as exc:
        return exc.code == "plan-not-found" and bool(
            acting and (acting.can("admin") or fp.is_focal_point(hub, acting.user_id, country)))


def summary(hub: Hub, acting: Acting | None, country: str) -> dict[str, Any]:
    row, role = _load(hub, acting, country)
    with hub.engine.connect() as conn:
        latest = _latest(conn, row.id)
    top = max((v["revision"] for v in latest.values()), default=0)
    return {**_plan_dict(row), "name": countries_svc.country_name(row.country) or row.country, "my_role": role,
            "can_edit": role is not None or bool(acting and acting.can("admin")), "revision": top,
            "signed_current": bool(top and row.signed_revision == top),
            "members": members(hub, row.id) if role is not None or (acting and acting.can("admin")) else []}


def _registry(hub: Hub, code: str, types: tuple[str, ...]) -> list[dict[str, Any]]:
    found = search_svc.search(hub, "", {"country": [code], "type": list(types)}, limit=100)["results"]
    with hub.engine.connect() as conn:
        data = published_data(conn, [r["id"] for r in found])
    return [{"id": r["id"], "type": r["type"], "title": r["title"], "year": r["year"], "summary": r["summary"],
             **{k: data.get(r["id"], {}).get(k) for k in ("kind", "status", "covers", "url", "location", "sources")}}
            for r in found]


def policy_gaps(policies: list[dict[str, Any]], composition: list[dict[str, Any]]) -> dict[str, Any]:
    """Instrument types with no policy in force, and the country's most found items no policy in force covers."""
    in_force = [p for p in policies if p.get("status") in IN_FORCE]
    kinds = {p.get("kind") for p in in_force}
    covered = {c.get("item") for p in in_force for c in p.get("covers") or [] if isinstance(c, dict)}
    top = {}
    for row in composition:
        top.setdefault(row["item"], row)
    return {"missing_kinds": [k for k in GAP_KINDS if k not in kinds],
            "uncovered_items": [{"item": i, "name": r.get("name"), "share": r.get("share"),
                                 "class": r.get("comparability_class")} for i, r in top.items() if i not in covered],
            "in_force": len(in_force)}


def prefill(hub: Hub, code: str, step: str) -> dict[str, Any]:
    """What the hub knows for a step (computed on every read from the published catalogue and registry)."""
    _step(step)
    if step == "team":
        return {"focal_points": fp.focal_points(hub, country=code)}
    if step == "stakeholders":
        mon = countries_svc.monitoring(hub, code)
        return {"records": _registry(hub, code, STAKEHOLDER_TYPES),
                "points": [{"lat": s["lat"], "lon": s["lon"], "name": s["name"], "n": s["surveys"]}
                           for s in mon["sites"] if s["lat"] is not None]}
    if step == "policies":
        policies = _registry(hub, code, ("policy",))
        return {"policies": policies, "gaps": policy_gaps(policies, plan_data.composition(hub, code))}
    if step == "data":
        return {"indicators": countries_svc.indicator_section(hub, code),
                "composition": plan_data.composition(hub, code),
                "design": countries_svc.design_section(hub, code),
                "monitoring": {k: v for k, v in countries_svc.monitoring(hub, code).items() if k != "sites"}}
    if step == "inventory":
        return {"inventory": countries_svc.inventory_section(hub, code),
                "figures": fp.profile_section(hub, code)}
    return {}


def tracking(hub: Hub, code: str, measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each measure with its indicator's current trend (monitoring and implementation)."""
    return [{**m, "tracking": plan_data.track(hub, code, m["items"], m.get("indicator") or plan_data.INDICATORS[0])}
            for m in measures]


def completeness(latest: dict[str, dict[str, Any]], open_tasks: int) -> list[dict[str, Any]]:
    """Per step: saved by the team or not; the action plan needs at least one measure."""
    out = []
    for step in STEPS[:-1]:
        content = latest.get(step, {}).get("content") or {}
        done = bool(content.get("notes")) or (step == "action-plan" and bool(content.get("measures")))
        out.append({"step": step, "done": done, "revision": latest.get(step, {}).get("revision")})
    out.append({"step": "review", "done": open_tasks == 0, "open_tasks": open_tasks})
    return out


def workspace(hub: Hub, acting: Acting | None, country: str, step: str) -> dict[str, Any]:
    """One step of the plan as the page shows it: the plan, the step's saved content, what the hub prefills, the
    step's comments and tasks (team only), and for the action plan the measures with their tracking."""
    _step(step)
    plan = summary(hub, acting, country)
    code = plan["country"]
    with hub.engine.connect() as conn:
        latest = _latest(conn, plan["id"])
    team = plan["can_edit"]
    all_notes = notes(hub, plan["id"]) if team else []
    saved = latest.get(step, {"content": {}, "revision": None})
    out = {"plan": plan, "step": step, "saved": saved, "prefill": prefill(hub, code, step),
           "notes": [n for n in all_notes if n["step"] == step]}
    if step in ("action-plan", "review"):
        out["measures"] = tracking(hub, code, (latest.get("action-plan", {}).get("content") or {}).get("measures")
                                   or [])
    if step == "review":
        out["completeness"] = completeness(latest, sum(1 for n in all_notes if n["kind"] == "task" and not n["done"]))
    return out


def export(hub: Hub, acting: Acting | None, country: str) -> dict[str, Any]:
    """The whole plan as structured data: every step's saved content and prefill, the measures with tracking."""
    plan = summary(hub, acting, country)
    with hub.engine.connect() as conn:
        latest = _latest(conn, plan["id"])
    steps = {}
    for step in STEPS:
        steps[step] = {"saved": latest.get(step, {}).get("content") or {},
                       "revision": latest.get(step, {}).get("revision"), "hub": prefill(hub, plan["country"], step)}
    measures = tracking(hub, plan["country"], (latest.get("action-plan", {}).get("content") or {}).get("measures")
                        or [])
    return {"plan": {k: v for k, v in plan.items() if k not in ("my_role", "can_edit")}, "steps": steps,
            "measures": measures, "format": "litterhub action plan 1"}


CSV_COLUMNS = ("id", "title", "items", "instrument", "responsible", "start_year", "end_year", "cost", "currency",
               "indicator", "sources", "class", "surveys", "median", "slope", "p_value", "direction")


def measures_csv(data: dict[str, Any]) -> str:
    """The measures, one row per measure × comparability class of its tracked indicator."""
    from litterhub.model.csvsafe import safe_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in data["measures"]:
        base = [m["id"], safe_cell(m["title"]), " ".join(m["items"]), m["instrument"], safe_cell(m["responsible"]),
                m["start_year"], m["end_year"] or "", m["cost"] if m["cost"] is not None else "", m["currency"] or "",
                m["indicator"], "; ".join(m["sources"])]
        classes = m["tracking"]["classes"] or [{}]
        for c in classes:
            writer.writerow([*base, c.get("class", ""), c.get("surveys", ""), c.get("median", ""),
                             c.get("slope", ""), c.get("p_value", ""), c.get("direction", m["tracking"]["note"])])
    return out.getvalue()
