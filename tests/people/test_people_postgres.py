"""People and peer review on PostgreSQL (migration 0710): a private then public profile in the directory with its
JSON filters, an invitation spent once, and a review from opening to a published record; and the migration undone and
redone on its own branch."""

from __future__ import annotations

import pytest

from litterhub.services import auth, people, registry
from litterhub.services import peer_review as pr
from tests.people.test_people_review import GUIDELINE, PASSWORD, acting


@pytest.mark.postgres
def test_people_and_peer_review_on_postgresql(postgres_url, tmp_path):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path / "data", postgres_url)
    try:
        admin, expert = (auth.create_user(hub, f"{n}@pg.example", PASSWORD, role=r, display_name=n.title())
                         for n, r in (("admin", "admin"), ("expert", "contributor")))
        profile = {"display_name": "Emma Expert", "organisation": "Instituto Español de Oceanografía",
                   "country": "ESP", "expertise": ["seafloor-litter"], "languages": ["es", "en"]}
        people.save_profile(hub, acting(expert), profile)
        assert people.directory(hub, "oceanografía")["total"] == 0  # private
        people.save_profile(hub, acting(expert), {**profile, "public": True})
        found = people.directory(hub, "OCEANOGRAFÍA", expertise="seafloor-litter", country="esp", language="es")
        assert [p["display_name"] for p in found["results"]] == ["Emma Expert"]
        inv = people.invite(hub, acting(admin), "late.joiner@pg.example", roster=True)
        joined = people.accept(hub, inv["token"], None, PASSWORD, "Late Joiner")
        with pytest.raises(people.PeopleError) as used:
            people.accept(hub, inv["token"], None, PASSWORD)
        assert used.value.code == "people-invitation-used"
        guideline = registry.create_record(hub, GUIDELINE, registry.SYSTEM, publish=True)["id"]
        pr.roster_add(hub, acting(admin), expert.id, ["seafloor-litter"])
        review = pr.open_review(hub, acting(admin), guideline)["id"]
        for user in (expert, joined):
            pr.assign(hub, acting(admin), review, user.id)
            pr.submit(hub, acting(user), review, dict.fromkeys(pr.CRITERIA, 3), "Adequate.", "major")
        pr.reconcile(hub, acting(admin), review, "Both ask for major revisions.", "major")
        published = pr.publish(hub, acting(admin), review)
        assert published["status"] == "published" and published["averages"] == dict.fromkeys(pr.CRITERIA, 3.0)
        assert pr.record_status(hub, guideline)["latest"]["decision"] == "major"
    finally:
        hub.close()


def test_migration_0710_can_be_undone_and_redone(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from litterhub.store.database import make_engine
    from litterhub.store.migrate import alembic_config, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.sqlite'}")
    upgrade(engine)
    ours = {"people_profiles", "people_invitations", "roster_managers", "roster_members", "peer_reviews",
            "peer_review_assignments"}
    assert ours <= set(inspect(engine).get_table_names())
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0710_people_review@0001_foundation")
    left = set(inspect(engine).get_table_names())
    assert not ours & left and {"users", "registry_records"} <= left
    upgrade(engine)
    assert ours <= set(inspect(engine).get_table_names())
    engine.dispose()
