"""Beach statistics and composition over the whole lake on Apache Spark, number for number the DuckDB path's.

The job reads a bundle written by `litterhub spark-job` (services/spark_job.py: the catalog's current dataset
versions as lake files, the duplicate copies to leave out, the vocabulary) and never a catalog or a folder
listing. It computes what `services.indicators.beach(group_by=...)` and `.composition()` compute, per
comparability class and never across classes:

- **surveys**: one row per survey × group (TC, PLASTIC and the use groups), as `analysis.beach.survey_totals`;
- **sites**: litteR's statistics per class × site × group, as `analysis.beach.statistics`;
- **country**, **region**: the regional aggregation and Kendall test, as `statistics(group_by="country"|"region")`;
- **items, unmapped, groups, materials, sources, totals**: as `analysis.composition.composition`.

How "the same numbers" is kept:

- The class and the event filters are the very SQL of analysis/comparability.py and analysis/beach.py
  (`UNIT_FAMILY_SQL`, `SIZE_BAND_SQL`, `COUNTED_SQL`, `event_filter`), which both engines parse; only the
  protocol family is rebuilt from `PROTOCOL_FAMILIES` with `rlike`, because Spark SQL has no `regexp_matches`
  and reads `''` inside a literal differently.
- Descriptive statistics are computed in Spark from each series sorted as the kernel sorts it (date, then event
  id): sums are left folds in that order, which is what NumPy's `bincount` does, and medians are the middle
  value or the mean of the two middle values of the sorted series, which is `numpy.median` (R's type 7 at 0.5).
  `percentile_approx` is never used: it is not exact.
- The trend columns (Theil–Sen b0/b1, Kendall tau and p-value with R's exact distribution and tie rules, S and
  Var S) are not re-derived: each series goes, whole, to `analysis.litter.stats.series_statistics` in a grouped
  pandas UDF, so the one definition of litteR's statistics stays in one place. Series are independent (R's tie
  keys only round a value towards neighbours of its own series), so how Spark splits them changes nothing.
- Sums of counts: DuckDB and Spark add the rows of a group in an order neither promises. Whole-number counts
  (every real export here) add exactly in any order; a source that publishes fractional counts can make the
  last bit of a total, and of the shares and statistics derived from it, differ (below 1e-12 relative).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from litterhub.analysis.beach import NO_TREND_SITE, PLASTIC, TOTAL, event_filter
from litterhub.analysis.comparability import (
    CLASS_COLUMN,
    CLASS_SEPARATOR,
    COMPARTMENT_SQL,
    COUNTED_SQL,
    EVENT_TYPE_SQL,
    NOT_STATED,
    PROTOCOL_FAMILIES,
    SIZE_BAND_SQL,
    UNIT_FAMILY_SQL,
)
from litterhub.analysis.litter.stats import MAD_CONSTANT, regional_statistics, series_statistics
from litterhub.errors import InvalidInput
from litterhub.model.schema import LAKE_TABLES

FORMAT = "litterhub-spark-job/1"
TABLES = ("surveys", "sites", "country", "region", "items", "unmapped", "groups", "materials", "sources", "totals")
TREND_COLUMNS = ("b0", "b1", "slope", "tau", "p_value", "S", "VarS")
SERIES_BUCKETS = 64  # series per pandas call: whole series, spread over the executors by a hash of the site


def _nan() -> Column:
    """A NaN literal (a function: a module-level Column would need a live session on every Python worker)."""
    return F.lit(float("nan"))


class BadJobSpec(InvalidInput):
    """A job.json this job cannot run (another format, no versions, a malformed entry)."""

    code = "bad-spark-job-spec"


# --- reading the lake ---------------------------------------------------------------------------------


def load_spec(path: str | Path) -> dict[str, Any]:
    """The bundle's job.json, checked for the fields the job uses."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    if spec.get("format") != FORMAT:
        raise BadJobSpec(f"{path}: not a {FORMAT} job (format {spec.get('format')!r}); write it again with "
                         "`litterhub spark-job`")
    for key in ("lake", "versions", "excluded_events", "params", "vocabulary"):
        if key not in spec:
            raise BadJobSpec(f"{path}: job.json has no {key!r}", field=key)
    return spec


def read_lake_table(spark: SparkSession, spec: dict[str, Any], table: str) -> DataFrame:
    """One lake table over the job's versions, in today's schema (columns an older file lacks are NULL, as
    store/lake.py `Lake.scan` gives them); an empty frame of that schema when no version has the file."""
    schema = LAKE_TABLES[table]
    spark_schema = from_arrow_schema(schema)
    root = spec["lake"].rstrip("/")
    paths = [f"{root}/{row['files'][table]}" for row in spec["versions"] if table in row.get("files", {})]
    if not paths:
        return spark.createDataFrame([], spark_schema)
    # Explicit files and no base path: Spark infers no partition columns from dataset=/version= (the files carry
    # both). The schema is given, not inferred: no job to read footers, and a column an older file lacks is NULL.
    return spark.read.schema(spark_schema).parquet(*paths)


_LITERAL = re.compile(r"'((?:[^']|'')*)'")  # a SQL string literal's text, '' standing for one quote


def _sql(expression: str) -> Column:
    """An expression of analysis/ in Spark SQL; refuses the one construct the two dialects read differently."""
    if any("''" in literal for literal in _LITERAL.findall(expression)):
        raise ValueError(f"a doubled quote reads differently in Spark SQL: {expression[:80]}…")
    return F.expr(expression)


def protocol_family() -> Column:
    """analysis/comparability.py PROTOCOL_FAMILY_SQL with the DataFrame API (same patterns, same order)."""
    protocol = F.col("protocol")
    family = F.when(protocol.isNull() | (F.trim(protocol) == ""), F.lit(NOT_STATED))
    for label, pattern, _ in PROTOCOL_FAMILIES:
        family = family.when(F.lower(protocol).rlike(pattern), F.lit(label))
    return family.otherwise(F.concat(F.lit("as stated: "), protocol, F.lit(" ("), F.col("dataset_id"), F.lit(")")))


def comparability_class() -> Column:
    """CLASS_SQL: the five dimensions joined by CLASS_SEPARATOR."""
    return F.concat_ws(CLASS_SEPARATOR, _sql(COMPARTMENT_SQL), _sql(UNIT_FAMILY_SQL), _sql(SIZE_BAND_SQL),
                       _sql(EVENT_TYPE_SQL), protocol_family())


EVENT_COLUMNS = ("event_id", "dataset_id", "version", "site_id", "country", "region", "event_date", "length_m",
                 "total_count", "items_per_m2", "concentration")  # what the outputs and COUNTED_SQL read
OBSERVATION_COLUMNS = ("event_id", "count", "material", "relation", "source_name", "source_scheme", "source_code",
                       "master_code", "rollup_code", "counts_toward_total")


def lake_frames(spark: SparkSession, spec: dict[str, Any]) -> tuple[DataFrame, DataFrame]:
    """(events with their class, minus the duplicate copies; observations) -- services/indicators.py `_open`."""
    events = read_lake_table(spark, spec, "events")
    excluded = spark.createDataFrame([(e,) for e in spec["excluded_events"]], "event_id string")
    events = events.join(F.broadcast(excluded), "event_id", "left_anti").withColumn(CLASS_COLUMN,
                                                                                    comparability_class())
    observations = read_lake_table(spark, spec, "observations").select(*OBSERVATION_COLUMNS)
    # both are read by every output table: scanned once, only the columns used (Spark spills what does not fit)
    return events.select(*EVENT_COLUMNS, CLASS_COLUMN).persist(), observations.persist()


# --- survey totals and site statistics -----------------------------------------------------------------


def _window(spec: dict[str, Any]) -> str:
    from datetime import date

    params = spec["params"]
    lo, hi = (date.fromisoformat(params[k]) if params.get(k) else None for k in ("from", "to"))
    return event_filter(lo, hi)


def survey_totals(spark: SparkSession, spec: dict[str, Any], events: DataFrame, observations: DataFrame
                  ) -> DataFrame:
    """analysis/beach.py `survey_totals` (all groups): one row per survey × group present, 0 where none was found."""
    per_100m = bool(spec["params"].get("per_100m"))
    vocab = spec["vocabulary"]
    codes = list(vocab["groups"])
    masks: dict[str, int] = {}
    for group, master in vocab["group_members"]:
        if group in codes:
            masks[master] = masks.get(master, 0) | (1 << codes.index(group))
    mask_frame = spark.createDataFrame(list(masks.items()) or [("", 0)], "mask_code string, mask long")
    condition = _window(spec) + (" AND length_m > 0" if per_100m else "") + f" AND {COUNTED_SQL}"
    ev = events.where(_sql(condition)).select("event_id", "dataset_id", "version", "site_id", "country", "region",
                                                "event_date", "length_m", CLASS_COLUMN)
    count = F.col("count")
    sums = [F.sum(count).alias(TOTAL), F.sum(F.when(F.col("material") == "plastic", count)).alias(PLASTIC)]
    sums += [F.sum(F.when(F.col("mask").bitwiseAND(1 << i) != 0, count)).alias(code)
             for i, code in enumerate(codes) if code not in (TOTAL, PLASTIC)]
    per_event = (observations.where("counts_toward_total AND count IS NOT NULL")
                 .join(ev.select("event_id"), "event_id", "left_semi")
                 .join(F.broadcast(mask_frame), F.col("rollup_code") == F.col("mask_code"), "left")
                 .groupBy("event_id").agg(*sums))
    wide = ev.join(per_event, "event_id", "left").cache()
    # a group none of whose members occurs anywhere in the inputs gets no rows (as litteR, and the DuckDB path)
    found = wide.agg(*[F.count(F.col(c)).alias(c) for c in codes]).first()
    present = [c for c in codes if c == TOTAL or found[c]]
    scale = (lambda c: c * F.lit(100.0) / F.col("length_m")) if per_100m else (lambda c: c)
    cells = F.array(*[F.struct(F.lit(c).alias("group"), scale(F.coalesce(F.col(c), F.lit(0.0))).alias("count"))
                      for c in present])
    long = wide.select("event_id", "dataset_id", "version", "site_id", "country", "region", "event_date",
                       "length_m", CLASS_COLUMN, scale(F.coalesce(F.col(TOTAL), F.lit(0.0))).alias("_tc"),
                       F.explode(cells).alias("_cell"))
    long = long.select("*", F.col("_cell.group").alias("group"), F.col("_cell.count").alias("count")).drop("_cell")
    return long.withColumn("rel_count", _ratio(F.col("count"), F.col("_tc"))).drop("_tc").persist()


def _ratio(count: Column, total: Column) -> Column:
    """100 × count / total as NumPy divides (x / 0 is ±inf, 0 / 0 NaN), whatever Spark's ANSI setting."""
    return (F.when(total != 0, F.lit(100.0) * count / total)
            .when(count > 0, F.lit(float("inf"))).when(count < 0, F.lit(float("-inf"))).otherwise(_nan()))


def _median(sorted_values: str, n: str) -> str:
    """numpy.median of a sorted array column (1-based element_at): the middle value, or the mean of the two."""
    return (f"CASE WHEN {n} % 2 = 1 THEN element_at({sorted_values}, CAST(({n} + 1) / 2 AS INT)) "
            f"ELSE (element_at({sorted_values}, CAST({n} / 2 AS INT)) "
            f"+ element_at({sorted_values}, CAST({n} / 2 + 1 AS INT))) / 2.0D END")


def descriptive(totals: DataFrame) -> DataFrame:
    """n, from, to, mean, median, cv, rmad and the mean rel_count per class × site × group, in Spark SQL.

    The series is sorted as `series_statistics` sorts it (date, then event id); sums are left folds in that order
    (NumPy's bincount), sd uses n − 1, cv = sd / mean and rmad = 1.4826 · median|y − median| / median, NaN where
    the divisor is 0 -- litteR's definitions as analysis/litter/stats.py computes them.
    """
    series = (totals.groupBy(CLASS_COLUMN, "site_id", "group")
              .agg(F.array_sort(F.collect_list(F.struct("event_date", "event_id", "count", "rel_count"))).alias("s"))
              .withColumn("n", F.size("s")))
    y = "transform(s, x -> x.count)"
    out = series.select(
        CLASS_COLUMN, "site_id", "group", "n",
        F.expr("element_at(s, 1).event_date").alias("from"), F.expr("element_at(s, n).event_date").alias("to"),
        F.expr(f"aggregate({y}, 0.0D, (acc, v) -> acc + v) / n").alias("mean"),
        F.expr("array_sort(transform(s, x -> x.count))").alias("_sorted"),
        F.expr("aggregate(transform(s, x -> x.rel_count), 0.0D, (acc, v) -> acc + v) / n").alias("rel_count"),
        F.col("s"),
    )
    out = out.withColumn("median", F.expr(_median("_sorted", "n")))
    out = out.withColumn("_sd", F.expr(f"CASE WHEN n < 2 THEN double('NaN') ELSE sqrt(aggregate({y}, 0.0D, "
                                       "(acc, v) -> acc + (v - mean) * (v - mean)) / (n - 1)) END"))
    out = out.withColumn("_dev", F.expr("array_sort(transform(s, x -> abs(x.count - median)))"))
    out = out.withColumn("_mad", F.lit(MAD_CONSTANT) * F.expr(_median("_dev", "n")))
    out = out.withColumn("cv", F.when(F.col("mean") != 0, F.col("_sd") / F.col("mean")).otherwise(_nan()))
    out = out.withColumn("rmad", F.when(F.col("median") != 0, F.col("_mad") / F.col("median")).otherwise(_nan()))
    return out.select(CLASS_COLUMN, "site_id", "group", "from", "to", F.col("n").cast("long").alias("n"), "mean",
                      "median", "cv", "rmad", "rel_count")


TREND_SCHEMA = (f"{CLASS_COLUMN} string, site_id string, group string, b0 double, b1 double, slope double, "
                "tau double, p_value double, S double, VarS double")


def _trend(frame: pd.DataFrame) -> pd.DataFrame:
    """The kernel (analysis/litter/stats.py) on whole series: Theil–Sen, Mann–Kendall, S and Var S."""
    frame = frame.assign(event_date=pd.to_datetime(frame["event_date"]))
    stats = series_statistics(frame, keys=[CLASS_COLUMN, "site_id", "group"], time="event_date", value="count",
                              order="event_id")
    return stats[[CLASS_COLUMN, "site_id", "group", *TREND_COLUMNS]].astype(
        {c: float for c in TREND_COLUMNS})


def site_statistics(totals: DataFrame) -> DataFrame:
    """litteR's per-site statistics (analysis/beach.py `statistics`, group_by site) per class × site × group."""
    inputs = totals.select(CLASS_COLUMN, "site_id", "group", "event_date", "event_id", "count")
    bucket = F.pmod(F.hash(CLASS_COLUMN, "site_id"), F.lit(SERIES_BUCKETS))
    trend = inputs.groupBy(bucket.alias("_bucket")).applyInPandas(_trend, TREND_SCHEMA)
    # site_id may be NULL (an event without a site): join null-safely, keep the descriptive side's keys
    keys = [CLASS_COLUMN, "site_id", "group"]
    d, t = descriptive(totals).alias("d"), trend.alias("t")
    joined = d.join(t, [F.col(f"d.{k}").eqNullSafe(F.col(f"t.{k}")) for k in keys], "inner")
    # Arrow turns the kernel's NaN (no trend) into NULL on the way back; NaN again, as the DuckDB path's tables have
    return joined.select(*[F.col(f"d.{c}") for c in (*keys, "from", "to", "n", "mean", "median", "cv", "rmad")],
                         *[F.coalesce(F.col(f"t.{c}"), _nan()).alias(c) for c in TREND_COLUMNS], F.col("d.rel_count"))


REGIONAL_COLUMNS = ("n long, mean double, median double, sites long, b0 double, b1 double, S double, VarS double, "
                    "trend_sites long, Z double, slope double, p_value double, trend_note string")
NO_REGION = "(none)"  # analysis/beach.py `statistics`: a site without one still counts, under this label


def regional(totals: DataFrame, sites: DataFrame, by: str) -> DataFrame:
    """analysis/beach.py `statistics` with group_by country or region: per class × group × country (region), the
    mean and median of the site values, and the regional Kendall trend over the sites that can carry one.

    A site's country (region) is that of its first survey (date, then event id), as the DuckDB path's frame order
    gives it. The aggregation is the kernel's `regional_statistics` on the site statistics of one class at a time
    (a few rows per site), in a grouped pandas UDF, with the sites in the kernel's order (site, then group), so
    its sums and means add in the same order.
    """
    first = F.struct("event_date", "event_id")
    region_of = totals.groupBy(CLASS_COLUMN, "site_id").agg(
        F.min_by(F.coalesce(F.col(by), F.lit(NO_REGION)), first).alias(by))
    keys = [CLASS_COLUMN, "site_id"]
    s, r = sites.alias("s"), region_of.alias("r")
    stats = s.join(r, [F.col(f"s.{k}").eqNullSafe(F.col(f"r.{k}")) for k in keys], "inner").select("s.*", f"r.{by}")

    def aggregate(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.sort_values(["site_id", "group"], kind="stable").reset_index(drop=True)
        label = frame[CLASS_COLUMN].iloc[0]
        out = regional_statistics(frame.drop(columns=[CLASS_COLUMN]), group="group", region=by,
                                  trend_locations_only=True)
        out = out.rename(columns={"locations": "sites", "trend_locations": "trend_sites"})
        out["trend_note"] = [NO_TREND_SITE if n == 0 else "" for n in out["trend_sites"].to_numpy()]
        out.insert(0, CLASS_COLUMN, label)
        return out[[CLASS_COLUMN, "group", by, *(c.split()[0] for c in REGIONAL_COLUMNS.split(", "))]]

    schema = f"{CLASS_COLUMN} string, group string, {by} string, {REGIONAL_COLUMNS}"
    out = stats.groupBy(CLASS_COLUMN).applyInPandas(aggregate, schema)
    return out.select(*[F.coalesce(F.col(c), _nan()).alias(c) if c in ("mean", "median", "b0", "b1", "S", "VarS",
                                                                         "Z", "slope", "p_value") else F.col(c)
                        for c in out.columns])


# --- composition -------------------------------------------------------------------------------------------


def composition(spark: SparkSession, spec: dict[str, Any], events: DataFrame, observations: DataFrame
                ) -> dict[str, DataFrame]:
    """analysis/composition.py `composition` in Spark SQL: the same statements, table for table, per class.

    `any_value` of the DuckDB path becomes `min` here (deterministic); it only matters where one roll-up code
    comes with two materials or source names, which the test checks the lake does not have.
    """
    vocab = spec["vocabulary"]
    top = int(spec["params"].get("top", 10))
    _view(spark, "_lh_group_members", [tuple(pair) for pair in vocab["group_members"]],
          "group_code string, master_code string")
    _view(spark, "_lh_source_map", [tuple(row) for row in vocab["sources"]],
          "master_code string, source string, group_code string")
    _view(spark, "_lh_item_names", list(vocab["item_names"].items()), "item string, name string")
    _view(spark, "_lh_group_names", list(vocab["group_names"].items()), "group_code string, name string")
    events.where(_sql(_window(spec))).select(
        "event_id", F.col(CLASS_COLUMN).alias("cls"), (~_sql(COUNTED_SQL)).alias("density_only")
    ).createOrReplaceTempView("_lh_comp_events")
    observations.createOrReplaceTempView("_lh_observations")
    spark.sql("""
        SELECT e.cls, o.event_id, o.count, o.material, o.relation, o.source_name,
               coalesce(o.rollup_code, o.source_scheme || ':' || o.source_code) AS item,
               o.rollup_code IS NULL AS unmapped
        FROM _lh_observations o JOIN _lh_comp_events e ON e.event_id = o.event_id
        WHERE o.counts_toward_total AND o.count > 0
    """).persist().createOrReplaceTempView("_lh_comp")
    spark.sql("""
        SELECT e.cls, e.surveys, e.density_only, coalesce(c.total, 0.0D) AS total_count,
               coalesce(c.unmapped, 0.0D) AS unmapped_count,
               row_number() OVER (ORDER BY e.surveys DESC, e.cls) AS class_rank
        FROM (SELECT cls, count(*) AS surveys, count(*) FILTER (WHERE density_only) AS density_only
              FROM _lh_comp_events GROUP BY cls) e
        LEFT JOIN (SELECT cls, sum(count) AS total, sum(count) FILTER (WHERE unmapped) AS unmapped
                   FROM _lh_comp GROUP BY cls) c ON c.cls = e.cls
    """).persist().createOrReplaceTempView("_lh_comp_classes")

    def per_class(select: str, columns: str, order: str) -> DataFrame:
        return spark.sql(f"""
            SELECT k.cls AS {CLASS_COLUMN}, {columns},
                   CASE WHEN k.total_count > 0 THEN 100.0D * r.total / k.total_count END AS pct_of_total
            FROM ({select}) r JOIN _lh_comp_classes k ON k.cls = r.cls
            ORDER BY k.class_rank, {order}
        """)  # noqa: S608 - fixed SQL of this module

    ranked = """
        SELECT cls, item, min(material) AS material, min(source_name) AS source_name,
               sum(count) AS total, count(DISTINCT event_id) AS surveys_found,
               row_number() OVER (PARTITION BY cls ORDER BY sum(count) DESC, item) AS rank
        FROM _lh_comp WHERE {which} GROUP BY cls, item"""
    fail_rate = "r.surveys_found / k.surveys AS fail_rate"  # surveys_found / the class's surveys, as a double
    harmonised = ranked.format(which="NOT unmapped")
    items = per_class(f"""SELECT r.*, coalesce(n.name, r.item) AS name FROM ({harmonised}) r
                          LEFT JOIN _lh_item_names n ON n.item = r.item WHERE r.rank <= {top}""",  # noqa: S608
                      f"r.item, r.name, r.material, r.total, r.surveys_found, {fail_rate}", "r.rank")
    unmapped = per_class(ranked.format(which="unmapped"),
                         f"r.item, r.source_name AS name, r.total, r.surveys_found, {fail_rate}", "r.rank")
    groups = per_class("""
        SELECT r0.*, coalesce(g.name, r0.`group`) AS name
        FROM (SELECT c.cls, m.group_code AS `group`, sum(c.count) AS total FROM _lh_comp c JOIN _lh_group_members m
                ON m.master_code = c.item GROUP BY c.cls, m.group_code) r0
        LEFT JOIN _lh_group_names g ON g.group_code = r0.`group`""",
                       "r.`group`, r.name, r.total", "r.total DESC, r.`group`")
    materials = per_class("""
        SELECT cls, coalesce(material, 'unmapped') AS material, sum(count) AS total FROM _lh_comp
        GROUP BY cls, coalesce(material, 'unmapped')""", "r.material, r.total", "r.total DESC, r.material")
    not_attributed = vocab["not_attributed"].replace("'", "")
    sources = per_class(f"""
        SELECT c.cls, coalesce(s.source, '{not_attributed}') AS source, min(s.group_code) AS `group`,
               sum(c.count) AS total
        FROM _lh_comp c LEFT JOIN _lh_source_map s ON s.master_code = c.item
        GROUP BY c.cls, coalesce(s.source, '{not_attributed}')""",  # noqa: S608 - a constant of composition.py
                        "r.source, r.`group`, r.total", f"r.source = '{not_attributed}', r.total DESC, r.source")
    totals = spark.sql(f"""
        SELECT cls AS {CLASS_COLUMN}, surveys, density_only AS surveys_with_density_only, total_count,
               unmapped_count,
               CASE WHEN total_count > 0 THEN 100.0D * unmapped_count / total_count END AS unmapped_pct
        FROM _lh_comp_classes ORDER BY class_rank
    """)  # noqa: S608 - fixed SQL
    return {"items": items, "unmapped": unmapped, "groups": groups, "materials": materials, "sources": sources,
            "totals": totals}


def _view(spark: SparkSession, name: str, rows: list[tuple], schema: str) -> None:
    spark.createDataFrame(rows, schema).createOrReplaceTempView(name)


# --- the job -------------------------------------------------------------------------------------------------


def run(spark: SparkSession, spec: dict[str, Any]) -> dict[str, DataFrame]:
    """Every output table of the job as a Spark DataFrame (lazy except for the scan that finds the groups present)."""
    events, observations = lake_frames(spark, spec)
    totals = survey_totals(spark, spec, events, observations)
    out = {"surveys": totals.select("event_id", "dataset_id", "version", "site_id", "country", "region",
                                    "event_date", "length_m", CLASS_COLUMN, "group", "count"),
           "sites": site_statistics(totals).persist()}
    out.update({by: regional(totals, out["sites"], by) for by in ("country", "region")})
    out.update(composition(spark, spec, events, observations))
    return out


def write(tables: dict[str, DataFrame], out: str, fmt: str = "parquet") -> dict[str, str]:
    """Each table as one folder `<out>/<table>` (Parquet, or CSV with a header); returns table -> location."""
    written = {}
    for name, frame in tables.items():
        location = f"{out.rstrip('/')}/{name}"
        writer = frame.coalesce(1).write.mode("overwrite")
        if fmt == "csv":
            writer.option("header", "true").csv(location)
        else:
            writer.parquet(location)
        written[name] = location
    return written


def main(argv: list[str] | None = None) -> None:
    """spark-submit entry: `litterhub_spark_job.py job.json --out URL [--format parquet|csv]`."""
    parser = argparse.ArgumentParser(description="litterhub whole-lake beach statistics and composition on Spark")
    parser.add_argument("spec", help="job.json written by `litterhub spark-job`")
    parser.add_argument("--out", required=True, help="folder or object-store URL for the output tables")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    args = parser.parse_args(argv)
    spec = load_spec(args.spec)
    spark = SparkSession.builder.appName("litterhub whole-lake statistics").getOrCreate()
    try:
        written = write(run(spark, spec), args.out, args.format)
    finally:
        spark.stop()
    json.dump({"tables": written}, sys.stdout)
    sys.stdout.write("\n")
