"""Catalog database schema (SQLAlchemy Core): datasets, versions, sites, the sampling-event index,
users, raw files and the audit log. Observations themselves live in the Parquet lake.

Every capability that needs tables defines them on the shared `metadata` in its own module and adds an
Alembic migration; `tests/store/test_migrations.py` checks that migrations and metadata agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

datasets = Table(
    "datasets",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("publisher", Text, nullable=False, default=""),
    Column("licence", String(64), nullable=False),
    Column("citation", Text, nullable=False, default=""),
    Column("source_programme", String(100), nullable=False),
    Column("format", String(40), nullable=False),
    Column("protocol", Text, nullable=False, default=""),
    Column("current_version", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

raw_files = Table(
    "raw_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size_bytes", BigInteger, nullable=False),
    Column("original_filename", Text, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

dataset_versions = Table(
    "dataset_versions",
    metadata,
    Column("dataset_id", String(100), ForeignKey("datasets.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("sha256", String(64), ForeignKey("raw_files.sha256"), nullable=False),
    Column("original_filename", Text, nullable=False),
    Column("rows_in", Integer, nullable=False),
    Column("rows_accepted", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("n_events", Integer, nullable=False),
    Column("n_observations", BigInteger, nullable=False),
    Column("date_min", Date),
    Column("date_max", Date),
    Column("bbox", JSON),
    Column("vocab_version", String(40), nullable=False),
    Column("lake_path", Text, nullable=False),
    Column("lake_checksums", JSON, nullable=False),
    Column("report", JSON, nullable=False),
    Column("status", String(20), nullable=False, default="published"),
    Column("status_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_dataset_versions_sha256", "sha256"),
)

sites = Table(
    "sites",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(3)),
    Column("region", Text),
    Column("compartment", String(40), nullable=False),
    Column("source_programme", String(100), nullable=False),
    Column("source_key", Text, nullable=False),
    Index("ix_sites_country", "country"),
    Index("ix_sites_lat_lon", "lat", "lon"),
)

events = Table(
    "events",
    metadata,
    Column("event_id", String(120), primary_key=True),
    Column("dataset_id", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("site_id", String(40), ForeignKey("sites.id")),
    Column("event_date", Date),
    Column("event_type", String(40)),
    Column("protocol", Text),
    Column("compartment", String(40)),
    Column("country", String(3)),
    Column("length_m", Float),
    Column("area_m2", Float),
    Column("total_count", Float),
    Column("items_per_100m", Float),
    Column("items_per_m2", Float),
    Column("qc_flags", JSON),
    ForeignKeyConstraint(["dataset_id", "version"], ["dataset_versions.dataset_id", "dataset_versions.version"]),
    Index("ix_events_dataset_date", "dataset_id", "event_date", "event_id"),
    Index("ix_events_site", "site_id"),
    Index("ix_events_country_date", "country", "event_date"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", Text),
    Column("role", String(20), nullable=False, default="contributor"),
    Column("password_hash", Text),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(60), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", JSON),
    Index("ix_audit_log_target", "target"),
)
