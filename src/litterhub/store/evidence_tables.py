"""Catalog tables of the living evidence review (issue 19 item 4, UNEA expert group 9(c)) and of the treaty
party table (item 5, 11(d)).

Contract:
- `evidence_projects`: a review with its question and inclusion criteria; `evidence_members` says who leads it and
  who screens for it (a screener must be on this list to decide anything).
- `evidence_candidates`: a study proposed for the review, with its bibliographic data and the coding the lead
  extracted (`coding`: stage, endpoint, ...). `phase` moves title-abstract → full-text → included | excluded, and
  only through two screeners' decisions or the lead's resolution of their conflict.
- `evidence_screenings`: one decision per screener, phase and candidate (unique); never updated.
- `evidence_resolutions`: the lead's decision on a conflict, with the reason; one per candidate and phase.
- `evidence_records`: the structured evidence base (one study × one finding): made when a candidate is included,
  or seeded from sourced studies; `quality` holds the appraisal's criterion scores (services/evidence.py).
- `treaty_parties`: country (ISO3) × instrument (a registry record id) with its status, date and source.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from litterhub.store.tables import metadata

evidence_projects = Table(
    "evidence_projects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(120), nullable=False),
    Column("title", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("topic", String(40), nullable=False),
    Column("criteria", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("slug", name="uq_evidence_projects_slug"),
)

evidence_members = Table(
    "evidence_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("evidence_projects.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("role", String(20), nullable=False),  # lead | screener
    Column("added_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("project_id", "user_id", name="uq_evidence_members_project_id"),
)

evidence_candidates = Table(
    "evidence_candidates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("evidence_projects.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("authors", JSON, nullable=False),
    Column("year", Integer),
    Column("journal", Text),
    Column("doi", Text),
    Column("url", Text),
    Column("abstract", Text, nullable=False),
    Column("coding", JSON, nullable=False),
    Column("phase", String(20), nullable=False),
    Column("record_id", Integer),
    Column("added_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_evidence_candidates_project_id", "project_id"),
)

evidence_screenings = Table(
    "evidence_screenings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("candidate_id", Integer, ForeignKey("evidence_candidates.id"), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("decision", String(10), nullable=False),  # include | exclude
    Column("reason", String(40), nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("candidate_id", "phase", "user_id", name="uq_evidence_screenings_candidate_id"),
)

evidence_resolutions = Table(
    "evidence_resolutions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("candidate_id", Integer, ForeignKey("evidence_candidates.id"), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("resolved_by", Integer, ForeignKey("users.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("candidate_id", "phase", name="uq_evidence_resolutions_candidate_id"),
)

evidence_records = Table(
    "evidence_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("evidence_projects.id")),
    Column("candidate_id", Integer, ForeignKey("evidence_candidates.id")),
    Column("topic", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("authors", JSON, nullable=False),
    Column("year", Integer),
    Column("journal", Text),
    Column("doi", Text),
    Column("url", Text),
    Column("stage", String(40)),
    Column("compartment", String(40)),
    Column("exposure_route", String(20)),
    Column("organism", Text),
    Column("endpoint", String(40)),
    Column("effect", String(20)),
    Column("design", String(40)),
    Column("quality", JSON, nullable=False),
    Column("finding", Text, nullable=False),
    Column("verification", String(20), nullable=False),
    Column("source_note", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_evidence_records_topic", "topic"),
)

treaty_parties = Table(
    "treaty_parties",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("country", String(3), nullable=False),
    Column("instrument_id", String(120), nullable=False),
    Column("status", String(20), nullable=False),  # signed | ratified | party
    Column("date", String(10)),
    Column("source", Text, nullable=False),
    Column("verification", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("country", "instrument_id", name="uq_treaty_parties_country"),
)
