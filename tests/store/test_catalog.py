"""The catalog schema on both databases: migrations create what the metadata declares, and a real
ingest round-trips through SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from litterhub.services.datasets import get_dataset, list_events, sites_geojson
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR
from litterhub.store import all_tables
from litterhub.store import tables as t


def _not_fulltext(name, type_, parent_names) -> bool:
    """Full-text machinery is dialect-specific and made by migrations only, on purpose: SQLite FTS5 tables
    (and their shadow tables) and PostgreSQL tsvector columns (`tsv`, the titles-only `tsv_title`) and their
    indexes, and the generated `facet_terms` column the PostgreSQL search reads (migration 0750)."""
    if not name:
        return True
    if type_ == "table" and "_fts" in name:
        return False
    tsvector = name == "tsv" or name.startswith("tsv_") or "_tsv" in name  # tsv, tsv_title, ix_…_tsv_title
    tsvector = tsvector or (type_ == "column" and name == "facet_terms")
    return not (type_ in ("column", "index") and tsvector)


def test_migrations_match_metadata(any_hub):
    """Alembic migrations and the SQLAlchemy metadata describe the same schema (no drift)."""
    with any_hub.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": _not_fulltext})
        diff = compare_metadata(context, all_tables.metadata)
    assert diff == [], f"migrations and tables.py disagree: {diff}"


def test_foundation_tables_exist(any_hub):
    names = set(inspect(any_hub.engine).get_table_names())
    assert {"datasets", "dataset_versions", "raw_files", "sites", "events", "users", "audit_log"} <= names


def test_ingest_round_trip(any_hub):
    result = ingest_file(any_hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine")
    assert result.ok and result.version == 1
    ds = get_dataset(any_hub, "mdmap-maine")
    assert ds["n_events"] == 70 and ds["rows_in"] == 70
    page = list_events(any_hub, dataset="mdmap-maine", limit=25)
    assert len(page.items) == 25 and page.next_cursor
    second = list_events(any_hub, dataset="mdmap-maine", limit=100, cursor=page.next_cursor)
    ids = [e["event_id"] for e in page.items + second.items]
    assert len(ids) == len(set(ids)) == 70
    assert len(sites_geojson(any_hub)["features"]) == 9
    with any_hub.engine.connect() as conn:
        audit = conn.execute(select(t.audit_log.c.action, t.audit_log.c.target)).all()
    assert ("dataset.version.published", "dataset:mdmap-maine") in [tuple(a) for a in audit]
    again = ingest_file(any_hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine")
    assert again.unchanged and again.version == 1
