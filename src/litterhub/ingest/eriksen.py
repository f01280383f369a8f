"""Global surface-trawl microplastic concentrations (Eriksen et al. 2023, `FinalMerge.csv`), and the
2014 raw table it grew from (`Eriksen.csv`).

Format facts (docs/formats.md): one row per tow; counts are published as pieces/km² and
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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from litterhub.harmonize.concentration import KM2_IN_M2, grams_per_km2_to_kg
from litterhub.ingest.base import AdapterBatch, DatasetDefaults, flag_cells
from litterhub.ingest.cells import future, out_of_range
from litterhub.ingest.columns import blank_no_data, const, floats, number, reject_repeated_ids, text_or_null
from litterhub.ingest.dates import from_parts
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import FileState, Rows, Survey, TabularAdapter
from litterhub.ingest.textio import Sniff
from litterhub.ingest.wide import ItemMatrix

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


@dataclass
class _State(FileState):
    layout: Layout = FINAL_MERGE


class EriksenTrawls(TabularAdapter):
    name = "eriksen"
    title = "Surface-trawl microplastics, pieces/km² and g/km² (Eriksen et al. 2023 / 2014)"
    priority = 50
    programme = PROGRAMME
    about = DatasetDefaults(
        title="Global surface-trawl plastic concentrations ({file})",
        description="Floating plastic counts (pieces/km²) and masses (g/km²) from manta and neuston net tows "
        "1971-2019, compiled by Eriksen et al. (2023); each tow cites its contributing study.",
        publisher="5 Gyres Institute / Eriksen et al.",
        licence="CC-BY-4.0",
        citation="Eriksen, M. et al. (2023). A growing plastic smog, now estimated to be over 170 trillion "
        "plastic particles afloat in the world's oceans. PLOS ONE 18(3): e0281596.",
        source_programme=PROGRAMME,
        protocol="surface trawl (manta / neuston net), as per the contributing study",
    )

    def detect(self, info: Sniff) -> str | None:
        lay = _layout(info.header) if info.kind == "text" else None
        return None if lay is None else f"columns {', '.join(sorted(lay.signature))} are the {lay.name} " \
            "surface-trawl layout"

    def read(self, info: Sniff, report: ValidationReport) -> Iterator[AdapterBatch]:
        lay = _layout(info.header)
        if lay is None:
            report.fail("missing-label", "not a surface-trawl table: expected X..km2, Total.Wieght..g..km.2, "
                        "Mesh.Size, Latitude, Longitude, Year (FinalMerge) or the Eriksen 2014 columns", line=1)
            return
        report.notes.append(f"{lay.name} layout: counts in pieces/km² and masses in g/km², stored per reference "
                            "km² (area_m2 = 1,000,000); not converted to pieces/m³ (tow depth not given)")
        if lay is SEA_EDUCATION:
            report.notes.append("SEA densities are 'Not Adjusted' (no wind-mixing correction), as the file says")
        yield from super().read(info, report)

    def start(self, names: list[str], report: ValidationReport) -> FileState:
        return _State(names, [], layout=_layout(names))

    def dates(self, rows: Rows, state: _State) -> np.ndarray:
        """Year, month and day columns; a missing day is the first of the month (reported as partial)."""
        lay = state.layout
        year, month, day = (rows.parsed(c, what=w) for c, w in ((lay.year, "year"), (lay.month, "month"),
                                                                 (lay.day, "day")))
        no_day = day.blank & ~year.blank & ~month.blank
        dates, invalid = from_parts(year.values, month.values, np.where(no_day, 1.0, day.values))
        rows.flag(invalid, lay.year, "type-error", "year {!r} with its month and day is not a valid date")
        rows.report.add_many("litter-date-partial", rows.lines[no_day & ~invalid], lay.day,
                             "day not given: the date is the first of the month")
        rows.flag(future(dates), lay.year, "litter-future-date", "year {!r}: the date lies in the future")
        rows.bad |= year.invalid | month.invalid | day.invalid
        return dates

    def coordinates(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        lay = _layout(rows.batch.schema.names)
        lat, lon = rows.parsed(lay.lat, what="latitude"), rows.parsed(lay.lon, what="longitude")
        oor = rows.flag(out_of_range(lat.values, lon.values), lay.lat, "litter-coordinates-out-of-range",
                        "latitude/longitude out of range (latitude {!r})")
        rows.flag((lat.blank | lon.blank) & ~oor, lay.lat, "required-value", "tow position missing (latitude {!r})")
        rows.bad |= lat.blank | lon.blank | lat.invalid | lon.invalid
        return lat.values, lon.values

    def measure(self, rows: Rows) -> dict[str, np.ndarray]:
        lay = _layout(rows.batch.schema.names)
        total = rows.parsed(lay.total, thousands=True, what="pieces/km²")
        rows.flag(total.blank, lay.total, "required-value", "no pieces/km² value ({!r})")
        with np.errstate(invalid="ignore"):
            rows.flag(total.values < 0, lay.total, "litter-negative-count", "pieces/km² {!r} is negative")
        rows.bad |= total.invalid
        mass = rows.parsed(lay.mass, thousands=True, what="g/km²")
        mesh, suspect = self._mesh(rows.batch, lay, rows.lines, rows.report)
        return {"total": total.values, "mass": mass.values, "mesh": mesh, "suspect": suspect}

    def check(self, rows: Rows, state: _State, matrix: ItemMatrix) -> None:
        lay = state.layout
        if lay is FINAL_MERGE and lay.event_id in state.names:
            rows.bad = reject_repeated_ids(pc.utf8_trim_whitespace(rows.batch.column(lay.event_id)), rows.bad,
                                           state.keys, rows.lines, rows.report, lay.event_id)

    def site_key(self, s: Survey) -> pa.Array:
        return pc.binary_join_element_wise(pc.cast(pc.round(floats(s.lat), 2), pa.string()),
                                           pc.cast(pc.round(floats(s.lon), 2), pa.string()), ",")

    def event_keys(self, s: Survey) -> pa.Array:
        """FinalMerge's own row id (unique: repeats were rejected), else `line-<n>`."""
        lines = pc.cast(pa.array(s.lines), pa.string())
        if s.state.layout is not FINAL_MERGE:
            return pc.binary_join_element_wise(s.const("line"), lines, "-")
        if not s.has(s.state.layout.event_id):
            return lines
        ids = s.text(s.state.layout.event_id)
        return pc.if_else(pc.equal(ids, ""), lines, ids)

    def columns(self, s: Survey) -> dict:
        n = s.numbers
        mesh, suspect = n["mesh"], n["suspect"]
        offsets = np.concatenate(([0], np.cumsum(suspect))).astype(np.int32)
        return {
            "survey_group": text_or_null(s.rows, s.state.layout.source), "event_type": s.const("sampling"),
            "protocol": s.const("surface trawl (manta / neuston net)"), "compartment": s.const("surface-water"),
            "quality_tier": s.const("accredited-monitoring"), "area_m2": floats(np.full(len(s), KM2_IN_M2)),
            "lower_size_um": floats(mesh), "mesh_um": floats(np.where(suspect, np.nan, mesh)),
            "upper_size_um": floats(number(s.rows, "TopLim", s.lines, s.report, what="upper size limit").values),
            "total_count": floats(np.full(len(s), np.nan)),  # a density has no item count
            "items_per_m2": floats(n["total"] / KM2_IN_M2),  # the published pieces/km² as a density per m²
            "total_mass_kg": floats(grams_per_km2_to_kg(n["mass"])), "source_total": floats(n["total"]),
            "qc_flags": pa.ListArray.from_arrays(pa.array(offsets), const(int(suspect.sum()), "litter-mesh-suspect")),
        }

    def observations(self, s: Survey) -> pa.Table:
        """The published total, and the size-class sub-totals that do not add to it."""
        lay = s.state.layout
        obs = [_densities(s.event_keys, s.lines, lay.total, "plastic pieces per km²", s.numbers["total"], None,
                          mass_kg=floats(grams_per_km2_to_kg(s.numbers["mass"])))]
        for column, size_class in lay.breakdown:
            if s.has(column):
                part = number(s.rows, column, s.lines, s.report, thousands=True, what="pieces/km²").values
                has = ~np.isnan(part)
                if has.any():
                    idx = pa.array(np.flatnonzero(has))
                    obs.append(_densities(s.event_keys.take(idx), s.lines[has], column, column, part[has], size_class))
        return pa.concat_tables(obs, promote_options="default")

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


def _densities(keys: pa.Array, lines: np.ndarray, column: str, name: str, per_km2: np.ndarray,
               size_class: str | None, **extra: pa.Array) -> pa.Table:
    """Observation rows holding a published pieces/km² (no item count; not added to the event's total)."""
    k = len(lines)
    cols = {"source_event_id": keys, "source_scheme": const(k, SCHEME), "source_code": const(k, column),
            "source_name": const(k, name), "count": floats(np.full(k, np.nan)), "items_per_km2": floats(per_km2),
            **extra}
    if size_class is not None:
        cols["size_class"] = const(k, size_class)
    cols.update(counts_toward_total=const(k, False, pa.bool_()), source_line=pa.array(lines, pa.int64()),
                source_column=const(k, column))
    return pa.table(cols)


ADAPTER = EriksenTrawls()
