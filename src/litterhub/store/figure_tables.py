"""Catalog tables for national focal points and the national figures they submit (issue 17, item 4).

Contract:
- `focal_points`: one row per assignment of an account to a country by an admin. An assignment is never
  deleted: revoking it sets `revoked_at`/`revoked_by`, so who could submit for a country, and when, stays known.
- `national_figures`: one row per submission of a country's own figures (inventory inputs for one model, or
  beach widths), numbered per country and kind (`version`). A submission is never edited: its figures and
  sources are frozen when sent; only the review columns move (submitted → in-review → approved | rejected |
  changes-requested). On approval the figures are stored through the hub's own stores (national inventory
  records, the site width table), and `result` says which inventory version or width revisions they became.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from litterhub.store.tables import metadata

focal_points = Table(
    "focal_points",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("country", String(3), nullable=False),
    Column("assigned_by", Text, nullable=False),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    Column("revoked_by", Text),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_focal_points_country", "country"),
    Index("ix_focal_points_user_id", "user_id"),
)

national_figures = Table(
    "national_figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("country", String(3), nullable=False),
    Column("kind", String(20), nullable=False),  # inventory | widths
    Column("version", Integer, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("submitter", Text, nullable=False),  # the national agency the figures are from
    Column("payload", JSON, nullable=False),
    Column("note", Text),
    Column("status", String(30), nullable=False),
    Column("reviewer_id", Integer, ForeignKey("users.id")),
    Column("claimed_at", DateTime(timezone=True)),
    Column("decision_reason", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("result", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("country", "kind", "version", name="uq_national_figures_country"),
    Index("ix_national_figures_status", "status"),
)
