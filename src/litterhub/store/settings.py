"""Every setting of a deployment, read once from the environment when the hub opens, validated, and passed down.

Contract:
- `Settings` is the only place a `LITTERHUB_*` variable is read (`Settings.from_env`); every module takes its
  figures from the `Settings` it is given (`hub.settings`), never from `os.environ`.
- Each field declares its variable, its default and a one-line meaning (`setting(...)`); docs/operations.md
  ("Settings") lists every one, and tests/store/test_settings.py holds the two together.
- A value that cannot be used stops the hub from opening with `SettingsError`, whose message names the variable
  and says what it must be (the CLI prints it on one line and exits 2; `serve` refuses to start). An unset or
  empty variable means the default.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

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
# 10.5072 is DataCite's prefix for tests and examples: a deployment sets its own before minting.
DEFAULT_DOI_PREFIX = "10.5072"
DATACITE_TEST_API = "https://api.test.datacite.org"
# The Argon2id costs a deployment may choose. "default" follows OWASP's recommendation; "fast" is ~200 times
# cheaper, for test suites and throwaway hubs only: a stolen hash of it is as much cheaper to guess.
ARGON2_PROFILES = ("default", "fast")
# The named points where the fault-injection tests make a process SIGKILL itself (store/faults.py).
FAULT_POINTS = ("after-stage", "after-rename", "before-commit", "after-commit")

Rate = tuple[int, int]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A LITTERHUB_* variable holds a value the hub cannot use; the message names it and says what it must be."""

    code = "bad-setting"

    def __init__(self, variable: str, expected: str, raw: str):
        super().__init__(f"{variable} must be {expected}, not {raw!r}")
        self.variable = variable


# --- parsers: raw text -> value, or ValueError(what it must be) -----------------------------------------------

Parser = Callable[[str], Any]


def whole(minimum: int) -> Parser:
    def parse(raw: str) -> int:
        value = int(raw)
        if value < minimum:
            raise ValueError
        return value
    parse.expected = f"a whole number of at least {minimum}"  # type: ignore[attr-defined]
    return parse


def number(minimum: float, above: bool = False) -> Parser:
    def parse(raw: str) -> float:
        value = float(raw)
        if value != value or value < minimum or (above and value == minimum):  # NaN is no number of anything
            raise ValueError
        return value
    parse.expected = f"a number {'above' if above else 'of at least'} {minimum:g}"  # type: ignore[attr-defined]
    return parse


def rate(raw: str) -> Rate:
    n, per = (int(part) for part in raw.split("/"))
    if n < 1 or per < 1:
        raise ValueError
    return n, per


rate.expected = "'REQUESTS/SECONDS' with both at least 1, e.g. 600/60"  # type: ignore[attr-defined]


def flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ValueError
    return value in ("1", "true", "yes", "on")


flag.expected = "1 or 0 (true/false, yes/no, on/off)"  # type: ignore[attr-defined]


def choice(*values: str) -> Parser:
    def parse(raw: str) -> str:
        if raw.strip() not in values:
            raise ValueError
        return raw.strip()
    parse.expected = f"one of {', '.join(values)}"  # type: ignore[attr-defined]
    return parse


def text(raw: str) -> str:
    return raw.strip()


def path(raw: str) -> Path:
    return Path(raw.strip())


def url(raw: str) -> str:
    if not raw.strip().startswith(("http://", "https://")):
        raise ValueError
    return raw.strip().rstrip("/")


url.expected = "an http:// or https:// address"  # type: ignore[attr-defined]


S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def location(raw: str) -> str:
    """A local folder, or `s3://bucket[/prefix]` on any S3-compatible service (store/objects.py)."""
    value = raw.strip()
    if "://" not in value:
        return str(Path(value).resolve())
    scheme, _, rest = value.partition("://")
    bucket, _, prefix = rest.partition("/")
    if scheme != "s3" or not S3_BUCKET.fullmatch(bucket) or ".." in bucket or "//" in rest:
        raise ValueError
    return f"s3://{bucket}/{prefix.strip('/')}".rstrip("/")


location.expected = "a local folder or s3://bucket/prefix (a lower-case bucket name of 3-63 characters)"  # type: ignore[attr-defined]

# The standard variables of every AWS SDK and tool, read here like the LITTERHUB_* ones (store/objects.py uses them
# for an s3:// lake or raw archive; credentials left unset fall back to the SDK's own chain: ~/.aws, instance roles).
S3_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN")


def s3_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The AWS_* variables that are set; a malformed AWS_ENDPOINT_URL stops the hub like a bad setting."""
    env = os.environ if environ is None else environ
    given = {name: env[name].strip() for name in S3_VARIABLES if env.get(name, "").strip()}
    endpoint = given.get("AWS_ENDPOINT_URL")
    if endpoint is not None and not re.fullmatch(r"https?://[^/\s]+/?", endpoint):
        raise SettingsError("AWS_ENDPOINT_URL", "an http:// or https:// address of an S3-compatible service", endpoint)
    return given


def networks(raw: str) -> tuple[Network, ...]:
    parts = [p.strip() for p in raw.replace(";", ",").split(",")]
    return tuple(ipaddress.ip_network(p, strict=False) for p in parts if p)


networks.expected = "comma-separated IP addresses or CIDR blocks, e.g. 127.0.0.1,10.0.0.0/8"  # type: ignore[attr-defined]


def setting(variable: str, default: Any, parse: Parser, meaning: str) -> Any:
    """Declare one field: the variable that sets it, its default, how its text is read and what it is for."""
    return field(default=default, metadata={"variable": variable, "parse": parse, "meaning": meaning})


@dataclass(frozen=True)
class PoolSettings:
    """The catalog connection pool of one process (LITTERHUB_DB_POOL_SIZE, _OVERFLOW, _TIMEOUT)."""

    size: int = DEFAULT_POOL_SIZE
    overflow: int = DEFAULT_POOL_OVERFLOW
    timeout: float = DEFAULT_POOL_TIMEOUT


@dataclass(frozen=True)
class Settings:
    """One deployment's settings. `data_dir` and `database_url` may also come from the CLI's --data-dir."""

    data_dir: Path = setting("LITTERHUB_DATA", Path(DEFAULT_DATA_DIR), path,
                             "the data directory: catalog.sqlite, lake/, raw/, exports/ (back it up by copying)")
    database_url: str = setting("LITTERHUB_DATABASE_URL", "", text,
                                "catalog database URL (postgresql+psycopg://…); default SQLite in the data directory")
    lake_url: str = setting("LITTERHUB_LAKE_URL", "", location,
                            "where the lake lives: a local folder or s3://bucket/prefix; default <data dir>/lake")
    raw_url: str = setting("LITTERHUB_RAW_URL", "", location,
                           "where the raw archive lives: a local folder or s3://bucket/prefix; default <data dir>/raw")
    pool_size: int = setting("LITTERHUB_DB_POOL_SIZE", DEFAULT_POOL_SIZE, whole(1),
                             "catalog connections kept open per process")
    pool_overflow: int = setting("LITTERHUB_DB_POOL_OVERFLOW", DEFAULT_POOL_OVERFLOW, whole(0),
                                 "extra catalog connections opened under a burst")
    pool_timeout: float = setting("LITTERHUB_DB_POOL_TIMEOUT", DEFAULT_POOL_TIMEOUT, number(0.01),
                                  "seconds a request waits for a catalog connection before answering 503")
    lock_wait: float = setting("LITTERHUB_LOCK_WAIT", 60.0, number(0),
                               "seconds a second writer of one dataset waits before `dataset-busy`")
    secret_key: str = setting("LITTERHUB_SECRET_KEY", "", text,
                              "deployment secret (cookies, API-key HMAC); default <data dir>/secret.key, made once")
    argon2_profile: str = setting("LITTERHUB_ARGON2_PROFILE", "default", choice(*ARGON2_PROFILES),
                                  "password hashing cost: default (OWASP), or fast for tests and throwaway hubs only")
    hash_slots: int = setting("LITTERHUB_HASH_SLOTS", 2, whole(1), "password hashes computed at once per process")
    secure_cookies: bool = setting("LITTERHUB_SECURE_COOKIES", False, flag,
                                   "send cookies only over HTTPS (set 1 behind TLS)")
    api_rate: Rate = setting("LITTERHUB_API_RATE", (600, 60), rate,
                             "reads per caller per window on every public face (REQUESTS/SECONDS)")
    write_rate: Rate = setting("LITTERHUB_WRITE_RATE", (120, 60), rate,
                               "unsafe requests (writes, form posts) per caller per window")
    compute_rate: Rate = setting("LITTERHUB_COMPUTE_RATE", (30, 60), rate,
                                 "CPU-heavy requests (litteR runs, Monte Carlo, uploads) per caller per window")
    compute_slots: int = setting("LITTERHUB_COMPUTE_SLOTS", 2, whole(1),
                                 "CPU-heavy calls running at once in one process")
    compute_per_caller: int = setting("LITTERHUB_COMPUTE_PER_CALLER", 2, whole(1),
                                      "CPU-heavy calls one caller may have running or queued (more: 429)")
    duckdb_memory_mb: float = setting("LITTERHUB_DUCKDB_MEMORY_MB", 512.0, number(0),
                                      "memory of the process's DuckDB (MiB; beyond it joins and aggregates spill to "
                                      "<data>/spill/duckdb); 0: DuckDB's default, 80 % of RAM")
    trusted_proxies: tuple[Network, ...] = setting("LITTERHUB_TRUSTED_PROXIES", (), networks,
                                                   "proxies whose X-Forwarded-For is believed; default none")
    max_upload_mb: float = setting("LITTERHUB_MAX_UPLOAD_MB", 50.0, number(0, above=True),
                                   "largest data file one upload may carry (MiB)")
    max_photo_mb: float = setting("LITTERHUB_MAX_PHOTO_MB", 5.0, number(0, above=True),
                                  "largest photo of a survey (MiB)")
    max_drafts: int = setting("LITTERHUB_MAX_DRAFTS", 20, whole(0), "draft uploads one contributor may keep")
    max_draft_mb: float = setting("LITTERHUB_MAX_DRAFT_MB", 500.0, number(0),
                                  "total size of one contributor's drafts (MiB)")
    download_store_mb: float = setting("LITTERHUB_DOWNLOAD_STORE_MB", 4096.0, number(0),
                                       "largest total size of stored version downloads (MiB); 0: every one streams")
    litter_run_hours: float = setting("LITTERHUB_LITTER_RUN_HOURS", 24.0, number(0),
                                      "hours a litteR run's outputs are kept")
    groups_dir: Path | None = setting("LITTERHUB_GROUPS_DIR", None, path,
                                      "Regional Seas member lists; default ../shared/data/regional-seas-groups")
    inventory_sources: Path | None = setting("LITTERHUB_INVENTORY_SOURCES", None, path,
                                             "folder holding the source-inventory input tables (jambeck2015/, …)")
    shared_data: Path | None = setting("LITTERHUB_SHARED_DATA", None, path,
                                       "a checkout's ../shared/data, searched for inventory inputs after the above")
    base_url: str = setting("LITTERHUB_BASE_URL", "", url,
                            "the hub's public address, for DOIs minted from the CLI (its --base-url)")
    datacite_prefix: str = setting("LITTERHUB_DATACITE_PREFIX", DEFAULT_DOI_PREFIX, text,
                                   "the deployment's DOI prefix; default DataCite's test prefix 10.5072")
    datacite_repository_id: str = setting("LITTERHUB_DATACITE_REPOSITORY_ID", "", text,
                                          "DataCite repository account that mints DOIs")
    datacite_password: str = setting("LITTERHUB_DATACITE_PASSWORD", "", text, "its DataCite password")
    datacite_api_url: str = setting("LITTERHUB_DATACITE_API_URL", DATACITE_TEST_API, url,
                                    "DataCite REST API; default DataCite's test API")
    smtp_host: str = setting("LITTERHUB_SMTP_HOST", "", text,
                             "SMTP server notification e-mails go through; unset: in-app notifications only")
    smtp_port: int = setting("LITTERHUB_SMTP_PORT", 25, whole(1), "its port")
    smtp_user: str = setting("LITTERHUB_SMTP_USER", "", text, "SMTP login (unset: no login)")
    smtp_password: str = setting("LITTERHUB_SMTP_PASSWORD", "", text, "its password")
    smtp_from: str = setting("LITTERHUB_SMTP_FROM", "litterhub@localhost", text, "From address of notification e-mails")
    smtp_starttls: bool = setting("LITTERHUB_SMTP_STARTTLS", False, flag, "upgrade the SMTP connection with STARTTLS")
    debug: bool = setting("LITTERHUB_DEBUG", False, flag, "the CLI shows a traceback instead of a one-line error")
    fault: str | None = setting("LITTERHUB_FAULT", None, choice(*FAULT_POINTS),
                                "TEST HOOK, never in a deployment: SIGKILL the process at this publishing step")

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'catalog.sqlite'}")

    @property
    def lake_location(self) -> str:
        """The lake's folder or s3:// URL (LITTERHUB_LAKE_URL, default <data dir>/lake)."""
        return self.lake_url or str(self.data_dir / "lake")

    @property
    def raw_location(self) -> str:
        """The raw archive's folder or s3:// URL (LITTERHUB_RAW_URL, default <data dir>/raw)."""
        return self.raw_url or str(self.data_dir / "raw")

    @property
    def lake_dir(self) -> Path:
        """The lake's local folder; for a lake on object storage, the local folder of its staging and locks."""
        if self.lake_location.startswith("s3://"):
            return self.data_dir / "lake-staging"
        return Path(self.lake_location)

    @property
    def raw_dir(self) -> Path:
        """The raw archive's local folder (for an archive on object storage: where a raw file is fetched to)."""
        if self.raw_location.startswith("s3://"):
            return self.data_dir / "raw-cache"
        return Path(self.raw_location)

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def inventory_folders(self) -> list[Path]:
        """Where the non-bundled source-inventory tables are looked for, most specific first."""
        given = [self.inventory_sources, self.shared_data]
        return [folder for folder in given if folder is not None] + [self.data_dir / "sources"]

    @property
    def pool(self) -> PoolSettings:
        return PoolSettings(self.pool_size, self.pool_overflow, self.pool_timeout)

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None, database_url: str | None = None,
                 environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every variable (the CLI's --data-dir and a given URL win over the environment)."""
        env = os.environ if environ is None else environ
        values = {f.name: _read(env, f.metadata) for f in fields(cls) if _given(env, f.metadata)}
        if data_dir:
            values["data_dir"] = Path(data_dir)
        if database_url:
            values["database_url"] = database_url
        return cls(**values)

    def but(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests, and commands that take a figure as an option)."""
        return replace(self, **changes)


def documented() -> dict[str, str]:
    """{variable: meaning} for every setting, in declaration order (docs/operations.md lists the same)."""
    return {f.metadata["variable"]: f.metadata["meaning"] for f in fields(Settings)}


def _given(env: Mapping[str, str], meta: Mapping[str, Any]) -> bool:
    return bool(env.get(meta["variable"], "").strip())


def _read(env: Mapping[str, str], meta: Mapping[str, Any]) -> Any:
    raw = env[meta["variable"]]
    try:
        return meta["parse"](raw)
    except ValueError:
        raise SettingsError(meta["variable"], getattr(meta["parse"], "expected", "a usable value"), raw) from None


def hand_data_dir_to_children(data_dir: Path) -> None:
    """Name the data directory for the processes this one starts (`serve --workers N`: each worker opens the hub
    itself from its environment), so that they read the same settings as the parent."""
    os.environ["LITTERHUB_DATA"] = str(data_dir)
