"""Summaries of Monte Carlo draws, reported the way Borrelle et al. did (mean with P10/P90),
plus P2.5/P97.5; quantiles are R's type 7 (NumPy's default linear rule)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

QUANTILES = (0.025, 0.10, 0.90, 0.975)


@dataclass(frozen=True)
class Summary:
    mean: float
    p2_5: float
    p10: float
    p90: float
    p97_5: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def summarise(draws: np.ndarray, axis: int = -1) -> dict[str, np.ndarray]:
    """Mean and quantiles of `draws` along `axis` (the draw axis), one array per statistic."""
    draws = np.asarray(draws, float)
    q = np.quantile(draws, QUANTILES, axis=axis)
    return {"mean": draws.mean(axis=axis), "p2_5": q[0], "p10": q[1], "p90": q[2], "p97_5": q[3]}


def summary_at(stats: dict[str, np.ndarray], index: tuple[int, ...] | int = ()) -> Summary:
    """One country's (or cell's) Summary out of `summarise` output."""
    return Summary(**{k: float(np.asarray(v)[index]) for k, v in stats.items()})
