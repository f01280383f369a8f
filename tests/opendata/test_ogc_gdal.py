"""GDAL's OAPIF driver (Debian's gdal-bin: ogrinfo/ogr2ogr) against a live hub: it lists the layers, reads
features, applies a spatial filter (sent as bbox) and an attribute filter (`-where`, pushed to the server as
CQL2 text via the queryables), and every count must equal the hub's own numberMatched."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

MAINE = (-71.0, 43.0, -70.0, 44.0)  # the NOAA MDMAP sites are on the Maine coast


def _gdal(*args: str, debug: bool = False) -> subprocess.CompletedProcess:
    tool = shutil.which(args[0])
    if tool is None:
        pytest.fail(f"{args[0]} not found: install Debian's gdal-bin (.ci/run does)")
    env = {"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "30", "CPL_DEBUG": "ON" if debug else "OFF",
           "GDAL_HTTP_MAX_RETRY": "0", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return subprocess.run([tool, *args[1:]], capture_output=True, text=True, timeout=120, env=env)


def _count(output: str) -> int:
    m = re.search(r"Feature Count: (\d+)", output)
    assert m, output[-2000:]
    return int(m.group(1))


def _matched(client, cid: str, **params) -> int:
    r = client.get(f"/ogc/collections/{cid}/items", params={"limit": 1, **params})
    assert r.status_code == 200, r.text
    return r.json()["numberMatched"]


def test_ogrinfo_lists_the_collections_as_layers(http_server, client):
    r = _gdal("ogrinfo", "-ro", "-q", f"OAPIF:{http_server}/ogc")
    assert r.returncode == 0, r.stderr
    layers = set(re.findall(r"^\d+: (\S+)", r.stdout, re.M))
    ids = {c["id"] for c in client.get("/ogc/collections").json()["collections"]}
    assert layers == ids


def test_ogr2ogr_reads_every_feature_of_a_collection(http_server, client, tmp_path):
    out = tmp_path / "maine.geojson"
    r = _gdal("ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{http_server}/ogc", "mdmap-maine")
    assert r.returncode == 0, r.stderr
    features = json.loads(out.read_text())["features"]
    assert len(features) == _matched(client, "mdmap-maine") > 0
    assert {f["properties"]["dataset_id"] for f in features} == {"mdmap-maine"}


def test_spatial_filter_and_cql2_where_match_the_hubs_counts(http_server, client):
    every = client.get("/ogc/collections/events/items", params={"limit": 10000}).json()["features"]
    country = sorted({f["properties"]["country"] for f in every if f["properties"]["country"]})[0]
    spat = [str(v) for v in MAINE]
    bbox = ",".join(spat)

    r = _gdal("ogrinfo", "-ro", "-so", "-spat", *spat, f"OAPIF:{http_server}/ogc", "events")
    assert r.returncode == 0, r.stderr
    assert _count(r.stdout) == _matched(client, "events", bbox=bbox) > 0

    # on one programme's collection: GDAL 3.6 types each property from the first page of features and ignores
    # the queryables schema, and the first page of "events" is NCEI microplastics (no total_count: concentrations),
    # so GDAL would take total_count for a string and refuse ">"
    mlw = client.get("/ogc/collections/mlw-sample/items", params={"limit": 10000}).json()["features"]
    mlw_country = sorted({f["properties"]["country"] for f in mlw if f["properties"]["country"]})[0]
    where = f"country = '{mlw_country}' AND total_count > 5"
    r = _gdal("ogrinfo", "-ro", "-so", "-where", where, f"OAPIF:{http_server}/ogc", "mlw-sample", debug=True)
    assert r.returncode == 0, r.stderr
    expected = _matched(client, "mlw-sample", filter=where)
    assert _count(r.stdout) == expected
    assert 0 < expected < len(mlw)
    # the filter went to the server as CQL2 text (GDAL 3.6 names it by its Part 3 draft name, cql-text), not
    # evaluated client-side over every feature: after reading the API document every items request is filtered
    fetched = re.findall(r"Fetch\((\S+)\)", r.stderr)
    after_api = fetched[next(i for i, u in enumerate(fetched) if u.endswith("/ogc/api")) + 1:]
    items = [u for u in after_api if "/items" in u]
    assert items and all("filter=" in u and "filter-lang=cql-text" in u for u in items), fetched

    r = _gdal("ogrinfo", "-ro", "-so", "-spat", *spat, "-where", f"country = '{country}'",
              f"OAPIF:{http_server}/ogc", "events")
    assert r.returncode == 0, r.stderr
    assert _count(r.stdout) == _matched(client, "events", bbox=bbox, filter=f"country = '{country}'")
