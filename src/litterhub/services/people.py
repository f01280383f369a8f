"""People (issue 19, item 2): opt-in public profiles, the expert directory, and invitations by e-mail.

Contract:
- Private by default: an account has no profile until its owner writes one, and a profile is public only while
  its owner has opted in (`public`). A profile that is not public is answered `profile-not-found` (404) to
  everyone but its owner and admins, exactly like an account that has no profile, so its existence is not
  confirmed; the directory lists public profiles only. The e-mail address is never part of a profile.
- Expertise is chosen from the registry's topics (registry/entities.py `TOPICS`), languages are ISO 639-1 codes
  and the country an ISO 3166-1 alpha-3 code, so the directory's filters are exact.
- Invitations: an admin or a roster manager invites an e-mail address. The token is shown once (to the inviter,
  and sent through services/notifications.py when that module is present); only its keyed hash is stored. It is
  used once and expires (`INVITATION_DAYS`). Accepting creates the account (with the invited role) or, for a
  signed-in person, links the invitation to their account (raising their role to the invited one, never lowering
  it); an invitation to the roster also puts the person on the expert roster. The token is spent in the same
  transaction as the account it creates, so two acceptances cannot both succeed.
- Every refusal is a `PeopleError` (a HubError) with a stable `people-…` code.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pycountry
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from litterhub.errors import HubError
from litterhub.registry.entities import TOPICS, check_country
from litterhub.services import auth
from litterhub.services.focal_points import Acting
from litterhub.services.hub import Hub
from litterhub.store import people_tables as pt
from litterhub.store import tables as t

INVITATION_DAYS = 14  # long enough for a busy expert to read their mail; short enough that a leaked link dies
MAX_INVITATION_DAYS = 90
INVITABLE_ROLES = ("contributor", "reviewer")
MAX_BIO = 2_000
MAX_TEXT = 200
MAX_LANGUAGES = 12


class PeopleError(HubError, ValueError):
    """A request about profiles or invitations that cannot be done: stable `code`, message, status, field."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None):
        super().__init__(message, code=code, field=field, status=status,
                         errors=[{"code": code, "field": field, "message": message}])


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _iso(value: datetime | None) -> str | None:
    value = _aware(value)
    return value.isoformat() if value else None


def is_manager(hub: Hub, acting: Acting | None) -> bool:
    """Admins, and accounts an admin made roster managers, run the roster, invitations and peer reviews."""
    if acting is None:
        return False
    if acting.can("admin"):
        return True
    if acting.user_id is None:
        return False
    with hub.engine.connect() as conn:
        return conn.execute(select(pt.roster_managers.c.user_id).where(
            pt.roster_managers.c.user_id == acting.user_id)).first() is not None


def need_manager(hub: Hub, acting: Acting | None, what: str) -> None:
    if acting is None:
        raise PeopleError("people-sign-in", f"sign in to do this: {what}", 401)
    if not is_manager(hub, acting):
        raise PeopleError("people-forbidden", f"{what} is for admins and roster managers", 403)


def set_manager(hub: Hub, acting: Acting, user_id: int, manager: bool) -> None:
    """Make an account a roster manager, or stop it being one (admins only)."""
    if not acting.can("admin"):
        raise PeopleError("people-forbidden", "admins name roster managers", 403)
    auth.get_user(hub, user_id)
    m = pt.roster_managers
    with hub.engine.begin() as conn:
        present = conn.execute(select(m.c.user_id).where(m.c.user_id == user_id)).first() is not None
        if manager and not present:
            conn.execute(insert(m).values(user_id=user_id, added_by=acting.actor, added_at=_now()))
        elif not manager and present:
            conn.execute(m.delete().where(m.c.user_id == user_id))
        auth.audit(conn, acting.actor, "roster.manager", f"user:{user_id}", {"manager": manager})


def managers(hub: Hub) -> list[dict[str, Any]]:
    m = pt.roster_managers
    with hub.engine.connect() as conn:
        rows = conn.execute(select(m.c.user_id, t.users.c.display_name, t.users.c.email)
                            .join(t.users, t.users.c.id == m.c.user_id).order_by(m.c.user_id)).all()
    return [{"user_id": r.user_id, "name": r.display_name or f"user {r.user_id}", "email": r.email} for r in rows]


# --- profiles ------------------------------------------------------------------------------------------------

def _text(value: Any, field: str, limit: int = MAX_TEXT) -> str | None:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise PeopleError("people-text-too-long", f"{field} may have at most {limit} characters", 422, field)
    return text or None


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


def check_expertise(value: Any) -> list[str]:
    wanted = _list(value)
    bad = [v for v in wanted if v not in TOPICS]
    if bad:
        raise PeopleError("people-unknown-expertise", f"expertise is chosen from the hub's topics; unknown: "
                          f"{', '.join(bad)}", 422, "expertise")
    return list(dict.fromkeys(wanted))


def check_languages(value: Any) -> list[str]:
    out = []
    for code in _list(value):
        code = code.lower()
        if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
            raise PeopleError("people-unknown-language", f"{code!r} is not an ISO 639-1 language code", 422,
                              "languages")
        out.append(code)
    if len(out) > MAX_LANGUAGES:
        raise PeopleError("people-too-many", f"at most {MAX_LANGUAGES} languages", 422, "languages")
    return list(dict.fromkeys(out))


def _country(value: Any) -> str | None:
    text = (str(value or "")).strip()
    if not text:
        return None
    try:
        return check_country(text)
    except ValueError as exc:
        raise PeopleError("people-unknown-country", str(exc), 422, "country") from None


def _profile_dict(row: Any, user: Any) -> dict[str, Any]:
    return {"user_id": row.user_id, "public": bool(row.public),
            "display_name": row.display_name or (user.display_name if user is not None else None),
            "organisation": row.organisation, "country": row.country, "expertise": list(row.expertise or []),
            "languages": list(row.languages or []), "bio": row.bio, "updated_at": _iso(row.updated_at)}


def save_profile(hub: Hub, acting: Acting, data: dict[str, Any], user_id: int | None = None) -> dict[str, Any]:
    """Write the caller's profile (admins: anyone's, with `user_id`). `public` is false unless asked for."""
    target = user_id if user_id is not None else acting.user_id
    if target is None:
        raise PeopleError("people-sign-in", "profiles belong to accounts: sign in", 401)
    if target != acting.user_id and not acting.can("admin"):
        raise PeopleError("people-forbidden", "you may edit only your own profile", 403)
    values = {"display_name": _text(data.get("display_name"), "display_name"),
              "organisation": _text(data.get("organisation"), "organisation"),
              "country": _country(data.get("country")),
              "expertise": check_expertise(data.get("expertise")),
              "languages": check_languages(data.get("languages")),
              "bio": _text(data.get("bio"), "bio", MAX_BIO),
              "public": data.get("public") in (True, "true", "on", "1", 1),
              "updated_at": _now()}
    p = pt.people_profiles
    with hub.engine.begin() as conn:
        if conn.execute(select(p.c.user_id).where(p.c.user_id == target)).first() is None:
            conn.execute(insert(p).values(user_id=target, **values))
        else:
            conn.execute(update(p).where(p.c.user_id == target).values(**values))
        auth.audit(conn, acting.actor, "people.profile", f"user:{target}", {"public": values["public"]})
    return profile(hub, acting, target)


def own_profile(hub: Hub, acting: Acting) -> dict[str, Any]:
    """The caller's profile, or an empty private one (nothing is stored until they save)."""
    try:
        return profile(hub, acting, acting.user_id or 0)
    except PeopleError:
        user = auth.get_user(hub, acting.user_id or 0)
        return {"user_id": user.id, "public": False, "display_name": user.display_name, "organisation": None,
                "country": None, "expertise": [], "languages": [], "bio": None, "updated_at": None, "roster": False}


def profile(hub: Hub, acting: Acting | None, user_id: int) -> dict[str, Any]:
    """A profile as the caller may see it: public ones for everyone; a private one for its owner and admins."""
    p = pt.people_profiles
    with hub.engine.connect() as conn:
        row = conn.execute(select(p).where(p.c.user_id == user_id)).first()
        on_roster = conn.execute(select(pt.roster_members.c.id).where(
            pt.roster_members.c.user_id == user_id, pt.roster_members.c.removed_at.is_(None))).first() is not None
    owner = acting is not None and (acting.user_id == user_id or acting.can("admin"))
    user = None
    try:
        user = auth.get_user(hub, user_id)
    except auth.AuthError:
        pass
    listed = row is not None and row.public and user is not None and user.active  # a closed account is not shown
    if row is None or not (listed or owner):
        raise PeopleError("people-profile-not-found", f"no public profile {user_id}", 404, "user")
    return {**_profile_dict(row, user), "roster": on_roster}


def directory(hub: Hub, q: str = "", expertise: str | None = None, country: str | None = None,
              language: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Public profiles matching the search words (name, organisation, bio) and the filters, with facet counts of
    the matching profiles (so a filter offers only values that find someone)."""
    p = pt.people_profiles
    query = select(p, t.users.c.display_name.label("account_name")).join(t.users, t.users.c.id == p.c.user_id).where(
        p.c.public.is_(True), t.users.c.active.is_(True))
    if country:
        query = query.where(p.c.country == country.strip().upper()[:3])
    with hub.engine.connect() as conn:
        rows = conn.execute(query.order_by(p.c.user_id)).all()
        roster = set(conn.execute(select(pt.roster_members.c.user_id).where(
            pt.roster_members.c.removed_at.is_(None))).scalars())
    # words (SQLite's lower() folds ASCII only) and the JSON lists are matched here, the same way on both catalogs
    words = [w[:100] for w in (q or "").casefold().split()[:8]]

    def says(r: Any) -> bool:
        text = " ".join(x or "" for x in (r.display_name, r.account_name, r.organisation, r.bio)).casefold()
        return all(w in text for w in words)

    found = [r for r in rows if (not expertise or expertise in (r.expertise or []))
             and (not language or language.lower() in (r.languages or [])) and says(r)]
    facets: dict[str, dict[str, int]] = {"expertise": {}, "country": {}, "language": {}}
    for r in found:
        for e in r.expertise or []:
            facets["expertise"][e] = facets["expertise"].get(e, 0) + 1
        for lang in r.languages or []:
            facets["language"][lang] = facets["language"].get(lang, 0) + 1
        if r.country:
            facets["country"][r.country] = facets["country"].get(r.country, 0) + 1
    people = [{**_profile_dict(r, None), "display_name": r.display_name or r.account_name or f"user {r.user_id}",
               "roster": r.user_id in roster} for r in found]
    return {"total": len(people), "results": people[offset:offset + limit],
            "facets": {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in facets.items()}}


# --- invitations ---------------------------------------------------------------------------------------------

def _token_hash(hub: Hub, token: str) -> str:
    return hmac.new(auth.server_secret(hub), b"invitation:" + token.encode(), hashlib.sha256).hexdigest()


def _notify(hub: Hub, email: str, link: str, inviter: str) -> bool:
    """E-mail the invitation through the notifications capability's SMTP settings (services/notifications.py) when
    the deployment has an SMTP server; the link is shown to the inviter either way. The invitee has no account yet,
    so this is one direct message (not an outbox row, which belongs to an account); a failure is reported as not
    sent, never as a failed invitation."""
    if not hub.settings.smtp_host:
        return False
    try:
        notifications = importlib.import_module("litterhub.services.notifications")
    except ImportError:
        return False
    body = (f"{inviter} invites you to litterhub, the knowledge hub on marine litter and microplastics.\n\n"
            f"Accept the invitation: {link}\n\nThe link works once and expires; if you did not expect it, ignore "
            "this message.\n")
    counts = notifications._send_each(hub, [([], email, "An invitation to litterhub", body)])
    return counts.get("sent") == 1


def invite(hub: Hub, acting: Acting, email: str, role: str = "contributor", roster: bool = False,
           days: int = INVITATION_DAYS, base_url: str = "") -> dict[str, Any]:
    """Invite an e-mail address; returns the invitation with its one-time `token` and `link` (never stored)."""
    need_manager(hub, acting, "inviting people")
    try:
        email = auth.normalise_email(email)
    except auth.AuthError as exc:
        raise PeopleError("people-invalid-email", str(exc), 422, "email") from None
    if role not in INVITABLE_ROLES:
        raise PeopleError("people-invalid-role", f"an invitation gives one of: {', '.join(INVITABLE_ROLES)}", 422,
                          "role")
    if role == "reviewer" and not acting.can("admin"):
        raise PeopleError("people-forbidden", "only admins invite reviewers (the reviewer role moderates the hub)",
                          403, "role")
    if not 1 <= int(days) <= MAX_INVITATION_DAYS:
        raise PeopleError("people-invalid-days", f"an invitation lasts 1 to {MAX_INVITATION_DAYS} days", 422, "days")
    token = secrets.token_urlsafe(32)
    now = _now()
    with hub.engine.begin() as conn:
        inv_id = conn.execute(insert(pt.people_invitations).values(
            email=email, token_hash=_token_hash(hub, token), role=role, roster=bool(roster), invited_by=acting.actor,
            created_at=now, expires_at=now + timedelta(days=int(days)))).inserted_primary_key[0]
        auth.audit(conn, acting.actor, "people.invited", f"invitation:{inv_id}", {"role": role, "roster": roster})
    base = hub.settings.base_url or base_url  # the deployment's public address wins over the request's
    link = f"{base.rstrip('/')}/people/invitations/{token}"
    sent = _notify(hub, email, link, acting.name or "A manager of the hub")
    return {"id": inv_id, "email": email, "role": role, "roster": bool(roster), "token": token, "link": link,
            "expires_at": _iso(now + timedelta(days=int(days))), "sent": sent}


def invitations(hub: Hub, acting: Acting) -> list[dict[str, Any]]:
    """Every invitation with its state (pending, accepted, expired): for managers; tokens are never shown again."""
    need_manager(hub, acting, "seeing invitations")
    i = pt.people_invitations
    now = _now()
    with hub.engine.connect() as conn:
        rows = conn.execute(select(i).order_by(i.c.id.desc()).limit(200)).all()
    return [{"id": r.id, "email": r.email, "role": r.role, "roster": bool(r.roster), "invited_by": r.invited_by,
             "created_at": _iso(r.created_at), "expires_at": _iso(r.expires_at),
             "state": "accepted" if r.accepted_at else ("expired" if _aware(r.expires_at) <= now else "pending"),
             "accepted_user_id": r.accepted_user_id} for r in rows]


def _live_invitation(conn, hub: Hub, token: str):
    if not token or len(token) > 200:
        raise PeopleError("people-invitation-not-found", "no such invitation", 404, "token")
    row = conn.execute(select(pt.people_invitations).where(
        pt.people_invitations.c.token_hash == _token_hash(hub, token))).first()
    if row is None:
        raise PeopleError("people-invitation-not-found", "no such invitation", 404, "token")
    if row.accepted_at is not None:
        raise PeopleError("people-invitation-used", "this invitation has already been used", 410, "token")
    if _aware(row.expires_at) <= _now():
        raise PeopleError("people-invitation-expired", "this invitation has expired; ask for a new one", 410,
                          "token")
    return row


def invitation(hub: Hub, token: str) -> dict[str, Any]:
    """What the acceptance page shows: the address invited, the role, and whether an account has it."""
    with hub.engine.connect() as conn:
        row = _live_invitation(conn, hub, token)
    return {"email": row.email, "role": row.role, "roster": bool(row.roster), "expires_at": _iso(row.expires_at),
            "has_account": auth.find_user(hub, row.email) is not None}


def accept(hub: Hub, token: str, acting: Acting | None = None, password: str | None = None,
           display_name: str | None = None) -> auth.User:
    """Spend the invitation: link it to the signed-in account (`acting`), or create the invited account with
    `password`. Returns the account."""
    if acting is None and password is not None:
        auth.check_password_strength(password)
    hashed = auth.hash_password(password, hub.settings.argon2_profile) if acting is None and password else None
    i = pt.people_invitations
    try:
        with hub.engine.begin() as conn:
            row = _live_invitation(conn, hub, token)
            if acting is not None and acting.user_id is not None:
                user_id = acting.user_id
            else:
                if conn.execute(select(t.users.c.id).where(t.users.c.email == row.email)).first() is not None:
                    raise PeopleError("people-invitation-sign-in", "an account with this address exists: sign in, "
                                      "then accept the invitation", 409, "email")
                if hashed is None:
                    raise PeopleError("people-missing-value", "choose a password for the new account", 422,
                                      "password")
                user_id = auth._insert_user(conn, row.email, hashed, row.role, display_name, False, False,
                                            f"invitation:{row.id}")
            spent = conn.execute(update(i).where(i.c.id == row.id, i.c.accepted_at.is_(None)).values(
                accepted_at=_now(), accepted_user_id=user_id)).rowcount
            if spent != 1:
                raise PeopleError("people-invitation-used", "this invitation has already been used", 410, "token")
            current = conn.execute(select(t.users.c.role).where(t.users.c.id == user_id)).scalar()
            if current is not None and not auth.at_least(current, row.role):
                conn.execute(update(t.users).where(t.users.c.id == user_id).values(role=row.role))
            if row.roster:
                _roster_add(conn, user_id, [], "", [], [], f"invitation:{row.id}")
            auth.audit(conn, f"user:{user_id}", "people.invitation_accepted", f"invitation:{row.id}",
                       {"role": row.role, "roster": bool(row.roster)})
    except IntegrityError:
        raise PeopleError("people-invitation-used", "this invitation has already been used", 410, "token") from None
    return auth.get_user(hub, user_id)


def _roster_add(conn, user_id: int, expertise: list[str], conflicts: str, orgs: list[str], records: list[str],
                actor: str) -> None:
    """Put an account on the roster, or replace its declarations if it is on it (one live row per account)."""
    r = pt.roster_members
    now = _now()
    conn.execute(update(r).where(r.c.user_id == user_id, r.c.removed_at.is_(None)).values(removed_at=now))
    conn.execute(insert(r).values(user_id=user_id, expertise=expertise, conflicts=conflicts, conflict_orgs=orgs,
                                  conflict_records=records, added_by=actor, added_at=now))
