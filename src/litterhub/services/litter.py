"""Use case: run litteR's beach-litter analysis on a settings file or on uploaded files.

The CLI, the API and the web page all come through here; they get a `LitterResult`
(plain DataFrames + log) or a `LitterInputError` with a stable code and a message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from litterhub.analysis.litter.io import (
    LitterInputError,
    RunLog,
    parse_settings,
    read_data,
    read_types,
)
from litterhub.analysis.litter.legacy import legacy_tables
from litterhub.analysis.litter.pipeline import (
    LOCATION_COLUMNS,
    OUTLIER_COLUMNS,
    REGIONAL_COLUMNS,
    LitterResult,
    results_csv_frame,
    run_litter,
    write_result,
)

__all__ = [
    "LegacyOptions",
    "LitterInputError",
    "LitterResult",
    "default_output_dir",
    "result_tables",
    "run_litter_settings",
    "run_litter_uploads",
    "write_result",
]


@dataclass(frozen=True)
class LegacyOptions:
    """litteR 0.7.0's baseline/power modules, run on the settings' `group_code` + `type_name` (default TC)."""

    baseline: bool = False
    power: bool = False
    min_surveys: int = 16
    n_sim: int = 1000
    alpha: float = 0.05
    resolution_effect_size: float = 10
    seed: int | None = 314


def run_litter_settings(settings_path: Path, legacy: LegacyOptions | None = None) -> LitterResult:
    """Run litteR as `litteR::litter(settings.yaml)` does: data and type files relative to the settings."""
    log = RunLog()
    settings = parse_settings(Path(settings_path), log)
    types = read_types(settings.types_path, log)
    data = read_data(settings.data_path, types, log)
    result = run_litter(settings, types, data, log)
    if legacy is not None and (legacy.baseline or legacy.power):
        names = [*settings.group_code, *settings.type_name] or ["TC"]
        result.extra_tables.update(
            legacy_tables(
                result.series,
                names,
                baseline=legacy.baseline,
                power=legacy.power,
                min_surveys=legacy.min_surveys,
                n_sim=legacy.n_sim,
                alpha=legacy.alpha,
                resolution_effect_size=legacy.resolution_effect_size,
                seed=legacy.seed,
            )
        )
    return result


def run_litter_uploads(settings: bytes, data: bytes, types: bytes) -> LitterResult:
    """Run on uploaded bytes; the uploads replace `file_data`/`file_types` of the settings."""
    log = RunLog()
    parsed = parse_settings(settings, log, require_files=False)
    type_file = read_types(types, log)
    litter_data = read_data(data, type_file, log)
    return run_litter(parsed, type_file, litter_data, log)


def default_output_dir(settings_path: Path) -> Path:
    """litteR's own output folder: `litteR-results-<YYYYmmddTHHMMSS>` next to the settings file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return Path(settings_path).parent / f"litteR-results-{stamp}"


def _records(frame: pd.DataFrame | None, columns: list[str] | None = None) -> list[dict[str, Any]]:
    if frame is None:
        return []
    if columns is not None:
        frame = frame[columns]
    rows = frame.to_dict(orient="records")
    for row in rows:
        for key, value in row.items():
            if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
                row[key] = None
            elif hasattr(value, "item"):
                row[key] = value.item()
            elif isinstance(value, pd.Timestamp):
                row[key] = value.strftime("%Y-%m-%d")
    return rows


def result_tables(result: LitterResult) -> dict[str, Any]:
    """JSON-ready tables of a run (full precision; missing values as null) plus litteR's printed table."""
    return {
        "results": _records(result.results),
        "results_printed": _records(results_csv_frame(result.results)),
        "location_stats": _records(result.location_stats, LOCATION_COLUMNS),
        "regional_stats": _records(result.regional_stats, REGIONAL_COLUMNS),
        "outliers": _records(result.outliers, OUTLIER_COLUMNS),
        "topx": _records(result.topx),
        "log": [{"level": e.level, "code": e.code, "message": e.message} for e in result.log],
        "warnings": [{"code": e.code, "message": e.message} for e in result.log if e.level == "WARN"],
    }
