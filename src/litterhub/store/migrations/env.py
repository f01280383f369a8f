"""Alembic environment: runs migrations on the connection handed over by `litterhub.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from litterhub.store import all_tables

config = context.config
target_metadata = all_tables.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
