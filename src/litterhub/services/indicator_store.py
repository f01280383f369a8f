"""Indicator results computed once per (published dataset versions, parameters) and kept until a version changes.

Contract:
- The key of a result is its name, its parameters and `version_state(hub)`: the (dataset, current version)
  pairs, the retracted versions and the duplicate scan's result file. Versions are immutable, so a result stays
  right until a version is published or retracted or the scan is re-run; nothing else (an account, a registry
  edit) invalidates it, unlike services/result_cache.py, which follows every audited catalog write.
- Results live in memory (shared by the process's requests) and on disk under `<data>/cache/indicators/`
  (pickled, written atomically), so a restarted server or another worker answers at once too. Files of an
  older version state are deleted when a result of a newer one is written.
- Concurrent callers of one key wait for one computation (`get_or_compute`). A heavy first computation can
  run as a job instead (`start_job`): its page polls /api/v1/jobs/{id} and reloads when it is done. Given a
  `Recipe` (the computation by name, so another process can repeat it), the job computes in a child process
  of its own, which stores the result and exits: a whole-lake indicator needs a gigabyte or more while it
  computes (1.2 M survey totals over 10 M observations), which the serving process would keep as its
  high-water mark; the server then reads back only the stored result.

Results are shared and must be treated as read-only by callers.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select

from litterhub.errors import HubError
from litterhub.services import jobs
from litterhub.services.duplicates import result_stamp
from litterhub.services.hub import Hub
from litterhub.store import tables as t

T = TypeVar("T")
MAX_IN_MEMORY = 64  # parameter combinations kept per process; each a few MB at most
# A first computation over more events than this runs as a job with a progress page (a few seconds and up);
# below it the page waits for the answer (the demo computes in well under a second once the lake is warm).
HEAVY_EVENTS = 200_000

_lock = threading.Lock()
_memory: OrderedDict[tuple[str, str], object] = OrderedDict()
_inflight: dict[tuple[str, str], threading.Lock] = {}
_jobs: dict[tuple[str, str], str] = {}


def version_state(hub: Hub) -> str:
    """What results depend on: current dataset versions and the duplicate scan (a short digest)."""
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.datasets.c.id, t.datasets.c.current_version).order_by(t.datasets.c.id)).all()
        v = t.dataset_versions  # a retracted older version changes answers that named it (ID@VERSION)
        hidden = conn.execute(select(v.c.dataset_id, v.c.version).where(v.c.status != "published")
                              .order_by(v.c.dataset_id, v.c.version)).all()
    stamp = result_stamp(hub)
    scan = f"{stamp[0]}:{stamp[1]}" if stamp is not None else "-"
    text = ";".join(f"{d}@{n}" for d, n in rows) + "|" + ";".join(f"{d}@{n}" for d, n in hidden) + "|" + scan
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _digest(name: str, params: Hashable) -> str:
    return hashlib.sha256(repr((name, params)).encode()).hexdigest()[:24]


def _folder(hub: Hub) -> Path:
    return Path(hub.settings.data_dir) / "cache" / "indicators"


def _key(hub: Hub, name: str, params: Hashable, state: str | None = None) -> tuple[str, str]:
    return (str(hub.settings.data_dir), f"{state or version_state(hub)}-{_digest(name, params)}")


def lookup(hub: Hub, name: str, params: Hashable) -> Any | None:
    """The stored result for the current versions, or None when it has not been computed yet."""
    key = _key(hub, name, params)
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    path = _folder(hub) / f"{key[1]}.pickle"
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)  # noqa: S301 - our own files under the data directory
    except (OSError, EOFError, pickle.UnpicklingError):
        return None
    _remember(key, value)
    return value


def _remember(key: tuple[str, str], value: object) -> None:
    with _lock:
        _memory[key] = value
        while len(_memory) > MAX_IN_MEMORY:
            _memory.popitem(last=False)


def _store(hub: Hub, key: tuple[str, str], value: object) -> None:
    folder = _folder(hub)
    folder.mkdir(parents=True, exist_ok=True)
    state = key[1].split("-", 1)[0]
    for old in folder.glob("*.pickle"):  # results of older versions are never right again
        if not old.name.startswith(state + "-"):
            old.unlink(missing_ok=True)
    tmp = folder / f".{key[1]}.{os.getpid()}.{threading.get_ident()}.tmp"
    with tmp.open("wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(folder / f"{key[1]}.pickle")
    _remember(key, value)


def get_or_compute(hub: Hub, name: str, params: Hashable, compute: Callable[[], T]) -> T:
    """The stored result, or `compute()` once (other callers of the same key wait for it) and store it."""
    found = lookup(hub, name, params)
    if found is not None:
        return found  # type: ignore[return-value]
    key = _key(hub, name, params)
    with _lock:
        flight = _inflight.setdefault(key, threading.Lock())
    with flight:
        found = lookup(hub, name, params)
        if found is not None:
            return found  # type: ignore[return-value]
        try:
            value = compute()
            _store(hub, key, value)
        finally:
            with _lock:
                _inflight.pop(key, None)
    return value


def is_heavy(hub: Hub, datasets: list[str] | None) -> bool:
    """Whether a first computation over these datasets (default all) should run as a job."""
    from litterhub.services.lake_events import summary_count

    names = [d.split("@", 1)[0] for d in datasets or []]
    total = sum(summary_count(hub, d) for d in names) if names else summary_count(hub)
    return total > HEAVY_EVENTS


@dataclass(frozen=True)
class Recipe:
    """A computation another process can repeat: `function` ("package.module:name") called as
    function(hub, *args, **dict(kwargs)); everything in it must pickle."""

    function: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()

    def run(self, hub: Hub) -> object:
        module, _, attr = self.function.partition(":")
        return getattr(importlib.import_module(module), attr)(hub, *self.args, **dict(self.kwargs))


def _child_main(settings: Any, name: str, params: Hashable, recipe: Recipe, answer: Any) -> None:
    """In the child: open the hub, compute and store the result, say how it went, exit."""
    outcome: tuple[str, Any] = ("failed", "the computation ended without an answer")
    try:
        hub = Hub.open(settings=settings)
        try:
            get_or_compute(hub, name, params, lambda: recipe.run(hub))
            outcome = ("done", None)
        finally:
            hub.close()
    except HubError as exc:  # a refusal (incomparable classes, unknown dataset) is the job's answer
        outcome = ("refused", (exc.status, str(exc), exc.entries()))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which logs and fails the job
        outcome = ("failed", f"{type(exc).__name__}: {exc}")
    answer.send(outcome)
    answer.close()


def compute_in_child(hub: Hub, name: str, params: Hashable, recipe: Recipe) -> None:
    """Compute and store (name, params) in a fresh process and wait for it; raises what the child reported."""
    context = multiprocessing.get_context("spawn")  # not fork: the server's threads hold locks a fork would copy
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(hub.settings, name, params, recipe, send),
                            name=f"litterhub-{name}", daemon=True)
    child.start()
    send.close()
    try:
        status, detail = receive.recv()
    except EOFError:
        status, detail = "failed", f"the child process ended with status {child.join() or child.exitcode}"
    finally:
        receive.close()
        child.join()
    if status == "refused":
        raise jobs.JobError(*detail)
    if status != "done":
        raise RuntimeError(f"{name} computed in a child process failed: {detail}")


def start_job(hub: Hub, name: str, params: Hashable, compute: Callable[[], object], owner: str,
              max_active: int, recipe: Recipe | None = None) -> str:
    """A job computing and storing the result (one per key: a second caller gets the running job's id); with a
    `recipe`, in a child process (module docstring)."""
    key = _key(hub, name, params)
    with _lock:
        running = _jobs.get(key)
    if running is not None:
        try:
            if jobs.get(hub, running, None)["status"] in ("queued", "running"):
                return running
        except jobs.JobNotFound:
            pass
    job_id = jobs.create(hub, f"indicator:{name}"[:40], owner, max_active)
    with _lock:
        _jobs[key] = job_id

    def work(progress: jobs.Progress) -> dict[str, Any]:
        progress(0.05, "reading the published dataset versions")
        if recipe is None:
            get_or_compute(hub, name, params, compute)
        else:
            compute_in_child(hub, name, params, recipe)
            if lookup(hub, name, params) is None:  # a version published meanwhile: compute the new one here
                get_or_compute(hub, name, params, compute)
        return {"ready": True}

    threading.Thread(target=jobs.run, args=(hub, job_id, work), name=f"indicator-job-{job_id[:8]}",
                     daemon=True).start()
    return job_id


def clear_memory() -> None:
    """Forget in-memory results (tests; the files stay)."""
    with _lock:
        _memory.clear()
