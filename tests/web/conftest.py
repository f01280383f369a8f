"""Fixtures of the web-hub tests: a demo hub of their own (they sign in and add a survey, so they never write to
the session's shared demo hub), served over real HTTP, with the session cookie of an administrator."""

from __future__ import annotations

import os
from datetime import date

import pytest

from tests.conftest import serve_in_thread
from tests.web.pages import demo_samples

os.environ.setdefault("LITTERHUB_TESTING", "1")

PASSWORD = "correct horse battery"
ADMIN = "ada@example.org"
STATE: dict = {}  # ids made by web_hub (the administrator's id, her survey's submission id)


@pytest.fixture(scope="session")
def web_hub(tmp_path_factory):
    """The demo hub plus an administrator who has sent one phone survey (so submission, review and account
    pages have content)."""
    from litterhub.services import auth
    from litterhub.services import contributions as c
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise, load_demo

    hub = Hub.open(tmp_path_factory.mktemp("web") / "data")
    initialise(hub)
    load_demo(hub)
    user = auth.create_user(hub, ADMIN, PASSWORD, role="admin", display_name="Ada")
    principal = auth.principal_for_session(hub, user.id)
    survey = c.SurveyInput("Praia Norte", "PT", 41.70123, -8.87456, date(2024, 4, 2), 100, 4,
                           {"G1": 3, "G7": 12})
    sub = c.create_survey(hub, principal, survey)
    STATE.update(admin_id=user.id, submission=sub.id)
    yield hub
    hub.close()


@pytest.fixture(scope="session")
def web_server(web_hub):
    """The web test hub on 127.0.0.1 (uvicorn in a thread)."""
    from litterhub.app import create_app

    url, server = serve_in_thread(create_app(web_hub))
    yield url
    server.should_exit = True


@pytest.fixture(scope="session")
def admin_cookie(web_hub, web_server) -> dict:
    """A Playwright cookie that signs the browser in as the administrator."""
    from litterhub.services import auth

    token, _ = auth.start_session(web_hub, STATE["admin_id"])
    return {"name": "litterhub_session", "value": token, "url": web_server}


@pytest.fixture(scope="session")
def samples(web_hub, web_server, shared_data) -> dict:
    """A demo value for every path parameter of a web page (tests/web/pages.py fills the routes with them)."""
    import httpx

    from litterhub.services import jobs
    from litterhub.services import litter as litter_svc

    owner = f"user:{STATE['admin_id']}"
    ref = shared_data / "litter-reference" / "input"
    run_id, _ = litter_svc.store_upload_run(
        web_hub, b"date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n",
        (ref / "beach-litter-nl-2012-2017.csv").read_bytes(), (ref / "types-ospar-tests.csv").read_bytes(), owner)
    job_id = jobs.create(web_hub, "national-report", owner, max_active=10)
    with httpx.Client(base_url=web_server + "/api/v1", timeout=60) as api:
        found = demo_samples(lambda path, params: api.get(path, params=params).json())
    _optional_content(web_hub, found)
    return {**found, "sid": STATE["submission"], "run_id": run_id, "job_id": job_id}



def _optional_content(hub, found: dict) -> None:
    """Content some pages need and the demo lacks, added through each capability's own service: a beach width for
    the sample site, the sample country's action plan, the evidence and treaty seeds with a review project, a team
    with a cleanup, a public profile with an invitation and a published peer review, a forum thread."""
    from litterhub.services import (
        action_plans,
        auth,
        calendar,
        evidence,
        forum,
        peer_review,
        people,
        teams,
        treaty,
        widths,
    )
    from litterhub.services import focal_points as fp
    from litterhub.store import registry_tables as rt

    principal = auth.principal_for_session(hub, STATE["admin_id"])
    acting = fp.acting_for(principal)
    widths.give_width(hub, widths.giver_for(principal), found["site_id"], 40, "web test fixture")
    action_plans.create(hub, acting, found["code"]("/countries"))

    evidence.load_seed(hub)  # /evidence/records/{record_id}
    treaty.load_seed(hub)
    evidence.create_project(hub, acting, {  # /evidence/projects/{slug}
        "title": "Microplastics and human health", "topic": "human-health", "question": "What is known?",
        "criteria": "Primary studies of human exposure."})

    team = teams.create_team(hub, principal, "Web test crew", country="PRT")
    found["team_id"] = team["id"]  # /teams/{team_id}
    found["event_id"] = calendar.create_event(hub, principal, calendar.EventInput(  # /events/{event_id}
        "Web test cleanup", "cleanup", "2030-06-01T09:00", "2030-06-01T12:00", "Europe/Lisbon",
        place="Praia Norte", country="PRT", capacity=20, team_id=team["id"]))["id"]

    people.save_profile(hub, acting, {"public": True, "display_name": "Ada", "organisation": "Web test bench",
                                      "country": "PRT", "expertise": ["monitoring"], "languages": ["en"]})
    found["user_id"] = principal.id  # /people/{user_id}
    found["token"] = people.invite(hub, acting, "invited@example.org")["token"]  # /people/invitations/{token}
    with hub.engine.connect() as conn:
        guideline = conn.execute(rt.registry_records.select().where(
            rt.registry_records.c.type == "guideline", rt.registry_records.c.published_revision.is_not(None))
        ).first().id
    peer_review.roster_add(hub, acting, principal.id, ["monitoring"])
    review = peer_review.open_review(hub, acting, guideline)["id"]  # /peer-reviews/{review_id}
    peer_review.assign(hub, acting, review, principal.id)
    peer_review.submit(hub, acting, review, dict.fromkeys(peer_review.CRITERIA, 4), "Clear.", "minor")
    peer_review.reconcile(hub, acting, review, "One review: minor revisions.", "minor")
    peer_review.publish(hub, acting, review)
    found["review_id"] = review

    country = found["code"]("/countries")
    found["thread_id"] = forum.create_thread(  # /forum/threads/{thread_id}
        hub, principal, "Beach litter monitoring", "Which protocol do you use?", country=country)["id"]
