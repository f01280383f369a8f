"""Catalog tables of the forum and of notifications (issue 19, item 1).

Contract:
- `forum_threads`: one discussion, filed under at most one theme (a registry topic), one region (a registry region
  record id) and one country (ISO3), and optionally linked to one thing of the hub (`link_kind` record | dataset |
  country, `link_id`). `locked_at` set: no more replies. `last_post_at` orders the listing.
- `forum_posts`: the posts of a thread, numbered 1, 2, … per thread (`number`; the opening post is 1) so a reply
  or a quote names a number people see. `quote_of` is the quoted post of the same thread. A hidden post
  (`hidden_at`) keeps its row and its number; its body is shown to moderators only. `search_text` holds the
  normalised tokens of the thread title and the body (registry/text.py) for search on SQLite and PostgreSQL alike.
- `forum_reports`: a reader's report of a post, open until a moderator resolves it (`resolved_at`).
- `forum_subscriptions`: who follows what: `kind` thread | theme | region | country, `target` its id or code.
- `notifications`: one row per person and event (in-app); `read_at` when they saw it.
- `notification_prefs`: a person's e-mail choice (immediate | digest | off); no row means immediate.
- `notification_emails`: the outbox. Every e-mail is a row before it is sent (`status` pending → sent); a failed
  attempt leaves it pending with `attempts` and `last_error`, so nothing is lost while the SMTP server is down and
  `litterhub notifications send-digest` retries it. Digest rows wait for that command, which sends one e-mail per
  person with all of them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from litterhub.store.tables import metadata

forum_threads = Table(
    "forum_threads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("theme", String(40)),
    Column("region", String(120)),
    Column("country", String(3)),
    Column("link_kind", String(20)),
    Column("link_id", String(200)),
    Column("author_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_post_at", DateTime(timezone=True), nullable=False),
    Column("posts", Integer, nullable=False),
    Column("locked_at", DateTime(timezone=True)),
    Column("locked_by", Integer, ForeignKey("users.id")),
    Index("ix_forum_threads_last_post_at", "last_post_at"),
    Index("ix_forum_threads_country", "country"),
    Index("ix_forum_threads_region", "region"),
)

forum_posts = Table(
    "forum_posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_id", Integer, ForeignKey("forum_threads.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("author_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("quote_of", Integer, ForeignKey("forum_posts.id")),
    Column("search_text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("hidden_at", DateTime(timezone=True)),
    Column("hidden_by", Integer, ForeignKey("users.id")),
    Column("hidden_reason", Text),
    UniqueConstraint("thread_id", "number", name="uq_forum_posts_thread_id"),
)

forum_reports = Table(
    "forum_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("post_id", Integer, ForeignKey("forum_posts.id"), nullable=False),
    Column("reporter_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", Integer, ForeignKey("users.id")),
    Column("outcome", String(20)),
    Index("ix_forum_reports_post_id", "post_id"),
)

forum_subscriptions = Table(
    "forum_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("target", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "kind", "target", name="uq_forum_subscriptions_user_id"),
    Index("ix_forum_subscriptions_target", "kind", "target"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("link", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("read_at", DateTime(timezone=True)),
    Index("ix_notifications_user_id", "user_id", "read_at"),
)

notification_prefs = Table(
    "notification_prefs",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("email_mode", String(20), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

notification_emails = Table(
    "notification_emails",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notification_id", Integer, ForeignKey("notifications.id")),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("to_address", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("digest", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Index("ix_notification_emails_status", "status"),
)
