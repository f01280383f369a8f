"""The security test table of issue 13 ("Access"): one row per finding, each the request an attacker made and the
status it must now get, on both catalog databases (SQLite and PostgreSQL, via the `any_hub` fixture).

Findings covered here (numbers as in the issue): 1 (password hashing stalled the server: its own test,
`test_health_answers_while_logins_hash`, held at a gate rather than timed), 6 (capacity requests
readable by any contributor), 7 (API keys: a read key revoked keys; children outlived their parents), 8 (logout
and role changes did not take effect), 9 (contributors' links public without review; registration revealed known
addresses). The comment-form rate limit of finding 9 is tested with the rate limits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.contrib.test_contrib_web import sign_in, token

from litterhub.app import create_app
from litterhub.services import auth
from litterhub.services import registry as svc
from litterhub.store import tables as t

PASSWORD = "correct horse battery"
SECRET_MESSAGE = "private: our budget is 3000 EUR"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


class Ctx:
    """One hub (SQLite or PostgreSQL) with its app, and helpers to make the actors of a row."""

    def __init__(self, hub):
        self.hub = hub
        self.app = create_app(hub)
        self.client = TestClient(self.app)

    def user(self, email: str, role: str = "contributor") -> auth.User:
        return auth.create_user(self.hub, email, PASSWORD, role=role)

    def key(self, user: auth.User, scopes: list[str] | None = None, days: int | None = 365) -> str:
        return auth.create_api_key(self.hub, user.id, scopes, expires_in_days=days)[0]

    def browser(self) -> TestClient:
        return TestClient(self.app)

    def capacity(self) -> dict[str, str]:
        """A published need and offer (the offer owned by `bob`), and a request with a private message by `ana`."""
        rev, bob, ana = self.user("rev@example.org", "reviewer"), self.user("bob@example.org"), self.user(
            "ana@example.org")
        keys = {"rev": self.key(rev), "bob": self.key(bob), "ana": self.key(ana)}
        c = self.client
        need = c.post("/api/v1/registry/records", params={"publish": "true"}, headers=bearer(keys["rev"]),
                      json={"type": "capacity_need", "title": "Training on beach surveys", "topics": ["monitoring"],
                            "sources": ["https://example.org/n"]}).json()["id"]
        offer = c.post("/api/v1/registry/records", headers=bearer(keys["bob"]),
                       json={"type": "capacity_offer", "title": "Beach survey course", "topics": ["monitoring"],
                             "sources": ["https://example.org/o"]}).json()["id"]
        assert c.post(f"/api/v1/registry/records/{offer}/review", json={"action": "publish"},
                      headers=bearer(keys["rev"])).status_code == 200
        r = c.post("/api/v1/registry/capacity/requests", headers=bearer(keys["ana"]),
                   json={"need_id": need, "offer_id": offer, "message": SECRET_MESSAGE})
        assert r.status_code == 201
        return {"need": need, "offer": offer, **keys}

    def two_records(self) -> dict[str, str]:
        """Two published records a contributor can link, and keys of that contributor and of a reviewer."""
        rev, ana = self.user("rev@example.org", "reviewer"), self.user("ana@example.org")
        keys = {"rev": self.key(rev), "ana": self.key(ana)}
        made = {}
        for name, body in (("sea", {"type": "region", "kind": "regional-seas", "title": "Test Sea"}),
                           ("guide", {"type": "guideline", "title": "Beach protocol"})):
            made[name] = self.client.post("/api/v1/registry/records", params={"publish": "true"},
                                          headers=bearer(keys["rev"]),
                                          json={**body, "sources": [f"https://example.org/{name}"]}).json()["id"]
        return {**made, **keys}


@pytest.fixture()
def ctx(any_hub):
    c = Ctx(any_hub)
    with c.client:
        yield c


# --- finding 1: password hashing ---------------------------------------------------------------------------------

GATE_SECONDS = 10.0  # a safety net only: a hasher that waits this long means the event loop was blocked


class GatedHasher:
    """The real hasher, but each verification first waits, in its thread, at a gate the test opens only after
    /api/v1/health has answered. Hashing on the event loop would block health behind the gate (it would
    answer only after the safety timeout, which is recorded): no timing thresholds."""

    def __init__(self, inner):
        self.inner = inner
        self.entered = threading.Semaphore(0)
        self.gate = threading.Event()
        self.timed_out = 0

    def _hold(self) -> None:
        self.entered.release()
        if not self.gate.wait(GATE_SECONDS):
            self.timed_out += 1

    def hash(self, password):
        self._hold()
        return self.inner.hash(password)

    def verify(self, stored, password):
        self._hold()
        return self.inner.verify(stored, password)

    def check_needs_rehash(self, stored):
        return self.inner.check_needs_rehash(stored)


def health_during_logins(ctx: Ctx, monkeypatch, logins: int = 3) -> tuple[GatedHasher, int, list[int]]:
    """Sign-ins in flight at once, held inside password verification; returns the hasher, the status of
    /api/v1/health asked meanwhile (None if the sign-ins never got to hash concurrently) and the sign-in codes."""
    ctx.user("ana@example.org")
    gated = GatedHasher(auth.password_hasher())
    monkeypatch.setattr(auth, "password_hasher", lambda *_: gated)
    browser = ctx.browser()
    with browser:
        csrf = token(browser.get("/account/login").text)
        codes: list[int] = []

        def log_in() -> None:
            codes.append(browser.post("/account/login", follow_redirects=False,
                                      data={"email": "ana@example.org", "password": PASSWORD,
                                            "csrf_token": csrf}).status_code)

        threads = [threading.Thread(target=log_in) for _ in range(logins)]
        for th in threads:
            th.start()
        health = None
        try:
            in_flight = min(logins, ctx.hub.settings.hash_slots)  # the rest queue for a hashing thread
            if all(gated.entered.acquire(timeout=GATE_SECONDS) for _ in range(in_flight)):
                health = browser.get("/api/v1/health").status_code  # while they all hold a thread
        finally:
            gated.gate.set()
            for th in threads:
                th.join()
    return gated, health, codes


def test_health_answers_while_logins_hash(ctx, monkeypatch):
    gated, health, codes = health_during_logins(ctx, monkeypatch)
    assert health == 200 and gated.timed_out == 0, "health waited behind password hashing"
    assert codes == [303, 303, 303]


# --- the table ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    finding: int
    request: str  # what is sent, by whom
    expected: int  # the status it must get
    run: Callable[[Ctx], object]  # does the setup and the request; returns the response (extra checks inside)


def capacity_as(who: str, sees: int) -> Callable[[Ctx], object]:
    def run(ctx: Ctx):
        made = ctx.capacity()
        if who == "carl":  # a contributor who is no party to the request
            made["carl"] = ctx.key(ctx.user("carl@example.org"))
        r = ctx.client.get("/api/v1/registry/capacity/requests", headers=bearer(made[who]))
        assert len(r.json()) == sees
        assert (SECRET_MESSAGE in r.text) == bool(sees)
        return r
    return run


def capacity_web_stranger(ctx: Ctx):
    made = ctx.capacity()
    ctx.user("carl@example.org")
    with ctx.browser() as browser:
        sign_in(browser, "carl@example.org")
        r = browser.get(f"/registry/records/{made['need']}")
    assert SECRET_MESSAGE not in r.text and 'id="capacity-requests"' not in r.text
    with ctx.browser() as browser:
        sign_in(browser, "bob@example.org")  # the offer's owner sees it, to act on it
        assert SECRET_MESSAGE not in browser.get(f"/registry/records/{made['need']}").text  # message: API only
        assert 'id="capacity-requests"' in browser.get(f"/registry/records/{made['offer']}").text
    return r


def read_key_revokes_submit_key(ctx: Ctx):
    ana = ctx.user("ana@example.org")
    submit = ctx.key(ana, ["read", "submit"])
    read = ctx.key(ana, ["read"])
    r = ctx.client.delete(f"/api/v1/auth/keys/{submit.split('_')[1]}", headers=bearer(read))
    assert ctx.client.get("/api/v1/auth/me", headers=bearer(submit)).status_code == 200  # still works
    return r


def read_key(method: str) -> Callable[[Ctx], object]:
    def run(ctx: Ctx):
        key = ctx.key(ctx.user("ana@example.org"), ["read"])
        return ctx.client.request(method, "/api/v1/auth/keys", headers=bearer(key),
                                  json={"scopes": ["read"]} if method == "POST" else None)
    return run


def child_outlives_parent(ctx: Ctx):
    parent = ctx.key(ctx.user("ana@example.org"), ["read", "keys"], days=1)
    return ctx.client.post("/api/v1/auth/keys", headers=bearer(parent), json={"scopes": ["read"], "days": 3650})


def child_expires_with_parent(ctx: Ctx):
    ana = ctx.user("ana@example.org")
    parent = ctx.key(ana, ["read", "keys"], days=1)
    r = ctx.client.post("/api/v1/auth/keys", headers=bearer(parent), json={"scopes": ["read"]})
    parent_expiry = next(k.expires_at for k in auth.list_api_keys(ctx.hub, ana.id) if k.id == parent.split("_")[1])
    assert datetime.fromisoformat(r.json()["expires_at"]) <= parent_expiry
    assert r.json()["parent_id"] == parent.split("_")[1]
    return r


def child_out_scopes_parent(ctx: Ctx):
    parent = ctx.key(ctx.user("ana@example.org"), ["read", "keys"])
    return ctx.client.post("/api/v1/auth/keys", headers=bearer(parent), json={"scopes": ["read", "submit"]})


def child_after_parent_revoked(ctx: Ctx):
    ana = ctx.user("ana@example.org")
    parent = ctx.key(ana, ["read", "submit", "keys"])
    child = ctx.client.post("/api/v1/auth/keys", headers=bearer(parent), json={"scopes": ["read", "keys"]}).json()
    grandchild = ctx.client.post("/api/v1/auth/keys", headers=bearer(child["key"]), json={"scopes": ["read"]}).json()
    with ctx.browser() as browser:  # the owner revokes the parent from the account page
        csrf = sign_in(browser, "ana@example.org")
        assert browser.post(f"/account/keys/{parent.split('_')[1]}/revoke", data={"csrf_token": csrf},
                            follow_redirects=False).status_code == 303
    assert ctx.client.get("/api/v1/auth/me", headers=bearer(child["key"])).status_code == 401
    assert {k.id for k in auth.list_api_keys(ctx.hub, ana.id) if k.revoked_at} == {
        parent.split("_")[1], child["id"], grandchild["id"]}  # revoked in cascade, not only refused
    return ctx.client.get("/api/v1/auth/me", headers=bearer(grandchild["key"]))


def key_revokes_sibling(ctx: Ctx):
    ana = ctx.user("ana@example.org")
    manager = ctx.key(ana, ["read", "keys"])
    sibling = ctx.key(ana, ["read", "submit"])
    r = ctx.client.delete(f"/api/v1/auth/keys/{sibling.split('_')[1]}", headers=bearer(manager))
    assert ctx.client.get("/api/v1/auth/me", headers=bearer(sibling)).status_code == 200
    return r


def cookie_after_logout(ctx: Ctx):
    ctx.user("ana@example.org")
    with ctx.browser() as browser:
        csrf = sign_in(browser, "ana@example.org")
        saved = browser.cookies.get("litterhub_session")
        assert browser.get("/api/v1/auth/me").status_code == 200
        browser.post("/account/logout", data={"csrf_token": csrf}, follow_redirects=False)
    with ctx.browser() as replay:
        replay.cookies.set("litterhub_session", saved)
        return replay.get("/api/v1/auth/me")


def session_after_demotion(ctx: Ctx):
    rev = ctx.user("rev@example.org", "reviewer")
    admin_key = ctx.key(ctx.user("boss@example.org", "admin"))
    with ctx.browser() as browser:
        sign_in(browser, "rev@example.org")
        assert browser.get("/api/v1/registry/review-queue").status_code == 200
        assert ctx.client.post(f"/api/v1/auth/users/{rev.id}/role", json={"role": "contributor"},
                               headers=bearer(admin_key)).status_code == 200
        return browser.get("/api/v1/registry/review-queue")


def session_after_end_sessions(ctx: Ctx):
    ana = ctx.user("ana@example.org")
    admin_key = ctx.key(ctx.user("boss@example.org", "admin"))
    with ctx.browser() as browser:
        sign_in(browser, "ana@example.org")
        r = ctx.client.post(f"/api/v1/auth/users/{ana.id}/end-sessions", headers=bearer(admin_key))
        assert r.json()["sessions_ended"] == 1
        return browser.get("/api/v1/auth/me")


def session_after_password_change(ctx: Ctx):
    """A password change elsewhere signs out every other browser; the changing one stays signed in."""
    ctx.user("ana@example.org")
    with ctx.browser() as thief, ctx.browser() as owner:
        sign_in(thief, "ana@example.org")
        csrf = sign_in(owner, "ana@example.org")
        wrong = owner.post("/account/password", data={"csrf_token": csrf, "current_password": "not my password",
                                                      "new_password": "a brand new passphrase",
                                                      "new_password2": "a brand new passphrase"})
        assert wrong.status_code == 422 and thief.get("/api/v1/auth/me").status_code == 200
        r = owner.post("/account/password", follow_redirects=False,
                       data={"csrf_token": csrf, "current_password": PASSWORD,
                             "new_password": "a brand new passphrase", "new_password2": "a brand new passphrase"})
        assert r.status_code == 303 and 'id="password-changed"' in owner.get(r.headers["location"]).text
        assert auth.authenticate(ctx.hub, "ana@example.org", "a brand new passphrase") is not None
        return thief.get("/api/v1/auth/me")


def contributor_link(ctx: Ctx):
    made = ctx.two_records()
    r = ctx.client.post("/api/v1/registry/links", headers=bearer(made["ana"]),
                        json={"source": made["guide"], "target": made["sea"], "type": "in_region"})
    assert r.json()["status"] == "pending"
    c = ctx.client
    assert c.get(f"/api/v1/registry/records/{made['guide']}/links").json() == []
    assert c.get(f"/api/v1/registry/records/{made['guide']}/graph").json()["edges"] == []
    assert c.get("/api/v1/registry/export").json()["links"] == []
    assert "Test Sea" not in c.get(f"/registry/records/{made['guide']}").text  # the public page
    return r


def link_after_review(ctx: Ctx):
    made = ctx.two_records()
    link = ctx.client.post("/api/v1/registry/links", headers=bearer(made["ana"]),
                           json={"source": made["guide"], "target": made["sea"], "type": "in_region"}).json()
    assert ctx.client.post(f"/api/v1/registry/links/{link['id']}/review", json={"action": "approve"},
                           headers=bearer(made["ana"])).status_code == 403  # not by its author
    assert ctx.client.post(f"/api/v1/registry/links/{link['id']}/review", json={"action": "approve"},
                           headers=bearer(made["rev"])).json()["status"] == "published"
    r = ctx.client.get(f"/api/v1/registry/records/{made['guide']}/links")
    assert [n["other_id"] for n in r.json()] == [made["sea"]]
    return r


def register_known_address(ctx: Ctx):
    """Same status, location and body for a new and a known address; both hash; the owner gets a notice."""
    known = ctx.user("ana@example.org")
    hashed = []
    real = auth.hash_password

    def counting(password: str, *profile: str) -> str:
        hashed.append(1)
        return real(password, *profile)

    answers = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "hash_password", counting)
        for email in ("new@example.org", "ana@example.org"):
            with ctx.browser() as browser:
                csrf = token(browser.get("/account/register").text)
                answers.append(browser.post("/account/register", follow_redirects=False, data={
                    "email": email, "password": "another good password", "password2": "another good password",
                    "csrf_token": csrf}))
    new, old = answers
    assert (new.status_code, new.headers["location"], new.content) == (old.status_code, old.headers["location"],
                                                                       old.content)
    assert hashed == [1, 1]  # the same costly work on both paths
    assert auth.authenticate(ctx.hub, "ana@example.org", PASSWORD).id == known.id  # untouched
    assert auth.find_user(ctx.hub, "new@example.org") is not None
    assert len(auth.notices(ctx.hub, known.id)) == 1
    with ctx.browser() as browser:
        sign_in(browser, "ana@example.org")
        assert 'id="notices"' in browser.get("/account").text
    return old


TABLE = [
    Row(6, "GET /api/v1/registry/capacity/requests (contributor, no party)", 200, capacity_as("carl", 0)),
    Row(6, "GET /api/v1/registry/capacity/requests (requester)", 200, capacity_as("ana", 1)),
    Row(6, "GET /api/v1/registry/capacity/requests (offer's owner)", 200, capacity_as("bob", 1)),
    Row(6, "GET /api/v1/registry/capacity/requests (reviewer)", 200, capacity_as("rev", 1)),
    Row(6, "GET /registry/records/{need} (web, contributor, no party)", 200, capacity_web_stranger),
    Row(7, "DELETE /api/v1/auth/keys/{submit key} (owner's read key)", 403, read_key_revokes_submit_key),
    Row(7, "GET /api/v1/auth/keys (read key)", 403, read_key("GET")),
    Row(7, "POST /api/v1/auth/keys (read key)", 403, read_key("POST")),
    Row(7, "POST /api/v1/auth/keys days=3650 (1-day key with keys scope)", 422, child_outlives_parent),
    Row(7, "POST /api/v1/auth/keys (1-day key with keys scope; expiry capped)", 201, child_expires_with_parent),
    Row(7, "POST /api/v1/auth/keys scopes=[read, submit] (read+keys key)", 403, child_out_scopes_parent),
    Row(7, "GET /api/v1/auth/me (grandchild of a revoked key)", 401, child_after_parent_revoked),
    Row(7, "DELETE /api/v1/auth/keys/{sibling} (keys-scope key)", 404, key_revokes_sibling),
    Row(8, "GET /api/v1/auth/me (saved cookie after logout)", 401, cookie_after_logout),
    Row(8, "GET /api/v1/registry/review-queue (session of a demoted reviewer)", 403, session_after_demotion),
    Row(8, "GET /api/v1/auth/me (session after an admin ended it)", 401, session_after_end_sessions),
    Row(8, "GET /api/v1/auth/me (other browser, after a password change)", 401, session_after_password_change),
    Row(9, "POST /api/v1/registry/links (contributor): pending, not public", 201, contributor_link),
    Row(9, "GET /api/v1/registry/records/{id}/links (after a reviewer approves)", 200, link_after_review),
    Row(9, "POST /account/register (known address): same answer as a new one", 303, register_known_address),
]


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.finding}:{r.request}" for r in TABLE])
def test_access_table(ctx, row):
    response = row.run(ctx)
    assert response.status_code == row.expected, (row.request, response.status_code, response.text[:300])


def test_table_has_a_row_per_finding():
    """Findings 6 to 9 have rows here; finding 1 has test_health_answers_while_logins_hash."""
    assert {r.finding for r in TABLE} == {6, 7, 8, 9}


def test_audit_records_key_cascade_and_link_review(ctx):
    """The decisions of the table leave their trace: one revocation row naming the cascade."""
    ana = ctx.user("ana@example.org")
    parent = ctx.key(ana, ["read", "keys"])
    child = ctx.client.post("/api/v1/auth/keys", headers=bearer(parent), json={"scopes": ["read"]}).json()
    r = ctx.client.delete(f"/api/v1/auth/keys/{parent.split('_')[1]}", headers=bearer(parent))
    assert r.json() == {"id": parent.split("_")[1], "revoked": True, "also_revoked": [child["id"]]}
    with ctx.hub.engine.connect() as conn:
        detail = conn.execute(select(t.audit_log.c.detail).where(t.audit_log.c.action == "apikey.revoked")).scalar()
    assert detail == {"cascade": [child["id"]]}
    assert svc.pending_links(ctx.hub, None) == []  # nothing pending is shown to the public
