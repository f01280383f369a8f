"""A new vocabulary re-harmonises stored data from the lake, without the raw file, as a new version."""

from __future__ import annotations

import json

import pyarrow.compute as pc
from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services import ingest as ingest_service
from litterhub.services import reharmonise
from litterhub.services.datasets import get_dataset, list_events
from litterhub.services.setup import DEMO_DIR


def test_publish_reharmonised_version_from_the_lake(hub, monkeypatch):
    # store a version as an old hub would have: no crosswalk applied yet
    monkeypatch.setattr(ingest_service, "harmonize_observations", lambda obs: obs)
    monkeypatch.setattr(ingest_service, "_vocab_version", lambda: "none")
    first = ingest_service.ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "maine")
    before = hub.lake.read_table("observations", "maine", 1)
    assert pc.count(before["master_code"]).as_py() == 0
    (hub.raw.root / first.sha256).unlink()  # prove that no raw file is needed

    done = reharmonise.publish_reharmonised(hub, "maine", actor="test")
    assert not done.unchanged and (done.from_version, done.version) == (1, 2)
    after = hub.lake.read_table("observations", "maine", 2)
    assert after.num_rows == before.num_rows
    assert pc.count(after["master_code"]).as_py() > 0.9 * after.num_rows
    assert after["source_code"].to_pylist() == before["source_code"].to_pylist()  # source values verbatim
    assert hub.lake.read_table("observations", "maine", 1).equals(before)  # the old version is untouched
    ds = get_dataset(hub, "maine")
    assert ds["version"] == 2 and [v["vocab_version"] for v in ds["versions"]] == ["none", done.vocab_after]
    assert {e["version"] for e in list_events(hub, dataset="maine", limit=100).items} == {2}
    again = reharmonise.publish_reharmonised(hub, "maine")
    assert again.unchanged and again.version is None


def test_cli_publish(tmp_path, monkeypatch):
    data = ["--data-dir", str(tmp_path / "d")]
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(DEMO_DIR / "mdmap-maine-2016-2023.csv"), "--dataset", "m", *data]
                         ).exit_code == 0
    out = json.loads(runner.invoke(app, ["vocab", "reharmonise", "m", "--publish", "--json", *data]).stdout)
    assert out["unchanged"] is True  # already harmonised with the installed vocabulary
    forced = json.loads(runner.invoke(app, ["vocab", "reharmonise", "m", "--publish", "--force", "--json", *data]
                                      ).stdout)
    assert forced["version"] == 2 and forced["unchanged"] is False
    missing = runner.invoke(app, ["vocab", "reharmonise", "nope", "--publish", *data])
    assert missing.exit_code == 2


def test_api_publish_needs_a_reviewer(hub, write_client):
    from litterhub.services import auth

    ingest_service.ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "maine")
    url = "/api/v1/vocab/datasets/maine/harmonisation"
    assert write_client.post(url).status_code == 401
    contributor = auth.create_user(hub, "c@example.org", "a long enough passphrase", role="contributor")
    key, _ = auth.create_api_key(hub, contributor.id)
    assert write_client.post(url, headers={"Authorization": f"Bearer {key}"}).status_code == 403
    reviewer = auth.create_user(hub, "r@example.org", "a long enough passphrase", role="reviewer")
    key, _ = auth.create_api_key(hub, reviewer.id)
    r = write_client.post(url, params={"force": "true"}, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 201 and r.json()["version"] == 2
    missing = write_client.post("/api/v1/vocab/datasets/nope/harmonisation",
                                headers={"Authorization": f"Bearer {key}"})
    assert missing.status_code == 404
