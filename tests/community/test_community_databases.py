"""The calendar's and teams' queries on both catalogs (SQLite and PostgreSQL, `any_hub`): capacity under the row lock,
membership with an outer join, the leaderboards' boolean filter, the feed."""

from __future__ import annotations

import pytest
from icalendar import Calendar

PASSWORD = "correct horse battery"


def test_calendar_and_teams_on_both_catalogs(any_hub):
    from litterhub.services import auth, calendar, teams

    people = [auth.principal_for_session(any_hub, auth.create_user(any_hub, f"{n}@example.org", PASSWORD,
                                                                   display_name=n).id) for n in ("a", "b", "c")]
    a, b, c = people
    team = teams.create_team(any_hub, a, "Both catalogs", country="PT")
    teams.join(any_hub, b, team["join_code"])
    assert teams.list_teams(any_hub)[0]["members_count"] == 2
    event = calendar.create_event(any_hub, a, calendar.EventInput(
        "Cleanup", "cleanup", "2031-05-02T09:00", "2031-05-02T12:00", "Pacific/Auckland", capacity=1,
        team_id=team["id"], country="NZ"))
    assert event["starts_at"].isoformat() == "2031-05-01T21:00:00+00:00"
    calendar.register(any_hub, b, event["id"])
    with pytest.raises(calendar.EventFull):
        calendar.register(any_hub, c, event["id"])
    assert [p["email"] for p in calendar.registrations(any_hub, a, event["id"])] == ["b@example.org"]
    assert [e["id"] for e in calendar.list_events(any_hub, "upcoming", country="NZL")] == [event["id"]]
    teams.set_team_leaderboard(any_hub, a, team["id"], True)
    assert teams.leaderboards(any_hub) == {"teams": [], "people": []}  # opted in, but no approved survey yet
    feed = Calendar.from_ical(calendar.feed(any_hub, kind="cleanup"))
    assert [str(e["UID"]) for e in feed.walk("VEVENT")] == [f"event-{event['id']}@litterhub"]
