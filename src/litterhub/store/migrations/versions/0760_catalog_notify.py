"""A NOTIFY on every commit that changes what the published catalog looks like (issue 20: fast reads on PostgreSQL).

The read cache and the result cache of every server process must see a version published by any other process
at once. On SQLite a `stat` of the catalog files says so; on PostgreSQL they asked the database on every request
(a worker-thread hop and a round trip: most of an anonymous read's cost). With these statement triggers a
commit that writes the audit log, a dataset or a dataset version sends `litterhub_catalog`, which
store/catalog_watch.py listens to. Statement triggers: one notification per statement, and PostgreSQL folds
identical notifications of one transaction into one, delivered only if it commits.

Revision ID: 0760_catalog_notify
Revises: 0001_foundation
"""

from alembic import op

revision = "0760_catalog_notify"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

TABLES = ("audit_log", "datasets", "dataset_versions")  # what services/result_cache.py's fingerprint reads


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION litterhub_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('litterhub_catalog', '');
            RETURN NULL;
        END $$""")
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS litterhub_catalog_changed ON {table}")
        op.execute(f"CREATE TRIGGER litterhub_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION litterhub_catalog_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS litterhub_catalog_changed ON {table}")
    op.execute("DROP FUNCTION IF EXISTS litterhub_catalog_changed()")
