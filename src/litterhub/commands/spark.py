"""`litterhub spark-job`: write the whole-lake beach statistics and composition as a job for Apache Spark."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from litterhub.services.hub import Hub


def spark_job(
    out: Path = typer.Option(..., "--out", help="folder to write job.json, the spark-submit script and a README into"),
    lake_url: str | None = typer.Option(None, "--lake-url",
                                        help="where the cluster reads this hub's lake (e.g. s3a://bucket/lake); "
                                             "default: the local lake as file://"),
    datasets: list[str] = typer.Option([], "--dataset", help="dataset id (id@version for another version); "
                                       "repeat; default every published dataset"),
    date_from: str | None = typer.Option(None, "--from", help="first survey date, YYYY-MM-DD"),
    date_to: str | None = typer.Option(None, "--to", help="last survey date, YYYY-MM-DD"),
    per_100m: bool = typer.Option(False, "--per-100m", help="survey totals per 100 m of shore (events with a length)"),
    top: int = typer.Option(10, "--top", help="items listed per comparability class"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object (for scripts)"),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="data directory (default LITTERHUB_DATA, else ./litterhub-data)"),
) -> None:
    """Write the whole-lake beach statistics and composition as an Apache Spark job (job.json + spark-submit script)."""
    from litterhub.services.spark_job import write_bundle

    hub = Hub.open(data_dir)
    try:
        bundle = write_bundle(hub, out, datasets=datasets or None, lake_url=lake_url, date_from=date_from,
                              date_to=date_to, per_100m=per_100m, top=top)
    finally:
        hub.close()
    if as_json:
        typer.echo(json.dumps(bundle.as_dict()))
    else:
        typer.echo(f"Spark job over {len(bundle.versions)} dataset version(s) ({bundle.excluded_events} duplicate "
                   f"copies left out) in {bundle.path}\nrun: spark-submit {bundle.path / 'litterhub_spark_job.py'} "
                   f"{bundle.path / 'job.json'} --out OUTPUT")


def register(app: typer.Typer) -> None:
    app.command("spark-job")(spark_job)
