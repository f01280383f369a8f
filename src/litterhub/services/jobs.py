"""Jobs: long work accepted at once (HTTP 202) and polled at its URL for progress and the result.

Contract: a job row in the catalog (store/job_tables.py) is created `queued` by the process that accepted
the request, is claimed by exactly one worker with a compare-and-set UPDATE (`status='queued'` ->
`running`; the same statement works on SQLite and PostgreSQL and is safe with several server processes),
reports progress while it runs (each report is also a heartbeat), and ends `done` with a JSON result or
`failed` with a JSON error {status, detail, errors}. A running job whose heartbeat stops for
`STALE_AFTER` (its process died) is marked failed when next read, so nothing waits forever. Rows expire
after `JOB_TTL` and are swept by the next job created.

Why an in-process pool and no external queue: the work (litteR runs, upload validation) needs the files
of the request and the hub of the process, finishes in seconds to a minute, and is cheap to resubmit after
a crash; a broker (Redis, Celery) or a separate worker service would be a second thing to run for every
self-hosted hub. The catalog row makes a job visible to every process (the same URL works behind a load
balancer), and the claim is atomic, so moving execution to a separate worker later changes no contract.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from litterhub.errors import HubError, NotFoundError
from litterhub.services.hub import Hub
from litterhub.store import job_tables as jt

JOB_TTL = timedelta(hours=24)  # a result is fetched within minutes; a day covers a client that comes back later
STALE_AFTER = timedelta(minutes=10)  # no progress report for this long: the process running it has gone
ACTIVE = ("queued", "running")
log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


class JobNotFound(NotFoundError, LookupError):
    """No such job for this caller (also the answer for another caller's job: ids are not confirmed)."""


class JobQuota(Exception):
    """The caller already has as many jobs queued or running as allowed."""


@dataclass
class JobError(Exception):
    """A job's refusal, as the synchronous request would have answered it (status, detail, errors)."""

    status: int
    detail: str
    errors: list[dict[str, Any]]


def _now() -> datetime:
    return datetime.now(UTC)


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def create(hub: Hub, kind: str, owner: str, max_active: int) -> str:
    """A new queued job for `owner`; raises JobQuota when the owner has `max_active` jobs queued or running."""
    now = _now()
    job_id = secrets.token_hex(16)
    with hub.engine.begin() as conn:
        conn.execute(delete(jt.jobs).where(jt.jobs.c.expires_at < now))
        active = conn.execute(select(func.count()).select_from(jt.jobs).where(
            jt.jobs.c.owner == owner, jt.jobs.c.status.in_(ACTIVE))).scalar()
        if active >= max_active:
            raise JobQuota(f"you already have {active} jobs queued or running; wait for one to finish")
        conn.execute(insert(jt.jobs).values(id=job_id, kind=kind, owner=owner, status="queued", progress=0.0,
                                            message="waiting for a free worker", created_at=now,
                                            expires_at=now + JOB_TTL))
    return job_id


def claim(hub: Hub, job_id: str) -> bool:
    """Mark the job running for this process; False when another worker (or a sweep) got it first."""
    now = _now()
    with hub.engine.begin() as conn:
        changed = conn.execute(update(jt.jobs).where(jt.jobs.c.id == job_id, jt.jobs.c.status == "queued").values(
            status="running", started_at=now, heartbeat_at=now, worker=_worker(), message="started")).rowcount
    return changed == 1


def report(hub: Hub, job_id: str, fraction: float, message: str) -> None:
    """Progress (0..1) and what is happening; doubles as the heartbeat."""
    with hub.engine.begin() as conn:
        conn.execute(update(jt.jobs).where(jt.jobs.c.id == job_id, jt.jobs.c.status == "running").values(
            progress=max(0.0, min(1.0, fraction)), message=message[:500], heartbeat_at=_now()))


def finish(hub: Hub, job_id: str, result: dict[str, Any] | None = None, error: JobError | None = None) -> None:
    values: dict[str, Any] = {"finished_at": _now(), "heartbeat_at": _now()}
    if error is None:
        values.update(status="done", progress=1.0, message="done", result=result)
    else:
        values.update(status="failed", message=error.detail[:500],
                      error={"status": error.status, "detail": error.detail, "errors": error.errors})
    with hub.engine.begin() as conn:
        conn.execute(update(jt.jobs).where(jt.jobs.c.id == job_id).values(**values))


def run(hub: Hub, job_id: str, work: Callable[[Progress], dict[str, Any]]) -> None:
    """Claim and run one job in the calling (worker) thread; every outcome ends in the job row."""
    if not claim(hub, job_id):
        return
    try:
        result = work(lambda fraction, message: report(hub, job_id, fraction, message))
    except JobError as exc:
        finish(hub, job_id, error=exc)
    except HubError as exc:  # a refusal ends the job as the synchronous request would have answered it
        finish(hub, job_id, error=JobError(exc.status, str(exc), exc.entries()))
    except Exception:  # noqa: BLE001 - a bug must end the job with a message, not leave it running
        log.exception("job %s failed", job_id)
        finish(hub, job_id, error=JobError(500, "the job failed unexpectedly; it has been logged", []))
    else:
        finish(hub, job_id, result)


def get(hub: Hub, job_id: str, owner: str | None) -> dict[str, Any]:
    """A job as its owner sees it; a job of a signed-in owner is visible only to that owner.

    `owner` is the caller's key ("user:…", "key:…" of the same user, or "ip:…"); anonymous jobs are
    reachable by their unguessable id alone (128 random bits), like a capability URL.
    """
    if not job_id or len(job_id) > 64:
        raise JobNotFound(job_id)
    with hub.engine.connect() as conn:
        row = conn.execute(select(jt.jobs).where(jt.jobs.c.id == job_id)).first()
    if row is None or row.expires_at.replace(tzinfo=row.expires_at.tzinfo or UTC) < _now():
        raise JobNotFound(job_id)
    if row.owner.startswith("user:") and row.owner != owner:
        raise JobNotFound(job_id)
    job = dict(row._mapping)
    beat = job["heartbeat_at"] or job["created_at"]
    if job["status"] in ACTIVE and beat.replace(tzinfo=beat.tzinfo or UTC) < _now() - STALE_AFTER:
        finish(hub, job_id, error=JobError(503, "the server stopped while this job ran; submit it again", []))
        return get(hub, job_id, owner)
    return {k: job[k] for k in ("id", "kind", "status", "progress", "message", "result", "error", "created_at",
                                "started_at", "finished_at", "expires_at")}
