"""Catalog tables of the chemicals-in-plastics knowledge base (docs/chemicals.md says why not registry records).

One row per substance keyed by its validated CAS number, holding the merged document (every value with the
sources that state it); facet rows for filtering and counting; one row per imported source with its version,
file hash, licence and counts, so a re-import can tell what changed and a page can cite each source.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from litterhub.store.tables import metadata

chem_substances = Table(
    "chem_substances",
    metadata,
    Column("cas", String(20), primary_key=True),
    Column("name", Text, nullable=False),
    Column("data", JSON, nullable=False),
    Column("search_text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("n_hazards", Integer, nullable=False),
    Column("n_listings", Integer, nullable=False),
    Column("n_conflicts", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

chem_facets = Table(
    "chem_facets",
    metadata,
    Column("cas", String(20), ForeignKey("chem_substances.cas", ondelete="CASCADE"), primary_key=True),
    Column("facet", String(20), primary_key=True),
    Column("value", String(60), primary_key=True),
    Index("ix_chem_facets_facet_value", "facet", "value"),
)

chem_sources = Table(
    "chem_sources",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("version", Text, nullable=False),
    Column("licence", Text, nullable=False),
    Column("citation", Text, nullable=False),
    Column("file", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("counts", JSON, nullable=False),
    Column("rejected", JSON, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
