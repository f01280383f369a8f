"""OSPAR beach litter (100 m surveys), in the two wide layouts it is published in.

Format facts (docs/formats.md):
- litteR layout: `region_code, region_name, country_code, country_name, location_code, location_name, date`
  (ISO) then one column per item named `Material: Name [OSPAR code]`.
- native OSPAR database export: `RefNo, Beach name, Country, Region, Survey date` (dd/mm/yyyy), `Period`
  (-1 = outside the standard survey windows), then the same item columns.
- litteR 0.7 long layout: `region_name, country_code, country_name, location_code, location_name, date,
  type_name, abundance`, one row per survey x item (`type_name` is the wide column name); gathered and
  grouped into surveys with DuckDB (memory proportional to the file, fine for survey files).
Every survey covers 100 m of beach, so the counts already are items per 100 m. `Survey: *` columns are
survey fields, not litter: `Survey: Pellets [998]` holds Yes/No/NA and is not read as a count, the
`Survey: Old_* [200-210]` counts are kept as observations that do not count toward the total. As in
litteR's `included` flag, paraffin/wax and other pollutants (108-111) and the Dutch 3-4 digit splits of an
OSPAR item are kept but do not count toward the total. Material names are matched case-insensitively
(`Plastic:` and `plastic:` occur across litteR versions). Blank item cells mean "not recorded" (0 in totals).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import (
    AdapterBatch,
    DatasetDefaults,
    flag_cells,
    flag_lists,
    future_dates,
    kept_rows,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import parse_date, parse_number
from litterhub.ingest.columns import const
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import DateColumn, EventKey, FileState, Rows, Survey, TabularAdapter, site_day
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn
from litterhub.store import duck

ITEM_RE = re.compile(r"^(?P<material>[^:\[\]]+):\s*(?P<name>.*?)\s*\[(?P<code>\d+)\]\s*$")
PROGRAMME = "OSPAR beach litter monitoring"
SURVEY_LENGTH_M = 100.0
NOT_COUNTS = {"998"}  # Survey: Pellets [998] is Yes/No/NA
POLLUTANTS = {"108", "109", "110", "111"}  # wax and other pollutants: outside litteR's total count


@dataclass(frozen=True)
class Layout:
    """Which columns hold the survey metadata in one of the two layouts."""

    name: str
    site: str
    site_name: str
    date: str
    date_format: str
    date_label: str
    country: str
    region: str


LITTER = Layout("litteR wide", "location_code", "location_name", "date", "%Y-%m-%d", "YYYY-MM-DD",
                "country_code", "region_name")
NATIVE = Layout("native OSPAR export", "RefNo", "Beach name", "Survey date", "%d/%m/%Y", "dd/mm/yyyy",
                "Country", "Region")


def item_columns(names: list[str]) -> tuple[list[ItemColumn], list[str]]:
    """Count columns with their OSPAR code, and the survey-field columns that are not counts."""
    items, skipped = [], []
    for c in names:
        m = ITEM_RE.match(c)
        if not m:
            continue
        code, material = m["code"], m["material"].strip().lower()
        if code in NOT_COUNTS:
            skipped.append(c)
            continue
        toward = material != "survey" and code not in POLLUTANTS and int(code) <= 121
        items.append(ItemColumn(c, "ospar", code, name=c, counts_toward_total=toward))
    return items, skipped


LONG_COLUMNS = {"location_code", "date", "type_name", "abundance"}


def _layout(header: list[str]) -> Layout | None:
    cols = set(header)
    for layout in (LITTER, NATIVE):
        if {layout.site, layout.date} <= cols:
            return layout
    return None


@dataclass
class _State(FileState):
    layout: Layout = LITTER
    outside: int = 0  # surveys with Period -1


class Ospar(TabularAdapter):
    name = "ospar"
    title = "OSPAR beach litter, 100 m surveys (litteR wide layout or native OSPAR export)"
    priority = 50
    programme = PROGRAMME
    about = DatasetDefaults(
        title="OSPAR beach litter surveys ({file})",
        description="Beach litter counts on 100 m survey units with the OSPAR beach litter list, as kept in "
        "the OSPAR beach litter database (here as published with the litteR package).",
        publisher="OSPAR Commission; Rijkswaterstaat (NL data)",
        licence="GPL-3.0-or-later",
        citation="OSPAR Commission beach litter database; Walvoort, D. & van Loon, W. litteR: Litter Analysis "
        "(R package), https://CRAN.R-project.org/package=litteR",
        source_programme=PROGRAMME,
        protocol="OSPAR beach litter monitoring, 100 m (OSPAR 2010 guideline)",
    )

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        if LONG_COLUMNS <= set(info.header):
            return ("columns location_code, date, type_name and abundance are the litteR long layout of OSPAR beach "
                    "litter surveys (one row per survey and item)")
        layout = _layout(info.header)
        items = [h for h in info.header if ITEM_RE.match(h)]
        if layout is None or len(items) < 5:
            return None
        return (f"columns {layout.site}, {layout.date} and {len(items)} 'Material: Name [OSPAR code]' item "
                f"columns are the {layout.name} layout of OSPAR beach litter surveys")

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if LONG_COLUMNS <= set(info.header):
            yield from self._read_long(info, report)
        elif _layout(info.header) is None:
            report.fail("missing-label", "neither location_code/date (litteR) nor RefNo/Survey date (OSPAR export) "
                        "columns are present", line=1)
        else:
            yield from super().read(info, report)

    def start(self, names: list[str], report: ValidationReport) -> FileState:
        layout = _layout(names)
        items, skipped = item_columns(names)
        if not items:
            report.fail("missing-label", "no 'Material: Name [OSPAR code]' item columns", line=1)
        report.notes.append(f"{layout.name} layout; every survey is {SURVEY_LENGTH_M:g} m of beach, so counts are "
                            "items per 100 m; blank item cells mean 'not recorded' (0 in totals)")
        if skipped:
            report.notes.append(f"{', '.join(skipped)}: survey field (Yes/No/NA), not a count: not read as litter")
        off = [it.column for it in items if not it.counts_toward_total]
        if off:
            report.notes.append(f"{len(off)} columns kept but not counted toward the total (survey fields, "
                                "pollutants 108-111, national splits), as litteR's 'included' flag")
        return _State(names, items, layout=layout)

    def dates(self, rows: Rows, state: _State) -> np.ndarray:
        lay = state.layout
        return self.declared_date(rows, DateColumn(lay.date, lay.date_format, lay.date_label,
                                                   "the survey date is empty"))

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """OSPAR surveys are placed by their beach reference, not by coordinates: it must be given."""
        site = _layout(rows.batch.schema.names).site
        no_site = pc.equal(pc.utf8_trim_whitespace(rows.batch.column(site)), "").to_numpy(zero_copy_only=False)
        rows.report.add_many("required-value", rows.lines[no_site], site, "the beach reference is empty")
        rows.bad |= no_site
        return super().coordinates(rows)

    def site_key(self, s: Survey) -> pa.Array:
        return s.text(s.state.layout.site)

    def event_keys(self, s: Survey) -> pa.Array:
        return self.suffixed(s, site_day(s.site_key, s.day), EventKey(
            s.state.layout.date, "another survey at the same beach and date: kept as a separate survey"))

    def columns(self, s: Survey) -> dict:
        lay, m = s.state.layout, len(s)
        protocol = np.full(m, "OSPAR beach litter monitoring, 100 m", dtype=object)
        outside = np.zeros(m, bool)
        if s.has("Period"):
            outside = parse_number(s.rows.column("Period")).values < 0
            s.state.outside += int(outside.sum())
            protocol[outside] = "OSPAR beach litter monitoring, 100 m (outside the standard survey periods)"
        return {
            "event_type": s.const("monitoring"), "protocol": pa.array(protocol.tolist(), pa.string()),
            "compartment": s.const("beach"), "quality_tier": s.const("accredited-monitoring"),
            "country": s.country(lay.country), "region": s.text(lay.region),
            "length_m": pa.array(np.full(m, SURVEY_LENGTH_M)),
            "qc_flags": flag_lists({"litter-outside-survey-period": outside}, m),
        }

    def sites(self, s: Survey, events: pa.Table) -> pa.Table:
        name = s.text(s.state.layout.site_name) if s.has(s.state.layout.site_name) else s.site_key
        return sites_table(s.site_id, name, events, PROGRAMME, s.site_key)

    def finish(self, state: _State, report: ValidationReport) -> None:
        if state.outside:
            report.notes.append(f"{state.outside} surveys have Period -1 (outside the standard survey "
                                "windows): kept, protocol says so")

    def _read_long(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        """litteR long layout: validate row by batch, then group surveys in DuckDB."""
        _, batches, rejected = open_table(info)
        parts = [self._long_rows(batch, lines, report) for batch, lines in batches]
        report_bad_records(rejected, report)
        report.notes.append("litteR long layout; every survey is 100 m of beach; Survey: Pellets [998] rows are a "
                            "Yes/No/NA survey field and are not stored as counts")
        if parts:
            yield self._long_surveys(pa.concat_tables(parts), report)

    @staticmethod
    def _long_rows(batch: pa.RecordBatch, lines: np.ndarray, report: ValidationReport) -> pa.Table:
        """Validate one batch of survey x item rows; the accepted count rows, typed, for grouping."""
        report.rows_in += batch.num_rows
        dates = parse_date(batch.column("date"), "%Y-%m-%d")
        flag_cells(report, dates.invalid | dates.blank, lines, "date", "type-error", batch.column("date"),
                   "date {!r} is not YYYY-MM-DD")
        fut = future_dates(report, dates.values, lines, batch, "date")
        count = parse_number(batch.column("abundance"))
        parts_ = pc.extract_regex(pc.utf8_trim_whitespace(batch.column("type_name")),
                                  r"^(?P<material>[^:\[\]]+):\s*(?P<name>.*?)\s*\[(?P<code>\d+)\]\s*$")
        no_type = ~pc.is_valid(parts_).to_numpy(zero_copy_only=False)
        flag_cells(report, no_type, lines, "type_name", "type-error", batch.column("type_name"),
                   "type {!r} is not 'Material: Name [OSPAR code]'")
        code = pc.fill_null(pc.struct_field(parts_, "code"), "")
        pellets = pc.equal(code, "998").to_numpy(zero_copy_only=False)
        text_ok = pellets & ~count.blank  # Yes/No/NA survey field: not a count, accepted and skipped
        bad_count = (count.invalid | count.blank) & ~pellets
        flag_cells(report, bad_count, lines, "abundance", "type-error", batch.column("abundance"),
                   "abundance {!r} is not a number")
        with np.errstate(invalid="ignore"):
            negative = count.values < 0
        report.add_many("litter-negative-count", lines[negative], "abundance", "abundance is negative")
        bad = dates.invalid | dates.blank | fut | no_type | bad_count | negative
        keep = kept_rows(bad, report)
        material = pc.utf8_lower(pc.utf8_trim_whitespace(pc.fill_null(pc.struct_field(parts_, "material"), "")))
        icode = pc.cast(pc.if_else(pc.equal(code, ""), "0", code), pa.int64()).to_numpy(zero_copy_only=False)
        toward = (~pc.equal(material, "survey").to_numpy(zero_copy_only=False)
                  & ~np.isin(icode, [int(c) for c in POLLUTANTS]) & (icode <= 121))
        mask = pa.array(keep & ~text_ok)

        def col(name: str, b: pa.RecordBatch = batch) -> pa.Array:
            return pc.utf8_trim_whitespace(b.column(name)) if name in b.schema.names \
                else pa.nulls(b.num_rows, pa.string())

        return pa.table({
            "site": col("location_code"), "site_name": col("location_name"), "country": col("country_code"),
            "region": col("region_name"), "day": pa.array(dates.values, pa.date32()),
            "type_name": col("type_name"), "code": code, "count": pa.array(count.values),
            "toward": pa.array(toward), "line": pa.array(lines, pa.int64()),
        }).filter(mask)

    @staticmethod
    def _long_surveys(rows: pa.Table, report: ValidationReport) -> AdapterBatch:
        """Group the accepted rows into surveys (site x date) with DuckDB."""
        con = duck.connect()
        con.register("r", rows)
        observations = con.sql("""
            SELECT site || '/' || strftime(day, '%Y-%m-%d') AS source_event_id, 'ospar' AS source_scheme,
                   code AS source_code, type_name AS source_name, count, toward AS counts_toward_total,
                   line AS source_line, 'abundance' AS source_column
            FROM r ORDER BY line
        """).to_arrow_table()
        ev = con.sql("""
            SELECT site || '/' || strftime(day, '%Y-%m-%d') AS source_event_id, site, any_value(site_name) AS name,
                   any_value(country) AS country_raw, any_value(region) AS region, day,
                   sum(count) FILTER (WHERE toward) AS total, min(line) AS line
            FROM r GROUP BY site, day ORDER BY line
        """).to_arrow_table()
        n = ev.num_rows
        country, unknown = column_to_alpha3(ev.column("country_raw"))
        for name in unknown:
            report.add("litter-unknown-country", f"country {name!r} not recognised", column="country_code")
        sid = site_ids(PROGRAMME, ev.column("site"))
        events = pa.table({
            "source_event_id": ev.column("source_event_id"), "site_id": sid, "event_date": ev.column("day"),
            "event_type": const(n, "monitoring"),
            "protocol": const(n, "OSPAR beach litter monitoring, 100 m"),
            "compartment": const(n, "beach"),
            "quality_tier": const(n, "accredited-monitoring"),
            "country": country, "region": ev.column("region"), "length_m": pa.array(np.full(n, SURVEY_LENGTH_M)),
            "total_count": pc.fill_null(ev.column("total"), 0.0), "source_line": ev.column("line"),
        })
        sites = sites_table(sid, ev.column("name"), events, PROGRAMME, ev.column("site"), lat=None, lon=None,
                            country=country, region=ev.column("region"))
        return AdapterBatch(events, observations, sites)


ADAPTER = Ospar()
