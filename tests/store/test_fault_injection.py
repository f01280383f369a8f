"""Fault injection: a REAL `litterhub ingest` process is SIGKILLed at each step of publishing (the
LITTERHUB_FAULT test hook of store/faults.py), on SQLite and PostgreSQL. After every crash: nothing is
half-visible through the API, the next writer (or `litterhub init`) repairs the lake, catalog and lake agree,
re-ingesting works, and rows balance. The approval path is killed between its lake write and its commit and
recovers by itself. Concurrent writers to one dataset serialise instead of failing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import warnings
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from litterhub.services.hub import Hub
from litterhub.services.setup import DEMO_DIR
from litterhub.store import contrib_tables as ct
from litterhub.store import tables as t
from litterhub.store.settings import FAULT_POINTS as POINTS

REPO = Path(__file__).resolve().parents[2]
LITTERHUB = REPO / ".venv" / "bin" / "litterhub"
SAMPLE = DEMO_DIR / "mlw-sample.csv"
DATASET = "mlw-sample"


def run(args: list[str], data: Path, url: str, fault: str | None = None, timeout: float = 300
        ) -> subprocess.CompletedProcess:
    env = {**os.environ, "LITTERHUB_DATA": str(data), "LITTERHUB_DATABASE_URL": url}
    env.pop("LITTERHUB_FAULT", None)
    if fault:
        env["LITTERHUB_FAULT"] = fault
    cmd = [str(LITTERHUB), *args] if args[0] != "-c" else [sys.executable, *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=data.parent)


def ingest(data: Path, url: str, fault: str | None = None) -> subprocess.CompletedProcess:
    return run(["ingest", str(SAMPLE), "--format", "mlw", "--dataset", DATASET, "--json"], data, url, fault)


@pytest.fixture()
def place(catalog_url, tmp_path):
    """(data directory, catalog URL) for subprocesses; the catalog is created by the first one."""
    return tmp_path / "data", catalog_url


def catalog_versions(hub: Hub, dataset_id: str = DATASET) -> dict[int, dict]:
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.dataset_versions).where(t.dataset_versions.c.dataset_id == dataset_id)).all()
    return {r.version: dict(r._mapping) for r in rows}


def assert_catalog_and_lake_agree(hub: Hub) -> None:
    """Every lake version folder has a catalog row and every row's files verify against its checksums; no
    staging folder or lease is left behind."""
    versions = catalog_versions(hub)
    assert hub.lake.version_folders(DATASET) == sorted(versions)
    for row in versions.values():
        folder = hub.lake.root / row["lake_path"]
        manifest = json.loads((folder / "_manifest.json").read_text())
        assert manifest["files"] == row["lake_checksums"]
        for name, digest in row["lake_checksums"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
        events = pq.read_table(folder / "events.parquet").num_rows
        assert events == row["n_events"]
        assert row["rows_in"] == row["rows_accepted"] + row["rows_rejected"] > 0  # rows balanced
    assert not list(hub.lake.root.glob(".tmp-*"))


def api_view(hub: Hub) -> dict:
    """What a reader sees through the API: the dataset listing, its page, its events and its download."""
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with TestClient(create_app(hub)) as client:
            listed = [d["id"] for d in client.get("/api/v1/datasets").json()["items"]]
            page = client.get(f"/api/v1/datasets/{DATASET}")
            events = client.get("/api/v1/events", params={"dataset": DATASET, "limit": 1000}).json()
            csv = client.get(f"/api/v1/datasets/{DATASET}/versions/1/download.csv")
    return {"listed": DATASET in listed, "page": page.status_code, "n_events": len(events.get("items", [])),
            "download": csv.status_code, "csv_rows": csv.text.count("\n") - 1 if csv.status_code == 200 else 0}


def assert_all_or_nothing(hub: Hub) -> None:
    """Either the version is fully visible (listing, page, every event, the whole download) or not at all."""
    view = api_view(hub)
    versions = catalog_versions(hub)
    if not versions:
        assert view == {"listed": False, "page": 404, "n_events": 0, "download": 404, "csv_rows": 0}
        return
    n_events = versions[1]["n_events"]
    assert view["listed"] and view["page"] == 200 and view["download"] == 200
    assert view["n_events"] == n_events and view["csv_rows"] == n_events


@pytest.mark.parametrize("point", POINTS)
def test_killed_ingest_leaves_the_dataset_reingestable(place, point):
    data, url = place
    crashed = ingest(data, url, fault=point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    hub = Hub.open(data, url)
    try:
        assert_all_or_nothing(hub)  # before any repair: nothing half-visible
        committed = point == "after-commit"
        assert bool(catalog_versions(hub)) == committed
        again = ingest(data, url)  # the next writer repairs what the crash left, then writes
        assert again.returncode == 0, again.stdout + again.stderr
        result = json.loads(again.stdout)
        assert result["version"] == 1 and result["unchanged"] == committed
        assert result["rows_in"] == result["rows_accepted"] + result["rows_rejected"] > 0
        assert_catalog_and_lake_agree(hub)
        assert_all_or_nothing(hub)
        if point in ("after-rename", "before-commit"):  # the unregistered folder was set aside, not lost
            assert list(hub.lake.root.glob(f".orphaned/dataset={DATASET}/version=1-*"))
    finally:
        hub.close()


@pytest.mark.parametrize("point", ["after-stage", "after-rename"])
def test_init_repairs_after_a_crash(place, point):
    data, url = place
    assert ingest(data, url, fault=point).returncode == -signal.SIGKILL
    init = run(["init"], data, url)
    assert init.returncode == 0, init.stderr
    assert ("interrupted write" if point == "after-stage" else "unregistered lake version") in init.stdout
    hub = Hub.open(data, url)
    try:
        assert not hub.lake.version_folders(DATASET) and not list(hub.lake.root.glob(".tmp-*"))
        assert ingest(data, url).returncode == 0
        assert_catalog_and_lake_agree(hub)
    finally:
        hub.close()


def test_init_never_sweeps_a_live_writers_staging_folder(hub):
    """README's server mode runs `init && serve` on every start: a live ingest must survive it."""
    staged = hub.lake.stage(DATASET, 1)  # held by this (live) process
    other = run(["init"], hub.settings.data_dir, hub.settings.database_url)
    assert other.returncode == 0, other.stderr
    assert staged.tmp_dir.exists()
    staged.abort()
    assert not list(hub.lake.root.glob(".tmp-*"))


def test_simultaneous_ingests_of_one_file_serialise(place):
    data, url = place
    assert run(["init"], data, url).returncode == 0  # migrations once, before the race
    env = {**os.environ, "LITTERHUB_DATA": str(data), "LITTERHUB_DATABASE_URL": url}
    cmd = [str(LITTERHUB), "ingest", str(SAMPLE), "--format", "mlw", "--dataset", DATASET, "--json"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    results = [json.loads(o) for o, _ in outs]
    assert sorted(r["unchanged"] for r in results) == [False, True]
    assert {r["version"] for r in results} == {1}
    hub = Hub.open(data, url)
    try:
        assert_catalog_and_lake_agree(hub)
    finally:
        hub.close()


# --- approvals ----------------------------------------------------------------------------------------------

APPROVE = """
import sys
from litterhub.services import auth, review
from litterhub.services.hub import Hub
hub = Hub.open()
review.approve(hub, auth.principal_for_session(hub, int(sys.argv[1])), sys.argv[2])
"""


def _survey(site: str = "Praia Norte", day: int = 1):
    from litterhub.services import contributions as c

    return c.SurveyInput(site, "PT", 41.7, -8.87, date(2024, 5, day), 100, 4, {"G1": 3, "G7": 10})


def _people(hub: Hub):
    from litterhub.services import auth

    ana = auth.create_user(hub, "ana@example.org", None)
    rui = auth.create_user(hub, "rui@example.org", None, role="reviewer")
    return auth.principal_for_session(hub, ana.id), auth.principal_for_session(hub, rui.id)


def status_of(hub: Hub, sid: str) -> tuple[str, int | None]:
    with hub.engine.connect() as conn:
        row = conn.execute(select(ct.submissions.c.status, ct.submissions.c.published_version)
                           .where(ct.submissions.c.id == sid)).first()
    return row.status, row.published_version


@pytest.mark.parametrize("point", ["after-rename", "before-commit"])
def test_killed_approval_recovers_by_itself(place, point):
    from litterhub.services import contributions as c
    from litterhub.services import datasets, review

    data, url = place
    hub = Hub.open(data, url)
    try:
        ana, rui = _people(hub)
        sub = c.create_survey(hub, ana, _survey())
        crashed = run(["-c", APPROVE, str(rui.id), sub.id], data, url, fault=point)
        assert crashed.returncode == -signal.SIGKILL, crashed.stderr
        assert status_of(hub, sub.id) == ("publishing", None)
        assert datasets.list_datasets(hub) == []  # nothing half-visible
        assert hub.lake.version_folders(sub.dataset_id) == [1]  # the lake version the crash left
        queue = review.queue(hub, rui)  # a reviewer reading the queue is enough to finish it
        assert [q["status"] for q in queue if q["id"] == sub.id] == []
        assert status_of(hub, sub.id) == ("approved", 1)
        ds = datasets.get_dataset(hub, sub.dataset_id)
        assert ds["version"] == 1 and ds["n_events"] == 1 and ds["rows_in"] == ds["rows_accepted"] + ds["rows_rejected"]
        assert hub.lake.version_folders(sub.dataset_id) == [1]
        assert list(hub.lake.root.glob(f".orphaned/dataset={sub.dataset_id}/version=1-*"))
        again = review.approve(hub, rui, sub.id)
        assert not again.changed and again.submission.published_version == 1
    finally:
        hub.close()


def test_init_finishes_an_approval_killed_after_commit(place):
    from litterhub.services import contributions as c
    from litterhub.services import datasets

    data, url = place
    hub = Hub.open(data, url)
    try:
        ana, rui = _people(hub)
        sub = c.create_survey(hub, ana, _survey())
        assert run(["-c", APPROVE, str(rui.id), sub.id], data, url, fault="after-commit").returncode == -9
        assert status_of(hub, sub.id) == ("publishing", None)
        init = run(["init"], data, url)
        assert init.returncode == 0 and "interrupted approval" in init.stdout, init.stdout + init.stderr
        assert status_of(hub, sub.id) == ("approved", 1)  # the committed version is adopted, not duplicated
        assert [v["version"] for v in datasets.get_dataset(hub, sub.dataset_id)["versions"]] == [1]
    finally:
        hub.close()


def test_simultaneous_approvals_of_one_dataset_serialise(any_hub):
    """Six reviewers approve six surveys of one site at once: every approval publishes its own version."""
    from litterhub.services import contributions as c
    from litterhub.services import datasets, review

    hub = any_hub
    ana, rui = _people(hub)
    subs = [c.create_survey(hub, ana, _survey(day=d)) for d in range(1, 7)]
    assert len({s.dataset_id for s in subs}) == 1
    errors: list[BaseException] = []

    def approve(sid: str) -> None:
        try:
            review.approve(hub, rui, sid)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(s.id,)) for s in subs]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert errors == []
    published = sorted(status_of(hub, s.id)[1] for s in subs)
    assert published == [1, 2, 3, 4, 5, 6]
    assert datasets.get_dataset(hub, subs[0].dataset_id)["n_events"] == 6


def test_a_busy_dataset_is_a_clear_conflict(any_hub, monkeypatch):
    """A writer that cannot get the lock in time gets `dataset-busy` (409 on the API), never a 500."""
    from litterhub.services import contributions as c
    from litterhub.services import review
    from litterhub.services.ingest import ingest_file
    from litterhub.store.locks import dataset_lock

    hub = any_hub
    ana, rui = _people(hub)
    sub = c.create_survey(hub, ana, _survey())
    outcome: dict = {}
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with dataset_lock(hub.engine, hub.lake.root, sub.dataset_id):
            holding.set()
            done.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(30)
    monkeypatch.setattr(hub, "settings", hub.settings.but(lock_wait=0.3))
    try:
        with pytest.raises(c.ContributionError) as busy:
            review.approve(hub, rui, sub.id)
        outcome["approve"] = (busy.value.kind, busy.value.code)
        result = ingest_file(hub, SAMPLE, "mlw", sub.dataset_id)
        outcome["ingest"] = [e.code for e in result.report.errors]
    finally:
        done.set()
        holder.join()
    assert outcome == {"approve": ("conflict", "dataset-busy"), "ingest": ["dataset-busy"]}
    assert status_of(hub, sub.id)[0] == "submitted"  # nothing changed; it can simply be approved again
    assert review.approve(hub, rui, sub.id).submission.published_version == 1
