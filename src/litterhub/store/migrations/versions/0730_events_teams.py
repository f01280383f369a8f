"""Events calendar, registrations, volunteer teams, leaderboard opt-ins and survey attributions (issue 19).

Revision ID: 0730_events_teams
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0730_events_teams"
down_revision = "0001_foundation"
branch_labels = None
depends_on = "0200_contributions"  # survey_attributions refers to submissions


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("join_code", sa.String(32), nullable=False),
        sa.Column("on_leaderboard", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_teams_created_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
        sa.UniqueConstraint("join_code", name="uq_teams_join_code"),
    )
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_team_members_team_id_teams"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_team_members_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_team_members"),
        sa.UniqueConstraint("team_id", "user_id", name="uq_team_members_team_id"),
    )
    op.create_index("ix_team_members_user_id", "team_members", ["user_id"])
    op.create_table(
        "calendar_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("country", sa.String(3), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.String(200), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organiser_id"], ["users.id"], name="fk_calendar_events_organiser_id_users"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_calendar_events_team_id_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_events"),
    )
    op.create_index("ix_calendar_events_starts_at", "calendar_events", ["starts_at"])
    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["calendar_events.id"],
                                name="fk_event_registrations_event_id_calendar_events"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_event_registrations_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_event_registrations"),
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_registrations_event_id"),
    )
    op.create_table(
        "leaderboard_people",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opted_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_leaderboard_people_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_leaderboard_people"),
    )
    op.create_table(
        "survey_attributions",
        sa.Column("submission_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name="fk_survey_attributions_submission_id_submissions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_survey_attributions_user_id_users"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_survey_attributions_team_id_teams"),
        sa.ForeignKeyConstraint(["event_id"], ["calendar_events.id"],
                                name="fk_survey_attributions_event_id_calendar_events"),
        sa.PrimaryKeyConstraint("submission_id", name="pk_survey_attributions"),
    )
    op.create_index("ix_survey_attributions_team_id", "survey_attributions", ["team_id"])
    op.create_index("ix_survey_attributions_event_id", "survey_attributions", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_survey_attributions_event_id", table_name="survey_attributions")
    op.drop_index("ix_survey_attributions_team_id", table_name="survey_attributions")
    op.drop_table("survey_attributions")
    op.drop_table("leaderboard_people")
    op.drop_table("event_registrations")
    op.drop_index("ix_calendar_events_starts_at", table_name="calendar_events")
    op.drop_table("calendar_events")
    op.drop_index("ix_team_members_user_id", table_name="team_members")
    op.drop_table("team_members")
    op.drop_table("teams")
