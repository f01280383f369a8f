"""National source inventories: versioned inventory records.

Revision ID: 0100_inventories
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0100_inventories"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "national_inventories",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scenario", sa.String(40), nullable=False),
        sa.Column("compartment", sa.String(80), nullable=False),
        sa.Column("submitter", sa.Text(), nullable=False),
        sa.Column("account", sa.String(100), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("central_t", sa.Float(), nullable=False),
        sa.Column("low_t", sa.Float(), nullable=True),
        sa.Column("high_t", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_national_inventories"),
        sa.UniqueConstraint("country", "method", "version", name="uq_national_inventories_country"),
    )
    op.create_index("ix_national_inventories_method_year", "national_inventories", ["method", "year"])


def downgrade() -> None:
    op.drop_index("ix_national_inventories_method_year", table_name="national_inventories")
    op.drop_table("national_inventories")
