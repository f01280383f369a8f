"""Events calendar and volunteer teams through the API and the services: iCalendar feeds that parse back with the
right instants across time zones, capacity, who may write (401/403), and leaderboards that list only those who opted
in. One hub and one client for the module (fast Argon2 profile from tests/conftest.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def env(community_app):
    from fastapi.testclient import TestClient

    from litterhub.services import auth

    hub, app = community_app
    keys = {}
    for name, role in (("olga", "contributor"), ("pat", "contributor"), ("quinn", "contributor"),
                       ("root", "admin")):
        user = auth.create_user(hub, f"{name}@example.org", PASSWORD, role=role, display_name=name.title())
        keys[name] = auth.create_api_key(hub, user.id)[0]
    with TestClient(app) as client:
        yield hub, client, keys


def _h(keys, name):
    return {"Authorization": f"Bearer {keys[name]}"}


def _event(client, keys, who="olga", **over):
    body = {"title": "Beach cleanup", "kind": "cleanup", "start": "2027-01-15T09:00", "end": "2027-01-15T12:30",
            "tz": "Europe/Lisbon", "place": "Praia Norte", "country": "PT", "lat": 41.7, "lon": -8.87,
            "capacity": 2} | over
    r = client.post("/api/v1/calendar/events", json=body, headers=_h(keys, who))
    assert r.status_code == 201, r.text
    return r.json()


def test_times_are_stored_in_utc_and_shown_in_both_zones(env):
    _hub, client, keys = env
    winter = _event(client, keys, start="2027-01-15T09:00", end="2027-01-15T12:30")
    summer = _event(client, keys, start="2027-07-15T09:00", end="2027-07-15T12:30")
    lima = _event(client, keys, title="Training", kind="training", start="2027-03-01T18:00", end="2027-03-01T20:00",
                  tz="America/Lima", country="PE", lat=None, lon=None)
    assert winter["times"]["utc"]["start"] == "2027-01-15T09:00:00Z"  # Lisbon = UTC in winter
    assert summer["times"]["utc"]["start"] == "2027-07-15T08:00:00Z"  # and UTC+1 in summer
    assert lima["times"]["utc"]["start"] == "2027-03-01T23:00:00Z"
    r = client.get(f"/api/v1/calendar/events/{lima['id']}", params={"viewer_tz": "Asia/Tokyo"})
    assert r.json()["times"]["viewer"]["start"] == "2027-03-02T08:00:00+09:00"
    assert r.json()["times"]["local"]["start"] == "2027-03-01T18:00:00-05:00"
    by_region = client.get("/api/v1/calendar/events", params={"region": "southeast-pacific", "when": "all"}).json()
    assert [e["id"] for e in by_region["events"]] == [lima["id"]]  # Peru, not Portugal
    assert client.get("/api/v1/calendar/events", params={"region": "nowhere"}).status_code == 422


def test_a_local_time_the_clocks_skip_is_refused(env):
    _hub, client, keys = env
    r = client.post("/api/v1/calendar/events", headers=_h(keys, "olga"), json={
        "title": "Skipped", "kind": "meeting", "start": "2027-03-28T01:30", "end": "2027-03-28T03:00",
        "tz": "Europe/Lisbon"})
    assert r.status_code == 422
    assert any(e["field"] == "start" and "does not exist" in e["message"] for e in r.json()["errors"])
    r = client.post("/api/v1/calendar/events", headers=_h(keys, "olga"), json={
        "title": "Bad zone", "kind": "meeting", "start": "2027-03-28T10:00", "end": "2027-03-28T09:00",
        "tz": "Mars/Olympus"})
    fields = {e["field"] for e in r.json()["errors"]}
    assert r.status_code == 422 and "tz" in fields


def test_ical_feeds_parse_back_with_the_same_instants(env):
    hub, client, keys = env
    from litterhub.services import calendar

    lisbon = _event(client, keys, title="Summer cleanup", start="2027-07-20T09:00", end="2027-07-20T11:00")
    r = client.get("/api/v1/calendar/events.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} >= {"Europe/Lisbon", "America/Lima"}
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    listed = calendar.list_events(hub, "all", limit=1000)
    assert len(events) == len(listed) >= 4
    mine = events[f"event-{lisbon['id']}@litterhub"]
    assert mine.decoded("DTSTART").astimezone(UTC) == datetime(2027, 7, 20, 8, 0, tzinfo=UTC)
    assert mine.decoded("DTEND").astimezone(UTC) == datetime(2027, 7, 20, 10, 0, tzinfo=UTC)
    assert "DTSTAMP" in mine and str(mine["SUMMARY"]) == "Summer cleanup"
    # per kind, per country, one event
    trainings = Calendar.from_ical(client.get("/api/v1/calendar/events.ics", params={"kind": "training"}).content)
    assert {str(e["CATEGORIES"].cats[0]) for e in trainings.walk("VEVENT")} == {"training"}
    peru = Calendar.from_ical(client.get("/api/v1/calendar/events.ics", params={"country": "PER"}).content)
    assert [str(e["SUMMARY"]) for e in peru.walk("VEVENT")] == ["Training"]
    one = Calendar.from_ical(client.get(f"/api/v1/calendar/events/{lisbon['id']}.ics").content)
    assert [str(e["UID"]) for e in one.walk("VEVENT")] == [f"event-{lisbon['id']}@litterhub"]


def test_capacity_is_enforced_and_the_organiser_sees_the_list(env):
    _hub, client, keys = env
    ev = _event(client, keys, title="Small cleanup", capacity=2, start="2027-02-01T09:00", end="2027-02-01T10:00")
    url = f"/api/v1/calendar/events/{ev['id']}/registration"
    assert client.post(url, headers=_h(keys, "pat")).status_code == 200
    assert client.post(url, headers=_h(keys, "quinn")).status_code == 200
    full = client.post(url, headers=_h(keys, "root"))
    assert full.status_code == 409 and full.json()["errors"][0]["code"] == "event-full"
    assert client.delete(url, headers=_h(keys, "quinn")).status_code == 200
    assert client.post(url, headers=_h(keys, "root")).status_code == 200
    people = client.get(f"/api/v1/calendar/events/{ev['id']}/registrations", headers=_h(keys, "olga")).json()
    assert sorted(p["email"] for p in people["registrations"]) == ["pat@example.org", "root@example.org"]
    assert client.get(f"/api/v1/calendar/events/{ev['id']}/registrations",
                      headers=_h(keys, "pat")).status_code == 403
    from sqlalchemy import select

    from litterhub.services import auth
    from litterhub.store import forum_tables as ft

    pat = auth.find_user(_hub, "pat@example.org").id
    with _hub.engine.connect() as conn:  # the confirmation went through services/notifications.py
        notes = conn.execute(select(ft.notifications.c.subject, ft.notifications.c.link).where(
            ft.notifications.c.user_id == pat, ft.notifications.c.kind == "event-registration")).all()
    assert ("You are registered for Small cleanup", f"/events/{ev['id']}") in [tuple(n) for n in notes]


def test_only_the_organiser_or_an_admin_edits_an_event(env):
    _hub, client, keys = env
    ev = _event(client, keys, title="Meeting", kind="meeting", capacity=None)
    body = {"title": "Renamed", "kind": "meeting", "start": "2027-01-15T10:00", "end": "2027-01-15T11:00",
            "tz": "Europe/Lisbon"}
    assert client.put(f"/api/v1/calendar/events/{ev['id']}", json=body).status_code == 401
    assert client.post("/api/v1/calendar/events", json=body).status_code == 401
    assert client.put(f"/api/v1/calendar/events/{ev['id']}", json=body, headers=_h(keys, "pat")).status_code == 403
    assert client.post(f"/api/v1/calendar/events/{ev['id']}/cancel", headers=_h(keys, "pat")).status_code == 403
    r = client.put(f"/api/v1/calendar/events/{ev['id']}", json=body | {"title": "By admin"}, headers=_h(keys, "root"))
    assert r.status_code == 200 and r.json()["title"] == "By admin"
    assert client.post(f"/api/v1/calendar/events/{ev['id']}/cancel",
                       headers=_h(keys, "olga")).json()["cancelled"] is True


def test_team_roles_join_by_code_and_last_owner(env):
    _hub, client, keys = env
    team = client.post("/api/v1/teams", json={"name": "Norte crew", "country": "PT"}, headers=_h(keys, "olga")).json()
    assert team["my_role"] == "owner" and team["join_code"]
    assert client.post("/api/v1/teams/join", json={"code": "nope"}, headers=_h(keys, "pat")).status_code == 422
    joined = client.post("/api/v1/teams/join", json={"code": team["join_code"]}, headers=_h(keys, "pat")).json()
    assert joined["my_role"] == "member" and "join_code" not in joined
    pat_id = next(m["user_id"] for m in joined["members"] if m["name"] == "Pat")
    anonymous = client.get(f"/api/v1/teams/{team['id']}").json()
    assert anonymous["members_count"] == 2 and "members" not in anonymous  # names for members only
    url = f"/api/v1/teams/{team['id']}/members/{pat_id}"
    assert client.put(url, json={"role": "owner"}).status_code == 401
    assert client.put(url, json={"role": "owner"}, headers=_h(keys, "pat")).status_code == 403
    olga_id = next(m["user_id"] for m in joined["members"] if m["name"] == "Olga")
    last = client.put(f"/api/v1/teams/{team['id']}/members/{olga_id}", json={"role": "member"},
                      headers=_h(keys, "olga"))
    assert last.status_code == 409
    assert client.put(url, json={"role": None}, headers=_h(keys, "olga")).json()["members_count"] == 1
    rejoin = client.post("/api/v1/teams/join", json={"code": team["join_code"]}, headers=_h(keys, "pat")).json()
    assert rejoin["members_count"] == 2
    assert client.post(f"/api/v1/teams/{team['id']}/leave", headers=_h(keys, "pat")).status_code == 204


def test_leaderboards_list_only_those_who_opted_in(env):
    hub, client, keys = env
    from litterhub.services import auth, review, teams
    from litterhub.services import contributions as c

    def principal(name):
        return auth.principal_for_session(hub, auth.find_user(hub, f"{name}@example.org").id)

    olga, quinn, root = principal("olga"), principal("quinn"), principal("root")
    team = teams.create_team(hub, olga, "Quiet crew")
    for who, n in ((olga, 7), (quinn, 3)):
        sub = c.create_survey(hub, who, c.SurveyInput("Playa Sur", "ES", 36.5, -6.3, date.today() - timedelta(days=3),
                                                      100, 2, {"G1": n}))
        teams.attribute(hub, who, sub.id, teams.Attribution(team["id"], None))
        review.approve(hub, root, sub.id)
    empty = client.get("/api/v1/leaderboards").json()
    assert empty == {"teams": [], "people": []}  # privacy by default
    assert client.put("/api/v1/me/leaderboard", json={"on": True}, headers=_h(keys, "quinn")).json() == {"on": True}
    assert client.put(f"/api/v1/teams/{team['id']}/leaderboard", json={"on": True},
                      headers=_h(keys, "quinn")).status_code == 403  # quinn is not an owner
    client.put(f"/api/v1/teams/{team['id']}/leaderboard", json={"on": True}, headers=_h(keys, "olga"))
    boards = client.get("/api/v1/leaderboards").json()
    assert [(e["name"], e["surveys"], e["items"]) for e in boards["teams"]] == [("Quiet crew", 2, 10)]
    assert [(e["name"], e["surveys"], e["items"]) for e in boards["people"]] == [("Quinn", 1, 3)]  # Olga did not opt in


def test_cli_lists_shows_and_writes_ics(env, tmp_path):
    hub, _client, _keys = env
    from typer.testing import CliRunner

    from litterhub.cli import app

    runner = CliRunner()
    data = ["--data-dir", str(hub.settings.data_dir)]
    out = runner.invoke(app, ["events", "list", "--when", "all", "--kind", "training", "--tz", "Asia/Tokyo", *data])
    assert out.exit_code == 0, out.output
    assert "Training" in out.output and "JST" in out.output
    target = tmp_path / "feed.ics"
    out = runner.invoke(app, ["events", "ics", "--country", "PE", "-o", str(target), *data])
    assert out.exit_code == 0, out.output
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")] == ["Training"]
    out = runner.invoke(app, ["teams", "list", *data])
    assert out.exit_code == 0 and "Norte crew" in out.output


def test_a_survey_is_attributed_only_where_its_sender_belongs(env):
    hub, client, keys = env
    from litterhub.services import auth, calendar, teams

    def principal(name):
        return auth.principal_for_session(hub, auth.find_user(hub, f"{name}@example.org").id)

    olga, pat, quinn = principal("olga"), principal("pat"), principal("quinn")
    team = teams.create_team(hub, olga, "Attribution crew")
    today = datetime.now(UTC).date()
    cleanup = calendar.create_event(hub, olga, calendar.EventInput(
        "Today's cleanup", "cleanup", f"{today}T00:01", f"{today}T23:59", "UTC", team_id=team["id"]))
    meeting = calendar.create_event(hub, olga, calendar.EventInput(
        "Today's meeting", "meeting", f"{today}T10:00", f"{today}T11:00", "UTC"))
    with pytest.raises(teams.TeamForbidden):  # pat is neither registered nor in the team
        teams.check_attribution(hub, pat, None, cleanup["id"], today)
    with pytest.raises(teams.TeamForbidden):  # nor may he name a team he is not in
        teams.check_attribution(hub, pat, team["id"], None, today)
    calendar.register(hub, pat, cleanup["id"])
    assert teams.check_attribution(hub, pat, None, cleanup["id"], today) == teams.Attribution(None, cleanup["id"])
    with pytest.raises(teams.TeamInvalid, match="dated"):
        teams.check_attribution(hub, pat, None, cleanup["id"], today - timedelta(days=1))
    with pytest.raises(teams.TeamInvalid, match="cleanup"):
        teams.check_attribution(hub, olga, None, meeting["id"], today)
    # a member of the organising team: the survey counts for the team as well
    assert teams.check_attribution(hub, olga, "", str(cleanup["id"]), today) == teams.Attribution(team["id"],
                                                                                                 cleanup["id"])
    choices = teams.attribution_choices(hub, pat)
    assert [e["id"] for e in choices["events"]] == [cleanup["id"]] and choices["teams"] == []
    assert teams.attribution_choices(hub, quinn)["events"] == []


def test_web_writes_need_a_session_and_the_csrf_token(env):
    hub, client, _keys = env
    from litterhub.services import auth

    anonymous = client.post("/teams", data={"name": "X"}, follow_redirects=False)
    assert anonymous.status_code == 303 and "/account/login" in anonymous.headers["location"]
    token, _ = auth.start_session(hub, auth.find_user(hub, "quinn@example.org").id)
    client.cookies.set("litterhub_session", token)
    try:
        refused = client.post("/teams", data={"name": "No token"}, follow_redirects=False)
        assert refused.status_code == 403
        form = client.get("/teams")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        made = client.post("/teams", data={"name": "With token", "csrf_token": csrf}, follow_redirects=False)
        assert made.status_code == 303 and made.headers["location"].startswith("/teams/")
        page = client.get(made.headers["location"])
        assert "With token" in page.text and 'id="join-code-value"' in page.text
    finally:
        client.cookies.clear()
