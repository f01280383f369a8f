"""Per-version summaries: what the read faces serve instead of a row-level event index.

A dataset version is immutable, so its per-site statistics and facets are computed once, when it is
published (in the same catalog transaction), or by `litterhub summaries backfill` for versions published
before summaries existed. Rows of every version are kept; a row is public while its (dataset, version) is
the dataset's current version, so retraction (which moves `current_version` back) needs no rebuild.

- `summary_versions`: one row per summarised version (its presence says "done", even with no events).
- `site_summaries`: one row per (version, site, event compartment, event country) with the site's point,
  a grid cell SQLite and PostgreSQL can index for bounding boxes (`GRID_DEGREES` cells numbered row by row,
  services/summaries.py `cell_of`), event counts, first/last date and the sum and count of items/100 m.
- `dataset_facets`: one row per (version, facet, value) with the number of events (countries, compartments,
  regions, programmes).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Float, Index, Integer, String, Table, Text

from litterhub.store.tables import metadata

summary_versions = Table(
    "summary_versions",
    metadata,
    Column("dataset_id", String(100), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("n_events", BigInteger, nullable=False),
    Column("n_sites", Integer, nullable=False),
    Column("date_min", Date),
    Column("date_max", Date),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

site_summaries = Table(
    "site_summaries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("site_id", String(40), nullable=False),
    Column("compartment", String(40)),
    Column("country", String(3)),
    Column("lat", Float),
    Column("lon", Float),
    Column("cell", Integer),
    Column("n_events", Integer, nullable=False),
    Column("first_date", Date),
    Column("last_date", Date),
    Column("n_density", Integer, nullable=False),
    Column("sum_items_per_100m", Float),
    Index("ix_site_summaries_version_site", "dataset_id", "version", "site_id"),
    Index("ix_site_summaries_site", "site_id"),
    Index("ix_site_summaries_cell", "cell"),
    Index("ix_site_summaries_country", "country"),
)

dataset_facets = Table(
    "dataset_facets",
    metadata,
    Column("dataset_id", String(100), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("facet", String(20), primary_key=True),
    Column("value", Text, primary_key=True),
    Column("n_events", BigInteger, nullable=False),
)
