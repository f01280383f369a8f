"""Chemicals in plastics: merged substance records, their facets, and the imported sources.

Revision ID: 0500_chemicals
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0500_chemicals"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "chem_substances",
        sa.Column("cas", sa.String(20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.Column("n_hazards", sa.Integer(), nullable=False),
        sa.Column("n_listings", sa.Integer(), nullable=False),
        sa.Column("n_conflicts", sa.Integer(), nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("cas", name="pk_chem_substances"),
    )
    op.create_table(
        "chem_facets",
        sa.Column("cas", sa.String(20), nullable=False),
        sa.Column("facet", sa.String(20), nullable=False),
        sa.Column("value", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["cas"], ["chem_substances.cas"], name="fk_chem_facets_cas_chem_substances",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cas", "facet", "value", name="pk_chem_facets"),
    )
    op.create_index("ix_chem_facets_facet_value", "chem_facets", ["facet", "value"])
    op.create_table(
        "chem_sources",
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("rejected", sa.JSON(), nullable=False),
        sa.Column("imported_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_chem_sources"),
    )


def downgrade() -> None:
    op.drop_table("chem_sources")
    op.drop_index("ix_chem_facets_facet_value", table_name="chem_facets")
    op.drop_table("chem_facets")
    op.drop_table("chem_substances")
