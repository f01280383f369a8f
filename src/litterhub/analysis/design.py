"""Monitoring design: how many surveys per beach per year a Mann–Kendall test needs to see a given change.

Method (docs/countries.md §monitoring-design advice):
1. The noise is the country's own: the variance of log(survey total + 1) around each beach's mean, pooled over the
   beaches with at least `MIN_SURVEYS_FOR_VARIANCE` surveys (degrees-of-freedom weighted). Survey totals of beach
   litter are roughly log-normal, so a percentage change is a shift on the log scale.
2. A seeded simulation: `YEARS` years, k surveys per year, a steady trend whose total change over the period is
   `CHANGE` (30 % down: log slope ln(0.7)/(YEARS-1) per year), plus normal noise with the observed variance.
3. Each simulated series is tested with the two-sided Mann–Kendall test on all surveys (time ties within a year
   handled in Var(S), continuity correction), as litteR tests a beach. Power = share of series with p < `ALPHA`.
4. The advice is the smallest k with power ≥ `POWER`, up to `MAX_PER_YEAR`.
All `REPLICATES` series for one k are tested at once: S is a sum over an (R, n, n) sign array (NumPy).
Beaches are ranked by what one more survey a year would add: the drop in the variance of that beach's yearly mean,
σ²_b/n_b − σ²_b/(n_b+1), with σ²_b the beach's own variance (the pooled one when it has too few surveys).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

YEARS = 6            # an MSFD assessment cycle
CHANGE = -0.30       # a 30 % fall over the cycle: what a reduction target asks to be seen
POWER = 0.80         # the usual power
ALPHA = 0.05         # two-sided
REPLICATES = 400     # enough for power to ±0.02 at 0.8; seeded, so the advice is reproducible
MAX_PER_YEAR = 24    # beyond two surveys a month the advice is "not reachable by more surveys alone"
MIN_SURVEYS_FOR_VARIANCE = 3
SEED = 20260
Z_CRIT = 1.959963984540054


@dataclass
class Advice:
    sigma_log: float | None
    beaches_used: int
    surveys_used: int
    per_year: int | None
    curve: list[dict[str, float]]
    note: str | None

    def as_dict(self) -> dict:
        return {"sigma_log": self.sigma_log, "beaches_used": self.beaches_used, "surveys_used": self.surveys_used,
                "surveys_per_beach_per_year": self.per_year, "power_curve": self.curve, "note": self.note,
                "method": {"years": YEARS, "change": CHANGE, "power": POWER, "alpha": ALPHA,
                           "replicates": REPLICATES, "seed": SEED, "test": "Mann–Kendall, two-sided",
                           "max_per_year": MAX_PER_YEAR}}


def pooled_log_variance(totals: pd.DataFrame) -> tuple[float | None, int, int]:
    """(pooled within-beach variance of log(total+1), beaches used, surveys used) from columns site_id, count."""
    frame = totals.assign(y=np.log1p(totals["count"].astype(float)))
    sizes = frame.groupby("site_id")["y"].agg(["count", "var"])
    sizes = sizes[sizes["count"] >= MIN_SURVEYS_FOR_VARIANCE]
    if sizes.empty:
        return None, 0, 0
    df = sizes["count"] - 1
    return float((sizes["var"] * df).sum() / df.sum()), len(sizes), int(sizes["count"].sum())


def mk_power(sigma: float, per_year: int, rng: np.random.Generator, replicates: int = REPLICATES) -> float:
    """Share of simulated series (YEARS × per_year surveys) in which Mann–Kendall finds the trend at ALPHA."""
    years = np.repeat(np.arange(YEARS, dtype=float), per_year)
    n = years.size
    slope = np.log1p(CHANGE) / (YEARS - 1)
    y = slope * years + rng.normal(0.0, sigma, size=(replicates, n))
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    sx = np.sign(years[None, :] - years[:, None])[upper]                   # time order of each pair
    sy = np.sign(y[:, None, :] - y[:, :, None])[:, upper]                  # (R, pairs)
    s = (sy * sx).sum(axis=1)
    ties = np.full(YEARS, per_year, dtype=float)                            # surveys of one year share a time
    var = (n * (n - 1) * (2 * n + 5) - (ties * (ties - 1) * (2 * ties + 5)).sum()) / 18.0
    if var <= 0:
        return 0.0
    z = (s - np.sign(s)) / np.sqrt(var)
    return float(np.mean(np.abs(z) > Z_CRIT))


def advise(totals: pd.DataFrame) -> Advice:
    """The smallest number of surveys per beach per year reaching POWER, from the country's own survey totals."""
    sigma2, beaches, surveys = pooled_log_variance(totals)
    if sigma2 is None:
        return Advice(None, 0, 0, None, [], f"no beach has {MIN_SURVEYS_FOR_VARIANCE} or more surveys: the survey "
                      "variance cannot be estimated; survey at least one beach several times")
    sigma = float(np.sqrt(sigma2))
    rng = np.random.default_rng(SEED)
    curve, found = [], None
    for k in range(1, MAX_PER_YEAR + 1):
        p = mk_power(sigma, k, rng)
        curve.append({"per_year": k, "power": round(p, 3)})
        if p >= POWER:
            found = k
            break
    note = None if found else (f"even {MAX_PER_YEAR} surveys per beach per year do not reach {POWER:.0%} power with "
                               "this variance: pool beaches (regional trend) or lengthen the period")
    return Advice(sigma, beaches, surveys, found, curve, note)


def rank_beaches(totals: pd.DataFrame, pooled_var: float | None) -> pd.DataFrame:
    """Beaches by the drop in variance of their yearly mean that one more survey a year would bring, largest first.
    Columns: site_id, surveys_per_year, variance, variance_source, gain."""
    if totals.empty:
        return pd.DataFrame(columns=["site_id", "surveys_per_year", "variance", "variance_source", "gain"])
    frame = totals.assign(y=np.log1p(totals["count"].astype(float)),
                          year=pd.to_datetime(totals["event_date"]).dt.year)
    per_site = frame.groupby("site_id").agg(n=("y", "size"), var=("y", "var"), years=("year", "nunique"))
    own = per_site["n"] >= MIN_SURVEYS_FOR_VARIANCE
    variance = per_site["var"].where(own, pooled_var if pooled_var is not None else np.nan)
    rate = per_site["n"] / per_site["years"]
    out = pd.DataFrame({"site_id": per_site.index, "surveys_per_year": rate.round(2).to_numpy(),
                        "variance": variance.to_numpy(),
                        "variance_source": np.where(own, "beach", "pooled"),
                        "gain": (variance / rate - variance / (rate + 1)).to_numpy()})
    return out.sort_values(["gain", "site_id"], ascending=[False, True], na_position="last").reset_index(drop=True)
