"""What R computes, written out from first principles for tests (no hub code, no NumPy/SciPy).

`fractions` for exact sums, `decimal` for R's 15-digit text of a double, `itertools` for exact
Kendall distributions, `math.erfc` for the normal distribution.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from statistics import median


def r_key(value: float) -> Decimal:
    """as.character(value) in R: the exact binary value rounded to 15 significant digits."""
    return Context(prec=15, rounding=ROUND_HALF_EVEN).plus(Decimal(value))


def r_sum(values: list[float]) -> float:
    """R's sum of a few doubles of similar size: the exact sum, rounded once."""
    return float(sum((Fraction(v) for v in values), Fraction(0)))


def sign(x: float) -> int:
    return (x > 0) - (x < 0)


def phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def s_statistic(y: list[float], t: list[float] | None = None) -> int:
    """Kendall S: exact signs over pairs, pairs with equal time skipped."""
    t = list(range(len(y))) if t is None else t
    return sum(sign(y[j] - y[i]) * sign(t[j] - t[i]) for i, j in itertools.combinations(range(len(y)), 2))


def tie_sum(sizes, f) -> float:
    return float(sum(f(t) for t in sizes))


def f5(t: int) -> int:
    return t * (t - 1) * (2 * t + 5)


def var_s(y: list[float], t: list[float] | None = None) -> float:
    """litteR's kendall_var_s: groups as tapply(x, x, length), i.e. by R key (Gilbert 1987, eq. 16.5)."""
    n = len(y)
    if n < 3:
        return math.nan
    t = list(range(n)) if t is None else t
    ys = list(Counter(r_key(v) for v in y).values())
    us = list(Counter(t).values())
    return (
        (n * (n - 1) * (2 * n + 5) - tie_sum(ys, f5) - tie_sum(us, f5)) / 18
        + tie_sum(ys, lambda a: a * (a - 1) * (a - 2)) * tie_sum(us, lambda a: a * (a - 1) * (a - 2))
        / (9 * n * (n - 1) * (n - 2))
        + tie_sum(ys, lambda a: a * (a - 1)) * tie_sum(us, lambda a: a * (a - 1)) / (2 * n * (n - 1))
    )


def theil_sen_b1(days: list[float], y: list[float]) -> float:
    """Median slope over pairs with distinct times; missing when there is none."""
    slopes = [(y[j] - y[i]) / (days[j] - days[i]) for i, j in itertools.combinations(range(len(y)), 2)
              if days[j] != days[i]]
    return median(slopes) if slopes else math.nan


def mann_kendall(y: list[float], increasing: bool) -> tuple[float, float]:
    """(tau, one-sided p) of R's cor.test(seq_along(y), y, method = "kendall")."""
    n = len(y)
    t0 = n * (n - 1) / 2
    t_exact = sum(c * (c - 1) / 2 for c in Counter(y).values())  # unique(), ==: exact
    if t0 == t_exact:
        return math.nan, math.nan
    s = s_statistic(y)
    tau = s / math.sqrt(t0 * (t0 - t_exact))
    if n < 50 and t_exact == 0:  # exact: the permutation distribution of S
        sims = [s_statistic(list(p)) for p in itertools.permutations(y)]
        hits = sum(1 for v in sims if (v >= s if increasing else v <= s))
        return tau, hits / len(sims)
    seen: set[float] = set()
    dups: Counter = Counter()
    for v in y:  # table(y[duplicated(y)]) + 1
        if v in seen:
            dups[r_key(v)] += 1
        seen.add(v)
    sizes = [c + 1 for c in dups.values()]
    t2 = sum(a * (a - 1) / 2 for a in sizes)
    s_r = tau * math.sqrt(t0 * (t0 - t2))
    z = s_r / math.sqrt((n * (n - 1) * (2 * n + 5) - tie_sum(sizes, f5)) / 18)
    return tau, (1 - phi(z)) if increasing else phi(z)


def regional_trend(members: list[tuple[list[float], list[float]]]) -> dict[str, float]:
    """litteR's regional statistics from (times, values) per location: S, VarS, Z, slope (per year), p."""
    s_loc = [s_statistic(y, t) if len(y) >= 2 else math.nan for t, y in members]
    s = math.nan if any(math.isnan(v) for v in s_loc) else float(sum(s_loc))
    v_loc = [var_s(y, t) for t, y in members]
    v = math.nan if any(math.isnan(x) for x in v_loc) else sum(v_loc)
    if math.isnan(s):
        z = math.nan
    elif s == 0:
        z = 0.0
    else:
        z = (s - sign(s)) / math.sqrt(v) if not math.isnan(v) else math.nan
    b1s = [theil_sen_b1(t, y) if len(y) >= 2 else math.nan for t, y in members]
    b1 = math.nan if any(math.isnan(b) for b in b1s) else median(b1s)
    slope = b1 * 365.25
    p = math.nan if math.isnan(slope) or math.isnan(z) else (1 - phi(z) if slope > 0 else phi(z))
    return {"S": s, "VarS": v, "Z": z, "slope": slope, "p_value": p}
