"""Plastic Pirates – Go Europe! (school groups on European rivers): riverbank, floating and particle data.

Format facts (docs/formats.md): one row per school-group dataset (`DatasetID`); UTF-8 with a
BOM; `na`/`NA` mean "not applicable / no data"; `;` separates list values inside a cell. Experts
qualified every dataset (`DatasetQualified`) and every group's part (`<Group>_Qualified`): only
parts marked 1 are stored, the rest are reported. Group A counts litter in circles of 7 m² (the
programme's own `AveragePerM2` equals the total ÷ (stations × 7 m²)); group B counts items over
`LengthOfRiverbankSearchedM` × `WidthOfRiverbankSearchedM`, which experts could not always verify.
The floating file holds a visual count of floating macro-litter (minutes, observed width) and a
neuston-net micro sample (minutes; volume not given). The particle table lists every particle with
`SizeMM`, `Type` and the FTIR polymer. Names and e-mail addresses (`PersonResponsible`,
`PersonContact`, `Scientist`) are never read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import (
    SITE_SCHEMA,
    AdapterBase,
    AdapterBatch,
    DatasetDefaults,
    KeyCounter,
    RowFingerprints,
    duplicate_rows,
    flag_cells,
    kept_rows,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import future, out_of_range, parse_number
from litterhub.ingest.columns import blank_no_data, const, floats, number, reject_repeated_ids, text_or_null
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.dates import parse_date_strict
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn, check_total, parse_items, totals, unpivot

PROGRAMME = "Plastic Pirates - Go Europe!"
SCHEME = "plastic-pirates"
PERSONAL_COLUMNS = ("PersonResponsible", "PersonContact", "Scientist")
LITTER_CIRCLE_M2 = 7.0
MAX_PARTICLE_BYTES = 256 << 20
META = ["DatasetID", "DatasetQualified", "SamplingDate", "SamplingCoordinatesLatitude",
        "SamplingCoordinatesLongitude"]
NOT_ITEMS = {"SingleUsePlasticTotal", "TotalNumber(incl.SUP)", "ProportionSingleUsePlastic",
             "LengthOfRiverbankSearchedM", "WidthOfRiverbankSearchedM", "WeightPlasticWasteKG", "WeightAllWasteKG",
             "ResultsComment", "NumberOfStationsSampled", "NumberOfStationsWithLitterFindings", "OverallTotal",
             "AveragePerM2", "ObservationTimeInMinutes", "RiverWidth", "ObservedWidth", "Comment",
             "SamplingTimeInMinutes"}
SHAPES = {"films": "film", "fragments": "fragment", "pellets": "pellet", "granules": "pellet", "foams": "foam",
          "filaments": "fibre", "fibres": "fibre", "fibers": "fibre"}


@dataclass(frozen=True)
class Group:
    """One sampling group of the programme: its column prefix, event suffix and compartment."""

    key: str
    prefix: str
    results: str  # infix between prefix and field ("_Results_" or "_")
    compartment: str
    protocol: str


GROUPS = {
    "riverbank": (Group("A", "RiversideLitterCircles", "_Results_", "riverbank",
                        "Plastic Pirates group A: litter circles of 7 m²"),
                  Group("B", "RiversideWasteVariety", "_Results_", "riverbank",
                        "Plastic Pirates group B: riverbank stretch, item variety")),
    "floating": (Group("floating-macro", "FloatingMacro", "_", "surface-water",
                       "Plastic Pirates group C: floating macro-litter, visual count from the bank"),
                 Group("floating-micro", "FloatingMicro", "_", "surface-water",
                       "Plastic Pirates group C: neuston net, verified micro- and mesoplastics")),
}


def _kind(header: list[str]) -> str | None:
    names = set(header)
    if not {"DatasetID"} <= names:
        return None
    if {"RiversideLitterCircles_Qualified", "RiversideWasteVariety_Qualified", "DatasetQualified"} <= names:
        return "riverbank"
    if {"FloatingMacro_Qualified", "FloatingMicro_Qualified", "DatasetQualified"} <= names:
        return "floating"
    if {"MicroplasticID", "SizeMM", "Type", "FTIR_Polymer_standardised"} <= names:
        return "particles"
    return None


class PlasticPirates(AdapterBase):
    name = "plastic-pirates"
    title = "Plastic Pirates – Go Europe! riverbank, floating and particle data"
    priority = 50
    effort_expected = True
    personal_columns = PERSONAL_COLUMNS

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        kind = _kind(info.header)
        if kind is None:
            return None
        return {"riverbank": "columns DatasetID, DatasetQualified and the RiversideLitterCircles_/"
                             "RiversideWasteVariety_ groups are the Plastic Pirates riverbank layout",
                "floating": "columns DatasetID, DatasetQualified and the FloatingMacro_/FloatingMicro_ groups are the "
                            "Plastic Pirates floating-litter layout",
                "particles": "columns DatasetID, MicroplasticID, SizeMM, Type and FTIR_Polymer_standardised are the "
                             "Plastic Pirates particle table"}[kind]

    about = DatasetDefaults(
        title="Plastic Pirates – Go Europe! ({file})",
        description="Litter on and in European rivers sampled by school groups in 2022-2024 and verified by "
        "experts of the partner institutes (riverbank groups A and B, floating litter, microplastic particles).",
        publisher="Flanders Marine Institute (VLIZ) for Plastic Pirates – Go Europe!",
        licence="CC-BY-4.0",
        citation="Plastic Pirates – Go Europe! (2025). Riverbank and floating litter data v2.0.0. VLIZ. "
        "doi:10.5281/zenodo.15535434 and doi:10.5281/zenodo.15535538.",
        source_programme=PROGRAMME,
        protocol="Plastic Pirates – Go Europe! project booklet (groups A, B, C)",
    )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        kind = _kind(info.header)
        missing = [c for c in META if c not in info.header] if kind in GROUPS else []
        if kind is None or missing:
            report.fail("missing-label", "not a Plastic Pirates file: expected DatasetID, DatasetQualified, "
                        "SamplingDate, coordinates and the group columns, or the particle table columns"
                        + (f" (missing: {', '.join(missing)})" if missing else ""), line=1)
            return
        report.notes.append("personal columns (PersonResponsible, PersonContact, Scientist) are not read; "
                            "'na'/'NA' cells mean no data")
        names, batches, rejected = open_table(info)
        fingerprints = RowFingerprints()
        if kind == "particles":
            # one event per dataset: the table is grouped whole, so a dataset split over batches stays one event
            if info.size > MAX_PARTICLE_BYTES:
                report.fail("litter-too-large", f"particle tables are grouped in memory; this one is larger than "
                            f"{MAX_PARTICLE_BYTES >> 20} MiB", line=1)
                return
            meta = self._floating_metadata(info, report)
            parts = list(batches)
            if parts:
                table = pa.Table.from_batches([b for b, _ in parts]).combine_chunks()
                batch = table.to_batches()[0] if table.num_rows else parts[0][0]
                lines = np.concatenate([ln for _, ln in parts])
                yield self._particles(batch, lines, names, meta, fingerprints, report)
        else:
            if kind == "riverbank":
                report.notes.append("group A densities use litter circles of 7 m² each; group B bank length and "
                                    "width could not always be verified by the experts (as the source says)")
            groups = GROUPS[kind]
            items = {g.key: self._items(g, names) for g in groups}
            ids = KeyCounter()
            for batch, lines in batches:
                yield self._datasets(batch, lines, names, groups, items, fingerprints, ids, report)
        report_bad_records(rejected, report)

    @staticmethod
    def _items(group: Group, names: list[str]) -> list[ItemColumn]:
        head = group.prefix + group.results
        out = []
        for c in names:
            if not c.startswith(head):
                continue
            field = c[len(head):]
            if field in NOT_ITEMS or field.endswith(("Qualified", "Reason", "Sampling", "Comment")) or "_" in field:
                continue
            out.append(ItemColumn(c, SCHEME, f"{group.prefix}.{field}", name=field))
        return out

    # -- shared metadata -----------------------------------------------------------------------------------
    def _metadata(self, batch: pa.RecordBatch, lines: np.ndarray, report: ValidationReport
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Dataset QA, date and position; returns (bad, dates, lat, lon)."""
        qualified = blank_no_data(batch.column("DatasetQualified"))
        # 1 = qualified, 0 = disqualified; 'na' = no dataset-level verdict: the group verdicts decide
        ok = pc.not_equal(qualified, "0").to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(~ok)
        reasons = text_or_null(batch, "DatasetReasonDisqualified").take(pa.array(rows)).to_pylist()
        report.add_many("litter-disqualified", lines[rows], "DatasetQualified",
                        [f"disqualified by the experts ({r or 'DatasetQualified 0'})" for r in reasons])
        bad = ~ok
        dates = parse_date_strict(blank_no_data(batch.column("SamplingDate")), "%Y-%m-%d")
        bad_date = (dates.invalid | dates.blank) & ok
        flag_cells(report, bad_date, lines, "SamplingDate", "type-error", batch.column("SamplingDate"),
                   "date {!r} is not YYYY-MM-DD")
        fut = future(dates.values) & ok
        flag_cells(report, fut, lines, "SamplingDate", "litter-future-date", batch.column("SamplingDate"),
                   "date {!r} lies in the future")
        bad |= bad_date | fut
        lat = number(batch, "SamplingCoordinatesLatitude", lines, report, what="latitude")
        lon = number(batch, "SamplingCoordinatesLongitude", lines, report, what="longitude")
        oor = out_of_range(lat.values, lon.values) & ok
        flag_cells(report, oor, lines, "SamplingCoordinatesLatitude", "litter-coordinates-out-of-range",
                   batch.column("SamplingCoordinatesLatitude"), "latitude/longitude out of range (latitude {!r})")
        bad |= oor
        return bad, dates.values, np.where(lat.invalid, np.nan, lat.values), np.where(lon.invalid, np.nan, lon.values)

    def _sites(self, sub: pa.RecordBatch | pa.Table, lat: np.ndarray, lon: np.ndarray, compartment: str,
               report: ValidationReport | None) -> tuple[pa.Array, pa.Table]:
        """Sites of the rows; `report` is None for the floating file's rows (reported when that file is read)."""
        k = sub.num_rows
        key = pc.binary_join_element_wise(pc.fill_null(pc.cast(pc.round(floats(lat), 4), pa.string()), "?"),
                                          pc.fill_null(pc.cast(pc.round(floats(lon), 4), pa.string()), "?"), ",")
        sid = site_ids(PROGRAMME, key)
        country, unknown = column_to_alpha3(pc.fill_null(text_or_null(sub, "CountryResponsible"), ""))
        for name in unknown if report is not None else ():
            report.add("litter-unknown-country", f"country {name!r} not recognised", column="CountryResponsible")
        place = text_or_null(sub, "SamplingPlace")
        river = text_or_null(sub, "SamplingRiver")
        sites = sites_table(sid, pc.coalesce(place, river, key), None, PROGRAMME, key, lat=floats(lat),
                            lon=floats(lon), country=country, region=text_or_null(sub, "SamplingRiverSystem"),
                            compartment=const(k, compartment))
        return sid, sites

    # -- riverbank and floating datasets -------------------------------------------------------------------
    def _datasets(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], groups: tuple[Group, ...],
                  items: dict[str, list[ItemColumn]], fingerprints: RowFingerprints, ids: KeyCounter,
                  report: ValidationReport) -> AdapterBatch:
        dup = duplicate_rows(fingerprints, batch, names, lines, report)
        bad, dates, lat, lon = self._metadata(batch, lines, report)
        bad |= dup
        bad = reject_repeated_ids(pc.utf8_trim_whitespace(batch.column("DatasetID")), bad, ids, lines, report,
                                  "DatasetID")
        usable, matrices, bad = self._groups(batch, lines, names, groups, items, bad, report)
        report.rows_rejected += int(bad.sum())
        report.rows_accepted += int((~bad).sum())
        people = number(batch, "SamplingParticipants", lines, report, what="number of participants").values
        parts = [self._group(g, batch.filter(pa.array(usable[g.key])), lines[usable[g.key]], dates[usable[g.key]],
                             lat[usable[g.key]], lon[usable[g.key]], people[usable[g.key]],
                             matrices[g.key][usable[g.key]], items[g.key], report)
                 for g in groups if usable[g.key].any()]
        if not parts:
            empty = pa.table({"source_event_id": pa.array([], pa.string())})
            return AdapterBatch(empty, empty, SITE_SCHEMA.empty_table())
        return AdapterBatch(*(pa.concat_tables([p[i] for p in parts], promote_options="default") for i in range(3)))

    def _groups(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], groups: tuple[Group, ...],
                items: dict[str, list[ItemColumn]], bad: np.ndarray, report: ValidationReport
                ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
        """Per group: the rows that sampled and qualified it, and its item counts; rows with no group rejected."""
        n = batch.num_rows
        cleaned = pa.RecordBatch.from_arrays(
            [blank_no_data(batch.column(c)) if any(c == it.column for g in groups for it in items[g.key])
             else batch.column(c) for c in names], names=names)
        usable = {}
        matrices = {}
        for g in groups:
            q = blank_no_data(batch.column(f"{g.prefix}_Qualified")) if f"{g.prefix}_Qualified" in names \
                else pa.array([""] * n)
            ok = pc.equal(q, "1").to_numpy(zero_copy_only=False) & ~bad
            skipped = ~bad & ~ok
            reason = text_or_null(batch, f"{g.prefix}_DisqualifiedReason").to_pylist()
            rows = np.flatnonzero(skipped)
            report.add_many("litter-not-sampled", lines[rows], f"{g.prefix}_Qualified",
                            [f"group {g.key} not stored: not sampled or not qualified"
                             + (f" ({reason[i]})" if reason[i] else "") for i in rows])
            m = parse_items(cleaned.filter(pa.array(ok)), items[g.key], lines[ok], report)
            full = np.full((n, len(items[g.key])), np.nan)
            full[ok] = m.values
            bad_rows = np.zeros(n, bool)
            bad_rows[np.flatnonzero(ok)[m.bad_row]] = True
            matrices[g.key] = full
            usable[g.key] = ok & ~bad_rows
            bad |= bad_rows
        any_group = np.zeros(n, bool)
        for g in groups:
            usable[g.key] &= ~bad
            any_group |= usable[g.key]
        nothing = ~bad & ~any_group
        report.add_many("litter-no-observations", lines[nothing], None,
                        "no group of this dataset was sampled and qualified: nothing to store")
        return usable, matrices, bad | nothing

    def _group(self, g: Group, sub: pa.RecordBatch, kept_lines: np.ndarray, dates: np.ndarray, lat: np.ndarray,
               lon: np.ndarray, people: np.ndarray, matrix: np.ndarray, items: list[ItemColumn],
               report: ValidationReport) -> tuple[pa.Table, pa.Table, pa.Table]:
        """Events, observations and sites of one group over the rows that sampled it."""
        k = len(kept_lines)
        keys = pc.binary_join_element_wise(pc.utf8_trim_whitespace(sub.column("DatasetID")), const(k, g.key), "/")
        sid, site_table = self._sites(sub, lat, lon, g.compartment, report)
        effort = self._effort(g, sub, kept_lines, report)
        total = totals(matrix, items)
        if g.key == "B":
            self._check_total(effort["source_total"], total, kept_lines, report,
                              f"{g.prefix}_Results_TotalNumber(incl.SUP)")
        events = pa.table({
            "source_event_id": keys, "survey_group": pc.utf8_trim_whitespace(sub.column("DatasetID")),
            "site_id": sid, "event_date": pa.array(dates, pa.date32()), "event_type": const(k, "monitoring"),
            "protocol": const(k, g.protocol), "compartment": const(k, g.compartment),
            "quality_tier": const(k, "citizen-science"), "lat": floats(lat), "lon": floats(lon),
            "country": site_table.column("country"), "region": site_table.column("region"),
            "people": floats(people).cast(pa.int32(), safe=False),
            "total_count": floats(total), "source_line": pa.array(kept_lines, pa.int64()), **effort,
        })
        obs = unpivot(matrix, items, keys, kept_lines)
        if g.key == "floating-micro":
            size = pa.array(np.where(pc.match_substring(obs.column("source_code"), "Meso").to_numpy(
                zero_copy_only=False), "meso", "micro"), pa.string())
        else:
            size = const(obs.num_rows, "macro")
        return events, obs.append_column("size_class", size), site_table

    @staticmethod
    def _check_total(source_total: pa.Array, total: np.ndarray, lines: np.ndarray, report: ValidationReport,
                     column: str) -> None:
        """The file's own total against the sum of its item counts (warning; both are kept)."""
        src = source_total.to_numpy(zero_copy_only=False).astype(float)
        check_total(report, lines, src, total, column)

    def _effort(self, g: Group, sub: pa.RecordBatch, lines: np.ndarray, report: ValidationReport
                ) -> dict[str, pa.Array]:
        """Effort columns per group, in the hub's units (m, m², min); source totals beside them."""
        k = sub.num_rows

        def num(field: str) -> np.ndarray:
            return number(sub, f"{g.prefix}{g.results}{field}", lines, report, what=field).values

        out: dict[str, pa.Array] = {}
        if g.key == "A":
            stations = num("NumberOfStationsSampled")
            total, average = num("OverallTotal"), num("AveragePerM2")
            area = stations * LITTER_CIRCLE_M2
            with np.errstate(invalid="ignore", divide="ignore"):
                implied = total / area
                off = ~np.isnan(average) & ~np.isnan(implied) & (np.abs(implied - average) > 0.02 * np.maximum(
                    average, 0.05))
            report.add_many("litter-total-mismatch", lines[off], f"{g.prefix}_Results_AveragePerM2",
                            [f"the file's average {a:g} items/m² differs from total ÷ (stations × 7 m²) = {b:.4g}"
                             for a, b in zip(average[off], implied[off], strict=True)])
            out.update(area_m2=floats(area), source_total=floats(total))
        elif g.key == "B":
            length, width = num("LengthOfRiverbankSearchedM"), num("WidthOfRiverbankSearchedM")
            out.update(length_m=floats(length), width_m=floats(width), area_m2=floats(length * width),
                       source_total=floats(num("TotalNumber(incl.SUP)")),
                       total_mass_kg=floats(num("WeightAllWasteKG")))
        elif g.key == "floating-macro":
            out.update(duration_min=floats(num("ObservationTimeInMinutes")), width_m=floats(num("ObservedWidth")))
        else:
            out.update(duration_min=floats(num("SamplingTimeInMinutes")), lower_size_um=floats(np.full(k, 1000.0)))
        return out

    # -- particles -----------------------------------------------------------------------------------------
    def _floating_metadata(self, info: Sniff, report: ValidationReport) -> pa.Table | None:
        """Date, position and QA of each dataset from the floating file beside the particle table, if present."""
        candidates = sorted(info.path.parent.glob("Floating_data*.csv"))
        if not candidates:
            report.notes.append("no Floating_data*.csv beside the particle table: particles have no date, position "
                                "or dataset QA; all are kept")
            return None
        from litterhub.ingest.textio import sniff

        meta_info = sniff(candidates[0])
        if _kind(meta_info.header) != "floating":
            return None
        _, batches, _ = open_table(meta_info)
        cols = ["DatasetID", "DatasetQualified", "FloatingMicro_Qualified", "SamplingDate",
                "SamplingCoordinatesLatitude", "SamplingCoordinatesLongitude", "SamplingPlace", "SamplingRiver",
                "SamplingRiverSystem", "CountryResponsible"]
        parts = [pa.Table.from_batches([b]).select([c for c in cols if c in b.schema.names]) for b, _ in batches]
        report.notes.append(f"dataset date, position and QA taken from {candidates[0].name} beside the particle table")
        return pa.concat_tables(parts) if parts else None

    def _particles(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], meta: pa.Table | None,
                   fingerprints: RowFingerprints, report: ValidationReport) -> AdapterBatch:
        # particles without an id may legitimately repeat (same size, type and polymer): only id'd rows are checked
        has_id = pc.is_valid(text_or_null(batch, "MicroplasticID")).to_numpy(zero_copy_only=False)
        bad = duplicate_rows(fingerprints, batch, names, lines, report, exclude=~has_id)
        dataset = pc.utf8_trim_whitespace(batch.column("DatasetID"))
        no_id = pc.equal(dataset, "").to_numpy(zero_copy_only=False)
        flag_cells(report, no_id, lines, "DatasetID", "required-value", batch.column("DatasetID"), "no dataset id {!r}")
        bad |= no_id
        if meta is not None:
            bad |= _unqualified(dataset, meta, lines, bad, report)
        size = number(batch, "SizeMM", lines, report, markers=("na", "NA", "not measurable"), what="size")
        keep = kept_rows(bad, report)
        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        ds = dataset.filter(pa.array(keep))
        keys = pc.binary_join_element_wise(ds, const(len(kept_lines), "floating-micro"), "/")
        particles, is_particle = _particle_table(sub, keys, size.values[keep] * 1000.0, kept_lines)
        # one event per dataset: its number of particles, date and position from the floating file
        grouped = pa.table({"key": keys, "line": pa.array(kept_lines, pa.int64()),
                            "particle": pc.cast(is_particle, pa.int64()), "ds": ds}) \
            .group_by(["key", "ds"]).aggregate([("line", "min"), ("particle", "sum")])
        events, site_table = self._dataset_events(grouped, meta)
        observations = pa.table({"source_event_id": pa.array([], pa.string())})
        return AdapterBatch(events, observations, site_table, particles)

    def _dataset_events(self, grouped: pa.Table, meta: pa.Table | None) -> tuple[pa.Table, pa.Table]:
        """One event per dataset, placed and dated by the floating file's row of that dataset (if present)."""
        m = grouped.num_rows
        ds_ev = grouped.column("ds").combine_chunks()
        lat = lon = np.full(m, np.nan)
        dates = np.full(m, np.datetime64("NaT"), dtype="datetime64[D]")
        meta_rows = pa.table({"DatasetID": ds_ev})
        if meta is not None:
            j = pc.index_in(ds_ev, value_set=meta.column("DatasetID").combine_chunks())
            meta_rows = meta.take(j)  # null index -> null row (particles of datasets missing from the file)
            # the floating file's own cells are reported when that file is ingested; here they only place particles
            lat = parse_number(blank_no_data(meta_rows.column("SamplingCoordinatesLatitude"))).values
            lon = parse_number(blank_no_data(meta_rows.column("SamplingCoordinatesLongitude"))).values
            dates = parse_date_strict(blank_no_data(pc.fill_null(meta_rows.column("SamplingDate"), "")),
                                      "%Y-%m-%d").values
        sid, site_table = self._sites(meta_rows, lat, lon, "surface-water", None)
        events = pa.table({
            "source_event_id": grouped.column("key"), "survey_group": ds_ev, "site_id": sid,
            "event_date": pa.array(dates, pa.date32()), "event_type": const(m, "sampling"),
            "protocol": const(m, "Plastic Pirates group C: neuston net, particles analysed"),
            "compartment": const(m, "surface-water"), "quality_tier": const(m, "citizen-science"),
            "lat": floats(lat), "lon": floats(lon), "country": site_table.column("country"),
            "total_count": pc.cast(grouped.column("particle_sum"), pa.float64()),
            "source_line": grouped.column("line_min"),
        })
        return events, site_table


def _unqualified(dataset: pa.Array, meta: pa.Table, lines: np.ndarray, bad: np.ndarray,
                 report: ValidationReport) -> np.ndarray:
    """Particles of datasets the experts did not qualify (reported, rejected); unknown datasets are kept."""
    idx = pc.index_in(dataset, value_set=meta.column("DatasetID").combine_chunks())
    found = pc.is_valid(idx).to_numpy(zero_copy_only=False)
    q = pc.take(blank_no_data(meta.column("DatasetQualified").combine_chunks()), idx)
    qm = pc.take(blank_no_data(meta.column("FloatingMicro_Qualified").combine_chunks()), idx)
    ok = pc.fill_null(pc.and_(pc.not_equal(q, "0"), pc.equal(qm, "1")), False).to_numpy(zero_copy_only=False)
    report.add_many("litter-disqualified", lines[~ok & found & ~bad], "DatasetID",
                    "the dataset's micro sample is not qualified by the experts (floating file: "
                    "DatasetQualified 0 or FloatingMicro_Qualified not 1)")
    report.add_many("litter-not-sampled", lines[~found & ~bad], "DatasetID",
                    "dataset not in the floating file: particle kept without date or position")
    return ~ok & found


def _particle_table(sub: pa.RecordBatch, keys: pa.Array, size_um: np.ndarray, lines: np.ndarray
                    ) -> tuple[pa.Table, pa.Array]:
    """The particles of the kept rows (rows saying 'no plastic particles were found' are not particles)."""
    particle_id = text_or_null(sub, "MicroplasticID")
    none_found = pc.fill_null(pc.match_substring(text_or_null(sub, "FTIR_MethodUsed"),
                                                 "no plastic particles were found"), False)
    is_particle = pc.and_(pc.invert(none_found), pc.is_valid(particle_id))
    type_text = pc.utf8_lower(pc.fill_null(text_or_null(sub, "Type"), ""))
    shape_idx = pc.index_in(type_text, value_set=pa.array(list(SHAPES)))
    shape = pc.coalesce(pc.take(pa.array(list(SHAPES.values())), shape_idx),
                        pc.if_else(pc.equal(type_text, ""), pa.scalar(None, pa.string()), type_text))
    polymer = text_or_null(sub, "FTIR_Polymer_standardised")
    id_method = pc.if_else(pc.is_valid(polymer), pa.scalar("FTIR"), pa.scalar("visual"))
    particles = pa.table({
        "source_event_id": keys, "particle_id": particle_id, "size_um": floats(size_um),
        "shape": shape, "colour": text_or_null(sub, "Colour"), "polymer": polymer, "id_method": id_method,
        "source_line": pa.array(lines, pa.int64()),
    }).filter(is_particle)
    return particles, is_particle


ADAPTER = PlasticPirates()
