"""`litterhub serve --workers N`: more than one process only on a PostgreSQL catalog."""

from __future__ import annotations

from typer.testing import CliRunner

from litterhub.cli import app


def test_workers_above_one_are_refused_on_sqlite(tmp_path, monkeypatch):
    monkeypatch.delenv("LITTERHUB_DATABASE_URL", raising=False)
    res = CliRunner().invoke(app, ["serve", "--workers", "2", "--port", "1", "--data-dir", str(tmp_path / "d")])
    assert res.exit_code == 2
    assert "PostgreSQL" in res.output and "--workers" in res.output

