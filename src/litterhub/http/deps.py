"""Dependencies shared by routes: the hub of this process, and running password hashing off the event loop.

Argon2id is deliberately slow (tens to hundreds of milliseconds of CPU and 64 MiB per hash). An `async`
handler that hashes inline stops every other request for that long, so async handlers that hash (web
login and sign-up) go through `off_loop`: a worker thread, at most `LITTERHUB_HASH_SLOTS` at once, so a burst of
logins queues for threads instead of for the event loop, and memory stays bounded. Sync (`def`) handlers
already run in Starlette's thread pool.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from fastapi import Request

from litterhub.services.hub import Hub

T = TypeVar("T")
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary())


def hub_of(request: Request) -> Hub:
    """The hub this app serves (for code that already holds the request)."""
    return request.app.state.hub


async def get_hub(request: Request) -> Hub:
    """The hub as a route dependency. Async on purpose: FastAPI runs a plain `def` dependency in a worker
    thread, and a thread hop per request (three with the rate limit and the caller) was most of a light
    read's cost under load (bench/load.py)."""
    return request.app.state.hub


def _limiter(slots: int) -> anyio.CapacityLimiter:
    """One limiter per event loop (a limiter belongs to the loop that made it; test clients start several).
    `slots`: password hashes computed at once (Settings.hash_slots, default 2: one per core of a small server;
    Argon2id's 64 MiB each bounds memory to 128 MiB)."""
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = anyio.CapacityLimiter(slots)
    return limiter


async def off_loop(request: Request, fn: Callable[..., T], *args, **kwargs) -> T:
    """Run `fn(*args, **kwargs)` (password hashing or verification) in a bounded worker thread."""
    limiter = _limiter(hub_of(request).settings.hash_slots)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)
