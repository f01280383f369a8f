"""litteR's function-level cases (tests/testthat/test-stats.R and computed R values).

Tolerance: 1e-9 relative (1e-12 absolute for values that are zero or differ only in R's last bits).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from litterhub.analysis.litter import stats

RTOL = 1e-9
ATOL = 1e-12


@pytest.fixture(scope="module")
def cases(shared_data):
    return json.loads((shared_data / "litter-reference" / "unit" / "litteR-unit-cases.json").read_text())


def close(a, b) -> bool:
    return bool(np.isclose(a, b, rtol=RTOL, atol=ATOL))


def test_theil_sen(cases):
    for key in ("theil_sen", "theil_sen_doc_example"):
        c = cases[key]
        slope, intercept = stats.theil_sen(c["x"], c["y"])
        assert close(slope, c["slope"]) and close(intercept, c["intercept"])


def test_mann_kendall_exact(cases):
    c = cases["mann_kendall"]
    assert close(stats.mann_kendall(c["x"], "less").tau, c["tau"])
    assert close(stats.mann_kendall(c["x"], "less").p_value, c["p_less"])
    assert close(stats.mann_kendall(c["x"], "two-sided").p_value, c["p_two_sided"])
    assert close(stats.mann_kendall(c["x"], "greater").p_value, c["p_greater"])
    for doc in (v for v in cases["mann_kendall_doc_examples"].values() if isinstance(v, dict)):
        mk = stats.mann_kendall(doc["x"], doc["type"], t=doc["t"])
        assert close(mk.tau, doc["tau"]) and close(mk.p_value, doc["p"])


def test_kendall_s_and_variance_with_ties(cases):
    c = cases["kendall_ties"]
    assert stats.kendall_s(c["x"], c["t"]) == c["S"]
    assert close(stats.kendall_var_s(c["x"], c["t"]), c["varS"])
    mk = stats.mann_kendall(c["x"], "greater", t=c["t"])
    assert close(mk.tau, c["mk_tau_b"]) and close(mk.p_value, c["mk_p_greater"])
    slope, intercept = stats.theil_sen(c["t"], c["x"])
    assert close(slope, c["ts_slope"]) and close(intercept, c["ts_intercept"])
    assert close(stats.kendall_var_s(cases["kendall_var_vbh"]["x"]), cases["kendall_var_vbh"]["varS"])
    assert close(stats.kendall_var_s(cases["kendall_var_gilbert"]["x"]), cases["kendall_var_gilbert"]["varS"])
    c = cases["kendall_vbh136"]
    assert stats.kendall_s(c["x"], c["t"]) == c["S"]
    assert close(stats.kendall_var_s(c["x"], c["t"]), c["varS"])


def test_regional_kendall(cases):
    c = cases["regional_kendall_gilbert171"]
    rk = stats.regional_kendall(c["region"], c["t"], c["x"])
    assert rk.S == c["S"] and close(rk.VarS, c["varS"]) and close(rk.Z, c["Z"])
    assert close(rk.p_increasing, c["p_increasing"])
    assert close(rk.p_decreasing, c["p_decreasing"])
    assert close(rk.p_both, c["p_both"])
    frame = pd.DataFrame({"site": c["region"], "t": pd.to_datetime(c["t"], unit="D"), "y": c["x"]})
    per_site = stats.series_statistics(frame, keys=["site"], time="t", value="y")
    assert per_site["S"].tolist() == c["S_site"]
    assert np.allclose(per_site["VarS"], c["varS_site"], rtol=RTOL)


def test_medcouple(cases):
    for c in cases["medcouple_fixed"]["cases"]:
        assert close(stats.medcouple(c["x"]), c["mc"])
    for name, c in cases["medcouple_random"].items():
        if isinstance(c, dict) and "x" in c:
            assert close(stats.medcouple(c["x"]), c["mc"]), name


def test_dispersion(cases):
    c = cases["various_stats"]
    assert close(stats.cv(c["x"]), c["cv"])
    assert close(stats.rmad(c["x"]), c["rmad"])
    assert close(stats.iod(c["x"]), c["iod"])


def test_adjusted_boxplot(cases):
    for c in cases["adj_boxplot"]["cases"]:
        box = stats.adjusted_boxplot(c["x"])
        got = [box.ymin, box.q1, box.median, box.q3, box.ymax]
        want = [c["stats"][k] for k in ("ymin", "lower", "middle", "upper", "ymax")]
        assert np.allclose(got, want, rtol=RTOL, atol=ATOL)


def test_wilcoxon(cases):
    c = cases["wilcoxon"]
    v, p = stats.signed_rank_test(np.array([c["x"]]), c["mu"], "less")
    assert v[0] == c["V"] and close(p[0], c["p"])
    for c in cases["wilcoxon_small"]["cases"]:
        v, p = stats.signed_rank_test(np.array([c["x"]]), c["mu"], c["alternative"])
        assert v[0] == c["V"] and close(p[0], c["p"])


def test_wilcoxon_exact_matches_scipy_exact():
    """No ties and no zeros, n < 50: the exact signed-rank distribution (scipy exact as reference)."""
    from scipy.stats import wilcoxon

    x = np.array([1.5, 2.25, 7.0, 3.1, 11.0, 0.4, 5.5, 6.6, 9.2])
    _, p = stats.signed_rank_test(x[None, :], 6.0, "less")
    assert close(p[0], wilcoxon(x - 6.0, alternative="less", method="exact").pvalue)


def test_trimean_and_natural_numbers(cases):
    for c in cases["trimean"]["cases"]:
        assert close(stats.trimean(c["x"]), c["trimean"])
    for c in cases["is_natural_number"]["cases"]:
        assert stats.is_natural_number(c["x"]).tolist() == c["expect"]


def test_exact_vs_normal_switch_between_34_and_49():
    """n = 40 without ties must use the exact distribution (scipy 'auto' would not)."""
    from scipy.stats import kendalltau

    rng = np.random.default_rng(7)
    y = rng.permutation(40).astype(float)
    frame = pd.DataFrame({"k": 1, "d": pd.date_range("2000-01-01", periods=40, freq="7D"), "y": y})
    row = stats.series_statistics(frame, keys=["k"], time="d", value="y").iloc[0]
    alternative = "greater" if row["b1"] > 0 else "less"
    want = kendalltau(np.arange(40), y, alternative=alternative, method="exact").pvalue
    assert close(row["p_value"], want)


def test_constant_series_shortcut_equals_general_formulas():
    """All-equal counts (types never found) skip the pairwise kernel; the results must equal the general ones."""
    t = [1, 1, 2, 3, 3, 3, 5, 8]
    frame = pd.DataFrame({"k": 1, "d": pd.to_datetime(t, unit="D"), "y": 4.0})
    row = stats.series_statistics(frame, keys=["k"], time="d", value="y").iloc[0]
    assert close(row["VarS"], stats.kendall_var_s([4.0] * len(t), t))
    assert row["S"] == stats.kendall_s([4.0] * len(t), t) == 0
    slope, intercept = stats.theil_sen(t, [4.0] * len(t))
    assert row["b1"] == slope == 0 and row["b0"] == intercept == 4
    assert np.isnan(row["tau"]) and np.isnan(row["p_value"]) and np.isnan(stats.mann_kendall([4.0] * 8).p_value)
