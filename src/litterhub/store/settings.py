"""Where a deployment keeps its state: one data directory, plus an optional server database URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "./litterhub-data"


@dataclass(frozen=True)
class Settings:
    """Deployment settings read from the environment (LITTERHUB_DATA, LITTERHUB_DATABASE_URL)."""

    data_dir: Path
    database_url: str

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None, database_url: str | None = None) -> Settings:
        root = Path(data_dir or os.environ.get("LITTERHUB_DATA") or DEFAULT_DATA_DIR).resolve()
        url = database_url or os.environ.get("LITTERHUB_DATABASE_URL") or f"sqlite:///{root / 'catalog.sqlite'}"
        return cls(data_dir=root, database_url=url)
