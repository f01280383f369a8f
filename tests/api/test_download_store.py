"""Version downloads are produced once and then served as stored files (services/download_store.py): the same bytes
as the streamed export, one production however many callers, nothing visible after a failed write, Range and 304,
the size bound, and a retracted version never served."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from litterhub.app import create_app
from litterhub.services import auth, review
from litterhub.services import downloads as dl
from litterhub.services.download_store import IN_USE_SECONDS, TEMP_MAX_AGE, DownloadStore, Key
from litterhub.services.hub import Hub
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

BASE = "http://testserver"
URL = "/api/v1/datasets/{}/versions/{}/download.{}"
MAINE, MLW = "mdmap-maine", "mlw-sample"
ORIGINAL_WRITE = DownloadStore._write


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("download-store")
    h = Hub.open(tmp / "data")
    assert ingest_file(h, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", MAINE).version == 1
    assert ingest_file(h, DEMO_DIR / "mlw-sample.csv", "mlw", MLW).version == 1
    lines = (DEMO_DIR / "mlw-sample.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp / "fewer.csv").write_text("".join(lines[:-5]), encoding="utf-8")  # a second version, to retract
    assert ingest_file(h, tmp / "fewer.csv", "mlw", MLW).version == 2
    yield h
    h.close()


@pytest.fixture(scope="module")
def client(hub):
    with TestClient(create_app(hub)) as c:
        yield c


@pytest.fixture()
def productions(monkeypatch):
    """Counts the files written into the store (every production, whichever caller asked)."""
    made: list[str] = []
    original = DownloadStore._write

    def counting(path, write):
        made.append(path.name)
        return original(path, write)

    monkeypatch.setattr(DownloadStore, "_write", staticmethod(counting))
    return made


def _streamed(hub: Hub, dataset_id: str, version: int, fmt: str, table: str = "events") -> bytes:
    return b"".join(dl.version_download(hub, BASE, dataset_id, version, fmt, table).chunks)


def _stored_files(hub: Hub) -> list[str]:
    return sorted(p.name for p, _ in dl.download_store(hub).files())


@pytest.mark.parametrize("dataset_id,fmt,table", [(MAINE, "csv", "events"), (MLW, "csv", "observations"),
                                                   (MAINE, "geojson", "events"), (MLW, "parquet", "events"),
                                                   (MAINE, "zip", "events")])
def test_the_stored_file_is_byte_identical_to_the_streamed_export(client, hub, productions, dataset_id, fmt, table):
    url = URL.format(dataset_id, 1, fmt) + (f"?table={table}" if table != "events" else "")
    first = client.get(url)
    assert first.status_code == 200 and first.content
    assert first.content == _streamed(hub, dataset_id, 1, fmt, table)
    assert first.headers["content-length"] == str(len(first.content))
    assert first.headers["content-type"].startswith(dl.FORMATS[fmt][1])
    suffix = f"-{table}" if table != "events" else ""
    assert first.headers["content-disposition"] == f'attachment; filename="{dataset_id}-v1{suffix}.{fmt}"'
    again = client.get(url)
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert len(productions) == 1  # the second answer came from the stored file


def test_the_data_package_is_the_same_bytes_whenever_it_is_made(hub):
    one, two = _streamed(hub, MAINE, 1, "zip"), _streamed(hub, MAINE, 1, "zip")
    assert one == two  # members are dated when the version was published, not when the zip was written
    names = zipfile.ZipFile(io.BytesIO(one)).namelist()
    assert names == ["data/events.csv", "schemas/events.json", "data/observations.csv",
                     "schemas/observations.json", "LICENSE.md", "datapackage.json"]


def test_the_package_depends_on_the_base_url_so_it_is_part_of_the_key(client, hub, productions):
    here = client.get(URL.format(MAINE, 1, "zip"))
    there = client.get(URL.format(MAINE, 1, "zip"), headers={"host": "hub.example.org"})
    assert here.status_code == there.status_code == 200
    assert b"http://hub.example.org" in zipfile.ZipFile(io.BytesIO(there.content)).read("datapackage.json")
    assert b"http://hub.example.org" not in zipfile.ZipFile(io.BytesIO(here.content)).read("datapackage.json")
    assert there.content == b"".join(dl.version_download(hub, "http://hub.example.org", MAINE, 1, "zip").chunks)


def test_concurrent_cold_requests_produce_once(client, hub, productions, monkeypatch):
    callers = 12
    arrived = threading.Semaphore(0)
    original = dl.stored_version

    def counted(*args, **kwargs):
        item = original(*args, **kwargs)
        arrived.release()
        return item

    def slow_write(path, write):  # hold the production until every caller has looked the file up and missed it
        productions.append(path.name)
        for _ in range(callers):
            assert arrived.acquire(timeout=30)
        return ORIGINAL_WRITE(path, write)

    monkeypatch.setattr(dl, "stored_version", counted)
    monkeypatch.setattr(DownloadStore, "_write", staticmethod(slow_write))
    url = URL.format(MLW, 1, "geojson")
    with ThreadPoolExecutor(callers) as pool:
        answers = list(pool.map(lambda _: client.get(url), range(callers)))
    assert [a.status_code for a in answers] == [200] * callers
    assert len({a.content for a in answers}) == 1 and answers[0].content == _streamed(hub, MLW, 1, "geojson")
    assert len(productions) == 1


def test_threads_of_one_process_share_one_production(hub, productions):
    item = dl.stored_version(hub, BASE, MAINE, 1, "csv", "observations")
    assert item.found is None
    with ThreadPoolExecutor(6) as pool:
        stats = list(pool.map(lambda _: dl.produce_stored(hub, item), range(6)))
    assert len(productions) == 1 and len({(s.st_ino, s.st_mtime_ns) for s in stats}) == 1


def test_a_failed_write_leaves_nothing_and_the_next_request_succeeds(client, hub, productions):
    item = dl.stored_version(hub, BASE, MLW, 1, "csv")
    assert item.found is None

    def broken(fh):
        fh.write(b"event_id,half a row")
        raise OSError("disk gone")

    item.write = broken
    with pytest.raises(OSError, match="disk gone"):
        dl.produce_stored(hub, item)
    assert not item.path.exists()
    assert [p.name for p in item.path.parent.iterdir() if p.name.endswith(".tmp")] == []
    answer = client.get(URL.format(MLW, 1, "csv"))
    assert answer.status_code == 200 and answer.content == _streamed(hub, MLW, 1, "csv")
    assert item.path.read_bytes() == answer.content


def test_range_and_conditional_requests(client):
    url = URL.format(MLW, 1, "parquet")
    whole = client.get(url)
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["cache-control"] == "no-cache"
    part = client.get(url, headers={"range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == whole.content[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(whole.content)}"
    rest = client.get(url, headers={"range": "bytes=1100-", "if-range": whole.headers["etag"]})
    assert rest.status_code == 206 and whole.content[:1100] + rest.content == whole.content
    changed = client.get(url, headers={"range": "bytes=1100-", "if-range": '"another"'})
    assert changed.status_code == 200 and changed.content == whole.content
    same = client.get(url, headers={"if-none-match": whole.headers["etag"]})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == whole.headers["etag"]
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200
    since = client.get(url, headers={"if-modified-since": whole.headers["last-modified"]})
    assert since.status_code == 304


def test_a_retracted_version_is_refused_and_its_files_deleted(client, hub):
    url = URL.format(MLW, 2, "csv")
    assert client.get(url).status_code == 200
    folder = dl.download_store(hub).version_dir(MLW, 2)
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")]
    reviewer = auth.create_user(hub, "reviewer@example.org", None, role="reviewer")
    review.retract_version(hub, auth.principal_for_session(hub, reviewer.id), MLW, 2, "counted twice")
    for fmt in ("csv", "geojson", "parquet", "zip"):
        answer = client.get(URL.format(MLW, 2, fmt))
        assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    assert not folder.exists()
    assert client.get(URL.format(MLW, 1, "csv")).status_code == 200  # the published version still is


def test_the_size_bound_removes_the_least_recently_used_first(tmp_path):
    store = DownloadStore(tmp_path, max_bytes=2500)
    keys = [Key("d", 1, f"csv-t{i}", "v", "csv") for i in range(3)]
    old = time.time() - 2 * IN_USE_SECONDS
    for i, key in enumerate(keys[:2]):
        store.produce(key, lambda fh: fh.write(b"x" * 1000))
        os.utime(store.path(key), (old + i, old))  # used long ago: key 0 before key 1
    stale = store.path(keys[0]).with_name(".crashed.1.2.tmp")
    stale.write_bytes(b"partial")
    os.utime(stale, (time.time() - TEMP_MAX_AGE - 1,) * 2)
    store.produce(keys[2], lambda fh: fh.write(b"y" * 1000))  # 3000 bytes > 2500: the oldest goes
    assert [p.name for p, _ in store.files()] == [keys[1].filename, keys[2].filename]
    assert not stale.exists()
    assert store.lookup(keys[0]) is None and store.lookup(keys[1]) is not None
    assert store.usage() == (2, 2000)


def test_files_in_use_are_kept_over_the_bound(tmp_path):
    store = DownloadStore(tmp_path, max_bytes=500)
    first, second = Key("d", 1, "a", "v", "csv"), Key("d", 1, "b", "v", "csv")
    store.produce(first, lambda fh: fh.write(b"x" * 400))
    store.produce(second, lambda fh: fh.write(b"y" * 400))
    assert store.usage() == (2, 800)  # the first was used a moment ago: a request may be about to open it
    assert store.evict(now=time.time() + IN_USE_SECONDS + 1) == [store.path(first)]


def test_store_settings_stream_when_zero(client, hub, configure, productions):
    configure(hub, download_store_mb=0)
    answer = client.get(URL.format(MAINE, 1, "geojson"))
    assert answer.status_code == 200 and answer.content == _streamed(hub, MAINE, 1, "geojson")
    assert productions == [] and "etag" not in answer.headers


def test_cli_warms_shows_and_clears_the_store(client, hub):
    from typer.testing import CliRunner

    from litterhub.cli import app

    runner = CliRunner()
    data = ["--data-dir", str(hub.settings.data_dir)]
    warmed = runner.invoke(app, ["downloads", "warm", "--dataset", MAINE, "--base-url", BASE, "--json", *data])
    assert warmed.exit_code == 0, warmed.output
    made = json.loads(warmed.output)["files"]
    assert sorted((m["format"], m["table"]) for m in made) == [("csv", "events"), ("csv", "observations"),
                                                               ("geojson", "events"), ("parquet", "events"),
                                                               ("zip", "events")]
    assert all(m["dataset_id"] == MAINE and m["version"] == 1 and m["bytes"] > 0 for m in made)
    zipped = next(m for m in made if m["format"] == "zip")
    assert client.get(URL.format(MAINE, 1, "zip")).content == Path(zipped["path"]).read_bytes()
    status = json.loads(runner.invoke(app, ["downloads", "status", "--json", *data]).output)
    assert status["files"] == len(_stored_files(hub)) >= 5
    cleared = runner.invoke(app, ["downloads", "clear", "--json", *data])
    assert cleared.exit_code == 0 and json.loads(cleared.output)["files"] == status["files"]
    assert _stored_files(hub) == []
    assert client.get(URL.format(MAINE, 1, "csv")).content == _streamed(hub, MAINE, 1, "csv")


def _produce_in_child(root, key, log, pause):
    """A forked process (a second server worker) producing `key`; each production appends a line to `log`."""
    def write(fh):
        with open(log, "a") as out:
            out.write(f"{os.getpid()}\n")
        time.sleep(pause)  # long enough for the other process to arrive and wait
        fh.write(b"made once\n")
    DownloadStore(root, 1 << 20).produce(key, write)


def test_two_processes_racing_make_one_file(tmp_path):
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    key, log = Key("d", 1, "csv-events", "v", "csv"), tmp_path / "productions.log"
    workers = [fork.Process(target=_produce_in_child, args=(tmp_path / "store", key, log, 0.5)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(log.read_text().splitlines()) == 1  # the second process waited on the flock and found the file
    assert DownloadStore(tmp_path / "store", 1 << 20).path(key).read_bytes() == b"made once\n"


def _killed_mid_write(root, key):
    def write(fh):
        fh.write(b"half a fi")
        fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    DownloadStore(root, 1 << 20).produce(key, write)


def test_a_process_killed_mid_write_leaves_nothing_visible(tmp_path):
    import multiprocessing

    key, store = Key("d", 1, "zip", "v", "zip"), DownloadStore(tmp_path, 1 << 20)
    child = multiprocessing.get_context("fork").Process(target=_killed_mid_write, args=(tmp_path, key))
    child.start()
    child.join(30)
    assert child.exitcode == -signal.SIGKILL
    assert store.lookup(key) is None and store.files() == []
    leftovers = [p.name for p in store.path(key).parent.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1  # invisible to readers; swept once older than TEMP_MAX_AGE
    assert store.produce(key, lambda fh: fh.write(b"whole\n")).st_size == 6  # its flock died with it
    assert store.path(key).read_bytes() == b"whole\n"


def test_an_edited_title_makes_a_new_package(client, hub):
    from sqlalchemy import update

    from litterhub.store import tables as t

    url = URL.format(MAINE, 1, "zip")
    before = json.loads(zipfile.ZipFile(io.BytesIO(client.get(url).content)).read("datapackage.json"))
    with hub.engine.begin() as conn:  # a catalog write the hub audits, as every one of its own is
        conn.execute(update(t.datasets).where(t.datasets.c.id == MAINE).values(title="Maine beaches, renamed"))
        auth.audit(conn, "test", "dataset.edited", f"dataset:{MAINE}", {"title": "Maine beaches, renamed"})
    answer = client.get(url)
    after = json.loads(zipfile.ZipFile(io.BytesIO(answer.content)).read("datapackage.json"))
    assert before["title"] != after["title"] == "Maine beaches, renamed"
    assert answer.content == _streamed(hub, MAINE, 1, "zip")
    zips = [n for n in _stored_files(hub) if n.startswith("zip-")]
    assert len(zips) >= 2 and len(set(zips)) == len(zips)


def test_on_both_catalogs_a_version_is_produced_once_and_refused_once_retracted(any_hub, productions):
    """The store itself is files; what the catalog adds is the access check on every request (SQLite, PostgreSQL)."""
    assert ingest_file(any_hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", MAINE).version == 1
    with TestClient(create_app(any_hub)) as c:
        url = URL.format(MAINE, 1, "csv")
        first, second = c.get(url), c.get(url)
        assert first.status_code == second.status_code == 200 and first.content == second.content
        assert first.content == _streamed(any_hub, MAINE, 1, "csv") and len(productions) == 1
        assert c.get(url, headers={"if-none-match": first.headers["etag"]}).status_code == 304
        reviewer = auth.create_user(any_hub, "reviewer@example.org", None, role="reviewer")
        review.retract_version(any_hub, auth.principal_for_session(any_hub, reviewer.id), MAINE, 1, "wrong site")
        assert c.get(url).status_code == 404
        assert c.get(url, headers={"if-none-match": first.headers["etag"]}).status_code == 404
    assert _stored_files(any_hub) == []
