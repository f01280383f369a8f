"""Catalog tables of the volunteers' side of the hub (issue 19): the events calendar, registrations, teams and the
attribution of citizen-science surveys to a team and a cleanup event.

Contract:
- `calendar_events` (not `events`: that name is the observation event index): a meeting, training or cleanup.
  `starts_at` / `ends_at` are UTC; `tz` is the IANA zone the organiser gave, in which the event is shown. An event
  may name the registry record it is about (`record_id`, e.g. a registry record of type "event") and the team that
  organises it (`team_id`). Cancelling keeps the row (`cancelled_at`).
- `event_registrations`: one row per person and event; unregistering deletes the row. Capacity is enforced when a
  row is added (services/calendar.py), under a lock of the event's row.
- `teams` / `team_members`: a team joins by its `join_code`; members are owners or members. Leaving keeps the row
  (`left_at`), rejoining reopens it. `on_leaderboard` is the team's opt-in to public leaderboards (off by default).
- `leaderboard_people`: a person's own opt-in to the people leaderboard (absent: not shown).
- `survey_attributions`: which team and/or cleanup event a survey submission was made for; one row per submission.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from litterhub.store import contrib_tables  # noqa: F401 - submissions must be declared before the attribution FK
from litterhub.store.tables import metadata

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("country", String(3)),
    Column("join_code", String(32), nullable=False),
    Column("on_leaderboard", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("join_code", name="uq_teams_join_code"),
)

team_members = Table(
    "team_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("role", String(10), nullable=False),  # owner | member
    Column("joined_at", DateTime(timezone=True), nullable=False),
    Column("left_at", DateTime(timezone=True)),
    UniqueConstraint("team_id", "user_id", name="uq_team_members_team_id"),
    Index("ix_team_members_user_id", "user_id"),
)

calendar_events = Table(
    "calendar_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("kind", String(20), nullable=False),  # meeting | training | cleanup
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("tz", String(64), nullable=False),
    Column("place", Text, nullable=False, default=""),
    Column("country", String(3)),
    Column("lat", Float),
    Column("lon", Float),
    Column("capacity", Integer),
    Column("organiser_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("team_id", Integer, ForeignKey("teams.id")),
    Column("record_id", String(200)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_calendar_events_starts_at", "starts_at"),
)

event_registrations = Table(
    "event_registrations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Integer, ForeignKey("calendar_events.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("event_id", "user_id", name="uq_event_registrations_event_id"),
)

leaderboard_people = Table(
    "leaderboard_people",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("opted_in_at", DateTime(timezone=True), nullable=False),
)

survey_attributions = Table(
    "survey_attributions",
    metadata,
    Column("submission_id", String(36), ForeignKey("submissions.id"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("team_id", Integer, ForeignKey("teams.id")),
    Column("event_id", Integer, ForeignKey("calendar_events.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_survey_attributions_team_id", "team_id"),
    Index("ix_survey_attributions_event_id", "event_id"),
)
