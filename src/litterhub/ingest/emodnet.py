"""EMODnet Chemistry marine litter exchange formats: beach litter workbook and seafloor trawl litter table.

Format facts (docs/formats.md):
- Beach: a workbook (often an OLE2 `.xls` named `.xlsx`) with relational sheets `Beaches` (BeachLength,
  widths, coordinates), `Surveys` (SurveyCode, SurveyType Cleaning/Monitoring, SurveyDate, SurveyLength,
  SurveyWidth, start/end coordinates) and `Litter` (SurveyCode, LitterReferenceList, ItemCode, ItemName,
  NoItems). `SurveyLength` may be empty: the beach's `BeachLength` is used instead (said in the report).
  Rows are the Litter rows; a survey without Litter rows is still an event (nothing found).
- Seafloor: a tab-separated table (named `.csv`, CRLF), one row per haul x item: `StNo, HaulNo, Date,
  ShootLat/ShootLong, HaulLat/HaulLong, Distance` (m), `WingSpread` (m), `LTREF` (code list), `PARAM` (item),
  `UnitItem` (items/haul) and `LT_Items`. Swept area = Distance x WingSpread, so items/km² can be derived
  (`harmonize.seafloor`).
`LitterReferenceList` / `LTREF` say which vocabulary an item code is in; when one survey reports items in
several lists, only the first list (TSG-ML first) counts toward the total, so a survey is not counted twice.
A long file's surveys span many rows, so the rows are gathered and shaped with DuckDB (memory proportional
to the file, which suits these exchange files).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.harmonize.seafloor import swept_area_m2
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
from litterhub.ingest.cells import Parsed, future, near_null_island, out_of_range, parse_date, parse_number
from litterhub.ingest.columns import const, floats
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.sheets import SHEET_KINDS, SheetError, headers, open_sheet, read_sheet
from litterhub.ingest.textio import Sniff, open_table
from litterhub.store import duck

PROGRAMME = "EMODnet Chemistry marine litter"
SCHEMES = {"tsg-ml": "tsg-ml", "tsg_ml": "tsg-ml", "ospar": "ospar", "unep": "unep-ioc", "unep_marlin": "unep-ioc",
           "c_ts_rev": "ices-medits", "reco_lt": "ices-medits", "medits": "ices-medits", "ices": "ices-medits"}
SCHEME_ORDER = ["tsg-ml", "ospar", "unep-ioc", "ices-medits"]
BEACH_LITTER = {"SurveyCode", "LitterReferenceList", "ItemCode", "NoItems"}
BEACH_SURVEYS = {"BeachCode", "SurveyCode", "SurveyDate"}
SEAFLOOR = {"StNo", "HaulNo", "LTREF", "PARAM", "UnitItem", "LT_Items", "Distance", "WingSpread"}
KNOT_M_PER_MIN = 1852.0 / 60.0


def _scheme_expr(column: str) -> str:
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SCHEMES.items())
    return f"CASE lower(trim({column})) {cases} ELSE lower(trim({column})) END"


def _rank_expr(column: str) -> str:
    cases = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SCHEME_ORDER))
    return f"CASE {column} {cases} ELSE 99 END"


class Emodnet(AdapterBase):
    name = "emodnet"
    title = "EMODnet marine litter exchange formats (beach litter workbook, seafloor trawl litter table)"
    priority = 50
    kinds = ("text", *SHEET_KINDS)

    def detect(self, info: Sniff) -> str | None:
        if info.kind == "text" and SEAFLOOR <= set(info.header):
            sep = {"\t": "tab", ";": "semicolon", ",": "comma"}.get(info.delimiter, info.delimiter)
            return (f"{sep}-separated columns StNo, HaulNo, LTREF, PARAM, UnitItem, LT_Items, Distance and WingSpread "
                    "are the EMODnet seafloor litter (trawl) exchange format")
        if info.kind in SHEET_KINDS:
            sheets = headers(info)
            if BEACH_LITTER <= set(sheets.get("Litter", [])) and BEACH_SURVEYS <= set(sheets.get("Surveys", [])):
                return (f"{info.kind} workbook with sheets Surveys and Litter (SurveyCode, LitterReferenceList, "
                        "ItemCode, NoItems) is the EMODnet beach litter exchange format")
        return None

    about = DatasetDefaults(
        title="EMODnet marine litter exchange data ({file})",
        description="Beach or seafloor litter data in the EMODnet Chemistry exchange formats (beach surveys with "
        "the MSFD TSG-ML list; seafloor litter per trawl haul).",
        publisher="EMODnet Chemistry; OGS / NODC-Italy (Marine Litter Manager)",
        licence="CC0-1.0",
        citation="EMODnet Chemistry marine litter data formats; example data from nodc-it/marine-litter-manager "
        "(OGS, NODC Italy), CC0 1.0.",
        source_programme=PROGRAMME,
        protocol="EMODnet Chemistry marine litter exchange format",
    )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if info.kind == "text":
            if not SEAFLOOR <= set(info.header):
                missing = ", ".join(sorted(SEAFLOOR - set(info.header)))
                report.fail("missing-label", f"seafloor columns missing: {missing}", line=1)
                return
            yield from self._seafloor(info, report)
            return
        try:
            yield from self._beach(info, report)
        except SheetError as exc:
            report.fail("source-error", str(exc))

    # ---- beach litter workbook -------------------------------------------------------------------------------

    def _beach(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        sheets = headers(info)
        if not (BEACH_LITTER <= set(sheets.get("Litter", [])) and BEACH_SURVEYS <= set(sheets.get("Surveys", []))):
            report.fail("missing-label", "the workbook needs sheets Surveys (BeachCode, SurveyCode, SurveyDate) and "
                        "Litter (SurveyCode, LitterReferenceList, ItemCode, NoItems)", line=1)
            return
        beaches = read_sheet(info, "Beaches")[0] if "Beaches" in sheets else None
        surveys, survey_rows = read_sheet(info, "Surveys")
        con = duck.connect()
        con.register("s", self._surveys(surveys, survey_rows, beaches, report))
        _, batches = open_sheet(info, "Litter")
        parts = []
        for batch, lines in batches:
            report.rows_in += batch.num_rows
            parts.append(self._litter_rows(batch, lines, report))
        litter = pa.concat_tables(parts) if parts else pa.table({
            "event": pa.array([], pa.string()), "ref": pa.array([], pa.string()),
            "code": pa.array([], pa.string()), "name": pa.array([], pa.string()),
            "count": pa.array([], pa.float64()), "line": pa.array([], pa.int64())})
        con.register("l", litter)
        orphan = con.sql("SELECT l.line, l.event FROM l ANTI JOIN s ON s.event = l.event "
                         "ORDER BY l.line").fetchnumpy()
        report.add_many("litter-unknown-reference", orphan["line"], "SurveyCode",
                        [f"survey {e!r} is not in the Surveys sheet (or its date is invalid)" for e in orphan["event"]])
        accepted = len(litter) - len(orphan["line"])
        report.rows_rejected += len(orphan["line"])
        report.rows_accepted += accepted
        observations = self._observations(con, "NoItems", report)
        events = con.sql("""
            WITH t AS (SELECT source_event_id, sum(count) FILTER (WHERE counts_toward_total) AS total
                       FROM obs GROUP BY ALL)
            SELECT s.*, coalesce(t.total, 0.0) AS total_count FROM s LEFT JOIN t ON t.source_event_id = s.event
            ORDER BY s.line
        """).to_arrow_table()
        yield self._beach_batch(events, observations)

    def _surveys(self, surveys: pa.Table, rows: np.ndarray, beaches: pa.Table | None,
                 report: ValidationReport) -> pa.Table:
        """One row per valid survey with its effort (SurveyLength, else the beach's BeachLength) and position."""
        def num(table: pa.Table, col: str, lines: np.ndarray) -> np.ndarray:
            return _sheet_number(table, "Surveys", col, lines, report)

        code = pc.utf8_trim_whitespace(surveys.column("SurveyCode"))
        dates = parse_date(pc.utf8_slice_codeunits(surveys.column("SurveyDate"), 0, 10), "%Y-%m-%d")
        flag_cells(report, dates.invalid | dates.blank, rows, "Surveys/SurveyDate", "type-error",
                   surveys.column("SurveyDate"), "survey date {!r} is not YYYY-MM-DD: its litter rows are rejected")
        fut = future(dates.values)
        flag_cells(report, fut, rows, "Surveys/SurveyDate", "litter-future-date", surveys.column("SurveyDate"),
                   "survey date {!r} lies in the future: its litter rows are rejected")
        ok = ~(dates.invalid | dates.blank | fut) & pc.not_equal(code, "").to_numpy(zero_copy_only=False)
        beach_code = pc.utf8_trim_whitespace(surveys.column("BeachCode"))
        length = num(surveys, "SurveyLength", rows)
        width = num(surveys, "SurveyWidth", rows)
        lat = np.nanmean(np.column_stack([num(surveys, "SurveyStartLatitude", rows),
                                          num(surveys, "SurveyEndLatitude", rows)]), axis=1) \
            if "SurveyStartLatitude" in surveys.column_names else np.full(len(rows), np.nan)
        lon = np.nanmean(np.column_stack([num(surveys, "SurveyStartLongitude", rows),
                                          num(surveys, "SurveyEndLongitude", rows)]), axis=1) \
            if "SurveyStartLongitude" in surveys.column_names else np.full(len(rows), np.nan)
        name, country = beach_code, pa.nulls(len(rows), pa.string())
        if beaches is not None and "BeachCode" in beaches.column_names:
            length, name, country = _from_beaches(beaches, beach_code, length, lat, lon, report)
        oor = out_of_range(lat, lon)
        report.add_many("litter-coordinates-out-of-range", rows[oor], "Surveys/SurveyStartLatitude",
                        "coordinates out of range: location left empty")
        island = near_null_island(lat, lon) | oor
        lat[island] = np.nan
        lon[island] = np.nan
        stype = pc.utf8_lower(pc.utf8_trim_whitespace(surveys.column("SurveyType"))) \
            if "SurveyType" in surveys.column_names else pa.nulls(len(rows), pa.string())
        with np.errstate(invalid="ignore"):
            area = np.where((length > 0) & (width > 0), length * width, np.nan)
        table = pa.table({
            "event": code, "beach": beach_code, "beach_name": name, "country_raw": pc.cast(country, pa.string()),
            "day": pa.array(dates.values, pa.date32()), "survey_type": stype,
            "length": floats(length),
            "width": floats(width),
            "area": floats(area),
            "lat": floats(lat), "lon": floats(lon),
            "line": pa.array(rows, pa.int64()),
        })
        return table.filter(pa.array(ok))

    def _litter_rows(self, batch: pa.RecordBatch, lines: np.ndarray, report: ValidationReport) -> pa.Table:
        """Litter sheet rows with a valid count; bad ones are rejected here."""
        parsed, negative = _item_count(batch, "NoItems", lines, report, decimal_comma=True)
        code = pc.utf8_trim_whitespace(batch.column("ItemCode"))
        no_code = pc.equal(code, "").to_numpy(zero_copy_only=False)
        report.add_many("required-value", lines[no_code], "ItemCode", "the item code is empty")
        bad = parsed.invalid | parsed.blank | negative | no_code
        report.rows_rejected += int(bad.sum())
        keep = pa.array(~bad)
        name = batch.column("ItemName") if "ItemName" in batch.schema.names else pa.nulls(batch.num_rows, pa.string())
        return pa.table({
            "event": pc.utf8_trim_whitespace(batch.column("SurveyCode")).filter(keep),
            "ref": pc.utf8_trim_whitespace(batch.column("LitterReferenceList")).filter(keep),
            "code": code.filter(keep), "name": pc.cast(name, pa.string()).filter(keep),
            "count": pa.array(parsed.values, pa.float64()).filter(keep),
            "line": pa.array(lines, pa.int64()).filter(keep),
        })

    @staticmethod
    def _observations(con: duckdb.DuckDBPyConnection, column: str, report: ValidationReport) -> pa.Table:
        """Observation rows of the events in `s`; only the first reference list of an event counts toward its total."""
        obs = con.sql(f"""
            WITH o AS (SELECT l.*, {_scheme_expr('l.ref')} AS scheme FROM l SEMI JOIN s ON s.event = l.event),
                 firsts AS (SELECT event, arg_min(scheme, {_rank_expr('scheme')}) AS first_scheme,
                                   count(DISTINCT scheme) AS n_schemes FROM o GROUP BY event)
            SELECT o.event AS source_event_id, o.scheme AS source_scheme, o.code AS source_code,
                   coalesce(nullif(o.name, ''), o.code) AS source_name, o.count,
                   o.scheme = f.first_scheme AS counts_toward_total, o.line AS source_line,
                   '{column}' AS source_column, f.n_schemes
            FROM o JOIN firsts f USING (event) ORDER BY o.line
        """).to_arrow_table()  # noqa: S608
        multi = pc.greater(obs.column("n_schemes"), 1)
        n_multi = len(pc.unique(pc.filter(obs.column("source_event_id"), multi))) if len(obs) else 0
        if n_multi:
            report.notes.append(f"{n_multi} surveys report items in more than one reference list: only the first "
                                "list (TSG-ML first) counts toward the total, the others are kept as a breakdown")
        unknown = sorted(set(pc.unique(obs.column("source_scheme")).to_pylist()) - set(SCHEME_ORDER))
        if unknown:
            report.notes.append(f"reference list(s) {', '.join(unknown)} are not known vocabularies: kept verbatim")
        obs = obs.drop_columns(["n_schemes"])
        con.register("obs", obs)
        return obs

    def _beach_batch(self, ev: pa.Table, observations: pa.Table) -> AdapterBatch:
        n = ev.num_rows
        country, _ = column_to_alpha3(ev.column("country_raw"))
        sid = site_ids(PROGRAMME, ev.column("beach"))
        stype = ev.column("survey_type")
        cleanup = pc.fill_null(pc.match_substring(stype, "clean"), False)
        events = pa.table({
            "source_event_id": ev.column("event"), "site_id": sid, "event_date": ev.column("day"),
            "event_type": pc.if_else(cleanup, "cleanup", "monitoring"),
            "protocol": pc.if_else(cleanup, "EMODnet beach litter (cleaning survey)",
                                   "EMODnet beach litter (MSFD monitoring survey)"),
            "compartment": const(n, "beach"),
            "quality_tier": pc.if_else(cleanup, "trained-volunteers", "accredited-monitoring"),
            "lat": ev.column("lat"), "lon": ev.column("lon"), "country": country,
            "length_m": ev.column("length"), "width_m": ev.column("width"), "area_m2": ev.column("area"),
            "total_count": ev.column("total_count"), "source_line": ev.column("line"),
        })
        sites = sites_table(sid, ev.column("beach_name"), events, PROGRAMME, ev.column("beach"), lat=ev.column("lat"),
                            lon=ev.column("lon"), country=country, region=None)
        return AdapterBatch(events, observations, sites)

    # ---- seafloor trawl table --------------------------------------------------------------------------------

    def _seafloor(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        _, batches, rejected = open_table(info)
        parts = [self._haul_rows(batch, lines, report) for batch, lines in batches]
        report_bad_records(rejected, report)
        if not parts:
            return
        rows = pa.concat_tables(parts)
        con = duck.connect()
        con.register("r", rows)
        con.register("s", con.sql("SELECT DISTINCT event FROM r").to_arrow_table())
        con.register("l", con.sql("SELECT event, ref, code, NULL::VARCHAR AS name, count, line FROM r")
                     .to_arrow_table())
        observations = self._observations(con, "LT_Items", report)
        hauls = con.sql("""
            WITH t AS (SELECT source_event_id, sum(count) FILTER (WHERE counts_toward_total) AS total
                       FROM obs GROUP BY ALL)
            SELECT r.event, arg_min(r.station, r.line) AS station, min(r.day) AS day,
                   arg_min(r.start_time, r.line) AS start_time, arg_min(r.country, r.line) AS country_raw,
                   arg_min(r.gear, r.line) AS gear, arg_min(r.lat, r.line) AS lat, arg_min(r.lon, r.line) AS lon,
                   arg_min(r.distance, r.line) AS distance, arg_min(r.wing, r.line) AS wing,
                   arg_min(r.minutes, r.line) AS minutes, min(r.line) AS line, any_value(t.total) AS total_count
            FROM r JOIN t ON t.source_event_id = r.event GROUP BY r.event ORDER BY line
        """).to_arrow_table()
        yield self._seafloor_batch(hauls, observations, report)

    def _haul_rows(self, batch: pa.RecordBatch, lines: np.ndarray, report: ValidationReport) -> pa.Table:
        """One haul x item row each: validated, typed, with the haul's effort repeated."""
        report.rows_in += batch.num_rows
        cols = batch.schema.names

        def num(col: str) -> np.ndarray:
            return _sheet_number(batch, "", col, lines, report)

        dates, bad = _haul_dates(batch, lines, report)
        items, negative = _item_count(batch, "LT_Items", lines, report)
        unit = pc.utf8_lower(pc.utf8_trim_whitespace(batch.column("UnitItem")))
        wrong_unit = ~pc.equal(unit, "items/haul").to_numpy(zero_copy_only=False) & ~items.blank
        flag_cells(report, wrong_unit, lines, "UnitItem", "constraint-error", batch.column("UnitItem"),
                   "unit {!r} is not items/haul (the only unit this format defines for counts)")
        code = pc.utf8_trim_whitespace(batch.column("PARAM"))
        no_code = pc.equal(code, "").to_numpy(zero_copy_only=False)
        report.add_many("required-value", lines[no_code], "PARAM", "the item code is empty")
        bad |= items.invalid | items.blank | negative | wrong_unit | no_code
        keep = kept_rows(bad, report)
        lat = np.nanmean(np.column_stack([num("ShootLat"), num("HaulLat")]), axis=1)
        lon = np.nanmean(np.column_stack([num("ShootLong"), num("HaulLong")]), axis=1)
        oor = out_of_range(lat, lon) | near_null_island(lat, lon)
        lat[oor], lon[oor] = np.nan, np.nan
        station = pc.utf8_trim_whitespace(batch.column("StNo"))
        event = pc.binary_join_element_wise(station, pc.utf8_trim_whitespace(batch.column("HaulNo")), "/")
        mask = pa.array(keep)

        def text(col: str) -> pa.Array:
            return pc.utf8_trim_whitespace(batch.column(col)) if col in cols else pa.nulls(batch.num_rows, pa.string())

        return pa.table({
            "event": event, "station": station, "day": pa.array(dates, pa.date32()),
            "start_time": pc.utf8_slice_codeunits(text("Shot_timestamp"), 11, 16),
            "country": text("Country"), "gear": text("Gear"),
            "lat": floats(lat), "lon": floats(lon),
            "distance": floats(num("Distance")),
            "wing": floats(num("WingSpread")),
            "minutes": floats(num("HaulDur")),
            "ref": batch.column("LTREF"), "code": code,
            "count": pa.array(items.values, pa.float64()), "line": pa.array(lines, pa.int64()),
        }).filter(mask)

    def _seafloor_batch(self, hauls: pa.Table, observations: pa.Table, report: ValidationReport) -> AdapterBatch:
        n = hauls.num_rows
        distance = pc.fill_null(hauls.column("distance"), np.nan).to_numpy(zero_copy_only=False).astype(float)
        wing = pc.fill_null(hauls.column("wing"), np.nan).to_numpy(zero_copy_only=False).astype(float)
        minutes = pc.fill_null(hauls.column("minutes"), np.nan).to_numpy(zero_copy_only=False).astype(float)
        lines = hauls.column("line").to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            knots = distance / minutes / KNOT_M_PER_MIN
            slow = (knots < 0.5) | (knots > 10)
        report.add_many("litter-effort-suspect", lines[slow], "Distance",
                        [f"Distance {d:g} m over {t:g} min is {k:.2f} knots: check that Distance is in metres"
                         for d, t, k in zip(distance[slow], minutes[slow], knots[slow], strict=True)])
        report.notes.append("swept area = Distance (m) x WingSpread (m); items/km² = items per haul / swept area "
                            "(harmonize.seafloor); DoorSpread is not used")
        country, _ = column_to_alpha3(hauls.column("country_raw"))
        sid = site_ids(PROGRAMME, hauls.column("station"))
        gear = pc.fill_null(hauls.column("gear"), "")
        events = pa.table({
            "source_event_id": hauls.column("event"), "survey_group": hauls.column("station"), "site_id": sid,
            "event_date": hauls.column("day"), "start_time": hauls.column("start_time"),
            "event_type": const(n, "monitoring"),
            "protocol": pc.binary_join_element_wise(const(n, "seafloor litter bottom trawl, gear"),
                                                    gear, " "),
            "compartment": const(n, "seafloor"),
            "quality_tier": const(n, "accredited-monitoring"),
            "lat": hauls.column("lat"), "lon": hauls.column("lon"), "country": country,
            "length_m": hauls.column("distance"), "width_m": hauls.column("wing"),
            "area_m2": floats(swept_area_m2(distance, wing)),
            "duration_min": hauls.column("minutes"),
            "total_count": pc.fill_null(hauls.column("total_count"), 0.0), "source_line": hauls.column("line"),
            "qc_flags": flag_lists({"litter-effort-suspect": slow}, n),
        })
        sites = sites_table(sid, hauls.column("station"), events, PROGRAMME, hauls.column("station"),
                            lat=hauls.column("lat"), lon=hauls.column("lon"), country=country, region=None)
        return AdapterBatch(events, observations, sites)


def _haul_dates(batch: pa.RecordBatch, lines: np.ndarray, report: ValidationReport) -> tuple[np.ndarray, np.ndarray]:
    """The haul day (`Date`, else the day of `Shot_timestamp`) and the mask of rows it rejects."""
    col = batch.column("Date") if "Date" in batch.schema.names else batch.column("Shot_timestamp")
    dates = parse_date(pc.utf8_slice_codeunits(col, 0, 10), "%Y-%m-%d")
    flag_cells(report, dates.invalid | dates.blank, lines, "Date", "type-error", col, "date {!r} is not YYYY-MM-DD")
    fut = future(dates.values)
    report.add_many("litter-future-date", lines[fut], "Date", "the haul date lies in the future")
    return dates.values, dates.invalid | dates.blank | fut


def _sheet_number(table: pa.Table | pa.RecordBatch, sheet: str, col: str, lines: np.ndarray,
                  report: ValidationReport) -> np.ndarray:
    """An optional number (decimal comma) of a sheet ("" for the haul table); bad cells reported, kept missing."""
    if col not in table.column_names:
        return np.full(table.num_rows, np.nan)
    parsed = parse_number(table.column(col), decimal_comma=True)
    flag_cells(report, parsed.invalid, lines, f"{sheet}/{col}" if sheet else col, "type-error", table.column(col),
               "{!r} is not a number; treated as missing")
    return parsed.values


def _from_beaches(beaches: pa.Table, beach_code: pa.Array, length: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                  report: ValidationReport) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """What a survey leaves empty, its beach gives: length, position (filled in place), name and country."""
    b_lines = np.arange(2, beaches.num_rows + 2)
    idx = pc.index_in(beach_code, value_set=pc.utf8_trim_whitespace(beaches.column("BeachCode")))

    def per_survey(col: str) -> np.ndarray:
        vals = floats(_sheet_number(beaches, "Beaches", col, b_lines, report)).take(idx)
        return pc.fill_null(vals, np.nan).to_numpy(zero_copy_only=False).astype(float)

    b_len = per_survey("BeachLength")
    fallback = np.isnan(length) & ~np.isnan(b_len)
    if fallback.any():
        report.notes.append(f"SurveyLength empty for {int(fallback.sum())} surveys: the beach's BeachLength "
                            "is used as the surveyed length")
    for target, col in ((lat, "BeachLatitude"), (lon, "BeachLongitude")):
        vals = per_survey(col)
        target[np.isnan(target)] = vals[np.isnan(target)]
    name = pc.coalesce(pc.utf8_trim_whitespace(beaches.column("BeachName")).take(idx), beach_code) \
        if "BeachName" in beaches.column_names else beach_code
    country = pc.utf8_trim_whitespace(beaches.column("Country")).take(idx) if "Country" in beaches.column_names \
        else pa.nulls(len(beach_code), pa.string())
    return np.where(np.isnan(length), b_len, length), name, country


def _item_count(batch: pa.RecordBatch, column: str, lines: np.ndarray, report: ValidationReport,
                decimal_comma: bool = False) -> tuple[Parsed, np.ndarray]:
    """An item-count column: non-numbers, blanks and negatives are reported; the parsed counts and the negative mask."""
    parsed = parse_number(batch.column(column), decimal_comma=decimal_comma)
    flag_cells(report, parsed.invalid, lines, column, "type-error", batch.column(column),
               "count {!r} is not a number")
    report.add_many("required-value", lines[parsed.blank], column, "the item count is empty")
    with np.errstate(invalid="ignore"):
        negative = parsed.values < 0
    report.add_many("litter-negative-count", lines[negative], column, "the item count is negative")
    return parsed, negative


ADAPTER = Emodnet()
