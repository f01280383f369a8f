"""Registry search speed on PostgreSQL (issue 20): the facet terms that end each search document, as a stored
column of their own, so the candidates statement hands the server's facet terms over in one aggregated row; and a
GIN index over the title vector together with those facet terms, for title tiers with facet filters.

`registry.search` counts facet values from the first RANK_LIMIT matches' facet terms. Cutting them out of the body
at query time (`substr(body, strpos(body, ' lhf'))`) counts characters of UTF-8 text, 3-4 µs a row on the server;
returning the 500 bodies instead costs the client more than that. A generated column is computed once per write,
by the database, whatever writes the body (index_record, bulk loads, migration 0310's update). SQLite is
unchanged: its candidates statement reads the tail through FTS5 rowids, cheap in process.

A title tier with a facet filter (`plastic`, type=policy) matched the title index and the main index's facet term
and ANDed the two bitmaps: both posting lists read in full (10 900 and 9 100 entries at 100 k records, 8 ms of
server CPU). One GIN index over `tsv_title || to_tsvector(facet_terms)` intersects them inside the index (4.5 ms);
ranking still uses `tsv_title` alone, so scores do not change.

Revision ID: 0750_search_speed
Revises: 0001_foundation (after 0610_search_tiers: registry_search and its facet terms exist)
"""

from alembic import op

revision = "0750_search_speed"
down_revision = "0001_foundation"
branch_labels = None
depends_on = "0610_search_tiers"

TAIL = " lhf"  # keep in step with registry.search.FACET_TAIL
TITLE_FACETS = "tsv_title || to_tsvector('simple', facet_terms)"  # keep in step with registry.search.TITLE_FACETS


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE registry_search ADD COLUMN facet_terms text GENERATED ALWAYS AS ("  # noqa: S608
                   f"CASE WHEN strpos(body, '{TAIL}') > 0 THEN substr(body, strpos(body, '{TAIL}')) ELSE '' END"
                   ") STORED")
        op.execute("CREATE INDEX ix_registry_search_tsv_title_facets ON registry_search "
                   f"USING GIN (({TITLE_FACETS}))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_registry_search_tsv_title_facets")
        op.execute("ALTER TABLE registry_search DROP COLUMN IF EXISTS facet_terms")
