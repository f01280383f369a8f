"""Anonymous public reads answered from memory while the published catalog is unchanged.

The open faces (the /api/v1 catalogue reads, OGC API, CKAN, DCAT catalogue) answer everyone the same bytes
until something is published, retracted or re-scanned: a GeoJSON of every site costs a quarter of a second
to build and serialise, and a harvester or a dashboard asks for it over and over. This middleware keeps such
answers keyed by (path, query, Accept, Accept-Language, Origin) and the catalog fingerprint of
`services/result_cache.py`, checked on every request (see `_CatalogFingerprint`: on SQLite re-read when the
catalog file or its log changed, on PostgreSQL read in a worker thread), so a change made by any process is
seen by the next request.

Only what cannot differ between callers is kept: GET/HEAD without credentials (no Authorization, API key or
session cookie), on ALLOWED paths, answered 200 without Set-Cookie and at most MAX_ENTRY_BYTES long. HTML
pages are kept only on the read-only catalog views (home, datasets, sites, indicators, map) and only when they set
no cookie (a page with a form sets the CSRF cookie, so it is never kept); the page's CSP nonce is replaced by
the new response's nonce on every hit. The store is bounded by
MAX_TOTAL_BYTES, least recently used first out. A kept answer is gzipped once, on its first hit by a client
that accepts gzip (an indicator over the whole lake shrinks from ~6 MB to a few hundred KB).
"""

from __future__ import annotations

import gzip
import os
import re
import threading
from collections import OrderedDict
from typing import Any

from anyio import to_thread

from litterhub.http import limits
from litterhub.http.guards import ASGIApp, Message, Receive, Scope, Send, charge, send_problem
from litterhub.http.problems import Problem
from litterhub.services.result_cache import fingerprint, fingerprint_scan
from litterhub.store import catalog_watch

ALLOWED = re.compile(r"^/api/v1/(datasets|sites|events|indicators|registry/(records|search|map|types))(/|$)"
                     r"|^/api/v1/search$"  # the registry's search (registry edits are audited); not search/everywhere
                     r"|^/ogc(/|$)|^/api/3/action/|^/api/action/|^/catalog"
                     r"|^/$|^/datasets(/|$)|^/sites/|^/indicators$|^/map$")  # pages: read-only views of the catalog
HTML = b"text/html"
NEVER = re.compile(r"/rejected\.csv$|/download|\.parquet$")  # large downloads stream from disk already
CREDENTIALS = (b"authorization", b"x-api-key")
SESSION_COOKIE = b"litterhub_session"
# host: answers name their own URLs; cookie: the page language
VARY_HEADERS = (b"host", b"accept", b"accept-language", b"origin", b"cookie")
MAX_ENTRY_BYTES = 8 * 2**20  # an indicator over the whole lake is ~6 MB of JSON
MAX_TOTAL_BYTES = 64 * 2**20
GZIP_MIN_BYTES = 1024  # below this the header costs more than it saves
GZIP_LEVEL = 5  # compressed once per entry; level 5 gets ~all of level 9's ratio on JSON at a fraction of the time


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        # [status, headers, body, gzipped body or None, CSP nonce the body was rendered with]
        self.entries: OrderedDict[Any, list] = OrderedDict()
        self.size = 0

    def get(self, key: Any) -> list | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: Any, entry: list) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += len(entry[2])
            while self.size > MAX_TOTAL_BYTES and self.entries:
                _, old = self.entries.popitem(last=False)
                self.size -= len(old[2])


class _CatalogFingerprint:
    """The catalog fingerprint, re-read only when the catalog may have changed.

    On SQLite every commit, by any process, changes the catalog file or its write-ahead log (size, mtime,
    inode), so one `stat` of each (microseconds, on the event loop) says whether the fingerprint query
    (~0.2 ms, inline: a hop to a worker thread and back costs more under CPU contention) must run again.
    On PostgreSQL another process's commit leaves no local trace but a notification: while store/catalog_watch.py
    listens, its generation stands for the query; otherwise the query runs for every request, in a worker thread
    (a network round trip never runs on the loop)."""

    def __init__(self) -> None:
        self.files: tuple[Any, ...] | None = None
        self.value: Any = None

    @staticmethod
    def _files(path: str) -> tuple[Any, ...]:
        marks = []
        for name in (path, path + "-wal"):
            try:
                stat = os.stat(name)
                marks.append((stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
            except OSError:
                marks.append(None)
        return tuple(marks)

    async def current(self, hub: Any) -> Any:
        if hub.engine.dialect.name != "sqlite":
            watch = catalog_watch.watch_for(hub.engine)
            if watch is not None and watch.reliable:  # no round trip while notifications arrive
                return (("generation", watch.generation), fingerprint_scan(hub))
            return await to_thread.run_sync(fingerprint, hub)
        path = hub.engine.url.database
        files = self._files(path) if path and path != ":memory:" else None
        if files is None or files != self.files:
            self.value = fingerprint(hub)  # the duplicate scan's file is stat-ed inside, as before
            self.files = files
            return self.value
        return (self.value[0], fingerprint_scan(hub))


def _cacheable_request(scope: Scope) -> bool:
    if scope["method"] not in ("GET", "HEAD"):
        return False
    path = scope.get("path", "")
    if not ALLOWED.search(path) or NEVER.search(path):
        return False
    for name, value in scope.get("headers") or []:
        if name in CREDENTIALS or (name == b"cookie" and SESSION_COOKIE in value):
            return False
    return True


class ReadCache:
    """The middleware described in the module docstring."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.store = _Store()
        self.catalog = _CatalogFingerprint()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _cacheable_request(scope):
            await self.app(scope, receive, send)
            return
        hub = scope["app"].state.hub
        headers = dict(scope.get("headers") or [])
        key = (scope["method"], scope.get("scheme"), scope.get("root_path"), scope["path"],
               scope.get("query_string", b""),
               tuple(headers.get(h, b"") for h in VARY_HEADERS), await self.catalog.current(hub))
        hit = self.store.get(key)
        if hit is not None:
            if scope["path"].startswith("/api/v1/"):  # the router's rate limit, which a hit does not reach
                try:
                    charge(scope, "api", *limits.read_rate(hub.settings))
                except Problem as problem:
                    await send_problem(send, scope, problem)
                    return
            status, response_headers, body = hit[:3]
            html = dict(response_headers).get(b"content-type", b"").startswith(HTML)
            if html:  # the page was rendered with the nonce of its first response
                nonce = scope["state"]["csp_nonce"].encode()
                body = body.replace(b'nonce="' + hit[4] + b'"', b'nonce="' + nonce + b'"')
            elif len(body) >= GZIP_MIN_BYTES and b"gzip" in headers.get(b"accept-encoding", b""):
                if hit[3] is None:
                    hit[3] = await to_thread.run_sync(gzip.compress, body, GZIP_LEVEL)
                body = hit[3]
                response_headers = [(k, v) for k, v in response_headers if k.lower() != b"content-length"] + [
                    (b"content-encoding", b"gzip"), (b"content-length", str(len(body)).encode()),
                    (b"vary", b"Accept-Encoding")]
            await send({"type": "http.response.start", "status": status, "headers": list(response_headers)})
            await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
            return
        captured: dict[str, Any] = {"chunks": [], "size": 0, "keep": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers") or []}
                content_type = dict(message.get("headers") or []).get(b"content-type", b"")
                captured["keep"] = message["status"] == 200 and b"set-cookie" not in names and (
                    not content_type.startswith(HTML) or "csp_nonce" in scope.get("state", {}))
                # a copy: the middleware outside adds its own headers (CSP with this response's nonce) to `message`
                captured["start"] = {"status": message["status"], "headers": list(message.get("headers") or [])}
            elif message["type"] == "http.response.body" and captured["keep"]:
                captured["size"] += len(message.get("body", b""))
                if captured["size"] > MAX_ENTRY_BYTES:
                    captured["keep"] = False
                    captured["chunks"] = []
                else:
                    captured["chunks"].append(message.get("body", b""))
                if not message.get("more_body") and captured["keep"]:
                    start = captured["start"]
                    self.store.put(key, [start["status"], list(start.get("headers") or []),
                                         b"".join(captured["chunks"]), None,
                                         scope.get("state", {}).get("csp_nonce", "").encode()])
            await send(message)

        await self.app(scope, receive, capture)
