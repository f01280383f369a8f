"""Use case: run litteR's beach-litter analysis on a settings file or on uploaded files.

The CLI, the API and the web page all come through here; they get a `LitterResult`
(plain DataFrames + log) or a `LitterInputError` with a stable code and a message.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
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
from litterhub.analysis.litter.stats import theil_sen
from litterhub.errors import NotFoundError
from litterhub.services.hub import Hub

__all__ = [
    "LegacyOptions",
    "RESULT_FILES",
    "RunNotFound",
    "ZIP_NAME",
    "input_field",
    "load_run",
    "run_file",
    "run_files",
    "run_ttl",
    "sweep_runs",
    "store_upload_run",
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


def _step(field: str, fn, *args, **kwargs):
    """Call one reading step, tagging a refusal with the input it concerns (settings, types or data)."""
    try:
        return fn(*args, **kwargs)
    except LitterInputError as exc:
        exc.field = exc.field or field
        raise


def run_litter_settings(settings_path: Path, legacy: LegacyOptions | None = None) -> LitterResult:
    """Run litteR as `litteR::litter(settings.yaml)` does: data and type files relative to the settings."""
    log = RunLog()
    settings = _step("settings", parse_settings, Path(settings_path), log)
    types = _step("types", read_types, settings.types_path, log)
    data = _step("data", read_data, settings.data_path, types, log)
    result = _step("data", run_litter, settings, types, data, log)
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
    parsed = _step("settings", parse_settings, settings, log, require_files=False)
    type_file = _step("types", read_types, types, log)
    litter_data = _step("data", read_data, data, type_file, log)
    return _step("data", run_litter, parsed, type_file, litter_data, log)


RESULT_FILES = (
    "litteR-results.csv",
    "location_stats.csv",
    "regional_stats.csv",
    "outliers.csv",
    "topx.csv",
    "adjusted_boxplot_tc.csv",
    "survey_totals.csv",
    "top10_location.csv",
    "top10_region.csv",
    "litteR.log",
)


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
        "files": [
            name
            for name in RESULT_FILES
            if name not in ("regional_stats.csv", "top10_region.csv") or result.regional_stats is not None
        ],
    }


# ---------------------------------------------------------------------------------------
# runs kept in the hub's data directory (for the API and web downloads)

RUNS_FOLDER = "litter-runs"
ZIP_NAME = "litteR-results.zip"
OWNER_FILE = ".owner"
_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
# A run's outputs are kept for a day, then swept: long enough to download them after the page, short enough
# that the hub does not become a store of other people's data. LITTERHUB_LITTER_RUN_HOURS changes it.
RUN_TTL_HOURS = 24


class RunNotFound(NotFoundError, LookupError):
    """No stored run (or no such file in it, or not the caller's, or expired)."""


def input_field(error: LitterInputError) -> str | None:
    """Which uploaded file a refusal is about: settings, data or types."""
    if error.field:
        return error.field
    for prefix, name in (("litter-settings", "settings"), ("litter-types", "types"), ("litter-data", "data")):
        if error.code.startswith(prefix):
            return name
    return None


def run_ttl(hub: Hub) -> timedelta:
    """How long a run's outputs are kept (Settings.litter_run_hours, LITTERHUB_LITTER_RUN_HOURS; default 24)."""
    return timedelta(hours=hub.settings.litter_run_hours)


def _runs_dir(hub: Hub) -> Path:
    return Path(hub.settings.exports_dir) / RUNS_FOLDER


def _expired(folder: Path, ttl: timedelta) -> bool:
    try:
        age = datetime.now(UTC).timestamp() - (folder / OWNER_FILE).stat().st_mtime
    except OSError:
        return True
    return age > ttl.total_seconds()


def sweep_runs(hub: Hub) -> int:
    """Delete runs older than the retention time (and unfinished temporary folders of that age)."""
    removed = 0
    root = _runs_dir(hub)
    if not root.is_dir():
        return 0
    ttl = run_ttl(hub)
    for folder in root.iterdir():
        if folder.is_dir() and _expired(folder, ttl) and (
                not folder.name.startswith(".") or datetime.now(UTC).timestamp() - folder.stat().st_mtime
                > ttl.total_seconds()):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def store_upload_run(hub: Hub, settings: bytes, data: bytes, types: bytes,
                     owner: str | None = None) -> tuple[str, LitterResult]:
    """Run on uploads and keep the output files (and a zip of them) under exports/litter-runs/<id>/.

    The id is 128 random bits, so nobody finds a run they did not start; `owner` ("user:<id>") makes the
    run visible to that account only, None (anonymous) to whoever holds the id. The uploaded inputs are not
    kept. The folder is written under a temporary name and renamed, so a run is either complete or absent;
    runs are swept after `run_ttl(hub)`.
    """
    result = run_litter_uploads(settings, data, types)
    run_id = secrets.token_hex(16)
    target = _runs_dir(hub) / run_id
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_runs(hub)
    tmp = Path(tempfile.mkdtemp(prefix=f".{run_id}-", dir=target.parent))
    try:
        written = write_result(result, tmp)
        with zipfile.ZipFile(tmp / ZIP_NAME, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, arcname=path.name)
        (tmp / OWNER_FILE).write_text(json.dumps({"owner": owner}), encoding="utf-8")
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return run_id, result


def _run_folder(hub: Hub, run_id: str, owner: str | None) -> Path:
    if not _RUN_ID.match(run_id):
        raise RunNotFound(f"no litteR run {run_id!r}")
    folder = _runs_dir(hub) / run_id
    if not folder.is_dir() or _expired(folder, run_ttl(hub)):
        raise RunNotFound(f"no litteR run {run_id!r} (runs are kept {hub.settings.litter_run_hours:g} h)")
    try:
        stored = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8")).get("owner")
    except (OSError, ValueError):
        stored = "unreadable"
    if stored is not None and stored != owner:
        raise RunNotFound(f"no litteR run {run_id!r}")
    return folder


def run_files(hub: Hub, run_id: str, owner: str | None = None) -> list[str]:
    """Names of the files of a stored run the caller may see."""
    folder = _run_folder(hub, run_id, owner)
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def run_file(hub: Hub, run_id: str, name: str, owner: str | None = None) -> Path:
    """Path of one file of a stored run (only names the run actually has)."""
    if name not in run_files(hub, run_id, owner):
        raise RunNotFound(f"litteR run {run_id} has no file {name!r}")
    return _runs_dir(hub) / run_id / name


def load_run(hub: Hub, run_id: str, owner: str | None = None) -> dict[str, Any]:
    """A stored run for display: litteR's printed table, regional stats, outliers, warnings, file names,
    and the TC series per location with its Theil–Sen line (two end points) for the chart."""
    files = run_files(hub, run_id, owner)
    folder = _runs_dir(hub) / run_id
    printed = pd.read_csv(folder / "litteR-results.csv", dtype=str, keep_default_na=False)
    regional = pd.read_csv(folder / "regional_stats.csv") if "regional_stats.csv" in files else None
    outliers = pd.read_csv(folder / "outliers.csv", dtype={"location_code": str})
    totals = pd.read_csv(folder / "survey_totals.csv", dtype={"location_code": str})
    log = (folder / "litteR.log").read_text(encoding="utf-8").splitlines()
    points, lines = [], []
    for location, rows in totals.groupby("location_code", sort=True):
        days = pd.to_datetime(rows["date"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
        points.extend(
            {"location": location, "date": d, "tc": float(v)} for d, v in zip(rows["date"], rows["TC"], strict=True)
        )
        slope, intercept = theil_sen(days, rows["TC"].to_numpy(dtype=float))
        if not math.isnan(slope):
            for day in (days.min(), days.max()):
                lines.append(
                    {
                        "location": location,
                        "date": str(np.datetime64(int(day), "D")),
                        "tc": float(intercept + slope * day),
                    }
                )
    return {
        "run_id": run_id,
        "files": files,
        "results": printed.to_dict(orient="records"),
        "columns": list(printed.columns),
        "regional": _records(regional),
        "outliers": _records(outliers),
        "warnings": [line for line in log if line.startswith("WARN")],
        "chart_points": points,
        "chart_lines": lines,
    }
