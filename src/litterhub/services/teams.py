"""Volunteer teams: members, shared surveys, cleanup events that collect surveys, what the approved surveys changed,
and opt-in leaderboards.

Contract:
- A team is created by a signed-in person, who becomes its owner. Others join with the team's code (owners see it
  and may renew it); members leave themselves; owners change roles and remove members. A team keeps at least one
  owner while it has members.
- A survey is attributed (table `survey_attributions`) to a team its sender belongs to and/or to a cleanup event
  they are registered for, organise, or whose team they belong to, on one of the event's dates. Attribution is
  checked before the survey is stored (`check_attribution`) and written after (`attribute`).
- What the surveys changed (`impact`): the approved surveys are found in the lake (the citizen-science series
  is republished in full at each approval, one row per approved survey in the order they were sent, so a survey's
  row is its position in that order); the site's median and trend (items/100 m, all items) and the country's
  median of site medians and SDG 14.1.1b beach value are computed by the analysis services with and without those
  surveys, per comparability class, never pooling classes. A figure that cannot be computed says why.
- Privacy by default: member names are shown to members only; leaderboards list only teams whose owner opted in
  and people who opted in themselves, with counts only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, update

from litterhub.analysis import beach as beach_analysis
from litterhub.analysis import sdg as sdg_analysis
from litterhub.analysis.comparability import CLASS_COLUMN
from litterhub.errors import Conflict, Forbidden, InvalidInput, NotFoundError
from litterhub.services import auth, calendar
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.store import community_tables as ct
from litterhub.store import contrib_tables as cs
from litterhub.store import tables as t

ROLES = ("owner", "member")
MAX_NAME, MAX_TEXT = 200, 5000
TOTAL = beach_analysis.TOTAL


class TeamNotFound(NotFoundError, LookupError):
    code = "team-not-found"


class TeamForbidden(Forbidden):
    code = "team-forbidden"


class TeamConflict(Conflict):
    code = "team-conflict"


class TeamInvalid(InvalidInput, ValueError):
    code = "team-invalid"
    status = 422


# --- teams and members ---------------------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now(UTC)


def _team_row(conn, team_id: int) -> Any:
    row = conn.execute(select(ct.teams).where(ct.teams.c.id == team_id)).first()
    if row is None:
        raise TeamNotFound(f"no team {team_id}")
    return row


def role_in(hub: Hub, team_id: int, user_id: int) -> str | None:
    """The person's role in the team (owner | member), None when not (or no longer) a member."""
    m = ct.team_members
    with hub.engine.connect() as conn:
        return conn.execute(select(m.c.role).where(m.c.team_id == team_id, m.c.user_id == user_id,
                                                   m.c.left_at.is_(None))).scalar()


def _require_owner(hub: Hub, who: Principal, team_id: int) -> None:
    if role_in(hub, team_id, who.id) != "owner" and not who.can("admin"):
        raise TeamForbidden("only the team's owners manage it")


def create_team(hub: Hub, who: Principal, name: str, description: str = "", country: str | None = None) -> dict:
    name = calendar._clean(name, MAX_NAME)
    if not name:
        raise TeamInvalid("the team needs a name", field="name")
    try:
        iso3 = calendar._country(country)
    except calendar.EventInvalid as exc:
        raise TeamInvalid(str(exc), field="country") from None
    now = _now()
    with hub.engine.begin() as conn:
        team_id = conn.execute(insert(ct.teams).values(
            name=name, description=calendar._clean(description, MAX_TEXT), country=iso3,
            join_code=secrets.token_urlsafe(9), on_leaderboard=False, created_by=who.id,
            created_at=now)).inserted_primary_key[0]
        conn.execute(insert(ct.team_members).values(team_id=team_id, user_id=who.id, role="owner", joined_at=now))
        auth.audit(conn, who.actor, "team.created", f"team:{team_id}", None)
    return get_team(hub, team_id, who)


def get_team(hub: Hub, team_id: int, who: Principal | None = None) -> dict[str, Any]:
    """The team as the viewer may see it: names of members for members only, the join code for owners only."""
    m, u = ct.team_members, t.users
    with hub.engine.connect() as conn:
        row = _team_row(conn, team_id)
        members = conn.execute(select(u.c.id, u.c.display_name, m.c.role, m.c.joined_at)
                               .join(u, u.c.id == m.c.user_id)
                               .where(m.c.team_id == team_id, m.c.left_at.is_(None))
                               .order_by(m.c.role.desc(), m.c.joined_at, m.c.id)).all()
    my_role = next((x.role for x in members if who is not None and x.id == who.id), None)
    manage = my_role == "owner" or (who is not None and who.can("admin"))
    out = {"id": row.id, "name": row.name, "description": row.description, "country": row.country,
           "on_leaderboard": bool(row.on_leaderboard), "members_count": len(members), "my_role": my_role,
           "may_manage": manage, "url": f"/teams/{row.id}"}
    if my_role or manage:
        out["members"] = [{"user_id": x.id, "name": x.display_name or f"#{x.id}", "role": x.role} for x in members]
    if manage:
        out["join_code"] = row.join_code
    return out


def my_teams(hub: Hub, who: Principal) -> list[dict[str, Any]]:
    m, tm = ct.team_members, ct.teams
    with hub.engine.connect() as conn:
        rows = conn.execute(select(tm.c.id, tm.c.name, m.c.role).join(m, m.c.team_id == tm.c.id)
                            .where(m.c.user_id == who.id, m.c.left_at.is_(None)).order_by(tm.c.name)).all()
    return [{"id": r.id, "name": r.name, "role": r.role, "url": f"/teams/{r.id}"} for r in rows]


def list_teams(hub: Hub) -> list[dict[str, Any]]:
    """Every team by name, with its member count (no names)."""
    m, tm = ct.team_members, ct.teams
    with hub.engine.connect() as conn:
        rows = conn.execute(select(tm.c.id, tm.c.name, tm.c.country, func.count(m.c.id).label("members"))
                            .outerjoin(m, (m.c.team_id == tm.c.id) & m.c.left_at.is_(None))
                            .group_by(tm.c.id, tm.c.name, tm.c.country).order_by(tm.c.name)).all()
    return [{"id": r.id, "name": r.name, "country": r.country, "members_count": int(r.members),
             "url": f"/teams/{r.id}"} for r in rows]


def join(hub: Hub, who: Principal, code: str) -> dict[str, Any]:
    """Join the team whose code this is (rejoining after leaving reopens the membership as a member)."""
    code = (code or "").strip()
    m = ct.team_members
    with hub.engine.begin() as conn:
        team_id = conn.execute(select(ct.teams.c.id).where(ct.teams.c.join_code == code)).scalar() if code else None
        if team_id is None:
            raise TeamInvalid("no team has this code (ask an owner for the current one)", field="code")
        row = conn.execute(select(m).where(m.c.team_id == team_id, m.c.user_id == who.id)).first()
        if row is None:
            conn.execute(insert(m).values(team_id=team_id, user_id=who.id, role="member", joined_at=_now()))
        elif row.left_at is not None:
            conn.execute(update(m).where(m.c.id == row.id).values(role="member", left_at=None, joined_at=_now()))
        auth.audit(conn, who.actor, "team.joined", f"team:{team_id}", None)
    return get_team(hub, team_id, who)


def _owners(conn, team_id: int) -> int:
    m = ct.team_members
    return conn.execute(select(func.count()).where(m.c.team_id == team_id, m.c.role == "owner",
                                                   m.c.left_at.is_(None))).scalar() or 0


def _members(conn, team_id: int) -> int:
    m = ct.team_members
    return conn.execute(select(func.count()).where(m.c.team_id == team_id, m.c.left_at.is_(None))).scalar() or 0


def leave(hub: Hub, who: Principal, team_id: int) -> None:
    """Leave a team; its last owner may leave only as its last member."""
    _set_member(hub, who, team_id, who.id, None, self_service=True)


def set_member(hub: Hub, who: Principal, team_id: int, user_id: int, role: str | None) -> dict[str, Any]:
    """An owner makes a member an owner or member, or removes them (`role` None)."""
    if role is not None and role not in ROLES:
        raise TeamInvalid(f"role must be one of {', '.join(ROLES)}", field="role")
    _require_owner(hub, who, team_id)
    _set_member(hub, who, team_id, user_id, role)
    return get_team(hub, team_id, who)


def _set_member(hub: Hub, who: Principal, team_id: int, user_id: int, role: str | None,
                self_service: bool = False) -> None:
    m = ct.team_members
    with hub.engine.begin() as conn:
        _team_row(conn, team_id)
        row = conn.execute(select(m).where(m.c.team_id == team_id, m.c.user_id == user_id,
                                           m.c.left_at.is_(None))).first()
        if row is None:
            raise TeamNotFound("not a member of this team")
        losing_owner = row.role == "owner" and role != "owner"
        if losing_owner and _owners(conn, team_id) == 1 and _members(conn, team_id) > 1:
            raise TeamConflict("the team's last owner: make another member an owner first")
        values = {"left_at": _now()} if role is None else {"role": role}
        conn.execute(update(m).where(m.c.id == row.id).values(**values))
        action = "team.left" if self_service else ("team.member-removed" if role is None else "team.role-changed")
        auth.audit(conn, who.actor, action, f"team:{team_id}", {"user_id": user_id, "role": role})


def renew_code(hub: Hub, who: Principal, team_id: int) -> dict[str, Any]:
    _require_owner(hub, who, team_id)
    with hub.engine.begin() as conn:
        conn.execute(update(ct.teams).where(ct.teams.c.id == team_id).values(join_code=secrets.token_urlsafe(9)))
        auth.audit(conn, who.actor, "team.code-renewed", f"team:{team_id}", None)
    return get_team(hub, team_id, who)


def set_team_leaderboard(hub: Hub, who: Principal, team_id: int, on: bool) -> dict[str, Any]:
    _require_owner(hub, who, team_id)
    with hub.engine.begin() as conn:
        conn.execute(update(ct.teams).where(ct.teams.c.id == team_id).values(on_leaderboard=bool(on)))
        auth.audit(conn, who.actor, "team.leaderboard", f"team:{team_id}", {"on": bool(on)})
    return get_team(hub, team_id, who)


def set_person_leaderboard(hub: Hub, who: Principal, on: bool) -> bool:
    lp = ct.leaderboard_people
    with hub.engine.begin() as conn:
        there = conn.execute(select(lp.c.user_id).where(lp.c.user_id == who.id)).first() is not None
        if on and not there:
            conn.execute(insert(lp).values(user_id=who.id, opted_in_at=_now()))
        elif not on and there:
            conn.execute(lp.delete().where(lp.c.user_id == who.id))
        auth.audit(conn, who.actor, "person.leaderboard", f"user:{who.id}", {"on": bool(on)})
    return bool(on)


def on_person_leaderboard(hub: Hub, user_id: int) -> bool:
    lp = ct.leaderboard_people
    with hub.engine.connect() as conn:
        return conn.execute(select(lp.c.user_id).where(lp.c.user_id == user_id)).first() is not None


# --- attribution of surveys ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attribution:
    team_id: int | None
    event_id: int | None


def _int_or_none(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TeamInvalid(f"{field.replace('_', ' ')} must be a number", field=field) from None


def check_attribution(hub: Hub, who: Principal, team_id: Any, event_id: Any,
                      survey_date: date | None) -> Attribution:
    """The team and cleanup event a survey may be sent for, or raises saying why not."""
    team_id, event_id = _int_or_none(team_id, "team_id"), _int_or_none(event_id, "event_id")
    if team_id is not None and role_in(hub, team_id, who.id) is None:
        raise TeamForbidden("you can send surveys only for a team you belong to", field="team_id")
    if event_id is None:
        return Attribution(team_id, None)
    event = calendar.get_event(hub, event_id, who)
    if event["kind"] != "cleanup" or event["cancelled"]:
        raise TeamInvalid("surveys are collected by cleanup events that were not cancelled", field="event_id")
    in_team = event["team_id"] is not None and role_in(hub, event["team_id"], who.id) is not None
    if not (event["registered_me"] or event["may_manage"] or in_team):
        raise TeamForbidden("register for the cleanup first (or join its team) to send a survey for it",
                            field="event_id")
    first, last = calendar.local_dates(event)
    if survey_date is not None and not (first <= survey_date <= last):
        raise TeamInvalid(f"a survey for this cleanup is dated {first.isoformat()}"
                          + (f" to {last.isoformat()}" if last != first else ""), field="survey_date")
    if team_id is None and in_team:
        team_id = event["team_id"]  # a cleanup of one's own team counts for the team
    return Attribution(team_id, event_id)


def attribute(hub: Hub, who: Principal, submission_id: str, attribution: Attribution) -> None:
    if attribution.team_id is None and attribution.event_id is None:
        return
    a = ct.survey_attributions
    with hub.engine.begin() as conn:
        if conn.execute(select(a.c.submission_id).where(a.c.submission_id == submission_id)).first() is None:
            conn.execute(insert(a).values(submission_id=submission_id, user_id=who.id,
                                          team_id=attribution.team_id, event_id=attribution.event_id,
                                          created_at=_now()))
    if attribution.event_id is not None:  # the organiser hears of each survey their cleanup collects
        from litterhub.services import notifications

        event = calendar.get_event(hub, attribution.event_id)
        notifications.notify_quietly(hub, [event["organiser_id"]], "event-survey",
                                     f"A survey was sent for {event['title']}",
                                     "It waits for a reviewer; once approved it counts on the event's and the team's "
                                     "pages.", event["url"], exclude=who.id)


def attribution_choices(hub: Hub, who: Principal) -> dict[str, list[dict[str, Any]]]:
    """The teams and cleanup events the survey form offers: the person's teams; cleanups of the last 30 days and
    today that they registered for, organise or whose team they belong to."""
    teams = my_teams(hub, who)
    ids = {x["id"] for x in teams}
    events = [e for e in calendar.list_events(hub, "all", kind="cleanup", limit=1000)
              if not e["cancelled"] and (datetime.now(UTC) - e["ends_at"]).days <= 30
              and e["starts_at"] <= datetime.now(UTC)
              and (e["organiser_id"] == who.id or e["team_id"] in ids or calendar.is_registered(hub, who.id, e["id"]))]
    return {"teams": teams, "events": events}


def _surveys(hub: Hub, where) -> list[dict[str, Any]]:
    s, a, u = cs.submissions, ct.survey_attributions, t.users
    with hub.engine.connect() as conn:
        rows = conn.execute(select(s.c.id, s.c.title, s.c.status, s.c.dataset_id, s.c.payload, s.c.user_id,
                                   s.c.created_at, a.c.team_id, a.c.event_id, u.c.display_name)
                            .outerjoin(a, a.c.submission_id == s.c.id).join(u, u.c.id == s.c.user_id)
                            .where(s.c.kind == "survey", where).order_by(s.c.created_at)).all()
    return [{"id": r.id, "title": r.title, "status": r.status, "dataset_id": r.dataset_id, "user_id": r.user_id,
             "name": r.display_name, "team_id": r.team_id, "event_id": r.event_id,
             "survey_date": (r.payload or {}).get("survey_date"), "site_name": (r.payload or {}).get("site_name"),
             "country": (r.payload or {}).get("country"),
             "items": int(sum((r.payload or {}).get("counts", {}).values()))} for r in rows]


def team_surveys(hub: Hub, team_id: int) -> list[dict[str, Any]]:
    return _surveys(hub, ct.survey_attributions.c.team_id == team_id)


def event_surveys(hub: Hub, event_id: int) -> list[dict[str, Any]]:
    return _surveys(hub, ct.survey_attributions.c.event_id == event_id)


def person_surveys(hub: Hub, user_id: int) -> list[dict[str, Any]]:
    return _surveys(hub, cs.submissions.c.user_id == user_id)


def _tally(surveys: list[dict[str, Any]]) -> dict[str, int]:
    approved = [x for x in surveys if x["status"] == "approved"]
    return {"surveys": len(surveys), "approved": len(approved), "pending": sum(
        x["status"] in ("submitted", "in-review", "publishing") for x in surveys),
        "items": sum(x["items"] for x in approved)}


# --- what the approved surveys changed ------------------------------------------------------------------------

def lake_events(hub: Hub, submission_ids: list[str]) -> dict[str, str]:
    """submission id → lake event id of approved surveys, in the current version of their series.

    `survey_table` writes one row per approved survey, ordered by when they were sent; the events keep their
    physical line (`source_line`, header = 1), so the n-th survey of the series is line n + 1. The survey date is
    checked against the event's date, so a series rewritten otherwise maps nothing rather than the wrong event."""
    s = cs.submissions
    with hub.engine.connect() as conn:
        wanted = conn.execute(select(s.c.id, s.c.dataset_id).where(
            s.c.id.in_(submission_ids), s.c.status == "approved", s.c.published_version.is_not(None))).all()
        datasets = sorted({r.dataset_id for r in wanted})
        current = dict(conn.execute(select(t.datasets.c.id, t.datasets.c.current_version)
                                    .where(t.datasets.c.id.in_(datasets))).all()) if datasets else {}
        series = {d: conn.execute(select(s.c.id, s.c.payload).where(
            s.c.dataset_id == d, s.c.kind == "survey", s.c.status == "approved",
            s.c.published_version.is_not(None), s.c.published_version <= (current.get(d) or 0))
            .order_by(s.c.created_at)).all() for d in datasets}
    ours = {r.id for r in wanted}
    out: dict[str, str] = {}
    for d in datasets:
        if not current.get(d):
            continue
        con = hub.lake.connect()
        rel = hub.lake.scan("events", [(d, int(current[d]))], con)
        by_line = {int(line): (eid, day) for eid, line, day in
                   rel.select("event_id, source_line, CAST(event_date AS DATE)").fetchall() if line is not None}
        for n, row in enumerate(series[d]):
            hit = by_line.get(n + 2)
            if row.id in ours and hit and hit[1] is not None and hit[1].isoformat() == (row.payload or {}).get(
                    "survey_date"):
                out[row.id] = hit[0]
    return out


def _connect(hub: Hub, versions: list[tuple[str, int]], leave_out: set[str]):
    """DuckDB views `events` / `observations` over `versions`, without the duplicate copies the indicators skip
    (services/duplicates.py) and without `leave_out` (the surveys whose effect is measured)."""
    from litterhub.services.duplicates import excluded_and_flagged

    con = hub.lake.connect()
    con.register("_all_events", hub.lake.scan("events", versions, con))
    con.register("observations", hub.lake.scan("observations", versions, con))
    excluded, _ = excluded_and_flagged(hub)
    con.register("_excluded", pd.DataFrame({"event_id": sorted(excluded | leave_out)}, dtype="string"))
    con.register("events", con.sql("SELECT * FROM _all_events e ANTI JOIN _excluded x ON x.event_id = e.event_id"))
    return con


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(out) else round(out, 2)


def _figures(hub: Hub, versions: list[tuple[str, int]], leave_out: set[str], sites: set[str],
             countries: set[str]) -> dict[str, Any]:
    """Site and country figures (items/100 m, all items) per comparability class, and the SDG beach values."""
    con = _connect(hub, versions, leave_out)
    totals = beach_analysis.survey_totals(con, per_100m=True, groups=(TOTAL,))
    totals = totals[totals["group"] == TOTAL]
    site_rows: dict[tuple[str, str], dict[str, Any]] = {}
    country_rows: dict[tuple[str, str], dict[str, Any]] = {}
    for klass, part in totals.groupby(CLASS_COLUMN, sort=False):
        here = part[part["site_id"].isin(sites)].drop(columns=[CLASS_COLUMN]).reset_index(drop=True)
        if len(here):
            stats, _ = beach_analysis.statistics(here, "site")
            for r in stats.itertuples(index=False):
                site_rows[(r.site_id, klass)] = {"surveys": int(r.n), "median": _number(r.median),
                                                 "slope": _number(r.slope), "p_value": _number(r.p_value)}
        national = part[part["country"].isin(countries)].drop(columns=[CLASS_COLUMN]).reset_index(drop=True)
        if len(national):
            _, regional = beach_analysis.statistics(national, "country")
            for r in (regional if regional is not None else pd.DataFrame()).to_dict("records"):
                country_rows[(r["country"], klass)] = {
                    "sites": int(r["sites"]), "median": _number(r["median"]), "slope": _number(r.get("slope")),
                    "trend_note": r.get("trend_note") or ""}
    sdg: dict[str, dict[str, Any]] = {}
    for country in countries:
        sdg[country] = _sdg(hub, con, country)
    return {"sites": site_rows, "countries": country_rows, "sdg": sdg}


def _sdg(hub: Hub, con, country: str) -> dict[str, Any]:
    """The country's SDG 14.1.1b beach value (latest year, headline class), or why there is none."""
    from litterhub.services import widths

    compartments = ", ".join(f"'{c}'" for c in sdg_analysis.COMPARTMENTS)
    con.register("_sdg_events", con.sql(
        f"SELECT * FROM events WHERE country = '{country}' AND compartment IN ({compartments}) "  # noqa: S608
        f"AND {beach_analysis.event_filter()}"))
    tables, _notes, _summary = widths.sdg_tables(hub, con, country, None, "_sdg_events")
    rows = tables["sdg"]
    if len(rows):
        beach_rows = rows[rows["SERIES_CODE"].astype(str).str.contains("BEACH", case=False)] \
            if "SERIES_CODE" in rows else rows
        beach_rows = beach_rows[beach_rows[sdg_analysis.HEADLINE_FIELD]] if len(beach_rows) else beach_rows
        if len(beach_rows):
            latest = beach_rows.sort_values("TIME_PERIOD").iloc[-1]
            return {"value": _number(latest["OBS_VALUE"]), "year": str(latest["TIME_PERIOD"]),
                    "unit": str(latest.get("UNIT_LABEL") or "items/km²"), "class": str(latest[CLASS_COLUMN]),
                    "surveys": int(latest["N_SURVEYS"]), "reason": ""}
    countries = tables["countries"]
    reason = "; ".join(x for x in countries["reason"].tolist() if x) if len(countries) else ""
    return {"value": None, "reason": reason or "no beach surveys in this country under the SDG's rules"}


def impact(hub: Hub, submission_ids: list[str]) -> dict[str, Any]:
    """How approved surveys moved the local and national figures: each figure with and without them."""
    from litterhub.services.indicators import resolve_versions, site_names

    mapped = lake_events(hub, submission_ids)
    if not mapped:
        return {"surveys_in_lake": 0, "sites": [], "countries": [],
                "note": "no approved survey of these is in a published dataset yet"}
    versions = resolve_versions(hub, None)
    con = hub.lake.connect()
    frame = pd.DataFrame({"event_id": list(mapped.values())}, dtype="string")
    con.register("_ours", frame)
    rel = hub.lake.scan("events", versions, con)
    con.register("_ev", rel)
    where = con.sql("SELECT e.site_id, e.country FROM _ev e SEMI JOIN _ours o ON o.event_id = e.event_id").fetchall()
    sites = {s for s, _ in where if s}
    countries = {c for _, c in where if c}
    with_them = _figures(hub, versions, set(), sites, countries)
    without = _figures(hub, versions, set(mapped.values()), sites, countries)
    names = site_names(hub, sorted(sites))
    site_out = []
    for key in sorted(set(with_them["sites"]) | set(without["sites"])):
        before, after = without["sites"].get(key), with_them["sites"].get(key)
        site_out.append({"site_id": key[0], "site_name": names.get(key[0], key[0]), "class": key[1],
                         "with": after, "without": before,
                         "why_not": "" if before else "no other survey at this site: without these surveys the site "
                                                      "has no figure"})
    country_out = []
    for code in sorted(countries):
        classes = sorted({k for c, k in set(with_them["countries"]) | set(without["countries"]) if c == code})
        country_out.append({
            "country": code,
            "classes": [{"class": k, "with": with_them["countries"].get((code, k)),
                         "without": without["countries"].get((code, k)),
                         "why_not": "" if without["countries"].get((code, k)) else
                         "no other survey in this country and class: without these surveys there is no figure"}
                        for k in classes],
            "sdg": {"with": with_them["sdg"].get(code), "without": without["sdg"].get(code)}})
    return {"surveys_in_lake": len(mapped), "unit": "items/100 m (all items)", "sites": site_out,
            "countries": country_out, "note": ""}


# --- pages ---------------------------------------------------------------------------------------------------

def team_page(hub: Hub, team_id: int, who: Principal | None) -> dict[str, Any]:
    team = get_team(hub, team_id, who)
    surveys = team_surveys(hub, team_id)
    approved = [x["id"] for x in surveys if x["status"] == "approved"]
    visible = surveys if team.get("members") is not None else [x for x in surveys if x["status"] == "approved"]
    for x in visible:
        if team.get("members") is None:
            x["name"] = None  # outsiders see the surveys, not who sent them
    return {"team": team, "tally": _tally(surveys), "surveys": visible,
            "impact": impact(hub, approved) if approved else None,
            "events": calendar.list_events(hub, "all", team_id=team_id, limit=100)}


def person_page(hub: Hub, who: Principal) -> dict[str, Any]:
    surveys = person_surveys(hub, who.id)
    approved = [x["id"] for x in surveys if x["status"] == "approved"]
    return {"tally": _tally(surveys), "surveys": surveys, "teams": my_teams(hub, who),
            "impact": impact(hub, approved) if approved else None,
            "on_leaderboard": on_person_leaderboard(hub, who.id)}


def leaderboards(hub: Hub, limit: int = 50) -> dict[str, list[dict[str, Any]]]:
    """Approved surveys and items recorded, for the teams and people who opted in (nobody else appears)."""
    s, a, u, lp = cs.submissions, ct.survey_attributions, t.users, ct.leaderboard_people
    with hub.engine.connect() as conn:
        team_rows = conn.execute(select(ct.teams.c.id, ct.teams.c.name, s.c.payload)
                                 .join(a, a.c.team_id == ct.teams.c.id).join(s, s.c.id == a.c.submission_id)
                                 .where(ct.teams.c.on_leaderboard.is_(True), s.c.status == "approved")).all()
        people_rows = conn.execute(select(u.c.id, u.c.display_name, s.c.payload)
                                   .join(lp, lp.c.user_id == u.c.id).join(s, s.c.user_id == u.c.id)
                                   .where(s.c.kind == "survey", s.c.status == "approved")).all()

    def board(rows, url) -> list[dict[str, Any]]:
        acc: dict[int, dict[str, Any]] = {}
        for r in rows:
            entry = acc.setdefault(r[0], {"id": r[0], "name": r[1] or f"#{r[0]}", "surveys": 0, "items": 0,
                                          "url": url(r[0])})
            entry["surveys"] += 1
            entry["items"] += int(sum((r[2] or {}).get("counts", {}).values()))
        return sorted(acc.values(), key=lambda e: (-e["surveys"], -e["items"], e["name"]))[:limit]

    return {"teams": board(team_rows, lambda i: f"/teams/{i}"), "people": board(people_rows, lambda i: None)}
