"""The reference deployment under load (issue 21, item 2): nginx in front of two `litterhub serve` processes on
one PostgreSQL catalog and one data directory, built with deploy/nginx_conf.py as deploy/run-local.sh does.

- A write rate limit configured low holds across both workers: the callers' requests are spread over both
  processes by nginx, and exactly the limit is admitted (per-process counters would admit twice that).
- Concurrent reads through nginx for ~12 s while one worker is killed with SIGKILL: every request gets an
  answer, and nginx re-sends the idempotent requests that the dead worker dropped to the other one, so none
  is lost (a failure is tolerated only for a request in flight at the moment of the kill).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
LITTERHUB = Path(sys.executable).with_name("litterhub")
WRITE_LIMIT = 20
WRITE_WINDOW_S = 600
READ_PATHS = ["/api/v1/health", "/api/v1/datasets", "/", "/datasets", "/ogc/collections", "/catalog",
              "/api/v1/sites?limit=20"]
LOAD_SECONDS = 12.0
KILL_AFTER_S = 4.0
CONCURRENCY = 8


def _run(coroutine):
    """asyncio.run in a thread of its own: Playwright's sync API (the session-wide browser of other test files in the
    same worker) keeps an event loop running in the main thread, where asyncio.run refuses to start."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def cluster(cluster_db_url, tmp_path_factory):
    """(base URL of nginx, {worker address: process}) with both workers answering."""
    if shutil.which("nginx") is None:
        pytest.skip("nginx not found (apt-get install nginx-light)")
    root = tmp_path_factory.mktemp("cluster")
    env = {**os.environ, "LITTERHUB_DATA": str(root / "data"), "LITTERHUB_DATABASE_URL": cluster_db_url,
           "LITTERHUB_TRUSTED_PROXIES": "127.0.0.1", "LITTERHUB_SECRET_KEY": secrets.token_hex(32),
           "LITTERHUB_API_RATE": "1000000/60",
           "LITTERHUB_WRITE_RATE": f"{WRITE_LIMIT}/{WRITE_WINDOW_S}"}
    subprocess.run([str(LITTERHUB), "init"], env=env, check=True, capture_output=True, timeout=120)
    workers: dict[str, subprocess.Popen] = {}
    logs: dict[str, Path] = {}
    try:
        for _ in range(2):
            address = f"127.0.0.1:{_free_port()}"
            logs[address] = root / f"worker-{address.rsplit(':', 1)[1]}.log"
            workers[address] = subprocess.Popen(
                [str(LITTERHUB), "serve", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1]],
                env=env, stdout=logs[address].open("w"), stderr=subprocess.STDOUT)
        for address, proc in workers.items():
            _wait_http(f"http://{address}/api/v1/health", proc, logs[address])
        prefix = root / "nginx"
        listen = f"127.0.0.1:{_free_port()}"
        args = [sys.executable, str(REPO / "deploy" / "nginx_conf.py"), "--listen", listen, "--prefix", str(prefix),
                "--show-upstream"] + [a for address in workers for a in ("--upstream", address)]
        prefix.mkdir()
        (prefix / "nginx.conf").write_text(subprocess.run(args, env=env, check=True, capture_output=True,
                                                          text=True).stdout)
        nginx_log = prefix / "nginx.out"
        nginx = subprocess.Popen(["nginx", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c",
                                  str(prefix / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=nginx_log.open("w"), stderr=subprocess.STDOUT)
        try:
            _wait_http(f"http://{listen}/nginx-health", nginx, nginx_log)
            yield f"http://{listen}", workers
        finally:
            nginx.terminate()
            nginx.wait(10)
    finally:
        for proc in workers.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in workers.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _upstreams(response: httpx.Response) -> list[str]:
    """The workers nginx tried for this request, in order (more than one when it re-sent it)."""
    return [u.strip() for u in response.headers.get("x-upstream", "").split(",") if u.strip()]


def test_the_write_limit_holds_across_both_workers(cluster):
    base, workers = cluster
    async def drive() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            sem = asyncio.Semaphore(6)

            async def post(i: int) -> httpx.Response:
                async with sem:  # a sign-in form post without its CSRF token: charged before anything else
                    return await client.post("/login", data={"email": f"x{i}@example.org", "password": "x"})

            return await asyncio.gather(*(post(i) for i in range(3 * WRITE_LIMIT)))

    responses = _run(drive())
    admitted = [r for r in responses if r.status_code != 429]
    refused = [r for r in responses if r.status_code == 429]
    assert len(admitted) == WRITE_LIMIT, sorted({r.status_code for r in responses})
    assert all(r.status_code < 500 for r in admitted), [r.status_code for r in admitted]
    assert all(r.headers.get("retry-after") for r in refused)
    # both processes counted towards the one budget: each admitted some and refused some
    served_admitted = {_upstreams(r)[-1] for r in admitted}
    served_refused = {_upstreams(r)[-1] for r in refused}
    assert served_admitted == set(workers) == served_refused


def test_no_request_is_lost_when_a_worker_is_killed(cluster):
    base, workers = cluster
    victim_address, victim = next(iter(workers.items()))
    survivor = next(a for a in workers if a != victim_address)
    results: list[tuple[float, float, int | None, list[str], str]] = []  # start, end, status, upstreams, error

    async def drive() -> float:
        start = time.monotonic()
        killed_at = 0.0

        async def reader(n: int) -> None:
            i = n
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                while time.monotonic() - start < LOAD_SECONDS:
                    path = READ_PATHS[i % len(READ_PATHS)]
                    i += 1
                    t0 = time.monotonic()
                    try:
                        r = await client.get(path)
                        results.append((t0, time.monotonic(), r.status_code, _upstreams(r), ""))
                    except httpx.HTTPError as exc:
                        results.append((t0, time.monotonic(), None, [], repr(exc)))

        async def killer() -> None:
            nonlocal killed_at
            await asyncio.sleep(KILL_AFTER_S)
            victim.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()

        await asyncio.gather(killer(), *(reader(n) for n in range(CONCURRENCY)))
        return killed_at

    killed_at = _run(drive())
    assert victim.wait(5) == -signal.SIGKILL
    assert len(results) >= 150, f"only {len(results)} requests in {LOAD_SECONDS} s"
    failed = [r for r in results if r[2] is None or r[2] >= 300]
    in_flight = [r for r in failed if r[0] <= killed_at <= r[1]]
    assert failed == in_flight, failed[:5]  # nothing lost but what the dead worker held at the kill...
    assert len(failed) <= CONCURRENCY
    assert not failed, failed  # ...and nginx re-sent even those (idempotent GETs: proxy_next_upstream)
    before = [r for r in results if r[1] < killed_at]
    after = [r for r in results if r[0] > killed_at + 0.5]
    assert {r[3][-1] for r in before} == set(workers)  # both workers served before the kill
    assert after and {r[3][-1] for r in after} == {survivor}  # only the survivor answers after it
    assert len(after) >= 50
