"""People and the advisory body (issue 19, items 2 and 3): profiles private until their owner opts in (service,
API and web), the expert directory's search and filters, invitations that work once and expire, the expert roster
with declared conflicts of interest that refuse an assignment, peer reviews hidden from everyone but the managers
and assigned reviewers until published, anonymous writes refused, the CLI, and the issue's own Chromium test: a
guideline goes through two reviews to a published review record shown on the guideline's page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from litterhub.cli import app as cli_app
from litterhub.services import auth, people, registry
from litterhub.services import focal_points as fp
from litterhub.services import peer_review as pr
from litterhub.store import people_tables as pt

PASSWORD = "correct horse battery"
# A real guideline (MSFD TSG-ML 2023) with the publisher it names: a roster member who declared a conflict with that
# publisher may not review it.
GUIDELINE = {"type": "guideline", "title": "Guidance on the monitoring of marine litter in European seas (2023)",
             "publisher": "European Commission Joint Research Centre", "compartments": ["beach", "seafloor"],
             "topics": ["monitoring", "beach-litter"], "year": 2023,
             "sources": ["https://publications.jrc.ec.europa.eu/repository/handle/JRC133594"]}
ACTOR = {"type": "actor", "title": "OSPAR Commission", "kind": "intergovernmental", "headquarters": "GBR",
         "sources": ["https://www.ospar.org/"]}
REPORT = {"type": "report", "title": "OSPAR beach litter assessment 2023", "kind": "assessment",
          "sources": ["https://oap.ospar.org/en/ospar-assessments/quality-status-reports/qsr-2023/"]}


def acting(user) -> fp.Acting:
    return fp.Acting(f"user:{user.id}", user.role, user.id, user.display_name)


def _world(tmp_path_factory, name: str):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp(name) / "data")
    users = {n: auth.create_user(hub, f"{n}@example.org", PASSWORD, role=role, display_name=n.title())
             for n, role in (("admin", "admin"), ("manager", "contributor"), ("ana", "contributor"),
                             ("ben", "contributor"), ("conflicted", "contributor"), ("outsider", "contributor"))}
    people.set_manager(hub, acting(users["admin"]), users["manager"].id, True)
    guideline = registry.create_record(hub, GUIDELINE, registry.SYSTEM, publish=True)["id"]
    actor = registry.create_record(hub, ACTOR, registry.SYSTEM, publish=True)["id"]
    report = registry.create_record(hub, REPORT, registry.SYSTEM, publish=True)["id"]
    registry.add_link(hub, actor, report, "publishes", registry.SYSTEM)
    manager = acting(users["manager"])
    pr.roster_add(hub, manager, users["ana"].id, ["monitoring", "beach-litter"], "none")
    pr.roster_add(hub, manager, users["ben"].id, ["microplastics"], "none")
    pr.roster_add(hub, manager, users["conflicted"].id, ["monitoring"], "Co-author of the guidance, employed by "
                  "the JRC", ["European Commission Joint Research Centre", actor])
    return hub, users, {"guideline": guideline, "actor": actor, "report": report}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    hub, users, ids = _world(tmp_path_factory, "people")
    from litterhub.app import create_app

    with TestClient(create_app(hub)) as client:
        yield hub, users, ids, client
    hub.close()


def _key(hub, user) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.create_api_key(hub, user.id)[0]}"}


def _browser_client(hub, user):
    """A TestClient signed in with a session cookie (as a browser is), and the page's CSRF token reader."""
    from litterhub.app import create_app

    c = TestClient(create_app(hub))
    token, _ = auth.start_session(hub, user.id)
    c.cookies.set("litterhub_session", token)
    return c


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


# --- people ---------------------------------------------------------------------------------------------------

def test_profiles_are_private_until_their_owner_opts_in(world):
    hub, users, _, client = world
    ana = users["ana"]
    written = {"display_name": "Ana Duarte", "organisation": "Instituto Hidrográfico", "country": "prt",
               "expertise": ["monitoring", "beach-litter"], "languages": ["pt", "en"], "bio": "Beach litter surveys."}
    saved = people.save_profile(hub, acting(ana), written)
    assert saved["public"] is False and saved["country"] == "PRT"
    for who in (None, users["outsider"]):
        headers = _key(hub, who) if who else {}
        hidden = client.get(f"/api/v1/people/{ana.id}", headers=headers)
        assert hidden.status_code == 404 and hidden.json()["errors"][0]["code"] == "people-profile-not-found"
    never = client.get(f"/api/v1/people/{users['ben'].id}")  # no profile at all: the same answer
    assert never.status_code == 404 and never.json()["errors"][0]["code"] == "people-profile-not-found"
    assert client.get(f"/people/{ana.id}").status_code == 404
    assert "Ana Duarte" not in client.get("/people").text
    assert client.get("/api/v1/people", params={"q": "Ana"}).json()["total"] == 0
    own = client.get("/api/v1/people/me", headers=_key(hub, ana)).json()
    assert own["public"] is False and own["organisation"] == "Instituto Hidrográfico"
    # opting in, through the API
    put = client.put("/api/v1/people/me", headers=_key(hub, ana), json={**written, "public": True})
    assert put.status_code == 200 and put.json()["public"] is True
    shown = client.get(f"/api/v1/people/{ana.id}").json()
    assert shown["organisation"] == "Instituto Hidrográfico" and shown["roster"] is True
    assert "email" not in shown and ana.email not in client.get(f"/people/{ana.id}").text
    assert "Instituto Hidrográfico" in client.get(f"/people/{ana.id}").text
    # opting out again hides everything
    people.save_profile(hub, acting(ana), {**written, "public": False})
    assert client.get(f"/api/v1/people/{ana.id}").status_code == 404
    people.save_profile(hub, acting(ana), {**written, "public": True})
    from litterhub.store import tables as t

    for active in (False, True):  # a closed account's profile is neither shown nor listed
        with hub.engine.begin() as conn:
            conn.execute(update(t.users).where(t.users.c.id == ana.id).values(active=active))
        assert client.get(f"/api/v1/people/{ana.id}").status_code == (200 if active else 404)
        assert client.get("/api/v1/people", params={"q": "Duarte"}).json()["total"] == int(active)
    refused = client.put("/api/v1/people/me", json={**written, "public": True})
    assert refused.status_code == 401
    bad = client.put("/api/v1/people/me", headers=_key(hub, ana), json={**written, "expertise": ["astrology"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "people-unknown-expertise"


def test_the_web_profile_form_is_private_by_default_and_needs_csrf(world):
    hub, users, _, client = world
    ben = users["ben"]
    with _browser_client(hub, ben) as b:
        form = b.get("/people/me")
        assert form.status_code == 200 and 'id="p-public"' in form.text and 'checked' not in re.search(
            r'<input type="checkbox" id="p-public"[^>]*>', form.text).group(0)
        no_token = b.post("/people/me", data={"display_name": "Ben Okafor"}, follow_redirects=False)
        assert no_token.status_code == 403
        posted = b.post("/people/me", follow_redirects=False, data={
            "csrf_token": _csrf(form.text), "display_name": "Ben Okafor", "organisation": "University of Lagos",
            "country": "NGA", "expertise": ["microplastics", "research"], "languages": ["en", "yo"]})
        assert posted.status_code == 303
    assert client.get(f"/people/{ben.id}").status_code == 404  # saved, still private
    assert people.profile(hub, acting(ben), ben.id)["organisation"] == "University of Lagos"
    people.save_profile(hub, acting(ben), {**people.profile(hub, acting(ben), ben.id), "public": True})
    assert "University of Lagos" in client.get(f"/people/{ben.id}").text
    anonymous = client.post("/people/me", data={"display_name": "x"}, follow_redirects=False)
    assert anonymous.status_code in (303, 403) and anonymous.headers.get("location", "/account/login").startswith(
        "/account/login")


def test_directory_search_and_filters(world):
    hub, users, _, client = world
    people.save_profile(hub, acting(users["outsider"]), {
        "public": True, "display_name": "Olga Petrova", "organisation": "P.P. Shirshov Institute of Oceanology",
        "country": "RUS", "expertise": ["microplastics", "seafloor-litter"], "languages": ["ru", "en"]})
    people.save_profile(hub, acting(users["conflicted"]), {  # private: never found
        "public": False, "display_name": "Carla Private", "organisation": "Joint Research Centre", "country": "ITA",
        "expertise": ["microplastics"], "languages": ["it"]})
    everyone = client.get("/api/v1/people").json()
    names = {p["display_name"] for p in everyone["results"]}
    assert {"Olga Petrova", "Ben Okafor", "Ana Duarte"} <= names and "Carla Private" not in names
    assert everyone["total"] == len(everyone["results"])
    micro = client.get("/api/v1/people", params={"expertise": "microplastics"}).json()
    assert {p["display_name"] for p in micro["results"]} == {"Olga Petrova", "Ben Okafor"}
    assert micro["facets"]["expertise"]["microplastics"] == 2
    assert [p["display_name"] for p in client.get("/api/v1/people", params={"country": "rus"}).json()["results"]
            ] == ["Olga Petrova"]
    assert [p["display_name"] for p in client.get("/api/v1/people", params={"language": "pt"}).json()["results"]
            ] == ["Ana Duarte"]
    assert [p["display_name"] for p in client.get("/api/v1/people", params={"q": "shirshov oceanology"}).json()[
        "results"]] == ["Olga Petrova"]
    assert client.get("/api/v1/people", params={"q": "Joint Research"}).json()["total"] == 0
    assert [p["display_name"] for p in client.get("/api/v1/people", params={"q": "HIDROGRÁFICO"}).json()[
        "results"]] == ["Ana Duarte"]  # case folded beyond ASCII
    page = client.get("/people", params={"expertise": "microplastics", "language": "ru"})
    assert page.status_code == 200 and "Olga Petrova" in page.text and "Ben Okafor" not in page.text
    assert 'id="directory-empty"' in client.get("/people", params={"q": "nobody-is-called-this"}).text


def test_invitations_work_once_and_expire(world):
    hub, users, _, client = world
    assert client.post("/api/v1/people/invitations", json={"email": "new@example.org"}).status_code == 401
    refused = client.post("/api/v1/people/invitations", json={"email": "new@example.org"},
                          headers=_key(hub, users["outsider"]))
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "people-forbidden"
    made = client.post("/api/v1/people/invitations", json={"email": "New.Expert@Example.org", "roster": True},
                       headers=_key(hub, users["manager"]))
    assert made.status_code == 201
    inv = made.json()
    assert inv["email"] == "new.expert@example.org" and inv["link"].endswith(f"/people/invitations/{inv['token']}")
    with hub.engine.connect() as conn:
        stored = conn.execute(select(pt.people_invitations.c.token_hash).where(
            pt.people_invitations.c.id == inv["id"])).scalar()
    assert stored and inv["token"] not in stored  # only a keyed hash is kept
    page = client.get(f"/people/invitations/{inv['token']}")
    assert page.status_code == 200 and "new.expert@example.org" in page.text
    accepted = client.post(f"/api/v1/people/invitations/{inv['token']}/accept",
                           json={"password": PASSWORD, "display_name": "New Expert"})
    assert accepted.status_code == 200 and accepted.json()["role"] == "contributor"
    new_id = accepted.json()["user_id"]
    assert auth.authenticate(hub, "new.expert@example.org", PASSWORD).id == new_id
    assert pr.member(hub, new_id)["name"] == "New Expert"  # on the roster, as invited
    again = client.post(f"/api/v1/people/invitations/{inv['token']}/accept", json={"password": PASSWORD})
    assert again.status_code == 410 and again.json()["errors"][0]["code"] == "people-invitation-used"
    assert client.get(f"/people/invitations/{inv['token']}").status_code == 410
    # an expired one
    late = people.invite(hub, acting(users["admin"]), "late@example.org", "reviewer", days=1)
    with hub.engine.begin() as conn:
        conn.execute(update(pt.people_invitations).where(pt.people_invitations.c.id == late["id"]).values(
            expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    expired = client.post(f"/api/v1/people/invitations/{late['token']}/accept", json={"password": PASSWORD})
    assert expired.status_code == 410 and expired.json()["errors"][0]["code"] == "people-invitation-expired"
    assert auth.find_user(hub, "late@example.org") is None
    unknown = client.post("/api/v1/people/invitations/not-a-token/accept", json={"password": PASSWORD})
    assert unknown.status_code == 404
    # a manager cannot hand out the reviewer role; an admin can, and accepting while signed in links the account
    with pytest.raises(people.PeopleError) as high:
        people.invite(hub, acting(users["manager"]), "x@example.org", "reviewer")
    assert high.value.code == "people-forbidden"
    link = people.invite(hub, acting(users["admin"]), "outsider-again@example.org", "reviewer")
    linked = people.accept(hub, link["token"], acting(users["outsider"]))
    assert linked.id == users["outsider"].id and linked.role == "reviewer"
    # the web page: a new account is made, signed in, and the link is spent
    from litterhub.app import create_app

    fresh = people.invite(hub, acting(users["manager"]), "web.joiner@example.org")
    with TestClient(create_app(hub)) as newcomer:
        form = newcomer.get(f"/people/invitations/{fresh['token']}")
        fields = {"csrf_token": _csrf(form.text), "password": PASSWORD, "password2": PASSWORD,
                  "display_name": "Web Joiner"}
        assert newcomer.post(f"/people/invitations/{fresh['token']}", data={**fields, "password2": "different!!"},
                             follow_redirects=False).status_code == 422
        joined = newcomer.post(f"/people/invitations/{fresh['token']}", data=fields, follow_redirects=False)
        assert joined.status_code == 303 and joined.headers["location"] == "/people/me?welcome=1"
        mine = newcomer.get("/people/me", follow_redirects=False)
        assert mine.status_code == 200  # signed in
        spent = {**fields, "csrf_token": _csrf(mine.text)}  # a session has its own CSRF token
        assert newcomer.post(f"/people/invitations/{fresh['token']}", data=spent).status_code == 410
    assert auth.find_user(hub, "web.joiner@example.org").display_name == "Web Joiner"
    states = {i["email"]: i["state"] for i in people.invitations(hub, acting(users["manager"]))}
    assert states["late@example.org"] == "expired" and states["new.expert@example.org"] == "accepted"
    auth.set_role(hub, users["outsider"].id, "contributor", "test")


# --- advisory body --------------------------------------------------------------------------------------------

def test_conflicts_of_interest_refuse_an_assignment(world):
    hub, users, ids, client = world
    manager = _key(hub, users["manager"])
    opened = client.post("/api/v1/reviews", json={"record_id": ids["report"]}, headers=manager)
    assert opened.status_code == 201
    rid = opened.json()["id"]
    # declared the OSPAR Commission (an actor record) and the report is linked to it as its publisher
    refused = client.post(f"/api/v1/reviews/{rid}/reviewers", json={"user_id": users["conflicted"].id},
                          headers=manager)
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "review-conflict-of-interest"
    assert ids["actor"] in refused.json()["detail"]
    ok = client.post(f"/api/v1/reviews/{rid}/reviewers", json={"user_id": users["ben"].id}, headers=manager)
    assert ok.status_code == 200 and ok.json()["assigned"] == 1
    twice = client.post(f"/api/v1/reviews/{rid}/reviewers", json={"user_id": users["ben"].id}, headers=manager)
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "review-already-assigned"
    off_roster = client.post(f"/api/v1/reviews/{rid}/reviewers", json={"user_id": users["outsider"].id},
                             headers=manager)
    assert off_roster.status_code == 422 and off_roster.json()["errors"][0]["code"] == "review-not-on-roster"
    # the guideline: conflict with the publisher it names
    g = pr.open_review(hub, acting(users["admin"]), ids["guideline"])
    with pytest.raises(pr.ReviewError) as named:
        pr.assign(hub, acting(users["admin"]), g["id"], users["conflicted"].id)
    assert named.value.code == "review-conflict-of-interest" and "Joint Research Centre" in str(named.value)
    with pytest.raises(pr.ReviewError) as policy:
        pr.open_review(hub, acting(users["admin"]), ids["actor"])
    assert policy.value.code == "review-not-reviewable"
    with pytest.raises(pr.ReviewError) as dup:
        pr.open_review(hub, acting(users["admin"]), ids["guideline"])
    assert dup.value.code == "review-exists"


def test_reviews_are_hidden_from_everyone_but_managers_and_reviewers(world):
    hub, users, ids, client = world
    reviews = pr.reviews(hub, acting(users["manager"]), ids["report"])
    rid = reviews[0]["id"]
    for who in (None, users["outsider"], users["ana"]):  # ana is on the roster but not assigned
        answer = client.get(f"/api/v1/reviews/{rid}", headers=_key(hub, who) if who else {})
        assert answer.status_code == 404 and answer.json()["errors"][0]["code"] == "review-not-found"
        assert rid not in [r["id"] for r in client.get("/api/v1/reviews", headers=_key(hub, who) if who else {}
                                                       ).json()["reviews"]]
    assert client.get(f"/peer-reviews/{rid}").status_code == 404
    assert client.get("/api/v1/reviews/roster", headers=_key(hub, users["ana"])).status_code == 403
    # the assigned reviewer sees the review and only their own part of it
    ben = _key(hub, users["ben"])
    seen = client.get(f"/api/v1/reviews/{rid}", headers=ben).json()
    assert seen["my_standing"] == "reviewer" and len(seen["reviews"]) == 1 and seen["reviews"][0]["reviewer_id"] == \
        users["ben"].id
    body = {"scores": {"scientific-soundness": 4, "clarity": 5, "applicability": 3}, "comments": "Sound counts.",
            "recommendation": "minor"}
    outsider = client.put(f"/api/v1/reviews/{rid}/my-review", json=body, headers=_key(hub, users["outsider"]))
    assert outsider.status_code == 404  # not even told the review exists
    bad = client.put(f"/api/v1/reviews/{rid}/my-review", headers=ben, json={**body, "scores": {"clarity": 9}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "review-invalid-score"
    assert client.put(f"/api/v1/reviews/{rid}/my-review", json=body, headers=ben).status_code == 200
    not_manager = client.post(f"/api/v1/reviews/{rid}/reconcile", headers=ben,
                              json={"summary": "x", "decision": "accept"})
    assert not_manager.status_code == 403
    # anonymous writes: every write endpoint answers 401
    for method, path, payload in (("post", "/api/v1/reviews", {"record_id": ids["report"]}),
                                  ("post", f"/api/v1/reviews/{rid}/reviewers", {"user_id": 1}),
                                  ("put", f"/api/v1/reviews/{rid}/my-review", body),
                                  ("post", f"/api/v1/reviews/{rid}/reconcile", {"summary": "x", "decision": "accept"}),
                                  ("post", f"/api/v1/reviews/{rid}/publish", None),
                                  ("put", f"/api/v1/reviews/roster/{users['ana'].id}", {}),
                                  ("put", f"/api/v1/reviews/managers/{users['ana'].id}", None)):
        answer = getattr(client, method)(path, json=payload) if payload is not None else getattr(client, method)(path)
        assert answer.status_code == 401, path
    for path in (f"/peer-reviews/{rid}/my-review", f"/peer-reviews/{rid}/publish", "/peer-reviews",
                 "/peer-reviews/roster", "/people/invitations"):
        answer = client.post(path, data={}, follow_redirects=False)
        assert answer.status_code in (303, 403) and answer.status_code != 200, path
        if answer.status_code == 303:
            assert answer.headers["location"].startswith("/account/login")
    # the record's status is public: under review, nothing else
    status = client.get(f"/api/v1/registry/records/{ids['report']}").json()["peer_review"]
    assert status["state"] == "under-review" and status["latest"] is None


def test_invitations_and_assignments_reach_people_by_e_mail(world):
    """Through a real local SMTP server (aiosmtpd): the invitation link goes to the invited address, and an
    assigned reviewer is told in-app and by e-mail (services/notifications.py)."""
    from aiosmtpd.controller import Controller

    from litterhub.services import notifications
    from tests.forum.conftest import Inbox, free_port

    hub, users, ids, _ = world
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    before = hub.settings
    try:
        hub.settings = hub.settings.but(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_from="hub@example.org")
        made = people.invite(hub, acting(users["admin"]), "mailed@example.org", base_url="http://hub.example.org")
        assert made["sent"] is True and made["link"].startswith("http://hub.example.org/people/invitations/")
        assert made["link"] in inbox.wait_for("mailed@example.org")[0].get_content()
        rid = pr.reviews(hub, acting(users["manager"]), ids["report"])[0]["id"]
        pr.assign(hub, acting(users["manager"]), rid, users["ana"].id)
        told = [n for n in notifications.inbox(hub, users["ana"].id) if n["kind"] == "peer-review"]
        assert [n["link"] for n in told] == [f"/peer-reviews/{rid}"]
        assert ids["report"] in inbox.wait_for("ana@example.org")[0]["Subject"]
        notifications.flush()
    finally:
        hub.settings = before
        controller.stop()


def test_cli_walk(tmp_path_factory):
    hub, users, ids = _world(tmp_path_factory, "people-cli")

    def run(*args):
        return CliRunner().invoke(cli_app, [*args, "--data-dir", str(hub.settings.data_dir)])

    out = run("people", "invite", "cli.expert@example.org", "--roster", "--by", "manager@example.org")
    assert out.exit_code == 0, out.output
    link = out.output.strip().splitlines()[-1]
    assert "/people/invitations/" in link
    people.accept(hub, link.rsplit("/", 1)[1], None, PASSWORD, "Cli Expert")
    assert run("people", "set", "cli.expert@example.org", "--public", "--organisation", "GESAMP WG 40",
               "--expertise", "microplastics", "--by", "cli.expert@example.org").exit_code == 0
    listed = run("people", "list", "gesamp")
    assert "Cli Expert" in listed.output and "roster" in listed.output
    opened = run("peer-review", "open", ids["guideline"], "--json", "--by", "manager@example.org")
    rid = __import__("json").loads(opened.output)["id"]
    conflicted = run("peer-review", "assign", str(rid), "conflicted@example.org", "--by", "manager@example.org")
    assert conflicted.exit_code != 0 and isinstance(conflicted.exception, pr.ReviewError)
    assert conflicted.exception.code == "review-conflict-of-interest"
    for email in ("ana@example.org", "cli.expert@example.org"):
        assert run("peer-review", "assign", str(rid), email, "--by", "manager@example.org").exit_code == 0
        done = run("peer-review", "submit", str(rid), "--scientific-soundness", "4", "--clarity", "4",
                   "--applicability", "5", "--comments", "Clear protocol.", "--recommendation", "accept",
                   "--by", email)
        assert done.exit_code == 0, done.output
    assert run("peer-review", "reconcile", str(rid), "--summary", "Both accept.", "--decision", "accept",
               "--by", "manager@example.org").exit_code == 0
    assert "published" in run("peer-review", "publish", str(rid), "--by", "manager@example.org").output
    assert pr.record_status(hub, ids["guideline"])["latest"]["decision"] == "accept"
    hub.close()


# --- Chromium: the done-when test ---------------------------------------------------------------------

def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/account")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, page.url


LANGS = ("en", "fr", "es", "ar", "ru", "zh")


@pytest.mark.browser
def test_a_guideline_goes_through_two_reviews_to_a_published_review_in_chromium(browser, world):
    from litterhub.app import create_app
    from tests.conftest import serve_in_thread

    hub, users, ids, _ = world
    # a fresh version of the guideline to review (the module's other tests reviewed revision 1)
    registry.update_record(hub, ids["guideline"], {**GUIDELINE, "summary": "Second edition."}, registry.SYSTEM)
    registry.review(hub, ids["guideline"], "publish", registry.SYSTEM)
    base, server = serve_in_thread(create_app(hub))
    try:
        ctx = browser.new_context(viewport={"width": 360, "height": 800})
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _sign_in(page, base, "manager@example.org")
        page.goto(f"{base}/peer-reviews")
        page.fill("#r-record", ids["guideline"])
        page.fill("#r-revision", "2")
        page.click("#open-review")
        page.wait_for_selector("#review-done")
        review_url = page.url.split("?")[0]
        rid = int(review_url.rsplit("/", 1)[1])
        # the conflicted expert is refused with the code, on the page
        page.select_option("#assign-reviewer", str(users["conflicted"].id))
        page.click("#assign-submit")
        assert "review-conflict-of-interest" in page.inner_text("#review-error")
        for name in ("ana", "ben"):
            page.select_option("#assign-reviewer", str(users[name].id))
            page.click("#assign-submit")
            page.wait_for_selector("#review-done")
        assert page.locator(".review-card").count() == 2
        _fits(page)
        ctx.close()
        # the guideline's page says it is under review
        anon = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
        anon.goto(f"{base}/registry/records/{ids['guideline']}")
        assert anon.get_attribute("#peer-review-status", "data-state") == "under-review"
        anon.goto(review_url)
        assert anon.locator("#review-status").count() == 0  # hidden: the 404 page
        anon.context.close()
        # two experts sign in and submit structured reviews
        for name, scores, rec in (("ana", (5, 4, 4), "minor"), ("ben", (4, 4, 3), "major")):
            expert = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
            _sign_in(expert, base, f"{name}@example.org")
            expert.goto(f"{base}/peer-reviews")
            expert.click(f"a[href='/peer-reviews/{rid}']")
            assert expert.locator(".review-card").count() == 1  # their own review only
            for criterion, score in zip(pr.CRITERIA, scores, strict=True):
                expert.check(f"#score-{criterion}-{score}")
            expert.fill("#rv-comments", f"The beach protocol is clear; state the seafloor effort ({rec}).")
            expert.select_option("#rv-recommendation", rec)
            expert.click("#submit-review")
            expert.wait_for_selector("#review-done")
            _fits(expert)
            expert.context.close()
        # the manager reconciles and publishes
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        _sign_in(page, base, "manager@example.org")
        page.goto(review_url)
        assert page.inner_text("#reviews").count("/ 5") == 6
        page.fill("#rc-summary", "Both reviewers endorse the beach protocol; the seafloor effort needs stating.")
        page.select_option("#rc-decision", "minor")
        page.click("#reconcile-submit")
        page.wait_for_selector("#publish-review")
        page.click("#publish-review")
        page.wait_for_selector("#review-done")
        assert page.get_attribute("#review-status", "class").endswith("published")
        ctx.close()
        # everyone now sees the published review on the guideline's page, in every language, at 360 px
        anon = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
        labels = set()
        for lang in LANGS:
            anon.goto(f"{base}/registry/records/{ids['guideline']}?lang={lang}")
            assert anon.get_attribute("#peer-review-status", "data-state") == "reviewed"
            labels.add(anon.inner_text("#peer-review-status").strip())
            assert anon.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
            _fits(anon)
        assert len(labels) == len(LANGS)
        anon.goto(f"{base}/registry/records/{ids['guideline']}?lang=en")
        anon.click("#peer-review-link")
        assert anon.url.endswith(f"/peer-reviews/{rid}")
        assert anon.inner_text("#review-decision").strip() == "Minor revisions"
        assert anon.locator(".review-card").count() == 2 and "Ana" not in anon.inner_text("#reviews")
        status = pr.record_status(hub, ids["guideline"])
        assert status["state"] == "reviewed" and status["latest"]["revision"] == 2
        for lang in ("ar", "zh"):  # the other pages right to left and in CJK (every language: tests/web axe)
            for path in ("/people", review_url.replace(base, ""), "/peer-reviews"):
                anon.goto(f"{base}{path}?lang={lang}")
                assert anon.get_attribute("html", "lang") == lang
                _fits(anon)
        assert not errors, errors
        anon.context.close()
    finally:
        server.should_exit = True
