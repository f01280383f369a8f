"""Crash safety and idempotence of the lake + catalog pair."""

from __future__ import annotations

import json
import os

import duckdb
import pyarrow.parquet as pq
import pytest

from litterhub.services import ingest as ingest_service
from litterhub.services.datasets import list_datasets
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR, initialise

MDMAP = DEMO_DIR / "mdmap-maine-2016-2023.csv"


def test_version_layout_checksums_and_zstd(hub):
    result = ingest_file(hub, MDMAP, "mdmap", "maine")
    folder = hub.lake.version_dir("maine", 1)
    assert folder == hub.lake.root / "dataset=maine" / "version=1"
    manifest = json.loads((folder / "_manifest.json").read_text())
    for name in ("events.parquet", "observations.parquet", "particles.parquet"):
        meta = pq.ParquetFile(folder / name).metadata
        if meta.num_rows:
            assert meta.row_group(0).column(0).compression == "ZSTD"
        assert name in manifest["files"]
    assert (hub.raw.root / result.sha256).read_bytes() == MDMAP.read_bytes()
    n = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(folder / "events.parquet")]).fetchone()[0]
    assert n == 70


def test_failed_catalog_commit_leaves_nothing_visible(hub, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ingest_service, "_register", boom)
    with pytest.raises(ingest_service.IngestBug, match="internal error"):  # a bug, not the file's fault
        ingest_file(hub, MDMAP, "mdmap", "maine")
    assert not list(hub.lake.root.glob("dataset=*/version=*"))
    assert not list(hub.lake.root.glob(".tmp-*"))
    assert list_datasets(hub) == []


def test_interrupted_write_is_swept_on_init(hub):
    staged = hub.lake.stage("maine", 1)
    assert staged.tmp_dir.exists()
    initialise(hub)
    assert staged.tmp_dir.exists()  # its writer is alive (holds the lease): never swept
    os.close(staged.lease.fd)  # the writer dies: the operating system drops its lock
    lines = initialise(hub)
    assert not staged.tmp_dir.exists()
    assert any("interrupted" in line for line in lines)


def test_reingesting_identical_bytes_is_a_noop(hub, tmp_path):
    first = ingest_file(hub, MDMAP, "mdmap", "maine")
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(MDMAP.read_bytes())
    second = ingest_file(hub, copy, "mdmap", "maine")
    assert second.unchanged and second.version == first.version == 1
    assert second.report.rows_in == first.report.rows_in
    assert len(list(hub.lake.root.glob("dataset=maine/version=*"))) == 1


def test_changed_bytes_make_a_new_version_and_keep_the_old(hub, tmp_path):
    ingest_file(hub, MDMAP, "mdmap", "maine")
    data = MDMAP.read_bytes()
    changed = tmp_path / "changed.csv"
    changed.write_bytes(data[: data.rindex(b"\nMDMAP")] + b"\n")  # drop the last transect
    second = ingest_file(hub, changed, "mdmap", "maine")
    assert second.version == 2 and not second.unchanged
    assert hub.lake.version_dir("maine", 1).exists() and hub.lake.version_dir("maine", 2).exists()
    assert list_datasets(hub)[0]["version"] == 2


def test_files_written_by_an_older_release_still_scan(hub):
    """A lake file without a column added later (e.g. rollup_code) reads with that column as NULL."""
    ingest_file(hub, MDMAP, "mdmap", "maine")
    path = hub.lake.version_dir("maine", 1) / "observations.parquet"
    old = pq.read_table(path).drop_columns(["rollup_code"])
    pq.write_table(old, path)
    rel = hub.lake.scan("observations", [("maine", 1)])
    assert "rollup_code" in rel.columns
    assert rel.filter("rollup_code IS NOT NULL").aggregate("count(*)").fetchall()[0][0] == 0
    assert rel.aggregate("count(*)").fetchall()[0][0] == old.num_rows


def test_cli_turns_an_unexpected_failure_into_one_line(tmp_path):
    import subprocess
    import sys

    env = {"LITTERHUB_DATA": str(tmp_path / "d"), "PATH": "/usr/bin:/bin"}
    code = ("import litterhub.cli as c, litterhub.commands.core as core\n"
            "def boom(*a, **k): raise RuntimeError('disk on fire')\n"
            "core.ingest_file = boom\n"
            "import litterhub.services.ingest as s; s.ingest_file = boom\n"
            "import sys; sys.argv = ['litterhub', 'ingest', 'x.csv', '--json']; c.main()")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "error: RuntimeError: disk on fire" in res.stderr
