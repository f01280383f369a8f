"""Bad files are refused in the report; bugs in the hub surface as bugs (logged traceback, 500 internal-error)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "src" / "litterhub" / "demo" / "mlw-sample.csv"


def _break_reader(monkeypatch, exc: BaseException) -> None:
    """Make the MLW adapter raise `exc` after its first batch, as a bug in adapter code would."""
    from litterhub.ingest.formats import get_adapter

    adapter = get_adapter("mlw")
    real = type(adapter).read

    def read(self, info, report):
        for batch in real(self, info, report):
            yield batch
            raise exc

    monkeypatch.setattr(type(adapter), "read", read)


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_bug_in_an_adapter_is_an_internal_error_not_an_unreadable_file(hub, tmp_path, monkeypatch, caplog,
                                                                        dry_run):
    from litterhub.services.ingest import IngestBug, ingest_file

    path = tmp_path / "mlw.csv"
    shutil.copy(DEMO, path)
    _break_reader(monkeypatch, TypeError("unsupported operand type(s)"))
    with caplog.at_level(logging.ERROR, logger="litterhub.services.ingest"), pytest.raises(IngestBug) as raised:
        ingest_file(hub, path, "mlw", "buggy", dry_run=dry_run)
    assert raised.value.status == 500 and raised.value.code == "internal-error"
    assert "mlw.csv" in str(raised.value) and "TypeError" in str(raised.value)
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and logged[0].exc_info[0] is TypeError  # the traceback is in the log
    assert not hub.lake.version_dir("buggy", 1).exists()
    assert not list(hub.lake.root.glob(".tmp-*"))


def test_a_reader_failure_on_the_file_stays_a_clean_refusal(hub, tmp_path, monkeypatch):
    """The same place raising a reader's input error (here Arrow's CSV parser) gives a report, not an exception."""
    import pyarrow as pa

    from litterhub.services.ingest import ingest_file

    path = tmp_path / "mlw.csv"
    shutil.copy(DEMO, path)
    _break_reader(monkeypatch, pa.ArrowInvalid("CSV parse error: Expected 176 columns, got 3"))
    result = ingest_file(hub, path, "mlw", "broken")
    assert not result.ok
    assert [e.code for e in result.report.errors][-1] == "source-error"
    assert "Expected 176 columns" in result.report.errors[-1].message
    assert not hub.lake.version_dir("broken", 1).exists()


def test_records_the_parser_and_the_line_scan_disagree_on_are_refused_with_a_line(tmp_path, monkeypatch):
    """The line scan is the hub's own; if it ever splits records differently from Arrow's parser the file is
    refused as unreadable near a line, instead of an IndexError deep in an adapter."""
    from litterhub.ingest import textio
    from litterhub.ingest.failures import UnreadableInput

    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n", encoding="utf-8")
    real = textio.LineCursor.take
    monkeypatch.setattr(textio.LineCursor, "take", lambda self, n: real(self, n)[: max(n - 1, 0)])
    _, batches, _ = textio.open_table(textio.sniff(path))
    with pytest.raises(UnreadableInput) as raised:
        list(batches)
    assert raised.value.line == 3 and "after line 3" in str(raised.value)


def test_the_api_answers_a_bug_with_a_500_internal_error(hub, tmp_path, monkeypatch):
    """Through the HTTP edge's own handlers: problem+json, status 500, code internal-error, no traceback."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from litterhub.http import problems
    from litterhub.services.ingest import ingest_file

    path = tmp_path / "mlw.csv"
    shutil.copy(DEMO, path)
    _break_reader(monkeypatch, KeyError("G95"))
    app = FastAPI()
    problems.install(app)

    @app.post("/ingest")
    def run() -> dict:
        return ingest_file(hub, path, "mlw", "api-bug").as_dict()

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/ingest")
    assert response.status_code == 500
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert body["errors"][0]["code"] == "internal-error"
    assert "Traceback" not in response.text and "could not be read" not in response.text


def test_the_cli_ingests_files_of_any_size_the_upload_limit_is_the_callers(hub, tmp_path):
    """No built-in size ceiling (the web upload checks its own, LITTERHUB_MAX_UPLOAD_MB); a caller may pass one."""
    from litterhub.services.ingest import ingest_file

    path = tmp_path / "mlw.csv"
    shutil.copy(DEMO, path)
    refused = ingest_file(hub, path, "mlw", "small-limit", max_bytes=1024)
    assert not refused.ok and refused.report.errors[0].code == "litter-too-large"
    assert ingest_file(hub, path, "mlw", "no-limit").ok
