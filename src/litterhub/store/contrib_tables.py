"""Catalog tables for contributions: API keys, submissions (uploads and citizen-science surveys) and
review decisions, plus the contributor columns added to the shared `users` table.

Submissions hold everything a reviewer needs before anything becomes public; on approval the ingest
service publishes a dataset version and the submission records which one.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from litterhub.store.tables import metadata, users

# Contributor attributes on the shared users table (added by migration 0200_contributions).
for _column in (
    Column("trusted", Boolean, nullable=False, default=False, server_default=false()),
    Column("show_name", Boolean, nullable=False, default=False, server_default=false()),
    Column("last_login_at", DateTime(timezone=True)),
):
    if _column.name not in users.c:
        users.append_column(_column)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", Text, nullable=False, default=""),
    Column("secret_hash", String(64), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_api_keys_user_id", "user_id"),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),  # upload | survey
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("dataset_id", String(100), nullable=False),
    Column("format", String(40)),
    Column("original_filename", Text),
    Column("sha256", String(64)),
    Column("size_bytes", Integer),
    Column("licence", String(64), nullable=False),
    Column("embargo_until", Date),
    Column("quality_tier", String(40), nullable=False),
    Column("sensitive_site", Boolean, nullable=False, default=False),
    Column("payload", JSON),
    Column("report", JSON),
    Column("status", String(30), nullable=False),
    Column("reviewer_id", Integer, ForeignKey("users.id")),
    Column("claimed_at", DateTime(timezone=True)),
    Column("decision_reason", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("published_version", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_submissions_status_created", "status", "created_at"),
    Index("ix_submissions_user_id", "user_id"),
)

submission_photos = Table(
    "submission_photos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", String(36), ForeignKey("submissions.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Index("ix_submission_photos_submission_id", "submission_id"),
)
