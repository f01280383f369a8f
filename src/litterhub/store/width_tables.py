"""Catalog table of beach widths per site, given by national officers for SDG 14.1.1b.

Contract: a width entry is never updated or deleted. A new entry for a site gets the next `revision`;
the entry with the highest revision applies, and the older ones stay readable as the site's history.
Every entry says where the width comes from (`source`), who gave it (`given_by`, the audit-log actor,
and `user_id` when an account gave it) and when (`given_at`).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, String, Table, Text

from litterhub.store.tables import metadata

site_widths = Table(
    "site_widths",
    metadata,
    Column("site_id", String(40), ForeignKey("sites.id"), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("width_m", Float, nullable=False),
    Column("source", Text, nullable=False),
    Column("note", Text),
    Column("given_by", Text, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("given_at", DateTime(timezone=True), nullable=False),
)
