"""store/duck.py: one DuckDB database per process, and names made on one caller's connection stay its own.

Every lake reader used to open its own database; now they share one, so a view created in the shared catalog
(`relation.create_view`) would collide between concurrent requests ("Catalog write-write conflict"). Readers
register their relations on their own connection instead; these tests hold both halves of that contract."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from litterhub.services import datasets
from litterhub.store import duck

SRC = Path(__file__).resolve().parents[2] / "src" / "litterhub"


def test_a_registered_name_is_invisible_to_another_connection():
    first, second = duck.connect(), duck.connect()
    first.register("mine", first.sql("SELECT 1 AS x"))
    assert first.sql("SELECT x FROM mine").fetchall() == [(1,)]
    assert not second.sql("SELECT count(*) FROM duckdb_views() WHERE view_name = 'mine'").fetchall()[0][0]


def test_no_reader_creates_views_in_the_shared_catalog():
    offenders = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
                 if re.search(r"\.create_view\(|CREATE (OR REPLACE )?VIEW", path.read_text())]
    assert offenders == []


def test_concurrent_event_pages_do_not_collide(demo_hub):
    """Event pages read the lake through views on their own connections: many at once all succeed alike."""
    def page(_: int) -> list[str]:
        return [event["event_id"] for event in datasets.list_events(demo_hub, limit=50).items]

    with ThreadPoolExecutor(max_workers=6) as pool:
        pages = list(pool.map(page, range(24)))
    assert pages[0] and all(p == pages[0] for p in pages)
