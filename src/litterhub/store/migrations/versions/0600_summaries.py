"""Per-version summaries (sites, facets) that the read faces serve instead of the row-level event index.

Revision ID: 0600_summaries
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0600_summaries"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "summary_versions",
        sa.Column("dataset_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("n_events", sa.BigInteger(), nullable=False),
        sa.Column("n_sites", sa.Integer(), nullable=False),
        sa.Column("date_min", sa.Date(), nullable=True),
        sa.Column("date_max", sa.Date(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "version", name="pk_summary_versions"),
    )
    op.create_table(
        "site_summaries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("compartment", sa.String(40), nullable=True),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("cell", sa.Integer(), nullable=True),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("n_density", sa.Integer(), nullable=False),
        sa.Column("sum_items_per_100m", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_site_summaries"),
    )
    op.create_index("ix_site_summaries_version_site", "site_summaries", ["dataset_id", "version", "site_id"])
    op.create_index("ix_site_summaries_site", "site_summaries", ["site_id"])
    op.create_index("ix_site_summaries_cell", "site_summaries", ["cell"])
    op.create_index("ix_site_summaries_country", "site_summaries", ["country"])
    op.create_table(
        "dataset_facets",
        sa.Column("dataset_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("n_events", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "version", "facet", "value", name="pk_dataset_facets"),
    )


def downgrade() -> None:
    op.drop_table("dataset_facets")
    for name in ("country", "cell", "site", "version_site"):
        op.drop_index(f"ix_site_summaries_{name}", table_name="site_summaries")
    op.drop_table("site_summaries")
    op.drop_table("summary_versions")
