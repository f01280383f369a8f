"""Access control: server-side login sessions, the parent key of each API key, review state of registry links.

Revision ID: 0420_sessions
Revises: 0200_contributions (users, api_keys); depends on 0300_registry (registry_links)
"""

import sqlalchemy as sa
from alembic import op

revision = "0420_sessions"
down_revision = "0200_contributions"
branch_labels = None
depends_on = "0300_registry"

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("last_seen_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_api_keys_parent_id_api_keys", "api_keys", ["parent_id"], ["id"])
    with op.batch_alter_table("registry_links") as batch:
        # links made before review existed stay public, as they were
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="published"))
        batch.add_column(sa.Column("reviewed_by", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", _TZ, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registry_links") as batch:
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
        batch.drop_column("status")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("fk_api_keys_parent_id_api_keys", type_="foreignkey")
        batch.drop_column("parent_id")
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
