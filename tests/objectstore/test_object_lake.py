"""The lake and the raw archive on object storage: the same ingest -> indicators -> downloads path as on a local
disk, against a real S3-protocol server started here (moto's standalone server, `moto[server]`), plus atomic
publishing under a SIGKILL between staging and the catalog commit, raw-archive dedupe and clear settings errors.

One local hub and one S3 hub ingest the same real files (the bundled demo samples); every answer is compared
between the two, so the S3 path is held to exactly what the local path gives."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from litterhub.errors import NotFoundError
from litterhub.services import datasets, downloads, lake_events
from litterhub.services.hub import Hub
from litterhub.services.setup import DEMO_DIR
from litterhub.store import tables as t
from litterhub.store.object_lake import ObjectLake, ObjectRawArchive
from litterhub.store.settings import Settings, SettingsError, s3_environment

REPO = Path(__file__).resolve().parents[2]
LITTERHUB = REPO / ".venv" / "bin" / "litterhub"
BUCKET = "litterhub-test"
FILES = [("mlw-sample.csv", "mlw", "mlw-sample"), ("mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine")]


@pytest.fixture(scope="module")
def s3_env():
    """moto's S3 server on a free loopback port, a bucket, and the AWS_* variables that point at it."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET)
    yield env, client
    server.stop()


def _keys(client, prefix: str) -> list[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def _open(data: Path, env: dict[str, str]) -> Hub:
    """A hub whose settings and AWS_* variables come from `env` (as the CLI and the server read them)."""
    mp = pytest.MonkeyPatch()
    try:
        for name, value in env.items():
            mp.setenv(name, value)
        return Hub.open(data)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def hubs(s3_env, tmp_path_factory):
    """(local hub, S3 hub), each with the same demo files ingested."""
    from litterhub.services.ingest import ingest_file

    env, _ = s3_env
    root = tmp_path_factory.mktemp("objectstore")
    local = Hub.open(root / "local")
    remote = _open(root / "s3", {**env, "LITTERHUB_LAKE_URL": f"s3://{BUCKET}/hub/lake",
                                 "LITTERHUB_RAW_URL": f"s3://{BUCKET}/hub/raw"})
    for hub in (local, remote):
        for name, fmt, dataset in FILES:
            result = ingest_file(hub, DEMO_DIR / name, fmt, dataset)
            assert result.version == 1 and result.report.usable, result.report
    yield local, remote
    local.close()
    remote.close()


def _versions(hub: Hub, dataset: str) -> dict[int, dict]:
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.dataset_versions).where(t.dataset_versions.c.dataset_id == dataset)).all()
    return {r.version: dict(r._mapping) for r in rows}


# -- the same path as on a local disk -----------------------------------------------------------------------------

def test_ingest_writes_the_same_checksummed_version_into_the_bucket(hubs, s3_env):
    local, remote = hubs
    _, client = s3_env
    assert isinstance(remote.lake, ObjectLake) and isinstance(remote.raw, ObjectRawArchive)
    assert remote.lake.location == f"s3://{BUCKET}/hub/lake"
    with pytest.raises(TypeError, match="object storage"):
        remote.lake.version_dir("mlw-sample", 1)  # no local path of a version to misuse
    for _, _, dataset in FILES:
        here, there = _versions(local, dataset)[1], _versions(remote, dataset)[1]
        assert there["lake_path"] == here["lake_path"] == f"dataset={dataset}/version=1"
        assert there["lake_checksums"] == here["lake_checksums"]  # byte-identical Parquet
        assert (there["n_events"], there["rows_in"]) == (here["n_events"], here["rows_in"]) and here["n_events"] > 0
        prefix = f"hub/lake/{there['lake_path']}/"
        stored = {k[len(prefix):] for k in _keys(client, prefix)}
        assert stored >= {*there["lake_checksums"], "_manifest.json"}
        manifest = json.loads(client.get_object(Bucket=BUCKET, Key=prefix + "_manifest.json")["Body"].read())
        assert manifest["files"] == there["lake_checksums"]
        for name, digest in there["lake_checksums"].items():
            body = client.get_object(Bucket=BUCKET, Key=prefix + name)["Body"].read()
            assert hashlib.sha256(body).hexdigest() == digest, name
        raw = client.get_object(Bucket=BUCKET, Key=f"hub/raw/{there['sha256']}")["Body"].read()
        assert hashlib.sha256(raw).hexdigest() == there["sha256"]
    assert not _keys(client, "hub/lake/.tmp-")  # staging prefixes are gone once published
    assert not list((remote.settings.data_dir / "lake").glob("*"))  # nothing of the lake on the local disk


def test_lake_reads_match_the_local_lake(hubs):
    local, remote = hubs
    for _, _, dataset in FILES:
        for table in ("events", "observations"):
            assert remote.lake.read_table(table, dataset, 1).equals(local.lake.read_table(table, dataset, 1))
            batches = list(remote.lake.iter_batches(table, dataset, 1, batch_size=100))
            assert pa.Table.from_batches(batches).equals(local.lake.read_table(table, dataset, 1))
    pairs = [(d, 1) for _, _, d in FILES]
    sql = "SELECT dataset_id, count(*), sum(length_m), min(event_date) FROM e GROUP BY 1 ORDER BY 1"
    answers = []
    for hub in (local, remote):
        con = hub.lake.connect()
        con.register("e", hub.lake.scan("events", pairs, con))
        answers.append(con.sql(sql).fetchall())
        assert hub.lake.scan("events", [], con).fetchall() == []
    assert answers[0] == answers[1] and len(answers[0]) == 2


def test_indicators_are_the_same_on_s3(hubs):
    from litterhub.services import indicators

    local, remote = hubs
    here = indicators.beach(local, ["mlw-sample"], groups=["TC"])
    there = indicators.beach(remote, ["mlw-sample"], groups=["TC"])
    assert here.summary["surveys"] > 0 and there.as_dict() == here.as_dict()
    composition = [indicators.composition(h, ["mlw-sample", "mdmap-maine"]).as_dict() for h in hubs]
    assert composition[0] == composition[1]


def test_downloads_are_byte_identical(hubs):
    from litterhub.services import downloads

    local, remote = hubs
    for fmt in ("csv", "geojson", "parquet"):
        got = [b"".join(downloads.version_download(h, "http://hub", "mdmap-maine", 1, fmt).chunks) for h in hubs]
        assert got[0] == got[1] and len(got[0]) > 1000, fmt
    csv = b"".join(downloads.version_download(remote, "http://hub", "mlw-sample", 1, "csv", "observations").chunks)
    n_obs = _versions(remote, "mlw-sample")[1]["n_observations"]
    assert csv.count(b"\n") == n_obs + 1
    package = [b"".join(downloads.version_download(h, "http://hub", "mlw-sample", 1, "zip").chunks) for h in hubs]
    members = [zipfile.ZipFile(io.BytesIO(p)) for p in package]
    assert members[0].read("data/events.csv") == members[1].read("data/events.csv")
    resources = [json.loads(m.read("datapackage.json"))["resources"] for m in members]  # bytes and sha256 per table
    assert resources[0] == resources[1] and len(resources[0]) == 2  # (the descriptors differ by publication time)
    query = downloads.EventQuery(country="USA", date_from="2018-01-01")
    events = [pq.read_table(io.BytesIO(b"".join(downloads.query_download(h, query, "parquet").chunks)))
              for h in hubs]
    assert events[0].num_rows == events[1].num_rows > 0 and events[0].equals(events[1])


def test_api_over_an_s3_lake(hubs):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    local, remote = hubs
    answers = []
    for hub in hubs:
        with TestClient(create_app(hub)) as client:
            events = client.get("/api/v1/events", params={"dataset": "mlw-sample", "limit": 50})
            csv = client.get("/api/v1/datasets/mlw-sample/versions/1/download.csv")
            assert events.status_code == 200 and csv.status_code == 200
            answers.append((events.json()["items"], csv.content))
    assert answers[0] == answers[1] and len(answers[0][0]) == 50


def test_duplicate_scan_is_stored_in_the_bucket(hubs, s3_env):
    from litterhub.services import duplicates

    local, remote = hubs
    _, client = s3_env
    reports = [duplicates.detect_duplicates(h).as_dict() for h in hubs]
    assert reports[1]["path"] == f"s3://{BUCKET}/hub/lake/_derived/{duplicates.FILENAME}"
    assert {k.rsplit("/", 1)[1] for k in _keys(client, "hub/lake/_derived/")} == {
        duplicates.FILENAME, duplicates.PAIRS_FILENAME, duplicates.SCAN_FILENAME}
    stored = duplicates.stored_report(remote)
    assert stored is not None and stored.stored and duplicates.result_stamp(remote) is not None
    for key in ("pairs", "flagged_events", "excluded_events"):
        assert reports[0][key] == reports[1][key] == stored.as_dict()[key]


def test_quarantine_reads_the_raw_file_back_from_the_bucket(hubs):
    from litterhub.services import quarantine

    local, remote = hubs
    for _, _, dataset in FILES:
        here = "".join(quarantine.rejected_csv(local, dataset))
        there = "".join(quarantine.rejected_csv(remote, dataset))
        assert here == there and here.splitlines()[0].startswith("litterhub_line")
    assert not list(remote.raw.root.iterdir())  # the fetched copy is gone again


# -- raw archive ------------------------------------------------------------------------------------------------

def test_raw_archive_puts_each_file_once(hubs, s3_env, monkeypatch):
    _, remote = hubs
    _, client = s3_env
    source = DEMO_DIR / "mlw-sample.csv"
    sha = _versions(remote, "mlw-sample")[1]["sha256"]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == sha
    key = f"hub/raw/{sha}"
    before = client.head_object(Bucket=BUCKET, Key=key)
    uploads = []
    real_upload = remote.raw.objects.upload
    monkeypatch.setattr(remote.raw.objects, "upload", lambda *a: uploads.append(a) or real_upload(*a))
    assert remote.raw.store(source, sha) == f"s3://{BUCKET}/hub/raw/{sha}"
    assert uploads == []  # already archived: not put again
    after = client.head_object(Bucket=BUCKET, Key=key)
    assert (after["ETag"], after["LastModified"]) == (before["ETag"], before["LastModified"])
    other = DEMO_DIR / "mdmap-maine-2016-2023.csv"
    fresh = hashlib.sha256(other.read_bytes() + b"\n").hexdigest()
    copy = remote.settings.data_dir / "changed.csv"
    copy.write_bytes(other.read_bytes() + b"\n")
    remote.raw.store(copy, fresh)
    remote.raw.store(copy, fresh)
    assert len(uploads) == 1 and remote.raw.exists(fresh) and not remote.raw.exists("0" * 64)
    with remote.raw.local_copy(sha) as fetched:
        assert fetched.read_bytes() == source.read_bytes()
    with pytest.raises(TypeError, match="local_copy"):
        remote.raw.path(sha)


# -- atomic publishing ------------------------------------------------------------------------------------------

def _cli(args: list[str], env: dict[str, str], data: Path, fault: str | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "LITTERHUB_DATA": str(data)}
    full.pop("LITTERHUB_FAULT", None)
    if fault:
        full["LITTERHUB_FAULT"] = fault
    return subprocess.run([str(LITTERHUB), *args], env=full, capture_output=True, text=True, timeout=300,
                          cwd=data.parent)


@pytest.mark.parametrize("point", ["after-stage", "after-rename"])
def test_a_writer_killed_between_staging_and_commit_leaves_nothing_visible(s3_env, tmp_path, point):
    """SIGKILL after the upload to the staging prefix, or after the copy to the version prefix: the catalog names
    no version, readers see nothing, `init`'s repair sweeps or sets aside what was left, and version 1 publishes."""
    from litterhub.services.ingest import ingest_file
    from litterhub.services.publishing import repair_lake

    env, client = s3_env
    prefix = f"fault-{point}/lake"
    env = {**env, "LITTERHUB_LAKE_URL": f"s3://{BUCKET}/{prefix}", "LITTERHUB_RAW_URL": f"s3://{BUCKET}/{prefix}-raw"}
    data = tmp_path / "data"
    ingest = ["ingest", str(DEMO_DIR / "mlw-sample.csv"), "--format", "mlw", "--dataset", "mlw-sample", "--json"]
    crashed = _cli(ingest, env, data, fault=point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    left = [k for k in _keys(client, prefix + "/") if not k.endswith("/")]  # (Arrow's empty "folder" markers)
    if point == "after-stage":
        assert left and all(k.startswith(f"{prefix}/.tmp-") for k in left)
    else:
        assert left and all(k.startswith(f"{prefix}/dataset=mlw-sample/version=1/") for k in left)
    hub = _open(data, env)
    try:
        assert _versions(hub, "mlw-sample") == {}  # readers follow the catalog: nothing to see
        assert "mlw-sample" not in {d["id"] for d in datasets.list_datasets(hub)}
        assert lake_events.page(hub, lake_events.Filter(dataset="mlw-sample"), 10) == ([], None)
        with pytest.raises(NotFoundError):
            downloads.version_download(hub, "http://hub", "mlw-sample", 1, "csv")
        repaired = repair_lake(hub)  # what `litterhub init` does on every start
        assert (repaired["swept"], repaired["set_aside"]) == ((1, 0) if point == "after-stage" else (0, 1))
        assert repair_lake(hub) == {"swept": 0, "set_aside": 0, "busy": 0}
        again = ingest_file(hub, DEMO_DIR / "mlw-sample.csv", "mlw", "mlw-sample")
        assert again.version == 1 and again.report.usable
        keys = [k for k in _keys(client, prefix + "/") if not k.endswith("/")]
        assert not [k for k in keys if "/.tmp-" in k]
        orphaned = [k for k in keys if k.startswith(f"{prefix}/.orphaned/")]
        assert bool(orphaned) == (point == "after-rename")  # the unregistered copy set aside, never deleted unseen
        row = _versions(hub, "mlw-sample")[1]
        for name, digest in row["lake_checksums"].items():
            body = client.get_object(Bucket=BUCKET, Key=f"{prefix}/{row['lake_path']}/{name}")["Body"].read()
            assert hashlib.sha256(body).hexdigest() == digest
        assert hub.lake.version_folders("mlw-sample") == [1] and hub.lake.dataset_ids() == ["mlw-sample"]
        assert not list(hub.lake.root.glob(".tmp-*"))
        assert len(lake_events.page(hub, lake_events.Filter(dataset="mlw-sample"), 1000)[0]) == row["n_events"]
    finally:
        hub.close()


def test_a_failed_copy_leaves_no_prefix_behind(hubs, s3_env, monkeypatch):
    """An error (not a kill) while copying to the version prefix: the ingest fails, the staging prefix and the
    partial version are deleted at once, the catalog names nothing, and the next attempt publishes version 1."""
    from litterhub.services.ingest import IngestBug, ingest_file

    _, remote = hubs
    _, client = s3_env
    source = remote.settings.data_dir / "mdmap-edited.csv"
    source.write_bytes((DEMO_DIR / "mdmap-maine-2016-2023.csv").read_bytes() + b"\n")
    real_copy, calls = remote.lake.objects.copy, []

    def failing_copy(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError("connection reset by the object store")
        real_copy(src, dst)

    monkeypatch.setattr(remote.lake.objects, "copy", failing_copy)
    with pytest.raises(IngestBug, match="nothing was stored") as failed:
        ingest_file(remote, source, "mdmap", "mdmap-edited")
    assert "connection reset" in str(failed.value.__cause__ or failed.value.__context__)
    assert len(calls) == 3
    left = [k for k in _keys(client, "hub/lake/") if not k.endswith("/")]
    assert not [k for k in left if "/.tmp-" in k or "dataset=mdmap-edited/" in k]
    assert _versions(remote, "mdmap-edited") == {} and not list(remote.lake.root.glob(".tmp-*"))
    monkeypatch.setattr(remote.lake.objects, "copy", real_copy)
    assert ingest_file(remote, source, "mdmap", "mdmap-edited").version == 1


# -- settings ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("variable,value", [
    ("LITTERHUB_LAKE_URL", "s3://Not_A_Bucket/lake"),
    ("LITTERHUB_LAKE_URL", "gs://bucket/lake"),
    ("LITTERHUB_RAW_URL", "s3://"),
    ("LITTERHUB_RAW_URL", "s3://bucket//raw"),
])
def test_a_bad_location_names_its_variable(tmp_path, variable, value):
    with pytest.raises(SettingsError) as err:
        Settings.from_env(tmp_path, environ={variable: value})
    assert err.value.variable == variable
    assert str(err.value) == (f"{variable} must be a local folder or s3://bucket/prefix (a lower-case bucket name "
                              f"of 3-63 characters), not {value!r}")


def test_locations_default_to_the_data_directory(tmp_path):
    plain = Settings.from_env(tmp_path, environ={})
    assert plain.lake_location == str(tmp_path.resolve() / "lake") and plain.lake_dir == tmp_path.resolve() / "lake"
    assert plain.raw_location == str(tmp_path.resolve() / "raw")
    given = Settings.from_env(tmp_path, environ={"LITTERHUB_LAKE_URL": "s3://my-bucket/hub/lake/",
                                                 "LITTERHUB_RAW_URL": str(tmp_path / "elsewhere")})
    assert given.lake_location == "s3://my-bucket/hub/lake" and given.lake_dir == tmp_path.resolve() / "lake-staging"
    assert given.raw_dir == tmp_path / "elsewhere"


def test_a_bad_endpoint_stops_the_hub(tmp_path):
    with pytest.raises(SettingsError, match="^AWS_ENDPOINT_URL must be an http:// or https:// address"):
        s3_environment({"AWS_ENDPOINT_URL": "localhost:9000"})
    assert s3_environment({"AWS_REGION": " eu-west-1 ", "PATH": "/bin"}) == {"AWS_REGION": "eu-west-1"}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LITTERHUB_", "AWS_"))}
    res = subprocess.run([sys.executable, "-m", "litterhub.cli", "datasets", "--data-dir", str(tmp_path / "d")],
                         env={**env, "LITTERHUB_LAKE_URL": "s3://UPPER/lake"}, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2 and res.stderr.strip().startswith("error [bad-setting]: LITTERHUB_LAKE_URL must be")
