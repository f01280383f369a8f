"""NOAA NCEI Marine Microplastics export: one row per sample, a concentration and its unit.

Format facts (docs/formats-batch2.md): `Measurement` is already a concentration whose unit is in
`Unit` — `pieces/m3` (surface nets), `pieces kg-1 d.w.` (sediment) and `pieces/10 mins` (hand
picking) are mixed in one column in the full database, so every row's unit is checked and rows in a
unit the hub cannot place are rejected, never mixed. `Date` is `M/D/YYYY 12:00:00 AM`. `x`/`y`
repeat longitude/latitude. The concentration is stored against one reference unit of effort
(`harmonize.concentration`), so nothing is converted between areal and volumetric units.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.harmonize.concentration import reference_effort
from litterhub.ingest.base import (
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
from litterhub.ingest.cells import out_of_range
from litterhub.ingest.columns import const, floats, number, reject_repeated_ids, text_or_null
from litterhub.ingest.dates import us_datetime_dates
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table

REQUIRED = ["OBJECTID", "Measurement", "Unit", "Latitude", "Longitude", "Date"]
SIGNATURE = {"OBJECTID", "Measurement", "Unit", "Density Class", "Sampling Method"}
PROGRAMME = "NOAA NCEI Marine Microplastics"
SCHEME = "ncei-microplastics"


class NCEIMicroplastics:
    name = "ncei"
    title = "NOAA NCEI Marine Microplastics export (one concentration per sample)"
    priority = 50
    effort_expected = True

    def detect(self, info: Sniff) -> str | None:
        if info.kind == "text" and SIGNATURE <= set(info.header):
            return "columns OBJECTID, Sampling Method, Measurement, Unit and Density Class are the NCEI " \
                   "Marine Microplastics layout"
        return None

    def defaults(self, filename: str) -> DatasetDefaults:
        return DatasetDefaults(
            title=f"NCEI marine microplastics concentrations ({Path(filename).name})",
            description="Microplastic concentrations compiled from published studies by the NOAA National Centers "
            "for Environmental Information (one row per sample; unit per row).",
            publisher="NOAA National Centers for Environmental Information",
            licence="CC0-1.0",
            citation="Nyadjro, E.S. et al. (2023). The NOAA NCEI marine microplastics database. Scientific Data 10, "
            "726. Cite the per-row reference as well.",
            source_programme=PROGRAMME,
            protocol="as per the cited study (Sampling Method column)",
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        if missing_required(info, REQUIRED, "NCEI", report):
            return
        names, batches, rejected = open_table(info)
        fingerprints = RowFingerprints()
        units: Counter = Counter()
        ids = KeyCounter()
        for batch, lines in batches:
            yield self._batch(batch, lines, names, fingerprints, units, ids, report)
        report_bad_records(rejected, report)
        if units:
            report.notes.append("Unit column: " + ", ".join(f"{n} row(s) in {u!r}" for u, n in units.most_common())
                                + "; each concentration is stored against one reference unit of effort")

    def _batch(self, batch: pa.RecordBatch, lines: np.ndarray, names: list[str], fingerprints: RowFingerprints,
               units: Counter, ids: KeyCounter, report: ValidationReport) -> AdapterBatch:
        bad = duplicate_rows(fingerprints, batch, names, lines, report)

        dates = us_datetime_dates(batch.column("Date"))
        flag_cells(report, dates.invalid | dates.blank, lines, "Date", "type-error", batch.column("Date"),
                   "date {!r} is not M/D/YYYY [h:mm:ss AM]")
        bad |= dates.invalid | dates.blank
        fut = future_dates(report, dates.values, lines, batch, "Date")
        bad |= fut

        lat = number(batch, "Latitude", lines, report, what="latitude")
        lon = number(batch, "Longitude", lines, report, what="longitude")
        oor = out_of_range(lat.values, lon.values) | lat.invalid | lon.invalid
        flag_cells(report, oor & ~lat.invalid & ~lon.invalid, lines, "Latitude", "litter-coordinates-out-of-range",
                   batch.column("Latitude"), "latitude/longitude out of range (latitude {!r})")
        bad |= oor

        value = number(batch, "Measurement", lines, report, what="measurement")
        flag_cells(report, value.blank, lines, "Measurement", "required-value", batch.column("Measurement"),
                   "no measurement ({!r})")
        with np.errstate(invalid="ignore"):
            negative = value.values < 0
        flag_cells(report, negative, lines, "Measurement", "constraint-error", batch.column("Measurement"),
                   "concentration {!r} is negative")
        bad |= value.invalid | value.blank | negative

        unit_text = pc.utf8_trim_whitespace(batch.column("Unit"))
        distinct = pc.unique(unit_text).to_pylist()
        efforts = {u: reference_effort(u or "") for u in distinct}
        placeable = pa.array([u for u, e in efforts.items() if e is not None], pa.string())
        known = pc.fill_null(pc.is_in(unit_text, value_set=placeable), False).to_numpy(zero_copy_only=False)
        flag_cells(report, ~known, lines, "Unit", "litter-unit-unknown", batch.column("Unit"),
                   "unit {!r} cannot be placed (expected pieces/m3, pieces kg-1 d.w. or pieces/10 mins)")
        bad |= ~known
        bad = reject_repeated_ids(pc.utf8_trim_whitespace(batch.column("OBJECTID")), bad, ids, lines, report,
                                  "OBJECTID")
        keep = kept_rows(bad, report)

        sub = batch.filter(pa.array(keep))
        k = int(keep.sum())
        sub_units = unit_text.filter(pa.array(keep))
        units.update(sub_units.to_pylist())
        effort_cols = {c: np.full(k, np.nan) for c in ("volume_m3", "area_m2", "dry_mass_kg", "duration_min")}
        compartment = np.full(k, "surface-water", dtype=object)
        unit_np = np.asarray(sub_units.to_pylist(), dtype=object)
        for u, eff in efforts.items():
            if eff is None:
                continue
            rows = unit_np == u
            effort_cols[eff.effort_column][rows] = eff.effort_value
            compartment[rows] = eff.compartment_hint
        lat_k, lon_k = lat.values[keep], lon.values[keep]
        site_key = pc.binary_join_element_wise(pc.cast(pc.round(floats(lat_k), 4), pa.string()),
                                               pc.cast(pc.round(floats(lon_k), 4), pa.string()), ",")
        site_key = pc.fill_null(site_key, "unknown")
        sid = site_ids(PROGRAMME, site_key)
        event_keys = pc.utf8_trim_whitespace(sub.column("OBJECTID"))
        kept_lines = lines[keep]
        region = text_or_null(sub, "Regions")
        region = pc.coalesce(region, text_or_null(sub, "Oceans"))
        conc = value.values[keep]
        events = pa.table({
            "source_event_id": event_keys,
            "site_id": sid,
            "event_date": pa.array(dates.values[keep], pa.date32()),
            "event_type": const(k, "sampling"),
            "protocol": text_or_null(sub, "Sampling Method"),
            "compartment": pa.array(compartment.tolist(), pa.string()),
            "quality_tier": const(k, "accredited-monitoring"),
            "lat": floats(lat_k),
            "lon": floats(lon_k),
            "region": region,
            **{c: floats(v) for c, v in effort_cols.items()},
            "total_count": floats(conc),
            "source_total": floats(conc),
            "source_line": pa.array(kept_lines, pa.int64()),
        })
        observations = pa.table({
            "source_event_id": event_keys,
            "source_scheme": const(k, SCHEME),
            "source_code": const(k, "Measurement"),
            "source_name": pc.binary_join_element_wise(const(k, "microplastics"), sub_units, " per "),
            "count": floats(conc),
            "size_class": const(k, "micro"),
            "counts_toward_total": const(k, True, pa.bool_()),
            "source_line": pa.array(kept_lines, pa.int64()),
            "source_column": const(k, "Measurement"),
        })
        sites = sites_table(sid, site_key, events, PROGRAMME, site_key, lat=floats(lat_k), lon=floats(lon_k),
                            country=None, region=region)
        return AdapterBatch(events, observations, sites)


ADAPTER = NCEIMicroplastics()
