"""Indicators computed once per (dataset versions, parameters) and kept until a version changes
(services/indicator_store.py); a heavy first computation runs as a job whose progress the page follows."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from litterhub.services import auth, indicator_store
from litterhub.services import indicators as svc
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR, load_demo


@pytest.fixture
def demo(hub):
    load_demo(hub)
    indicator_store.clear_memory()
    return hub


def test_computed_once_per_versions_and_kept_on_disk(demo):
    calls = []

    def compute():
        calls.append(1)
        return svc.dashboard(demo, None, "TC")

    params = ((), "TC", None, None, None, False)
    first = indicator_store.get_or_compute(demo, "dashboard", params, compute)
    assert indicator_store.get_or_compute(demo, "dashboard", params, compute) is first and len(calls) == 1
    auth.create_user(demo, "someone@example.org", None)  # an audited write that is not a new version
    assert indicator_store.get_or_compute(demo, "dashboard", params, compute) is first and len(calls) == 1
    indicator_store.clear_memory()  # a restarted server reads the stored file
    again = indicator_store.lookup(demo, "dashboard", params)
    assert again is not None and again["result"].versions == first["result"].versions and len(calls) == 1
    # a new version of a dataset invalidates it
    before = indicator_store.version_state(demo)
    copy = DEMO_DIR / "mdmap-maine-2016-2023.csv"
    text = copy.read_text(encoding="utf-8")
    changed = demo.settings.data_dir / "maine-changed.csv"
    changed.write_text(text.replace("\n", "\n", 1) + "\n", encoding="utf-8")
    assert ingest_file(demo, changed, "mdmap", "mdmap-maine").version == 2
    assert indicator_store.version_state(demo) != before
    assert indicator_store.lookup(demo, "dashboard", params) is None
    indicator_store.get_or_compute(demo, "dashboard", params, compute)
    assert len(calls) == 2
    assert len(list((demo.settings.data_dir / "cache" / "indicators").glob("*.pickle"))) == 1  # old one deleted


def test_indicator_page_reads_the_stored_result_once_computed(demo, monkeypatch):
    """The page's speed comes from computing once per versions (measured in bench/pages.py, never timed here): after
    the first render, later renders with other query strings compute nothing."""
    from litterhub.app import create_app

    calls = []
    real = svc.dashboard
    monkeypatch.setattr(svc, "dashboard", lambda *a, **k: calls.append(1) or real(*a, **k))
    with TestClient(create_app(demo)) as client:
        assert client.get("/indicators").status_code == 200 and len(calls) == 1
        for n in range(3):  # a new query string each time, so the HTTP read cache cannot answer for the store
            response = client.get(f"/indicators?n={n}")
            assert response.status_code == 200 and "indicator-timeseries" in response.text
        assert len(calls) == 1


def test_heavy_first_computation_runs_as_a_job_the_page_follows(demo, monkeypatch):
    from litterhub.app import create_app

    monkeypatch.setattr(indicator_store, "HEAVY_EVENTS", 0)
    here = []  # the job computes in a child process: the serving process never runs the dashboard itself
    real = svc.dashboard
    monkeypatch.setattr(svc, "dashboard", lambda *a, **k: here.append(1) or real(*a, **k))
    with TestClient(create_app(demo)) as client:
        page = client.get("/indicators?group=TC")
        assert page.status_code == 202 and 'id="job-progress"' in page.text
        assert "indicator-timeseries" not in page.text
        url = page.text.split('data-job-url="', 1)[1].split('"', 1)[0]
        for _ in range(300):
            job = client.get(url).json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert job["status"] == "done", job
        ready = client.get("/indicators?group=TC")
        assert 'id="job-progress"' not in ready.text and "indicator-timeseries" in ready.text
        assert here == []


def test_a_child_computation_stores_its_result_and_reports_a_refusal(demo):
    """compute_in_child: the result is read back from the store; a refusal in the child is the job's error."""
    from litterhub.services import jobs

    params = ("child-test", "mlw-sample")
    recipe = indicator_store.Recipe("litterhub.services.indicators:composition", (["mlw-sample"], 5))
    indicator_store.compute_in_child(demo, "child-composition", params, recipe)
    indicator_store.clear_memory()
    stored = indicator_store.lookup(demo, "child-composition", params)
    here = svc.composition(demo, ["mlw-sample"], 5)
    assert stored is not None and stored.tables["items"].equals(here.tables["items"])
    with pytest.raises(jobs.JobError) as refused:
        indicator_store.compute_in_child(demo, "child-refused", ("x",),
                                         indicator_store.Recipe("litterhub.services.indicators:beach", (["no-such"],)))
    assert refused.value.status == 404 and "no-such" in refused.value.detail
