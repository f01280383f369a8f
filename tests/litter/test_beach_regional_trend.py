"""Regional trends of `analyse beach --group-by region|country` come with p-values (regional Kendall).

Real exports (OSPAR NL through its native export layout, EEA Marine LitterWatch) in one hub. Many
MLW sites were surveyed once or twice, which under litteR's own rule (one beach without Var S makes
the region's Var S missing) left every regional p-value missing. The hub takes the trend over the
sites that can carry one (>= 3 surveys on >= 2 dates), as litteR's report asks its user to do. Every
regional S, Var S, Z, slope and p-value is recomputed here from the survey totals, from first
principles (`r_reference`), at 1e-9.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from tests.litter.r_reference import regional_trend
from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services import indicators
from litterhub.services.hub import Hub
from litterhub.services.ingest import ingest_file

RTOL = 1e-9
CLASS = "comparability_class"


@pytest.fixture(scope="module")
def hub_with_exports(shared_data, tmp_path_factory):
    data = tmp_path_factory.mktemp("regional-trend") / "data"
    hub = Hub.open(data)
    ingest_file(hub, shared_data / "ospar-nl-litteR" / "beach-litter-nl-2012-2017-ospar-export.csv", "ospar")
    ingest_file(hub, shared_data / "eea-marine-litterwatch" / "mlw-data.csv", "mlw")
    yield hub, data
    hub.close()


def _close(have, want: float) -> bool:
    have = math.nan if have is None else float(have)
    return (math.isnan(have) and math.isnan(want)) or math.isclose(have, want, rel_tol=RTOL, abs_tol=1e-12)


def _expected(surveys: pd.DataFrame, area: str, keys: list[str]) -> dict[tuple, dict[str, float]]:
    """Per class × area × group: the regional Kendall test over the sites with >= 3 surveys on >= 2 dates."""
    frame = surveys.assign(**{area: surveys[area].fillna("(none)")})
    frame = frame.assign(day=(pd.to_datetime(frame["event_date"]) - pd.Timestamp("1970-01-01")).dt.days)
    site_area = frame.dropna(subset=[area]).drop_duplicates("site_id").set_index("site_id")[area]
    frame[area] = frame["site_id"].map(site_area)
    out = {}
    for key, part in frame.groupby([*keys, "group"], sort=False):
        members = []
        for _, site in part.groupby("site_id"):
            days, values = site["day"].tolist(), site["count"].tolist()
            if len(values) >= 3 and len(set(days)) >= 2:
                members.append((days, values))
        if members:
            out[key] = regional_trend(members)
    return out


def test_regional_trends_have_p_values_recomputed(hub_with_exports):
    hub, _ = hub_with_exports
    result = indicators.beach(hub, None, group_by="region", per_100m=True)
    table = result.tables["region"]
    keys = [c for c in (CLASS, "region") if c in table.columns]
    expected = _expected(result.tables["surveys"], "region", keys)
    assert len(expected) >= 10  # several regions × groups carry a trend
    checked = 0
    for row in table.to_dict("records"):
        key = (*(row[k] for k in keys), row["group"])
        if key not in expected:
            assert row["trend_sites"] == 0 and math.isnan(row["p_value"]) and row["trend_note"], key
            continue
        for column, value in expected[key].items():
            assert _close(row[column], value), (key, column, row[column], value)
        assert 0 <= row["p_value"] <= 1 and row["trend_note"] == ""
        checked += 1
    assert checked == len(expected)


def test_cli_country_and_region_json_carry_p_values(hub_with_exports, shared_data):
    _, data = hub_with_exports
    reference = shared_data / "litter-reference" / "litteR-1.0.0-output"
    tables = {}
    for area in ("country", "region"):
        out = CliRunner().invoke(app, ["analyse", "beach", "--group-by", area, "--per-100m", "--json",
                                       "--data-dir", str(data)])
        assert out.exit_code == 0, out.output
        rows = tables[area] = json.loads(out.stdout)["tables"][area]
        with_trend = [r for r in rows if r["trend_sites"] > 0]
        assert with_trend and all(r["p_value"] is not None and 0 <= r["p_value"] <= 1 for r in with_trend)
        assert all(r["p_value"] is None and r["trend_note"] for r in rows if r["trend_sites"] == 0)
    # the Netherlands' monitoring surveys: the four OSPAR beaches carry the trend, which is litteR 1.0.0's own
    want = pd.read_csv(reference / "types-ospar-tests" / "regional_stats_full_precision.csv").set_index("type_name")
    nl = [r for r in tables["country"] if r["group"] == "TC" and r["country"] == "NLD" and r["trend_sites"] == 4]
    assert len(nl) == 1
    for column in ("S", "VarS", "Z", "p_value", "slope"):
        assert _close(nl[0][column], float(want.loc["TC", column])), column


def test_api_region_table_has_p_values(hub_with_exports):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    hub, _ = hub_with_exports
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        response = client.get("/api/v1/indicators/beach", params={"group_by": "region", "per_100m": "true"})
        assert response.status_code == 200, response.text
        rows = response.json()["tables"]["region"]
        csv = client.get("/api/v1/indicators/beach", params={"group_by": "region", "per_100m": "true",
                                                            "format": "csv", "table": "region"})
    assert csv.status_code == 200 and "p_value" in csv.text.splitlines()[0] and "trend_sites" in csv.text
    with_trend = [r for r in rows if r["trend_sites"] > 0]
    assert len(with_trend) >= 10 and all(isinstance(r["p_value"], float) for r in with_trend)


def test_web_indicators_page_links_country_trends_with_p_values(hub_with_exports):
    """/indicators offers the country statistics as CSV; following the link gives p-values for the trends."""
    import csv
    import html
    import io
    import re

    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    hub, _ = hub_with_exports
    with TestClient(create_app(hub), raise_server_exceptions=False) as client:
        page = client.get("/indicators")
        assert page.status_code == 200
        pattern = r'href="([^"]*group_by=country[^"]*table=country[^"]*)"'
        links = [html.unescape(h) for h in re.findall(pattern, page.text)]
        assert links
        response = client.get(links[0])
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    with_trend = [r for r in rows if int(r["trend_sites"]) > 0]
    assert with_trend and all(0 <= float(r["p_value"]) <= 1 for r in with_trend)
