"""litteR 0.7.0's baseline and power analyses (dropped from litteR in 0.8.0; `specs/methods.md` §1.10).

Baseline: how stable is a mean/median baseline estimated over w consecutive surveys?
Rolling windows of 4..n surveys, summarised per whole number of years covered.

Power: how likely does the one-sided Wilcoxon signed-rank test detect a reduction of
100·(1 − f) % below the baseline with n future surveys? Monte Carlo: draw n values from
the empirical distribution of f × counts (R's `quantile(type = 7)` at uniform
probabilities, litteR's `recdf`) and test them against the baseline mean. Results are
Monte Carlo estimates, so they agree with R's only within simulation error (R's RNG is
not reproduced).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from litterhub.analysis.litter.stats import DAYS_PER_YEAR, MAD_CONSTANT, signed_rank_test

MIN_WINDOW = 4
SAMPLE_SIZES = (12, 16, 20, 24, 28)


def baseline_rolling(dates, counts) -> pd.DataFrame:
    """Rolling mean and median over every window of w = 4..n consecutive surveys (sorted by date).

    Columns: n_surveys, start (1-based index of the first survey), n_days, mean, median, n_years.
    Empty if there are fewer than 4 surveys (litteR: "Insufficient data").
    """
    days = pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[D]").astype(np.int64)
    y = np.asarray(counts, dtype=float)
    order = np.argsort(days, kind="stable")
    days, y = days[order], y[order]
    n = len(y)
    frames = []
    for w in range(MIN_WINDOW, n + 1):
        windows = sliding_window_view(y, w)
        spans = days[w - 1 :] - days[: n - w + 1]
        frames.append(
            pd.DataFrame(
                {
                    "n_surveys": w,
                    "start": np.arange(1, n - w + 2),
                    "n_days": spans,
                    "mean": windows.mean(axis=1),
                    "median": np.median(windows, axis=1),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["n_surveys", "start", "n_days", "mean", "median", "n_years"])
    out = pd.concat(frames, ignore_index=True)
    out["n_years"] = out["n_days"] / DAYS_PER_YEAR
    return out


def baseline_summary(rolling: pd.DataFrame) -> pd.DataFrame:
    """Per statistic (mean, median) and round(n_years) (half to even, as R): k, mean, sd, CV, median, MAD, RMAD."""
    long = rolling.melt(id_vars=["n_years"], value_vars=["mean", "median"], var_name="stat", value_name="value").assign(
        n_years=lambda d: np.round(d["n_years"].to_numpy()).astype(int)
    )

    def summarise(values: pd.Series) -> pd.Series:
        v = values.to_numpy(dtype=float)
        mean = v.mean()
        sd = v.std(ddof=1) if len(v) > 1 else np.nan
        med = np.median(v)
        mad = MAD_CONSTANT * np.median(np.abs(v - med))
        return pd.Series(
            {
                "k": len(v),
                "mean": mean,
                "sd": sd,
                "CV": sd / mean if mean != 0 else np.nan,
                "median": med,
                "MAD": mad,
                "RMAD": mad / med if med != 0 else np.nan,
            }
        )

    out = long.groupby(["stat", "n_years"], sort=True)["value"].apply(summarise).unstack().reset_index()
    out["k"] = out["k"].astype(int)
    return out[["stat", "n_years", "k", "mean", "sd", "CV", "median", "MAD", "RMAD"]]


def reduction_factors(resolution_effect_size: float = 10) -> np.ndarray:
    """R's seq(r, 1 − r, by = r) with r = resolution/100 (e.g. 0.1, 0.2, …, 0.9)."""
    r = resolution_effect_size / 100
    count = int(np.floor((1 - 2 * r) / r + 1e-10)) + 1
    return r + np.arange(count) * r


def power_analysis(
    counts,
    *,
    sample_sizes=SAMPLE_SIZES,
    resolution_effect_size: float = 10,
    alpha: float = 0.05,
    n_sim: int = 1000,
    seed: int | None = 314,
) -> pd.DataFrame:
    """Power of the one-sided Wilcoxon test (H1: below the baseline mean) per sample size and reduction.

    Columns: n, f, power, reduction_pct (= 100·(1 − f)), baseline. All simulations of one
    cell are tested in a single vectorised call.
    """
    x = np.asarray(counts, dtype=float)
    baseline = float(x.mean())
    rng = np.random.default_rng(seed)
    rows = []
    for n in sample_sizes:
        for f in reduction_factors(resolution_effect_size):
            scaled = f * x
            u = rng.random((n_sim, n))
            samples = np.quantile(scaled, u)  # type 7 (linear), R's default
            _, p = signed_rank_test(samples, baseline, "less")
            rows.append((n, f, float(np.mean(p < alpha)), round(100 * (1 - f)), baseline))
    return pd.DataFrame(rows, columns=["n", "f", "power", "reduction_pct", "baseline"])


def legacy_tables(
    series: pd.DataFrame,
    names: list[str],
    *,
    baseline: bool = True,
    power: bool = True,
    min_surveys: int = 16,
    n_sim: int = 1000,
    alpha: float = 0.05,
    resolution_effect_size: float = 10,
    seed: int | None = 314,
) -> dict[str, pd.DataFrame]:
    """Baseline and/or power tables for the selected types/groups at every location.

    `series` is a long table (location_code, date, type_name, count) of one litteR run.
    Power is only computed for series with at least `min_surveys` surveys (litteR 0.7.0).
    """
    wanted = {n.lower() for n in names}
    chosen = series[series["type_name"].astype(str).str.lower().isin(wanted)]
    rolling, summary, powers = [], [], []
    for (location, name), rows in chosen.groupby(["location_code", "type_name"], sort=True, observed=True):
        keys = {"location_code": location, "type_name": name}
        if baseline:
            roll = baseline_rolling(rows["date"], rows["count"])
            if len(roll):
                rolling.append(roll.assign(**keys))
                summary.append(baseline_summary(roll).assign(**keys))
        if power and len(rows) >= min_surveys:
            table = power_analysis(
                rows["count"].to_numpy(),
                alpha=alpha,
                n_sim=n_sim,
                resolution_effect_size=resolution_effect_size,
                seed=seed,
            )
            powers.append(table.assign(**keys))

    def stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
        if not frames:
            return pd.DataFrame(columns=["location_code", "type_name"])
        out = pd.concat(frames, ignore_index=True)
        return out[["location_code", "type_name"] + [c for c in out.columns if c not in ("location_code", "type_name")]]

    tables: dict[str, pd.DataFrame] = {}
    if baseline:
        tables["baseline_rolling.csv"] = stack(rolling)
        tables["baseline_summary.csv"] = stack(summary)
    if power:
        tables["power.csv"] = stack(powers)
    return tables
