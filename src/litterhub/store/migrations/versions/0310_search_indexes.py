"""Registry search at scale: facet filters as full-text terms, facet counts kept by the database, an index for
browsing in title order, and an index for typo tolerance (pg_trgm on PostgreSQL).

- `registry_facet_counts` (facet, value, n) is maintained by triggers on `registry_facets`, so the counts of the
  whole registry (browse with no query, the country map) are one small read instead of a GROUP BY over every
  facet row; the triggers also follow ON DELETE CASCADE.
- Every search document gains one term per facet value (`registry.search.facet_token`), so a facet filter is
  intersected inside the full-text index (FTS5 or GIN) instead of probing `registry_facets` for each match.
- `ix_registry_records_title` serves the browse order (title, id) without sorting every record.
- PostgreSQL: `ix_registry_terms_trgm`, a trigram GIN index over the vocabulary, finds the words a typo away.

Revision ID: 0310_search_indexes
Revises: 0300_registry
"""

import sqlalchemy as sa
from alembic import op

revision = "0310_search_indexes"
down_revision = "0300_registry"
branch_labels = None
depends_on = None

FACET_TOKEN_PREFIX = "lhf"  # keep in step with litterhub.registry.search.facet_token


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "registry_facet_counts",
        sa.Column("facet", sa.String(20), nullable=False),
        sa.Column("value", sa.String(120), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("facet", "value", name="pk_registry_facet_counts"),
    )
    op.execute("INSERT INTO registry_facet_counts (facet, value, n) "
               "SELECT facet, value, COUNT(*) FROM registry_facets GROUP BY facet, value")
    op.create_index("ix_registry_records_title", "registry_records", ["title", "id"])
    if dialect == "sqlite":
        op.create_index("ix_registry_terms_trgm", "registry_terms", ["term"])  # no trigrams: a plain b-tree
        op.execute("CREATE TRIGGER registry_facets_count_ai AFTER INSERT ON registry_facets BEGIN "
                   "INSERT INTO registry_facet_counts (facet, value, n) VALUES (new.facet, new.value, 1) "
                   "ON CONFLICT (facet, value) DO UPDATE SET n = n + 1; END")
        op.execute("CREATE TRIGGER registry_facets_count_ad AFTER DELETE ON registry_facets BEGIN "
                   "UPDATE registry_facet_counts SET n = n - 1 WHERE facet = old.facet AND value = old.value; "
                   "DELETE FROM registry_facet_counts WHERE facet = old.facet AND value = old.value AND n <= 0; END")
        token = f"' {FACET_TOKEN_PREFIX}' || f.facet || lower(hex(f.value))"
        op.execute(f"UPDATE registry_search SET body = body || (SELECT group_concat({token}, '') "  # noqa: S608
                   "FROM registry_facets f WHERE f.record_id = registry_search.record_id) "
                   "WHERE EXISTS (SELECT 1 FROM registry_facets f WHERE f.record_id = registry_search.record_id)")
        op.execute("INSERT INTO registry_fts(registry_fts) VALUES ('optimize')")  # merge the segments just rewritten
    elif dialect == "postgresql":
        op.execute("""CREATE FUNCTION registry_facets_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO registry_facet_counts (facet, value, n) VALUES (NEW.facet, NEW.value, 1)
    ON CONFLICT (facet, value) DO UPDATE SET n = registry_facet_counts.n + 1;
    RETURN NEW;
  END IF;
  UPDATE registry_facet_counts SET n = n - 1 WHERE facet = OLD.facet AND value = OLD.value;
  DELETE FROM registry_facet_counts WHERE facet = OLD.facet AND value = OLD.value AND n <= 0;
  RETURN OLD;
END $$""")
        op.execute("CREATE TRIGGER registry_facets_count AFTER INSERT OR DELETE ON registry_facets "
                   "FOR EACH ROW EXECUTE FUNCTION registry_facets_count()")
        token = f"' {FACET_TOKEN_PREFIX}' || f.facet || encode(convert_to(f.value, 'UTF8'), 'hex')"
        op.execute(f"UPDATE registry_search s SET body = s.body || t.tokens FROM (SELECT record_id, "  # noqa: S608
                   f"string_agg({token}, '' ORDER BY f.facet, f.value) AS tokens FROM registry_facets f "
                   "GROUP BY record_id) t WHERE t.record_id = s.record_id")
        # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: a database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_registry_terms_trgm ON registry_terms USING GIN (term gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS registry_facets_count_ai")
        op.execute("DROP TRIGGER IF EXISTS registry_facets_count_ad")
        op.execute("DROP INDEX IF EXISTS ix_registry_terms_trgm")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_registry_terms_trgm")
        op.execute("DROP TRIGGER IF EXISTS registry_facets_count ON registry_facets")
        op.execute("DROP FUNCTION IF EXISTS registry_facets_count()")
    op.drop_index("ix_registry_records_title", "registry_records")
    op.drop_table("registry_facet_counts")
