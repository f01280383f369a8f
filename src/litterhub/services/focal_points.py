"""National focal points and the national figures they submit (issue 17, item 4).

A national focal point is an account an admin assigns to one country (CLI `litterhub users focal-point`, the API,
the web page /admin/focal-points). A focal point may submit their country's own figures, with a source for
every figure, and nothing else; a submission is reviewed like any contribution before it counts:

- **inventory figures**: the inputs of one leakage model (Jambeck, Meijer, Borrelle) that the country replaces
  by its own (e.g. its waste per person per day from the national waste statistics). On approval they are stored
  through services/inventory.py as the next version of the country's national inventory record, so the country
  profile shows the result beside the computed models;
- **beach widths**: widths of the country's survey sites for SDG 14.1.1b. On approval they are given through
  services/widths.py (all or nothing) as the sites' next width revisions, credited to the focal point.

Review follows services/review.py: reviewers claim, approve, reject or request changes; every decision is a
compare-and-set on the status, written to the audit log in the same transaction, and repeating a decision
already taken changes nothing; nobody reviews their own submission. Submissions are numbered per country and
kind (`version`); a submission is never edited: changes come as a new submission.

Who may do what (checked here, whatever the interface):
- assign or revoke a focal point: the admin role (the CLI acts as the local operator);
- submit figures for a country: a focal point of *that* country (a focal point of another country is refused
  with `figures-not-focal-point`), signed in or with an API key holding the `submit` scope;
- review: the reviewer role (`curate` scope for keys);
- read: approved submissions are public; pending ones are seen by their submitter, the country's focal points
  and reviewers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from litterhub.analysis.inventory.errors import InventoryInputError
from litterhub.analysis.inventory.inputs import check_country, check_value
from litterhub.errors import HubError
from litterhub.services import auth
from litterhub.services import inventory as inventory_svc
from litterhub.services import widths as widths_svc
from litterhub.services.hub import Hub
from litterhub.store import figure_tables as ft
from litterhub.store import tables as t

KINDS = ("inventory", "widths")
STATUSES = ("submitted", "in-review", "applying", "approved", "rejected", "changes-requested")
OPEN_STATUSES = ("submitted", "in-review")
REVIEW_ROLE = "reviewer"
ASSIGN_ROLE = "admin"
MAX_FIGURES = 50  # a model has at most a handful of inputs; more is a mistake, not a submission
MAX_WIDTHS = 500  # one form or API call; larger sets go through `litterhub widths import` by a national officer
MAX_TEXT = 2000
MAX_SUBMITTER = 300
# Years a submitted model run may be for: the models' own ranges are checked again when the model runs.
METHOD_YEARS = {"jambeck": (2010, 2025), "meijer": (), "borrelle": tuple(range(2016, 2031))}


class FigureError(HubError, ValueError):
    """A focal-point or national-figures request that cannot be done: stable `code`, a message for people, the
    HTTP status to answer, the form field at fault, and for lists of figures the problem of each."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None,
                 errors: list[dict[str, Any]] | None = None):
        super().__init__(message, code=code, field=field, status=status,
                         errors=errors or [{"code": code, "field": field, "message": message}])


@dataclass(frozen=True)
class Acting:
    """Who acts: the audit-log actor (user:12, cli), the role in effect and, for accounts, the id and the name
    shown beside their work (their public name, else "user N")."""

    actor: str
    role: str
    user_id: int | None = None
    name: str | None = None

    def can(self, role: str) -> bool:
        return auth.at_least(self.role, role)


CLI_OPERATOR = Acting("cli", "admin", None, "command line (local operator)")


def acting_for(principal: auth.Principal) -> Acting:
    return Acting(principal.actor, principal.role, principal.id, principal.user.public_name or f"user {principal.id}")


def cli_acting(hub: Hub, email: str | None) -> Acting:
    """The local operator, or the account named by `--by EMAIL` (acting with that account's role)."""
    if not email:
        return CLI_OPERATOR
    user = auth.find_user(hub, email)
    if user is None or not user.active:
        raise FigureError("figures-unknown-user", f"no active account {email!r} (create it with "
                          "`litterhub users create`)", 404, "by")
    return Acting(f"user:{user.id}", user.role, user.id, user.public_name or f"user {user.id}")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def country_code(code: str) -> str:
    """The upper-case ISO 3166-1 alpha-3 code, or `figures-unknown-country` (404)."""
    known, issues = check_country(code)
    if issues:
        raise FigureError("figures-unknown-country", issues[0].message, 404, "country")
    return known


# --- focal points --------------------------------------------------------------------------------------------

def _need(acting: Acting, role: str, what: str) -> None:
    if not acting.can(role):
        raise FigureError("figures-forbidden", f"{what} needs the {role} role; you act as {acting.role}", 403)


def assign(hub: Hub, acting: Acting, user_id: int, country: str) -> dict[str, Any]:
    """Make an account a focal point of a country (admins only); assigning twice changes nothing."""
    _need(acting, ASSIGN_ROLE, "assigning a national focal point")
    code = country_code(country)
    try:
        user = auth.get_user(hub, user_id)
    except auth.AuthError:
        raise FigureError("figures-unknown-user", f"no user {user_id}", 404, "user_id") from None
    if not user.active:
        raise FigureError("figures-unknown-user", f"the account of user {user_id} is deactivated", 422, "user_id")
    fp = ft.focal_points
    with hub.engine.begin() as conn:
        existing = conn.execute(select(fp.c.id).where(fp.c.user_id == user.id, fp.c.country == code,
                                                      fp.c.revoked_at.is_(None))).scalar()
        if existing is not None:
            return {**_focal(conn, existing), "changed": False}
        new_id = conn.execute(insert(fp).values(user_id=user.id, country=code, assigned_by=acting.actor,
                                                assigned_at=_now())).inserted_primary_key[0]
        auth.audit(conn, acting.actor, "focal-point.assigned", f"user:{user.id}", {"country": code})
        return {**_focal(conn, new_id), "changed": True}


def revoke(hub: Hub, acting: Acting, user_id: int, country: str) -> dict[str, Any]:
    """End an assignment (kept, with who ended it and when); revoking an ended one changes nothing."""
    _need(acting, ASSIGN_ROLE, "revoking a national focal point")
    code = country_code(country)
    fp = ft.focal_points
    with hub.engine.begin() as conn:
        current = conn.execute(select(fp.c.id).where(fp.c.user_id == user_id, fp.c.country == code,
                                                     fp.c.revoked_at.is_(None))).scalar()
        if current is None:
            raise FigureError("figures-not-focal-point", f"user {user_id} is not a focal point of {code}", 404,
                              "user_id")
        conn.execute(update(fp).where(fp.c.id == current).values(revoked_at=_now(), revoked_by=acting.actor))
        auth.audit(conn, acting.actor, "focal-point.revoked", f"user:{user_id}", {"country": code})
        return {**_focal(conn, current), "changed": True}


def _focal(conn, focal_id: int) -> dict[str, Any]:
    fp = ft.focal_points
    row = conn.execute(select(fp, t.users.c.email, t.users.c.display_name, t.users.c.show_name)
                       .join(t.users, t.users.c.id == fp.c.user_id).where(fp.c.id == focal_id)).first()
    return _focal_row(row, with_email=True)


def _focal_row(row: Any, with_email: bool) -> dict[str, Any]:
    m = row._mapping
    out = {"id": m["id"], "user_id": m["user_id"], "country": m["country"],
           "name": (m["display_name"] if m["show_name"] else None) or f"user {m['user_id']}",
           "assigned_by": m["assigned_by"], "assigned_at": _aware(m["assigned_at"]).isoformat(),
           "revoked_at": m["revoked_at"] and _aware(m["revoked_at"]).isoformat(), "active": m["revoked_at"] is None}
    if with_email:
        out["email"] = m["email"]
    return out


def focal_points(hub: Hub, country: str | None = None, user_id: int | None = None, include_revoked: bool = False,
                 with_email: bool = False) -> list[dict[str, Any]]:
    """Assignments, newest first; e-mail addresses only for admins (`with_email`)."""
    fp = ft.focal_points
    query = select(fp, t.users.c.email, t.users.c.display_name, t.users.c.show_name).join(
        t.users, t.users.c.id == fp.c.user_id)
    if country:
        query = query.where(fp.c.country == country.strip().upper())
    if user_id is not None:
        query = query.where(fp.c.user_id == user_id)
    if not include_revoked:
        query = query.where(fp.c.revoked_at.is_(None))
    with hub.engine.connect() as conn:
        rows = conn.execute(query.order_by(fp.c.assigned_at.desc(), fp.c.id.desc())).all()
    return [_focal_row(r, with_email) for r in rows]


def countries_of(hub: Hub, user_id: int | None) -> list[str]:
    """The countries an account is a focal point of now."""
    if user_id is None:
        return []
    return sorted({r["country"] for r in focal_points(hub, user_id=user_id)})


def is_focal_point(hub: Hub, user_id: int | None, country: str) -> bool:
    return country.strip().upper() in countries_of(hub, user_id)


def _need_focal(hub: Hub, acting: Acting, code: str) -> None:
    if acting.user_id is None or not is_focal_point(hub, acting.user_id, code):
        mine = countries_of(hub, acting.user_id)
        also = f" (you are the focal point of {', '.join(mine)})" if mine else ""
        raise FigureError("figures-not-focal-point", f"only a national focal point of {code} may submit its "
                          f"figures{also}; an admin assigns focal points", 403, "country")


# --- submitting ----------------------------------------------------------------------------------------------

def _text(value: Any, field: str, limit: int, required: bool, what: str = "") -> str | None:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise FigureError("figures-missing-value", what or f"{field} is required", 422, field)
    if len(text) > limit:
        raise FigureError("figures-text-too-long", f"{field} may have at most {limit} characters", 422, field)
    return text or None


def check_inventory(method: str, year: Any, scenario: str | None, figures: Any) -> dict[str, Any]:
    """The payload of an inventory submission, every figure checked against the model's input rules and every
    figure with its source; all problems at once (`errors`)."""
    method = (method or "").strip().lower()
    if method not in inventory_svc.RECORD_METHODS:
        raise FigureError("figures-invalid-method", f"method must be one of {', '.join(inventory_svc.RECORD_METHODS)}",
                          422, "method")
    year_value: int | None = None
    if year not in (None, ""):
        try:
            year_value = int(str(year).strip())
        except ValueError:
            raise FigureError("figures-invalid-year", f"the year must be a whole number, got {year!r}", 422,
                              "year") from None
        if METHOD_YEARS[method] and year_value not in METHOD_YEARS[method]:
            years = METHOD_YEARS[method]
            shown = f"{years[0]}–{years[-1]}" if len(years) > 2 else " or ".join(map(str, years))
            raise FigureError("figures-invalid-year", f"{method} runs for {shown}, not {year_value}", 422, "year")
        if not METHOD_YEARS[method]:
            year_value = None  # Meijer is for 2015 only: a year is not asked for
    scenario = (scenario or "bau").strip()
    if method == "borrelle" and scenario not in inventory_svc.SCENARIOS:
        raise FigureError("figures-invalid-scenario", f"scenario must be one of {', '.join(inventory_svc.SCENARIOS)}",
                          422, "scenario")
    if not isinstance(figures, list) or not figures:
        raise FigureError("figures-missing-value", "give at least one of the country's own figures, each with its "
                          "source", 422, "figures")
    if len(figures) > MAX_FIGURES:
        raise FigureError("figures-too-many", f"at most {MAX_FIGURES} figures per submission", 422, "figures")
    allowed = inventory_svc.OVERRIDABLE[method]
    errors: list[dict[str, Any]] = []
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, item in enumerate(figures):
        where = f"figures[{n}]"
        if not isinstance(item, dict):
            errors.append({"code": "figures-invalid", "field": where, "message": "an object {field, value, source}"})
            continue
        name = str(item.get("field") or "").strip()
        if name not in allowed:
            errors.append({"code": "figures-unknown-field", "field": f"{where}.field",
                           "message": f"{name or '(empty)'!s} is not an input of {method}; its inputs: "
                                      f"{', '.join(allowed)}"})
            continue
        if name in seen:
            errors.append({"code": "figures-duplicate-field", "field": f"{where}.field",
                           "message": f"{name} is given twice"})
            continue
        seen.add(name)
        value, issues = check_value(name, item.get("value"))
        errors += [{"code": i.code, "field": f"{where}.value", "message": i.message} for i in issues]
        source = str(item.get("source") or "").strip()
        if not source:
            errors.append({"code": "figures-source-missing", "field": f"{where}.source",
                           "message": f"say where {name} comes from (a national statistic, a report, a survey…)"})
        elif len(source) > widths_svc.MAX_SOURCE_CHARS:
            errors.append({"code": "figures-text-too-long", "field": f"{where}.source",
                           "message": f"a source may have at most {widths_svc.MAX_SOURCE_CHARS} characters"})
        if value is not None and source and not issues:
            clean.append({"field": name, "value": float(value), "source": source})
    if errors:
        raise FigureError("figures-invalid", f"{len(errors)} figure(s) are not usable; nothing was submitted", 422,
                          "figures", errors)
    return {"method": method, "year": year_value, "scenario": scenario if method == "borrelle" else "",
            "figures": clean}


def dry_run(code: str, payload: dict[str, Any]) -> None:
    """Run the model once with the figures, so a country the model does not cover (or a year it does not run
    for) is said at submission, not at approval."""
    overrides = [inventory_svc.Override(f["field"], f["value"], f["source"]) for f in payload["figures"]]
    try:
        if payload["method"] == "jambeck":
            inventory_svc.jambeck_country(code, payload["year"] or 2010, overrides)
        elif payload["method"] == "meijer":
            inventory_svc.meijer_country(code, overrides)
        else:
            inventory_svc.borrelle_country(code, payload["year"] or 2016, payload["scenario"] or "bau",
                                           inventory_svc.DEFAULT_DRAWS, inventory_svc.DEFAULT_SEED, overrides)
    except InventoryInputError as exc:
        raise FigureError("figures-model-refused", f"{payload['method']} cannot use these figures for {code}: "
                          f"{exc.issues[0].message}", 422, exc.issues[0].field or "figures") from None


def check_widths(hub: Hub, code: str, entries: Any) -> dict[str, Any]:
    """The payload of a widths submission: each width in range, with a source, for a site of this country."""
    if not isinstance(entries, list) or not entries:
        raise FigureError("figures-missing-value", "give at least one beach width, with its source", 422, "widths")
    if len(entries) > MAX_WIDTHS:
        raise FigureError("figures-too-many", f"at most {MAX_WIDTHS} widths per submission", 422, "widths")
    errors: list[dict[str, Any]] = []
    clean: list[dict[str, Any]] = []
    for n, item in enumerate(entries):
        where = f"widths[{n}]"
        if not isinstance(item, dict):
            errors.append({"code": "figures-invalid", "field": where,
                           "message": "an object {site_id, width_m, source}"})
            continue
        try:
            site = widths_svc._text(item.get("site_id"), "site_id", 40, required=False)
            if not site:
                raise widths_svc.WidthError("width-unknown-site", "name the site", field="site_id")
            width = widths_svc.check_width(item.get("width_m"))
            source = widths_svc._text(item.get("source"), "source", widths_svc.MAX_SOURCE_CHARS, True)
            note = widths_svc._text(item.get("note"), "note", widths_svc.MAX_NOTE_CHARS, False)
        except widths_svc.WidthError as exc:
            errors.append({"code": exc.code, "field": f"{where}.{exc.field or 'width_m'}", "message": str(exc)})
            continue
        clean.append({"site_id": site, "width_m": width, "source": source, "note": note})
    ids = sorted({e["site_id"] for e in clean})
    with hub.engine.connect() as conn:
        countries = dict(conn.execute(select(t.sites.c.id, t.sites.c.country).where(t.sites.c.id.in_(ids))).all()) \
            if ids else {}
    for n, e in enumerate(clean):
        if e["site_id"] not in countries:
            errors.append({"code": "width-unknown-site", "field": f"widths[{n}].site_id",
                           "message": f"no site {e['site_id']!r} in the hub"})
        elif countries[e["site_id"]] != code:
            errors.append({"code": "figures-site-other-country", "field": f"widths[{n}].site_id",
                           "message": f"site {e['site_id']!r} is in {countries[e['site_id']] or 'no country'}, "
                                      f"not {code}: a focal point gives widths for their own country's sites"})
    if errors:
        raise FigureError("figures-invalid", f"{len(errors)} width(s) are not usable; nothing was submitted", 422,
                          "widths", errors)
    return {"widths": clean}


def submit(hub: Hub, acting: Acting, country: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Send a country's own figures for review; returns the stored submission (status "submitted").

    `data`: for `inventory` {method, year, scenario, figures: [{field, value, source}]}; for `widths`
    {widths: [{site_id, width_m, source, note}]}; both with `submitter` (the national agency) and `note`.
    """
    code = country_code(country)
    _need_focal(hub, acting, code)
    if kind not in KINDS:
        raise FigureError("figures-invalid-kind", f"kind must be one of {', '.join(KINDS)}", 422, "kind")
    submitter = _text(data.get("submitter"), "submitter", MAX_SUBMITTER, True,
                      "say which national body the figures are from (e.g. the ministry of environment)")
    note = _text(data.get("note"), "note", MAX_TEXT, False)
    if kind == "inventory":
        payload = check_inventory(data.get("method", ""), data.get("year"), data.get("scenario"), data.get("figures"))
        dry_run(code, payload)
    else:
        payload = check_widths(hub, code, data.get("widths"))
    nf = ft.national_figures
    for attempt in range(3):  # two focal points racing for the same version number
        try:
            with hub.engine.begin() as conn:
                top = conn.execute(select(func.max(nf.c.version)).where(nf.c.country == code, nf.c.kind == kind)
                                   ).scalar()
                now = _now()
                new_id = conn.execute(insert(nf).values(
                    country=code, kind=kind, version=int(top or 0) + 1, user_id=acting.user_id, submitter=submitter,
                    payload=payload, note=note, status="submitted", created_at=now, updated_at=now)
                ).inserted_primary_key[0]
                auth.audit(conn, acting.actor, "figures.submitted", f"figures:{new_id}",
                           {"country": code, "kind": kind, "version": int(top or 0) + 1})
            return get(hub, new_id)
        except IntegrityError:
            if attempt == 2:
                raise FigureError("figures-conflict", "another submission took the same number; try again", 409
                                  ) from None
    raise AssertionError("unreachable")


# --- reading -------------------------------------------------------------------------------------------------

def _row(row: Any) -> dict[str, Any]:
    m = dict(row._mapping)
    for k in ("created_at", "updated_at", "decided_at", "claimed_at"):
        m[k] = m[k] and _aware(m[k]).isoformat()
    m["submitted_by"] = (m.pop("display_name", None) if m.pop("show_name", False) else None) \
        or f"user {m['user_id']}"
    m.pop("display_name", None)
    return m


def _select():
    nf = ft.national_figures
    return select(nf, t.users.c.display_name, t.users.c.show_name).join(t.users, t.users.c.id == nf.c.user_id)


def get(hub: Hub, figure_id: int) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = conn.execute(_select().where(ft.national_figures.c.id == figure_id)).first()
    if row is None:
        raise FigureError("figures-not-found", f"no national figures submission {figure_id}", 404, "id")
    return _row(row)


def may_see(hub: Hub, acting: Acting | None, sub: dict[str, Any]) -> bool:
    """Approved submissions are public; pending ones are for their submitter, the country's focal points and
    reviewers."""
    if sub["status"] == "approved":
        return True
    if acting is None:
        return False
    return acting.can(REVIEW_ROLE) or acting.user_id == sub["user_id"] or \
        is_focal_point(hub, acting.user_id, sub["country"])


def visible(hub: Hub, acting: Acting | None, figure_id: int) -> dict[str, Any]:
    """One submission if the caller may see it; otherwise reported as not found (its existence is not confirmed)."""
    sub = get(hub, figure_id)
    if not may_see(hub, acting, sub):
        raise FigureError("figures-not-found", f"no national figures submission {figure_id}", 404, "id")
    return sub


def for_country(hub: Hub, country: str, acting: Acting | None = None) -> list[dict[str, Any]]:
    """A country's submissions the caller may see, newest first (approved ones for everybody)."""
    code = country.strip().upper()
    with hub.engine.connect() as conn:
        rows = conn.execute(_select().where(ft.national_figures.c.country == code)
                            .order_by(ft.national_figures.c.created_at.desc(), ft.national_figures.c.id.desc())).all()
    return [s for s in map(_row, rows) if may_see(hub, acting, s)]


def profile_section(hub: Hub, country: str, acting: Acting | None = None) -> dict[str, Any]:
    """What the country profile shows: the approved national figures (with their versions and sources), the
    country's focal points, and whether the viewer may submit."""
    code = country.strip().upper()
    subs = for_country(hub, code, acting)
    return {"approved": [s for s in subs if s["status"] == "approved"],
            "pending": [s for s in subs if s["status"] != "approved"],
            "focal_points": focal_points(hub, country=code),
            "can_submit": bool(acting and acting.user_id and is_focal_point(hub, acting.user_id, code)),
            "page": f"/countries/{code}/figures"}


def queue(hub: Hub, acting: Acting) -> list[dict[str, Any]]:
    """Open submissions, oldest first (reviewers)."""
    _need(acting, REVIEW_ROLE, "reviewing national figures")
    nf = ft.national_figures
    with hub.engine.connect() as conn:
        rows = conn.execute(_select().where(nf.c.status.in_((*OPEN_STATUSES, "applying")))
                            .order_by(nf.c.created_at, nf.c.id)).all()
    return [{**_row(r), "mine": r.user_id == acting.user_id, "claimed_by_me": r.reviewer_id == acting.user_id}
            for r in rows]


# --- reviewing -----------------------------------------------------------------------------------------------

def _cas(hub: Hub, figure_id: int, expected: str, acting: Acting, action: str, detail: dict[str, Any] | None,
         **values: Any) -> bool:
    """Move a submission from `expected` atomically, with its audit entry; False if someone moved it first."""
    values.setdefault("updated_at", _now())
    nf = ft.national_figures
    with hub.engine.begin() as conn:
        n = conn.execute(update(nf).where(and_(nf.c.id == figure_id, nf.c.status == expected)).values(**values)
                         ).rowcount
        if n:
            auth.audit(conn, acting.actor, action, f"figures:{figure_id}", detail)
    return bool(n)


def _open(hub: Hub, acting: Acting, figure_id: int) -> dict[str, Any]:
    _need(acting, REVIEW_ROLE, "reviewing national figures")
    sub = get(hub, figure_id)
    if sub["user_id"] == acting.user_id and not acting.can("admin"):
        raise FigureError("figures-own-submission", "you cannot review your own submission", 403)
    if sub["status"] == "in-review" and sub["reviewer_id"] not in (None, acting.user_id) and not acting.can("admin"):
        raise FigureError("figures-claimed", "another reviewer has claimed this submission", 409)
    return sub


def claim(hub: Hub, acting: Acting, figure_id: int) -> dict[str, Any]:
    sub = _open(hub, acting, figure_id)
    if sub["status"] == "in-review" and sub["reviewer_id"] == acting.user_id:
        return {**sub, "changed": False}
    if sub["status"] not in OPEN_STATUSES:
        raise FigureError("figures-closed", f"a {sub['status']} submission cannot be claimed", 409)
    if not _cas(hub, figure_id, sub["status"], acting, "figures.claimed", None, status="in-review",
                reviewer_id=acting.user_id, claimed_at=_now()):
        return claim(hub, acting, figure_id)
    return {**get(hub, figure_id), "changed": True}


def reject(hub: Hub, acting: Acting, figure_id: int, reason: str) -> dict[str, Any]:
    return _close(hub, acting, figure_id, reason, "rejected", "figures.rejected")


def request_changes(hub: Hub, acting: Acting, figure_id: int, reason: str) -> dict[str, Any]:
    return _close(hub, acting, figure_id, reason, "changes-requested", "figures.changes-requested")


def _close(hub: Hub, acting: Acting, figure_id: int, reason: str, status: str, action: str) -> dict[str, Any]:
    reason = (reason or "").strip()[:MAX_TEXT]
    sub = _open(hub, acting, figure_id)
    if sub["status"] == status:
        return {**sub, "changed": False}
    if not reason:
        raise FigureError("figures-reason-missing", "say why, so the focal point can act on it", 422, "reason")
    if sub["status"] not in OPEN_STATUSES:
        raise FigureError("figures-closed", f"the submission is already {sub['status']}", 409)
    if not _cas(hub, figure_id, sub["status"], acting, action, {"reason": reason}, status=status,
                decision_reason=reason, decided_at=_now(), reviewer_id=acting.user_id):
        return _close(hub, acting, figure_id, reason, status, action)
    return {**get(hub, figure_id), "changed": True}


def approve(hub: Hub, acting: Acting, figure_id: int, note: str = "") -> dict[str, Any]:
    """Approve and store the figures through the hub's own stores; `result` says what they became. If storing
    fails (a model that no longer accepts the figures, a site removed since), the submission goes back to
    where it was and the reason is the error."""
    sub = _open(hub, acting, figure_id)
    if sub["status"] == "approved":
        return {**sub, "changed": False}
    if sub["status"] not in OPEN_STATUSES:
        raise FigureError("figures-closed", f"the submission is already {sub['status']}", 409)
    previous = sub["status"]
    if not _cas(hub, figure_id, previous, acting, "figures.applying", None, status="applying",
                reviewer_id=acting.user_id):
        return approve(hub, acting, figure_id, note)
    try:
        result = _apply(hub, acting, sub)
    except (InventoryInputError, widths_svc.WidthError) as exc:
        _cas(hub, figure_id, "applying", acting, "figures.apply-failed", {"error": str(exc)}, status=previous)
        raise FigureError("figures-apply-failed", f"the figures could not be stored: {exc}", 422) from None
    except BaseException:
        _cas(hub, figure_id, "applying", acting, "figures.apply-failed", None, status=previous)
        raise
    _cas(hub, figure_id, "applying", acting, "figures.approved", {"result": result}, status="approved",
         result=result, decided_at=_now(), decision_reason=(note or "").strip()[:MAX_TEXT] or None)
    return {**get(hub, figure_id), "changed": True}


def _apply(hub: Hub, acting: Acting, sub: dict[str, Any]) -> dict[str, Any]:
    """Store approved figures: a national inventory version, or width revisions credited to the focal point."""
    p = sub["payload"]
    account = f"user:{sub['user_id']}"
    if sub["kind"] == "inventory":
        overrides = [inventory_svc.Override(f["field"], float(f["value"]), f["source"]) for f in p["figures"]]
        stored = inventory_svc.submit_inventory(hub, sub["country"], p["method"], sub["submitter"], p["year"],
                                                overrides, p["scenario"] or "bau", account=account)
        return {"inventory_method": stored["method"], "inventory_version": stored["version"],
                "year": stored["year"], "compartment": stored["compartment"], "central_t": stored["central_t"],
                "low_t": stored["low_t"], "high_t": stored["high_t"]}
    giver = widths_svc.Giver(account, acting.role, sub["user_id"], sub["submitted_by"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(widths_svc.IMPORT_COLUMNS)
    for w in p["widths"]:
        note = f"national figures #{sub['id']} (v{sub['version']}), approved by {acting.actor}"
        writer.writerow([w["site_id"], repr(w["width_m"]), w["source"], f"{w['note']}; {note}" if w["note"] else note])
    done = widths_svc.import_widths(hub, giver, out.getvalue())
    return {"widths": [{"site_id": e["site_id"], "revision": e["revision"], "width_m": e["width_m"]}
                       for e in done.entries]}


ACTIONS = ("claim", "approve", "reject", "request-changes")


def decide(hub: Hub, acting: Acting, figure_id: int, action: str, text: str = "") -> dict[str, Any]:
    """One entry point for the interfaces: `text` is the note (approve) or the reason (reject, request-changes)."""
    if action == "claim":
        return claim(hub, acting, figure_id)
    if action == "approve":
        return approve(hub, acting, figure_id, text)
    if action == "reject":
        return reject(hub, acting, figure_id, text)
    if action == "request-changes":
        return request_changes(hub, acting, figure_id, text)
    raise FigureError("figures-unknown-action", f"action must be one of {', '.join(ACTIONS)}", 404, "action")
