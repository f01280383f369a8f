"""Migration 0200 can be undone and redone on its own branch without touching the other capabilities' tables."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from litterhub.store.database import make_engine
from litterhub.store.migrate import alembic_config, upgrade


def test_0200_downgrade_and_upgrade(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.sqlite'}")
    upgrade(engine)
    cfg = alembic_config(str(engine.url))
    assert {"api_keys", "submissions", "submission_photos"} <= set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0200_contributions@0001_foundation")
    inspector = inspect(engine)
    assert "submissions" not in inspector.get_table_names() and "datasets" in inspector.get_table_names()
    assert "trusted" not in {c["name"] for c in inspector.get_columns("users")}
    upgrade(engine)
    assert "trusted" in {c["name"] for c in inspect(engine).get_columns("users")}
    engine.dispose()
