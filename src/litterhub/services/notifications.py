"""Notifications: in-app rows, e-mail through SMTP (at once or as a daily digest), and subscriptions (issue 19).

The API other services call (all take the open `Hub`; user ids are `users.id`):

    notify(hub, user_ids, kind, subject, body, link, exclude=None) -> list[int]
        one in-app notification per (active, distinct) user, and an e-mail queued per their choice; returns the
        notification ids. `kind` is a short kebab-case word (reply, mention, new-thread, review-decision,
        capacity-request, new-record, ...); `link` a path of the hub ("/forum/threads/3#post-2").
    notify_quietly(...)  the same, but a failure is logged and never reaches the caller (hooks in workflows)
    subscribe(hub, user_id, kind, target) / unsubscribe(...) -> bool;  is_following(...) -> bool
    followers(hub, kind, targets) -> set[int]    who follows any of `targets` of `kind`
        kinds: thread (a thread id), theme (a registry topic), region (a region record id), country (ISO3);
        other capabilities may use their own kebab-case kind (event, team, ...).
    user_id_of(actor) -> int | None     "user:12" (the audit actor of services) -> 12

Contract:
- Nothing is lost: an e-mail is an outbox row (`notification_emails`, status pending) written in the same
  transaction as the in-app notification, before any attempt to send it. Sending happens off the caller's thread
  (one background worker per process), so a request never waits for the SMTP server; a failed attempt leaves the
  row pending with the error, and `litterhub notifications send-digest` (cron) retries every pending row and sends
  the digests. A row is claimed (pending → sending) before it is sent, so two senders never send it twice; a row
  left in "sending" by a dead process is retried after CLAIM_TIMEOUT.
- Without LITTERHUB_SMTP_HOST no e-mail is queued: notifications stay in-app.
- A person's choice (`notification_prefs`): immediate (default), digest (one e-mail per run of send-digest) or off.
- Every refusal is a `NotificationError` (a HubError) with a stable `notification-…` code.
"""

from __future__ import annotations

import logging
import re
import smtplib
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from litterhub.errors import HubError
from litterhub.services.hub import Hub
from litterhub.store import forum_tables as ft
from litterhub.store import tables as t

log = logging.getLogger(__name__)

EMAIL_MODES = ("immediate", "digest", "off")
FORUM_KINDS = ("thread", "theme", "region", "country")
KIND_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
MAX_SUBJECT = 300
MAX_BODY = 4000
SMTP_TIMEOUT = 15.0  # seconds; a server that does not answer in that time is "down" for this attempt
CLAIM_TIMEOUT = timedelta(minutes=10)  # a row "sending" for longer lost its sender (process died)
MAX_ERROR = 500

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="litterhub-mail")
_FUTURES: set[Future] = set()
_FUTURES_LOCK = threading.Lock()


class NotificationError(HubError, ValueError):
    """A notifications request that cannot be done: stable `code`, message, HTTP status, field."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None):
        super().__init__(message, code=code, field=field, status=status,
                         errors=[{"code": code, "field": field, "message": message}])


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).isoformat()


def user_id_of(actor: str | None) -> int | None:
    """The account behind an audit actor ("user:12" → 12); None for cli, seed, system actors."""
    if actor and actor.startswith("user:") and actor[5:].isdigit():
        return int(actor[5:])
    return None


def absolute(hub: Hub, link: str) -> str:
    """A hub path as an address an e-mail can carry (LITTERHUB_BASE_URL + path when the base is set)."""
    base = hub.settings.base_url
    return f"{base}{link}" if base and link.startswith("/") else link


# --- subscriptions -------------------------------------------------------------------------------------------

def _check_kind(kind: str) -> str:
    kind = (kind or "").strip().lower()
    if not KIND_RE.match(kind):
        raise NotificationError("notification-bad-kind", f"not a subscription kind: {kind!r}", 422, "kind")
    return kind


def _check_target(target: Any, kind: str = "") -> str:
    text = str(target if target is not None else "").strip()
    if not text or len(text) > 200:
        raise NotificationError("notification-bad-target", "name what to follow (at most 200 characters)", 422,
                                "target")
    return text.upper() if kind == "country" else text  # ISO3 codes in capitals, whatever was typed


def subscribe(hub: Hub, user_id: int, kind: str, target: Any) -> bool:
    """Follow `target` of `kind`; False when already following."""
    kind = _check_kind(kind)
    target = _check_target(target, kind)
    try:
        with hub.engine.begin() as conn:
            conn.execute(insert(ft.forum_subscriptions).values(user_id=user_id, kind=kind, target=target,
                                                               created_at=_now()))
    except IntegrityError:
        return False
    return True


def unsubscribe(hub: Hub, user_id: int, kind: str, target: Any) -> bool:
    """Stop following; False when not following."""
    kind = _check_kind(kind)
    target = _check_target(target, kind)
    s = ft.forum_subscriptions
    with hub.engine.begin() as conn:
        gone = conn.execute(delete(s).where(s.c.user_id == user_id, s.c.kind == kind, s.c.target == target)).rowcount
    return bool(gone)


def is_following(hub: Hub, user_id: int | None, kind: str, target: Any) -> bool:
    if user_id is None:
        return False
    s = ft.forum_subscriptions
    with hub.engine.connect() as conn:
        kind = _check_kind(kind)
        return conn.execute(select(s.c.id).where(s.c.user_id == user_id, s.c.kind == kind,
                                                 s.c.target == _check_target(target, kind))).first() is not None


def subscriptions(hub: Hub, user_id: int) -> list[dict[str, Any]]:
    s = ft.forum_subscriptions
    with hub.engine.connect() as conn:
        rows = conn.execute(select(s.c.kind, s.c.target, s.c.created_at).where(s.c.user_id == user_id)
                            .order_by(s.c.kind, s.c.target)).all()
    return [{"kind": r.kind, "target": r.target, "since": _iso(r.created_at)} for r in rows]


def followers(hub: Hub, kind: str, targets: Iterable[Any]) -> set[int]:
    """The users following any of `targets` of `kind`."""
    kind = _check_kind(kind)
    wanted = sorted({_check_target(x, kind) for x in targets if x not in (None, "")})
    if not wanted:
        return set()
    s = ft.forum_subscriptions
    with hub.engine.connect() as conn:
        return set(conn.execute(select(s.c.user_id).where(s.c.kind == kind, s.c.target.in_(wanted))).scalars())


# --- preferences ---------------------------------------------------------------------------------------------

def email_mode(hub: Hub, user_id: int) -> str:
    with hub.engine.connect() as conn:
        mode = conn.execute(select(ft.notification_prefs.c.email_mode)
                            .where(ft.notification_prefs.c.user_id == user_id)).scalar()
    return mode or "immediate"


def set_email_mode(hub: Hub, user_id: int, mode: str) -> str:
    if mode not in EMAIL_MODES:
        raise NotificationError("notification-bad-mode", f"e-mail choice must be one of {', '.join(EMAIL_MODES)}",
                                422, "email_mode")
    p = ft.notification_prefs
    with hub.engine.begin() as conn:
        if conn.execute(update(p).where(p.c.user_id == user_id).values(email_mode=mode, updated_at=_now())
                        ).rowcount == 0:
            conn.execute(insert(p).values(user_id=user_id, email_mode=mode, updated_at=_now()))
    return mode


# --- notify --------------------------------------------------------------------------------------------------

def _email_text(hub: Hub, body: str, link: str) -> str:
    return f"{body}\n\n{absolute(hub, link)}\n\n-- \nlitterhub: choose immediate e-mails, a daily digest or none at " \
           f"{absolute(hub, '/notifications')}\n"


def notify(hub: Hub, user_ids: Iterable[int | None], kind: str, subject: str, body: str, link: str,
           exclude: int | None = None) -> list[int]:
    """Tell each user (once, active accounts only, never `exclude` = the person who acted) in-app, and queue an
    e-mail per their choice; immediate e-mails are sent in the background. Returns the notification ids."""
    kind = _check_kind(kind)
    subject = " ".join(str(subject).split())[:MAX_SUBJECT]
    body = str(body)[:MAX_BODY]
    ids = sorted({int(u) for u in user_ids if u is not None and u != exclude})
    if not ids:
        return []
    now, made, queued = _now(), [], []
    mail = bool(hub.settings.smtp_host)
    with hub.engine.begin() as conn:
        users = conn.execute(select(t.users.c.id, t.users.c.email, ft.notification_prefs.c.email_mode)
                             .outerjoin(ft.notification_prefs, ft.notification_prefs.c.user_id == t.users.c.id)
                             .where(t.users.c.id.in_(ids), t.users.c.active.is_(True))).all()
        for u in users:
            nid = conn.execute(insert(ft.notifications).values(
                user_id=u.id, kind=kind, subject=subject, body=body, link=link, created_at=now)).inserted_primary_key[0]
            made.append(nid)
            mode = u.email_mode or "immediate"
            if mail and mode != "off":
                eid = conn.execute(insert(ft.notification_emails).values(
                    notification_id=nid, user_id=u.id, to_address=u.email, subject=subject,
                    body=_email_text(hub, body, link), digest=mode == "digest", status="pending", attempts=0,
                    created_at=now)).inserted_primary_key[0]
                if mode == "immediate":
                    queued.append(eid)
    if queued:
        _in_background(hub, queued)
    return made


def notify_quietly(hub: Hub, user_ids: Iterable[int | None], kind: str, subject: str, body: str, link: str,
                   exclude: int | None = None) -> list[int]:
    """`notify` for hooks inside other workflows: a notification problem is logged, never their failure."""
    try:
        return notify(hub, user_ids, kind, subject, body, link, exclude)
    except Exception:  # noqa: BLE001 - a decision already taken must not fail because a notice could not be written
        log.exception("notification %s not written", kind)
        return []


def _in_background(hub: Hub, email_ids: list[int]) -> None:
    future = _POOL.submit(_deliver_quietly, hub, email_ids)
    with _FUTURES_LOCK:
        _FUTURES.add(future)
    future.add_done_callback(lambda f: _FUTURES.discard(f))


def _deliver_quietly(hub: Hub, email_ids: list[int]) -> None:
    try:
        deliver(hub, email_ids)
    except Exception:  # noqa: BLE001 - the rows stay pending; send-digest retries them
        log.exception("background e-mail delivery failed")


def flush(timeout: float = 30.0) -> bool:
    """Wait for the background sends started so far (tests, and the CLI before it exits); True when all ended."""
    with _FUTURES_LOCK:
        pending = list(_FUTURES)
    done, not_done = wait(pending, timeout=timeout)
    return not not_done


# --- in-app reading ------------------------------------------------------------------------------------------

def unread_count(hub: Hub, user_id: int) -> int:
    n = ft.notifications
    with hub.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(n).where(n.c.user_id == user_id,
                                                                      n.c.read_at.is_(None))).scalar() or 0


def inbox(hub: Hub, user_id: int, limit: int = 50, unread_only: bool = False) -> list[dict[str, Any]]:
    n = ft.notifications
    q = select(n).where(n.c.user_id == user_id).order_by(n.c.id.desc()).limit(max(1, min(limit, 500)))
    if unread_only:
        q = q.where(n.c.read_at.is_(None))
    with hub.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return [{"id": r["id"], "kind": r["kind"], "subject": r["subject"], "body": r["body"], "link": r["link"],
             "created_at": _iso(r["created_at"]), "read": r["read_at"] is not None} for r in rows]


def mark_read(hub: Hub, user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or those of `ids`); the number changed."""
    n = ft.notifications
    q = update(n).where(n.c.user_id == user_id, n.c.read_at.is_(None))
    if ids is not None:
        q = q.where(n.c.id.in_([int(i) for i in ids if 0 < int(i) < 2**31]))  # others are no row's id
    with hub.engine.begin() as conn:
        return conn.execute(q.values(read_at=_now())).rowcount


# --- e-mail --------------------------------------------------------------------------------------------------

def _claim(conn, where) -> list[Any]:
    """Move matching rows pending → sending (or take over stale `sending` rows); the rows this caller owns."""
    e, now = ft.notification_emails, _now()
    stale = now - CLAIM_TIMEOUT
    rows = conn.execute(select(e).where(where, or_(e.c.status == "pending",
                                                   and_(e.c.status == "sending", e.c.sent_at < stale)))
                        .order_by(e.c.id)).mappings().all()
    mine = []
    for r in rows:  # compare-and-set per row: a concurrent sender gets rowcount 0 and leaves it
        if conn.execute(update(e).where(e.c.id == r["id"], e.c.status == r["status"],
                                        e.c.attempts == r["attempts"])
                        .values(status="sending", sent_at=now, attempts=r["attempts"] + 1)).rowcount:
            mine.append(r)
    return mine


def _connect(hub: Hub) -> smtplib.SMTP:
    s = hub.settings
    smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _message(hub: Hub, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = hub.settings.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def _finish(hub: Hub, ids: list[int], error: str | None) -> None:
    e = ft.notification_emails
    with hub.engine.begin() as conn:
        if error is None:
            conn.execute(update(e).where(e.c.id.in_(ids)).values(status="sent", sent_at=_now(), last_error=None))
        else:
            conn.execute(update(e).where(e.c.id.in_(ids)).values(status="pending", sent_at=None,
                                                                 last_error=error[:MAX_ERROR]))


def deliver(hub: Hub, email_ids: list[int] | None = None) -> dict[str, int]:
    """Send pending immediate e-mails now (those of `email_ids`, or all): {"sent": n, "failed": n}."""
    e = ft.notification_emails
    where = e.c.digest.is_(False)
    if email_ids is not None:
        where = and_(where, e.c.id.in_(email_ids))
    with hub.engine.begin() as conn:
        rows = _claim(conn, where)
    return _send_each(hub, [([r["id"]], r["to_address"], r["subject"], r["body"]) for r in rows])


def _send_each(hub: Hub, messages: list[tuple[list[int], str, str, str]]) -> dict[str, int]:
    counts = {"sent": 0, "failed": 0}
    if not messages:
        return counts
    try:
        smtp = _connect(hub)
    except (OSError, smtplib.SMTPException) as exc:
        for ids, *_ in messages:
            _finish(hub, ids, f"{type(exc).__name__}: {exc}")
        counts["failed"] = len(messages)
        return counts
    try:
        for ids, to, subject, body in messages:
            try:
                smtp.send_message(_message(hub, to, subject, body))
            except (OSError, smtplib.SMTPException) as exc:
                _finish(hub, ids, f"{type(exc).__name__}: {exc}")
                counts["failed"] += 1
            else:
                _finish(hub, ids, None)
                counts["sent"] += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return counts


def send_digest(hub: Hub) -> dict[str, int]:
    """The cron job: retry every pending immediate e-mail, then send each digest reader one e-mail with all their
    waiting notifications. {"sent", "failed", "digests", "digest_failed", "pending"} counts."""
    if not hub.settings.smtp_host:
        raise NotificationError("notification-no-smtp", "set LITTERHUB_SMTP_HOST to send e-mail", 409)
    counts = deliver(hub)
    e = ft.notification_emails
    with hub.engine.begin() as conn:
        rows = _claim(conn, e.c.digest.is_(True))
    per_user: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for r in rows:
        per_user[(r["user_id"], r["to_address"])].append(r)
    digests = []
    for (_, to), items in per_user.items():
        lines = [f"{len(items)} notification(s) from litterhub:", ""]
        for r in items:
            text = r["body"].split("\n-- \n")[0].strip()  # without the per-e-mail footer
            lines += [f"* {r['subject']}", *("  " + line for line in text.splitlines()), ""]
        lines += ["-- ", f"litterhub: {absolute(hub, '/notifications')}"]
        digests.append(([r["id"] for r in items], to, f"litterhub digest: {len(items)} notification(s)",
                        "\n".join(lines) + "\n"))
    done = _send_each(hub, digests)
    with hub.engine.connect() as conn:
        pending = conn.execute(select(func.count()).select_from(e).where(e.c.status != "sent")).scalar() or 0
    return {**counts, "digests": done["sent"], "digest_failed": done["failed"], "pending": pending}


def outbox(hub: Hub) -> dict[str, int]:
    """Outbox rows by status (operators: is anything stuck?)."""
    e = ft.notification_emails
    with hub.engine.connect() as conn:
        return {status: n for status, n in conn.execute(select(e.c.status, func.count()).group_by(e.c.status))}
