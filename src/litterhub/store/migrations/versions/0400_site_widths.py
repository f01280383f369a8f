"""Beach widths per site for SDG 14.1.1b (versioned: one row per revision, never overwritten).

Revision ID: 0400_site_widths
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0400_site_widths"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_widths",
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("width_m", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("given_by", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_site_widths_site_id_sites"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_site_widths_user_id_users"),
        sa.PrimaryKeyConstraint("site_id", "revision", name="pk_site_widths"),
    )


def downgrade() -> None:
    op.drop_table("site_widths")
