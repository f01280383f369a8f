"""Accounts, roles and API keys: who may write to the hub.

Passwords are hashed with Argon2id (argon2-cffi; parameters upgraded on login through
`check_needs_rehash`). API keys look like `mlh_<id>_<secret>`: only an HMAC-SHA-256 of the secret,
keyed with the deployment's secret, is stored, because keys are high-entropy and checked on every
request. Roles are ordered public < contributor < reviewer < admin; a key's scopes can only narrow
what its owner's role allows.

Access rules (issue 13):
- Login sessions live server-side (`store/session_tables.py`): the cookie carries a random token only, so
  ending a session (logout, `litterhub users end-sessions`) works on the next request, and the role is read
  from `users` on every request.
- A key made with another key (its parent) can neither outlive nor out-scope it; revoking a key revokes
  every key it made; only a signed-in person or a key holding the `keys` scope may create, list or revoke
  keys, and such a key manages only itself and its descendants.
- Registration answers the same whether or not the address has an account (same work, same answer); the
  owner of an existing account finds the attempt among the notices on their account page.
- Password hashing is CPU-heavy: callers on the event loop run it in a thread (`http/deps.py: off_loop`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from litterhub.errors import HubError
from litterhub.services.hub import Hub
from litterhub.store import contrib_tables as ct
from litterhub.store import session_tables as st
from litterhub.store import tables as t

ROLES = ("public", "contributor", "reviewer", "admin")
# API key scopes (conventions A5) and the lowest role that may hold each. `keys` lets a key create, list and
# revoke keys (its own descendants only); it is never given by default, because a stolen read key must not
# be able to mint more keys.
KEYS_SCOPE = "keys"
SCOPES = {"read": "public", "submit": "contributor", "curate": "reviewer", "admin": "admin", KEYS_SCOPE: "public"}
DEFAULT_KEY_DAYS = 365
MAX_KEY_DEPTH = 16  # a chain of keys made by keys; deeper chains are refused rather than walked
# Browser sessions end after 14 days whatever happens; a fortnight matches the old signed cookie's lifetime.
SESSION_LIFETIME = timedelta(days=14)
NOTICE_DAYS = 90  # how long account notices (someone tried to register with your address) stay on the page
KEY_PREFIX = "mlh"
MIN_PASSWORD_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
LAST_USED_GRANULARITY = timedelta(minutes=1)

# Argon2id profiles (Settings.argon2_profile, LITTERHUB_ARGON2_PROFILE). The default is argon2-cffi's RFC 9106
# low-memory profile; "fast" costs ~1/200 of it, for test suites and throwaway hubs: never for real accounts.
PROFILES = {
    "default": {"time_cost": 3, "memory_cost": 65536, "parallelism": 4},
    "fast": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}


class AuthError(HubError, ValueError):
    """A request about accounts that cannot be done; `code` is stable, the message is for people."""

    FORBIDDEN = frozenset({"key-management-scope", "scope-above-parent", "scope-above-role", "not-your-key"})

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

    @property
    def status(self) -> int:
        """The HTTP status this refusal maps to (API and web alike)."""
        if self.code in ("no-such-user", "no-such-key"):
            return 404
        return 403 if self.code in self.FORBIDDEN else 422


def role_rank(role: str) -> int:
    try:
        return ROLES.index(role)
    except ValueError:
        raise AuthError("unknown-role", f"unknown role {role!r}; roles: {', '.join(ROLES)}") from None


def at_least(role: str, required: str) -> bool:
    return role_rank(role) >= role_rank(required)


@dataclass(frozen=True)
class User:
    """An account as services see it (never carries the password hash)."""

    id: int
    email: str
    display_name: str | None
    role: str
    trusted: bool = False
    active: bool = True
    show_name: bool = False
    created_at: datetime | None = None

    @property
    def public_name(self) -> str | None:
        """The name shown beside contributions: only when the contributor opted in."""
        return (self.display_name or None) if self.show_name else None


@dataclass(frozen=True)
class Principal:
    """Who is making a request: the user, how they authenticated and the role in effect.

    With an API key the effective role is the lower of the user's role and what the key's scopes allow.
    """

    user: User
    role: str
    via: str  # "session" | "apikey"
    scopes: tuple[str, ...] = field(default_factory=tuple)
    key_id: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def display_name(self) -> str | None:
        return self.user.display_name

    @property
    def trusted(self) -> bool:
        return self.user.trusted

    @property
    def actor(self) -> str:
        """How this principal is named in the audit log."""
        return f"user:{self.user.id}"

    def can(self, role: str) -> bool:
        return at_least(self.role, role)


# --- secrets and hashing -------------------------------------------------------------------------------------

_SECRETS: dict[Path, bytes] = {}


def server_secret(hub: Hub) -> bytes:
    """The deployment secret (cookie signing, API-key HMAC): Settings.secret_key or `<data>/secret.key`.

    The file is created once with owner-only permissions; every worker of one deployment shares it.
    """
    if hub.settings.secret_key:
        return hub.settings.secret_key.encode()
    path = hub.settings.data_dir / "secret.key"
    cached = _SECRETS.get(path)
    if cached is not None:
        return cached
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        except FileExistsError:  # another worker won the race
            pass
    value = path.read_text().strip().encode()
    _SECRETS[path] = value
    return value


@lru_cache(maxsize=4)
def password_hasher(profile: str = "default") -> PasswordHasher:
    """The Argon2id hasher of a profile (the hub's is `hub.settings.argon2_profile`, checked when it opened)."""
    return PasswordHasher(**PROFILES[profile])


def hash_password(password: str, profile: str = "default") -> str:
    return password_hasher(profile).hash(password)


def _key_hash(hub: Hub, secret: str) -> str:
    return hmac.new(server_secret(hub), secret.encode(), hashlib.sha256).hexdigest()


# --- users ---------------------------------------------------------------------------------------------------

def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 320 or not EMAIL_RE.match(email):
        raise AuthError("invalid-email", "that does not look like an e-mail address")
    return email


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError("weak-password", f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1024:
        raise AuthError("weak-password", "passwords may have at most 1024 characters")


def _user(row: Any) -> User:
    m = row._mapping
    return User(id=m["id"], email=m["email"], display_name=m["display_name"], role=m["role"],
                trusted=bool(m["trusted"]), active=bool(m["active"]), show_name=bool(m["show_name"]),
                created_at=m["created_at"])


_USER_COLUMNS = [t.users.c.id, t.users.c.email, t.users.c.display_name, t.users.c.role, t.users.c.trusted,
                 t.users.c.active, t.users.c.show_name, t.users.c.created_at]


def _insert_user(conn, email: str, password_hash: str | None, role: str, display_name: str | None,
                 trusted: bool, show_name: bool, actor: str) -> int:
    uid = conn.execute(insert(t.users).values(
        email=email, display_name=(display_name or "").strip()[:200] or None, role=role,
        password_hash=password_hash, active=True, trusted=trusted, show_name=show_name,
        created_at=datetime.now(UTC))).inserted_primary_key[0]
    audit(conn, actor, "user.created", f"user:{uid}", {"role": role, "trusted": trusted})
    return uid


def _user_id_for(conn, email: str) -> int | None:
    return conn.execute(select(t.users.c.id).where(t.users.c.email == email)).scalar()


def create_user(hub: Hub, email: str, password: str | None, role: str = "contributor",
                display_name: str | None = None, trusted: bool = False, show_name: bool = False,
                actor: str = "cli") -> User:
    """Create an account (operator and admin use: says so when the address is taken); `password` may be None
    for accounts that only use API keys. Self-service sign-up goes through `register`."""
    email = normalise_email(email)
    role_rank(role)
    if password is not None:
        check_password_strength(password)
    with hub.engine.begin() as conn:
        if _user_id_for(conn, email) is not None:
            raise AuthError("email-taken", "an account with that e-mail address already exists")
        hashed = hash_password(password, hub.settings.argon2_profile) if password is not None else None
        uid = _insert_user(conn, email, hashed, role, display_name, trusted, show_name, actor)
    return get_user(hub, uid)


def register(hub: Hub, email: str, password: str, display_name: str | None = None, show_name: bool = False,
             actor: str = "web:register") -> None:
    """Self-service sign-up as a contributor that does not reveal whether the address has an account.

    Both paths validate, hash the password (the costly step, so timing tells nothing) and return nothing.
    A new address gets an account; a known one gets a notice recorded for its owner (there is no mail
    channel: the notice appears on their account page) and its account is left untouched.
    """
    email = normalise_email(email)
    check_password_strength(password)
    hashed = hash_password(password, hub.settings.argon2_profile)
    try:
        with hub.engine.begin() as conn:
            existing = _user_id_for(conn, email)
            if existing is None:
                _insert_user(conn, email, hashed, "contributor", display_name, False, show_name, actor)
                return
    except IntegrityError:  # a concurrent sign-up with the same address won the race
        with hub.engine.connect() as conn:
            existing = _user_id_for(conn, email)
        if existing is None:
            raise
    with hub.engine.begin() as conn:
        audit(conn, actor, "user.register_existing", f"user:{existing}", None)


def notices(hub: Hub, user_id: int) -> list[dict[str, Any]]:
    """Recent events the account's owner should know about (sign-up attempts with their address), newest first."""
    since = datetime.now(UTC) - timedelta(days=NOTICE_DAYS)
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.audit_log.c.at, t.audit_log.c.action).where(
            t.audit_log.c.target == f"user:{user_id}", t.audit_log.c.action == "user.register_existing",
            t.audit_log.c.at >= since).order_by(t.audit_log.c.at.desc()).limit(20)).all()
    return [{"at": _aware(at), "action": action} for at, action in rows]


def get_user(hub: Hub, user_id: int) -> User:
    with hub.engine.connect() as conn:
        row = conn.execute(select(*_USER_COLUMNS).where(t.users.c.id == user_id)).first()
    if row is None:
        raise AuthError("no-such-user", f"no user {user_id}")
    return _user(row)


def find_user(hub: Hub, email: str) -> User | None:
    try:
        email = normalise_email(email)
    except AuthError:
        return None
    with hub.engine.connect() as conn:
        row = conn.execute(select(*_USER_COLUMNS).where(t.users.c.email == email)).first()
    return _user(row) if row else None


def list_users(hub: Hub) -> list[User]:
    with hub.engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(*_USER_COLUMNS).order_by(t.users.c.id))]


def set_role(hub: Hub, user_id: int, role: str, actor: str) -> User:
    """Takes effect on the caller's next request: sessions and keys read the role from `users` each time."""
    role_rank(role)
    with hub.engine.begin() as conn:
        conn.execute(update(t.users).where(t.users.c.id == user_id).values(role=role))
        audit(conn, actor, "user.role", f"user:{user_id}", {"role": role})
    return get_user(hub, user_id)


def set_trusted(hub: Hub, user_id: int, trusted: bool, actor: str) -> User:
    """Trusted contributors have their submissions approved automatically (OpenLitterMap's trust levels)."""
    with hub.engine.begin() as conn:
        conn.execute(update(t.users).where(t.users.c.id == user_id).values(trusted=trusted))
        audit(conn, actor, "user.trusted", f"user:{user_id}", {"trusted": trusted})
    return get_user(hub, user_id)


def set_profile(hub: Hub, user_id: int, display_name: str | None, show_name: bool) -> User:
    with hub.engine.begin() as conn:
        conn.execute(update(t.users).where(t.users.c.id == user_id).values(
            display_name=(display_name or "").strip()[:200] or None, show_name=show_name))
    return get_user(hub, user_id)


_DUMMY_HASH: dict[str, str] = {}


def authenticate(hub: Hub, email: str, password: str) -> User | None:
    """The user for these credentials, or None. Rehashes the password when the parameters changed."""
    profile = hub.settings.argon2_profile
    ph = password_hasher(profile)
    with hub.engine.connect() as conn:
        row = None
        try:
            row = conn.execute(select(*_USER_COLUMNS, t.users.c.password_hash)
                               .where(t.users.c.email == normalise_email(email))).first()
        except AuthError:
            pass
    stored = row._mapping["password_hash"] if row is not None else None
    if not stored:
        # Same work as a real check, so response time does not reveal which e-mail addresses exist.
        dummy = _DUMMY_HASH.setdefault(profile, ph.hash("not-a-password"))
        try:
            ph.verify(dummy, password or "")
        except VerificationError:
            pass
        return None
    try:
        ph.verify(stored, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    user = _user(row)
    if not user.active:
        return None
    values: dict[str, Any] = {"last_login_at": datetime.now(UTC)}
    if ph.check_needs_rehash(stored):
        values["password_hash"] = ph.hash(password)
    with hub.engine.begin() as conn:
        conn.execute(update(t.users).where(t.users.c.id == user.id).values(**values))
    return user


def change_password(hub: Hub, user_id: int, current: str | None, new: str, actor: str) -> None:
    """Set a new password after checking the current one (`current` None: an operator's reset), and end every
    session of the account, so a password change also throws out whoever else was signed in."""
    check_password_strength(new)
    if current is not None:
        with hub.engine.connect() as conn:
            stored = conn.execute(select(t.users.c.password_hash).where(t.users.c.id == user_id)).scalar()
        try:
            password_hasher(hub.settings.argon2_profile).verify(stored or "", current)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise AuthError("wrong-password", "the current password is not right") from None
    hashed = hash_password(new, hub.settings.argon2_profile)
    with hub.engine.begin() as conn:
        n = conn.execute(update(t.users).where(t.users.c.id == user_id).values(password_hash=hashed)).rowcount
        if not n:
            raise AuthError("no-such-user", f"no user {user_id}")
        conn.execute(delete(st.sessions).where(st.sessions.c.user_id == user_id))
        audit(conn, actor, "user.password_changed", f"user:{user_id}", {"reset": current is None})


# --- API keys ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ApiKey:
    id: str
    user_id: int
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    parent_id: str | None = None


def _api_key(r: Any) -> ApiKey:
    return ApiKey(r.id, r.user_id, r.name, tuple(r.scopes), _aware(r.created_at), _aware(r.expires_at),
                  _aware(r.last_used_at), _aware(r.revoked_at), r.parent_id)


def grantable_scopes(role: str) -> list[str]:
    """Every scope the role may hold (what a signed-in person may put on a key)."""
    return [s for s, lowest in SCOPES.items() if at_least(role, lowest)]


def default_scopes(role: str) -> list[str]:
    """The scopes a new key gets when none are named: what the role allows, except key management."""
    return [s for s in grantable_scopes(role) if s != KEYS_SCOPE]


def may_manage_keys(principal: Principal) -> bool:
    """Signed-in people manage their keys; a key only with the `keys` scope."""
    return principal.via != "apikey" or KEYS_SCOPE in principal.scopes


def _need_key_management(principal: Principal) -> None:
    if not may_manage_keys(principal):
        raise AuthError("key-management-scope", f"this API key lacks the {KEYS_SCOPE!r} scope needed to manage keys; "
                                                "sign in, or use a key that has it")


def _key_row(conn, key_id: str):
    return conn.execute(select(ct.api_keys).where(ct.api_keys.c.id == key_id)).first()


def _descendants(conn, key_id: str) -> list[str]:
    """Ids of every key made, directly or through others, by `key_id` (breadth first)."""
    found: list[str] = []
    frontier = [key_id]
    for _ in range(MAX_KEY_DEPTH):
        frontier = list(conn.execute(select(ct.api_keys.c.id).where(ct.api_keys.c.parent_id.in_(frontier))).scalars())
        if not frontier:
            break
        found += frontier
    return found


def create_api_key(hub: Hub, user_id: int, scopes: list[str] | None = None, name: str = "",
                   expires_in_days: int | None = DEFAULT_KEY_DAYS, actor: str = "cli",
                   parent: Principal | None = None, fit_parent: bool = True) -> tuple[str, ApiKey]:
    """A new key for the user; returns the plaintext (shown once, never stored) and its record.

    `parent` is the credential asking (None: the operator's CLI). A key asking needs the `keys` scope, and the
    new key gets at most its scopes and expires no later than it (`fit_parent`: a longer wish is shortened;
    else refused, as the API does when a lifetime is asked for explicitly); a session may grant what the
    account's role allows. `expires_in_days` None: never.
    """
    user = get_user(hub, user_id)
    if parent is not None:
        _need_key_management(parent)
        if parent.id != user_id:
            raise AuthError("not-your-key", "keys are created for your own account only")
    via_key = parent is not None and parent.via == "apikey"
    ceiling = set(parent.scopes) if via_key else set(grantable_scopes(user.role))
    scopes = list(dict.fromkeys(scopes or [s for s in default_scopes(user.role) if s in ceiling]))
    for s in scopes:
        if s not in SCOPES:
            raise AuthError("unknown-scope", f"unknown scope {s!r}; scopes: {', '.join(SCOPES)}")
        if not at_least(user.role, SCOPES[s]):
            raise AuthError("scope-above-role", f"a {user.role} cannot hold the {s!r} scope")
        if s not in ceiling:
            raise AuthError("scope-above-parent", f"you cannot grant the {s!r} scope: the key you call with lacks it")
    now = datetime.now(UTC)
    expires = now + timedelta(days=expires_in_days) if expires_in_days else None
    with hub.engine.begin() as conn:
        parent_id = None
        if via_key:
            parent_row = _key_row(conn, parent.key_id)
            parent_id = parent.key_id
            limit = _aware(parent_row.expires_at) if parent_row is not None else now
            if limit is not None and (expires is None or expires > limit):
                if not fit_parent:
                    raise AuthError("key-outlives-parent", "a key cannot outlive the key that creates it, which "
                                                           f"expires {limit.isoformat(timespec='minutes')}")
                expires = limit
        key_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        conn.execute(insert(ct.api_keys).values(id=key_id, user_id=user_id, name=name[:200], scopes=scopes,
                                                secret_hash=_key_hash(hub, secret), created_at=now,
                                                expires_at=expires, parent_id=parent_id))
        audit(conn, actor, "apikey.created", f"user:{user_id}",
              {"key_id": key_id, "scopes": scopes, "parent": parent_id})
    record = ApiKey(key_id, user_id, name, tuple(scopes), now, expires, None, None, parent_id)
    return f"{KEY_PREFIX}_{key_id}_{secret}", record


def revoke_api_key(hub: Hub, key_id: str, actor: str) -> list[str]:
    """Revoke a key and every key it made; returns the ids revoked now (empty if all already were)."""
    now = datetime.now(UTC)
    with hub.engine.begin() as conn:
        ids = [key_id, *_descendants(conn, key_id)]
        active = list(conn.execute(select(ct.api_keys.c.id).where(
            ct.api_keys.c.id.in_(ids), ct.api_keys.c.revoked_at.is_(None))).scalars())
        if active:
            conn.execute(update(ct.api_keys).where(ct.api_keys.c.id.in_(active)).values(revoked_at=now))
            audit(conn, actor, "apikey.revoked", f"apikey:{key_id}",
                  {"cascade": [i for i in active if i != key_id]})
    return sorted(active, key=ids.index)


def list_api_keys(hub: Hub, user_id: int) -> list[ApiKey]:
    with hub.engine.connect() as conn:
        rows = conn.execute(select(ct.api_keys).where(ct.api_keys.c.user_id == user_id)
                            .order_by(ct.api_keys.c.created_at)).all()
    return [_api_key(r) for r in rows]


def manageable_keys(hub: Hub, principal: Principal) -> list[ApiKey]:
    """The keys this principal may list and revoke: all the account's keys for a signed-in person; for a key
    with the `keys` scope, itself and the keys it made."""
    _need_key_management(principal)
    keys = list_api_keys(hub, principal.id)
    if principal.via != "apikey":
        return keys
    with hub.engine.connect() as conn:
        mine = {principal.key_id, *_descendants(conn, principal.key_id)}
    return [k for k in keys if k.id in mine]


def revoke_own_key(hub: Hub, principal: Principal, key_id: str) -> list[str]:
    """Revoke one of the keys `principal` may manage (admins acting through a session or an admin+keys key:
    anyone's); others' keys are reported as not found so their ids are not confirmed."""
    _need_key_management(principal)
    if key_id not in {k.id for k in manageable_keys(hub, principal)} and not principal.can("admin"):
        raise AuthError("no-such-key", "no such key")
    with hub.engine.connect() as conn:
        if _key_row(conn, key_id) is None:
            raise AuthError("no-such-key", "no such key")
    return revoke_api_key(hub, key_id, principal.actor)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything the hub writes is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _usable(key: Any, now: datetime) -> bool:
    return key is not None and key.revoked_at is None and (key.expires_at is None or _aware(key.expires_at) > now)


def principal_for_key(hub: Hub, token: str) -> Principal | None:
    """The principal an API key stands for, or None when the key is malformed, unknown, expired or revoked,
    or when any key up its chain of parents is (so a child never outlives a parent, even one revoked while
    the child was being made)."""
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    key_id, secret = parts[1], parts[2]
    now = datetime.now(UTC)
    with hub.engine.connect() as conn:
        key = _key_row(conn, key_id)
        if key is None or not hmac.compare_digest(key.secret_hash, _key_hash(hub, secret)) or not _usable(key, now):
            return None
        ancestor, depth = key.parent_id, 0
        while ancestor is not None:
            depth += 1
            row = _key_row(conn, ancestor)
            if depth > MAX_KEY_DEPTH or not _usable(row, now):
                return None
            ancestor = row.parent_id
        row = conn.execute(select(*_USER_COLUMNS).where(t.users.c.id == key.user_id)).first()
    if row is None:
        return None
    user = _user(row)
    if not user.active:
        return None
    last = _aware(key.last_used_at)
    if last is None or now - last > LAST_USED_GRANULARITY:
        with hub.engine.begin() as conn:
            conn.execute(update(ct.api_keys).where(ct.api_keys.c.id == key_id).values(last_used_at=now))
    scopes = tuple(key.scopes)
    allowed = max((role_rank(SCOPES[s]) for s in scopes if s in SCOPES), default=0)
    role = ROLES[min(role_rank(user.role), allowed)]
    return Principal(user=user, role=role, via="apikey", scopes=scopes, key_id=key_id)


def principal_for_session(hub: Hub, user_id: int) -> Principal | None:
    """The principal of a signed-in user, with the role `users` holds now."""
    try:
        user = get_user(hub, user_id)
    except AuthError:
        return None
    if not user.active:
        return None
    return Principal(user=user, role=user.role, via="session", scopes=tuple(grantable_scopes(user.role)))


# --- login sessions ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Session:
    """A live browser session: whose it is and the nonce its CSRF tokens are derived from."""

    user_id: int
    csrf: str
    expires_at: datetime


def start_session(hub: Hub, user_id: int) -> tuple[str, Session]:
    """A new session for the user; returns the token for the cookie (only its keyed hash is stored).

    Expired sessions are swept here, so the table stays as small as the number of live sessions.
    """
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session = Session(user_id, secrets.token_urlsafe(24), now + SESSION_LIFETIME)
    with hub.engine.begin() as conn:
        conn.execute(delete(st.sessions).where(st.sessions.c.expires_at <= now))
        conn.execute(insert(st.sessions).values(token_hash=_key_hash(hub, token), user_id=user_id,
                                                csrf=session.csrf, created_at=now, last_seen_at=now,
                                                expires_at=session.expires_at))
    return token, session


def session_for_token(hub: Hub, token: str | None) -> Session | None:
    """The live session behind a cookie's token, or None (unknown, ended or expired)."""
    if not token or len(token) > 200:
        return None
    digest = _key_hash(hub, token)
    now = datetime.now(UTC)
    with hub.engine.connect() as conn:
        row = conn.execute(select(st.sessions).where(st.sessions.c.token_hash == digest)).first()
    if row is None or _aware(row.expires_at) <= now:
        return None
    if now - _aware(row.last_seen_at) > LAST_USED_GRANULARITY:
        with hub.engine.begin() as conn:
            conn.execute(update(st.sessions).where(st.sessions.c.token_hash == digest).values(last_seen_at=now))
    return Session(row.user_id, row.csrf, _aware(row.expires_at))


def end_session(hub: Hub, token: str | None) -> bool:
    """Log out: the token stops working at once, on every worker."""
    if not token:
        return False
    with hub.engine.begin() as conn:
        return bool(conn.execute(delete(st.sessions).where(
            st.sessions.c.token_hash == _key_hash(hub, token))).rowcount)


def end_sessions(hub: Hub, user_id: int, actor: str) -> int:
    """Sign the user out everywhere (a lost laptop, a departing reviewer); returns how many sessions ended."""
    with hub.engine.begin() as conn:
        n = conn.execute(delete(st.sessions).where(st.sessions.c.user_id == user_id)).rowcount
        audit(conn, actor, "user.sessions_ended", f"user:{user_id}", {"sessions": n})
    return n


# --- audit ---------------------------------------------------------------------------------------------------

def audit(conn, actor: str, action: str, target: str, detail: dict[str, Any] | None) -> None:
    """One audit-log row inside the caller's transaction (so the decision and its record commit together)."""
    conn.execute(insert(t.audit_log).values(at=datetime.now(UTC), actor=actor, action=action, target=target,
                                            detail=detail))
