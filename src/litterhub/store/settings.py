"""Where a deployment keeps its state: one data directory, plus an optional server database URL, and how
many catalog connections one process may hold."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = "./litterhub-data"
# Connections kept open per process. Synchronous routes run in anyio's worker threads (40 by default), so
# a dozen steady connections serve a busy server's usual mix without reconnecting.
DEFAULT_POOL_SIZE = 10
# Extra connections opened under a burst and closed again. size + overflow = 40 = anyio's thread count, so
# a request never waits for a connection longer than for a thread to run on. On PostgreSQL keep
# (size + overflow) x worker processes below `max_connections` (100 by default) minus a few for admins.
DEFAULT_POOL_OVERFLOW = 30
# Seconds a request waits for a free connection before the hub answers 503 with Retry-After (well below the
# 30-60 s after which proxies and clients give up, so the caller learns early and retries).
DEFAULT_POOL_TIMEOUT = 10.0


def _env_number(name: str, default: float, minimum: float, kind: type) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        noun = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {noun} of at least {minimum:g}, not {raw!r}")
    return value


@dataclass(frozen=True)
class PoolSettings:
    """The catalog connection pool of one process (LITTERHUB_DB_POOL_SIZE, _OVERFLOW, _TIMEOUT)."""

    size: int = DEFAULT_POOL_SIZE
    overflow: int = DEFAULT_POOL_OVERFLOW
    timeout: float = DEFAULT_POOL_TIMEOUT

    @classmethod
    def from_env(cls) -> PoolSettings:
        return cls(size=int(_env_number("LITTERHUB_DB_POOL_SIZE", DEFAULT_POOL_SIZE, 1, int)),
                   overflow=int(_env_number("LITTERHUB_DB_POOL_OVERFLOW", DEFAULT_POOL_OVERFLOW, 0, int)),
                   timeout=_env_number("LITTERHUB_DB_POOL_TIMEOUT", DEFAULT_POOL_TIMEOUT, 0.01, float))


@dataclass(frozen=True)
class Settings:
    """Deployment settings read from the environment (LITTERHUB_DATA, LITTERHUB_DATABASE_URL, LITTERHUB_DB_POOL_*)."""

    data_dir: Path
    database_url: str
    pool: PoolSettings = field(default_factory=PoolSettings)

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
        return cls(data_dir=root, database_url=url, pool=PoolSettings.from_env())
