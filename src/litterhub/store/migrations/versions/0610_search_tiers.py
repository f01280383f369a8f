"""Registry search in tiers (issue 20): an index of the title text alone, so the title tier (records that name
the query) is found and ranked from doclists of title words only (a word common in texts is often rare in titles):
on PostgreSQL a stored tsvector with its GIN index; on SQLite a second FTS5 index over the same `registry_search`
rows, kept by triggers like the first (a column filter on the main index would still read the whole doclists).

Revision ID: 0610_search_tiers
Revises: 0310_search_indexes
"""

from alembic import op

revision = "0610_search_tiers"
down_revision = "0310_search_indexes"
branch_labels = None
depends_on = None


WA_AL, AL = "\u0648\u0627\u0644", "\u0627\u0644"  # keep in step with litterhub.registry.text._arabic_conjunction


def _arabic_conjunction(dialect: str) -> None:
    """Index words spelt "وال..." (and-the) become "ال..." (the), as registry.text now writes them."""
    for column in ("title", "body"):  # tokens are space-separated: ' وال' starts a token
        op.execute(f"UPDATE registry_search SET {column} = substr(replace(' ' || {column}, ' {WA_AL}', "  # noqa: S608
                   f"' {AL}'), 2) WHERE ' ' || {column} LIKE '% {WA_AL}_%'")
    ignore = "INSERT OR IGNORE INTO" if dialect == "sqlite" else "INSERT INTO"
    conflict = "" if dialect == "sqlite" else " ON CONFLICT DO NOTHING"
    op.execute(f"{ignore} registry_terms (term) SELECT substr(term, 2) FROM registry_terms "  # noqa: S608
               f"WHERE term LIKE '{WA_AL}_%'{conflict}")
    op.execute(f"DELETE FROM registry_terms WHERE term LIKE '{WA_AL}_%'")  # noqa: S608


TRIGGERS = ("registry_search_title_ai", "registry_search_title_ad", "registry_search_title_au")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE registry_search ADD COLUMN tsv_title tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED")
        op.execute("CREATE INDEX ix_registry_search_tsv_title ON registry_search USING GIN (tsv_title)")
    elif dialect == "sqlite":  # same tokenizer as registry_fts (migration 0300): text arrives normalised
        op.execute("CREATE VIRTUAL TABLE registry_fts_title USING fts5(title, content='registry_search', "
                   "content_rowid='doc_id', tokenize='unicode61 remove_diacritics 0')")
        op.execute("CREATE TRIGGER registry_search_title_ai AFTER INSERT ON registry_search BEGIN "
                   "INSERT INTO registry_fts_title(rowid, title) VALUES (new.doc_id, new.title); END")
        op.execute("CREATE TRIGGER registry_search_title_ad AFTER DELETE ON registry_search BEGIN "
                   "INSERT INTO registry_fts_title(registry_fts_title, rowid, title) "
                   "VALUES ('delete', old.doc_id, old.title); END")
        op.execute("CREATE TRIGGER registry_search_title_au AFTER UPDATE ON registry_search BEGIN "
                   "INSERT INTO registry_fts_title(registry_fts_title, rowid, title) "
                   "VALUES ('delete', old.doc_id, old.title); "
                   "INSERT INTO registry_fts_title(rowid, title) VALUES (new.doc_id, new.title); END")
        op.execute("INSERT INTO registry_fts_title(registry_fts_title) VALUES ('rebuild')")
    if dialect in ("postgresql", "sqlite"):
        _arabic_conjunction(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_registry_search_tsv_title")
        op.execute("ALTER TABLE registry_search DROP COLUMN IF EXISTS tsv_title")
    elif dialect == "sqlite":
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS registry_fts_title")
