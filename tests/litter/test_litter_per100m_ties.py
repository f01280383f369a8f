"""litteR fidelity on per-100 m (non-integer) data: ties as R identifies them.

Reference cases of our own making: OSPAR-style counts on a 99 m transect, written per 100 m
with 15 significant digits (what R's write.csv and spreadsheets write), run through
`litterhub litter`. The expected numbers are derived here from first principles, with none of
the hub's code: exact rational arithmetic (`fractions`) for the group totals, `decimal` for R's
15-digit text, `itertools.permutations` for exact Kendall p-values, `math.erfc` for the normal
distribution. What R does, and so what is expected:

* a group total is R's `sum` of the parsed doubles: a long-double sum, rounded once; for three
  terms of similar size that is the correctly rounded exact sum;
* `sign(x[j] - x[i])`, `unique` and `duplicated` compare doubles exactly;
* `table` and `tapply` group doubles by `as.character`, i.e. by their value at 15 significant
  digits, so 1.01010101010101 + 5.05050505050505 (= 6.0606060606060606) and 6.06060606060606
  are one tie group there, and two values everywhere else.

Checked at 1e-9 relative.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.litter.r_reference import (
    f5,
    mann_kendall,
    phi,
    r_key,
    r_sum,
    regional_trend,
    s_statistic,
    sign,
    theil_sen_b1,
    tie_sum,
    var_s,
)
from typer.testing import CliRunner

from litterhub.analysis.litter import stats
from litterhub.cli import app

RTOL = 1e-9
TRANSECT_M = 99
TYPES = {"Plastic: Bags [2]": "PLASTIC", "Plastic: Caps [15]": "PLASTIC", "Wood: Other [74]": "WOOD"}
# region, location, surveys as item counts (bags, caps, wood) on the 99 m transect, one survey every 61 days
SURVEYS = {
    ("R1", "L1"): [(6, 0, 0), (1, 5, 0), (6, 0, 0), (1, 5, 0), (2, 0, 1), (0, 0, 9), (3, 4, 0), (7, 0, 0)],
    ("R1", "L2"): [(1, 5, 0), (0, 0, 2), (6, 0, 0), (3, 4, 0), (0, 0, 4), (7, 0, 0), (0, 0, 10)],
    ("R2", "L3"): [(2, 1, 1)],
    ("R2", "L4"): [(1, 1, 0), (2, 0, 1)],
    ("R3", "L5"): [(1, 5, 3), (1, 5, 3)],
}
FIRST_DAY = 16_436  # 2015-01-01 in days since 1970-01-01


def per_100m_text(count: int) -> str:
    """count × 100 / 99 as R's write.csv and spreadsheets write it: 15 significant digits."""
    return f"{count * 100 / TRANSECT_M:.15g}"


def series() -> dict[tuple[str, str, str], tuple[list[int], list[float]]]:
    """(region, location, group) -> (days, values) as R has them after reading and summing."""
    out = {}
    for (region, location), rows in SURVEYS.items():
        days = [FIRST_DAY + 61 * k for k in range(len(rows))]
        parsed = [[float(per_100m_text(c)) for c in row] for row in rows]
        names = list(TYPES)
        groups = {
            "TC": [r_sum(row) for row in parsed],
            "PLASTIC": [r_sum([v for v, name in zip(row, names, strict=True) if TYPES[name] == "PLASTIC"])
                        for row in parsed],
            "WOOD": [r_sum([row[2]]) for row in parsed],
        }
        for i, name in enumerate(names):
            groups[name.lower()] = [row[i] for row in parsed]
        for group, values in groups.items():
            out[(region, location, group)] = (days, values)
    return out


def expected_location(days, y) -> dict[str, float]:
    b1 = theil_sen_b1(days, y) if len(y) >= 2 else math.nan
    if len(y) < 2 or math.isnan(b1):
        return {"tau": math.nan if len(y) < 2 else mann_kendall(y, True)[0], "p_value": math.nan}
    tau, p = mann_kendall(y, b1 > 0)
    return {"tau": tau, "p_value": p}


def write_inputs(folder: Path) -> Path:
    lines = ["region_code,location_code,date," + ",".join(TYPES)]
    for (region, location), rows in SURVEYS.items():
        for k, row in enumerate(rows):
            day = np.datetime64("1970-01-01") + np.timedelta64(FIRST_DAY + 61 * k, "D")
            lines.append(f"{region},{location},{day}," + ",".join(per_100m_text(c) for c in row))
    (folder / "per100m.csv").write_text("\n".join(lines) + "\n")
    type_rows = ["type_name,included,PLASTIC,WOOD"]
    type_rows += [f"{name},x,{'x' if g == 'PLASTIC' else ''},{'x' if g == 'WOOD' else ''}" for name, g in TYPES.items()]
    (folder / "types.csv").write_text("\n".join(type_rows) + "\n")
    settings = folder / "settings.yaml"
    settings.write_text("date_min: 2015-01-01\ndate_max: 2016-12-31\npercentage_total_count: 100\n"
                        "file_data: per100m.csv\nfile_types: types.csv\n")
    return settings


@pytest.fixture(scope="module")
def litter_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("per100m")
    out = folder / "out"
    result = CliRunner().invoke(app, ["litter", str(write_inputs(folder)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "location_stats.csv"), pd.read_csv(out / "regional_stats.csv")


def close(have: float, want: float) -> bool:
    return (math.isnan(have) and math.isnan(want)) or math.isclose(have, want, rel_tol=RTOL, abs_tol=1e-12)


def test_the_cases_exercise_r_ties():
    """The data hold what the rule is about: totals equal at 15 digits but not as doubles."""
    _, tc = series()[("R1", "L1", "TC")]
    assert tc[0] != tc[1] and r_key(tc[0]) == r_key(tc[1])
    assert tc[6] != tc[7] and r_key(tc[6]) == r_key(tc[7])
    assert tc[0] == tc[2] and tc[1] == tc[3]  # exact duplicates: cor.test takes the normal approximation


def test_location_tau_and_p_value(litter_run):
    location, _ = litter_run
    got = location.set_index(["location_code", "type_name"])
    checked = 0
    for (_, loc, group), (days, y) in series().items():
        want = expected_location(days, y)
        row = got.loc[(loc, group)]
        for column in ("tau", "p_value"):
            assert close(float(row[column]), want[column]), (loc, group, column, row[column], want[column])
        checked += 1
    assert checked == len(series())


def test_regional_kendall_statistics(litter_run):
    _, regional = litter_run
    got = regional.set_index(["region_code", "type_name"])
    by_region: dict[tuple[str, str], list] = {}
    for (region, _, group), values in series().items():
        by_region.setdefault((region, group), []).append(values)
    for key, members in by_region.items():
        want = regional_trend(members)
        for column, value in want.items():
            assert close(float(got.loc[key, column]), value), (key, column, got.loc[key, column], value)
    # litteR's NA pattern: R2 has a beach with one survey (S, Z, p missing); R3's two equal surveys
    # give S = 0, so Z = 0 and p = 0.5 although Var S is missing
    assert got.loc[("R2", "TC"), ["S", "VarS", "Z", "p_value"]].isna().all()
    assert got.loc[("R3", "TC"), "S"] == 0 and np.isnan(got.loc[("R3", "TC"), "VarS"])
    assert got.loc[("R3", "TC"), "p_value"] == 0.5


def test_exact_ties_would_give_other_numbers(litter_run):
    """Guard: identifying ties by exact equality (the old rule) does not give litteR's numbers here."""
    location, regional = litter_run
    _, tc = series()[("R1", "L1", "TC")]
    exact_sizes = pd.Series(tc).value_counts().to_list()
    n = len(tc)
    naive_var = (n * (n - 1) * (2 * n + 5) - tie_sum(exact_sizes, f5)) / 18
    assert not close(naive_var, var_s(tc))
    got = location.set_index(["location_code", "type_name"]).loc[("L1", "TC"), "p_value"]
    s = s_statistic(tc)
    naive_z = s / math.sqrt(naive_var)
    assert not close(float(got), phi(naive_z)) and not close(float(got), 1 - phi(naive_z))


def test_scalar_functions_follow_the_same_rule():
    third = 0.1 + 0.2  # 0.30000000000000004: R's table() puts it with 0.3
    y = [0.3, third, 0.5, 0.3, third, 0.7]
    t = [1, 2, 3, 4, 5, 6]
    sizes = pd.Series([r_key(v) for v in y]).value_counts().to_list()
    n = len(y)
    want_var = (n * (n - 1) * (2 * n + 5) - tie_sum(sizes, f5)) / 18
    assert close(stats.kendall_var_s(y, t), want_var)
    assert stats.kendall_s(y, t) == s_statistic(y)
    tau, p_greater = mann_kendall(y, True)
    mk = stats.mann_kendall(y, "greater", t=t)
    assert close(mk.tau, tau) and close(mk.p_value, p_greater)
    rk = stats.regional_kendall([1] * n + [2] * 3, t + [1, 2, 3], y + [0.1, 0.2, third])
    want_s = s_statistic(y) + s_statistic([0.1, 0.2, third])
    assert rk.S == want_s
    assert close(rk.VarS, want_var + var_s([0.1, 0.2, third]))
    assert close(rk.Z, (want_s - sign(want_s)) / math.sqrt(rk.VarS))
    assert math.isnan(stats.kendall_s([1.0]))


def test_api_run_gives_the_same_numbers(tmp_path):
    """POST /api/v1/litter/runs with the same three files: the regional table as JSON, NA as null."""
    from fastapi.testclient import TestClient

    from litterhub.app import create_app
    from litterhub.services.hub import Hub

    settings = write_inputs(tmp_path)
    hub = Hub.open(tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'catalog.sqlite'}")
    try:
        with TestClient(create_app(hub), raise_server_exceptions=False) as client:
            files = {name: (f"{name}.csv", (tmp_path / file).read_bytes())
                     for name, file in (("data", "per100m.csv"), ("types", "types.csv"))}
            files["settings"] = ("settings.yaml", settings.read_bytes())
            response = client.post("/api/v1/litter/runs", files=files)
    finally:
        hub.close()
    assert response.status_code == 200, response.text
    rows = {(r["region_code"], r["type_name"]): r for r in response.json()["regional_stats"]}
    members = [v for (region, _, group), v in series().items() if region == "R1" and group == "TC"]
    want = regional_trend(members)
    for column, value in want.items():
        assert close(float(rows[("R1", "TC")][column]), value), column
    assert rows[("R2", "TC")]["S"] is None and rows[("R2", "TC")]["p_value"] is None


def test_r_tie_keys_group_as_r_prints_and_keep_order():
    """Keys equal exactly when the 15-digit text is equal (checked against `decimal`), and sorted like the values."""
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 60, 400)
    lengths = rng.integers(20, 200, 400)
    base = counts * 100 / lengths
    values = np.concatenate([base, np.nextafter(base, np.inf), np.nextafter(base, -np.inf), base * (1 + 4e-15),
                             [0.3, 0.1 + 0.2, 1e15 + 0.5, 123456789012345.6]])
    keys = stats.r_tie_keys(values)
    text = [r_key(v) for v in values.tolist()]
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(keys[order]) >= 0)
    for i, j in zip(order[:-1], order[1:], strict=True):
        assert (keys[i] == keys[j]) == (text[i] == text[j]), (values[i], values[j])
    assert len(set(keys.tolist())) < len(set(values.tolist()))  # some distinct doubles do print alike
