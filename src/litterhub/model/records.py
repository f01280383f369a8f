"""Catalog-level records of the canonical model (datasets and sites), as plain dataclasses.

Events, observations and particles are columnar (see `schema.py`); datasets and sites are few and
live in the catalog database, so they are ordinary records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Dataset:
    """A versioned collection of sampling events from one source programme."""

    id: str
    title: str
    description: str
    publisher: str
    licence: str  # SPDX id, e.g. CC-BY-4.0
    citation: str
    source_programme: str
    format: str
    protocol: str = ""
    current_version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class DatasetVersion:
    """One immutable version of a dataset: its raw bytes, its lake files and its validation outcome."""

    dataset_id: str
    version: int
    sha256: str
    original_filename: str
    rows_in: int
    rows_accepted: int
    rows_rejected: int
    n_events: int
    n_observations: int
    date_min: date | None
    date_max: date | None
    vocab_version: str
    created_at: datetime | None = None
    status: str = "published"


@dataclass(frozen=True)
class Site:
    """A place that is surveyed repeatedly: a beach, a river bank, a trawl station."""

    id: str
    name: str
    lat: float | None
    lon: float | None
    country: str | None  # ISO 3166-1 alpha-3
    region: str | None
    compartment: str
    source_programme: str
    source_key: str
    datasets: list[str] = field(default_factory=list)
