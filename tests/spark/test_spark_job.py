"""The whole-lake job on Apache Spark (local mode) gives the DuckDB path's numbers exactly, on the real exports.

One hub (the demo samples, NOAA MDMAP back-barrier, Eriksen's trawls, OSPAR NL, hammerdirt IQAASL, and a byte copy
of the demo MDMAP export that the duplicate scan leaves out), one Spark session, one job run for the module. Every
number of every output table is compared with `services.indicators.beach(group_by="site")` / `.composition()`
for equality (NaN where the DuckDB path has NaN); no tolerance is needed because every count in these exports is
a whole number (analysis/spark_job.py says why that matters).
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[dev]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime for Spark (Debian: default-jre-headless)", allow_module_level=True)

from typer.testing import CliRunner  # noqa: E402

from litterhub.analysis.comparability import CLASS_COLUMN  # noqa: E402
from litterhub.services import indicators  # noqa: E402

REAL_FILES = [  # (path under ../shared/data, format, dataset id), as tests/indicators/test_comparability_classes.py
    ("noaa-mdmap/MDMAP_Export_20230827_backbarrier.csv", "mdmap", "mdmap-backbarrier"),
    ("eriksen2023-surface-trawls/FinalMerge.csv", "eriksen", "trawls"),
    ("ospar-nl-litteR/beach-litter-nl-2012-2017.csv", "ospar", "ospar-nl"),
    ("hammerdirt-swiss/iqaasl_end_process/after_may_2021.csv", "hammerdirt", "iqaasl"),
]
KEYS = {"sites": [CLASS_COLUMN, "site_id", "group"], "surveys": [CLASS_COLUMN, "event_id", "group"],
        "country": [CLASS_COLUMN, "group", "country"], "region": [CLASS_COLUMN, "group", "region"],
        "items": [CLASS_COLUMN, "item"], "unmapped": [CLASS_COLUMN, "item"], "groups": [CLASS_COLUMN, "group"],
        "materials": [CLASS_COLUMN, "material"], "sources": [CLASS_COLUMN, "source"], "totals": [CLASS_COLUMN]}


@pytest.fixture(scope="module")
def lake_hub(tmp_path_factory, shared_data):
    from litterhub.services.duplicates import detect_duplicates
    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import DEMO_DIR, initialise, load_demo

    hub = Hub.open(tmp_path_factory.mktemp("spark") / "data")
    initialise(hub)
    load_demo(hub)
    for path, fmt, dataset in REAL_FILES:
        result = ingest_file(hub, shared_data / path, fmt, dataset)
        assert result.ok, result.report.errors[:3]
    copy = ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-copy", allow_copy=True)
    assert copy.ok
    detect_duplicates(hub, write=True)  # the copy's events become exclusions every indicator (and the job) skips
    yield hub
    hub.close()


@pytest.fixture(scope="module")
def bundle(lake_hub, tmp_path_factory):
    """The job bundle as the CLI writes it."""
    from litterhub.cli import app

    out = tmp_path_factory.mktemp("spark-bundle")
    data = str(lake_hub.settings.data_dir)
    res = CliRunner().invoke(app, ["spark-job", "--out", str(out), "--json", "--data-dir", data])
    assert res.exit_code == 0, res.output
    return out, json.loads(res.output)


@pytest.fixture(scope="module")
def spark():
    """Spark in local mode, small and quiet: two threads, one shuffle partition, no UI, this interpreter's workers.
    The job's numbers do not depend on these settings (the outputs are compared with the DuckDB path's)."""
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYSPARK_PYTHON", sys.executable)  # the Python workers must import litterhub, as the driver does
        session = (SparkSession.builder.master("local[2]").appName("litterhub-tests")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.shuffle.partitions", "1").config("spark.default.parallelism", "1")
                   # a few thousand rows: interpreting expressions beats compiling them (Janino) for every query
                   .config("spark.sql.adaptive.enabled", "false").config("spark.sql.codegen.wholeStage", "false")
                   .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
                   .getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="module")
def spark_tables(spark, bundle, tmp_path_factory) -> dict[str, pa.Table]:
    """Every output table, written as Parquet by the job and read back."""
    from litterhub.analysis import spark_job

    folder, _ = bundle
    out = tmp_path_factory.mktemp("spark-out")
    written = spark_job.write(spark_job.run(spark, spark_job.load_spec(folder / "job.json")), str(out))
    assert sorted(written) == sorted(spark_job.TABLES)
    return {name: pq.read_table(location) for name, location in written.items()}


@pytest.fixture(scope="module")
def spark_out(spark_tables) -> dict[str, pd.DataFrame]:
    return {name: table.to_pandas() for name, table in spark_tables.items()}


@pytest.fixture(scope="module")
def duck(lake_hub) -> dict[str, pd.DataFrame]:
    beach = indicators.beach(lake_hub, group_by="site")
    regional = {by: indicators.beach(lake_hub, group_by=by).tables[by] for by in ("country", "region")}
    return {"sites": beach.tables["sites"], "surveys": beach.tables["surveys"], **regional,
            **indicators.composition(lake_hub).tables}


def _equal(name: str, spark_frame: pd.DataFrame, duck_frame: pd.DataFrame) -> None:
    """Same rows (by key) and, column for column, the same values: numbers bit for bit (NaN where NaN)."""
    keys = KEYS[name]
    duck_frame = duck_frame.drop(columns=["site_name"], errors="ignore")  # the catalog's names: not in the lake
    assert set(spark_frame.columns) == set(duck_frame.columns), name
    assert len(spark_frame) == len(duck_frame), name
    assert not spark_frame.duplicated(keys).any(), name
    merged = spark_frame.merge(duck_frame, on=keys, how="inner", suffixes=("_spark", "_duck"))
    assert len(merged) == len(duck_frame), f"{name}: rows differ by key"
    for column in (c for c in duck_frame.columns if c not in keys):
        a, b = merged[f"{column}_spark"], merged[f"{column}_duck"]
        if column in ("from", "to", "event_date"):
            a, b = pd.to_datetime(a), pd.to_datetime(b)
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
            same = (x == y) | (np.isnan(x) & np.isnan(y))
        else:
            same = (a == b) | (a.isna() & b.isna())
        assert same.all(), (name, column, merged.loc[~same, [*keys, f"{column}_spark", f"{column}_duck"]].head(3))


def test_bundle_freezes_the_catalog_versions_and_the_exclusions(lake_hub, bundle):
    """job.json names the catalog's current versions (files that exist) and the duplicate copies to skip."""
    from litterhub.services.duplicates import excluded_and_flagged

    folder, summary = bundle
    spec = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    assert [(r["dataset_id"], r["version"]) for r in spec["versions"]] == indicators.resolve_versions(lake_hub, None)
    assert {tuple(v.values()) for v in summary["dataset_versions"]} == set(indicators.resolve_versions(lake_hub, None))
    root = lake_hub.lake.root.resolve()
    assert spec["lake"] == root.as_uri()
    assert all((root / path).is_file() for row in spec["versions"] for path in row["files"].values())
    excluded, _ = excluded_and_flagged(lake_hub)
    assert excluded and set(spec["excluded_events"]) == excluded
    assert {"job.json", "litterhub_spark_job.py", "README.md"} <= {p.name for p in folder.iterdir()}


def test_site_statistics_equal_the_duckdb_path(spark_out, spark_tables, duck):
    """litteR's statistics per class × site × group: n, dates, mean, median, cv, rmad, trend and %TC, exactly."""
    sites = duck["sites"]
    assert sites["p_value"].notna().sum() > 10 and (sites["n"] > 2).sum() > 10  # trends really computed
    assert sites["p_value"].isna().any()  # and series too short for one
    assert sites[CLASS_COLUMN].nunique() > 3  # several comparability classes, kept apart
    _equal("sites", spark_out["sites"], sites)
    # a missing statistic is NaN, as in the DuckDB path's tables, never a NULL that Arrow made of it
    assert all(spark_tables["sites"].column(c).null_count == 0 for c in ("b1", "p_value", "cv", "VarS"))


def test_survey_totals_equal_the_duckdb_path(spark_out, duck, lake_hub):
    """One row per survey × group, duplicate copies left out, trawl densities not counted as surveys."""
    from litterhub.services.duplicates import excluded_and_flagged

    _equal("surveys", spark_out["surveys"], duck["surveys"])
    excluded, _ = excluded_and_flagged(lake_hub)
    assert not set(spark_out["surveys"]["event_id"]) & excluded
    assert not spark_out["surveys"]["dataset_id"].eq("trawls").any()  # Eriksen publishes densities, not counts


@pytest.mark.parametrize("by", ["country", "region"])
def test_country_and_region_statistics_equal_the_duckdb_path(spark_out, duck, by):
    """Median of site medians, regional Kendall over the sites that carry a trend, the note where none does."""
    frame = duck[by]
    assert frame["p_value"].notna().any() and frame["trend_sites"].eq(0).any()  # both cases present
    _equal(by, spark_out[by], frame)


@pytest.mark.parametrize("table", ["items", "unmapped", "groups", "materials", "sources", "totals"])
def test_composition_equals_the_duckdb_path(spark_out, duck, table):
    """Shares, totals, fail rates and ranks (top items) per class, exactly."""
    _equal(table, spark_out[table], duck[table])


def test_top_items_keep_the_order_of_the_duckdb_path(spark_out, duck):
    """Within each class the items come in the same rank order (most counted first, ties by code)."""
    for frame in (spark_out["items"], duck["items"]):
        assert len(frame)
    order = [list(g["item"]) for _, g in duck["items"].groupby(CLASS_COLUMN, sort=True)]
    assert [list(g["item"]) for _, g in spark_out["items"].groupby(CLASS_COLUMN, sort=True)] == order


def test_a_spec_of_another_format_is_refused(tmp_path):
    from litterhub.analysis.spark_job import BadJobSpec, load_spec

    path = tmp_path / "job.json"
    path.write_text(json.dumps({"format": "something-else/9"}), encoding="utf-8")
    with pytest.raises(BadJobSpec, match="litterhub spark-job"):
        load_spec(path)


def test_per_100m_statistics_equal_the_duckdb_path(spark, bundle, lake_hub):
    """Items per 100 m of shore (events without a length left out): surveys and site statistics, exactly."""
    from litterhub.analysis import spark_job

    folder, _ = bundle
    spec = spark_job.load_spec(folder / "job.json")
    spec["params"] = {**spec["params"], "per_100m": True}
    events, observations = spark_job.lake_frames(spark, spec)
    totals = spark_job.survey_totals(spark, spec, events, observations)
    sites = spark_job.site_statistics(totals).toPandas()
    surveys = totals.drop("rel_count").toPandas()
    beach = indicators.beach(lake_hub, group_by="site", per_100m=True)
    assert beach.tables["surveys"]["length_m"].gt(0).all() and len(beach.tables["surveys"])
    _equal("surveys", surveys, beach.tables["surveys"])
    _equal("sites", sites, beach.tables["sites"])
