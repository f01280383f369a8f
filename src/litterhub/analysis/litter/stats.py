"""Beach-litter statistics as litteR 1.0.0 computes them, on plain arrays and tables.

Nothing here knows about litteR's file formats: every function takes numbers (or a
pandas/Arrow table of location, date, group and count), so the hub can run exactly the
same statistics on any harmonised dataset. The formulas follow
`specs/methods.md` §1.5, §1.8 and §1.9; the choices that make results equal to R's
(type-7 quantiles, the exact-vs-normal rule of `cor.test`, litteR's Theil–Sen
intercept, its naive medcouple) are spelled out where they are made.

The table functions are vectorised: series of equal length are stacked into 2-D
arrays and all pairwise quantities (Theil–Sen slopes, Kendall signs) are computed in
one NumPy pass per length, in bounded chunks, never with a Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from math import factorial

import numpy as np
import pandas as pd
from scipy.special import ndtr

EPS = float(np.finfo(float).eps)
DAYS_PER_YEAR = 365.25
MAD_CONSTANT = 1.4826
EXACT_KENDALL_MAX_N = 49  # R's cor.test: exact p-value only when n < 50 and no ties
MIN_TREND_SURVEYS = 3  # litteR: Var S needs 3 surveys ("insufficient (<3 surveys) to estimate the regional trend")
EXACT_WILCOXON_MAX_N = 49  # R's wilcox.test: exact p-value only when n < 50, no ties, no zeros
_CHUNK_ELEMENTS = 4_000_000  # upper bound on pairwise matrix size per NumPy pass
R_CHARACTER_DIGITS = 15  # R's as.character(<double>) writes DBL_DIG = 15 significant digits
R_WHOLE_DIGITS_LIMIT = 1e15  # whole numbers below this are written exactly in 15 digits (their own key)
R_KEY_NEIGHBOUR = 1e-13  # relative gap beyond which two doubles cannot print alike at 15 digits (< 1e-14 apart)

__all__ = [
    "AdjustedBoxplot",
    "MannKendall",
    "RegionalKendall",
    "adjusted_boxplot",
    "beach_statistics",
    "cv",
    "iod",
    "is_natural_number",
    "is_trend_location",
    "kendall_s",
    "kendall_var_s",
    "mann_kendall",
    "medcouple",
    "regional_kendall",
    "r_tie_keys",
    "regional_statistics",
    "rmad",
    "series_statistics",
    "signed_rank_test",
    "theil_sen",
    "trimean",
]


# ---------------------------------------------------------------------------------------
# exact null distributions (cached)


@cache
def _kendall_cdf(n: int) -> np.ndarray:
    """P(T <= q), q = 0..n(n-1)/2, for the number of concordant pairs T of a random permutation.

    Counts are the Mahonian numbers, kept as exact integers and divided by n! once, like
    R's `pkendall` (which sums the counts and divides by gamma(n + 1)).
    """
    counts = [1]
    for k in range(2, n + 1):
        new = [0] * (len(counts) + k - 1)
        for i, c in enumerate(counts):
            if c:
                for j in range(k):
                    new[i + j] += c
        counts = new
    total = factorial(n)
    cum = 0
    out = np.empty(len(counts))
    for q, c in enumerate(counts):
        cum += c
        out[q] = cum / total
    return out


@cache
def _signrank_cdf(n: int) -> np.ndarray:
    """P(V <= v), v = 0..n(n+1)/2, of the Wilcoxon signed-rank statistic (R's `psignrank`)."""
    counts = [1] + [0] * (n * (n + 1) // 2)
    for k in range(1, n + 1):
        for v in range(k * (k + 1) // 2, k - 1, -1):
            counts[v] += counts[v - k]
    total = 2**n
    cum = 0
    out = np.empty(len(counts))
    for v, c in enumerate(counts):
        cum += c
        out[v] = cum / total
    return out


def _cdf_lookup(table_fn, n: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Vectorised P(stat <= q) for several sample sizes n (q outside the support clipped to 0/1)."""
    out = np.full(n.shape, np.nan)
    for size in np.unique(n):
        sel = n == size
        cdf = table_fn(int(size))
        qs = np.floor(q[sel] + 1e-7)
        res = np.where(qs < 0, 0.0, 1.0)
        inside = (qs >= 0) & (qs < len(cdf))
        res[inside] = cdf[qs[inside].astype(np.int64)]
        out[sel] = res
    return out


# ---------------------------------------------------------------------------------------
# tie statistics on row-sorted matrices


def _tie_sums(sorted_rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row: Σt(t−1), Σt(t−1)(t−2), Σt(t−1)(2t+5) over groups of equal values (rows sorted)."""
    k, n = sorted_rows.shape
    if n == 0 or k == 0:
        zero = np.zeros(k)
        return zero, zero, zero
    new_run = np.ones((k, n), dtype=bool)
    new_run[:, 1:] = sorted_rows[:, 1:] != sorted_rows[:, :-1]
    return _size_sums(_run_counts(new_run))


def _run_counts(new_run: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Per row, the (weighted) number of elements of each run that starts where `new_run` is True."""
    k, n = new_run.shape
    run_id = np.cumsum(new_run, axis=1) - 1
    flat = (np.arange(k)[:, None] * n + run_id).ravel()
    w = None if weights is None else weights.ravel().astype(float)
    return np.bincount(flat, weights=w, minlength=k * n).reshape(k, n).astype(float)


def _size_sums(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Σt(t−1), Σt(t−1)(t−2), Σt(t−1)(2t+5) per row of tie-group sizes (sizes 0 and 1 add nothing)."""
    t1 = (sizes * (sizes - 1)).sum(axis=1)
    t2 = (sizes * (sizes - 1) * (sizes - 2)).sum(axis=1)
    t5 = (sizes * (sizes - 1) * (2 * sizes + 5)).sum(axis=1)
    return t1, t2, t5


def r_tie_keys(values) -> np.ndarray:
    """A number per value that is equal for two doubles exactly when R groups them together in `factor`,
    `table` and `tapply`, and that keeps the values' order.

    R's `factor(x)` matches `as.character(x)`, and `as.character` writes a double with 15
    significant digits (DBL_DIG). So `table()` and `tapply(x, x, length)` put 0.1 + 0.2 and 0.3
    in one group although `==`, `unique`, `duplicated`, `sign(x - y)` and `rank` see two values.
    Two doubles that print alike are less than 1e-14 apart (relative), so only values with a
    distinct neighbour closer than R_KEY_NEIGHBOUR are rounded, once and correctly, through their
    15-digit text (as glibc's printf, which R uses); every other value is its own key (whole numbers
    below 1e15 always are). Rounding moves a value by less than half the neighbour gap, so order holds.
    Whole numbers of 1e15 and more are rounded too, which is R's text when it writes them in scientific
    notation (no litter count comes near).
    """
    x = np.asarray(values, dtype=float)
    keys = x.copy()
    fractional = np.isfinite(x) & ((x != np.round(x)) | (np.abs(x) >= R_WHOLE_DIGITS_LIMIT))
    if not fractional.any():
        return keys
    codes, distinct = pd.factorize(x[fractional])
    distinct = np.asarray(distinct, dtype=float)
    order = np.argsort(distinct, kind="stable")
    ordered = distinct[order]
    near = np.diff(ordered) <= R_KEY_NEIGHBOUR * np.maximum(np.abs(ordered[1:]), np.abs(ordered[:-1]))
    if near.any():
        crowded = np.zeros(len(ordered), dtype=bool)
        crowded[1:] |= near
        crowded[:-1] |= near
        idx = order[crowded]
        distinct = distinct.copy()
        distinct[idx] = [float(f"{v:.{R_CHARACTER_DIGITS - 1}e}") for v in distinct[idx].tolist()]
        keys[fractional] = distinct[codes]
    return keys


@dataclass(frozen=True)
class TieSums:
    """Σt(t−1), Σt(t−1)(t−2), Σt(t−1)(2t+5) per row for the three ways R forms tie groups of doubles.

    `exact`: groups of equal doubles (`==`, `unique`, `duplicated`; what `cor(method = "kendall")`
    and `cor.test`'s "are there ties?" see). `duplicated`: `table(y[duplicated(y)]) + 1`, which
    `cor.test` uses for its tie correction: the exact duplicates, grouped by their 15-digit key.
    `table`: `tapply(y, y, length)`, litteR's `kendall_var_s`: every value grouped by its key.
    """

    exact: tuple[np.ndarray, np.ndarray, np.ndarray]
    duplicated: tuple[np.ndarray, np.ndarray, np.ndarray]
    table: tuple[np.ndarray, np.ndarray, np.ndarray]


def _r_tie_sums(sorted_values: np.ndarray, sorted_keys: np.ndarray) -> TieSums:
    """Tie sums of row-sorted values and their (equally sorted) R keys, for the three R groupings."""
    k, n = sorted_values.shape
    if n == 0 or k == 0:
        zero = (np.zeros(k),) * 3
        return TieSums(zero, zero, zero)
    new_exact = np.ones((k, n), dtype=bool)
    new_exact[:, 1:] = sorted_values[:, 1:] != sorted_values[:, :-1]
    new_key = np.ones((k, n), dtype=bool)
    new_key[:, 1:] = sorted_keys[:, 1:] != sorted_keys[:, :-1]
    exact = _size_sums(_run_counts(new_exact))
    if np.array_equal(new_key, new_exact):  # no two distinct doubles share a key: one grouping for all
        return TieSums(exact, exact, exact)
    counts = _run_counts(new_key)
    distinct = _run_counts(new_key, weights=new_exact)  # distinct doubles per key group
    duplicated = np.where(counts > 0, 1 + counts - distinct, 0.0)  # table(y[duplicated(y)]) + 1
    return TieSums(exact, _size_sums(duplicated), _size_sums(counts))


def _masked_median(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Row medians over the valid entries (average of the two middle ones, like R's median)."""
    if values.shape[1] and valid.all():  # the common case (no two surveys on one date): partial sort only
        m = values.shape[1]
        lo, hi = (m - 1) // 2, m // 2
        part = np.partition(values, (lo, hi), axis=1)
        return (part[:, lo] + part[:, hi]) / 2
    filled = np.where(valid, values, np.inf)
    filled.sort(axis=1)
    m = valid.sum(axis=1)
    lo = np.clip((m - 1) // 2, 0, None)
    hi = np.clip(m // 2, 0, None)
    rows = np.arange(values.shape[0])
    if values.shape[1] == 0:
        return np.full(values.shape[0], np.nan)
    med = (filled[rows, np.minimum(lo, values.shape[1] - 1)] + filled[rows, np.minimum(hi, values.shape[1] - 1)]) / 2
    return np.where(m > 0, med, np.nan)


# ---------------------------------------------------------------------------------------
# the per-series kernel


def _series_block(t: np.ndarray, y: np.ndarray, keys: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """All litteR statistics for K series of equal length L (t, y: K×L, sorted by time).

    `keys` are `r_tie_keys(y)` (computed here when not given); ties are identified as R does, see
    `TieSums`.
    """
    k, n = y.shape
    out: dict[str, np.ndarray] = {}
    median = np.median(y, axis=1) if n else np.full(k, np.nan)
    out["median"] = median
    out["mad"] = MAD_CONSTANT * np.median(np.abs(y - median[:, None]), axis=1) if n else median
    nan = np.full(k, np.nan)
    if n < 2:
        out.update(b0=nan, b1=nan, tau=nan, p_value=nan, S=nan, VarS=nan)
        return out
    i, j = np.triu_indices(n, 1)
    dt = t[:, j] - t[:, i]
    dy = y[:, j] - y[:, i]
    distinct_time = dt > EPS
    slopes = np.divide(dy, dt, out=np.zeros_like(dy), where=distinct_time)
    b1 = _masked_median(slopes, distinct_time)
    b0 = np.median(y - b1[:, None] * t, axis=1)
    sign = np.sign(dy)
    s_index = sign.sum(axis=1)
    s_time = (sign * distinct_time).sum(axis=1)
    del slopes, dy, dt, sign

    if keys is None:
        keys = r_tie_keys(y)
    ties = _r_tie_sums(np.sort(y, axis=1), np.sort(keys, axis=1))  # keys are monotone in y: same order
    y_t1 = ties.exact[0]
    d_t1, _, d_t5 = ties.duplicated
    k_t1, k_t2, k_t5 = ties.table
    u_t1, u_t2, u_t5 = _tie_sums(t)

    # Mann–Kendall as litteR calls it: cor.test(seq_along(y), y, method = "kendall"); no ties in
    # the index. tau-b from exact comparisons (R's C cor); "ties?" from unique(y) (exact); the
    # normal approximation's tie terms from table(y[duplicated(y)]) + 1, with S = tau·√(T0 (T0 − T2)).
    t0 = n * (n - 1) / 2
    denom = np.sqrt(t0 * (t0 - y_t1 / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(denom > 0, s_index / denom, np.nan)
        s_mk = np.where(d_t1 == y_t1, s_index, tau * np.sqrt(t0 * (t0 - d_t1 / 2)))
        var_index = (n * (n - 1) * (2 * n + 5) - d_t5) / 18
        z = s_mk / np.sqrt(var_index)
    increasing = b1 > 0
    p_normal = np.where(increasing, ndtr(-z), ndtr(z))
    exact = (n <= EXACT_KENDALL_MAX_N) & (y_t1 == 0)
    if exact.any():
        q = (s_index[exact] + t0) / 2  # number of concordant pairs
        sizes = np.full(q.shape, n)
        p_less = _cdf_lookup(_kendall_cdf, sizes, q)
        p_greater = 1.0 - _cdf_lookup(_kendall_cdf, sizes, q - 1)
        p_normal[exact] = np.where(increasing[exact], p_greater, p_less)
    p_value = np.where(np.isnan(b1) | np.isnan(tau), np.nan, p_normal)

    # Kendall S (exact signs) and Var S against the actual dates (regional Kendall, §1.8), with
    # litteR's kendall_var_s tie groups: tapply(y, y, length), i.e. values grouped by their R key
    if n >= 3:
        var_time = (
            (n * (n - 1) * (2 * n + 5) - k_t5 - u_t5) / 18
            + k_t2 * u_t2 / (9 * n * (n - 1) * (n - 2))
            + k_t1 * u_t1 / (2 * n * (n - 1))
        )
    else:
        var_time = nan
    out.update(b0=b0, b1=b1, tau=tau, p_value=p_value, S=s_time.astype(float), VarS=var_time)
    return out


def _constant_block(t: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """The same statistics for series whose counts are all equal (e.g. a type never found), without
    the pairwise work: slope 0 when the dates differ, no Kendall tau or p-value, S = 0."""
    k, n = y.shape
    level = y[:, 0].astype(float)
    nan = np.full(k, np.nan)
    out = {"median": level, "mad": np.zeros(k)}
    if n < 2:
        out.update(b0=nan, b1=nan, tau=nan, p_value=nan, S=nan, VarS=nan)
        return out
    has_distinct_times = (t[:, -1] - t[:, 0]) > EPS
    b1 = np.where(has_distinct_times, 0.0, np.nan)
    b0 = np.where(has_distinct_times, level, np.nan)
    if n >= 3:
        u_t1, u_t2, u_t5 = _tie_sums(t)
        # all n values tied in y: Σt(t−1)(2t+5) equals n(n−1)(2n+5), leaving the date-tie terms
        var_time = -u_t5 / 18 + u_t2 / 9 + u_t1 / 2
    else:
        var_time = nan
    out.update(b0=b0, b1=b1, tau=nan, p_value=nan, S=np.zeros(k), VarS=var_time)
    return out


def _as_frame(table) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    to_pandas = getattr(table, "to_pandas", None)
    if to_pandas is None:
        raise TypeError("expected a pandas DataFrame or a pyarrow Table")
    return to_pandas()


def _days_since_epoch(values: pd.Series) -> np.ndarray:
    """Dates as R's Date numeric: whole days since 1970-01-01."""
    stamps = pd.to_datetime(values)
    return stamps.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64).astype(float)


def _series_ids(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Dense id per distinct key combination (hash-based; missing keys form their own series)."""
    codes, sizes = [], []
    for key in keys:
        column = frame[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes.append(column.cat.codes.to_numpy(dtype=np.int64) + 1)
            sizes.append(len(column.cat.categories) + 1)
        else:
            code, uniques = pd.factorize(column, use_na_sentinel=False)
            codes.append(code.astype(np.int64))
            sizes.append(len(uniques))
    if float(np.prod(np.asarray(sizes, dtype=float))) >= 2**62:
        return frame.groupby(keys, sort=False, observed=True, dropna=False).ngroup().to_numpy()
    combined = np.zeros(len(frame), dtype=np.int64)
    for code, size in zip(codes, sizes, strict=True):
        combined = combined * size + code
    return pd.factorize(combined)[0].astype(np.int64)


def _series_order(sid: np.ndarray, t: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """Row order by series, then time, then `order` (one int64 sort key when it fits, else lexsort)."""
    t_int = t.astype(np.int64)
    t_span = int(t_int.max() - t_int.min()) + 1 if len(t_int) else 1
    rank = np.zeros(len(sid), dtype=np.int64)
    rank_span = 1
    if order is not None:
        rank, uniques = pd.factorize(order, sort=True)
        rank_span = max(len(uniques), 1)
    if np.array_equal(t_int, t) and float(sid.max(initial=0) + 1) * t_span * rank_span < 2**62:
        key = (sid * t_span + (t_int - t_int.min(initial=0))) * rank_span + rank
        return np.argsort(key, kind="stable")
    return np.lexsort((rank, t, sid))


def series_statistics(
    table,
    *,
    keys: list[str],
    time: str = "date",
    value: str = "count",
    order: str | None = None,
    extra_means: list[str] | tuple[str, ...] = (),
) -> pd.DataFrame:
    """Descriptive statistics, Theil–Sen trend and Mann–Kendall test per series (litteR §1.5).

    One output row per distinct `keys`, sorted by the keys. Within a series the rows are
    ordered by `time` and then by `order` (litteR's record id), which is the index order
    its Mann–Kendall test uses. Columns: keys, from, to, n, mean, median, cv, rmad, b0,
    b1 (per day), slope (per year), tau, p_value, S and VarS (Kendall S and its
    tie-corrected variance against the dates, the inputs of the regional Kendall test), and the
    per-series mean of every column in `extra_means` (NaN propagates, as in R's `mean`).
    """
    frame = _as_frame(table)
    if frame.empty:
        cols = [
            *keys,
            "from",
            "to",
            "n",
            "mean",
            "median",
            "cv",
            "rmad",
            "b0",
            "b1",
            "slope",
            "tau",
            "p_value",
            "S",
            "VarS",
        ]
        return pd.DataFrame(columns=cols)
    sid = _series_ids(frame, keys)
    t = _days_since_epoch(frame[time])
    y = frame[value].to_numpy(dtype=float)
    perm = _series_order(sid, t, None if order is None else frame[order].to_numpy())
    sid, t, y = sid[perm], t[perm], y[perm]
    tie_keys = r_tie_keys(y)
    extras = {name: frame[name].to_numpy(dtype=float)[perm] for name in extra_means}

    n_series = int(sid.max()) + 1
    n = np.bincount(sid, minlength=n_series)
    starts = np.concatenate(([0], np.cumsum(n)[:-1]))
    mean = np.bincount(sid, weights=y, minlength=n_series) / n
    dev = y - mean[sid]
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(np.bincount(sid, weights=dev * dev, minlength=n_series) / (n - 1))
        sd[n < 2] = np.nan

    result = {name: np.full(n_series, np.nan) for name in ("median", "mad", "b0", "b1", "tau", "p_value", "S", "VarS")}
    for length in np.unique(n):
        ids = np.flatnonzero(n == length)
        rows_per_chunk = max(1, _CHUNK_ELEMENTS // max(int(length) * int(length), 1))
        offsets = np.arange(length)
        for lo in range(0, len(ids), rows_per_chunk):
            chunk = ids[lo : lo + rows_per_chunk]
            idx = starts[chunk][:, None] + offsets
            block_t, block_y, block_k = t[idx], y[idx], tie_keys[idx]
            constant = block_y.min(axis=1) == block_y.max(axis=1) if length else np.ones(len(chunk), bool)
            if (~constant).any():
                rows = ~constant
                for name, values in _series_block(block_t[rows], block_y[rows], block_k[rows]).items():
                    result[name][chunk[rows]] = values
            if constant.any():
                for name, values in _constant_block(block_t[constant], block_y[constant]).items():
                    result[name][chunk[constant]] = values

    with np.errstate(divide="ignore", invalid="ignore"):
        cv_ = np.where(mean != 0, sd / mean, np.nan)
        rmad_ = np.where(result["median"] != 0, result["mad"] / result["median"], np.nan)
    key_frame = frame.iloc[perm[starts]][keys].reset_index(drop=True)
    epoch = np.datetime64("1970-01-01", "D")
    out = key_frame.assign(
        **{
            "from": (epoch + t[starts].astype(np.int64)).astype("datetime64[D]"),
            "to": (epoch + t[starts + n - 1].astype(np.int64)).astype("datetime64[D]"),
            "n": n,
            "mean": mean,
            "median": result["median"],
            "cv": cv_,
            "rmad": rmad_,
            "b0": result["b0"],
            "b1": result["b1"],
            "slope": result["b1"] * DAYS_PER_YEAR,
            "tau": result["tau"],
            "p_value": result["p_value"],
            "S": result["S"],
            "VarS": result["VarS"],
            **{name: np.bincount(sid, weights=v, minlength=n_series) / n for name, v in extras.items()},
        }
    )
    return out


def regional_statistics(
    location_stats: pd.DataFrame, *, group: str, region: str, trend_locations_only: bool = False
) -> pd.DataFrame:
    """Regional aggregation and regional Kendall test (litteR §1.8) from per-location series stats.

    `location_stats` is the output of `series_statistics` with a `region` column added;
    rows whose region is missing are left out. Beaches are never pooled: the regional
    mean/median/b0/b1 are the mean/medians of the location values, and S and Var S are
    summed over locations. As R's `sum`/`mean`/`median` without `na.rm`, one location without
    a value makes the regional value missing (S: a location with one survey; Var S: fewer than 3;
    b0/b1: fewer than 2 survey dates) — litteR's own output.

    `trend_locations_only` (the hub's views over heterogeneous data, where many sites were
    surveyed once or twice): the trend columns (b0, b1, slope, S, VarS, Z, p_value) are computed
    over the locations that can carry a trend (`is_trend_location`), which is what litteR's report
    asks its user to do ("The number of surveys is insufficient (<3 surveys) to estimate the
    regional trend for: …"); mean and median stay over all locations. `locations` and
    `trend_locations` count them; a region without a trend location has no trend (missing).
    """
    stats = location_stats[location_stats[region].notna()]
    keys = [group, region]
    out = _r_aggregate(stats, keys)
    if trend_locations_only:
        trend_columns = ["b0", "b1", "S", "VarS"]
        eligible = stats[is_trend_location(stats)]
        trend = _r_aggregate(eligible, keys)[[*keys, *trend_columns, "locations"]]
        out = out.drop(columns=trend_columns).merge(
            trend.rename(columns={"locations": "trend_locations"}), on=keys, how="left"
        )
        out["trend_locations"] = out["trend_locations"].fillna(0).astype(int)
    return _regional_kendall_columns(out)


def is_trend_location(location_stats: pd.DataFrame) -> pd.Series:
    """Locations that carry a regional trend: at least MIN_TREND_SURVEYS surveys on at least 2 dates
    (so Theil–Sen b1, Kendall S and Var S all exist)."""
    return (
        (location_stats["n"] >= MIN_TREND_SURVEYS)
        & location_stats["b1"].notna()
        & location_stats["S"].notna()
        & location_stats["VarS"].notna()
    )


def _r_aggregate(stats: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """n, mean, median, b0, b1, S, VarS per key as R's sum/mean/median without na.rm (one NA → NA)."""
    grouped = stats.groupby(keys, sort=False, observed=True)
    out = grouped.agg(
        n=("n", "sum"),
        mean=("mean", "mean"),
        median=("median", "median"),
        b0=("b0", "median"),
        b1=("b1", "median"),
        S=("S", "sum"),
        VarS=("VarS", "sum"),
    ).reset_index()
    size = grouped.size().to_numpy()
    for column in ("mean", "median", "b0", "b1", "S", "VarS"):
        incomplete = grouped[column].count().to_numpy() < size
        out[column] = np.where(incomplete, np.nan, out[column].to_numpy(dtype=float))
    out["locations"] = size
    return out


def _regional_kendall_columns(out: pd.DataFrame) -> pd.DataFrame:
    """Z, slope and p_value as litteR: Z = if_else(S == 0, 0, (S − sign S)/√VarS); p = pnorm(Z)
    ("decreasing"), then 1 − p where the regional slope is positive; a missing slope gives a missing p."""
    s = out["S"].to_numpy(dtype=float)
    v = out["VarS"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s == 0, 0.0, (s - np.sign(s)) / np.sqrt(v))  # S missing → Z missing; S = 0 → 0 even if VarS is
    slope = out["b1"].to_numpy(dtype=float) * DAYS_PER_YEAR
    p_decreasing = ndtr(z)
    out["Z"] = z
    out["slope"] = slope
    out["p_value"] = np.where(np.isnan(slope), np.nan, np.where(slope > 0, 1.0 - p_decreasing, p_decreasing))
    return out


def beach_statistics(
    table,
    *,
    location: str = "location",
    date: str = "date",
    group: str = "group",
    count: str = "count",
    survey: str | None = None,
    region: str | None = None,
    total_group: str | None = None,
    trend_locations_only: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """litteR's location and regional statistics for any long table of survey counts.

    `table` (pandas or Arrow) has one row per survey × group (a litter type, or an
    aggregate such as total count, plastics, single-use plastics), with columns named by
    the keyword arguments. `survey` distinguishes several surveys of one location on
    one date (litteR keeps them all). When `total_group` names the group holding each
    survey's total count, `rel_count` (litteR's %TC: the mean over surveys of
    100 × count / total) is added. When `region` is given, regional statistics are
    returned too (a location takes its first non-missing region); `trend_locations_only` is
    passed to `regional_statistics`.
    """
    frame = _as_frame(table)
    missing = frame[count].isna().to_numpy()
    if missing.any():
        raise ValueError(f"{int(missing.sum())} rows have no {count!r} value (first at row {int(missing.argmax())})")
    extra: list[str] = []
    if total_group is not None:
        survey_keys = [location, date] + ([survey] if survey else [])
        totals = frame.loc[frame[group] == total_group, [*survey_keys, count]].rename(columns={count: "_tc"})
        frame = frame.merge(totals, on=survey_keys, how="left")
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["rel_count"] = 100.0 * frame[count].to_numpy(dtype=float) / frame["_tc"].to_numpy(dtype=float)
        extra = ["rel_count"]
    stats = series_statistics(frame, keys=[location, group], time=date, value=count, order=survey, extra_means=extra)
    regional = None
    if region is not None:
        region_of = (
            frame.loc[frame[region].notna(), [location, region]].drop_duplicates(location).set_index(location)[region]
        )
        stats[region] = stats[location].map(region_of)
        regional = regional_statistics(stats, group=group, region=region, trend_locations_only=trend_locations_only)
    return stats, regional


# ---------------------------------------------------------------------------------------
# scalar functions (litteR's exported statistics; used by tests, legacy modules and outliers)


@dataclass(frozen=True)
class MannKendall:
    tau: float
    p_value: float


@dataclass(frozen=True)
class RegionalKendall:
    S: float
    VarS: float
    Z: float
    p_increasing: float
    p_decreasing: float
    p_both: float


@dataclass(frozen=True)
class AdjustedBoxplot:
    mc: float
    ymin: float
    q1: float
    median: float
    q3: float
    ymax: float


def theil_sen(t, y) -> tuple[float, float]:
    """(slope, intercept): median pairwise slope over distinct times; intercept median(y − b1·t)."""
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    order = np.argsort(t, kind="stable")
    block = _series_block(t[order][None, :], y[order][None, :])
    return float(block["b1"][0]), float(block["b0"][0])


def kendall_s(y, t=None) -> float:
    """Kendall's S of y against time t (default 1..n); pairs with equal time are skipped.

    Signs come from exact comparisons of the doubles (R's `sign(x[j] - x[i])`); one value: missing.
    """
    y = np.asarray(y, dtype=float)
    if len(y) < 2:
        return float("nan")
    t = np.arange(1, len(y) + 1, dtype=float) if t is None else np.asarray(t, dtype=float)
    i, j = np.triu_indices(len(y), 1)
    return float((np.sign(y[j] - y[i]) * np.sign(t[j] - t[i])).sum())


def _ties_of(values: np.ndarray) -> TieSums:
    """R's three tie groupings (`TieSums`) of one vector."""
    x = np.sort(np.asarray(values, dtype=float))[None, :]
    return _r_tie_sums(x, r_tie_keys(x))


def kendall_var_s(y, t=None) -> float:
    """litteR's kendall_var_s: Var S with the corrections for ties in y and in t (Gilbert 1987).

    Tie groups are `tapply(x, x, length)`: values grouped by their R key (`r_tie_keys`).
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n < 3:
        return float("nan")
    t = np.arange(1, n + 1, dtype=float) if t is None else np.asarray(t, dtype=float)
    y1, y2, y5 = (float(v[0]) for v in _ties_of(y).table)
    u1, u2, u5 = (float(v[0]) for v in _ties_of(t).table)
    return (
        (n * (n - 1) * (2 * n + 5) - y5 - u5) / 18 + y2 * u2 / (9 * n * (n - 1) * (n - 2)) + y1 * u1 / (2 * n * (n - 1))
    )


def mann_kendall(y, alternative: str = "two-sided", t=None) -> MannKendall:
    """R's cor.test(t, y, method = "kendall", exact = NULL, continuity = FALSE).

    Exact permutation p-value if n < 50 and no value repeats exactly (`unique`), otherwise
    the normal approximation with R's tie correction (`table(y[duplicated(y)]) + 1`, see
    `TieSums`). `alternative`: "less" (decreasing), "greater" (increasing) or "two-sided".
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n < 2:
        return MannKendall(float("nan"), float("nan"))
    t = np.arange(1, n + 1, dtype=float) if t is None else np.asarray(t, dtype=float)
    s = kendall_s(y, t)
    y_ties, t_ties = _ties_of(y), _ties_of(t)
    y_exact, u_exact = float(y_ties.exact[0][0]), float(t_ties.exact[0][0])
    t0 = n * (n - 1) / 2
    denom = np.sqrt((t0 - u_exact / 2) * (t0 - y_exact / 2))
    if denom == 0:
        return MannKendall(float("nan"), float("nan"))
    tau = s / denom
    if n <= EXACT_KENDALL_MAX_N and y_exact == 0 and u_exact == 0:
        q = (s + t0) / 2
        size = np.array([n])
        less = float(_cdf_lookup(_kendall_cdf, size, np.array([q]))[0])
        greater = 1.0 - float(_cdf_lookup(_kendall_cdf, size, np.array([q - 1]))[0])
        if q > t0 / 2:
            two = min(1.0, 2 * greater)
        else:
            two = min(1.0, 2 * less)
    else:
        y1, y2, y5 = (float(v[0]) for v in y_ties.duplicated)
        u1, u2, u5 = (float(v[0]) for v in t_ties.duplicated)
        if (y1, u1) != (y_exact, u_exact):
            s = tau * np.sqrt((t0 - u1 / 2) * (t0 - y1 / 2))
        var = (n * (n - 1) * (2 * n + 5) - y5 - u5) / 18
        if n > 2:
            var += y2 * u2 / (9 * n * (n - 1) * (n - 2))
        var += y1 * u1 / (2 * n * (n - 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = s / np.sqrt(var)
        less, greater, two = float(ndtr(z)), float(ndtr(-z)), float(2 * min(ndtr(z), ndtr(-z)))
    p = {"less": less, "decreasing": less, "greater": greater, "increasing": greater}.get(alternative, two)
    return MannKendall(float(tau), float(p))


def regional_kendall(block, t, y) -> RegionalKendall:
    """Regional Kendall test (Gilbert 1987 ch. 17; van Belle & Hughes 1984) over blocks (sites).

    As litteR's regional_kendall: S and Var S summed without na.rm (a block with one value makes
    S missing, one with fewer than 3 makes Var S missing) and Z = 0 whenever S = 0.
    """
    frame = pd.DataFrame(
        {
            "block": np.asarray(block),
            "t": pd.to_datetime(np.asarray(t, dtype=float), unit="D"),
            "y": np.asarray(y, dtype=float),
        }
    )
    stats = series_statistics(frame, keys=["block"], time="t", value="y").assign(_all=0)
    stats["b1"] = 0.0  # the slope plays no part in the test; only S, Var S and Z are used below
    row = _regional_kendall_columns(_r_aggregate(stats, ["_all"])).iloc[0]
    s, v, z = float(row["S"]), float(row["VarS"]), float(row["Z"])
    p_dec = float(ndtr(z))
    return RegionalKendall(
        S=s, VarS=v, Z=z, p_increasing=1.0 - p_dec, p_decreasing=p_dec, p_both=float(2 * ndtr(-abs(z)))
    )


def medcouple(x) -> float:
    """litteR's naive medcouple: the kernel over all (z+, z−) pairs, zeros in both halves."""
    x = np.asarray(x, dtype=float)
    tol = 10 * EPS
    z = x - np.median(x)
    zp = z[z >= 0][:, None]
    zm = z[z <= 0][None, :]
    p_zero = np.abs(zp) < tol
    m_zero = np.abs(zm) < tol
    with np.errstate(divide="ignore", invalid="ignore"):
        h = (zp + zm) / (zp - zm)
    h = np.where(p_zero & m_zero, 0.0, np.where(p_zero, -1.0, np.where(m_zero, 1.0, h)))
    return float(np.median(h))


def adjusted_boxplot(x) -> AdjustedBoxplot:
    """Adjusted boxplot of Hubert & Vandervieren (2008) with type-7 quartiles and litteR's medcouple."""
    x = np.asarray(x, dtype=float)
    q1, q2, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    iqr = q3 - q1
    mc = medcouple(x)
    if mc < 0:
        lower = q1 - 1.5 * np.exp(-3 * mc) * iqr
        upper = q3 + 1.5 * np.exp(4 * mc) * iqr
    else:
        lower = q1 - 1.5 * np.exp(-4 * mc) * iqr
        upper = q3 + 1.5 * np.exp(3 * mc) * iqr
    return AdjustedBoxplot(
        mc=mc,
        ymin=float(max(x.min(), lower)),
        q1=float(q1),
        median=float(q2),
        q3=float(q3),
        ymax=float(min(x.max(), upper)),
    )


def signed_rank_test(samples: np.ndarray, mu: float, alternative: str = "less") -> tuple[np.ndarray, np.ndarray]:
    """R's one-sample wilcox.test(x, mu = mu) for every row of `samples` at once: (V, p).

    Zeros (x == mu) are dropped; the exact distribution is used when n < 50 with no ties
    and no zeros, otherwise the normal approximation with continuity and tie correction.
    """
    from scipy.stats import rankdata

    d = np.atleast_2d(np.asarray(samples, dtype=float)) - mu
    k, n_all = d.shape
    zero = d == 0
    n_zero = zero.sum(axis=1)
    n = n_all - n_zero
    ranks = rankdata(np.abs(d), axis=1, method="average") - n_zero[:, None]
    v = np.where(d > 0, ranks, 0.0).sum(axis=1)
    order = np.argsort(np.abs(d), axis=1, kind="stable")
    sorted_abs = np.take_along_axis(np.abs(d), order, axis=1)
    sorted_zero = np.take_along_axis(zero, order, axis=1)
    new_run = np.ones_like(sorted_abs, dtype=bool)
    new_run[:, 1:] = sorted_abs[:, 1:] != sorted_abs[:, :-1]
    run_id = np.cumsum(new_run, axis=1) - 1
    flat = (np.arange(k)[:, None] * n_all + run_id).ravel()
    sizes = np.bincount(flat, weights=(~sorted_zero).ravel().astype(float), minlength=k * n_all).reshape(k, n_all)
    ties_cubed = (sizes**3 - sizes).sum(axis=1)  # Σ(t³ − t) over tie groups of non-zero |d|
    has_ties = (sizes > 1).any(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = v - n * (n + 1) / 4
        sigma = np.sqrt(n * (n + 1) * (2 * n + 1) / 24 - ties_cubed / 48)
        correction = {"less": -0.5, "greater": 0.5}.get(alternative)
        if correction is None:
            correction = np.sign(z) * 0.5
        zc = (z - correction) / sigma
    if alternative == "less":
        p = ndtr(zc)
    elif alternative == "greater":
        p = ndtr(-zc)
    else:
        p = 2 * np.minimum(ndtr(zc), ndtr(-zc))
    exact = (n <= EXACT_WILCOXON_MAX_N) & ~has_ties & (n_zero == 0) & (n > 0)
    if exact.any():
        ns = n[exact]
        if alternative == "less":
            p_exact = _cdf_lookup(_signrank_cdf, ns, v[exact])
        elif alternative == "greater":
            p_exact = 1.0 - _cdf_lookup(_signrank_cdf, ns, v[exact] - 1)
        else:
            ve = v[exact]
            hi = ve > ns * (ns + 1) / 4
            p_exact = np.where(hi, 1.0 - _cdf_lookup(_signrank_cdf, ns, ve - 1), _cdf_lookup(_signrank_cdf, ns, ve))
            p_exact = np.minimum(2 * p_exact, 1.0)
        p[exact] = p_exact
    p = np.where(n > 0, np.minimum(p, 1.0), np.nan)
    return v, p


def cv(x) -> float:
    """Coefficient of variation sd/mean (sd with n − 1)."""
    x = np.asarray(x, dtype=float)
    return float(np.std(x, ddof=1) / np.mean(x))


def rmad(x) -> float:
    """Relative median absolute deviation: 1.4826 · median|x − median| / median."""
    x = np.asarray(x, dtype=float)
    med = np.median(x)
    return float(MAD_CONSTANT * np.median(np.abs(x - med)) / med)


def iod(x) -> float:
    """Index of dispersion var/mean."""
    x = np.asarray(x, dtype=float)
    return float(np.var(x, ddof=1) / np.mean(x))


def trimean(x) -> float:
    """Tukey's trimean (Q1 + 2·Q2 + Q3)/4 with type-7 quartiles."""
    return float(np.mean(np.quantile(np.asarray(x, dtype=float), [0.25, 0.5, 0.5, 0.75])))


def is_natural_number(x) -> np.ndarray:
    """True where x is a whole number ≥ 0 (within machine epsilon), as litteR's check."""
    x = np.asarray(x, dtype=float)
    return (x > -EPS) & (np.abs(x - np.round(x)) < EPS)
