"""Forum (threads by theme, region and country; numbered posts, quotes, reports, moderation, subscriptions) and
notifications (in-app rows, e-mail preferences, the e-mail outbox) (issue 19, item 1).

Revision ID: 0700_forum
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0700_forum"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_threads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("theme", sa.String(40), nullable=True),
        sa.Column("region", sa.String(120), nullable=True),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("link_kind", sa.String(20), nullable=True),
        sa.Column("link_id", sa.String(200), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["locked_by"], ["users.id"], name="fk_forum_threads_locked_by_users"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_forum_threads_author_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_forum_threads"),
    )
    op.create_index("ix_forum_threads_region", "forum_threads", ["region"])
    op.create_index("ix_forum_threads_country", "forum_threads", ["country"])
    op.create_index("ix_forum_threads_last_post_at", "forum_threads", ["last_post_at"])
    op.create_table(
        "forum_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("quote_of", sa.Integer(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["quote_of"], ["forum_posts.id"], name="fk_forum_posts_quote_of_forum_posts"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_forum_posts_author_id_users"),
        sa.ForeignKeyConstraint(["thread_id"], ["forum_threads.id"], name="fk_forum_posts_thread_id_forum_threads"),
        sa.ForeignKeyConstraint(["hidden_by"], ["users.id"], name="fk_forum_posts_hidden_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_forum_posts"),
        sa.UniqueConstraint("thread_id", "number", name="uq_forum_posts_thread_id"),
    )
    op.create_table(
        "forum_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.ForeignKeyConstraint(["resolved_by"], ["users.id"], name="fk_forum_reports_resolved_by_users"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name="fk_forum_reports_reporter_id_users"),
        sa.ForeignKeyConstraint(["post_id"], ["forum_posts.id"], name="fk_forum_reports_post_id_forum_posts"),
        sa.PrimaryKeyConstraint("id", name="pk_forum_reports"),
    )
    op.create_index("ix_forum_reports_post_id", "forum_reports", ["post_id"])
    op.create_table(
        "forum_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_forum_subscriptions_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_forum_subscriptions"),
        sa.UniqueConstraint("user_id", "kind", "target", name="uq_forum_subscriptions_user_id"),
    )
    op.create_index("ix_forum_subscriptions_target", "forum_subscriptions", ["kind", "target"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notifications_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id", "read_at"])
    op.create_table(
        "notification_prefs",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email_mode", sa.String(20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notification_prefs_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_notification_prefs"),
    )
    op.create_table(
        "notification_emails",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notification_emails_user_id_users"),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name="fk_notification_emails_notification_id_notifications"),
        sa.PrimaryKeyConstraint("id", name="pk_notification_emails"),
    )
    op.create_index("ix_notification_emails_status", "notification_emails", ["status"])


def downgrade() -> None:
    op.drop_index("ix_notification_emails_status", table_name="notification_emails")
    op.drop_table("notification_emails")
    op.drop_table("notification_prefs")
    op.drop_index("ix_notifications_user_id", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_forum_subscriptions_target", table_name="forum_subscriptions")
    op.drop_table("forum_subscriptions")
    op.drop_index("ix_forum_reports_post_id", table_name="forum_reports")
    op.drop_table("forum_reports")
    op.drop_table("forum_posts")
    op.drop_index("ix_forum_threads_region", table_name="forum_threads")
    op.drop_index("ix_forum_threads_country", table_name="forum_threads")
    op.drop_index("ix_forum_threads_last_post_at", table_name="forum_threads")
    op.drop_table("forum_threads")
