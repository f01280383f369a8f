"""Registry search in tiers (issue 20): on PostgreSQL a stored tsvector of the title text alone, with its GIN
index, so the title tier (records that name the query) is found and ranked without reading the whole document's
vector. SQLite needs nothing: FTS5 restricts a match to the title column with a column filter (`{title} : ...`).

Revision ID: 0610_search_tiers
Revises: 0310_search_indexes
"""

from alembic import op

revision = "0610_search_tiers"
down_revision = "0310_search_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE registry_search ADD COLUMN tsv_title tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED")
        op.execute("CREATE INDEX ix_registry_search_tsv_title ON registry_search USING GIN (tsv_title)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_registry_search_tsv_title")
        op.execute("ALTER TABLE registry_search DROP COLUMN IF EXISTS tsv_title")
