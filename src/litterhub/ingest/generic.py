"""The generic adapter: any CSV or XLSX described by a declarative mapping (`ingest.mapping`).

It is never chosen by `--format auto` (a mapping is a person's statement about a file, not something
to guess); the ingest service binds it to a mapping given with `--mapping`. Units are converted to
the hub's (m, m², m³, kg) with the factors in `mapping.UNITS`; a blank item cell means 0 or "not
recorded" as the mapping says; dates are read with the mapping's format, and a cell that does not
match it is rejected, never guessed.
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
    report_bad_records,
    site_ids,
    sites_table,
)
from litterhub.ingest.cells import near_null_island, out_of_range
from litterhub.ingest.columns import const, floats, number, reject_repeated_ids, text_or_null
from litterhub.ingest.countries import column_to_alpha3
from litterhub.ingest.dates import parse_date_strict
from litterhub.ingest.mapping import Mapping, MappingError
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table
from litterhub.ingest.wide import ItemColumn, check_total, parse_items, totals, unpivot

MAX_LONG_BYTES = 256 << 20  # long layouts are grouped into events in memory
PROGRAMME = "generic mapping"


class GenericAdapter(AdapterBase):
    name = "generic"
    title = "Any CSV or XLSX described by a mapping file (litterhub mapping draft FILE)"
    priority = 10_000
    kinds = ("text", "xlsx", "xls")
    effort_expected = True

    def __init__(self, mapping: Mapping | None = None):
        self.mapping = mapping

    def bind(self, mapping: Mapping) -> GenericAdapter:
        """This adapter with a validated mapping (the service does this for `--mapping`)."""
        return GenericAdapter(mapping)

    def detect(self, info: Sniff) -> str | None:
        return None  # never guessed: a mapping must be given

    def defaults(self, filename: str) -> DatasetDefaults:
        meta = self.mapping.meta if self.mapping else {}
        return DatasetDefaults(
            title=meta.get("title") or f"{Path(filename).name} (generic mapping)",
            description=meta.get("description") or "Ingested with a declarative column mapping.",
            publisher=meta.get("publisher") or "unknown",
            licence=meta.get("licence") or "unknown",
            citation=meta.get("citation") or "",
            source_programme=meta.get("programme") or PROGRAMME,
            protocol=meta.get("protocol") or "as described by the publisher",
        )

    # -- reading -----------------------------------------------------------------------------------------
    def _open(self, info: Sniff, report: ValidationReport):
        if info.kind in ("xlsx", "xls"):
            from litterhub.ingest.sheets import SheetError, open_sheet

            try:
                names, batches = open_sheet(info, self.mapping.sheet if self.mapping else None)
            except SheetError as exc:
                report.fail("litter-sheet-error", str(exc), line=1)
                return None
            return names, batches, []
        if info.kind != "text":
            report.fail("format-error", f"{info.path.name} is a {info.kind} file, not a CSV or spreadsheet", line=1)
            return None
        return open_table(info)

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        m = self.mapping
        if m is None:
            report.fail("litter-mapping-error", "the generic format needs a mapping file: propose one with "
                        "`litterhub mapping draft FILE --out mapping.yaml`, check it, then ingest with "
                        "`--format generic --mapping mapping.yaml`", line=1)
            return
        opened = self._open(info, report)
        if opened is None:
            return
        names, batches, rejected = opened
        try:
            m.check_against(names)
        except MappingError as exc:
            report.fail("litter-mapping-error", str(exc), line=1)
            return
        report.notes.append(f"generic mapping: {m.layout} layout, item scheme {m.scheme!r}, dates {m.date_format!r}, "
                            f"blank item cells mean {m.blank!r}, units {m.units}")
        fingerprints = RowFingerprints()
        if m.layout == "wide":
            items = [ItemColumn(c, m.scheme, m.item_codes.get(c, c), name=c) for c in m.items_for(names)]
            ids = KeyCounter()
            for batch, lines in batches:
                yield self._wide(batch, lines, names, items, fingerprints, ids, report)
        else:
            if info.size > MAX_LONG_BYTES:
                report.fail("litter-too-large", f"long-layout files are grouped in memory; this one is larger than "
                            f"{MAX_LONG_BYTES >> 20} MiB: split it or use the wide layout", line=1)
                return
            parts = list(batches)
            if parts:
                batch = pa.Table.from_batches([b for b, _ in parts]).combine_chunks()
                lines = np.concatenate([ln for _, ln in parts])
                yield self._long(batch, lines, names, fingerprints, report)
        report_bad_records(rejected, report)

    # -- shared event fields -----------------------------------------------------------------------------
    def _event_fields(self, batch, lines: np.ndarray, report: ValidationReport) -> tuple[np.ndarray, dict]:
        """Validate and convert the mapped event columns of a batch; returns (bad rows, parsed fields)."""
        m = self.mapping
        ev = m.event
        date_text = pc.utf8_trim_whitespace(batch.column(ev["date"]))
        if m.date_format == "%Y-%m-%d":
            date_text = pc.utf8_slice_codeunits(date_text, 0, 10)  # spreadsheet datetimes come as ISO with time
        dates = parse_date_strict(date_text, m.date_format)
        flag_cells(report, dates.invalid | dates.blank, lines, ev["date"], "type-error", batch.column(ev["date"]),
                   "date {!r} does not match the mapping's date_format " + repr(m.date_format))
        fut = future_dates(report, dates.values, lines, batch, ev["date"])
        bad = dates.invalid | dates.blank | fut

        def num(key: str, factor: float = 1.0) -> np.ndarray:
            if key not in ev:
                return np.full(batch.num_rows, np.nan)
            parsed = number(batch, ev[key], lines, report, decimal_comma=m.decimal_comma, what=key)
            return parsed.values * factor

        lat, lon = num("lat"), num("lon")
        oor = out_of_range(lat, lon)
        if "lat" in ev:
            flag_cells(report, oor, lines, ev["lat"], "litter-coordinates-out-of-range", batch.column(ev["lat"]),
                       "latitude/longitude out of range (latitude {!r})")
        bad |= oor
        null_island = near_null_island(lat, lon)
        if "lat" in ev:
            report.add_many("litter-coordinates-suspect", lines[null_island & ~bad], ev["lat"],
                            "coordinates near (0, 0): site location left empty")
        lat = np.where(null_island, np.nan, lat)
        lon = np.where(null_island, np.nan, lon)
        fields = {
            "date": dates.values, "lat": lat, "lon": lon,
            "length": num("length", m.factor("length")), "width": num("width", m.factor("length")),
            "area": num("area", m.factor("area")), "volume": num("volume", m.factor("volume")),
            "duration": num("duration"), "people": num("people"), "total": num("total"),
        }
        return bad, fields

    def _site_and_events(self, sub, keep: np.ndarray, fields: dict, event_keys: pa.Array, kept_lines: np.ndarray,
                         total: np.ndarray, report: ValidationReport, mass: np.ndarray | None = None
                         ) -> tuple[pa.Table, pa.Table]:
        m = self.mapping
        ev = m.event
        k = sub.num_rows
        lat, lon = fields["lat"][keep], fields["lon"][keep]
        coords = pc.binary_join_element_wise(pc.fill_null(pc.cast(pc.round(floats(lat), 4), pa.string()), "?"),
                                             pc.fill_null(pc.cast(pc.round(floats(lon), 4), pa.string()), "?"), ",")
        name = text_or_null(sub, ev["site_name"]) if "site_name" in ev else pa.nulls(k, pa.string())
        key = text_or_null(sub, ev["site"]) if "site" in ev else name
        key = pc.coalesce(key, coords)
        sid = site_ids(m.meta.get("programme") or PROGRAMME, key)
        if "country" in ev:
            country, unknown = column_to_alpha3(pc.fill_null(text_or_null(sub, ev["country"]), ""))
            for c in unknown:
                report.add("litter-unknown-country", f"country {c!r} not recognised", column=ev["country"])
        else:
            country = pa.nulls(k, pa.string())
        region = text_or_null(sub, ev["region"]) if "region" in ev else pa.nulls(k, pa.string())
        people = fields["people"][keep]
        events = pa.table({
            "source_event_id": event_keys, "site_id": sid,
            "event_date": pa.array(fields["date"][keep], pa.date32()),
            "event_type": const(k, m.event_type),
            "protocol": text_or_null(sub, ev["protocol"]) if "protocol" in ev else
            const(k, m.meta.get("protocol") or "as described by the publisher"),
            "compartment": const(k, m.compartment), "quality_tier": const(k, m.quality_tier),
            "lat": floats(lat), "lon": floats(lon), "country": country, "region": region,
            "length_m": floats(fields["length"][keep]), "width_m": floats(fields["width"][keep]),
            "area_m2": floats(fields["area"][keep]), "volume_m3": floats(fields["volume"][keep]),
            "duration_min": floats(fields["duration"][keep]),
            "people": floats(np.where(np.isnan(people) | (np.abs(people) > 1e9), np.nan, people)).cast(
                pa.int32(), safe=False),
            "total_count": floats(total),
            "total_mass_kg": floats(mass) if mass is not None else pa.nulls(k, pa.float64()),
            "source_total": floats(fields["total"][keep]),
            "source_line": pa.array(kept_lines, pa.int64()),
        })
        sites = sites_table(sid, pc.coalesce(name, key), None, m.meta.get("programme") or PROGRAMME, key,
                            lat=floats(lat), lon=floats(lon), country=country, region=region,
                            compartment=const(k, m.compartment))
        return events, sites

    # -- wide ----------------------------------------------------------------------------------------------
    def _wide(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], items: list[ItemColumn],
              fingerprints: RowFingerprints, ids: KeyCounter, report: ValidationReport) -> AdapterBatch:
        m = self.mapping
        dup = duplicate_rows(fingerprints, batch, names, lines, report)
        bad, fields = self._event_fields(batch, lines, report)
        bad |= dup
        item_batch = batch
        if m.decimal_comma:
            cols = {it.column for it in items}
            item_batch = pa.RecordBatch.from_arrays(
                [pc.replace_substring(batch.column(c), ",", ".") if c in cols else batch.column(c) for c in names],
                names=names)
        matrix = parse_items(item_batch, items, lines, report)
        bad |= matrix.bad_row
        if "id" in m.event:
            bad = reject_repeated_ids(pc.utf8_trim_whitespace(batch.column(m.event["id"])), bad, ids, lines, report,
                                      m.event["id"])
        keep = kept_rows(bad, report)
        values = matrix.values[keep]
        if m.blank == "zero":
            values = np.nan_to_num(values, nan=0.0)
        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        if "id" in m.event:
            event_keys = pc.fill_null(text_or_null(sub, m.event["id"]), "")
            event_keys = pc.if_else(pc.equal(event_keys, ""), pc.cast(pa.array(kept_lines), pa.string()), event_keys)
        else:
            event_keys = pc.binary_join_element_wise(const(len(kept_lines), "line"),
                                                     pc.cast(pa.array(kept_lines), pa.string()), "-")
        total = totals(values, items)
        self._check_total(fields["total"][keep], total, kept_lines, report)
        events, sites = self._site_and_events(sub, keep, fields, event_keys, kept_lines, total, report)
        observations = unpivot(values, items, event_keys, kept_lines)
        return AdapterBatch(events, observations, sites)

    def _check_total(self, src: np.ndarray, total: np.ndarray, lines: np.ndarray, report: ValidationReport) -> None:
        if "total" not in self.mapping.event:
            return
        check_total(report, lines, src, total, self.mapping.event["total"])

    # -- long ----------------------------------------------------------------------------------------------
    def _long(self, batch: pa.Table, lines: np.ndarray, names: list[str], fingerprints: RowFingerprints,
              report: ValidationReport) -> AdapterBatch:
        """One row per event x item: validated rows, their observations, events grouped by event key."""
        m = self.mapping
        lg = m.long
        keep, fields, count, mass = self._long_rows(batch, lines, names, fingerprints, report)
        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        k = len(kept_lines)
        if "id" in m.event:
            key = pc.fill_null(text_or_null(sub, m.event["id"]), "?")
        else:
            site = m.event.get("site") or m.event.get("site_name")
            site_text = pc.fill_null(text_or_null(sub, site), "?") if site else const(k, "?")
            key = pc.binary_join_element_wise(site_text, pc.cast(pa.array(fields["date"][keep], pa.date32()),
                                                                 pa.string()), "/")
        observations = pa.table({
            "source_event_id": key, "source_scheme": const(k, m.scheme), "source_code": text_or_null(sub, lg["code"]),
            "source_name": text_or_null(sub, lg["name"]) if "name" in lg else pa.nulls(k, pa.string()),
            "count": floats(count[keep]), "mass_kg": floats(mass[keep]),
            "counts_toward_total": const(k, True, pa.bool_()), "source_line": pa.array(kept_lines, pa.int64()),
            "source_column": const(k, lg["count"]),
        })
        grouped = pa.table({"key": key, "line": pa.array(kept_lines, pa.int64()), "count": floats(count[keep]),
                            "mass": floats(mass[keep]), "idx": pa.array(np.arange(k))}) \
            .group_by("key").aggregate([("line", "min"), ("count", "sum"), ("mass", "sum"), ("idx", "min")])
        first = grouped.column("idx_min").combine_chunks().to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(keep)[first]
        pick = np.zeros(batch.num_rows, bool)
        pick[rows] = True
        order = np.argsort(rows)  # filter() keeps file order; line the group keys up with it
        g_keys = grouped.column("key").combine_chunks().take(pa.array(order))
        g_total = grouped.column("count_sum").combine_chunks().to_numpy(zero_copy_only=False)[order]
        g_mass = grouped.column("mass_sum").combine_chunks().to_numpy(zero_copy_only=False)[order]
        events, sites = self._site_and_events(batch.filter(pa.array(pick)), pick, dict(fields), g_keys,
                                              lines[pick], g_total, report, mass=g_mass)
        return AdapterBatch(events, observations, sites)

    def _long_rows(self, batch: pa.Table, lines: np.ndarray, names: list[str], fingerprints: RowFingerprints,
                   report: ValidationReport) -> tuple[np.ndarray, dict, np.ndarray, np.ndarray]:
        """Validate the rows: the kept mask, the event fields, and each row's count and mass (kg)."""
        m = self.mapping
        lg = m.long
        rows = batch.to_batches()[0] if batch.num_rows else pa.record_batch({})
        dup = duplicate_rows(fingerprints, rows, names, lines, report)
        bad, fields = self._event_fields(batch, lines, report)
        bad |= dup
        code = text_or_null(batch, lg["code"])
        no_code = pc.is_null(code).to_numpy(zero_copy_only=False)
        flag_cells(report, no_code, lines, lg["code"], "required-value", batch.column(lg["code"]), "no item code {!r}")
        count = number(batch, lg["count"], lines, report, decimal_comma=m.decimal_comma, what="count")
        count_values = np.where(count.blank & (m.blank == "zero"), 0.0, count.values)
        missing = np.isnan(count_values) & ~count.invalid
        flag_cells(report, missing, lines, lg["count"], "required-value", batch.column(lg["count"]), "no count {!r}")
        with np.errstate(invalid="ignore"):
            negative = count_values < 0
        flag_cells(report, negative, lines, lg["count"], "litter-negative-count", batch.column(lg["count"]),
                   "count {!r} is negative")
        bad |= no_code | count.invalid | missing | negative
        mass = number(batch, lg["mass"], lines, report, decimal_comma=m.decimal_comma, what="mass").values \
            * m.factor("mass") if "mass" in lg else np.full(batch.num_rows, np.nan)
        return kept_rows(bad, report), fields, count_values, mass


ADAPTER = GenericAdapter()
