"""`litterhub export` bulk snapshots and CORS on the read endpoints."""

from __future__ import annotations

import hashlib
import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.services.setup import DEMO_FILES


def test_export_command_writes_a_checksummed_snapshot(demo_hub, tmp_path):
    from litterhub.cli import app

    result = CliRunner().invoke(app, ["export", "--out", str(tmp_path), "--json", "--base-url",
                                      "https://hub.example.org", "--data-dir", str(demo_hub.settings.data_dir)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    snapshot = tmp_path / summary["path"].rsplit("/", 1)[-1]
    assert summary["datasets"] == len(DEMO_FILES) and snapshot.is_dir()
    manifest = json.loads((snapshot / "manifest.json").read_text())
    for name in ("catalog.ttl", "catalog.jsonld", "datasets/mlw-sample/v1/mlw-sample-v1.zip",
                 "datasets/mdmap-maine/v1/mdmap-maine-v1.parquet", "datasets/mdmap-maine/v1/datacite.xml"):
        assert name in manifest["files"], name
        assert hashlib.sha256((snapshot / name).read_bytes()).hexdigest() == manifest["files"][name]["sha256"]
    assert "https://hub.example.org/datasets/mlw-sample" in (snapshot / "catalog.ttl").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_cors_allows_any_origin_to_read_but_not_to_write(demo_hub):
    from litterhub.app import create_app
    from litterhub.http.cors import install_cors

    app = create_app(demo_hub)
    install_cors(app)
    with TestClient(app) as c:
        r = c.get("/api/v1/datasets", headers={"Origin": "https://portal.example"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in r.headers
        ok = c.options("/ogc/collections", headers={"Origin": "https://portal.example",
                                                     "Access-Control-Request-Method": "GET"})
        assert ok.status_code == 200 and "GET" in ok.headers["access-control-allow-methods"]
        refused = c.options("/api/v1/datasets", headers={"Origin": "https://portal.example",
                                                          "Access-Control-Request-Method": "POST"})
        assert refused.status_code == 400
