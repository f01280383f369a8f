"""The forum and notification tables on PostgreSQL (migration 0700): numbering, search with accents folded,
locking, follows, and an e-mail queued and delivered through the local SMTP server."""

from __future__ import annotations

import pytest

from litterhub.services import auth
from litterhub.services import forum as fm
from litterhub.services import notifications as nt
from tests.forum.conftest import PASSWORD


@pytest.mark.postgres
def test_forum_on_postgresql(postgres_url, tmp_path, smtp):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path / "data", postgres_url)
    try:
        hub.settings = hub.settings.but(smtp_host="127.0.0.1", smtp_port=smtp.port)
        a, b, m = (auth.create_user(hub, f"{n}@pg.example", PASSWORD, role=r, display_name=n.title())
                   for n, r in (("amal", "contributor"), ("bruno", "contributor"), ("mods", "reviewer")))
        pa, pb, pm = (auth.principal_for_session(hub, u.id) for u in (a, b, m))
        fm.follow(hub, pb, "country", "TUN")
        t = fm.create_thread(hub, pa, "Déchets plastiques à Sfax", "Relevés de plage à Sfax", country="TUN")
        assert fm.reply(hub, pb, t["id"], "Nous avons des données, @amal.", quote=1)["number"] == 2
        assert [h["number"] for h in fm.search(hub, "dechets sfax")] == [2, 1]
        fm.lock(hub, pm, t["id"])
        with pytest.raises(fm.ForumError) as locked:
            fm.reply(hub, pb, t["id"], "encore")
        assert locked.value.code == "forum-thread-locked"
        assert nt.flush()
        assert [s for s in (n["subject"] for n in nt.inbox(hub, b.id)) if s.startswith("New thread (TUN)")]
        assert smtp.inbox.wait_for("bruno@pg.example")[-1]["Subject"] == "New thread (TUN): Déchets plastiques à Sfax"
        assert nt.outbox(hub) == {"sent": 2}  # bruno's new-thread notice and amal's mention
    finally:
        hub.close()
