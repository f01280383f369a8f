"""Catalog tables of the knowledge registry: records with numbered revisions, typed links, facet rows for
filtering and counting, a search document per record, a term list for typo tolerance, threaded comments
and capacity requests.

The full-text index itself (FTS5 on SQLite, a tsvector + GIN index on PostgreSQL) is dialect-specific, so
it is created by migration 0300 only; the portable `registry_search` table holds the normalised text it
indexes. Migration 0310 adds the triggers that keep `registry_facet_counts` and, on PostgreSQL, the trigram index
over `registry_terms`.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from litterhub.store.tables import metadata

registry_records = Table(
    "registry_records",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("latest_revision", Integer, nullable=False),
    Column("published_revision", Integer),
    Column("year", Integer),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_registry_records_type_status", "type", "status"),
    Index("ix_registry_records_title", "title", "id"),  # browse order without sorting every record (0310)
)

registry_revisions = Table(
    "registry_revisions",
    metadata,
    Column("record_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("data", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reason", Text),
    Column("author", Text, nullable=False),
    Column("reviewer", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
)

registry_facets = Table(
    "registry_facets",
    metadata,
    Column("record_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), primary_key=True),
    Column("facet", String(20), primary_key=True),
    Column("value", String(120), primary_key=True),
    Index("ix_registry_facets_facet_value", "facet", "value"),
)

registry_facet_counts = Table(  # kept by triggers on registry_facets (migration 0310): whole-registry facets
    "registry_facet_counts",
    metadata,
    Column("facet", String(20), primary_key=True),
    Column("value", String(120), primary_key=True),
    Column("n", Integer, nullable=False),
)

registry_links = Table(
    "registry_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), nullable=False),
    Column("target_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(40), nullable=False),
    Column("note", Text),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_id", "target_id", "type", name="uq_registry_links_source_id"),
    Index("ix_registry_links_target_id", "target_id"),
)

registry_search = Table(
    "registry_search",
    metadata,
    Column("doc_id", Integer, primary_key=True, autoincrement=True),  # the FTS5 rowid: stable, unlike implicit rowids
    Column("record_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), nullable=False,
           unique=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
)

registry_terms = Table(
    "registry_terms",
    metadata,
    Column("term", String(200), primary_key=True),
    # PostgreSQL: trigram GIN for typo tolerance and prefix completion (LIKE 'abc%'); SQLite has no trigram index,
    # so there it is a plain b-tree that duplicates the primary key (kept so both schemas declare the same names).
    Index("ix_registry_terms_trgm", "term", postgresql_using="gin", postgresql_ops={"term": "gin_trgm_ops"}),
)

registry_comments = Table(
    "registry_comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Integer, ForeignKey("registry_comments.id")),
    Column("author", Text, nullable=False),
    Column("author_name", Text),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("moderated_by", Text),
    Column("moderation_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_registry_comments_record_id", "record_id"),
)

capacity_requests = Table(
    "capacity_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("need_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), nullable=False),
    Column("offer_id", String(120), ForeignKey("registry_records.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("message", Text),
    Column("outcome", Text),
    Column("requested_by", Text, nullable=False),
    Column("decided_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_capacity_requests_need_id", "need_id"),
    Index("ix_capacity_requests_offer_id", "offer_id"),
)
