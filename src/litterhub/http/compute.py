"""CPU-heavy work off the event loop, with bounded concurrency and a per-caller quota.

`await offload(request, fn, *args)` runs `fn` in a worker thread of a shared pool of
`limits.compute_slots(settings)` (a CapacityLimiter: more calls wait their turn, none runs on the loop), after
charging the caller's compute rate and checking that the caller does not already hold
`limits.compute_per_caller(settings)` calls in flight (429 otherwise). Health checks and light reads keep
answering while litteR runs, Monte Carlo draws and upload validation work.

Threads rather than processes: the heavy steps are numpy/pandas/DuckDB/pyarrow code that releases the GIL
for most of its time, results are large tables that would cost more to pickle than to compute, and the hub
(database engine, lake) is shared in-process. Memory is bounded by the parameter bounds (Monte Carlo draws,
upload and body sizes), not by isolation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import anyio
from anyio import to_thread
from fastapi import Request
from fastapi.responses import JSONResponse

from litterhub.http import limits
from litterhub.http.deps import hub_of
from litterhub.http.problems import Overloaded, Problem
from litterhub.http.security import check_rate, client_key, current_user
from litterhub.services import jobs

T = TypeVar("T")


class _Pool:
    """The process's compute slots and who holds them (created on first use, inside the event loop)."""

    def __init__(self, slots: int):
        self.limiter = anyio.CapacityLimiter(slots)
        self.held: dict[str, int] = {}


# Calls that may wait for a compute slot, per slot, before more are answered 503 + Retry-After: heavy calls take
# seconds each, so a longer line would keep its last caller waiting past the 30-60 s after which proxies and
# clients give up; telling them to come back is honest, a hung request is not.
QUEUE_PER_SLOT = 4


def admit(shared: _Pool) -> None:
    """Refuse (503) a new heavy call or job when the line for the compute slots is full."""
    waiting = shared.limiter.statistics().tasks_waiting
    if waiting >= QUEUE_PER_SLOT * shared.limiter.total_tokens:
        raise Overloaded(f"the hub is busy: {waiting} heavy requests are waiting for a compute slot; retry shortly",
                         code="compute-queue-full")


def pool(request: Request) -> _Pool:
    state = request.app.state
    if getattr(state, "compute_pool", None) is None:
        state.compute_pool = _Pool(limits.compute_slots(state.hub.settings))
    return state.compute_pool


def caller(request: Request) -> str:
    """The caller's quota key: API key, account, or client address (after trusted-proxy handling)."""
    try:
        current_user(request)
    except Problem:
        pass  # a malformed key is answered by the route's own authentication
    return client_key(request)


async def offload(request: Request, fn: Callable[..., T], *args, **kwargs) -> T:
    """Run `fn(*args, **kwargs)` in the bounded compute pool; 429 when the caller is over quota."""
    who = caller(request)
    settings = hub_of(request).settings
    check_rate(request, "compute", *limits.compute_rate(settings))
    shared = pool(request)
    if shared.held.get(who, 0) >= limits.compute_per_caller(settings):
        raise Problem(429, f"you already have {shared.held[who]} heavy requests running; wait for them to finish",
                      errors=[{"code": "compute-quota", "field": None,
                               "message": f"at most {limits.compute_per_caller(settings)} at once per caller"}],
                      headers={"Retry-After": "5"})
    admit(shared)  # after the caller's own quota: one caller flooding is told 429, a crowd is told 503
    shared.held[who] = shared.held.get(who, 0) + 1
    try:
        return await to_thread.run_sync(partial(fn, *args, **kwargs), limiter=shared.limiter)
    finally:
        shared.held[who] -= 1
        if not shared.held[who]:
            del shared.held[who]


# --- jobs: 202 now, the result at /api/v1/jobs/{id} ------------------------------------------------------------

ASYNC_PREFERENCE = "respond-async"


def wants_job(request: Request) -> bool:
    """RFC 7240 `Prefer: respond-async`: the client would rather poll a job than wait for the answer."""
    return ASYNC_PREFERENCE in (request.headers.get("prefer") or "").lower()


def job_owner(request: Request) -> str:
    """Jobs belong to the account (whichever key or session it uses), else to the anonymous caller."""
    try:
        principal = current_user(request)
    except Problem:
        principal = None
    return f"user:{principal.id}" if principal is not None else client_key(request)


async def start_job(request: Request, kind: str, work: Callable[[jobs.Progress], dict]) -> JSONResponse:
    """Queue `work` as a job in the shared compute pool and answer 202 with its URL (Location header)."""
    hub = request.app.state.hub
    check_rate(request, "compute", *limits.compute_rate(hub.settings))
    admit(pool(request))
    try:
        job_id = jobs.create(hub, kind, job_owner(request), limits.compute_per_caller(hub.settings))
    except jobs.JobQuota as exc:
        raise Problem(429, str(exc), errors=[{"code": "compute-quota", "field": None, "message": str(exc)}],
                      headers={"Retry-After": "5"}) from None
    shared = pool(request)

    async def execute() -> None:
        await to_thread.run_sync(jobs.run, hub, job_id, work, limiter=shared.limiter)

    task = asyncio.get_running_loop().create_task(execute())
    running = getattr(request.app.state, "job_tasks", None)
    if running is None:
        running = request.app.state.job_tasks = set()
    running.add(task)  # keep a reference until it ends (the loop only holds weak ones)
    task.add_done_callback(running.discard)
    url = f"{request.base_url}api/v1/jobs/{job_id}"
    return JSONResponse({"job_id": job_id, "status": "queued", "url": url}, status_code=202,
                        headers={"Location": url, "Retry-After": "1"})
