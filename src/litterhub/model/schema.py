"""The canonical observation model as Arrow schemas: the one definition of every lake field and its unit.

Adapters produce tables with exactly these schemas, the lake stores them as Parquet, and every
query reads them back. Units travel in the field metadata (`unit`), so a column never changes unit
silently; densities are derived by `harmonize/`, never typed in.
"""

from __future__ import annotations

import pyarrow as pa

FLAGS = pa.list_(pa.string())


def _f(name: str, type_: pa.DataType, unit: str | None = None, doc: str = "", nullable: bool = True) -> pa.Field:
    meta = {"doc": doc}
    if unit:
        meta["unit"] = unit
    return pa.field(name, type_, nullable=nullable, metadata=meta)


EVENT_SCHEMA = pa.schema(
    [
        _f("event_id", pa.string(), doc="stable id of the sampling event within the hub", nullable=False),
        _f("dataset_id", pa.string(), nullable=False),
        _f("version", pa.int32(), nullable=False),
        _f("site_id", pa.string(), doc="site the event took place at"),
        _f("source_event_id", pa.string(), doc="the source's own survey/transect/tow id, verbatim"),
        _f("survey_group", pa.string(), doc="groups the transects of one survey (MDMAP) or parts of a haul"),
        _f("event_date", pa.date32(), doc="date of the survey (UTC calendar date)"),
        _f("start_time", pa.string(), doc="local start time as given (hh:mm)"),
        _f("event_type", pa.string(), doc="monitoring | cleanup | sampling"),
        _f("protocol", pa.string(), doc="protocol followed, e.g. 'MSFD TG-ML 100 m', 'MDMAP 2.0'"),
        _f("compartment", pa.string(), doc="beach | riverbank | lakeshore | surface-water | seafloor | ..."),
        _f("quality_tier", pa.string(), doc="accredited-monitoring | trained-volunteers | citizen-science"),
        _f("lat", pa.float64(), "degree", "WGS84 latitude of the event (site centroid)"),
        _f("lon", pa.float64(), "degree", "WGS84 longitude of the event (site centroid)"),
        _f("country", pa.string(), doc="ISO 3166-1 alpha-3"),
        _f("region", pa.string(), doc="marine region from the coordinates (docs/regions.md), else as recorded"),
        _f("length_m", pa.float64(), "m", "surveyed length along the shore / tow distance"),
        _f("width_m", pa.float64(), "m", "surveyed width (beach width at transect, net mouth width)"),
        _f("area_m2", pa.float64(), "m2", "surveyed area"),
        _f("volume_m3", pa.float64(), "m3", "filtered volume"),
        _f("dry_mass_kg", pa.float64(), "kg", "dry mass of sediment/biota sampled"),
        _f("duration_min", pa.float64(), "min", "search or tow duration"),
        _f("lower_size_um", pa.float64(), "um", "lower size limit of items counted"),
        _f("upper_size_um", pa.float64(), "um", "upper size limit of items counted"),
        _f("mesh_um", pa.float64(), "um", "net mesh / filter pore size"),
        _f("people", pa.int32(), "person", "number of people searching"),
        _f("total_count", pa.float64(), "item", "sum of item counts that count toward the total"),
        _f("total_mass_kg", pa.float64(), "kg", "total litter mass where weighed"),
        _f("items_per_100m", pa.float64(), "item/100m", "derived: total_count * 100 / length_m"),
        _f("items_per_m2", pa.float64(), "item/m2", "derived: total_count / area_m2"),
        _f("concentration", pa.float64(), doc="a concentration the source published per one reference unit of the "
           "effort column (unit in concentration_unit, e.g. NCEI pieces/m³): a measurement, never a count; "
           "total_count is then empty"),
        _f("concentration_unit", pa.string(), doc="unit of `concentration`: particles/m3 | particles/km2 | "
           "particles/kg dw | particles/10 min"),
        _f("source_total", pa.float64(), "item", "the source file's own total column, when it has one"),
        _f("qc_flags", FLAGS, doc="quality flags, e.g. litter-effort-missing"),
        _f("source_line", pa.int64(), doc="physical line of the record in the raw file (1 = header)"),
        _f("raw_sha256", pa.string(), doc="SHA-256 of the raw file the event came from"),
        _f("source_region", pa.string(), doc="the region as the source recorded it, verbatim"),
    ]
)

OBSERVATION_SCHEMA = pa.schema(
    [
        _f("event_id", pa.string(), nullable=False),
        _f("dataset_id", pa.string(), nullable=False),
        _f("version", pa.int32(), nullable=False),
        _f("source_scheme", pa.string(), doc="item list the source code belongs to (tsg-ml, ospar, noaa-mdmap, ...)"),
        _f("source_code", pa.string(), doc="the source's own item code, verbatim"),
        _f("source_name", pa.string(), doc="the source's own item name, verbatim"),
        _f("master_code", pa.string(), doc="master list item (G-code) after the crosswalk; null when unmapped"),
        _f("relation", pa.string(), doc="SKOS relation of the mapping: exactMatch | narrowMatch | broadMatch | ..."),
        _f("rollup_code", pa.string(), doc="what aggregates credit: the master item (exact/narrow) or parent class"),
        _f("material", pa.string(), doc="material class of the item"),
        _f("count", pa.float64(), "item", "number of items (may be real-valued if the source normalised)"),
        _f("mass_kg", pa.float64(), "kg", "mass of the items where weighed"),
        _f("items_per_km2", pa.float64(), "item/km2", "a density the source published for the item (e.g. trawl "
           "pieces/km²): a measurement, never a count; `count` is then empty"),
        _f("size_class", pa.string(), doc="mega | macro | meso | micro | nano"),
        _f("polymer", pa.string()),
        _f("shape", pa.string()),
        _f("colour", pa.string()),
        _f("counts_toward_total", pa.bool_(), doc="false for sub-items already included in a parent count"),
        _f("flags", FLAGS),
        _f("source_line", pa.int64(), doc="physical line of the record in the raw file"),
        _f("source_column", pa.string(), doc="column of the raw file the count came from"),
    ]
)

PARTICLE_SCHEMA = pa.schema(
    [
        _f("event_id", pa.string(), nullable=False),
        _f("dataset_id", pa.string(), nullable=False),
        _f("version", pa.int32(), nullable=False),
        _f("particle_id", pa.string()),
        _f("size_um", pa.float64(), "um", "longest dimension"),
        _f("shape", pa.string()),
        _f("colour", pa.string()),
        _f("polymer", pa.string()),
        _f("id_method", pa.string(), doc="FTIR | Raman | visual | ..."),
        _f("source_line", pa.int64()),
    ]
)

LAKE_TABLES: dict[str, pa.Schema] = {
    "events": EVENT_SCHEMA,
    "observations": OBSERVATION_SCHEMA,
    "particles": PARTICLE_SCHEMA,
}


def unit_of(schema: pa.Schema, name: str) -> str | None:
    """The unit a lake column is stored in, read from the schema metadata."""
    meta = schema.field(name).metadata or {}
    unit = meta.get(b"unit")
    return unit.decode() if unit else None


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Add missing columns as nulls, order and cast columns to `schema` (the adapters' last step)."""
    columns = []
    for field in schema:
        if field.name in table.column_names:
            columns.append(table.column(field.name).cast(field.type))
        else:
            columns.append(pa.nulls(table.num_rows, field.type))
    return pa.Table.from_arrays(columns, schema=schema)
