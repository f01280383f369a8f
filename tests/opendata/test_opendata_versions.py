"""Versioned, citable downloads: an older version keeps its own rows, extent, metadata and citation."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient


def test_older_versions_stay_downloadable_and_citable(hub, tmp_path):
    from litterhub.app import create_app
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import DEMO_DIR

    source = DEMO_DIR / "mdmap-maine-2016-2023.csv"
    with source.open(newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    first = tmp_path / "mdmap-part.csv"
    with first.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(records[:31])  # header + 30 transects (notes may span lines)
    assert ingest_file(hub, first, "mdmap", "maine").ok
    assert ingest_file(hub, source, "mdmap", "maine").ok  # the full export becomes version 2
    with TestClient(create_app(hub)) as c:
        assert c.get("/api/v1/datasets/maine").json()["version"] == 2
        v1 = list(csv.DictReader(io.StringIO(c.get("/api/v1/datasets/maine/versions/1/download.csv").text)))
        v2 = list(csv.DictReader(io.StringIO(c.get("/api/v1/datasets/maine/versions/2/download.csv").text)))
        assert len(v1) == 30 and len(v2) == 70 and {r["version"] for r in v1} == {"1"}
        d1 = c.get("/api/v1/datasets/maine/versions/1/datacite.json").json()["data"]["attributes"]
        assert d1["version"] == "1" and d1["url"].endswith("/datasets/maine?version=1")
        assert "30 sampling events" in d1["sizes"]
        cite = c.get("/api/v1/datasets/maine/versions/1/citation").json()["citation"]
        assert "Version 1." in cite and cite.endswith("?version=1")
        package = c.get("/api/3/action/package_show", params={"id": "maine"}).json()["result"]
        assert package["version"] == "2" and all("/versions/2/" in r["url"] for r in package["resources"])
        page = c.get("/datasets/maine", params={"version": 1}).text
        assert "/api/v1/datasets/maine/versions/1/download.zip" in page
