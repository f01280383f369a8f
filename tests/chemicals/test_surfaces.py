"""The knowledge base through the API, the CLI and the web pages (six languages), and in the demo."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from litterhub.cli import app


def test_api_search_paging_and_problems(chem_client):
    r = chem_client.get("/api/v1/chemicals", params={"q": "增塑剂", "limit": 10})
    body = r.json()
    assert r.status_code == 200 and body["total"] > 100 and len(body["items"]) == 10 and body["next_offset"] == 10
    last = chem_client.get("/api/v1/chemicals", params={"q": "增塑剂", "limit": 10, "offset": body["total"] - 1})
    assert last.json()["next_offset"] is None and len(last.json()["items"]) == 1
    both = chem_client.get("/api/v1/chemicals", params=[("polymer", "PP"), ("polymer", "PO"), ("flag", "CMR")]).json()
    assert both["filters"] == {"polymer": ["PP", "PO"], "flag": ["CMR"]} and 0 < both["total"] < body["total"]
    assert all("CMR" in i["flags"] and {"PP", "PO"} & set(i["polymers"]) for i in both["items"])
    bad = chem_client.get("/api/v1/chemicals/50-00-X")
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["code"] == "chemicals-invalid-cas"
    missing = chem_client.get("/api/v1/chemicals/9999999-99-5")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "chemicals-not-found"
    csv_r = chem_client.get("/api/v1/chemicals", params={"q": "增塑剂", "format": "csv"})
    assert csv_r.status_code == 200 and csv_r.text.count("\n") == body["total"] + 1


def test_api_substance_sources_and_lens(chem_client):
    doc = chem_client.get("/api/v1/chemicals/117-81-7").json()
    assert doc["conflicts"] and all(s["citation"] and s["licence"] and s["version"] for s in doc["sources"])
    lens = chem_client.get("/api/v1/vocab/items/G95/chemicals").json()
    assert lens["total"] > 500 and lens["polymers"][0]["polymer"] == "PP"
    assert chem_client.get("/api/v1/vocab/items/NOPE/chemicals").status_code == 404
    sources = chem_client.get("/api/v1/chemicals/sources").json()
    assert sources["count"] == 5 and {s["key"] for s in sources["items"]} >= {"plasticmap", "stockholm"}


def test_cli_search_and_show(chem_import):
    data = ["--data-dir", str(chem_import[0])]
    runner = CliRunner()
    r = runner.invoke(app, ["chemicals", "search", "增塑剂", "--json", "--limit", "3", *data])
    assert r.exit_code == 0 and json.loads(r.output)["recognised"][0]["code"] == "plasticiser"
    r = runner.invoke(app, ["chemicals", "search", "--polymer", "PVC", "--flag", "CMR", "--format", "csv", *data])
    lines = r.output.strip().splitlines()
    assert r.exit_code == 0 and lines[0].startswith("cas,name") and len(lines) > 10
    assert all(",PVC" in ln or "; PVC" in ln or "PVC;" in ln for ln in lines[1:])
    r = runner.invoke(app, ["chemicals", "show", "117-81-7", *data])
    assert r.exit_code == 0 and "CONFLICT listing eu-toys" in r.output and "plasticiser" in r.output
    r = runner.invoke(app, ["chemicals", "show", "117-81-8", *data])
    assert r.exit_code == 1 and "chemicals-not-found" in r.output
    r = runner.invoke(app, ["chemicals", "lens", "G95", *data])
    assert r.exit_code == 0 and "PP (typical)" in r.output and "not measured content" in r.output
    r = runner.invoke(app, ["registry", "import-chemicals", "/nonexistent/folder", *data])
    assert r.exit_code == 1 and "chemicals-folder-missing" in r.output


def test_web_pages_in_six_languages(chem_client):
    page = chem_client.get("/chemicals", params={"q": "增塑剂", "lang": "zh"})
    assert page.status_code == 200 and "塑料中的化学物质" in page.text
    assert 'data-recognised="function:plasticiser"' in page.text
    ar = chem_client.get("/chemicals/117-81-7", params={"lang": "ar"})
    assert ar.status_code == 200 and 'dir="rtl"' in ar.text and 'id="conflicts"' in ar.text
    assert "حيث تختلف المصادر" in ar.text
    for lang, heading in [("en", "Chemicals this item may carry"), ("fr", "Substances chimiques que cet objet"),
                          ("ru", "Химические вещества")]:
        item = chem_client.get("/vocab/items/G95", params={"lang": lang})
        assert item.status_code == 200 and heading in item.text and 'data-polymer="PP"' in item.text
        assert 'id="lens-examples"' in item.text and "/chemicals/117-81-7" in item.text
    assert 'href="/chemicals"' in chem_client.get("/registry", params={"lang": "es"}).text  # reachable from Knowledge
    assert chem_client.get("/chemicals/12-34-5").status_code == 404
    assert chem_client.get("/chemicals/<script>").status_code in (400, 404)


def test_demo_bundles_only_the_stockholm_listing(client):
    body = client.get("/api/v1/chemicals", params={"limit": 1}).json()
    assert body["total"] == 36 and body["facets"]["source"] == [
        {"value": "stockholm", "label": "Stockholm Convention POPs listings (compiled for this project)", "count": 36}]
    assert client.get("/api/v1/chemicals", params={"q": "POPs"}).json()["total"] == 36
