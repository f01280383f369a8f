"""The forum (issue 19, item 1; UNEA expert group para 11(e)): free-standing threads filed by theme, region and
country, optionally linked to a registry record, a dataset or a country; numbered posts with replies, @mentions and
quotes; reports and moderation; search; and subscriptions that notify (services/notifications.py).

Contract:
- Themes are the registry's topics (registry/entities.py TOPICS); regions are the registry's region records
  (Regional Seas programmes, river basins, fisheries bodies); countries are ISO 3166-1 alpha-3 codes.
- Posts are numbered 1, 2, … per thread (the opening post is #1); a quote names a post of the same thread by its
  number. Authors are shown by their display name ("user N" without one) and a handle people @mention
  (`handle`: the display name in lower case with dashes, else `user-N`).
- Who: any signed-in account with at least the contributor role (API keys: `submit`) opens threads, replies and
  reports; moderators (reviewer and admin roles) hide and show posts, lock and unlock threads and resolve reports.
  A hidden post keeps its number; its text is shown to moderators only. A locked thread refuses replies
  (`forum-thread-locked`, 409).
- Notifications: the opener and every replier follow the thread. A reply tells the thread's followers; a new thread
  tells the followers of its theme, its region, its country and every region its country belongs to; an @mention
  tells the person mentioned (once per post, as a mention rather than a reply). The author is never told of their
  own post.
- Search matches every word of the query (normalised like the registry's index: case, accents, Arabic spelling,
  Chinese bigrams; registry/text.py) at the start of a word of a visible post or its thread's title, on SQLite and
  PostgreSQL alike.
- Every refusal is a `ForumError` (a HubError) with a stable `forum-…` code (docs/forum.md).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pycountry
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from litterhub.errors import HubError
from litterhub.registry.entities import TOPICS
from litterhub.registry.text import index_text, normalise, tokens
from litterhub.services import notifications as nt
from litterhub.services import regional_groups
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.store import forum_tables as ft
from litterhub.store import registry_tables as rt
from litterhub.store import tables as t

THEMES = TOPICS
LINK_KINDS = ("record", "dataset", "country")
POST_ROLE = "contributor"
MODERATOR_ROLE = "reviewer"
MAX_TITLE = 200
MAX_BODY = 20_000
MAX_REASON = 2_000
MAX_QUERY_WORDS = 12
PAGE = 50
MAX_ID = 2**31 - 1  # the largest id of an Integer column on every catalog database
QUOTE_EXCERPT = 300
MENTION_RE = re.compile(r"(?<![\w@])@(\w[\w.-]{0,60}\w)")


class ForumError(HubError, ValueError):
    """A forum request that cannot be done: stable `code`, message, HTTP status, field."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None):
        super().__init__(message, code=code, field=field, status=status,
                         errors=[{"code": code, "field": field, "message": message}])


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).isoformat()


def handle(user_id: int, display_name: str | None) -> str:
    """The @handle of an account: its display name in lower case, words joined by dashes; `user-N` without one."""
    slug = re.sub(r"[^\w]+", "-", (display_name or "").strip().lower(), flags=re.UNICODE).strip("-_.")
    return slug[:60] if slug else f"user-{user_id}"


def name(user_id: int, display_name: str | None) -> str:
    return (display_name or "").strip() or f"user {user_id}"


def _need(who: Principal | None, role: str, what: str) -> Principal:
    if who is None:
        raise ForumError("forum-sign-in", f"sign in to {what}", 401)
    if not who.can(role):
        raise ForumError("forum-forbidden", f"{what} needs the {role} role; you act as {who.role}", 403)
    return who


def is_moderator(who: Principal | None) -> bool:
    return who is not None and who.can(MODERATOR_ROLE)


# --- what a thread is filed under ----------------------------------------------------------------------------

def regions(hub: Hub) -> list[dict[str, str]]:
    """The region records a thread may be filed under (published registry records of type region)."""
    r = rt.registry_records
    with hub.engine.connect() as conn:
        rows = conn.execute(select(r.c.id, r.c.title).where(r.c.type == "region", r.c.published_revision.isnot(None))
                            .order_by(r.c.title)).all()
    return [{"id": row.id, "title": row.title} for row in rows]


def regions_of_country(hub: Hub, iso3: str) -> set[str]:
    """Region records the country belongs to: the record's own `countries` and the Regional Seas member lists."""
    r, v = rt.registry_records, rt.registry_revisions
    with hub.engine.connect() as conn:
        rows = conn.execute(select(r.c.id, v.c.data).join(v, and_(v.c.record_id == r.c.id,
                                                                   v.c.revision == r.c.published_revision))
                            .where(r.c.type == "region")).all()
    found = {rid for rid, data in rows if iso3 in [c.upper() for c in (data or {}).get("countries") or []]}
    found |= {g.record_id for g in regional_groups.memberships(hub, iso3)
              if g.record_id and g.record_id.startswith("region-")}
    return found


def _country(code: str | None, field: str = "country") -> str | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    if len(code) != 3 or pycountry.countries.get(alpha_3=code) is None:
        raise ForumError("forum-bad-country", f"{code!r} is not an ISO 3166-1 alpha-3 country code", 422, field)
    return code


def _filed(hub: Hub, theme: str | None, region: str | None, country: str | None, link_kind: str | None,
           link_id: str | None) -> dict[str, str | None]:
    theme = (theme or "").strip() or None
    if theme is not None and theme not in THEMES:
        raise ForumError("forum-bad-theme", f"unknown theme {theme!r}; themes: {', '.join(THEMES)}", 422, "theme")
    region = (region or "").strip() or None
    country = _country(country)
    link_kind = (link_kind or "").strip() or None
    link_id = (link_id or "").strip() or None
    with hub.engine.connect() as conn:
        if region is not None and conn.execute(select(rt.registry_records.c.id).where(
                rt.registry_records.c.id == region, rt.registry_records.c.type == "region")).first() is None:
            raise ForumError("forum-bad-region", f"no region record {region!r}", 422, "region")
        if (link_kind is None) != (link_id is None):
            raise ForumError("forum-bad-link", "a link needs both its kind and its id", 422, "link_id")
        if link_kind is not None and link_kind not in LINK_KINDS:
            raise ForumError("forum-bad-link", f"link kind must be one of {', '.join(LINK_KINDS)}", 422, "link_kind")
        if link_kind == "record" and conn.execute(select(rt.registry_records.c.id).where(
                rt.registry_records.c.id == link_id, rt.registry_records.c.published_revision.isnot(None))
        ).first() is None:
            raise ForumError("forum-bad-link", f"no published registry record {link_id!r}", 422, "link_id")
        if link_kind == "dataset" and conn.execute(select(t.datasets.c.id).where(t.datasets.c.id == link_id)
                                                   ).first() is None:
            raise ForumError("forum-bad-link", f"no dataset {link_id!r}", 422, "link_id")
    if link_kind == "country":
        link_id = _country(link_id, "link_id")
        country = country or link_id
    return {"theme": theme, "region": region, "country": country, "link_kind": link_kind, "link_id": link_id}


# --- mentions --------------------------------------------------------------------------------------------------

def mentioned(hub: Hub, body: str) -> dict[str, int]:
    """{handle: user id} of the active accounts @mentioned in `body` (`@ana-perez`, `@user-12`)."""
    wanted = {normalise(m) for m in MENTION_RE.findall(body or "")}
    if not wanted:
        return {}
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.users.c.id, t.users.c.display_name).where(t.users.c.active.is_(True))).all()
    out: dict[str, int] = {}
    for uid, display in rows:
        for h in (handle(uid, display), f"user-{uid}"):
            if normalise(h) in wanted:  # @lena-perez finds Léna Pérez
                out.setdefault(h, uid)
    return out


# --- reading ---------------------------------------------------------------------------------------------------

def _thread_row(conn, thread_id: int):
    if not 0 < int(thread_id) <= MAX_ID:  # an id no row can have (and no database integer can hold)
        raise ForumError("forum-thread-not-found", f"no thread {thread_id}", 404, "thread")
    row = conn.execute(select(ft.forum_threads).where(ft.forum_threads.c.id == thread_id)).mappings().first()
    if row is None:
        raise ForumError("forum-thread-not-found", f"no thread {thread_id}", 404, "thread")
    return row


def _thread_dict(row, names: dict[int, tuple[str, str]]) -> dict[str, Any]:
    author = names.get(row["author_id"], (f"user {row['author_id']}", f"user-{row['author_id']}"))
    return {"id": row["id"], "title": row["title"], "theme": row["theme"], "region": row["region"],
            "country": row["country"], "link_kind": row["link_kind"], "link_id": row["link_id"],
            "author": author[0], "author_handle": author[1], "created_at": _iso(row["created_at"]),
            "last_post_at": _iso(row["last_post_at"]), "posts": row["posts"], "locked": row["locked_at"] is not None,
            "url": f"/forum/threads/{row['id']}"}


def _names(conn, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = conn.execute(select(t.users.c.id, t.users.c.display_name).where(t.users.c.id.in_(sorted(ids)))).all()
    return {uid: (name(uid, d), handle(uid, d)) for uid, d in rows}


def _matching(q: str | None):
    """The condition "every query word starts a word of the post or its thread title", or None without words."""
    words = list(dict.fromkeys(tokens(q or "")))[:MAX_QUERY_WORDS]
    if not words:
        return None
    p = ft.forum_posts
    return and_(*[p.c.search_text.like(f"% {w.replace('%', '').replace('_', '')}%") for w in words])


def list_threads(hub: Hub, theme: str | None = None, region: str | None = None, country: str | None = None,
                 link_kind: str | None = None, link_id: str | None = None, q: str | None = None,
                 limit: int = PAGE, offset: int = 0) -> dict[str, Any]:
    """Threads, most recently active first, filtered by theme, region, country, linked thing and search words."""
    th, p = ft.forum_threads, ft.forum_posts
    where = []
    if theme:
        where.append(th.c.theme == theme)
    if region:
        where.append(th.c.region == region)
    if country:
        where.append(th.c.country == _country(country))
    if link_kind and link_id:
        where.append(and_(th.c.link_kind == link_kind, th.c.link_id == link_id))
    match = _matching(q)
    if match is not None:
        where.append(th.c.id.in_(select(p.c.thread_id).where(match, p.c.hidden_at.is_(None))))
    limit = max(1, min(int(limit), 200))
    with hub.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(th).where(*where)).scalar() or 0
        rows = conn.execute(select(th).where(*where).order_by(th.c.last_post_at.desc(), th.c.id.desc())
                            .limit(limit).offset(min(max(0, int(offset)), MAX_ID))).mappings().all()
        names = _names(conn, {r["author_id"] for r in rows})
    return {"total": total, "threads": [_thread_dict(r, names) for r in rows]}


def search(hub: Hub, q: str, limit: int = PAGE) -> list[dict[str, Any]]:
    """Visible posts matching every word of `q`, newest first, with their thread."""
    match = _matching(q)
    if match is None:
        return []
    th, p = ft.forum_threads, ft.forum_posts
    with hub.engine.connect() as conn:
        rows = conn.execute(select(p.c.id, p.c.thread_id, p.c.number, p.c.author_id, p.c.body, p.c.created_at,
                                   th.c.title).join(th, th.c.id == p.c.thread_id)
                            .where(match, p.c.hidden_at.is_(None)).order_by(p.c.id.desc())
                            .limit(max(1, min(limit, 200)))).all()
        names = _names(conn, {r.author_id for r in rows})
    return [{"thread_id": r.thread_id, "thread_title": r.title, "number": r.number,
             "author": names.get(r.author_id, (f"user {r.author_id}",))[0], "excerpt": r.body[:QUOTE_EXCERPT],
             "created_at": _iso(r.created_at), "url": f"/forum/threads/{r.thread_id}#post-{r.number}"} for r in rows]


def get_thread(hub: Hub, thread_id: int, who: Principal | None = None) -> dict[str, Any]:
    """The thread and its posts in order; hidden posts keep their number, their text only for moderators."""
    p = ft.forum_posts
    moderator = is_moderator(who)
    with hub.engine.connect() as conn:
        row = _thread_row(conn, thread_id)
        posts = conn.execute(select(p).where(p.c.thread_id == thread_id).order_by(p.c.number)).mappings().all()
        names = _names(conn, {row["author_id"], *(x["author_id"] for x in posts)})
        open_reports = dict(conn.execute(
            select(ft.forum_reports.c.post_id, func.count()).where(
                ft.forum_reports.c.post_id.in_([x["id"] for x in posts]), ft.forum_reports.c.resolved_at.is_(None))
            .group_by(ft.forum_reports.c.post_id)).all()) if moderator and posts else {}
    by_id = {x["id"]: x for x in posts}
    out = []
    for x in posts:
        hidden = x["hidden_at"] is not None
        quoted = by_id.get(x["quote_of"]) if x["quote_of"] else None
        quote = None
        if quoted is not None:
            qa = names.get(quoted["author_id"], (f"user {quoted['author_id']}",))[0]
            q_hidden = quoted["hidden_at"] is not None and not moderator
            quote = {"number": quoted["number"], "author": qa,
                     "excerpt": None if q_hidden else quoted["body"][:QUOTE_EXCERPT]}
        author = names.get(x["author_id"], (f"user {x['author_id']}", f"user-{x['author_id']}"))
        out.append({"id": x["id"], "number": x["number"], "author": author[0], "author_handle": author[1],
                    "author_id": x["author_id"], "body": None if hidden and not moderator else x["body"],
                    "hidden": hidden, "hidden_reason": x["hidden_reason"] if moderator else None,
                    "quote": quote, "created_at": _iso(x["created_at"]),
                    "open_reports": open_reports.get(x["id"], 0) if moderator else None})
    return {**_thread_dict(row, names), "items": out}


# --- writing ---------------------------------------------------------------------------------------------------

def _text(value: Any, field: str, limit: int, minimum: int = 1) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) < minimum:
        raise ForumError("forum-missing-value", f"{field} is required" if not text else
                         f"{field} needs at least {minimum} characters", 422, field)
    if len(text) > limit:
        raise ForumError("forum-text-too-long", f"{field} may have at most {limit} characters", 422, field)
    return text


def _add_post(conn, thread_id: int, title: str, author_id: int, body: str, quote_of: int | None,
              now: datetime) -> int:
    number = (conn.execute(select(func.max(ft.forum_posts.c.number)).where(
        ft.forum_posts.c.thread_id == thread_id)).scalar() or 0) + 1
    conn.execute(insert(ft.forum_posts).values(
        thread_id=thread_id, number=number, author_id=author_id, body=body, quote_of=quote_of,
        search_text=f" {index_text(title, body)} ", created_at=now))
    conn.execute(update(ft.forum_threads).where(ft.forum_threads.c.id == thread_id).values(
        posts=number, last_post_at=now))
    return number


def _follow(hub: Hub, user_id: int, thread_id: int) -> None:
    nt.subscribe(hub, user_id, "thread", thread_id)


def _excerpt(body: str, n: int = 500) -> str:
    return body if len(body) <= n else body[:n].rstrip() + "…"


def create_thread(hub: Hub, who: Principal | None, title: str, body: str, theme: str | None = None,
                  region: str | None = None, country: str | None = None, link_kind: str | None = None,
                  link_id: str | None = None) -> dict[str, Any]:
    """Open a thread with its first post (#1); its followers of theme, region and country are told."""
    who = _need(who, POST_ROLE, "opening a thread")
    title = _text(title, "title", MAX_TITLE, 3)
    body = _text(body, "body", MAX_BODY)
    filed = _filed(hub, theme, region, country, link_kind, link_id)
    now = _now()
    with hub.engine.begin() as conn:
        tid = conn.execute(insert(ft.forum_threads).values(title=title, author_id=who.id, created_at=now,
                                                           last_post_at=now, posts=0, **filed)).inserted_primary_key[0]
        _add_post(conn, tid, title, who.id, body, None, now)
        conn.execute(insert(t.audit_log).values(at=now, actor=who.actor, action="forum.thread", target=f"forum:{tid}",
                                                detail={"country": filed["country"], "region": filed["region"]}))
    _follow(hub, who.id, tid)
    author = name(who.id, who.display_name)
    link = f"/forum/threads/{tid}"
    mentions = set(mentioned(hub, body).values())
    nt.notify_quietly(hub, mentions, "mention", f"{author} mentioned you in “{title}”", _excerpt(body), link,
                      exclude=who.id)
    region_ids = {filed["region"]} if filed["region"] else set()
    if filed["country"]:
        region_ids |= regions_of_country(hub, filed["country"])
    audience = (nt.followers(hub, "theme", [filed["theme"]]) | nt.followers(hub, "region", region_ids)
                | nt.followers(hub, "country", [filed["country"]])) - mentions
    where = ", ".join(x for x in (filed["country"], filed["region"], filed["theme"]) if x)
    nt.notify_quietly(hub, audience, "new-thread", f"New thread{f' ({where})' if where else ''}: {title}",
                      f"{author}:\n\n{_excerpt(body)}", link, exclude=who.id)
    return get_thread(hub, tid, who)


def reply(hub: Hub, who: Principal | None, thread_id: int, body: str, quote: int | None = None) -> dict[str, Any]:
    """Add a post to an open thread, quoting post number `quote` if given; the thread's followers are told."""
    who = _need(who, POST_ROLE, "replying")
    body = _text(body, "body", MAX_BODY)
    now = _now()
    with hub.engine.begin() as conn:
        row = _thread_row(conn, thread_id)
        if row["locked_at"] is not None:
            raise ForumError("forum-thread-locked", "this thread is locked by a moderator: it takes no more replies",
                             409, "thread")
        quote_id = None
        if quote is not None and not 0 < int(quote) <= MAX_ID:
            raise ForumError("forum-bad-quote", f"there is no post #{quote} in this thread to quote", 422, "quote")
        if quote is not None:
            quoted = conn.execute(select(ft.forum_posts.c.id, ft.forum_posts.c.hidden_at).where(
                ft.forum_posts.c.thread_id == thread_id, ft.forum_posts.c.number == int(quote))).first()
            if quoted is None or (quoted.hidden_at is not None and not is_moderator(who)):
                raise ForumError("forum-bad-quote", f"there is no post #{quote} in this thread to quote", 422, "quote")
            quote_id = quoted.id
        number = _add_post(conn, thread_id, row["title"], who.id, body, quote_id, now)
    _follow(hub, who.id, thread_id)
    author = name(who.id, who.display_name)
    link = f"/forum/threads/{thread_id}#post-{number}"
    mentions = set(mentioned(hub, body).values())
    nt.notify_quietly(hub, mentions, "mention", f"{author} mentioned you in “{row['title']}”", _excerpt(body), link,
                      exclude=who.id)
    nt.notify_quietly(hub, nt.followers(hub, "thread", [thread_id]) - mentions, "reply",
                      f"Reply #{number} in “{row['title']}”", f"{author}:\n\n{_excerpt(body)}", link, exclude=who.id)
    return {"thread_id": thread_id, "number": number, "url": link}


def _post_row(conn, post_id: int):
    if not 0 < int(post_id) <= MAX_ID:
        raise ForumError("forum-post-not-found", f"no post {post_id}", 404, "post")
    row = conn.execute(select(ft.forum_posts).where(ft.forum_posts.c.id == post_id)).mappings().first()
    if row is None:
        raise ForumError("forum-post-not-found", f"no post {post_id}", 404, "post")
    return row


def report(hub: Hub, who: Principal | None, post_id: int, reason: str) -> dict[str, Any]:
    """A reader reports a post to the moderators (who are told); one open report per reader and post."""
    who = _need(who, POST_ROLE, "reporting a post")
    reason = _text(reason, "reason", MAX_REASON)
    r = ft.forum_reports
    with hub.engine.begin() as conn:
        post = _post_row(conn, post_id)
        if conn.execute(select(r.c.id).where(r.c.post_id == post_id, r.c.reporter_id == who.id,
                                             r.c.resolved_at.is_(None))).first() is None:
            conn.execute(insert(r).values(post_id=post_id, reporter_id=who.id, reason=reason, created_at=_now()))
        moderators = set(conn.execute(select(t.users.c.id).where(t.users.c.role.in_(("reviewer", "admin")),
                                                                 t.users.c.active.is_(True))).scalars())
    link = f"/forum/threads/{post['thread_id']}#post-{post['number']}"
    nt.notify_quietly(hub, moderators, "forum-report", f"Post #{post['number']} reported", reason, link,
                      exclude=who.id)
    return {"post_id": post_id, "thread_id": post["thread_id"], "number": post["number"], "reported": True}


def hide(hub: Hub, who: Principal | None, post_id: int, hidden: bool = True, reason: str = "") -> dict[str, Any]:
    """A moderator hides (or shows again) a post; hiding resolves its open reports."""
    who = _need(who, MODERATOR_ROLE, "hiding a post")
    now = _now()
    with hub.engine.begin() as conn:
        post = _post_row(conn, post_id)
        conn.execute(update(ft.forum_posts).where(ft.forum_posts.c.id == post_id).values(
            hidden_at=now if hidden else None, hidden_by=who.id if hidden else None,
            hidden_reason=((reason or "").strip()[:MAX_REASON] or None) if hidden else None))
        if hidden:
            conn.execute(update(ft.forum_reports).where(ft.forum_reports.c.post_id == post_id,
                                                        ft.forum_reports.c.resolved_at.is_(None))
                         .values(resolved_at=now, resolved_by=who.id, outcome="hidden"))
        conn.execute(insert(t.audit_log).values(at=now, actor=who.actor, action="forum.hidden" if hidden else
                                                "forum.shown", target=f"forum-post:{post_id}",
                                                detail={"reason": reason or None}))
    return {"post_id": post_id, "thread_id": post["thread_id"], "number": post["number"], "hidden": hidden}


def dismiss_reports(hub: Hub, who: Principal | None, post_id: int) -> int:
    """A moderator decides a reported post may stay: its open reports are resolved as dismissed."""
    who = _need(who, MODERATOR_ROLE, "resolving reports")
    with hub.engine.begin() as conn:
        _post_row(conn, post_id)
        return conn.execute(update(ft.forum_reports).where(ft.forum_reports.c.post_id == post_id,
                                                           ft.forum_reports.c.resolved_at.is_(None))
                            .values(resolved_at=_now(), resolved_by=who.id, outcome="dismissed")).rowcount


def lock(hub: Hub, who: Principal | None, thread_id: int, locked: bool = True) -> dict[str, Any]:
    """A moderator locks (no more replies) or unlocks a thread."""
    who = _need(who, MODERATOR_ROLE, "locking a thread")
    now = _now()
    with hub.engine.begin() as conn:
        _thread_row(conn, thread_id)
        conn.execute(update(ft.forum_threads).where(ft.forum_threads.c.id == thread_id).values(
            locked_at=now if locked else None, locked_by=who.id if locked else None))
        conn.execute(insert(t.audit_log).values(at=now, actor=who.actor, action="forum.locked" if locked else
                                                "forum.unlocked", target=f"forum:{thread_id}", detail=None))
    return {"thread_id": thread_id, "locked": locked}


def open_reports(hub: Hub, who: Principal | None) -> list[dict[str, Any]]:
    """The moderators' queue: open reports with their post and thread, oldest first."""
    _need(who, MODERATOR_ROLE, "reading reports")
    r, p, th = ft.forum_reports, ft.forum_posts, ft.forum_threads
    with hub.engine.connect() as conn:
        rows = conn.execute(select(r.c.id, r.c.post_id, r.c.reason, r.c.created_at, r.c.reporter_id, p.c.number,
                                   p.c.body, p.c.thread_id, p.c.hidden_at, th.c.title)
                            .join(p, p.c.id == r.c.post_id).join(th, th.c.id == p.c.thread_id)
                            .where(r.c.resolved_at.is_(None)).order_by(r.c.id)).all()
        names = _names(conn, {x.reporter_id for x in rows})
    return [{"id": x.id, "post_id": x.post_id, "thread_id": x.thread_id, "thread_title": x.title,
             "number": x.number, "excerpt": x.body[:QUOTE_EXCERPT], "reason": x.reason,
             "reporter": names.get(x.reporter_id, (f"user {x.reporter_id}",))[0], "created_at": _iso(x.created_at),
             "hidden": x.hidden_at is not None, "url": f"/forum/threads/{x.thread_id}#post-{x.number}"}
            for x in rows]


def follow(hub: Hub, who: Principal | None, kind: str, target: str, on: bool = True) -> bool:
    """Follow or stop following a thread, theme, region or country; returns whether the caller now follows."""
    who = _need(who, POST_ROLE, "following")
    if kind not in nt.FORUM_KINDS:
        raise ForumError("forum-bad-kind", f"follow one of: {', '.join(nt.FORUM_KINDS)}", 422, "kind")
    target = (str(target) if target is not None else "").strip()
    if kind == "thread":
        with hub.engine.connect() as conn:
            _thread_row(conn, int(target) if target.isdigit() else -1)
    elif kind == "theme" and target not in THEMES:
        raise ForumError("forum-bad-theme", f"unknown theme {target!r}", 422, "target")
    elif kind == "country":
        target = _country(target, "target") or ""
    elif kind == "region":
        _filed(hub, None, target, None, None, None)
    try:
        (nt.subscribe if on else nt.unsubscribe)(hub, who.id, kind, target)
    except IntegrityError:  # a concurrent identical follow
        pass
    return on


def following(hub: Hub, who: Principal | None, kind: str, target: Any) -> bool:
    return who is not None and nt.is_following(hub, who.id, kind, target)
