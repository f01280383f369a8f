"""The hub a service works on: settings, catalog engine, lake and raw archive (local or on object storage:
store/object_lake.py), opened once per process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from litterhub.analysis.inventory import folders as inventory_folders
from litterhub.store import catalog_watch, duck
from litterhub.store.database import open_catalog
from litterhub.store.lake import Lake
from litterhub.store.object_lake import open_lake, open_raw
from litterhub.store.raw import RawArchive
from litterhub.store.settings import Settings, s3_environment


@dataclass
class Hub:
    settings: Settings
    engine: Engine
    lake: Lake
    raw: RawArchive

    @classmethod
    def open(cls, data_dir: str | Path | None = None, database_url: str | None = None,
             settings: Settings | None = None) -> Hub:
        """Open (and if needed initialise) the hub's data directory and catalog. The settings are read from the
        environment here, once (or given), and reach every service as `hub.settings`."""
        settings = settings or Settings.from_env(data_dir, database_url)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.exports_dir.mkdir(parents=True, exist_ok=True)
        inventory_folders.search_in(settings.inventory_folders)  # the analysis layer never reads the environment
        duck.configure(settings.duckdb_memory_mb, settings.data_dir / "spill" / "duckdb")
        engine = open_catalog(settings.database_url, settings.pool)
        s3 = s3_environment()  # AWS_* (endpoint, region, credentials) for an s3:// lake or raw archive
        return cls(settings, engine, open_lake(settings, s3), open_raw(settings, s3))

    def close(self) -> None:
        catalog_watch.stop(self.engine)
        self.engine.dispose()
