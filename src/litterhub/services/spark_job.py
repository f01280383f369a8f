"""The whole-lake Spark job as a bundle: which lake files to read, what to leave out, and the vocabulary, frozen.

A Spark cluster has no catalog database: it reads Parquet. So the hub writes down, once, everything the
DuckDB path takes from the catalog and the vocabulary, and the job (analysis/spark_job.py) reads only that:

- the lake root (a local path, or the object-store URL the cluster reads, e.g. `s3a://bucket/lake`) and the
  current (dataset, version) pairs the **catalog** names, with each table's file relative to the root
  (readers follow the catalog, never a folder listing: docs/operations.md, "Crash safety");
- the events the stored duplicate scan leaves out of every indicator (services/duplicates.py);
- the use groups, OSPAR source map and item names the DuckDB path takes from vocab/.

The bundle is `job.json`, the entry script `litterhub_spark_job.py` for spark-submit and a README; its
outputs equal `services.indicators.beach(...)` (site, country, region) and `.composition()` (tests/spark/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from litterhub import __version__
from litterhub.analysis import beach as beach_analysis
from litterhub.analysis import composition as composition_analysis
from litterhub.errors import InvalidInput
from litterhub.model.schema import LAKE_TABLES
from litterhub.services.duplicates import excluded_and_flagged
from litterhub.services.hub import Hub
from litterhub.services.indicators import parse_date, resolve_versions
from litterhub.store.lake import version_key
from litterhub.vocab.items import master_list
from litterhub.vocab.reference import use_group_members, use_groups

FORMAT = "litterhub-spark-job/1"
SPEC_NAME = "job.json"
ENTRY_NAME = "litterhub_spark_job.py"
README_NAME = "README.md"
MAX_TOP = 500  # as services.indicators.composition

ENTRY_SCRIPT = '''"""spark-submit entry of the litterhub whole-lake job (written by `litterhub spark-job`).

    spark-submit litterhub_spark_job.py job.json --out OUTPUT_URL [--format parquet|csv]

Needs the litterhub package (and numpy, pandas, pyarrow, scipy) on the driver and every executor: see README.md.
"""

from litterhub.analysis.spark_job import main

if __name__ == "__main__":
    main()
'''


class BadJobRequest(InvalidInput):
    """A spark-job export asked for something the job cannot run (unknown lake URL scheme, top out of range)."""

    code = "bad-spark-job"


@dataclass
class JobBundle:
    """What `write_bundle` wrote: the folder, its files, and the versions and exclusions frozen in the spec."""

    path: Path
    files: list[str]
    versions: list[tuple[str, int]]
    excluded_events: int
    spec: dict[str, Any] = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "files": self.files,
                "dataset_versions": [{"dataset_id": d, "version": v} for d, v in self.versions],
                "excluded_events": self.excluded_events, "lake": self.spec["lake"]}


def _lake_url(hub: Hub, lake_url: str | None) -> str:
    """The root the job reads: the hub's own lake (a folder as file://, a bucket `s3://` as Hadoop's `s3a://`), or
    the URL the cluster reads the same files at."""
    if not lake_url:
        location = hub.lake.location
        if location.startswith("s3://"):
            return "s3a://" + location.removeprefix("s3://").rstrip("/")
        return Path(location).resolve().as_uri()
    scheme = lake_url.partition("://")[0] if "://" in lake_url else ""
    if scheme not in ("file", "s3a", "s3", "gs", "abfss", "hdfs"):
        raise BadJobRequest(f"lake URL must start with file://, s3a://, s3://, gs://, abfss:// or hdfs://, got "
                            f"{lake_url!r}", field="lake_url")
    return lake_url.rstrip("/")


def vocabulary() -> dict[str, Any]:
    """The vocabulary the DuckDB path reads from vocab/, as plain lists (the cluster has no litterhub data files
    to open, and a job must give the same numbers whichever vocabulary release a worker has installed)."""
    master = master_list()
    sources = composition_analysis.source_table()
    return {
        "groups": beach_analysis.known_groups(),
        "group_members": [[g, m] for g, m in use_group_members()],
        "group_names": {code: meta.get("name", code) for code, meta in use_groups().items()},
        "sources": [list(row) for row in sources[["master_code", "source", "group_code"]].itertuples(index=False)],
        "not_attributed": composition_analysis.NOT_ATTRIBUTED,
        "item_names": {code: item.name for code, item in master.items.items()},
    }


def job_spec(hub: Hub, *, datasets: list[str] | None = None, lake_url: str | None = None,
             date_from: str | date | None = None, date_to: str | date | None = None, per_100m: bool = False,
             top: int = 10) -> dict[str, Any]:
    """The job's whole input as JSON-ready data: the catalog's current versions, exclusions, parameters, vocabulary."""
    if not 1 <= top <= MAX_TOP:
        raise BadJobRequest(f"top must be between 1 and {MAX_TOP}", field="top")
    lo, hi = parse_date("from", date_from), parse_date("to", date_to)
    versions = resolve_versions(hub, datasets)
    used = {d for d, _ in versions}
    excluded, _ = excluded_and_flagged(hub)
    rows = []
    for dataset_id, version in versions:
        # the files the lake has for this version (a local folder or a bucket), named relative to the lake's root
        files = {name: f"{version_key(dataset_id, version)}/{name}.parquet" for name in LAKE_TABLES
                 if hub.lake.files(name, [(dataset_id, version)])}
        rows.append({"dataset_id": dataset_id, "version": version, "files": files})
    return {
        "format": FORMAT,
        "litterhub": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "lake": _lake_url(hub, lake_url),
        "versions": rows,
        # event ids are unique across datasets; the scan's exclusions of datasets outside the job are irrelevant
        "excluded_events": sorted(excluded),
        "params": {"from": lo and lo.isoformat(), "to": hi and hi.isoformat(), "per_100m": per_100m, "top": top,
                   "datasets": sorted(used)},
        "vocabulary": vocabulary(),
    }


def write_bundle(hub: Hub, out: Path, **options: Any) -> JobBundle:
    """Write job.json, the spark-submit entry script and the README into `out` (created; files overwritten)."""
    spec = job_spec(hub, **options)
    out.mkdir(parents=True, exist_ok=True)
    (out / SPEC_NAME).write_text(json.dumps(spec, indent=1, ensure_ascii=False), encoding="utf-8")
    (out / ENTRY_NAME).write_text(ENTRY_SCRIPT, encoding="utf-8")
    (out / README_NAME).write_text(_readme(spec), encoding="utf-8")
    versions = [(row["dataset_id"], row["version"]) for row in spec["versions"]]
    return JobBundle(out, [SPEC_NAME, ENTRY_NAME, README_NAME], versions, len(spec["excluded_events"]), spec)


def _readme(spec: dict[str, Any]) -> str:
    n_files = sum(len(row["files"]) for row in spec["versions"])
    return f"""# litterhub whole-lake job (Apache Spark)

Written by `litterhub spark-job` (litterhub {spec['litterhub']}) on {spec['created']}.
`job.json` names {len(spec['versions'])} dataset versions ({n_files} Parquet files) under

    {spec['lake']}

and leaves out {len(spec['excluded_events'])} events that the stored duplicate scan marks as second copies.
The job computes, per comparability class (never pooled): survey totals per vocabulary group, litteR's
statistics per site (n, from, to, mean, median, cv, rmad, b0, b1, slope, tau, p_value, S, VarS, rel_count),
per country and per region (median of site medians, regional Kendall test), and the composition tables (items,
unmapped, groups, materials, sources, totals). Its numbers equal `litterhub analyse beach --group-by
site|country|region` and `litterhub analyse composition` on the same versions.

## Run it locally

    pip install 'litterhub[spark]'          # pyspark; Java 17 or later (Debian: default-jre-headless)
    spark-submit --master 'local[*]' {ENTRY_NAME} {SPEC_NAME} --out ./spark-out

## Run it on a cluster (not tested by litterhub)

Every node needs the litterhub package: pack a virtual environment and ship it, as Spark's documentation
for Python dependencies says:

    python -m venv lh && lh/bin/pip install litterhub venv-pack && lh/bin/venv-pack -o lh.tar.gz
    PYSPARK_PYTHON=./lh/bin/python spark-submit --master spark://HOST:7077 --archives lh.tar.gz#lh \\
        {ENTRY_NAME} {SPEC_NAME} --out s3a://BUCKET/litterhub-spark-out

For a lake on object storage write the bundle with `--lake-url s3a://BUCKET/PREFIX` and give Spark
hadoop-aws (`--packages org.apache.hadoop:hadoop-aws:<the Hadoop version of your Spark>`) and credentials
(`spark.hadoop.fs.s3a.*`, or the usual AWS environment variables). See docs/spark.md of litterhub.
"""
