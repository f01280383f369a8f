"""Accounts, roles and API keys: who may write to the hub.

Passwords are hashed with Argon2id (argon2-cffi; parameters upgraded on login through
`check_needs_rehash`). API keys look like `mlh_<id>_<secret>`: only an HMAC-SHA-256 of the secret,
keyed with the deployment's secret, is stored, because keys are high-entropy and checked on every
request. Roles are ordered public < contributor < reviewer < admin; a key's scopes can only narrow
what its owner's role allows.
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
from sqlalchemy import insert, select, update

from litterhub.services.hub import Hub
from litterhub.store import contrib_tables as ct
from litterhub.store import tables as t

ROLES = ("public", "contributor", "reviewer", "admin")
# API key scopes (conventions A5) and the lowest role that may hold each.
SCOPES = {"read": "public", "submit": "contributor", "curate": "reviewer", "admin": "admin"}
KEY_PREFIX = "mlh"
MIN_PASSWORD_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
LAST_USED_GRANULARITY = timedelta(minutes=1)

# Argon2id profiles. The default is argon2-cffi's RFC 9106 low-memory profile; "test" exists only so the test
# suite stays fast and is refused unless LITTERHUB_TESTING=1 (a stray setting cannot weaken production).
PROFILES = {
    "default": {"time_cost": 3, "memory_cost": 65536, "parallelism": 4},
    "test": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}


class AuthError(ValueError):
    """A request about accounts that cannot be done; `code` is stable, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


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
    """The deployment secret (cookie signing, API-key HMAC): LITTERHUB_SECRET_KEY or `<data>/secret.key`.

    The file is created once with owner-only permissions; every worker of one deployment shares it.
    """
    env = os.environ.get("LITTERHUB_SECRET_KEY")
    if env:
        return env.encode()
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


def password_profile() -> str:
    name = os.environ.get("LITTERHUB_ARGON2_PROFILE", "default")
    if name not in PROFILES:
        raise AuthError("bad-setting", f"LITTERHUB_ARGON2_PROFILE must be one of {', '.join(PROFILES)}")
    if name != "default" and os.environ.get("LITTERHUB_TESTING") != "1":
        return "default"
    return name


@lru_cache(maxsize=4)
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher(**PROFILES[profile])


def password_hasher() -> PasswordHasher:
    return _hasher(password_profile())


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


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


def create_user(hub: Hub, email: str, password: str | None, role: str = "contributor",
                display_name: str | None = None, trusted: bool = False, show_name: bool = False,
                actor: str = "cli") -> User:
    """Create an account; `password` may be None for accounts that only use API keys."""
    email = normalise_email(email)
    role_rank(role)
    if password is not None:
        check_password_strength(password)
    display_name = (display_name or "").strip()[:200] or None
    now = datetime.now(UTC)
    with hub.engine.begin() as conn:
        if conn.execute(select(t.users.c.id).where(t.users.c.email == email)).first() is not None:
            raise AuthError("email-taken", "an account with that e-mail address already exists")
        uid = conn.execute(insert(t.users).values(
            email=email, display_name=display_name, role=role,
            password_hash=hash_password(password) if password is not None else None, active=True,
            trusted=trusted, show_name=show_name, created_at=now)).inserted_primary_key[0]
        audit(conn, actor, "user.created", f"user:{uid}", {"role": role, "trusted": trusted})
    return get_user(hub, uid)


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
    ph = password_hasher()
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
        profile = password_profile()
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


def default_scopes(role: str) -> list[str]:
    return [s for s, lowest in SCOPES.items() if at_least(role, lowest)]


def create_api_key(hub: Hub, user_id: int, scopes: list[str] | None = None, name: str = "",
                   expires_in_days: int | None = 365, actor: str = "cli") -> tuple[str, ApiKey]:
    """A new key for the user; returns the plaintext (shown once, never stored) and its record."""
    user = get_user(hub, user_id)
    scopes = list(dict.fromkeys(scopes or default_scopes(user.role)))
    for s in scopes:
        if s not in SCOPES:
            raise AuthError("unknown-scope", f"unknown scope {s!r}; scopes: {', '.join(SCOPES)}")
        if not at_least(user.role, SCOPES[s]):
            raise AuthError("scope-above-role", f"a {user.role} cannot hold the {s!r} scope")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(days=expires_in_days) if expires_in_days else None
    with hub.engine.begin() as conn:
        conn.execute(insert(ct.api_keys).values(id=key_id, user_id=user_id, name=name[:200], scopes=scopes,
                                                secret_hash=_key_hash(hub, secret), created_at=now,
                                                expires_at=expires))
        audit(conn, actor, "apikey.created", f"user:{user_id}", {"key_id": key_id, "scopes": scopes})
    return f"{KEY_PREFIX}_{key_id}_{secret}", ApiKey(key_id, user_id, name, tuple(scopes), now, expires, None, None)


def revoke_api_key(hub: Hub, key_id: str, actor: str) -> bool:
    with hub.engine.begin() as conn:
        n = conn.execute(update(ct.api_keys).where(ct.api_keys.c.id == key_id, ct.api_keys.c.revoked_at.is_(None))
                         .values(revoked_at=datetime.now(UTC))).rowcount
        if n:
            audit(conn, actor, "apikey.revoked", f"apikey:{key_id}", None)
    return bool(n)


def list_api_keys(hub: Hub, user_id: int) -> list[ApiKey]:
    with hub.engine.connect() as conn:
        rows = conn.execute(select(ct.api_keys).where(ct.api_keys.c.user_id == user_id)
                            .order_by(ct.api_keys.c.created_at)).all()
    return [ApiKey(r.id, r.user_id, r.name, tuple(r.scopes), r.created_at, r.expires_at, r.last_used_at,
                   r.revoked_at) for r in rows]


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything the hub writes is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def principal_for_key(hub: Hub, token: str) -> Principal | None:
    """The principal an API key stands for, or None when the key is malformed, unknown, expired or revoked."""
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    key_id, secret = parts[1], parts[2]
    with hub.engine.connect() as conn:
        key = conn.execute(select(ct.api_keys).where(ct.api_keys.c.id == key_id)).first()
        if key is None:
            return None
        row = conn.execute(select(*_USER_COLUMNS).where(t.users.c.id == key.user_id)).first()
    if not hmac.compare_digest(key.secret_hash, _key_hash(hub, secret)):
        return None
    now = datetime.now(UTC)
    if key.revoked_at is not None or (key.expires_at is not None and _aware(key.expires_at) <= now):
        return None
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
    try:
        user = get_user(hub, user_id)
    except AuthError:
        return None
    if not user.active:
        return None
    return Principal(user=user, role=user.role, via="session", scopes=tuple(default_scopes(user.role)))


# --- audit ---------------------------------------------------------------------------------------------------

def audit(conn, actor: str, action: str, target: str, detail: dict[str, Any] | None) -> None:
    """One audit-log row inside the caller's transaction (so the decision and its record commit together)."""
    conn.execute(insert(t.audit_log).values(at=datetime.now(UTC), actor=actor, action=action, target=target,
                                            detail=detail))
