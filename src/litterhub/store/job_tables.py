"""Catalog table for jobs: long work (litteR runs, upload validation) accepted with 202 and polled by its URL.

A job row is the whole contract between the process that runs the work and whoever polls it: status
(queued -> running -> done | failed), a progress fraction with a message, and the result or the error as
JSON. Rows expire (`expires_at`) and are swept; the work itself never lives in the catalog.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Index, String, Table, Text

from litterhub.store.tables import metadata

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("progress", Float, nullable=False, default=0.0),
    Column("message", Text, nullable=False, default=""),
    Column("result", JSON),
    Column("error", JSON),
    Column("worker", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_jobs_owner_status", "owner", "status"),
    Index("ix_jobs_expires_at", "expires_at"),
)
