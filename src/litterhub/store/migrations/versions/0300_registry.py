"""Knowledge registry: records, revisions, facets, links, search documents, terms, comments, capacity requests,
and the dialect's full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL).

Revision ID: 0300_registry
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0300_registry"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str = "registry_records", ondelete: str | None = "CASCADE"):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "registry_records",
        sa.Column("id", sa.String(120), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("latest_revision", sa.Integer(), nullable=False),
        sa.Column("published_revision", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_records"),
    )
    op.create_index("ix_registry_records_type_status", "registry_records", ["type", "status"])
    op.create_table(
        "registry_revisions",
        sa.Column("record_id", sa.String(120), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("decided_at", _TZ, nullable=True),
        sa.PrimaryKeyConstraint("record_id", "revision", name="pk_registry_revisions"),
        _fk("registry_revisions", "record_id"),
    )
    op.create_table(
        "registry_facets",
        sa.Column("record_id", sa.String(120), nullable=False),
        sa.Column("facet", sa.String(20), nullable=False),
        sa.Column("value", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "facet", "value", name="pk_registry_facets"),
        _fk("registry_facets", "record_id"),
    )
    op.create_index("ix_registry_facets_facet_value", "registry_facets", ["facet", "value"])
    op.create_table(
        "registry_links",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("source_id", sa.String(120), nullable=False),
        sa.Column("target_id", sa.String(120), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_links"),
        sa.UniqueConstraint("source_id", "target_id", "type", name="uq_registry_links_source_id"),
        _fk("registry_links", "source_id"),
        _fk("registry_links", "target_id"),
    )
    op.create_index("ix_registry_links_target_id", "registry_links", ["target_id"])
    op.create_table(
        "registry_search",
        sa.Column("doc_id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("record_id", sa.String(120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id", name="pk_registry_search"),
        sa.UniqueConstraint("record_id", name="uq_registry_search_record_id"),
        _fk("registry_search", "record_id"),
    )
    op.create_table(
        "registry_terms",
        sa.Column("term", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("term", name="pk_registry_terms"),
    )
    op.create_table(
        "registry_comments",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("record_id", sa.String(120), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("author_name", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("moderated_by", sa.Text(), nullable=True),
        sa.Column("moderation_reason", sa.Text(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_comments"),
        _fk("registry_comments", "record_id"),
        sa.ForeignKeyConstraint(["parent_id"], ["registry_comments.id"],
                                name="fk_registry_comments_parent_id_registry_comments"),
    )
    op.create_index("ix_registry_comments_record_id", "registry_comments", ["record_id"])
    op.create_table(
        "capacity_requests",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("need_id", sa.String(120), nullable=False),
        sa.Column("offer_id", sa.String(120), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_capacity_requests"),
        _fk("capacity_requests", "need_id"),
        _fk("capacity_requests", "offer_id"),
    )
    op.create_index("ix_capacity_requests_need_id", "capacity_requests", ["need_id"])
    op.create_index("ix_capacity_requests_offer_id", "capacity_requests", ["offer_id"])
    _create_fulltext(op.get_bind().dialect.name)


def _create_fulltext(dialect: str) -> None:
    """The full-text index over registry_search, kept in step by the database itself."""
    if dialect == "sqlite":
        # Text is already normalised and CJK split into bigrams by litterhub.registry.text, so a plain
        # unicode61 tokenizer (no diacritics folding) sees exactly the tokens the query side produces.
        op.execute("CREATE VIRTUAL TABLE registry_fts USING fts5(title, body, content='registry_search', "
                   "content_rowid='doc_id', tokenize='unicode61 remove_diacritics 0')")
        op.execute("CREATE TRIGGER registry_search_ai AFTER INSERT ON registry_search BEGIN "
                   "INSERT INTO registry_fts(rowid, title, body) VALUES (new.doc_id, new.title, new.body); END")
        op.execute("CREATE TRIGGER registry_search_ad AFTER DELETE ON registry_search BEGIN "
                   "INSERT INTO registry_fts(registry_fts, rowid, title, body) "
                   "VALUES ('delete', old.doc_id, old.title, old.body); END")
        op.execute("CREATE TRIGGER registry_search_au AFTER UPDATE ON registry_search BEGIN "
                   "INSERT INTO registry_fts(registry_fts, rowid, title, body) "
                   "VALUES ('delete', old.doc_id, old.title, old.body); "
                   "INSERT INTO registry_fts(rowid, title, body) VALUES (new.doc_id, new.title, new.body); END")
    elif dialect == "postgresql":
        op.execute("ALTER TABLE registry_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
                   "setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')"
                   ") STORED")
        op.execute("CREATE INDEX ix_registry_search_tsv ON registry_search USING GIN (tsv)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("registry_search_ai", "registry_search_ad", "registry_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS registry_fts")
    for table in ("capacity_requests", "registry_comments", "registry_terms", "registry_search", "registry_links",
                  "registry_facets", "registry_revisions", "registry_records"):
        op.drop_table(table)
