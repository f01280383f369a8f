"""Rate-limit counters shared by every server process (issue 21: many stateless workers).

Revision ID: 0740_shared_limits
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0740_shared_limits"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_windows",
        sa.Column("bucket", sa.String(60), nullable=False),
        sa.Column("caller", sa.String(200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("ends_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "caller", name="pk_rate_windows"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # counters a crash may reset: no write-ahead log for them (store/limit_tables.py)
        op.execute("ALTER TABLE rate_windows SET UNLOGGED")


def downgrade() -> None:
    op.drop_table("rate_windows")
