"""National focal points and the national figures they submit for review (issue 17, item 4).

Revision ID: 0630_national_figures
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0630_national_figures"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "focal_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_focal_points_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_focal_points"),
    )
    op.create_index("ix_focal_points_country", "focal_points", ["country"])
    op.create_index("ix_focal_points_user_id", "focal_points", ["user_id"])
    op.create_table(
        "national_figures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("submitter", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_national_figures_user_id_users"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name="fk_national_figures_reviewer_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_national_figures"),
        sa.UniqueConstraint("country", "kind", "version", name="uq_national_figures_country"),
    )
    op.create_index("ix_national_figures_status", "national_figures", ["status"])


def downgrade() -> None:
    op.drop_index("ix_national_figures_status", table_name="national_figures")
    op.drop_table("national_figures")
    op.drop_index("ix_focal_points_user_id", table_name="focal_points")
    op.drop_index("ix_focal_points_country", table_name="focal_points")
    op.drop_table("focal_points")
