"""Catalog tables of the national action-plan workspace (issue 22): one plan per country, its team, its
versioned step content, and the comments and tasks per step.

Contract:
- `action_plans`: one row per country. `status` is draft (private to the team) or published (readable by all).
  Sign-off by the team's lead records the revision it approved (`signed_revision`); publishing needs that
  sign-off to be of the latest revision.
- `plan_members`: who is on the team and as what (lead | member); removing someone keeps the row (`removed_at`).
- `plan_revisions`: every save of a step's editable content (the team's notes; the measures of the action plan)
  is a new row numbered per plan (`revision`); nothing is overwritten. A step's content is its latest row.
- `plan_notes`: comments and tasks per step (a task has an assignee, a due date and `done_at`).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from litterhub.store.tables import metadata

action_plans = Table(
    "action_plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("country", String(3), nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("signed_off_by", Integer, ForeignKey("users.id")),
    Column("signed_off_at", DateTime(timezone=True)),
    Column("signed_revision", Integer),
    Column("published_at", DateTime(timezone=True)),
    UniqueConstraint("country", name="uq_action_plans_country"),
)

plan_members = Table(
    "plan_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", Integer, ForeignKey("action_plans.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True)),
    Index("ix_plan_members_plan_id", "plan_id"),
)

plan_revisions = Table(
    "plan_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", Integer, ForeignKey("action_plans.id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("step", String(20), nullable=False),
    Column("content", JSON, nullable=False),
    Column("author_id", Integer, ForeignKey("users.id")),
    Column("author", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("plan_id", "revision", name="uq_plan_revisions_plan_id"),
)

plan_notes = Table(
    "plan_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", Integer, ForeignKey("action_plans.id"), nullable=False),
    Column("step", String(20), nullable=False),
    Column("kind", String(10), nullable=False),  # comment | task
    Column("body", Text, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("assignee_id", Integer, ForeignKey("users.id")),
    Column("due", Date),
    Column("done_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_plan_notes_plan_id", "plan_id"),
)
