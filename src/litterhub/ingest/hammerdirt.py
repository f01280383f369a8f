"""Swiss lake and river shoreline surveys by hammerdirt (IQAASL): long format, one row per survey x code.

Format facts (docs/formats.md): two generations of files with different spellings:
- IQAASL `end_process` files: `loc_date` or `sample_id` (a Python tuple string `"('slug', 'YYYY-MM-DD')"`),
  `date`, `slug` or `location`, `code`, `pcs_m` or `pcs/m`, `quantity`, `length` (m), `feature_type`
  (l lake, r river, p mountain/park); every code of the list is present, zeros included.
- the 2015-2020 `survey_qc` set (`date, code, pcs_m, quantity, location`) lists non-zero codes only (an absent
  code means 0); its effort (length, area, time, people) is in `dims_data.csv` beside it, for 2020 only.
Coordinates come from `beaches.csv` / `beach_data.csv` when they sit beside the file. `pcs_m` is the source's
own quantity / length, rounded: it is not used to back-compute a missing length.

The aggregate pseudo-codes Gfrags (G75-G80), Gfoams (G81-G83) and Gcaps (G21-G24) sum their parts: within a
survey either the aggregate or its parts count toward the total, never both (the larger of the two, so no
item is lost; the other rows are kept with counts_toward_total = false).

A long file's surveys span many rows, so the whole file is gathered (Arrow) and shaped with DuckDB; memory
is proportional to the file (about 100 bytes per row), which suits these survey files.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import (
    AdapterBase,
    AdapterBatch,
    DatasetDefaults,
    flag_cells,
    flag_lists,
    kept_rows,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import parse_number
from litterhub.ingest.columns import const, floats
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import DateColumn, Rows, TabularAdapter
from litterhub.ingest.textio import Sniff, open_table, sniff
from litterhub.store import duck

PROGRAMME = "hammerdirt IQAASL"
DATE = DateColumn("date", "%Y-%m-%d", "YYYY-MM-DD", "the survey date is empty")
AGGREGATES: dict[str, tuple[str, ...]] = {
    "Gfrags": ("G75", "G76", "G77", "G78", "G79", "G80"),
    "Gfoams": ("G81", "G82", "G83"),
    "Gcaps": ("G21", "G22", "G23", "G24"),
}
COMPARTMENT = {"l": "lakeshore", "r": "riverbank", "p": "land"}
SHORT_SURVEY_M = 10.0


def _pick(header: list[str] | set[str], *names: str) -> str | None:
    return next((n for n in names if n in header), None)


class Hammerdirt(AdapterBase):
    name = "hammerdirt"
    title = "Swiss IQAASL / hammerdirt shoreline surveys (long format, G-codes, pcs/m)"
    priority = 50

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        header = set(info.header)
        pcs = _pick(header, "pcs_m", "pcs/m")
        site = _pick(header, "slug", "location")
        if pcs and site and {"code", "quantity", "date"} <= header:
            return (f"columns code, quantity, {pcs}, {site} and date (one row per survey and code) are the "
                    "hammerdirt / IQAASL long format")
        return None

    about = DatasetDefaults(
        title="Swiss lake and river shoreline litter, hammerdirt / IQAASL ({file})",
        description="Shoreline litter surveys on Swiss lakes, rivers and mountain sites with the MSFD G-code list "
        "and Swiss extensions (IQAASL, funded by the Swiss Federal Office for the Environment).",
        publisher="hammerdirt",
        licence="GPL-3.0-only",
        citation="hammerdirt (2021). IQAASL: Identification, quantification and analysis of anthropogenic Swiss "
        "litter. Swiss Federal Office for the Environment. https://hammerdirt-analyst.github.io/IQAASL-End-0f-"
        "Sampling-2021/",
        source_programme=PROGRAMME,
        protocol="IQAASL shoreline survey (MSFD beach-litter method adapted to lakes and rivers)",
    )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        header = info.header
        pcs, site_col = _pick(header, "pcs_m", "pcs/m"), _pick(header, "slug", "location")
        event_col = _pick(header, "loc_date", "sample_id")
        if not (pcs and site_col and {"code", "quantity", "date"} <= set(header)):
            report.fail("missing-label", "required hammerdirt columns missing (code, quantity, date, pcs_m or pcs/m, "
                        "slug or location)", line=1)
            return
        names, batches, rejected = open_table(info)
        parts = [self._validate(batch, lines, event_col, site_col, report) for batch, lines in batches]
        report_bad_records(rejected, report)
        rows = pa.concat_tables(parts) if parts else None
        if rows is None or rows.num_rows == 0:
            return
        zero_share = pc.mean(pc.cast(pc.equal(rows.column("quantity"), 0.0), pa.float64())).as_py() or 0.0
        zeros_listed = zero_share >= 0.05
        report.notes.append("every code is listed per survey (explicit zeros)" if zeros_listed else
                            "only non-zero codes are listed (survey_qc style): an absent code means 0")
        yield self._shape(rows, info, "length" in names, report)

    def _validate(self, batch: pa.RecordBatch, lines: np.ndarray, event_col: str | None, site_col: str,
                  report: ValidationReport) -> pa.Table:
        """Check one batch and return its accepted rows in a slim typed table."""
        report.rows_in += batch.num_rows
        checked = Rows(batch, lines, report, np.zeros(batch.num_rows, bool))
        day = TabularAdapter.declared_date(checked, DATE)
        bad = checked.bad
        qty = parse_number(batch.column("quantity"))
        flag_cells(report, qty.invalid, lines, "quantity", "type-error", batch.column("quantity"),
                   "quantity {!r} is not a number")
        report.add_many("required-value", lines[qty.blank], "quantity", "the quantity is empty")
        with np.errstate(invalid="ignore"):
            negative = qty.values < 0
        report.add_many("litter-negative-count", lines[negative], "quantity", "quantity is negative")
        bad |= qty.invalid | qty.blank | negative
        code = pc.utf8_trim_whitespace(batch.column("code"))
        site = pc.utf8_trim_whitespace(batch.column(site_col))
        for col, arr, what in (("code", code, "item code"), (site_col, site, "location")):
            empty = pc.equal(arr, "").to_numpy(zero_copy_only=False)
            report.add_many("required-value", lines[empty], col, f"the {what} is empty")
            bad |= empty
        keep = kept_rows(bad, report)
        mask = pa.array(keep)
        day = pa.array(day, pa.date32()).filter(mask)
        site = site.filter(mask)
        if event_col:  # "('slug', 'YYYY-MM-DD')" -> "slug/YYYY-MM-DD"
            event = pc.replace_substring_regex(pc.utf8_trim_whitespace(batch.column(event_col)).filter(mask),
                                               r"^\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)$", r"\1/\2")
        else:
            event = pc.binary_join_element_wise(site, pc.cast(day, pa.string()), "/")
        cols = batch.schema.names
        length = parse_number(batch.column("length")).values[keep] if "length" in cols else np.full(int(keep.sum()),
                                                                                                     np.nan)
        return pa.table({
            "event": event, "site": site, "day": day, "code": code.filter(mask),
            "quantity": pa.array(qty.values[keep]), "length": floats(length),
            "feature_type": pc.utf8_trim_whitespace(batch.column("feature_type")).filter(mask)
            if "feature_type" in cols else pa.nulls(int(keep.sum()), pa.string()),
            "water": batch.column("feature_name").filter(mask) if "feature_name" in cols
            else pa.nulls(int(keep.sum()), pa.string()),
            "line": pa.array(lines[keep], pa.int64()),
        })

    def _shape(self, rows: pa.Table, info: Sniff, has_length: bool, report: ValidationReport) -> AdapterBatch:
        """Surveys from the accepted rows: aggregate codes or their parts toward the total, effort per survey."""
        con = _sides(rows, report)
        observations = _observations(con)
        con.register("o", observations)
        events = _surveys(con)
        lines = events.column("line").to_numpy()
        inconsistent = events.column("n_lengths").to_numpy() > 1
        report.add_many("litter-effort-inconsistent", lines[inconsistent], "length",
                        "rows of this survey give different lengths: the most frequent one is used")
        length = pc.fill_null(events.column("length"), np.nan).to_numpy(zero_copy_only=False).astype(float)
        extra = _sidecar_effort(info, events, report) if not has_length else {}
        if "length" in extra:
            length = np.where(np.isnan(length), extra["length"], length)
        with np.errstate(invalid="ignore"):
            short = length < SHORT_SURVEY_M
        if short.any():
            report.notes.append(f"{int(short.sum())} surveys are shorter than {SHORT_SURVEY_M:g} m (values per 100 m "
                                "are inflated; the EU threshold method drops them)")
        flags = flag_lists({"litter-short-survey": short, "litter-effort-inconsistent": inconsistent}, len(lines))
        return _batch(events, observations, info, length, extra, flags)


def _sides(rows: pa.Table, report: ValidationReport) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the rows `r` and, per survey, each aggregate code against its parts."""
    con = duck.connect()
    con.register("r", rows)
    con.register("agg", pa.table({
        "agg": pa.array([a for a, parts in AGGREGATES.items() for _ in parts], pa.string()),
        "part": pa.array([p for parts in AGGREGATES.values() for p in parts], pa.string()),
    }))
    # aggregate vs parts: the larger side counts toward the total, the other is kept as a breakdown
    con.sql("""
        CREATE TEMP TABLE sides AS
        WITH a AS (SELECT r.event, agg.agg, sum(r.quantity) AS q FROM r JOIN agg ON r.code = agg.agg
                   GROUP BY ALL),
             p AS (SELECT r.event, agg.agg, sum(r.quantity) AS q FROM r JOIN agg ON r.code = agg.part
                   GROUP BY ALL)
        SELECT a.event, a.agg, a.q AS agg_q, p.q AS parts_q FROM a JOIN p USING (event, agg)
    """)
    both = con.sql("SELECT count(*), count(*) FILTER (WHERE agg_q > 0 AND parts_q > 0) FROM sides").fetchall()[0]
    if both[0]:
        report.notes.append(f"{both[0]} survey x aggregate pairs list both a pseudo-code (Gfrags/Gfoams/Gcaps) and "
                            f"its parts ({both[1]} with items on both sides): only the larger side counts toward "
                            "the total")
    return con


def _observations(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """One observation per row; of an aggregate and its parts only the larger side counts toward the total."""
    return con.sql("""
        SELECT r.event AS source_event_id, 'swiss-iqaasl' AS source_scheme, r.code AS source_code,
               r.code AS source_name, r.quantity AS count,
               NOT coalesce(
                   (s1.agg IS NOT NULL AND s1.agg_q < s1.parts_q)          -- the aggregate row yields
                   OR (s2.agg IS NOT NULL AND s2.agg_q >= s2.parts_q),      -- a part row yields
                   false) AS counts_toward_total,
               r.line AS source_line, 'quantity' AS source_column
        FROM r
        LEFT JOIN sides s1 ON s1.event = r.event AND s1.agg = r.code
        LEFT JOIN agg ON agg.part = r.code
        LEFT JOIN sides s2 ON s2.event = r.event AND s2.agg = agg.agg
        ORDER BY r.line
    """).to_arrow_table()


def _surveys(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """One row per survey with its most frequent length, how many lengths it has, and its total."""
    return con.sql("""
        WITH t AS (SELECT source_event_id, sum(count) FILTER (WHERE counts_toward_total) AS total
                   FROM o GROUP BY ALL)
        SELECT r.event AS source_event_id, min(r.site) AS site, min(r.day) AS day, mode(r.length) AS length,
               count(DISTINCT r.length) AS n_lengths, min(r.feature_type) AS feature_type,
               min(r.water) AS water, min(r.line) AS line, any_value(t.total) AS total
        FROM r JOIN t ON t.source_event_id = r.event
        GROUP BY r.event ORDER BY line
    """).to_arrow_table()


def _batch(events: pa.Table, observations: pa.Table, info: Sniff, length: np.ndarray, extra: dict[str, np.ndarray],
           flags: pa.ListArray) -> AdapterBatch:
    """Canonical events and sites of the surveys (position and country from the sidecar beaches table)."""
    n = events.num_rows
    site_key = events.column("site")
    sid = site_ids(PROGRAMME, site_key)
    coords = _sidecar_sites(info, site_key)
    feature = pc.coalesce(events.column("feature_type"), coords["feature_type"])
    compartment = pc.take(pa.array([COMPARTMENT.get(k) for k in ("l", "r", "p")] + [None], pa.string()),
                          pc.fill_null(pc.index_in(feature, value_set=pa.array(["l", "r", "p"])), 3))
    events_out = pa.table({
        "source_event_id": events.column("source_event_id"),
        "site_id": sid,
        "event_date": events.column("day"),
        "event_type": const(n, "monitoring"),
        "protocol": const(n, "IQAASL shoreline survey (hammerdirt)"),
        "compartment": compartment,
        "quality_tier": const(n, "trained-volunteers"),
        "lat": coords["lat"], "lon": coords["lon"],
        "country": coords["country"],
        "region": pc.cast(events.column("water"), pa.string()),
        "length_m": floats(length),
        "area_m2": floats(extra.get("area", np.full(n, np.nan))),
        "duration_min": floats(extra.get("minutes", np.full(n, np.nan))),
        "people": floats(extra.get("people", np.full(n, np.nan)))
        .cast(pa.int32()),
        "total_mass_kg": floats(extra.get("mass", np.full(n, np.nan))),
        "total_count": pc.fill_null(events.column("total"), 0.0),
        "qc_flags": flags,
        "source_line": events.column("line"),
    })
    sites = sites_table(sid, site_key, events_out, PROGRAMME, site_key, lat=coords["lat"], lon=coords["lon"],
                        country=coords["country"], compartment=compartment)
    return AdapterBatch(events_out, observations, sites)


def _sidecar(info: Sniff, *names: str) -> pa.Table | None:
    """A companion table published beside the survey file (coordinates, effort), read as text."""
    for name in names:
        path = info.path.parent / name
        if path.is_file() and path != info.path:
            side = sniff(path)
            if side.kind != "text":
                continue
            _, batches, _ = open_table(side)
            parts = [b for b, _ in batches]
            if parts:
                return pa.Table.from_batches(parts)
    return None


def _sidecar_sites(info: Sniff, site_key: pa.Array) -> dict[str, pa.Array]:
    """lat/lon/country/feature_type per survey from beaches.csv (IQAASL) or beach_data.csv (survey_qc)."""
    n = len(site_key)
    out = {"lat": pa.nulls(n, pa.float64()), "lon": pa.nulls(n, pa.float64()),
           "country": pa.nulls(n, pa.string()), "feature_type": pa.nulls(n, pa.string())}
    table = _sidecar(info, "beaches.csv", "beach_data.csv")
    if table is None or not {"slug", "latitude", "longitude"} <= set(table.column_names):
        return out
    idx = pc.index_in(site_key, value_set=pc.utf8_trim_whitespace(table.column("slug")))
    for key, col in (("lat", "latitude"), ("lon", "longitude")):
        out[key] = floats(parse_number(table.column(col)).values).take(idx)
    if "country" in table.column_names:
        iso2 = pc.utf8_upper(pc.utf8_trim_whitespace(table.column("country"))).take(idx)
        out["country"] = pc.if_else(pc.equal(iso2, "CH"), "CHE", pa.nulls(n, pa.string()))
    for col in ("feature_type", "water"):
        if col in table.column_names:
            out["feature_type"] = pc.utf8_trim_whitespace(table.column(col)).take(idx)
            break
    return out


def _sidecar_effort(info: Sniff, events: pa.Table, report: ValidationReport) -> dict[str, np.ndarray]:
    """Survey effort from dims_data.csv (survey_qc), matched on location and date."""
    table = _sidecar(info, "dims_data.csv")
    n = events.num_rows
    if table is None or not {"location", "date", "length"} <= set(table.column_names):
        report.notes.append(f"no survey lengths in this file and no dims_data.csv beside it: {n} surveys without "
                            "effort (density left empty)")
        return {}
    dims_key = pc.binary_join_element_wise(pc.utf8_trim_whitespace(table.column("location")),
                                           pc.utf8_trim_whitespace(table.column("date")), "/")
    ev_key = pc.binary_join_element_wise(events.column("site"), pc.cast(events.column("day"), pa.string()), "/")
    idx = pc.index_in(ev_key, value_set=dims_key)
    found = int(pc.sum(pc.is_valid(idx)).as_py() or 0)
    report.notes.append(f"effort (length, area, time, people, mass) from dims_data.csv for {found} of {n} surveys; "
                        "the others have no length (density left empty)")

    def col(name: str) -> np.ndarray:
        if name not in table.column_names:
            return np.full(n, np.nan)
        vals = floats(parse_number(table.column(name)).values).take(idx)
        return pc.fill_null(vals, np.nan).to_numpy(zero_copy_only=False).astype(float)

    people = col("num_parts_staff") + col("num_parts_other")
    return {"length": col("length"), "area": col("area"), "minutes": col("time_minutes"), "people": people,
            "mass": col("total_w")}


ADAPTER = Hammerdirt()
