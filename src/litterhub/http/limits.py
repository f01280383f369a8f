"""Every request limit of the hub in one place: rates per face, body sizes per route, compute slots.

Each figure has a default that suits a small public server and one setting to change it (store/settings.py,
listed in docs/operations.md, "Settings"); every function takes the hub's `Settings`. Nothing here touches
HTTP; the middleware in `http/guards.py`, the dependencies in `http/security.py` and the offloading in
`http/compute.py` read it.

- Rates are fixed windows per caller ('N/SECONDS'): reads on every public face (API, OGC API, CKAN,
  catalogue, pages) share one figure because a scraper is the same load whichever door it uses; unsafe
  methods (writes, form posts, comments) have a tighter one.
- Body limits are enforced while the body streams (Content-Length first), so an oversize body is refused
  before it is buffered; routes that take files get their file limit plus a small form overhead.
- Compute slots bound how much CPU-heavy work runs at once (process-wide) and per caller.
- Where the counters live (`rate_limiter`): on PostgreSQL in the catalog (store/limit_tables.py), so every
  server process behind a proxy draws on one budget per caller; on SQLite (one process) in memory.
  Compute slots and the per-caller count of calls in flight stay per process: they bound this process's
  CPU and threads, which is what they protect (docs/deployment.md, "What is shared").
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import SQLAlchemyError

from litterhub.store import limit_tables
from litterhub.store.settings import Rate, Settings

if TYPE_CHECKING:
    from litterhub.services.hub import Hub

log = logging.getLogger(__name__)

FORM_OVERHEAD = 256 * 1024  # multipart boundaries, headers and small text fields around the files
DEFAULT_BODY_BYTES = 1 * 2**20  # JSON and form posts of the hub are a few KiB; 1 MiB leaves room for long texts


def read_rate(settings: Settings) -> Rate:
    """Reads per window per caller on each public face: LITTERHUB_API_RATE, default 600/60 (10 a second)."""
    return settings.api_rate


def write_rate(settings: Settings) -> Rate:
    """Unsafe requests per window per caller: LITTERHUB_WRITE_RATE, default 120/60."""
    return settings.write_rate


def compute_rate(settings: Settings) -> Rate:
    """CPU-heavy requests (litteR runs, Monte Carlo, uploads) per window per caller: LITTERHUB_COMPUTE_RATE,
    default 30/60."""
    return settings.compute_rate


def compute_slots(settings: Settings) -> int:
    """CPU-heavy calls running at once in this process: LITTERHUB_COMPUTE_SLOTS, default 2 (one per core of a
    small server; more slots only make every call slower and raise peak memory)."""
    return settings.compute_slots


def compute_per_caller(settings: Settings) -> int:
    """CPU-heavy calls one caller may have running or queued at once: LITTERHUB_COMPUTE_PER_CALLER, default 2;
    more answer 429, so one caller cannot occupy every slot."""
    return settings.compute_per_caller


# --- body limits per route ------------------------------------------------------------------------------------

def _upload_bytes(settings: Settings) -> int:
    return int(settings.max_upload_mb * 2**20)


def _photo_bytes(settings: Settings) -> int:
    return int(settings.max_photo_mb * 2**20)


LITTER_FILE_BYTES = 50 * 2**20  # per litteR input file (the pages state 50 MiB; the OSPAR reference file is 0.5 MiB)
INVENTORY_CSV_BYTES = 5 * 2**20
REGISTRY_IMPORT_BYTES = 10 * 2**20
CORRECTIONS_BYTES = 256 * 2**20
SURVEY_PHOTOS = 5


def body_rules(settings: Settings) -> list[tuple[re.Pattern[str], int]]:
    """(path pattern, largest body) for the routes that take files; every other route gets DEFAULT_BODY_BYTES."""
    upload = _upload_bytes(settings) + FORM_OVERHEAD
    return [
        (re.compile(r"^/api/v1/uploads$|^/contribute/upload$|^/contribute/submissions/[^/]+/file$"), upload),
        (re.compile(r"^/api/v1/litter/runs$|^/litter$"), 3 * LITTER_FILE_BYTES + FORM_OVERHEAD),
        (re.compile(r"^/contribute/survey$|^/contribute/submissions/[^/]+/survey$"),
         SURVEY_PHOTOS * _photo_bytes(settings) + FORM_OVERHEAD),
        (re.compile(r"^/api/v1/inventory/"), INVENTORY_CSV_BYTES + FORM_OVERHEAD),
        (re.compile(r"^/api/v1/registry/import$"), REGISTRY_IMPORT_BYTES + FORM_OVERHEAD),
        (re.compile(r"^/api/v1/datasets/[^/]+/versions/[^/]+/rejected\.csv$"), CORRECTIONS_BYTES + FORM_OVERHEAD),
    ]


def body_limit(path: str, settings: Settings) -> int:
    for pattern, limit in body_rules(settings):
        if pattern.search(path):
            return limit
    return DEFAULT_BODY_BYTES


# --- faces and trusted proxies --------------------------------------------------------------------------------

def face(path: str) -> str | None:
    """Which public face a path belongs to (its own rate bucket), or None for static files.

    /api/v1 routes are limited by their router dependency (which knows API keys); every other face here.
    """
    if path.startswith("/static/"):
        return None
    if path.startswith("/api/v1/") or path == "/api/v1":
        return "api"
    if path.startswith("/ogc"):
        return "ogc"
    if path.startswith(("/api/3/", "/api/action/")):
        return "ckan"
    if path.startswith(("/catalog", "/id/")) or path.endswith((".jsonld", ".ttl", ".rdf")):
        return "catalogue"
    return "pages"


def is_trusted(host: str | None, settings: Settings) -> bool:
    """Whether X-Forwarded-For from this peer is believed: LITTERHUB_TRUSTED_PROXIES (comma-separated IPs or
    CIDRs), default none, so a client cannot choose its own address for the rate limits."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in net for net in settings.trusted_proxies)


# --- where the rate counters live -----------------------------------------------------------------------------

class Limiter(Protocol):
    def hit(self, bucket: str, key: str, limit: int, per_seconds: float) -> float | None:
        """Count one request; None if allowed, else the seconds until the window resets."""


SWEEP_EVERY_S = 60.0  # each process deletes ended windows at most this often (one indexed-by-PK range delete)
# A process counts this share of a caller's limit in the catalog at once (a lease) and admits that many locally:
# one round trip per LEASE_SHARE-th of the budget instead of one per request. Never more than the limit is admitted
# in all; a caller spread over W workers may be refused up to (W - 1) x (lease - 1) requests early (unused leases).
LEASE_SHARE = 50  # the default read limit 600/60 leases 12; limits under 100 lease 1, i.e. count every request
MAX_LEASE = 100


def lease_size(limit: int) -> int:
    """Requests one process counts at once for a caller under `limit` (1: exact, every request counted)."""
    return max(1, min(MAX_LEASE, limit // LEASE_SHARE))


@dataclass
class _Lease:
    left: int  # requests this process may still admit without asking the catalog
    ends: float  # when the window the lease belongs to ends (clock seconds)
    refused: bool = False  # the window's budget is spent: refuse until `ends` without asking


class SharedRateLimiter:
    """Fixed-window counters in the catalog, shared by every process on the same PostgreSQL.

    A process takes a lease of `lease_size(limit)` requests of a caller's window with one UPSERT on a raw
    connection of the hub's pool (store/limit_tables.py `hit_dbapi`) and admits them from memory; a window
    found spent is refused from memory until it ends. So the catalog sees one round trip per lease, not per
    request (a round trip per request on the event loop capped one worker at ~900 anonymous reads a second),
    and the admitted total per window never exceeds the limit (a lease that straddles the limit is cut to
    what remains of it).
    If the catalog cannot be reached the request is let through and the failure logged:
    the limiter protects the hub's capacity, and a catalog outage already answers 503 on the routes that
    need it, so refusing every request here would add nothing but a second outage message.
    """

    def __init__(self, hub: Hub, clock: Callable[[], float] = time.time):
        self._engine = hub.engine
        self._clock = clock
        self._lock = threading.Lock()
        self._leases: dict[tuple[str, str], _Lease] = {}
        self._next_sweep = 0.0
        self._next_log = 0.0

    def hit(self, bucket: str, key: str, limit: int, per_seconds: float) -> float | None:
        now = self._clock()
        with self._lock:
            lease = self._leases.get((bucket, key))
            if lease is not None and now < lease.ends:
                if lease.refused:
                    return lease.ends - now
                if lease.left > 0:
                    lease.left -= 1
                    return None
        wanted = lease_size(limit)
        try:
            raw = self._engine.raw_connection()  # from the hub's pool; close() gives it back
            try:
                count, left = limit_tables.hit_dbapi(raw.driver_connection, bucket, key, per_seconds, now, wanted)
            finally:
                raw.close()
            if self._sweep_due(now):
                with self._engine.begin() as conn:
                    limit_tables.sweep(conn, now)
                self._forget_ended(now)
        except (SQLAlchemyError, self._engine.dialect.loaded_dbapi.Error) as exc:
            if self._log_due(now):  # one line a minute, not one per request, while the catalog is away
                log.warning("shared rate limits not counted (%s): %s", type(exc).__name__, str(exc).split("\n")[0])
            return None
        granted = min(wanted, limit - (count - wanted))  # the part of the lease within the limit
        with self._lock:
            self._leases[(bucket, key)] = _Lease(left=max(0, granted - 1), ends=now + left, refused=granted <= 0)
        return left if granted <= 0 else None

    def _forget_ended(self, now: float) -> None:
        with self._lock:
            for name in [k for k, lease in self._leases.items() if lease.ends <= now]:
                del self._leases[name]

    def _log_due(self, now: float) -> bool:
        with self._lock:
            if now < self._next_log:
                return False
            self._next_log = now + SWEEP_EVERY_S
            return True

    def _sweep_due(self, now: float) -> bool:
        with self._lock:
            if now < self._next_sweep:
                return False
            self._next_sweep = now + SWEEP_EVERY_S
            return True


def rate_limiter(hub: Hub) -> Limiter:
    """The limiter for this hub's processes: shared through PostgreSQL, or in this process's memory on SQLite
    (a SQLite catalog is served by one process: `litterhub serve --workers` refuses more)."""
    if hub.engine.dialect.name == "postgresql":
        return SharedRateLimiter(hub)
    from litterhub.http.security import RateLimiter  # security imports this module

    return RateLimiter()
