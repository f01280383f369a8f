"""National action-plan workspace: plans, team members, versioned step content, comments and tasks (issue 22).

Revision ID: 0640_action_plans
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0640_action_plans"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_plans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_off_by", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_revision", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["signed_off_by"], ["users.id"], name="fk_action_plans_signed_off_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_action_plans"),
        sa.UniqueConstraint("country", name="uq_action_plans_country"),
    )
    op.create_table(
        "plan_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"], name="fk_plan_members_plan_id_action_plans"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_plan_members_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_members"),
    )
    op.create_index("ix_plan_members_plan_id", "plan_members", ["plan_id"])
    op.create_table(
        "plan_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"], name="fk_plan_revisions_plan_id_action_plans"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_plan_revisions_author_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_revisions"),
        sa.UniqueConstraint("plan_id", "revision", name="uq_plan_revisions_plan_id"),
    )
    op.create_table(
        "plan_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"], name="fk_plan_notes_plan_id_action_plans"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_plan_notes_user_id_users"),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name="fk_plan_notes_assignee_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_notes"),
    )
    op.create_index("ix_plan_notes_plan_id", "plan_notes", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_notes_plan_id", table_name="plan_notes")
    op.drop_table("plan_notes")
    op.drop_table("plan_revisions")
    op.drop_index("ix_plan_members_plan_id", table_name="plan_members")
    op.drop_table("plan_members")
    op.drop_table("action_plans")
