"""Pla'stock (Association pour la sauvegarde du Léman): Lake Geneva beach macro-litter and sand-core
microplastics.

Format facts (docs/formats.md):
- Macro (`macro_current.csv`) is long: one row per beach × position × date × item, with the surveyed
  area `Aire` (m²) and search time `Temps` (min); the unit is items per m², never per 100 m. `Code`
  is the G-code; `OPSAR` (sic) holds OSPAR codes as floats (`15.0` -> `15`); `UNEP` the UNEP/IOC code.
  Both are kept as cross-references in the observation flags. `Date` mixes `01.02.2022` (day first)
  and `9/11/2022` (month first, as `5/14/2022` in the same column proves): each form is parsed
  explicitly and a note says how many of each were read; slash dates both readings accept are listed.
- Micro (`micro_results.csv`) is wide: one row per 10 × 10 cm sand core (0.01 m², 5 cm deep),
  particles 0.3-5 mm counted by shape (fb fibre, fr hard fragment, fs soft fragment/film) × colour;
  `added` is the file's own total. The file carries no sampling date (November 2021 per the source).
- `asl_beaches.csv`, when it sits beside the data file, gives beach coordinates; its `x` column holds
  the latitude and `y` the longitude, and they are read that way on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import (
    AdapterBase,
    AdapterBatch,
    DatasetDefaults,
    KeyCounter,
    RowFingerprints,
    duplicate_rows,
    flag_cells,
    future_dates,
    kept_rows,
    missing_required,
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import Parsed
from litterhub.ingest.columns import const, floats, number, reject_repeated_ids, text_or_null
from litterhub.ingest.dates import parse_mixed_dates, slash_order
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table, read_small_table
from litterhub.ingest.wide import ItemColumn, check_total, parse_items, totals, unpivot

PROGRAMME = "Pla'stock (ASL, Lake Geneva)"
MACRO = {"Plage", "Aire", "Date", "Code", "OPSAR", "UNEP", "Quantité"}
MICRO_SHAPES = {"fb": "fibre", "fr": "fragment", "fs": "film"}
MICRO_COLOURS = {"r": "red", "b": "blue", "j": "yellow", "t": "transparent", "n": "black", "a": "other"}
MICRO_COLUMNS = [s + c for s in MICRO_SHAPES for c in MICRO_COLOURS]
MICRO_LONG = {"Plage", "échantillon", "objet", "compte"}
LONG_SHAPES = {"fibres": "fibre", "fdure": "fragment", "souple": "film"}
CORE_AREA_M2 = 0.01
MAX_LONG_BYTES = 64 << 20  # the long macro layout is grouped into events in memory


class Plastock(AdapterBase):
    name = "plastock"
    title = "Pla'stock Lake Geneva macro-litter (items/m²) and sand-core microplastics"
    priority = 50
    effort_expected = True

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        header = set(info.header)
        if MACRO <= header:
            return "columns Plage, Aire, Date, Code, OPSAR, UNEP and Quantité are the Pla'stock macro-litter layout"
        if {"Plage", "Echantillon", "added"} <= header and set(MICRO_COLUMNS) <= header:
            return "columns Plage, Echantillon, added and the fb*/fr*/fs* colour counts are the Pla'stock " \
                   "sand-core microplastics layout"
        if MICRO_LONG <= header:
            return "columns Plage, échantillon, objet and compte are the Pla'stock sand-core microplastics long layout"
        return None

    def defaults(self, filename: str) -> DatasetDefaults:
        micro = "micro" in Path(filename).name.lower()
        return DatasetDefaults(
            title=f"Pla'stock Lake Geneva {'sand-core microplastics' if micro else 'beach macro-litter'} "
                  f"({Path(filename).name})",
            description="Beach litter surveys on Lake Geneva by the Association pour la sauvegarde du Léman: "
            + ("microplastics 0.3-5 mm counted in 10 x 10 cm sand cores (November 2021)." if micro
               else "items per surveyed area (m²) at the water line and on the beach, four rounds in 2022."),
            publisher="Association pour la sauvegarde du Léman (ASL)",
            licence="MIT",
            citation="Association pour la sauvegarde du Léman (2024). Pla'stock: plastiques sur les plages du "
            "Léman. github.com/AssociationSauvegardeLeman/plastock (commit 07e4d579).",
            source_programme=PROGRAMME,
            protocol="Pla'stock " + ("sand core 10x10x5 cm" if micro else "macro-litter per area"),
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if MACRO <= set(info.header):
            yield from self._read_macro(info, report)
        elif {"Plage", "Echantillon"} <= set(info.header):
            yield from self._read_micro(info, report)
        elif MICRO_LONG <= set(info.header):
            yield from self._read_micro_long(info, report)
        else:
            report.fail("missing-label", "not a Pla'stock file: expected the macro columns (Plage, Aire, Date, Code, "
                        "OPSAR, UNEP, Quantité) or the micro columns (Plage, Echantillon, fbr ... fsa, added)", line=1)

    # -- sites ---------------------------------------------------------------------------------------------
    @staticmethod
    def _beach_coordinates(info: Sniff, report: ValidationReport) -> pa.Table | None:
        """asl_beaches.csv beside the data file: x is the latitude, y the longitude (read so on purpose)."""
        path = info.path.parent / "asl_beaches.csv"
        if not path.is_file() or path.stat().st_size > 1 << 20:
            return None
        try:
            table = read_small_table(path)
            if table is None or not {"Plage", "x", "y"} <= set(table.column_names):
                return None
            table = pa.table({"Plage": table.column("Plage"), "x": _float_column(table.column("x")),
                              "y": _float_column(table.column("y"))})
        except (pa.ArrowInvalid, OSError):
            report.notes.append("asl_beaches.csv beside the file could not be read: beaches have no coordinates")
            return None
        report.notes.append("beach coordinates from asl_beaches.csv, whose x column is the latitude and y the "
                            "longitude (swapped names, read accordingly)")
        return pa.table({"Plage": table.column("Plage"), "lat": table.column("x"), "lon": table.column("y")})

    def _sites(self, plage: pa.Array, coords: pa.Table | None) -> tuple[pa.Array, pa.Table]:
        n = len(plage)
        sid = site_ids(PROGRAMME, plage)
        lat = lon = pa.nulls(n, pa.float64())
        if coords is not None:
            idx = pc.index_in(plage, value_set=coords.column("Plage").combine_chunks())
            lat = pc.take(coords.column("lat").combine_chunks(), idx)
            lon = pc.take(coords.column("lon").combine_chunks(), idx)
        sites = sites_table(sid, plage, None, PROGRAMME, plage, lat=lat, lon=lon, region=const(n, "Lake Geneva"),
                            compartment=const(n, "lakeshore"))
        return sid, sites

    # -- macro ---------------------------------------------------------------------------------------------
    def _read_macro(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if _too_large(info, "macro", report):
            return
        names, batches, rejected = open_table(info)
        parts = list(batches)
        if not parts:
            report_bad_records(rejected, report)
            return
        batch = pa.Table.from_batches([b for b, _ in parts]).combine_chunks().to_batches()[0] \
            if sum(b.num_rows for b, _ in parts) else parts[0][0]
        lines = np.concatenate([ln for _, ln in parts])
        yield self._macro(batch, lines, names, info, report)
        report_bad_records(rejected, report)

    def _macro(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], info: Sniff,
               report: ValidationReport) -> AdapterBatch:
        keep, day, parsed = self._macro_rows(batch, lines, names, report)
        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        k = len(kept_lines)
        plage = pc.utf8_trim_whitespace(sub.column("Plage"))
        position = pc.fill_null(text_or_null(sub, "Position"), "?")
        area = floats(parsed["area"])
        event_key = pc.binary_join_element_wise(plage, position, pc.cast(pa.array(day, pa.date32()), pa.string()),
                                                pc.fill_null(pc.cast(area, pa.string()), "?"), "/")
        observations = pa.table({
            "source_event_id": event_key, "source_scheme": const(k, "tsg-ml"), "source_code": text_or_null(sub, "Code"),
            "source_name": text_or_null(sub, "Objet"), "count": floats(parsed["qty"]),
            "mass_kg": floats(parsed["mass"]), "size_class": const(k, "macro"),
            "counts_toward_total": const(k, True, pa.bool_()),
            "flags": _cross_references(pc.replace_substring_regex(text_or_null(sub, "OPSAR"), r"\.0+$", ""),
                                       text_or_null(sub, "UNEP")),
            "source_line": pa.array(kept_lines, pa.int64()), "source_column": const(k, "Quantité"),
        })
        # one event per beach x position x date x area: first line, summed counts (vectorised group-by)
        groups = pa.table({
            "key": event_key, "line": pa.array(kept_lines, pa.int64()), "count": floats(parsed["qty"]),
            "mass": floats(parsed["mass"]), "idx": pa.array(np.arange(k)),
        }).group_by("key").aggregate([("line", "min"), ("count", "sum"), ("mass", "sum"), ("idx", "min")])
        first = groups.column("idx_min").combine_chunks()
        sid, sites = self._sites(plage.take(first), self._beach_coordinates(info, report))
        m = groups.num_rows
        events = pa.table({
            "source_event_id": groups.column("key"), "survey_group": text_or_null(sub.take(first), "Saison"),
            "site_id": sid, "event_date": pa.array(day, pa.date32()).take(first), "event_type": const(m, "monitoring"),
            "protocol": pc.binary_join_element_wise(const(m, "Pla'stock macro-litter per area, position"),
                                                    position.take(first), " "),
            "compartment": const(m, "lakeshore"), "quality_tier": const(m, "trained-volunteers"),
            "lat": sites.column("lat"), "lon": sites.column("lon"), "region": const(m, "Lake Geneva"),
            "area_m2": area.take(first), "duration_min": floats(parsed["minutes"]).take(first),
            "lower_size_um": floats(np.full(m, np.nan)), "total_count": groups.column("count_sum"),
            "total_mass_kg": groups.column("mass_sum"), "source_line": groups.column("line_min"),
        })
        return AdapterBatch(events, observations, sites)

    def _macro_rows(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], report: ValidationReport
                    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Validate the macro rows: the kept mask, their dates, and their parsed numbers (kept rows only)."""
        bad = duplicate_rows(RowFingerprints(), batch, names, lines, report)

        text = pc.utf8_trim_whitespace(batch.column("Date"))
        order = slash_order(text)
        mixed = parse_mixed_dates(text, "Date", lines, report, order)
        dates = mixed.parsed
        flag_cells(report, dates.invalid | dates.blank, lines, "Date", "type-error", batch.column("Date"),
                   "date {!r} is neither dd.mm.yyyy nor m/d/yyyy")
        fut = future_dates(report, dates.values, lines, batch, "Date")
        bad |= dates.invalid | dates.blank | fut
        report.notes.append(
            f"Date column mixes {int(mixed.dotted.sum())} dd.mm.yyyy date(s) and {int(mixed.slashed.sum())} slash "
            f"date(s); slash dates read {order[0]} because {order[1]}; {int(mixed.ambiguous.sum())} slash date(s) "
            "were ambiguous (listed as litter-date-ambiguous)")

        qty, negative = _count(batch, "Quantité", lines, report)
        bad |= qty.blank | qty.invalid | negative
        code = text_or_null(batch, "Code")
        no_code = pc.is_null(code).to_numpy(zero_copy_only=False)
        flag_cells(report, no_code, lines, "Code", "required-value", batch.column("Code"), "no item code ({!r})")
        bad |= no_code
        area = number(batch, "Aire", lines, report, what="area")
        minutes = number(batch, "Temps", lines, report, what="search time")
        mass = number(batch, "Poids", lines, report, what="weight")
        keep = kept_rows(bad, report)
        return keep, dates.values[keep], {"qty": qty.values[keep], "area": area.values[keep],
                                          "minutes": minutes.values[keep], "mass": mass.values[keep]}

    # -- micro, long layout -------------------------------------------------------------------------------
    def _read_micro_long(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        """`long_form_micro.csv`: one row per core x shape total (fibres, fdure, souple)."""
        if _too_large(info, "long", report):
            return
        names, batches, rejected = open_table(info)
        parts = list(batches)
        if parts:
            batch = pa.Table.from_batches([b for b, _ in parts]).combine_chunks()
            lines = np.concatenate([ln for _, ln in parts])
            report.notes.append("sand cores of 10 x 10 cm (area 0.01 m²), particle totals per shape; the file has "
                                "no sampling date (November 2021 per the source): event dates left empty")
            yield self._micro_long(batch, lines, names, info, report)
        report_bad_records(rejected, report)

    def _micro_long(self, batch: pa.Table, lines: np.ndarray, names: list[str], info: Sniff,
                    report: ValidationReport) -> AdapterBatch:
        bad = duplicate_rows(RowFingerprints(), batch.to_batches()[0], names, lines, report) if batch.num_rows \
            else np.zeros(0, bool)
        sample = text_or_null(batch, "échantillon")
        no_id = pc.is_null(sample).to_numpy(zero_copy_only=False)
        flag_cells(report, no_id, lines, "échantillon", "required-value", batch.column("échantillon"),
                   "no sample id ({!r})")
        count, negative = _count(batch, "compte", lines, report)
        objet = pc.utf8_trim_whitespace(batch.column("objet"))
        unknown = ~pc.is_in(objet, value_set=pa.array(list(LONG_SHAPES))).to_numpy(zero_copy_only=False)
        flag_cells(report, unknown, lines, "objet", "type-error", batch.column("objet"),
                   "category {!r} is not fibres, fdure or souple")
        bad |= no_id | count.blank | count.invalid | negative | unknown
        keep = kept_rows(bad, report)
        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        k = len(kept_lines)
        keys = sample.filter(pa.array(keep))
        obj = objet.filter(pa.array(keep))
        observations = pa.table({
            "source_event_id": keys, "source_scheme": const(k, "plastock-micro"), "source_code": obj,
            "source_name": obj, "count": floats(count.values[keep]),
            "shape": pc.take(pa.array(list(LONG_SHAPES.values())), pc.index_in(obj, value_set=pa.array(
                list(LONG_SHAPES)))),
            "size_class": const(k, "micro"), "counts_toward_total": const(k, True, pa.bool_()),
            "source_line": pa.array(kept_lines, pa.int64()), "source_column": const(k, "compte"),
        })
        groups = _group_first(keys, kept_lines, count.values[keep])
        first = groups.column("idx_min").combine_chunks()
        plage = pc.utf8_trim_whitespace(sub.column("Plage")).take(first)
        sid, sites = self._sites(plage, self._beach_coordinates(info, report))
        events = _core_events(groups.column("key"), sid, sites, groups.column("count_sum"), groups.column("line_min"))
        return AdapterBatch(events, observations, sites)

    # -- micro ---------------------------------------------------------------------------------------------
    def _read_micro(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if missing_required(info, ["Plage", "Echantillon", "added", *MICRO_COLUMNS], "Pla'stock micro", report):
            return
        names, batches, rejected = open_table(info)
        items = [ItemColumn(c, "plastock-micro", c, name=f"{MICRO_SHAPES[c[:2]]}, {MICRO_COLOURS[c[2]]}")
                 for c in MICRO_COLUMNS]
        report.notes.append("sand cores of 10 x 10 cm (area 0.01 m², 5 cm deep), particles 0.3-5 mm; the file has "
                            "no sampling date (November 2021 per the source): event dates left empty")
        coords = self._beach_coordinates(info, report)
        fingerprints = RowFingerprints()
        ids = KeyCounter()
        for batch, lines in batches:
            yield self._micro(batch, lines, names, items, coords, fingerprints, ids, report)
        report_bad_records(rejected, report)

    def _micro(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], items: list[ItemColumn],
               coords: pa.Table | None, fingerprints: RowFingerprints, ids: KeyCounter,
               report: ValidationReport) -> AdapterBatch:
        bad = duplicate_rows(fingerprints, batch, names, lines, report)
        sample = text_or_null(batch, "Echantillon")
        no_id = pc.is_null(sample).to_numpy(zero_copy_only=False)
        flag_cells(report, no_id, lines, "Echantillon", "required-value", batch.column("Echantillon"),
                   "no sample id ({!r})")
        bad |= no_id
        matrix = parse_items(batch, items, lines, report)
        bad |= matrix.bad_row
        added = number(batch, "added", lines, report, what="total")
        bad = reject_repeated_ids(sample, bad, ids, lines, report, "Echantillon")
        keep = kept_rows(bad, report)
        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        total = totals(matrix.values[keep], items)
        src_total = added.values[keep]
        check_total(report, kept_lines, src_total, total, "added", what="the colour counts")
        event_keys = sample.filter(pa.array(keep))
        plage = pc.utf8_trim_whitespace(sub.column("Plage"))
        sid, sites = self._sites(plage, coords)
        events = _core_events(event_keys, sid, sites, floats(total), pa.array(kept_lines, pa.int64()),
                              source_total=floats(src_total))
        obs = unpivot(matrix.values[keep], items, event_keys, kept_lines)
        shape = pa.array([MICRO_SHAPES[c[:2]] for c in MICRO_COLUMNS])
        colour = pa.array([MICRO_COLOURS[c[2]] for c in MICRO_COLUMNS])
        col_idx = pc.index_in(obs.column("source_column"), value_set=pa.array(MICRO_COLUMNS))
        obs = obs.append_column("shape", pc.take(shape, col_idx)).append_column("colour", pc.take(colour, col_idx))
        obs = obs.append_column("size_class", const(obs.num_rows, "micro"))
        return AdapterBatch(events, obs, sites)


def _too_large(info: Sniff, layout: str, report: ValidationReport) -> bool:
    """Layouts grouped in memory refuse files above MAX_LONG_BYTES (litter-too-large, line 1)."""
    if info.size <= MAX_LONG_BYTES:
        return False
    report.fail("litter-too-large", f"Pla'stock {layout} files are grouped in memory; this one is larger than "
                f"{MAX_LONG_BYTES >> 20} MiB", line=1)
    return True


def _core_events(keys: pa.Array, sid: pa.Array, sites: pa.Table, total: pa.Array, line: pa.Array,
                 **extra: pa.Array) -> pa.Table:
    """Events of sand cores (10 x 10 cm, particles 0.3-5 mm); the files give no sampling date."""
    m = len(keys)
    return pa.table({
        "source_event_id": keys, "site_id": sid, "event_date": pa.nulls(m, pa.date32()),
        "event_type": const(m, "sampling"), "protocol": const(m, "Pla'stock sand core 10x10x5 cm, particles 0.3-5 mm"),
        "compartment": const(m, "sediment"), "quality_tier": const(m, "trained-volunteers"),
        "lat": sites.column("lat"), "lon": sites.column("lon"), "region": const(m, "Lake Geneva"),
        "area_m2": floats(np.full(m, CORE_AREA_M2)), "lower_size_um": floats(np.full(m, 300.0)),
        "upper_size_um": floats(np.full(m, 5000.0)), "total_count": total, **extra, "source_line": line,
    })


def _group_first(keys: pa.Array, lines: np.ndarray, counts: np.ndarray) -> pa.Table:
    """Per key: first row index, first line and summed count (vectorised group-by)."""
    return pa.table({"key": keys, "line": pa.array(lines, pa.int64()), "count": floats(counts),
                     "idx": pa.array(np.arange(len(lines)))}) \
        .group_by("key").aggregate([("line", "min"), ("count", "sum"), ("idx", "min")])


def _cross_references(ospar: pa.Array, unep: pa.Array) -> pa.Array:
    """Per-row flags naming the OSPAR and UNEP codes the source gives beside the G-code."""
    o = pc.binary_join_element_wise(pa.scalar("ospar:"), ospar, "")
    u = pc.binary_join_element_wise(pa.scalar("unep-ioc:"), unep, "")
    both = pa.StructArray.from_arrays([o, u], ["o", "u"])
    n = len(ospar)
    o_np = o.to_numpy(zero_copy_only=False)
    u_np = u.to_numpy(zero_copy_only=False)
    has_o = pc.is_valid(o).to_numpy(zero_copy_only=False)
    has_u = pc.is_valid(u).to_numpy(zero_copy_only=False)
    counts = has_o.astype(np.int32) + has_u.astype(np.int32)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    values = np.empty(int(counts.sum()), dtype=object)
    pos = offsets[:-1]
    values[pos[has_o]] = o_np[has_o]
    values[(pos + has_o)[has_u]] = u_np[has_u]
    del both
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.string())) if n else \
        pa.array([], pa.list_(pa.string()))


def _count(batch: pa.RecordBatch | pa.Table, column: str, lines: np.ndarray, report: ValidationReport
           ) -> tuple[Parsed, np.ndarray]:
    """A required count column: blank and negative counts are reported; the parsed counts and the negative mask."""
    count = number(batch, column, lines, report, what="count")
    flag_cells(report, count.blank, lines, column, "required-value", batch.column(column), "no count ({!r})")
    with np.errstate(invalid="ignore"):
        negative = count.values < 0
    flag_cells(report, negative, lines, column, "litter-negative-count", batch.column(column),
               "count {!r} is negative")
    return count, negative


ADAPTER = Plastock()


def _float_column(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Companion-file numbers read as text: blank cells are missing, others must parse (ArrowInvalid if not)."""
    blank = pc.equal(pc.utf8_trim_whitespace(text), "")
    return pc.if_else(blank, pa.scalar(None, pa.string()), text).cast(pa.float64())
