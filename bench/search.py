"""Benchmark registry search latency (p50/p95) over N generated records (default 100 000).

Usage:
    .venv/bin/python bench/search.py [--records 100000] [--repeat 5] [--database-url URL] [--reuse DATA_DIR] [--analyze]

Records are generated from the words of the bundled seed content (English, French, Spanish, Russian,
Chinese and Arabic names and summaries), each with 1–3 countries, 1–3 topics, a type, a year and 1–2
languages, and written in bulk through the registry's own indexing functions (`registry.search.document`,
`facet_rows`, `index_terms`), so the index holds exactly what `index_record` would store (facet counts are kept
by the database's own triggers). Query latency is the wall time of `services.search.search(hub, q, filters,
limit=20)`: total (exact up to `RANK_LIMIT` matches, estimated above), facet counts, the page of results with
their summaries. Without --database-url a fresh SQLite file is used.

"ranked exact" says whether every match that could reach the page was scored (`registry.search` ranks in tiers:
the query's words in titles, their glossary equivalents in titles, then the text, each tier up to its limit).

Before timing, the benchmark prints the query plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL) of every
statement a query shape runs against the search tables, and fails if the full-text statement does not use its
index: FTS5's MATCH index on SQLite; on PostgreSQL the GIN index whenever the planner expects the words to be
selective (below 10 % of the records; for a word in half the records reading the table in order and stopping
at RANK_LIMIT matches is cheaper, and the plan must then show that Limit), and the title index for browsing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, insert

from litterhub.registry import search as rsearch
from litterhub.registry.entities import ENTITY_TYPES, TOPICS, parse_record
from litterhub.registry.text import tokens
from litterhub.services import search as search_svc
from litterhub.services.hub import Hub
from litterhub.services.registry import SEED_DIR
from litterhub.store import registry_tables as rt

COUNTRIES = ["KEN", "FRA", "USA", "CHN", "BRA", "IND", "IDN", "PHL", "VNM", "NGA", "EGY", "MAR", "CHL", "PER",
             "GBR", "DEU", "ESP", "ITA", "GRC", "TUR", "RUS", "JPN", "KOR", "AUS", "ZAF", "SEN", "GHA", "MEX"]
QUERIES = [
    ("common word", "plastic", {}),
    ("two words", "beach litter", {}),
    ("three words", "marine litter monitoring", {}),
    ("rare word", "hexabromocyclododecane", {}),
    ("typo", "microplastiks", {}),
    ("prefix", "monit", {}),
    ("chinese", "海洋垃圾", {}),
    ("arabic", "القمامة البحرية", {}),
    ("french", "déchets marins", {}),
    ("chinese, additives", "添加剂", {}),
    ("russian", "морской мусор", {}),
    ("word + type facet", "plastic", {"type": ["policy"]}),
    ("word + country + topic", "litter", {"country": ["KEN"], "topic": ["monitoring"]}),
    ("browse, no query", "", {}),
    ("browse + 2 facets", "", {"type": ["guideline"], "year": ["2019"]}),
]


def seed_words() -> dict[str, list[str]]:
    words: dict[str, list[str]] = {"latin": [], "zh": [], "ar": [], "ru": []}
    for path in sorted(SEED_DIR.glob("*.json")):
        for rec in json.loads(path.read_text(encoding="utf-8"))["records"]:
            texts = [rec.get("title", ""), rec.get("summary", "")] + list(rec.get("names", {}).values())
            for text in texts:
                for w in text.split():
                    if any("\u4e00" <= ch <= "\u9fff" for ch in w):
                        words["zh"].append(w)
                    elif any("\u0600" <= ch <= "\u06ff" for ch in w):
                        words["ar"].append(w)
                    elif any("\u0400" <= ch <= "\u04ff" for ch in w):
                        words["ru"].append(w)
                    elif w.isalpha():
                        words["latin"].append(w)
    return words


# The types generated and the fields each one requires (types added later are left out rather than guessed at).
REQUIRED: dict[str, dict] = {
    "actor": {"kind": "ngo"}, "initiative": {"kind": "project"}, "report": {"kind": "assessment"},
    "policy": {"kind": "ban", "status": "in-force"}, "financing": {"kind": "grant"},
    "region": {"kind": "marine-region"}, "guideline": {}, "industry_initiative": {}, "additive": {},
    "capacity_need": {}, "capacity_offer": {}}
BENCH_TYPES = [t for t in REQUIRED if t in ENTITY_TYPES]


def make_record(i: int, rng: random.Random, words: dict[str, list[str]]) -> dict:
    kind = rng.choice(["latin"] * 6 + ["zh", "ar", "ru"])
    pool = words[kind] or words["latin"]
    title = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 8)))
    summary = " ".join(rng.choice(words["latin"]) for _ in range(rng.randint(15, 40)))
    type_name = rng.choice(BENCH_TYPES)
    base = {"id": f"bench-{i:07d}", "type": type_name, "title": title[:290] or f"record {i}", "summary": summary,
            "year": rng.randint(1990, 2025), "countries": rng.sample(COUNTRIES, rng.randint(1, 3)),
            "topics": rng.sample(TOPICS, rng.randint(1, 3)),
            "languages": rng.sample(["en", "fr", "es", "ar", "ru", "zh"], rng.randint(1, 2)),
            "sources": [f"https://example.org/bench/{i}"]}
    base.update(REQUIRED[type_name])
    return base


def load(hub: Hub, n: int, seed: int = 1) -> float:
    rng = random.Random(seed)
    words = seed_words()
    now = datetime.now(UTC)
    start = time.perf_counter()
    batch = 2000
    for lo in range(0, n, batch):
        recs, revs, docs, facets, terms = [], [], [], [], set()
        for i in range(lo, min(n, lo + batch)):
            record = parse_record(make_record(i, rng, words))
            data = record.model_dump(mode="json", exclude_none=True)
            recs.append({"id": record.id, "type": record.type, "title": record.title, "status": "published",
                         "latest_revision": 1, "published_revision": 1, "year": record.year, "created_by": "bench",
                         "created_at": now, "updated_at": now})
            revs.append({"record_id": record.id, "revision": 1, "data": data, "status": "published",
                         "author": "bench", "created_at": now})
            title, body = rsearch.document(record)
            docs.append({"record_id": record.id, "title": title, "body": body})
            facets += [{"record_id": record.id, "facet": f, "value": v} for f, v in rsearch.facet_rows(record)]
            terms.update(rsearch.index_terms(record))
        with hub.engine.begin() as conn:
            conn.execute(insert(rt.registry_records), recs)
            conn.execute(insert(rt.registry_revisions), revs)
            conn.execute(insert(rt.registry_search), docs)
            conn.execute(insert(rt.registry_facets), facets)
            rsearch._insert_ignore(conn, rt.registry_terms, [{"term": t} for t in sorted(terms)])
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    f, c = int(k), min(int(k) + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


SEARCH_TABLES = ("registry_fts", "registry_search", "registry_records", "registry_terms", "registry_facet_counts")


@contextlib.contextmanager
def captured(engine):
    """The (statement, parameters) the block sends to the database, for EXPLAIN."""
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001 - event signature
        if not statement.lstrip().upper().startswith("EXPLAIN"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def plan_lines(hub: Hub, statement: str, parameters, analyze: bool = False) -> list[str]:
    with hub.engine.connect() as conn:
        if hub.engine.dialect.name == "postgresql":
            explain = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
            rows = conn.exec_driver_sql(explain + statement, parameters).all()
            return [r[0] for r in rows]
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [r[-1] for r in rows]


def _parent(lines: list[str], i: int) -> str:
    """The plan node printed just above line `i` (skipping its Buffers/Filter detail lines)."""
    above = [x for x in lines[:i] if "(cost=" in x]
    return above[-1].strip().removeprefix("->").strip() if above else ""


def check_plan(dialect: str, statement: str, lines: list[str], records: int) -> str | None:
    """Why the plan of a full-text or browse statement is not acceptable, or None."""
    plan = "\n".join(lines)
    if "MATCH" in statement and dialect == "sqlite":
        return None if "VIRTUAL TABLE INDEX" in plan and ":M" in plan else "FTS5 MATCH index not used"
    if "@@" in statement and dialect == "postgresql":
        if "ix_registry_search_tsv" in plan:
            return None
        # the scan answering `@@` (not the min/max doc-id look-ups of the candidates statement), and whether it
        # sits right under a Limit
        scans = [i for i, x in enumerate(lines) if "Scan on registry_search" in x and "rows=" in x]
        expected = max((float(lines[i].split("rows=")[1].split()[0]) for i in scans), default=0.0)
        limited = any(_parent(lines, i).startswith("Limit") for i in scans)
        if expected >= 0.1 * records and limited:
            return None  # a word in >= 10 % of the records: reading in order and stopping early is cheaper
        return f"GIN index ix_registry_search_tsv not used (planner expects {expected:.0f} matches)"
    if "ORDER BY title" in statement:
        return None if "ix_registry_records_title" in plan else "title index not used for browsing"
    return None


def _server_ms(lines: list[str]) -> float:
    return sum(float(x.split(":")[1].split()[0]) for x in lines if x.startswith(("Planning Time", "Execution Time")))


def explain_shapes(hub: Hub, records: int, analyze: bool = False) -> None:
    """Print (and check) the plan of every statement each query shape sends to the search tables. With `analyze`
    on PostgreSQL the statements run under EXPLAIN (ANALYZE, BUFFERS): each line then ends with the server's
    planning + execution time, and the shape with their sum (the server's share of the search, one run)."""
    dialect = hub.engine.dialect.name
    analyze = analyze and dialect == "postgresql"
    failures, jit = [], []
    for label, q, filters in QUERIES:
        with captured(hub.engine) as seen:
            search_svc.search(hub, q, filters)
        print(f"\n#### plan: {label}: `{q}` {filters or ''}\n")
        server = 0.0
        for statement, parameters in seen:
            if not any(t in statement for t in SEARCH_TABLES) or "registry_revisions" in statement:
                continue
            lines = plan_lines(hub, statement, parameters, analyze)
            problem = check_plan(dialect, statement, lines, records)
            ms = _server_ms(lines)
            server += ms
            print("    " + " ".join(statement.split())[:160] + (f"  [{ms:.2f} ms]" if analyze else ""))
            print("\n".join("      " + line for line in lines))
            jit += [label] if any(line.lstrip().startswith("JIT:") for line in lines) else []
            if problem:
                failures.append(f"{label}: {problem}")
                print(f"      !! {problem}")
        if analyze:
            print(f"    server (EXPLAIN ANALYZE, planning + execution of the statements above): {server:.1f} ms")
    if analyze:
        print(f"\nJIT used by: {', '.join(sorted(set(jit))) or 'no statement'}")
    if failures:
        raise SystemExit("query plans without their index:\n" + "\n".join(failures))


def server_settings(hub: Hub) -> str:
    if hub.engine.dialect.name != "postgresql":
        return ""
    with hub.engine.connect() as conn:
        values = [f"{name}={conn.exec_driver_sql(f'SHOW {name}').scalar()}"  # noqa: S608 - fixed names
                  for name in ("server_version", "shared_buffers", "work_mem", "jit", "jit_above_cost")]
    return "server: " + ", ".join(values)


class Schedstat:
    """Where a search's wall time went: the CPU time of this process and of the PostgreSQL backends serving it, and
    the time either spent runnable but waiting for a core (other processes' load), from /proc/<pid>/schedstat
    (nanoseconds: run time, run-queue wait). The backends are those of the benchmark's database, so the server
    must run on this machine (it does when started as the docs say); else only the client columns are filled."""

    def __init__(self, hub: Hub):
        self.hub = hub
        self.postgres = hub.engine.dialect.name == "postgresql"

    def _pids(self) -> list[int]:
        if not self.postgres:
            return []
        with self.hub.engine.connect() as conn:
            return list(conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend'").scalars())  # this one too: the pool lends it to the search

    @staticmethod
    def _stat(pid: int | str) -> tuple[int, int]:
        try:
            run, wait = Path(f"/proc/{pid}/schedstat").read_text().split()[:2]
            return int(run), int(wait)
        except (OSError, ValueError):
            return 0, 0

    def read(self) -> tuple[float, int, dict[int, tuple[int, int]]]:
        if not hasattr(self, "pids"):
            self.pids = self._pids()  # the pool's connections, found once (after the warm-up searches)
        # the client's own CPU from process_time: a running task's schedstat run time is only brought up to date
        # at scheduler ticks (4 ms here), which a search that never blocks (SQLite) does not reach
        return time.process_time(), self._stat("self")[1], {pid: self._stat(pid) for pid in self.pids}

    def since(self, before) -> tuple[float, float, float]:
        """(client CPU, server CPU, waiting for a core) in ms since `before` (a `read()`)."""
        client_cpu, client_wait, servers = self.read()
        cpu0, wait0, servers0 = before
        server_run = sum(servers[p][0] - servers0[p][0] for p in servers if p in servers0)
        server_wait = sum(servers[p][1] - servers0[p][1] for p in servers if p in servers0)
        return (client_cpu - cpu0) * 1000, server_run / 1e6, (client_wait - wait0 + server_wait) / 1e6

    def show(self, column: str, values: list[float]) -> str:
        if column == "server CPU" and not self.postgres:
            return "–"
        return f"{statistics.median(values):.1f}" if values else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reuse", type=Path, default=None,
                        help="the data directory of an earlier run (printed at its start): time again, no load")
    parser.add_argument("--analyze", action="store_true",
                        help="PostgreSQL: run every statement of each shape under EXPLAIN (ANALYZE, BUFFERS) and print "
                             "the server's time per statement and per shape")
    args = parser.parse_args()
    data = args.reuse or Path(tempfile.mkdtemp(prefix="lh-bench-search-")) / "data"
    hub = Hub.open(data, database_url=args.database_url)
    dialect = hub.engine.dialect.name
    print(f"# registry search benchmark: {args.records} records on {dialect} (data directory {data})")
    print(f"python {sys.version.split()[0]}, {platform.platform()}, {platform.processor() or platform.machine()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    if settings := server_settings(hub):
        print(settings)
    if args.reuse is None:
        print(f"load (bulk insert + index): {load(hub, args.records):.1f} s")
    if dialect == "postgresql" and args.reuse is None:  # what autovacuum does after a bulk load
        with hub.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    explain_shapes(hub, args.records, args.analyze)
    print(f"\nload average before timing: {os.getloadavg()[0]:.2f}")
    clock = Schedstat(hub)
    all_ms: list[float] = []
    columns = ("client CPU", "server CPU", "waiting for a core")
    shares: dict[str, list[float]] = {c: [] for c in columns}
    print("\n| query | matches | ranked exact | p50 ms | p95 ms | " + " | ".join(f"{c} p50 ms" for c in columns) + " |")
    print("|---|---:|---|---:|---:|" + "---:|" * len(columns))
    for label, q, filters in QUERIES:
        search_svc.search(hub, q, filters)  # warm the cache for this query shape
        times: list[float] = []
        runs: dict[str, list[float]] = {c: [] for c in columns}
        for _ in range(args.repeat):
            before, t0 = clock.read(), time.perf_counter()
            result = search_svc.search(hub, q, filters)
            times.append((time.perf_counter() - t0) * 1000)
            for column, value in zip(columns, clock.since(before), strict=True):
                runs[column].append(value)
        all_ms += times
        for c in columns:
            shares[c] += runs[c]
        total = f"{result['total']}" if result["total_exact"] else f"≈{result['total']}"
        print(f"| {label}: `{q}` {filters or ''} | {total} | {'yes' if result['ranked_exact'] else 'no'} | "
              f"{statistics.median(times):.1f} | {percentile(times, 0.95):.1f} | "
              + " | ".join(clock.show(c, runs[c]) for c in columns) + " |")
    print(f"| **all queries** | | | **{percentile(all_ms, 0.5):.1f}** | **{percentile(all_ms, 0.95):.1f}** | "
          + " | ".join(clock.show(c, shares[c]) for c in columns) + " |")
    print("(client CPU: this process; server CPU: the PostgreSQL backends serving it; waiting for a core: both "
          "ready to run but queued behind other processes; from /proc/<pid>/schedstat)")
    print(f"(≈: estimated total, facet counts cover the first {rsearch.RANK_LIMIT} matches; ranking: title tiers "
          f"score up to {rsearch.TITLE_RANK_LIMIT} matches, the text tier up to {rsearch.BODY_RANK_LIMIT})")
    print(f"tokens of a Chinese query: {tokens('海洋垃圾')}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    hub.close()


if __name__ == "__main__":
    main()
