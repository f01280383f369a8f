"""Size alignment against the reference cases printed in specs/methods.md §4.4."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from litterhub.analysis.microplastics.alignment import AlignmentError, correction_factor, mle_alpha
from litterhub.cli import app

runner = CliRunner()


def test_koelmans_default_manta_case():
    """α = 1.6, 333–5000 µm → 1–5000 µm: expected CF 40.36722 (methods.md §4.4), to the printed 7 digits."""
    assert correction_factor(1.6, (333, 5000)) == pytest.approx(40.36722, abs=5e-6)


@pytest.mark.parametrize("alpha", [1.0, 1.6, 2.07, 3.25])
def test_identity_range_gives_one(alpha):
    assert correction_factor(alpha, (1, 5000), (1, 5000)) == pytest.approx(1.0, rel=1e-12)


def test_alpha_one_is_the_logarithmic_limit():
    near = correction_factor(1.0 + 1e-7, (333, 5000))
    assert correction_factor(1.0, (333, 5000)) == pytest.approx(np.log(5000) / np.log(5000 / 333))
    assert near == pytest.approx(correction_factor(1.0, (333, 5000)), rel=1e-5)


def test_vectorised_over_samples():
    lows = np.array([333.0, 100.0, 20.0])
    cfs = correction_factor(1.6, (lows, np.full(3, 5000.0)))
    assert cfs.shape == (3,)
    assert cfs[0] == pytest.approx(correction_factor(1.6, (333, 5000)))
    assert np.all(np.diff(cfs) < 0)  # a finer mesh catches more, so needs less correction


def test_mle_alpha_recovers_a_known_exponent():
    rng = np.random.default_rng(7)
    x_min, alpha = 100.0, 2.5
    sample = x_min * (1 - rng.random(200_000)) ** (-1 / (alpha - 1))  # inverse-CDF power-law draws
    assert mle_alpha(sample, x_min) == pytest.approx(alpha, abs=0.02)


@pytest.mark.parametrize(("measured", "target"), [((5000, 333), (1, 5000)), ((0, 5000), (1, 5000)),
                                                  ((333, 5000), (10, 10))])
def test_bad_ranges_are_clear_errors(measured, target):
    with pytest.raises(AlignmentError):
        correction_factor(1.6, measured, target)


def test_cli_json():
    res = runner.invoke(app, ["microplastics", "align", "--alpha", "1.6", "--measured", "333", "5000",
                              "--target", "1", "5000", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["correction_factor"] == pytest.approx(40.36722, abs=5e-6)
    bad = runner.invoke(app, ["microplastics", "align", "--alpha", "1.6", "--measured", "5000", "333"])
    assert bad.exit_code == 2 and "upper limit" in bad.output


def test_api(client):
    r = client.get("/api/v1/microplastics/align", params={"alpha": 1.6, "measured_low": 333,
                                                          "measured_high": 5000})
    assert r.status_code == 200 and r.json()["correction_factor"] == pytest.approx(40.36722, abs=5e-6)
    bad = client.get("/api/v1/microplastics/align", params={"alpha": 1.6, "measured_low": 0, "measured_high": 5})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    alphas = client.get("/api/v1/microplastics/alphas").json()["items"]
    assert {a["compartment"] for a in alphas} >= {"marine-surface-water", "freshwater-sediment"}


def test_whole_dataset_alignment_uses_each_samples_mesh(hub, shared_data):
    """Eriksen trawls: each tow is aligned with its own mesh as the lower limit; tows without one are skipped."""
    from litterhub.services.ingest import ingest_file
    from litterhub.services.microplastics import align_dataset

    path = shared_data / "eriksen2023-surface-trawls" / "FinalMerge.csv"
    result = ingest_file(hub, path, "auto")
    assert result.ok, result.report.errors[:3]
    out = align_dataset(hub, result.dataset_id, result.version, 1.6)
    assert out["n_aligned"] + out["n_skipped"] == result.report.rows_accepted
    assert out["n_aligned"] > 0
    for item in out["items"][:200]:
        expected = item["measured"] * correction_factor(1.6, (item["lower_um"], item["upper_um"]))
        assert item["aligned"] == pytest.approx(expected, rel=1e-12)


def test_web_page_factor_and_errors(client):
    html = client.get("/microplastics", params={"alpha": "1.6", "measured_low": "333", "measured_high": "5000"}).text
    assert 'id="factor"' in html and "40.3672" in html
    bad = client.get("/microplastics", params={"alpha": "1.6", "measured_low": "5000", "measured_high": "333"})
    assert bad.status_code == 200 and 'id="error"' in bad.text and "upper limit" in bad.text
    junk = client.get("/microplastics", params={"alpha": "<script>"})
    assert junk.status_code == 200 and "<script>" not in junk.text.split('id="error"')[1][:200]


def test_web_and_csv_for_a_real_dataset(write_client, hub, shared_data):
    import csv
    import io

    from litterhub.services.ingest import ingest_file

    path = shared_data / "eriksen2023-surface-trawls" / "FinalMerge.csv"
    result = ingest_file(hub, path, "eriksen", "trawls")
    assert result.ok
    html = write_client.get("/microplastics", params={"alpha": "2.07", "dataset": "trawls"}).text
    assert 'id="chart"' in html and "samples aligned" in html
    r = write_client.get("/api/v1/microplastics/datasets/trawls/versions/1/aligned.csv", params={"alpha": 2.07})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and all(r["dataset_version"] == "trawls@1" for r in rows)
    first = rows[0]
    expected = float(first["measured"]) * correction_factor(2.07, (float(first["lower_um"]), float(first["upper_um"])))
    assert float(first["aligned"]) == pytest.approx(expected, rel=1e-9)
