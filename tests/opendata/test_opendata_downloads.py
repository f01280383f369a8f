"""Downloads: Frictionless Data Package, GeoParquet 1.1, GeoJSON, CSV (formula-injection safe), query downloads."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

V1 = "/api/v1/datasets/{}/versions/1/download.{}"


def test_frictionless_validates_the_downloaded_data_package(client, tmp_path):
    from frictionless import Package, validate

    r = client.get(V1.format("mdmap-maine", "zip"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert 'filename="mdmap-maine-v1.zip"' in r.headers["content-disposition"]
    zipfile.ZipFile(io.BytesIO(r.content)).extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC0-1.0" and (tmp_path / "LICENSE.md").exists()
    assert {res["name"] for res in descriptor["resources"]} == {"events", "observations"}
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    package = Package(str(tmp_path / "datapackage.json"))
    assert len(package.get_resource("events").read_rows()) == 70


def test_a_corrupted_package_fails_validation(client, tmp_path):
    from frictionless import validate

    zipfile.ZipFile(io.BytesIO(client.get(V1.format("mdmap-maine", "zip")).content)).extractall(tmp_path)
    events = tmp_path / "data" / "events.csv"
    events.write_text(events.read_text().replace(",2016-", ",not-a-date-", 1))
    assert not validate(str(tmp_path / "datapackage.json")).valid


def test_geopandas_reads_the_geoparquet(client, tmp_path):
    import geopandas as gpd

    r = client.get(V1.format("mlw-sample", "parquet"))
    assert r.status_code == 200
    path = tmp_path / "mlw.parquet"
    path.write_bytes(r.content)
    geo = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB" and column["geometry_types"] == ["Point"] and "crs" not in column
    assert column["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]
    frame = gpd.read_parquet(path)
    assert len(frame) == 453 and str(frame.crs) == "OGC:CRS84"
    assert frame.geometry.x.tolist() == pytest.approx(frame["lon"].tolist())
    assert frame.geometry.y.tolist() == pytest.approx(frame["lat"].tolist())
    assert list(frame.total_bounds) == pytest.approx(column["bbox"])
    bbox = pq.read_table(path, columns=["bbox"]).column("bbox").combine_chunks()
    assert bbox.type == pa.struct([(k, pa.float64()) for k in ("xmin", "ymin", "xmax", "ymax")])


def test_geoparquet_rows_are_spatially_ordered(client):
    import numpy as np

    from litterhub.services.downloads import morton_keys

    table = pq.read_table(io.BytesIO(client.get(V1.format("mlw-sample", "parquet")).content), columns=["lon", "lat"])
    keys = morton_keys(table.column("lon").to_numpy(), table.column("lat").to_numpy())
    assert np.all(np.diff(keys) >= 0)


def test_geojson_download_is_a_feature_collection(client):
    r = client.get(V1.format("mdmap-maine", "geojson"))
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 70
    f = fc["features"][0]
    assert f["geometry"]["coordinates"] == [f["properties"]["lon"], f["properties"]["lat"]]


def test_csv_download_has_every_event_and_the_observations_table(client):
    rows = list(csv.DictReader(io.StringIO(client.get(V1.format("mlw-sample", "csv")).text)))
    assert len(rows) == 453 and rows[0]["dataset_id"] == "mlw-sample"
    obs = client.get(V1.format("mlw-sample", "csv"), params={"table": "observations"})
    assert obs.status_code == 200
    assert sum(1 for _ in csv.DictReader(io.StringIO(obs.text))) == 18535
    assert client.get(V1.format("mlw-sample", "csv"), params={"table": "users"}).status_code == 400
    assert client.get("/api/v1/datasets/mlw-sample/versions/9/download.csv").status_code == 404
    assert client.get("/api/v1/datasets/nope/versions/1/download.zip").status_code == 404


def test_events_query_download_matches_the_events_api(client):
    params = {"country": "ROU", "from": "2016-01-01", "to": "2019-12-31"}
    page = client.get("/api/v1/events", params={**params, "limit": 1000}).json()["items"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/events/download.csv", params=params).text)))
    assert rows and [r["event_id"] for r in rows] == [e["event_id"] for e in page]
    geo = client.get("/api/v1/events/download.geojson", params={"dataset": "mdmap-maine"}).json()
    assert len(geo["features"]) == 70
    assert client.get("/api/v1/events/download.parquet", params={"site": "none"}).status_code == 200
    assert client.get("/api/v1/events/download.csv", params={"from": "2019-13-01"}).status_code == 400


def test_formula_cells_are_neutralised():
    from litterhub.services.downloads import csv_chunks

    batch = pa.RecordBatch.from_pydict({"text": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "safe",
                                                 None], "number": [-1.5, 2.0, -3.0, 0.0, 1.0, 2.0, None]})
    out = b"".join(csv_chunks(iter([batch]), batch.schema)).decode()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["text"] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "safe", ""]
    assert rows[0]["number"] == "-1.5"  # numbers are never altered


def test_formula_injection_in_ingested_data_is_neutralised_end_to_end(hub, tmp_path):
    """A hostile survey id in a real MDMAP export reaches the CSV download quoted, not as a formula."""
    from litterhub.services import downloads
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import DEMO_DIR

    lines = (DEMO_DIR / "mdmap-maine-2016-2023.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(csv.reader(lines))
    col = rows[0].index("survey_id")
    for row in rows[1:]:
        row[col] = f'=HYPERLINK("http://evil.example","{row[col]}")'  # keeps survey ids distinct
    crafted = tmp_path / "mdmap-crafted.csv"
    with crafted.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert ingest_file(hub, crafted, "mdmap", "crafted").ok
    out = b"".join(downloads.version_download(hub, "http://h", "crafted", 1, "csv").chunks).decode()
    groups = {r["survey_group"] for r in csv.DictReader(io.StringIO(out))}
    assert len(groups) > 1 and all(g.startswith("'=HYPERLINK(\"http://evil.example\",") for g in groups)


def test_live_datapackage_descriptor_validates_over_http(http_server):
    import httpx
    from frictionless import validate

    url = f"{http_server}/api/v1/datasets/mdmap-maine/versions/1/datapackage.json"
    descriptor = httpx.get(url).json()
    assert [r["path"].split("?")[1] for r in descriptor["resources"]] == ["table=events", "table=observations"]
    report = validate(url)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    assert report.tasks[0].stats["rows"] == 70
