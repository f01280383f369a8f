"""Living evidence review (projects, screeners, candidates, blinded screening decisions, conflict resolutions,
evidence records) and the treaty party table (issue 19, items 4 and 5).

Revision ID: 0720_evidence_treaty
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0720_evidence_treaty"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_projects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_projects"),
        sa.UniqueConstraint("slug", name="uq_evidence_projects_slug"),
    )
    op.create_table(
        "evidence_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["evidence_projects.id"],
                                name="fk_evidence_members_project_id_evidence_projects"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_evidence_members_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_members"),
        sa.UniqueConstraint("project_id", "user_id", name="uq_evidence_members_project_id"),
    )
    op.create_table(
        "evidence_candidates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("journal", sa.Text(), nullable=True),
        sa.Column("doi", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("coding", sa.JSON(), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["evidence_projects.id"],
                                name="fk_evidence_candidates_project_id_evidence_projects"),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_candidates"),
    )
    op.create_index("ix_evidence_candidates_project_id", "evidence_candidates", ["project_id"])
    op.create_table(
        "evidence_screenings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["evidence_candidates.id"],
                                name="fk_evidence_screenings_candidate_id_evidence_candidates"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_evidence_screenings_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_screenings"),
        sa.UniqueConstraint("candidate_id", "phase", "user_id", name="uq_evidence_screenings_candidate_id"),
    )
    op.create_table(
        "evidence_resolutions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["evidence_candidates.id"],
                                name="fk_evidence_resolutions_candidate_id_evidence_candidates"),
        sa.ForeignKeyConstraint(["resolved_by"], ["users.id"], name="fk_evidence_resolutions_resolved_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_resolutions"),
        sa.UniqueConstraint("candidate_id", "phase", name="uq_evidence_resolutions_candidate_id"),
    )
    op.create_table(
        "evidence_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("candidate_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("journal", sa.Text(), nullable=True),
        sa.Column("doi", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("stage", sa.String(40), nullable=True),
        sa.Column("compartment", sa.String(40), nullable=True),
        sa.Column("exposure_route", sa.String(20), nullable=True),
        sa.Column("organism", sa.Text(), nullable=True),
        sa.Column("endpoint", sa.String(40), nullable=True),
        sa.Column("effect", sa.String(20), nullable=True),
        sa.Column("design", sa.String(40), nullable=True),
        sa.Column("quality", sa.JSON(), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("verification", sa.String(20), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["evidence_projects.id"],
                                name="fk_evidence_records_project_id_evidence_projects"),
        sa.ForeignKeyConstraint(["candidate_id"], ["evidence_candidates.id"],
                                name="fk_evidence_records_candidate_id_evidence_candidates"),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_records"),
    )
    op.create_index("ix_evidence_records_topic", "evidence_records", ["topic"])
    op.create_table(
        "treaty_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("instrument_id", sa.String(120), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("verification", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_treaty_parties"),
        sa.UniqueConstraint("country", "instrument_id", name="uq_treaty_parties_country"),
    )


def downgrade() -> None:
    op.drop_table("treaty_parties")
    op.drop_index("ix_evidence_records_topic", table_name="evidence_records")
    op.drop_table("evidence_records")
    op.drop_table("evidence_resolutions")
    op.drop_table("evidence_screenings")
    op.drop_index("ix_evidence_candidates_project_id", table_name="evidence_candidates")
    op.drop_table("evidence_candidates")
    op.drop_table("evidence_members")
    op.drop_table("evidence_projects")
