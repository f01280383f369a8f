"""The forum end to end: threads filed by theme, region and country; numbered posts, quotes and @mentions;
reports, hiding and locking; search; follows that notify in-app and by e-mail through a real SMTP server (aiosmtpd);
the API's role checks; the CLI; the review and registry hooks; and the issue's own Chromium test: a government user
opens a thread on a country page and an expert following that region receives the e-mail."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.cli import app as cli_app
from litterhub.registry.entities import TOPICS
from litterhub.services import auth
from litterhub.services import forum as fm
from litterhub.services import notifications as nt
from litterhub.services import registry as registry_svc
from tests.forum.conftest import PASSWORD

MED = "region-mediterranean"

def _seed_region(region_id: str) -> dict:
    """The bundled registry seed's record of a Regional Seas programme (its real member list)."""
    seed = json.loads((registry_svc.SEED_DIR / "regions.json").read_text(encoding="utf-8"))
    return {**seed["defaults"], **next(r for r in seed["records"] if r["id"] == region_id)}

PEOPLE = (("marie", "Marie Dupont", "contributor"), ("kofi", "Kofi Mensah", "contributor"),
          ("lena", "Léna Pérez", "contributor"), ("mod", "Mo Derator", "reviewer"), ("admin", "Ada Admin", "admin"))


def _hub(tmp_path_factory, name: str, smtp):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp(name) / "data")
    hub.settings = hub.settings.but(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="hub@example.org")
    registry_svc.create_record(hub, _seed_region(MED), registry_svc.SYSTEM, publish=True)
    users = {k: auth.create_user(hub, f"{k}@example.org", PASSWORD, role=role, display_name=n)
             for k, n, role in PEOPLE}
    return hub, users


@pytest.fixture(scope="module")
def world(tmp_path_factory, smtp):
    hub, users = _hub(tmp_path_factory, "forum", smtp)
    yield hub, users
    hub.close()


def me(hub, user) -> auth.Principal:
    return auth.principal_for_session(hub, user.id)


def _subjects(hub, user) -> list[str]:
    return [n["subject"] for n in nt.inbox(hub, user.id, 500)]


# --- service ---------------------------------------------------------------------------------------------------

def test_thread_by_country_tells_region_and_country_followers_by_email(world, smtp):
    hub, u = world
    assert fm.regions_of_country(hub, "FRA") >= {MED}
    fm.follow(hub, me(hub, u["kofi"]), "region", MED)
    fm.follow(hub, me(hub, u["lena"]), "country", "fra")
    t = fm.create_thread(hub, me(hub, u["marie"]), "Bag bans around the Mediterranean",
                         "Which levy worked best? @mo-derator may know.", theme="plastic-bags", country="FRA")
    assert t["country"] == "FRA" and t["items"][0]["number"] == 1 and t["author"] == "Marie Dupont"
    kofi_mail = smtp.inbox.wait_for("kofi@example.org")[-1]
    assert "Bag bans around the Mediterranean" in kofi_mail["Subject"]
    assert f"/forum/threads/{t['id']}" in kofi_mail.get_content()
    smtp.inbox.wait_for("lena@example.org")
    assert any("mentioned you" in s for s in _subjects(hub, u["mod"]))  # the mention, not a new-thread notice
    assert not any(s.startswith("New thread") for s in _subjects(hub, u["mod"]))
    assert _subjects(hub, u["marie"]) == []  # never told of her own thread
    assert nt.is_following(hub, u["marie"].id, "thread", t["id"])


def test_replies_are_numbered_quote_and_mention(world):
    hub, u = world
    t = fm.create_thread(hub, me(hub, u["marie"]), "Deposit-return schemes", "Data on return rates?",
                         theme="circular-economy")
    r2 = fm.reply(hub, me(hub, u["kofi"]), t["id"], "Ghana pilots one; see the report.")
    r3 = fm.reply(hub, me(hub, u["lena"]), t["id"], "Thanks @kofi-mensah, and @nobody-here.", quote=2)
    assert (r2["number"], r3["number"]) == (2, 3)
    shown = fm.get_thread(hub, t["id"])
    third = shown["items"][2]
    assert third["quote"] == {"number": 2, "author": "Kofi Mensah", "excerpt": "Ghana pilots one; see the report."}
    assert third["author"] == "Léna Pérez" and third["author_handle"] == "léna-pérez"
    assert shown["posts"] == 3
    assert "Reply #2 in “Deposit-return schemes”" in _subjects(hub, u["marie"])  # she follows her thread
    kofi = _subjects(hub, u["kofi"])
    assert "Léna Pérez mentioned you in “Deposit-return schemes”" in kofi
    assert "Reply #3 in “Deposit-return schemes”" not in kofi  # told once, as a mention
    with pytest.raises(fm.ForumError) as bad:
        fm.reply(hub, me(hub, u["kofi"]), t["id"], "x", quote=9)
    assert bad.value.code == "forum-bad-quote"
    assert fm.mentioned(hub, f"hi @lena-perez, and @user-{u['mod'].id}.") == {"léna-pérez": u["lena"].id,
                                                                             f"user-{u['mod'].id}": u["mod"].id}


def test_moderation_report_hide_lock(world):
    hub, u = world
    t = fm.create_thread(hub, me(hub, u["kofi"]), "Microplastics in sediments", "Methods for sediment cores?",
                         theme="microplastics")
    spam = fm.reply(hub, me(hub, u["lena"]), t["id"], "Buy cheap sunglasses here")
    post_id = fm.get_thread(hub, t["id"])["items"][1]["id"]
    fm.report(hub, me(hub, u["marie"]), post_id, "advertising")
    assert "Post #2 reported" in _subjects(hub, u["mod"]) and "Post #2 reported" in _subjects(hub, u["admin"])
    queue = fm.open_reports(hub, me(hub, u["mod"]))
    assert [(r["number"], r["reason"]) for r in queue if r["thread_id"] == t["id"]] == [(2, "advertising")]
    for forbidden in (lambda: fm.hide(hub, me(hub, u["kofi"]), post_id),
                      lambda: fm.lock(hub, me(hub, u["kofi"]), t["id"]),
                      lambda: fm.open_reports(hub, me(hub, u["kofi"]))):
        with pytest.raises(fm.ForumError) as no:
            forbidden()
        assert (no.value.code, no.value.status) == ("forum-forbidden", 403)
    fm.hide(hub, me(hub, u["mod"]), post_id, True, "spam")
    public = fm.get_thread(hub, t["id"])["items"][1]
    assert public["hidden"] and public["body"] is None and public["number"] == spam["number"]
    assert fm.get_thread(hub, t["id"], me(hub, u["mod"]))["items"][1]["body"] == "Buy cheap sunglasses here"
    assert not [r for r in fm.open_reports(hub, me(hub, u["mod"])) if r["thread_id"] == t["id"]]
    assert fm.search(hub, "sunglasses") == []  # hidden posts are not found
    fm.lock(hub, me(hub, u["mod"]), t["id"], True)
    with pytest.raises(fm.ForumError) as locked:
        fm.reply(hub, me(hub, u["marie"]), t["id"], "one more")
    assert (locked.value.code, locked.value.status) == ("forum-thread-locked", 409)
    fm.lock(hub, me(hub, u["mod"]), t["id"], False)
    assert fm.reply(hub, me(hub, u["marie"]), t["id"], "one more")["number"] == 3
    with pytest.raises(fm.ForumError) as anon:
        fm.reply(hub, None, t["id"], "x")
    assert anon.value.status == 401


def test_search_and_filters(world):
    hub, u = world
    t = fm.create_thread(hub, me(hub, u["lena"]), "Fishing gear marking", "Ghost nets off Tunisia: marking rules",
                         theme="fishing-gear", region=MED)
    fm.reply(hub, me(hub, u["kofi"]), t["id"], "La Commission générale des pêches a publié des lignes directrices.")
    hits = fm.search(hub, "GENERALE peches")  # case and accents folded
    assert [(h["thread_id"], h["number"]) for h in hits] == [(t["id"], 2)]
    assert [x["id"] for x in fm.list_threads(hub, q="ghost nets")["threads"]] == [t["id"]]
    assert [x["id"] for x in fm.list_threads(hub, region=MED)["threads"]] == [t["id"]]
    assert all(x["theme"] == "fishing-gear" for x in fm.list_threads(hub, theme="fishing-gear")["threads"])
    assert fm.list_threads(hub, q="zzzz-nothing")["total"] == 0
    for bad, field in (({"theme": "cats"}, "theme"), ({"region": "region-moon"}, "region"), ({"country": "XXX"},
                       "country"), ({"link_kind": "record", "link_id": "no-such-record"}, "link_id")):
        with pytest.raises(fm.ForumError) as err:
            fm.create_thread(hub, me(hub, u["lena"]), "A title", "body", **bad)
        assert err.value.field == field


def test_theme_followers_and_new_records(world):
    hub, u = world
    fm.follow(hub, me(hub, u["admin"]), "theme", "epr")
    fm.create_thread(hub, me(hub, u["kofi"]), "EPR fees for packaging", "How are fees modulated?", theme="epr")
    assert "New thread (epr): EPR fees for packaging" in _subjects(hub, u["admin"])
    assert {"kind": "theme", "target": "epr"} in [{k: f[k] for k in ("kind", "target")}
                                                 for f in nt.subscriptions(hub, u["admin"].id)]
    record = {"type": "policy", "title": "Extended producer responsibility for packaging (France)", "kind": "epr",
              "status": "in-force", "countries": ["FRA"], "topics": ["epr"], "year": 2020,
              "sources": ["https://www.legifrance.gouv.fr/"]}
    record_id = registry_svc.create_record(hub, record, registry_svc.Caller(f"user:{u['marie'].id}",
                                                                            "contributor"))["id"]
    assert not any(s.startswith("New in the registry") for s in _subjects(hub, u["admin"]))  # not published yet
    registry_svc.review(hub, record_id, "publish", registry_svc.Caller(f"user:{u['mod'].id}", "reviewer"))
    assert f"New in the registry: {record['title']}" in _subjects(hub, u["admin"])
    assert f"New in the registry: {record['title']}" in _subjects(hub, u["lena"])  # she follows FRA


def test_review_decision_tells_the_contributor(world):
    from litterhub.services import contributions as c
    from litterhub.services import review

    hub, u = world
    survey = c.SurveyInput("Plage du Prado", "FR", 43.2593, 5.3744, date(2024, 5, 2), 100, 4, {"G1": 2})
    sub = c.create_survey(hub, me(hub, u["lena"]), survey)
    review.request_changes(hub, me(hub, u["mod"]), sub.id, "Please add the beach width.")
    subjects = _subjects(hub, u["lena"])
    assert any(s.startswith("Your submission") and s.endswith("is changes-requested") for s in subjects)
    assert nt.inbox(hub, u["lena"].id)[0]["link"] == f"/contribute/submissions/{sub.id}"


# --- API -------------------------------------------------------------------------------------------------------

def _key(hub, user, scopes=None) -> dict:
    return {"Authorization": f"Bearer {auth.create_api_key(hub, user.id, scopes)[0]}"}


def test_api_roles_and_workflow(world):
    from litterhub.app import create_app

    hub, u = world
    with TestClient(create_app(hub)) as api:
        marie, kofi, mod = _key(hub, u["marie"]), _key(hub, u["kofi"]), _key(hub, u["mod"])
        body = {"title": "Beach cleanup data standards", "body": "Which protocol?", "theme": "cleanup",
                "country": "GRC"}
        assert api.post("/api/v1/forum/threads", json=body).status_code == 401
        made = api.post("/api/v1/forum/threads", json=body, headers=marie)
        assert made.status_code == 201, made.text
        tid = made.json()["id"]
        reply = api.post(f"/api/v1/forum/threads/{tid}/posts", json={"body": "OSPAR's", "quote": 1}, headers=kofi)
        assert reply.status_code == 201 and reply.json()["number"] == 2
        assert api.post(f"/api/v1/forum/threads/{tid}/lock", json={"locked": True}, headers=kofi).status_code == 403
        assert api.post(f"/api/v1/forum/threads/{tid}/lock", json={"locked": True}, headers=mod).status_code == 200
        refused = api.post(f"/api/v1/forum/threads/{tid}/posts", json={"body": "late"}, headers=kofi)
        assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "forum-thread-locked"
        shown = api.get(f"/api/v1/forum/threads/{tid}").json()
        assert [p["number"] for p in shown["items"]] == [1, 2] and shown["locked"]
        assert shown["items"][1]["quote"]["number"] == 1
        assert tid in [t["id"] for t in api.get("/api/v1/forum/threads", params={"country": "GRC"}).json()["threads"]]
        assert api.get("/api/v1/forum/search", params={"q": "protocol"}).json()["posts"][0]["thread_id"] == tid
        post_id = shown["items"][1]["id"]
        assert api.post(f"/api/v1/forum/posts/{post_id}/report", json={"reason": "off topic"}).status_code == 401
        assert api.post(f"/api/v1/forum/posts/{post_id}/report", json={"reason": "off topic"},
                        headers=marie).status_code == 201
        assert api.get("/api/v1/forum/reports", headers=kofi).status_code == 403
        assert post_id in [r["post_id"] for r in api.get("/api/v1/forum/reports", headers=mod).json()["reports"]]
        assert api.post(f"/api/v1/forum/posts/{post_id}/hide", json={"hidden": True}, headers=marie).status_code == 403
        assert api.post(f"/api/v1/forum/posts/{post_id}/hide", json={"hidden": True}, headers=mod).status_code == 200
        assert api.get(f"/api/v1/forum/threads/{tid}").json()["items"][1]["body"] is None
        # follows and notifications
        assert api.put("/api/v1/forum/follows", json={"kind": "country", "target": "GRC"}, headers=kofi).json()[
            "following"]
        follows = api.get("/api/v1/notifications/follows", headers=kofi).json()["follows"]
        assert ("country", "GRC") in [(f["kind"], f["target"]) for f in follows]
        assert api.get("/api/v1/notifications").status_code == 401
        n = api.get("/api/v1/notifications", headers=marie).json()
        assert n["unread"] >= 1 and any(x["subject"] == "Reply #2 in “Beach cleanup data standards”"
                                        for x in n["notifications"])
        assert api.post("/api/v1/notifications/read", json={}, headers=marie).json()["marked"] == n["unread"]
        assert api.get("/api/v1/notifications/unread", headers=marie).json() == {"unread": 0}
        assert api.put("/api/v1/notifications/preferences", json={"email_mode": "digest"},
                       headers=marie).json()["email_mode"] == "digest"
        assert api.put("/api/v1/notifications/preferences", json={"email_mode": "weekly"},
                       headers=marie).status_code == 400  # the API answers schema errors with 400
        nt.set_email_mode(hub, u["marie"].id, "immediate")


def test_web_roles(world):
    from litterhub.app import create_app

    hub, u = world
    with TestClient(create_app(hub), follow_redirects=False) as web:
        assert web.get("/forum").status_code == 200
        new = web.get("/forum/new?country=FRA")
        assert new.status_code == 303 and new.headers["location"].startswith("/account/login")
        assert web.get("/notifications").status_code == 303
        token, _ = auth.start_session(hub, u["kofi"].id)
        web.cookies.set("litterhub_session", token)
        assert web.get("/forum/moderation").status_code == 403
        page = web.get("/forum/new?country=FRA")
        assert page.status_code == 200 and 'value="FRA"' in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        no_csrf = web.post("/forum/threads", data={"title": "No token", "body": "x"})
        assert no_csrf.status_code in (400, 403)
        made = web.post("/forum/threads", data={"csrf_token": csrf, "title": "Web thread", "body": "hello",
                                                "country": "FRA"})
        assert made.status_code == 303
        tid = int(made.headers["location"].rsplit("/", 1)[1])
        lock = web.post(f"/forum/threads/{tid}/lock", data={"csrf_token": csrf, "locked": "1"})
        assert lock.status_code == 403
        fm.lock(hub, me(hub, u["mod"]), tid, True)
        refused = web.post(f"/forum/threads/{tid}/posts", data={"csrf_token": csrf, "body": "late"},
                           headers={"Accept": "text/html"})
        assert refused.status_code == 409 and "this thread is locked by a moderator" in refused.text


# --- CLI -------------------------------------------------------------------------------------------------------

def test_cli(world, smtp):
    hub, u = world
    t = fm.create_thread(hub, me(hub, u["marie"]), "CLI thread about floating litter", "Trawl or visual?",
                         theme="floating-litter")
    fm.reply(hub, me(hub, u["kofi"]), t["id"], "Both", quote=1)

    def run(*args):
        return CliRunner().invoke(cli_app, [*args, "--data-dir", str(hub.settings.data_dir)],
                                  env={"LITTERHUB_SMTP_HOST": "127.0.0.1", "LITTERHUB_SMTP_PORT": str(smtp.port)})

    listed = json.loads(run("forum", "list", "--theme", "floating-litter", "--json").output)
    assert [x["id"] for x in listed["threads"]] == [t["id"]]
    shown = run("forum", "show", str(t["id"]))
    assert shown.exit_code == 0 and "#2 Kofi Mensah" in shown.output and "> #1 Marie Dupont" in shown.output
    missing = run("forum", "show", "99999")
    assert missing.exit_code != 0 and getattr(missing.exception, "code", None) == "forum-thread-not-found"
    nt.flush()
    sent = run("notifications", "send-digest")
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.output)["pending"] == 0
    assert set(TOPICS) >= {"floating-litter"}


def test_capacity_request_moves_tell_both_parties(world):
    hub, u = world
    owner = registry_svc.Caller(f"user:{u['lena'].id}", "contributor")
    asker = registry_svc.Caller(f"user:{u['kofi'].id}", "contributor")
    reviewer = registry_svc.Caller(f"user:{u['mod'].id}", "reviewer")

    def rec(type_, title):
        return {"type": type_, "title": title, "topics": ["microplastics"], "languages": ["fr"],
                "sources": ["https://example.org/" + title.replace(" ", "-")]}

    need = registry_svc.create_record(hub, rec("capacity_need", "Lab training in Dakar"), reviewer, publish=True)["id"]
    offer = registry_svc.create_record(hub, rec("capacity_offer", "Microplastics lab course"), owner)["id"]
    registry_svc.review(hub, offer, "publish", reviewer)
    req = registry_svc.request_capacity(hub, need, offer, asker, "Six technicians")
    assert "Capacity request for “Microplastics lab course”" in _subjects(hub, u["lena"])
    registry_svc.act_on_request(hub, req["id"], "accept", owner)
    assert f"Capacity request {req['id']} is accepted" in _subjects(hub, u["kofi"])
    assert f"Capacity request {req['id']} is accepted" not in _subjects(hub, u["lena"])  # she accepted it


def test_ids_no_database_integer_holds_are_not_found(world):
    from litterhub.app import create_app

    hub, u = world
    huge = 10**25
    with TestClient(create_app(hub), raise_server_exceptions=False) as c:
        assert c.get(f"/api/v1/forum/threads/{huge}").status_code == 404
        assert c.get(f"/forum/threads/{huge}").status_code == 404
        assert c.get("/api/v1/forum/threads", params={"offset": huge}).json()["threads"] == []
        key = _key(hub, u["kofi"])
        assert c.post(f"/api/v1/forum/posts/{huge}/report", json={"reason": "x"}, headers=key).status_code == 404
        assert c.post("/api/v1/notifications/read", json={"ids": [huge]}, headers=key).json() == {"marked": 0}
