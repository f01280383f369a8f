"""Catalog table for national source inventories: each submission is an immutable, numbered version
(inputs with their sources, method, results, year, submitter), so inventories are data that can be
compared across countries, not PDFs."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, String, Table, Text, UniqueConstraint

from litterhub.store.tables import metadata

national_inventories = Table(
    "national_inventories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("country", String(3), nullable=False),
    Column("method", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("scenario", String(40), nullable=False),
    Column("compartment", String(80), nullable=False),
    Column("submitter", Text, nullable=False),
    Column("account", String(100), nullable=False),  # who stored it: "user:<id>" or "cli"
    Column("inputs", JSON, nullable=False),
    Column("results", JSON, nullable=False),
    # The comparable headline: central estimate and its low/high (t/yr) in the method's compartment.
    Column("central_t", Float, nullable=False),
    Column("low_t", Float, nullable=True),
    Column("high_t", Float, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("country", "method", "version", name="uq_national_inventories_country"),
    Index("ix_national_inventories_method_year", "method", "year"),
)
