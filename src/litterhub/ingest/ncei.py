"""NOAA NCEI Marine Microplastics export: one row per sample, a concentration and its unit.

Format facts (docs/formats.md): `Measurement` is already a concentration whose unit is in
`Unit` — `pieces/m3` (surface nets), `pieces kg-1 d.w.` (sediment) and `pieces/10 mins` (hand
picking) are mixed in one column in the full database, so every row's unit is checked and rows in a
unit the hub cannot place are rejected, never mixed. `Date` is `M/D/YYYY 12:00:00 AM`. `x`/`y`
repeat longitude/latitude. The concentration is stored as a measurement, never as an item count: the
event's `concentration` and `concentration_unit` (pieces/km² also as `items_per_m2`, like the trawls), with
`total_count` and the observation's `count` empty and `counts_toward_total` false; the effort column holds one
reference unit only to name the unit family (`harmonize.concentration`), and nothing is converted between
areal and volumetric units.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.harmonize.concentration import KM2_IN_M2, reference_effort
from litterhub.ingest.base import DatasetDefaults
from litterhub.ingest.cells import out_of_range
from litterhub.ingest.columns import floats, reject_repeated_ids, text_or_null
from litterhub.ingest.dates import us_datetime_dates
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import DateColumn, FileState, Rows, Survey, TabularAdapter
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemMatrix

SIGNATURE = {"OBJECTID", "Measurement", "Unit", "Density Class", "Sampling Method"}
PROGRAMME = "NOAA NCEI Marine Microplastics"
SCHEME = "ncei-microplastics"
EFFORT_COLUMNS = ("volume_m3", "area_m2", "dry_mass_kg", "duration_min")


@dataclass
class _State(FileState):
    units: Counter = field(default_factory=Counter)  # accepted rows per unit, for the report's note


KM2_UNIT = "particles/km2"  # the one unit that is also an areal density (event items_per_m2, like the trawls)


def _hub_units(units: pa.Array) -> np.ndarray:
    """The hub's name of each row's unit (`harmonize.concentration`); rows reach here only with a placed unit."""
    names = {u: reference_effort(u or "").unit for u in pc.unique(units).to_pylist()}
    return np.asarray([names[u] for u in units.to_pylist()], dtype=object)


class NCEIMicroplastics(TabularAdapter):
    name = "ncei"
    title = "NOAA NCEI Marine Microplastics export (one concentration per sample)"
    priority = 50
    programme = PROGRAMME
    about = DatasetDefaults(
        title="NCEI marine microplastics concentrations ({file})",
        description="Microplastic concentrations compiled from published studies by the NOAA National Centers "
        "for Environmental Information (one row per sample; unit per row).",
        publisher="NOAA National Centers for Environmental Information",
        licence="CC0-1.0",
        citation="Nyadjro, E.S. et al. (2023). The NOAA NCEI marine microplastics database. Scientific Data 10, "
        "726. Cite the per-row reference as well.",
        source_programme=PROGRAMME,
        protocol="as per the cited study (Sampling Method column)",
    )
    required = ("OBJECTID", "Measurement", "Unit", "Latitude", "Longitude", "Date")
    required_what = "NCEI"
    date = DateColumn("Date", "", "M/D/YYYY [h:mm:ss AM]", parser=us_datetime_dates)

    def detect(self, info: Sniff) -> str | None:
        if info.kind == "text" and SIGNATURE <= set(info.header):
            return "columns OBJECTID, Sampling Method, Measurement, Unit and Density Class are the NCEI " \
                   "Marine Microplastics layout"
        return None

    def start(self, names: list[str], report: ValidationReport) -> FileState:
        return _State(names, [])

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        lat = rows.parsed("Latitude", what="latitude")
        lon = rows.parsed("Longitude", what="longitude")
        rows.flag(out_of_range(lat.values, lon.values) & ~lat.invalid & ~lon.invalid, "Latitude",
                  "litter-coordinates-out-of-range", "latitude/longitude out of range (latitude {!r})")
        rows.bad |= lat.invalid | lon.invalid
        return lat.values, lon.values

    def measure(self, rows: Rows) -> dict[str, np.ndarray]:
        value = rows.parsed("Measurement", what="measurement")
        rows.flag(value.blank, "Measurement", "required-value", "no measurement ({!r})")
        with np.errstate(invalid="ignore"):
            rows.flag(value.values < 0, "Measurement", "constraint-error", "concentration {!r} is negative")
        rows.bad |= value.invalid
        return {"Measurement": value.values}

    def check(self, rows: Rows, state: FileState, matrix: ItemMatrix) -> None:
        """Rows in a unit the hub cannot place are rejected, never mixed; OBJECTID must be unique."""
        units = pc.utf8_trim_whitespace(rows.batch.column("Unit"))
        placeable = pa.array([u for u in pc.unique(units).to_pylist() if reference_effort(u or "") is not None],
                             pa.string())
        known = pc.fill_null(pc.is_in(units, value_set=placeable), False).to_numpy(zero_copy_only=False)
        rows.flag(~known, "Unit", "litter-unit-unknown",
                  "unit {!r} cannot be placed (expected pieces/m3, pieces kg-1 d.w. or pieces/10 mins)")
        rows.bad = reject_repeated_ids(pc.utf8_trim_whitespace(rows.batch.column("OBJECTID")), rows.bad, state.keys,
                                       rows.lines, rows.report, "OBJECTID")

    def site_key(self, s: Survey) -> pa.Array:
        return pc.fill_null(pc.binary_join_element_wise(pc.cast(pc.round(floats(s.lat), 4), pa.string()),
                                                        pc.cast(pc.round(floats(s.lon), 4), pa.string()), ","),
                            "unknown")

    def event_keys(self, s: Survey) -> pa.Array:
        return s.text("OBJECTID")  # unique: repeated ids were rejected (`check`)

    def columns(self, s: Survey) -> dict:
        """Each concentration against one reference unit of effort of its own unit (nothing converted)."""
        units = s.text("Unit")
        s.state.units.update(units.to_pylist())
        effort = {c: np.full(len(s), np.nan) for c in EFFORT_COLUMNS}
        compartment = np.full(len(s), "surface-water", dtype=object)
        unit_np = np.asarray(units.to_pylist(), dtype=object)
        for u in pc.unique(units).to_pylist():
            eff = reference_effort(u or "")
            effort[eff.effort_column][unit_np == u] = eff.effort_value
            compartment[unit_np == u] = eff.compartment_hint
        conc, hub_units = floats(s.numbers["Measurement"]), _hub_units(units)
        return {
            "event_type": s.const("sampling"), "protocol": text_or_null(s.rows, "Sampling Method"),
            "compartment": pa.array(compartment.tolist(), pa.string()),
            "quality_tier": s.const("accredited-monitoring"),
            "region": pc.coalesce(text_or_null(s.rows, "Regions"), text_or_null(s.rows, "Oceans")),
            **{c: floats(v) for c, v in effort.items()},
            # a concentration is a measurement, never an item count (analysis/comparability.py COUNTED_SQL)
            "total_count": floats(np.full(len(s), np.nan)), "concentration": conc,
            "concentration_unit": pa.array(hub_units.tolist(), pa.string()),
            "items_per_m2": floats(np.where(hub_units == KM2_UNIT, conc.to_numpy(zero_copy_only=False) / KM2_IN_M2,
                                            np.nan)),
        }

    def observations(self, s: Survey) -> pa.Table:
        return pa.table({
            "source_event_id": s.event_keys, "source_scheme": s.const(SCHEME), "source_code": s.const("Measurement"),
            "source_name": pc.binary_join_element_wise(s.const("microplastics"), s.text("Unit"), " per "),
            "count": floats(np.full(len(s), np.nan)), "size_class": s.const("micro"),
            "items_per_km2": floats(np.where(_hub_units(s.text("Unit")) == KM2_UNIT,
                                             floats(s.numbers["Measurement"]).to_numpy(zero_copy_only=False), np.nan)),
            "counts_toward_total": s.const(False, pa.bool_()), "source_line": pa.array(s.lines, pa.int64()),
            "source_column": s.const("Measurement"),
        })

    def finish(self, state: _State, report: ValidationReport) -> None:
        if state.units:
            report.notes.append("Unit column: " + ", ".join(f"{n} row(s) in {u!r}" for u, n in
                                                            state.units.most_common())
                                + "; each concentration is stored against one reference unit of effort")


ADAPTER = NCEIMicroplastics()
