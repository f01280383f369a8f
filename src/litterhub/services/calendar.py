"""The events calendar: meetings, trainings and cleanups, registration with a capacity, and iCalendar feeds.

Contract:
- Times are stored in UTC with the IANA zone the organiser gave (`tz`); the organiser types local wall-clock times,
  which are converted here once. A local time the zone skips (clocks going forward) is refused, a repeated one
  (clocks going back) is read as its first occurrence. Every answer gives the time in the event's zone, in UTC and,
  when the viewer names a zone, in the viewer's.
- Who may write: any signed-in contributor creates an event and is its organiser; only the organiser or an admin
  edits or cancels it and sees who registered. A cleanup organised for a team needs its organiser to be a member.
- Registration: signed-in people register and unregister themselves; a full event refuses more (409), checked
  under a lock of the event's row so that two last places are never given twice.
- A calendar event may name the registry record it is about (`record_id`, e.g. a registry record of type "event");
  the record must exist. The registry itself is not touched.
- Feeds are RFC 5545 calendars built with `icalendar`: DTSTART/DTEND with the event's TZID and its VTIMEZONE, a
  stable UID per event, cancelled events kept with STATUS:CANCELLED so calendars that subscribed drop them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import delete, func, insert, select, update

from litterhub.errors import Conflict, Forbidden, InvalidInput, NotFoundError
from litterhub.services import auth
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.store import community_tables as ct
from litterhub.store import tables as t

KINDS = ("meeting", "training", "cleanup")
MAX_TITLE, MAX_TEXT, MAX_PLACE = 300, 10_000, 300
MAX_DAYS = 31  # an event longer than a month is a campaign, not a calendar entry
MAX_CAPACITY = 100_000
PRODID = "-//litterhub//events calendar//EN"


class EventNotFound(NotFoundError, LookupError):
    code = "event-not-found"


class EventForbidden(Forbidden):
    code = "event-forbidden"


class EventFull(Conflict):
    code = "event-full"


class EventInvalid(InvalidInput, ValueError):
    code = "event-invalid"
    status = 422


@dataclass
class EventInput:
    """An event as typed by its organiser: local wall-clock times in the zone `tz`."""

    title: str
    kind: str
    start: str | datetime  # local time, e.g. "2026-12-20T09:00"
    end: str | datetime
    tz: str
    description: str = ""
    place: str = ""
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    capacity: int | None = None
    team_id: int | None = None
    record_id: str | None = None


def zone(name: str | None, field: str = "tz") -> ZoneInfo:
    """An IANA time zone by name; anything else is the sender's error."""
    name = (name or "").strip()
    if not name or name not in _zones():
        raise EventInvalid(f"{name or '(empty)'!r} is not an IANA time zone (e.g. Europe/Lisbon, America/Lima)",
                           field=field)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventInvalid(f"{name!r} is not an IANA time zone", field=field) from None


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones() | {"UTC"})
    return _ZONES


def zone_names() -> list[str]:
    """The zones a form offers (sorted, no legacy aliases such as 'US/Pacific')."""
    return sorted(z for z in _zones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")) or z == "UTC")


def to_utc(local: str | datetime, tz: ZoneInfo, field: str) -> datetime:
    """A local wall-clock time in `tz` as UTC; refuses times the zone skips (the hour clocks jump over)."""
    if isinstance(local, datetime):
        naive = local.replace(tzinfo=None)
    else:
        try:
            naive = datetime.fromisoformat((local or "").strip())
        except ValueError:
            raise EventInvalid(f"{field} must be a date and time, e.g. 2026-12-20T09:00", field=field) from None
        if naive.tzinfo is not None:
            naive = naive.astimezone(tz).replace(tzinfo=None)
    aware = naive.replace(tzinfo=tz, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:
        raise EventInvalid(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks skip that hour)",
                           field=field)
    return utc


def _clean(text: str | None, limit: int) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", (text or "").strip())[:limit]


def _country(code: str | None) -> str | None:
    from litterhub.ingest.countries import to_alpha3

    code = (code or "").strip()
    if not code:
        return None
    iso3 = to_alpha3(code)
    if not iso3:
        raise EventInvalid(f"country {code!r} is not an ISO 3166-1 code", field="country")
    return iso3


def _check(hub: Hub, who: Principal, data: EventInput) -> dict[str, Any]:
    """The row values of a checked event; every problem is reported at once."""
    problems: list[EventInvalid] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except EventInvalid as exc:
            problems.append(exc)
            return None

    title = _clean(data.title, MAX_TITLE)
    if not title:
        problems.append(EventInvalid("the title is required", field="title"))
    if data.kind not in KINDS:
        problems.append(EventInvalid(f"kind must be one of {', '.join(KINDS)}", field="kind"))
    tz = attempt(zone, data.tz)
    starts = attempt(to_utc, data.start, tz, "start") if tz else None
    ends = attempt(to_utc, data.end, tz, "end") if tz else None
    if starts and ends and ends <= starts:
        problems.append(EventInvalid("the event must end after it starts", field="end"))
    elif starts and ends and ends - starts > timedelta(days=MAX_DAYS):
        problems.append(EventInvalid(f"an event may last at most {MAX_DAYS} days", field="end"))
    country = attempt(_country, data.country)
    lat, lon = data.lat, data.lon
    if (lat is None) != (lon is None):
        problems.append(EventInvalid("give both latitude and longitude, or neither", field="lat"))
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
        problems.append(EventInvalid("latitude or longitude out of range", field="lat"))
    if data.capacity is not None and not (1 <= data.capacity <= MAX_CAPACITY):
        problems.append(EventInvalid(f"capacity must be between 1 and {MAX_CAPACITY} (or empty: no limit)",
                                     field="capacity"))
    if data.team_id is not None:
        if not _member(hub, data.team_id, who.id) and not who.can("admin"):
            problems.append(EventInvalid("you can organise events only for a team you belong to", field="team_id"))
    record_id = _clean(data.record_id, 200) or None
    if record_id:
        attempt(_check_record, hub, record_id)
    if problems:
        first = problems[0]
        raise EventInvalid(str(first), field=first.field, errors=[
            {"code": p.code, "field": p.field, "message": str(p)} for p in problems])
    return {"title": title, "kind": data.kind, "starts_at": starts, "ends_at": ends, "tz": tz.key,  # type: ignore[union-attr]
            "description": _clean(data.description, MAX_TEXT), "place": _clean(data.place, MAX_PLACE),
            "country": country, "lat": lat, "lon": lon, "capacity": data.capacity, "team_id": data.team_id,
            "record_id": record_id}


def _member(hub: Hub, team_id: int, user_id: int) -> bool:
    m = ct.team_members
    with hub.engine.connect() as conn:
        return conn.execute(select(m.c.id).where(m.c.team_id == team_id, m.c.user_id == user_id,
                                                 m.c.left_at.is_(None))).first() is not None


def _check_record(hub: Hub, record_id: str) -> None:
    from litterhub.services import registry

    try:
        registry.get_record(hub, record_id)
    except Exception:  # noqa: BLE001 - any refusal of the registry means "not a record one may link"
        raise EventInvalid(f"no published registry record {record_id!r}", field="record_id") from None


# --- reading -------------------------------------------------------------------------------------------------

def _aware(value: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _times(starts: datetime, ends: datetime, tz: str, viewer_tz: ZoneInfo | None) -> dict[str, Any]:
    z = ZoneInfo(tz)
    out = {"utc": {"start": starts.isoformat().replace("+00:00", "Z"), "end": ends.isoformat().replace("+00:00", "Z")},
           "local": {"tz": tz, "start": starts.astimezone(z).isoformat(), "end": ends.astimezone(z).isoformat(),
                     "label": _label(starts.astimezone(z), ends.astimezone(z))}}
    if viewer_tz is not None:
        out["viewer"] = {"tz": viewer_tz.key, "start": starts.astimezone(viewer_tz).isoformat(),
                         "end": ends.astimezone(viewer_tz).isoformat(),
                         "label": _label(starts.astimezone(viewer_tz), ends.astimezone(viewer_tz))}
    return out


def _label(a: datetime, b: datetime) -> str:
    """'2026-12-20 09:00–12:30 WET' (one day) or '2026-12-20 09:00 – 2026-12-21 17:00 WET'."""
    if a.date() == b.date():
        return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M} {a.tzname()}"
    return f"{a:%Y-%m-%d %H:%M} {a.tzname()} – {b:%Y-%m-%d %H:%M} {b.tzname()}"


def _as_dict(row: Any, registered: int, viewer_tz: ZoneInfo | None = None) -> dict[str, Any]:
    starts, ends = _aware(row.starts_at), _aware(row.ends_at)
    return {"id": row.id, "title": row.title, "description": row.description, "kind": row.kind, "tz": row.tz,
            "starts_at": starts, "ends_at": ends, "times": _times(starts, ends, row.tz, viewer_tz),
            "place": row.place, "country": row.country, "lat": row.lat, "lon": row.lon, "capacity": row.capacity,
            "registered": registered,
            "places_left": None if row.capacity is None else max(0, row.capacity - registered),
            "organiser_id": row.organiser_id, "team_id": row.team_id, "record_id": row.record_id,
            "cancelled": row.cancelled_at is not None, "past": ends < datetime.now(UTC),
            "url": f"/events/{row.id}", "ics": f"/events/{row.id}.ics"}


def _counts(conn, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    r = ct.event_registrations
    return dict(conn.execute(select(r.c.event_id, func.count()).where(r.c.event_id.in_(ids))
                             .group_by(r.c.event_id)).all())


def region_members(hub: Hub, region: str) -> tuple[str, ...]:
    """The countries of a regional group (services/regional_groups.py), for the calendar's region filter."""
    from litterhub.services import regional_groups

    group = regional_groups.get(hub, region)
    if group is None:
        raise EventInvalid(f"no regional group {region!r}", field="region")
    return group.members


def list_events(hub: Hub, when: str = "upcoming", kind: str | None = None, country: str | None = None,
                region: str | None = None, team_id: int | None = None, limit: int = 200,
                viewer_tz: str | None = None) -> list[dict[str, Any]]:
    """Events by time (upcoming: not yet ended, soonest first; past: latest first; all), kind, country, region."""
    if when not in ("upcoming", "past", "all"):
        raise EventInvalid("when must be upcoming, past or all", field="when")
    if kind and kind not in KINDS:
        raise EventInvalid(f"kind must be one of {', '.join(KINDS)}", field="kind")
    e = ct.calendar_events
    now = datetime.now(UTC)
    query = select(e)
    if when == "upcoming":
        query = query.where(e.c.ends_at >= now).order_by(e.c.starts_at, e.c.id)
    elif when == "past":
        query = query.where(e.c.ends_at < now).order_by(e.c.starts_at.desc(), e.c.id.desc())
    else:
        query = query.order_by(e.c.starts_at, e.c.id)
    if kind:
        query = query.where(e.c.kind == kind)
    if country:
        query = query.where(e.c.country == _country(country))
    if region:
        query = query.where(e.c.country.in_(region_members(hub, region)))
    if team_id is not None:
        query = query.where(e.c.team_id == team_id)
    tz = zone(viewer_tz, "viewer_tz") if viewer_tz else None
    with hub.engine.connect() as conn:
        rows = conn.execute(query.limit(max(1, min(limit, 1000)))).all()
        counts = _counts(conn, [r.id for r in rows])
    return [_as_dict(r, counts.get(r.id, 0), tz) for r in rows]


def _row(conn, event_id: int) -> Any:
    row = conn.execute(select(ct.calendar_events).where(ct.calendar_events.c.id == event_id)).first()
    if row is None:
        raise EventNotFound(f"no event {event_id}")
    return row


def may_manage(row: Any, who: Principal | None) -> bool:
    return who is not None and (who.id == row.organiser_id or who.can("admin"))


def get_event(hub: Hub, event_id: int, who: Principal | None = None, viewer_tz: str | None = None) -> dict[str, Any]:
    """One event with its registration count; whether the viewer is registered; the list for its organiser."""
    tz = zone(viewer_tz, "viewer_tz") if viewer_tz else None
    with hub.engine.connect() as conn:
        row = _row(conn, event_id)
        count = _counts(conn, [event_id]).get(event_id, 0)
        mine = who is not None and conn.execute(select(ct.event_registrations.c.id).where(
            ct.event_registrations.c.event_id == event_id,
            ct.event_registrations.c.user_id == who.id)).first() is not None
        organiser = conn.execute(select(t.users.c.display_name).where(t.users.c.id == row.organiser_id)).scalar()
        team = conn.execute(select(ct.teams.c.name).where(ct.teams.c.id == row.team_id)).scalar() \
            if row.team_id else None
    out = _as_dict(row, count, tz)
    out.update(registered_me=mine, may_manage=may_manage(row, who), organiser=organiser or None, team=team)
    return out


def registrations(hub: Hub, who: Principal, event_id: int) -> list[dict[str, Any]]:
    """Who registered (name and e-mail): for the organiser and admins only."""
    r, u = ct.event_registrations, t.users
    with hub.engine.connect() as conn:
        row = _row(conn, event_id)
        if not may_manage(row, who):
            raise EventForbidden("only the event's organiser (or an admin) sees who registered")
        rows = conn.execute(select(u.c.id, u.c.email, u.c.display_name, r.c.registered_at)
                            .join(u, u.c.id == r.c.user_id).where(r.c.event_id == event_id)
                            .order_by(r.c.registered_at, r.c.id)).all()
    return [{"user_id": x.id, "email": x.email, "name": x.display_name, "registered_at": _aware(x.registered_at)}
            for x in rows]


# --- writing -------------------------------------------------------------------------------------------------

def create_event(hub: Hub, who: Principal, data: EventInput) -> dict[str, Any]:
    values = _check(hub, who, data)
    now = datetime.now(UTC)
    with hub.engine.begin() as conn:
        event_id = conn.execute(insert(ct.calendar_events).values(
            **values, organiser_id=who.id, created_at=now, updated_at=now)).inserted_primary_key[0]
        auth.audit(conn, who.actor, "event.created", f"event:{event_id}", {"kind": values["kind"]})
    return get_event(hub, event_id, who)


def update_event(hub: Hub, who: Principal, event_id: int, data: EventInput) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = _row(conn, event_id)
    if not may_manage(row, who):
        raise EventForbidden("only the event's organiser (or an admin) edits it")
    values = _check(hub, who, data)
    if values["capacity"] is not None:
        with hub.engine.connect() as conn:
            taken = _counts(conn, [event_id]).get(event_id, 0)
        if taken > values["capacity"]:
            raise EventInvalid(f"{taken} people are registered already: the capacity cannot be lower",
                               field="capacity")
    with hub.engine.begin() as conn:
        conn.execute(update(ct.calendar_events).where(ct.calendar_events.c.id == event_id)
                     .values(**values, updated_at=datetime.now(UTC)))
        auth.audit(conn, who.actor, "event.updated", f"event:{event_id}", None)
    return get_event(hub, event_id, who)


def cancel_event(hub: Hub, who: Principal, event_id: int) -> dict[str, Any]:
    with hub.engine.begin() as conn:
        row = _row(conn, event_id)
        if not may_manage(row, who):
            raise EventForbidden("only the event's organiser (or an admin) cancels it")
        now = datetime.now(UTC)
        conn.execute(update(ct.calendar_events).where(ct.calendar_events.c.id == event_id)
                     .values(cancelled_at=row.cancelled_at or now, updated_at=now))
        auth.audit(conn, who.actor, "event.cancelled", f"event:{event_id}", None)
    return get_event(hub, event_id, who)


def register(hub: Hub, who: Principal, event_id: int) -> dict[str, Any]:
    """Register the signed-in person; refuses cancelled, ended and full events (idempotent when registered)."""
    r = ct.event_registrations
    with hub.engine.begin() as conn:
        row = conn.execute(select(ct.calendar_events).where(ct.calendar_events.c.id == event_id)
                           .with_for_update()).first()  # serialises the last places on PostgreSQL
        if row is None:
            raise EventNotFound(f"no event {event_id}")
        if row.cancelled_at is not None:
            raise Conflict("this event was cancelled", code="event-cancelled")
        if _aware(row.ends_at) < datetime.now(UTC):
            raise Conflict("this event is over", code="event-over")
        if conn.execute(select(r.c.id).where(r.c.event_id == event_id, r.c.user_id == who.id)).first():
            return {"registered": True, "event_id": event_id}
        taken = _counts(conn, [event_id]).get(event_id, 0)
        if row.capacity is not None and taken >= row.capacity:
            raise EventFull(f"this event is full ({row.capacity} places)")
        conn.execute(insert(r).values(event_id=event_id, user_id=who.id, registered_at=datetime.now(UTC)))
        if row.capacity is not None and _counts(conn, [event_id]).get(event_id, 0) > row.capacity:
            raise EventFull(f"this event is full ({row.capacity} places)")  # rolls the insert back
        auth.audit(conn, who.actor, "event.registered", f"event:{event_id}", None)
    starts = _aware(row.starts_at).astimezone(ZoneInfo(row.tz))
    _notify(hub, who.id, "event-registration", f"You are registered for {row.title}",
            f"{row.title}: {starts:%Y-%m-%d %H:%M} {starts.tzname()} ({row.tz}), {row.place or ''}".rstrip(", "),
            f"/events/{event_id}")
    return {"registered": True, "event_id": event_id}


def unregister(hub: Hub, who: Principal, event_id: int) -> dict[str, Any]:
    r = ct.event_registrations
    with hub.engine.begin() as conn:
        _row(conn, event_id)
        gone = conn.execute(delete(r).where(r.c.event_id == event_id, r.c.user_id == who.id)).rowcount
        if gone:
            auth.audit(conn, who.actor, "event.unregistered", f"event:{event_id}", None)
    return {"registered": False, "event_id": event_id}


def _notify(hub: Hub, user_id: int, kind: str, subject: str, body: str, link: str) -> None:
    """A confirmation in-app and by e-mail through services/notifications.py; never undoes the registration."""
    from litterhub.services import notifications

    notifications.notify_quietly(hub, [user_id], kind, subject, body, link)


def is_registered(hub: Hub, user_id: int, event_id: int) -> bool:
    r = ct.event_registrations
    with hub.engine.connect() as conn:
        return conn.execute(select(r.c.id).where(r.c.event_id == event_id, r.c.user_id == user_id)).first() is not None


def local_dates(event: dict[str, Any]) -> tuple[date, date]:
    """The calendar dates the event covers in its own zone (a survey made for it carries one of them)."""
    z = ZoneInfo(event["tz"])
    return event["starts_at"].astimezone(z).date(), event["ends_at"].astimezone(z).date()


# --- iCalendar -----------------------------------------------------------------------------------------------

def ical(events: list[dict[str, Any]], base_url: str = "", name: str = "litterhub events") -> bytes:
    """An RFC 5545 calendar of `events` (as `list_events` / `get_event` give them)."""
    from icalendar import Calendar, Event, vGeo

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for ev in events:
        z = ZoneInfo(ev["tz"])
        item = Event()
        item.add("uid", f"event-{ev['id']}@litterhub")
        item.add("dtstamp", stamp)
        item.add("dtstart", ev["starts_at"].astimezone(z))
        item.add("dtend", ev["ends_at"].astimezone(z))
        item.add("summary", ev["title"])
        if ev["description"]:
            item.add("description", ev["description"])
        location = ", ".join(filter(None, [ev["place"], ev["country"]]))
        if location:
            item.add("location", location)
        if ev["lat"] is not None and ev["lon"] is not None:
            item.add("geo", vGeo((ev["lat"], ev["lon"])))
        item.add("categories", [ev["kind"]])
        item.add("status", "CANCELLED" if ev["cancelled"] else "CONFIRMED")
        if base_url:
            item.add("url", f"{base_url.rstrip('/')}{ev['url']}")
        cal.add_component(item)
    if events:  # VTIMEZONE rules covering the events' years only (the default stops in 2038)
        years = [d.year for ev in events for d in (ev["starts_at"], ev["ends_at"])]
        cal.add_missing_timezones(date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1))
    return cal.to_ical()


def feed(hub: Hub, kind: str | None = None, country: str | None = None, base_url: str = "") -> bytes:
    """All events (upcoming and past: a subscribed calendar keeps its history), or those of a kind or country."""
    events = list_events(hub, "all", kind=kind, country=country, limit=1000)
    label = " · ".join(filter(None, ["litterhub events", kind, country and country.upper()]))
    return ical(events, base_url, label)


def single_ics(hub: Hub, event_id: int, base_url: str = "") -> bytes:
    return ical([get_event(hub, event_id)], base_url, f"litterhub event {event_id}")
