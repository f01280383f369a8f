"""Notifications: in-app rows, e-mail through a real local SMTP server (aiosmtpd), digests, and nothing lost while
the SMTP server is down."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from litterhub.services import auth
from litterhub.services import notifications as nt
from litterhub.store import forum_tables as ft
from tests.forum.conftest import PASSWORD, free_port


@pytest.fixture(scope="module")
def world(tmp_path_factory, smtp):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp("notify") / "data")
    hub.settings = hub.settings.but(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="hub@example.org",
                                    base_url="https://hub.example.org")
    users = {n: auth.create_user(hub, f"{n}@example.org", PASSWORD, display_name=n.title())
             for n in ("ana", "ben", "cai", "dee")}
    yield hub, users
    hub.close()


def _emails(hub, user_id):
    with hub.engine.connect() as conn:
        return conn.execute(select(ft.notification_emails).where(ft.notification_emails.c.user_id == user_id)
                            .order_by(ft.notification_emails.c.id)).mappings().all()


def test_immediate_email_in_app_and_read(world, smtp):
    hub, users = world
    ana, ben = users["ana"], users["ben"]
    made = nt.notify(hub, [ana.id, ben.id, ben.id], "reply", "New reply in “Bags”", "Ben wrote #2", "/forum/threads/9",
                     exclude=ben.id)
    assert len(made) == 1  # ben acted: not told; ana once
    msg = smtp.inbox.wait_for("ana@example.org")[-1]
    assert msg["Subject"] == "New reply in “Bags”" and msg["From"] == "hub@example.org"
    assert "https://hub.example.org/forum/threads/9" in msg.get_content()
    assert smtp.inbox.to("ben@example.org") == []
    assert nt.unread_count(hub, ana.id) == 1
    assert nt.inbox(hub, ana.id)[0]["link"] == "/forum/threads/9"
    assert nt.mark_read(hub, ana.id) == 1 and nt.unread_count(hub, ana.id) == 0
    nt.flush()
    assert [r["status"] for r in _emails(hub, ana.id)] == ["sent"]


def test_off_and_digest(world, smtp):
    hub, users = world
    cai, dee = users["cai"], users["dee"]
    assert nt.set_email_mode(hub, cai.id, "digest") == "digest"
    nt.set_email_mode(hub, dee.id, "off")
    with pytest.raises(nt.NotificationError) as bad:
        nt.set_email_mode(hub, dee.id, "hourly")
    assert bad.value.code == "notification-bad-mode"
    for i in (1, 2):
        nt.notify(hub, [cai.id, dee.id], "mention", f"You were mentioned ({i})", f"post {i}", f"/forum/threads/{i}")
    nt.flush()
    assert smtp.inbox.to("cai@example.org") == [] and nt.unread_count(hub, cai.id) == 2
    assert _emails(hub, dee.id) == [] and nt.unread_count(hub, dee.id) == 2
    counts = nt.send_digest(hub)
    assert counts["digests"] == 1 and counts["pending"] == 0
    (digest,) = smtp.inbox.wait_for("cai@example.org")
    text = digest.get_content()
    assert "2 notification(s)" in digest["Subject"]
    assert "You were mentioned (1)" in text and "https://hub.example.org/forum/threads/2" in text
    assert nt.send_digest(hub)["digests"] == 0  # nothing sent twice


def test_smtp_down_keeps_the_email_and_send_digest_retries(world, smtp):
    hub, users = world
    ana = users["ana"]
    up = hub.settings
    hub.settings = up.but(smtp_port=free_port())  # nobody listens there
    try:
        nt.notify(hub, [ana.id], "review-decision", "Your survey was approved", "approved", "/contribute/mine")
        assert nt.flush()
        row = _emails(hub, ana.id)[-1]
        assert row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]
        assert nt.send_digest(hub)["failed"] == 1
        assert _emails(hub, ana.id)[-1]["attempts"] == 2
    finally:
        hub.settings = up
    before = len(smtp.inbox.to("ana@example.org"))
    counts = nt.send_digest(hub)
    assert counts["sent"] == 1 and counts["pending"] == 0
    assert smtp.inbox.wait_for("ana@example.org", before + 1)[-1]["Subject"] == "Your survey was approved"


def test_subscriptions(world):
    hub, users = world
    ana, ben = users["ana"], users["ben"]
    assert nt.subscribe(hub, ana.id, "region", "region-mediterranean")
    assert not nt.subscribe(hub, ana.id, "region", "region-mediterranean")
    nt.subscribe(hub, ben.id, "country", "fra")
    assert nt.followers(hub, "country", ["FRA", "ITA"]) == {ben.id}
    assert nt.followers(hub, "region", ["region-mediterranean"]) == {ana.id}
    assert nt.is_following(hub, ben.id, "country", "FRA")
    assert nt.unsubscribe(hub, ben.id, "country", "FRA") and not nt.is_following(hub, ben.id, "country", "FRA")
    with pytest.raises(nt.NotificationError):
        nt.subscribe(hub, ana.id, "Bad Kind!", "x")
    assert nt.user_id_of("user:12") == 12 and nt.user_id_of("cli") is None


def test_a_silent_smtp_server_never_holds_up_the_caller(world, monkeypatch):
    """A server that accepts the connection and never answers: notify returns at once (the e-mail is sent by the
    background worker, which gives up after SMTP_TIMEOUT and leaves the row pending for send-digest)."""
    import socket

    hub, users = world
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    monkeypatch.setattr(nt, "SMTP_TIMEOUT", 5.0)
    up = hub.settings
    hub.settings = up.but(smtp_port=silent.getsockname()[1])
    try:
        nt.notify(hub, [users["dee"].id, users["ben"].id], "reply", "Silent server", "x", "/forum")
        # sent in the caller, notify would return only after the attempt timed out, with the error recorded
        assert _emails(hub, users["ben"].id)[-1]["last_error"] in (None, "")
        assert nt.flush(15)
        row = _emails(hub, users["ben"].id)[-1]
        assert row["status"] == "pending" and "timed out" in row["last_error"].lower()
    finally:
        hub.settings = up
        silent.close()
    assert nt.send_digest(hub)["pending"] == 0


def test_migration_0700_downgrade_and_upgrade(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from litterhub.store.database import make_engine
    from litterhub.store.migrate import alembic_config, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.sqlite'}")
    upgrade(engine)
    ours = {"forum_threads", "forum_posts", "forum_reports", "forum_subscriptions", "notifications",
            "notification_prefs", "notification_emails"}
    assert ours <= set(inspect(engine).get_table_names())
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0700_forum@0001_foundation")
    left = set(inspect(engine).get_table_names())
    assert not ours & left and {"users", "datasets"} <= left
    upgrade(engine)
    assert ours <= set(inspect(engine).get_table_names())
    engine.dispose()
