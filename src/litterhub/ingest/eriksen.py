"""Global surface-trawl microplastic concentrations (Eriksen et al. 2023, `FinalMerge.csv`), and the
2014 raw table it grew from (`Eriksen.csv`).

Format facts (docs/formats-batch2.md): one row per tow; counts are published as pieces/km² and
masses as g/km². A pieces/km² value is a density, not a number of items, so it is stored as a
measurement: the event's `items_per_m2` (value / 10⁶, against the reference km² in `area_m2`) and each
observation's `items_per_km2`, with `count` and `total_count` empty and `counts_toward_total` false, so no
indicator can add it to item counts or rank it among items (analysis/comparability.py). Masses go against
the reference km² (`harmonize.concentration`); nothing is turned into pieces/m³ (the tow depth is not given).
`Mesh.Size` is in µm; 333-505 µm are nets, but
200000 and 4750 are the ">200 mm" and ">5 mm" classes of visual and large-debris surveys (the raw 2014
table says so), so they become lower size limits, flagged. R writes `NA`; the 2014 table has
thousands separators inside quoted numbers (`"1,816.80"`) and mesh sizes as text (`335um`, `>5mm`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.harmonize.concentration import KM2_IN_M2, grams_per_km2_to_kg
from litterhub.ingest.base import (
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
from litterhub.ingest.cells import future, out_of_range
from litterhub.ingest.columns import blank_no_data, const, floats, number, reject_repeated_ids, text_or_null
from litterhub.ingest.dates import from_parts
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.textio import Sniff, open_table

PROGRAMME = "Eriksen et al. 2023 global surface trawls"
SCHEME = "eriksen-trawl"
NET_MESH_UM = (20.0, 2000.0)  # plausible plankton/manta/neuston meshes


@dataclass(frozen=True)
class Layout:
    """Where one of the two table layouts keeps each fact."""

    name: str
    signature: frozenset[str]
    total: str
    mass: str
    mesh: str
    day: str = "Day"
    month: str = "Month"
    year: str = "Year"
    source: str = "Source"
    lat: str = "Latitude"
    lon: str = "Longitude"
    event_id: str | None = None
    breakdown: tuple[tuple[str, str], ...] = ()  # (column, size class) sub-totals, not added to totals


FINAL_MERGE = Layout(
    "FinalMerge", frozenset({"X..km2", "Total.Wieght..g..km.2", "Mesh.Size", "Latitude", "Longitude", "Year"}),
    total="X..km2", mass="Total.Wieght..g..km.2", mesh="Mesh.Size", event_id="column_1",
    breakdown=(("Microplastics...km.2", "micro"), ("Macroplastics....km.2", "macro")),
)
RAW_2014 = Layout(
    "Eriksen 2014", frozenset({"Total pieces/km^2", "Mesh Size", "Latitude", "Longitude", "Year", "Total Weight"}),
    total="Total pieces/km^2", mass="Total Weight", mesh="Mesh Size", event_id="INFO",
    breakdown=(("Count/km^2 .335-.999 mm", "micro"), ("Count/km^2 1.00-4.75 mm", "micro"),
               ("Count/km^2 4.75-200 mm", "meso"), ("Count/km^2 >200 mm", "macro")),
)
SEA_EDUCATION = Layout(
    "Sea Education Association (SEAEd1)",
    frozenset({"Latitude (N)", "Longitude (E)", "Debris density (#/km2)", "Year", "Tow Length (m)"}),
    total="Debris density (#/km2)", mass="Total Wieght (g)/km^2", mesh="Mesh Size", lat="Latitude (N)",
    lon="Longitude (E)", breakdown=(("Pieces<5mm/km^2", "micro"), ("Pieces>5mm/km^2", "meso")),
)
LAYOUTS = (FINAL_MERGE, RAW_2014, SEA_EDUCATION)


def _layout(header: list[str]) -> Layout | None:
    names = set(header)
    return next((lay for lay in LAYOUTS if lay.signature <= names), None)


class EriksenTrawls:
    name = "eriksen"
    title = "Surface-trawl microplastics, pieces/km² and g/km² (Eriksen et al. 2023 / 2014)"
    priority = 50
    effort_expected = True

    def detect(self, info: Sniff) -> str | None:
        if info.kind != "text":
            return None
        lay = _layout(info.header)
        if lay is None:
            return None
        return f"columns {', '.join(sorted(lay.signature))} are the {lay.name} surface-trawl layout"

    def defaults(self, filename: str) -> DatasetDefaults:
        return DatasetDefaults(
            title=f"Global surface-trawl plastic concentrations ({Path(filename).name})",
            description="Floating plastic counts (pieces/km²) and masses (g/km²) from manta and neuston net tows "
            "1971-2019, compiled by Eriksen et al. (2023); each tow cites its contributing study.",
            publisher="5 Gyres Institute / Eriksen et al.",
            licence="CC-BY-4.0",
            citation="Eriksen, M. et al. (2023). A growing plastic smog, now estimated to be over 170 trillion "
            "plastic particles afloat in the world's oceans. PLOS ONE 18(3): e0281596.",
            source_programme=PROGRAMME,
            protocol="surface trawl (manta / neuston net), as per the contributing study",
        )

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        lay = _layout(info.header)
        if lay is None:
            report.fail("missing-label", "not a surface-trawl table: expected X..km2, Total.Wieght..g..km.2, "
                        "Mesh.Size, Latitude, Longitude, Year (FinalMerge) or the Eriksen 2014 columns", line=1)
            return
        names, batches, rejected = open_table(info)
        fingerprints = RowFingerprints()
        report.notes.append(f"{lay.name} layout: counts in pieces/km² and masses in g/km², stored per reference "
                            "km² (area_m2 = 1,000,000); not converted to pieces/m³ (tow depth not given)")
        if lay is SEA_EDUCATION:
            report.notes.append("SEA densities are 'Not Adjusted' (no wind-mixing correction), as the file says")
        ids = KeyCounter()
        for batch, lines in batches:
            yield self._batch(batch, lines, lay, names, fingerprints, ids, report)
        report_bad_records(rejected, report)

    def _batch(self, batch: pa.RecordBatch, lines: np.ndarray, lay: Layout, names: list[str],
               fingerprints: RowFingerprints, ids: KeyCounter, report: ValidationReport) -> AdapterBatch:
        bad = duplicate_rows(fingerprints, batch, names, lines, report)

        year = number(batch, lay.year, lines, report, what="year")
        month = number(batch, lay.month, lines, report, what="month")
        day = number(batch, lay.day, lines, report, what="day")
        no_day = day.blank & ~year.blank & ~month.blank
        dates, invalid = from_parts(year.values, month.values, np.where(no_day, 1.0, day.values))
        flag_cells(report, invalid, lines, lay.year, "type-error", batch.column(lay.year),
                   "year {!r} with its month and day is not a valid date")
        report.add_many("litter-date-partial", lines[no_day & ~invalid], lay.day,
                        "day not given: the date is the first of the month")
        fut = future(dates)
        flag_cells(report, fut, lines, lay.year, "litter-future-date", batch.column(lay.year),
                   "year {!r}: the date lies in the future")
        bad |= invalid | fut | year.invalid | month.invalid | day.invalid

        lat = number(batch, lay.lat, lines, report, what="latitude")
        lon = number(batch, lay.lon, lines, report, what="longitude")
        oor = out_of_range(lat.values, lon.values)
        flag_cells(report, oor, lines, lay.lat, "litter-coordinates-out-of-range", batch.column(lay.lat),
                   "latitude/longitude out of range (latitude {!r})")
        missing_xy = lat.blank | lon.blank
        flag_cells(report, missing_xy & ~oor, lines, lay.lat, "required-value", batch.column(lay.lat),
                   "tow position missing (latitude {!r})")
        bad |= oor | missing_xy | lat.invalid | lon.invalid

        total = number(batch, lay.total, lines, report, thousands=True, what="pieces/km²")
        flag_cells(report, total.blank, lines, lay.total, "required-value", batch.column(lay.total),
                   "no pieces/km² value ({!r})")
        with np.errstate(invalid="ignore"):
            negative = total.values < 0
        flag_cells(report, negative, lines, lay.total, "litter-negative-count", batch.column(lay.total),
                   "pieces/km² {!r} is negative")
        bad |= total.blank | total.invalid | negative
        mass = number(batch, lay.mass, lines, report, thousands=True, what="g/km²")

        mesh_um, suspect = self._mesh(batch, lay, lines, report)
        if lay is FINAL_MERGE and lay.event_id in names:
            bad = reject_repeated_ids(pc.utf8_trim_whitespace(batch.column(lay.event_id)), bad, ids, lines, report,
                                      lay.event_id)
        keep = kept_rows(bad, report)
        k = int(keep.sum())
        sub = batch.filter(pa.array(keep))
        kept_lines = lines[keep]
        lat_k, lon_k = lat.values[keep], lon.values[keep]
        if lay.event_id and lay.event_id in names:
            event_keys = pc.utf8_trim_whitespace(sub.column(lay.event_id))
            event_keys = pc.if_else(pc.equal(event_keys, ""), pc.cast(pa.array(kept_lines), pa.string()), event_keys)
        else:
            event_keys = pc.cast(pa.array(kept_lines), pa.string())
        event_keys = pc.binary_join_element_wise(const(k, "line"), pc.cast(pa.array(kept_lines), pa.string()), "-") \
            if lay is not FINAL_MERGE else event_keys
        site_key = pc.binary_join_element_wise(pc.cast(pc.round(floats(lat_k), 2), pa.string()),
                                               pc.cast(pc.round(floats(lon_k), 2), pa.string()), ",")
        sid = site_ids(PROGRAMME, site_key)
        mesh_k, suspect_k = mesh_um[keep], suspect[keep]
        per_km2 = total.values[keep]
        mass_kg = grams_per_km2_to_kg(mass.values[keep])
        offsets = np.concatenate(([0], np.cumsum(suspect_k))).astype(np.int32)
        flags = pa.ListArray.from_arrays(pa.array(offsets), const(int(suspect_k.sum()), "litter-mesh-suspect"))
        source = text_or_null(sub, lay.source)
        events = pa.table({
            "source_event_id": event_keys,
            "survey_group": source,
            "site_id": sid,
            "event_date": pa.array(dates[keep], pa.date32()),
            "event_type": const(k, "sampling"),
            "protocol": const(k, "surface trawl (manta / neuston net)"),
            "compartment": const(k, "surface-water"),
            "quality_tier": const(k, "accredited-monitoring"),
            "lat": floats(lat_k),
            "lon": floats(lon_k),
            "area_m2": floats(np.full(k, KM2_IN_M2)),
            "lower_size_um": floats(np.where(suspect_k, mesh_k, np.where(np.isnan(mesh_k), np.nan, mesh_k))),
            "mesh_um": floats(np.where(suspect_k, np.nan, mesh_k)),
            "upper_size_um": floats(number(sub, "TopLim", kept_lines, ValidationReport()).values),
            "total_count": floats(np.full(k, np.nan)),  # a density has no item count
            "items_per_m2": floats(per_km2 / KM2_IN_M2),  # the published pieces/km² as a density per m²
            "total_mass_kg": floats(mass_kg),
            "source_total": floats(per_km2),
            "qc_flags": flags,
            "source_line": pa.array(kept_lines, pa.int64()),
        })
        obs = [pa.table({
            "source_event_id": event_keys, "source_scheme": const(k, SCHEME), "source_code": const(k, lay.total),
            "source_name": const(k, "plastic pieces per km²"), "count": floats(np.full(k, np.nan)),
            "items_per_km2": floats(per_km2), "mass_kg": floats(mass_kg),
            "counts_toward_total": const(k, False, pa.bool_()),
            "source_line": pa.array(kept_lines, pa.int64()), "source_column": const(k, lay.total),
        })]
        for column, size_class in lay.breakdown:
            if column not in names:
                continue
            part = number(sub, column, kept_lines, report, thousands=True, what="pieces/km²")
            has = ~np.isnan(part.values)
            if not has.any():
                continue
            idx = pa.array(np.flatnonzero(has))
            obs.append(pa.table({
                "source_event_id": event_keys.take(idx), "source_scheme": const(len(idx), SCHEME),
                "source_code": const(len(idx), column), "source_name": const(len(idx), column),
                "count": floats(np.full(len(idx), np.nan)), "items_per_km2": floats(part.values[has]),
                "size_class": const(len(idx), size_class),
                "counts_toward_total": const(len(idx), False, pa.bool_()),
                "source_line": pa.array(kept_lines[has], pa.int64()), "source_column": const(len(idx), column),
            }))
        observations = pa.concat_tables(obs, promote_options="default")
        sites = sites_table(sid, site_key, None, PROGRAMME, site_key, lat=floats(lat_k), lon=floats(lon_k),
                            compartment=const(k, "surface-water"))
        return AdapterBatch(events, observations, sites)

    @staticmethod
    def _mesh(batch: pa.RecordBatch, lay: Layout, lines: np.ndarray, report: ValidationReport
              ) -> tuple[np.ndarray, np.ndarray]:
        """Mesh in µm; values outside net meshes (e.g. 200000, 4750, '>200mm') are lower size limits, flagged."""
        if lay.mesh not in batch.schema.names:
            return np.full(batch.num_rows, np.nan), np.zeros(batch.num_rows, bool)
        text = blank_no_data(batch.column(lay.mesh))
        value = pc.extract_regex(text, r"^>?\s*(?P<v>[0-9.]+(?:[eE][+-]?[0-9]+)?)\s*(?P<u>um|µm|mm)?$")
        v = pc.cast(pc.struct_field(value, "v"), pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        unit = pc.fill_null(pc.struct_field(value, "u"), "").to_numpy(zero_copy_only=False)
        v = np.where(unit == "mm", v * 1000.0, v).astype(float)
        unreadable = ~pc.equal(text, "").to_numpy(zero_copy_only=False) & np.isnan(v)
        flag_cells(report, unreadable, lines, lay.mesh, "litter-mesh-suspect", batch.column(lay.mesh),
                   "mesh size {!r} is not readable: left empty")
        with np.errstate(invalid="ignore"):
            suspect = ~np.isnan(v) & ((v < NET_MESH_UM[0]) | (v > NET_MESH_UM[1]))
        flag_cells(report, suspect, lines, lay.mesh, "litter-mesh-suspect", batch.column(lay.mesh),
                   "mesh size {!r} (µm) is not a net mesh (the 2014 table calls these '>5mm' / '>200mm' classes): "
                   "kept as the lower size limit, mesh left empty")
        return v, suspect


ADAPTER = EriksenTrawls()
