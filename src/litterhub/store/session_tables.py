"""Catalog tables of access control: server-side login sessions, the parent of each API key, and the review
state of registry links.

Contract:
- A browser's cookie holds only a random session token; `sessions` keeps its keyed hash (never the token),
  the user, and when it was created, last seen and expires. Deleting the row ends the session at once, so
  logout and an admin's "end sessions" take effect on the next request; the role is read from `users` on
  every request, never from the cookie.
- `api_keys.parent_id` names the key that created a key (None when a signed-in person or the operator made
  it): a key never outlives nor out-scopes its parent, and revoking a key revokes its descendants.
- `registry_links.status` is `published` or `pending`: links made by contributors wait for a reviewer and
  are not public before. Links that existed before this column stay published.
All three are created by migration 0420_sessions.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from litterhub.store.contrib_tables import api_keys
from litterhub.store.registry_tables import registry_links
from litterhub.store.tables import metadata

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_sessions_user_id", "user_id"),
)

for _table, _columns in (
    (api_keys, (Column("parent_id", String(32), ForeignKey("api_keys.id")),)),
    (registry_links, (Column("status", String(20), nullable=False, default="published",
                             server_default="published"),
                      Column("reviewed_by", Text),
                      Column("reviewed_at", DateTime(timezone=True)))),
):
    for _column in _columns:
        if _column.name not in _table.c:
            _table.append_column(_column)
