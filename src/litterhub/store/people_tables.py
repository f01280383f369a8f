"""Catalog tables of people and the advisory body (issue 19, items 2 and 3): opt-in public profiles, invitations,
the expert roster with its declared conflicts of interest, and peer reviews of registry record versions.

Contract:
- `people_profiles`: at most one row per account. `public` is false until the person opts in; while it is false
  nothing of the row is shown to anyone but its owner and admins.
- `people_invitations`: an invitation to an e-mail address. Only a keyed hash of its token is stored; it is
  used once (`accepted_at` set in the same transaction that creates or links the account) and expires.
- `roster_managers`: accounts (besides admins) who run the roster and peer reviews.
- `roster_members`: the expert roster. Removing someone keeps the row (`removed_at`); declared conflicts are free
  text plus organisations (names or actor record ids) and registry record ids.
- `peer_reviews`: one review of one registry record revision: open (collecting reviews), reconciled (the
  manager's summary and decision), published (readable by everyone, linked from the record's page).
- `peer_review_assignments`: a reviewer assigned to a review and, once submitted, their structured review.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from litterhub.store.tables import metadata

people_profiles = Table(
    "people_profiles",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("public", Boolean, nullable=False),
    Column("display_name", Text),
    Column("organisation", Text),
    Column("country", String(3)),
    Column("expertise", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("bio", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

people_invitations = Table(
    "people_invitations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("role", String(20), nullable=False),
    Column("roster", Boolean, nullable=False),
    Column("invited_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
    Column("accepted_user_id", Integer, ForeignKey("users.id")),
    UniqueConstraint("token_hash", name="uq_people_invitations_token_hash"),
)

roster_managers = Table(
    "roster_managers",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

roster_members = Table(
    "roster_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("expertise", JSON, nullable=False),
    Column("conflicts", Text, nullable=False),
    Column("conflict_orgs", JSON, nullable=False),
    Column("conflict_records", JSON, nullable=False),
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True)),
    Index("ix_roster_members_user_id", "user_id"),
)

peer_reviews = Table(
    "peer_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_by", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("summary", Text),
    Column("decision", String(20)),
    Column("reconciled_by", Text),
    Column("reconciled_at", DateTime(timezone=True)),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_peer_reviews_record_id", "record_id"),
)

peer_review_assignments = Table(
    "peer_review_assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", Integer, ForeignKey("peer_reviews.id"), nullable=False),
    Column("reviewer_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("assigned_by", Text, nullable=False),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    Column("scores", JSON),
    Column("comments", Text),
    Column("recommendation", String(20)),
    Column("submitted_at", DateTime(timezone=True)),
    UniqueConstraint("review_id", "reviewer_id", name="uq_peer_review_assignments_review_id"),
)
