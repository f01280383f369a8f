"""People and the advisory body: opt-in profiles, invitations, the expert roster, peer reviews (issue 19).

Revision ID: 0710_people_review
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0710_people_review"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "people_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("expertise", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("people_profiles", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_people_profiles"),
    )
    op.create_table(
        "people_invitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("roster", sa.Boolean(), nullable=False),
        sa.Column("invited_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_user_id", sa.Integer(), nullable=True),
        _fk("people_invitations", "accepted_user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_people_invitations"),
        sa.UniqueConstraint("token_hash", name="uq_people_invitations_token_hash"),
    )
    op.create_table(
        "roster_managers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _fk("roster_managers", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_roster_managers"),
    )
    op.create_table(
        "roster_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expertise", sa.JSON(), nullable=False),
        sa.Column("conflicts", sa.Text(), nullable=False),
        sa.Column("conflict_orgs", sa.JSON(), nullable=False),
        sa.Column("conflict_records", sa.JSON(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        _fk("roster_members", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_roster_members"),
    )
    op.create_index("ix_roster_members_user_id", "roster_members", ["user_id"])
    op.create_table(
        "peer_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(120), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("reconciled_by", sa.Text(), nullable=True),
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        _fk("peer_reviews", "record_id", "registry_records", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_peer_reviews"),
    )
    op.create_index("ix_peer_reviews_record_id", "peer_reviews", ["record_id"])
    op.create_table(
        "peer_review_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("recommendation", sa.String(20), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        _fk("peer_review_assignments", "review_id", "peer_reviews"),
        _fk("peer_review_assignments", "reviewer_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_peer_review_assignments"),
        sa.UniqueConstraint("review_id", "reviewer_id", name="uq_peer_review_assignments_review_id"),
    )


def downgrade() -> None:
    op.drop_table("peer_review_assignments")
    op.drop_index("ix_peer_reviews_record_id", table_name="peer_reviews")
    op.drop_table("peer_reviews")
    op.drop_index("ix_roster_members_user_id", table_name="roster_members")
    op.drop_table("roster_members")
    op.drop_table("roster_managers")
    op.drop_table("people_invitations")
    op.drop_table("people_profiles")
