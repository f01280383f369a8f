"""Crash safety and idempotence of the lake + catalog pair."""

from __future__ import annotations

import json

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
    with pytest.raises(RuntimeError):
        ingest_file(hub, MDMAP, "mdmap", "maine")
    assert not list(hub.lake.root.glob("dataset=*/version=*"))
    assert not list(hub.lake.root.glob(".tmp-*"))
    assert list_datasets(hub) == []


def test_interrupted_write_is_swept_on_init(hub):
    staged = hub.lake.stage("maine", 1)  # a writer that died before publishing
    assert staged.tmp_dir.exists()
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
