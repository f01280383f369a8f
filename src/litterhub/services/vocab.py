"""Vocabulary use cases: look up master items, search, list crosswalks, measure coverage, export SKOS.

The CLI, the API and the web pages call these functions and only format what they return. Coverage needs
item counts from a file: formats known to `litterhub.ingest` are read by their adapter; the other real
exports are read by the small private readers at the end of this module (`_read_*`), which stand in until
the ingest adapters for those programmes exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from litterhub.errors import InvalidInput, NotFoundError
from litterhub.harmonize.coverage import Coverage, coverage
from litterhub.harmonize.crosswalk import ITEM_RELATIONS, apply_crosswalk, rollup_totals
from litterhub.services.hub import Hub
from litterhub.vocab import VOCAB_VERSION
from litterhub.vocab.crosswalks import Mapping, all_crosswalks, mappings_to, scheme_table
from litterhub.vocab.items import MasterItem, master_list
from litterhub.vocab.reference import use_group_members
from litterhub.vocab.skos import export_skos

RELATION_ORDER = {"exactMatch": 0, "narrowMatch": 1, "broadMatch": 2, "relatedMatch": 3}


class VocabLookupError(NotFoundError, LookupError):
    """An unknown item code or scheme; the message says what exists instead."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class CoverageInputError(InvalidInput, ValueError):
    """The file cannot be read as the given format (stable `code`, message names file/field)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass
class ItemView:
    """A master item with its place in the tree and what every programme calls it."""

    item: MasterItem
    ancestors: list[MasterItem]
    children: list[MasterItem]
    mappings: dict[str, list[Mapping]]
    use_groups: list[str]
    vocab_version: str = VOCAB_VERSION

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        out = {
            "code": self.item.code, "name": self.item.name, "kind": self.item.kind,
            "material": self.item.material, "parent_code": self.item.parent_code, "origin": self.item.origin,
            "note": self.item.note,
            "ancestors": [{"code": a.code, "name": a.name} for a in self.ancestors],
            "children": [{"code": c.code, "name": c.name} for c in self.children],
            "use_groups": self.use_groups,
            "mappings": {s: [mapping_dict(m) for m in ms] for s, ms in self.mappings.items()},
            "vocab_version": self.vocab_version,
        }
        if lang:  # the English fields above keep their meaning; the page language's name beside them
            from litterhub.vocab.names_i18n import content_names

            out.update(local_name("item", self.item.code, lang, self.item.name))
            out["translations"] = {lg: {"name": t.name, "origin": t.origin, "reviewed": t.reviewed}
                                   for lg, t in content_names().languages("item", self.item.code).items()}
        return out


@dataclass
class SchemeInfo:
    scheme: str
    name: str
    publisher: str
    code_form: str
    example: str
    source: str
    mappings: int
    by_relation: dict[str, int] = field(default_factory=dict)


def mapping_dict(m: Mapping) -> dict[str, str]:
    return {"source_scheme": m.source_scheme, "source_code": m.source_code, "source_name": m.source_name,
            "relation": m.relation, "master_code": m.master_code, "evidence": m.evidence}


def item_dict(item: MasterItem, lang: str | None = None) -> dict[str, object]:
    """The item as the API gives it; with `lang`, `name_local` (and whether it is an unreviewed machine
    translation) beside the English `name`, which keeps its meaning."""
    out: dict[str, object] = {"code": item.code, "name": item.name, "kind": item.kind, "material": item.material,
                              "parent_code": item.parent_code, "origin": item.origin}
    if lang:
        out.update(local_name("item", item.code, lang, item.name))
    return out


def local_name(table: str, code: str, lang: str, english: str) -> dict[str, object]:
    """`name_local`, `lang` and `machine_translation` of one item, use group or material (English: the name)."""
    from litterhub.vocab.names_i18n import content_names

    found = content_names().get(table, code, lang) if lang != "en" else None
    return {"name_local": found.name if found else english, "lang": lang if found else "en",
            "machine_translation": bool(found and found.awaiting_review)}


def show(code: str) -> ItemView:
    master = master_list()
    item = master.get(code)
    if item is None:
        near = ", ".join(i.code for i in master.search(code, limit=5))
        raise VocabLookupError("litter-vocab-unknown-item",
                               f"no master item {code!r}" + (f"; did you mean {near}?" if near else ""))
    by_scheme: dict[str, list[Mapping]] = {}
    for m in sorted(mappings_to(item.code), key=lambda m: (m.source_scheme, RELATION_ORDER[m.relation])):
        by_scheme.setdefault(m.source_scheme, []).append(m)
    groups = sorted({g for g, c in use_group_members() if c == item.code})
    return ItemView(item, master.ancestors(item.code), master.children(item.code), by_scheme, groups)


def items(kind: str | None = None, material: str | None = None) -> list[MasterItem]:
    out = list(master_list().items.values())
    if kind:
        out = [i for i in out if i.kind == kind]
    if material:
        out = [i for i in out if i.material == material]
    return out


def search(text: str, limit: int = 50, lang: str | None = None) -> list[tuple[MasterItem, list[Mapping]]]:
    """Master items whose code/name match (also the name in `lang`, vocab/names_i18n.py), plus items reached
    through a programme's own name or code."""
    master = master_list()
    hits: dict[str, list[Mapping]] = {i.code: [] for i in master.search(text, limit=limit)}
    if lang and lang != "en":
        from litterhub.vocab.names_i18n import search_codes

        hits.update({code: [] for code in search_codes(text, lang) if code not in hits})
    words = [w for w in text.lower().split() if w]
    if words:
        for maps in all_crosswalks().values():
            for m in maps:
                hay = f"{m.source_code} {m.source_name}".lower()
                if all(w in hay for w in words):
                    hits.setdefault(m.master_code, []).append(m)
    return [(master.items[c], ms) for c, ms in list(hits.items())[:limit]]


def schemes() -> list[SchemeInfo]:
    table = scheme_table()
    walks = all_crosswalks()
    out = []
    for scheme, row in table.items():
        maps = walks.get(scheme, ())
        rel: dict[str, int] = {}
        for m in maps:
            rel[m.relation] = rel.get(m.relation, 0) + 1
        out.append(SchemeInfo(scheme, row["name"], row["publisher"], row["code_form"], row.get("example", ""),
                              row["source"], len(maps), rel))
    return out


def crosswalk(scheme: str) -> list[Mapping]:
    walks = all_crosswalks()
    if scheme not in walks:
        raise VocabLookupError("litter-vocab-unknown-scheme",
                               f"unknown scheme {scheme!r}; known schemes: {', '.join(sorted(walks))}")
    return list(walks[scheme])


def rollup_of(m: Mapping) -> str:
    """Where counts of this mapping are credited (master item, or its parent class for broad/related)."""
    if m.relation in ITEM_RELATIONS:
        return m.master_code
    return master_list().items[m.master_code].parent_code or m.master_code


def reference_table(name: str) -> list[dict[str, str]]:
    """One of the small reference vocabularies (materials, units, size_classes, ...) as rows."""
    from litterhub.vocab.reference import TABLES, table

    if name not in TABLES:
        raise VocabLookupError("litter-vocab-unknown-table",
                               f"unknown vocabulary table {name!r}; known: {', '.join(TABLES)}")
    return [dict(row) for row in table(name).values()]


def region_list() -> list[dict[str, object]]:
    from litterhub.vocab.regions import regions

    return [{"code": r.code, "name": r.name, "kind": r.kind, "parent_code": r.parent_code,
             "aliases": list(r.aliases), "source": r.source,
             "boxes": [{"min_lon": b[0], "min_lat": b[1], "max_lon": b[2], "max_lat": b[3]} for b in r.boxes]}
            for r in regions().values()]


def regions_at(lat: float, lon: float) -> dict[str, object]:
    """The MSFD region, subregion and Regional Seas programme of one point (coarse boxes, see SOURCES.md)."""
    import numpy as np

    from litterhub.vocab.regions import KINDS, assign, describe_location, regions

    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CoverageInputError("litter-coordinate-out-of-range", f"lat {lat}, lon {lon} is not a WGS84 point")
    table = regions()
    out: dict[str, object] = {"lat": lat, "lon": lon}
    for kind in KINDS:
        code = assign(np.array([lon]), np.array([lat]), kind)[0]
        out[kind] = {"code": code, "name": table[code].name} if code else None
    out["polygons"] = describe_location(lon, lat)  # marine region, FAO area, EEZ guess (docs/regions.md)
    return out


def export(fmt: str) -> str:
    if fmt not in ("jsonld", "ttl"):
        raise VocabLookupError("litter-vocab-unknown-export", f"unknown export format {fmt!r}; use jsonld or ttl")
    return export_skos(fmt)


def check() -> list[str]:
    """Load every vocabulary file afresh with all checks; raises VocabError naming the first bad row."""
    from litterhub.vocab.crosswalks import crosswalk_dir, load_crosswalk
    from litterhub.vocab.items import load_master
    from litterhub.vocab.reference import TABLES, table
    from litterhub.vocab.regions import regions

    master = load_master()
    lines = [f"master_items.csv: {len(master)} concepts"]
    for path in sorted(crosswalk_dir().glob("*.csv")):
        lines.append(f"crosswalks/{path.name}: {len(load_crosswalk(path, master))} mappings")
    for name in TABLES:
        lines.append(f"{TABLES[name][0]}: {len(table(name))} rows")
    lines.append(f"use_group_members.csv: {len(use_group_members())} memberships")
    lines.append(f"marine_regions.csv: {len(regions())} regions")
    from litterhub.vocab.names_i18n import load_names

    names = load_names()
    review = sum(1 for t in names.rows.values() if t.awaiting_review)
    lines.append(f"names_i18n.csv: {len(names.rows)} translations ({review} machine-written, awaiting review)")
    scheme_table()
    all_crosswalks()
    lines.append(f"vocabulary version {VOCAB_VERSION}: all checks passed")
    return lines


def coverage_of_file(path: Path, fmt: str) -> Coverage:
    """Harmonise the item counts of one file and report how much of them the vocabulary maps."""
    counts = read_item_counts(path, fmt)
    return coverage(apply_crosswalk(counts), fmt)


@dataclass
class DatasetHarmonisation:
    """A stored dataset version harmonised again from the lake with the current vocabulary."""

    dataset_id: str
    version: int
    stored_vocab_version: str | None
    vocab_version: str
    rows: int
    changed_rows: int
    coverage: Coverage
    rollup: list[dict[str, object]]

    def as_dict(self) -> dict[str, object]:
        return {"dataset_id": self.dataset_id, "version": self.version,
                "stored_vocab_version": self.stored_vocab_version, "vocab_version": self.vocab_version,
                "rows": self.rows, "changed_rows": self.changed_rows, "coverage": self.coverage.as_json(),
                "coverage_by_relation": self.coverage.by_relation, "rollup": self.rollup}


def reharmonise_dataset(hub: Hub, dataset_id: str, version: int | None = None) -> DatasetHarmonisation:
    """Re-apply the current crosswalks to a stored dataset version, straight from its lake Parquet (no raw
    file needed), and report what changed and the roll-up totals per relation. Writes nothing."""
    from litterhub.services import datasets as ds_svc

    try:
        ds = ds_svc.get_dataset(hub, dataset_id)
    except ds_svc.NotFound as exc:
        raise VocabLookupError("litter-dataset-not-found", str(exc)) from None
    version = version or ds["version"]
    stored = next((v for v in ds["versions"] if v["version"] == version), None)
    if stored is None:
        raise VocabLookupError("litter-dataset-not-found", f"dataset {dataset_id!r} has no version {version}")
    obs = hub.lake.read_table("observations", dataset_id, version)
    scalar = obs.drop_columns([c for c in obs.column_names if pa.types.is_list(obs.schema.field(c).type)])
    harmonised = apply_crosswalk(scalar)
    before_code = pc.fill_null(obs["master_code"], "") if "master_code" in obs.column_names else None
    if before_code is None:
        changed = harmonised.num_rows
    else:
        same = pc.and_(pc.equal(before_code, pc.fill_null(harmonised["master_code"], "")),
                       pc.equal(pc.fill_null(obs["relation"], "unmapped"), harmonised["relation"]))
        changed = harmonised.num_rows - int(pc.sum(pc.cast(same, pa.int64())).as_py() or 0)
    master = master_list()
    rollup = rollup_totals(harmonised).to_pylist()
    for row in rollup:
        code = row["rollup_code"]
        row["name"] = master.items[code].name if code in master.items else None
    return DatasetHarmonisation(dataset_id, version, stored.get("vocab_version"), VOCAB_VERSION,
                                harmonised.num_rows, changed, coverage(harmonised, ds.get("format") or "lake"),
                                rollup)


def coverage_formats() -> list[str]:
    from litterhub.ingest.formats import ADAPTERS

    return sorted(set(ADAPTERS) | set(_READERS))


def read_item_counts(path: Path, fmt: str) -> pa.Table:
    """(source_scheme, source_code, source_name, count) for every item cell of the file."""
    path = Path(path)
    if not path.is_file():
        raise CoverageInputError("litter-file-not-found", f"{path}: no such file")
    from litterhub.ingest.formats import ADAPTERS

    if fmt in ADAPTERS or fmt == "auto":
        return _read_with_adapter(path, fmt)
    if fmt in _READERS:
        try:
            return _READERS[fmt](path)
        except (KeyError, ValueError, pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise CoverageInputError("litter-format-mismatch",
                                     f"{path.name}: cannot be read as format {fmt!r}: {exc}") from exc
    raise CoverageInputError("litter-unknown-format",
                             f"unknown format {fmt!r}; known formats: {', '.join(coverage_formats())}")


def _read_with_adapter(path: Path, fmt: str) -> pa.Table:
    from litterhub.ingest.formats import UnknownFormat, resolve
    from litterhub.ingest.report import ValidationReport

    try:
        info, detection = resolve(path, fmt)
    except UnknownFormat as exc:
        raise CoverageInputError("litter-unknown-format",
                                 f"{exc} (vocab coverage also reads: {', '.join(sorted(_READERS))})") from exc
    report = ValidationReport()
    parts = [b.observations.select(["source_scheme", "source_code", "source_name", "count"])
             for b in detection.adapter.read(info, report)]
    if not parts:
        first = report.errors[0].message if report.errors else "no item records found"
        raise CoverageInputError("litter-format-mismatch", f"{path.name} as {fmt!r}: {first}")
    return pa.concat_tables(parts)


# ---------------------------------------------------------------------------------------------------
# Private readers for real exports that have no ingest adapter yet (to be replaced by litterhub.ingest).
# Each returns only item counts; effort and metadata are the adapters' job.
# ---------------------------------------------------------------------------------------------------

def _skip_totals(row: pacsv.InvalidRow) -> str:
    """A trailing 'Totals:' line (TIDES exports) is a summary, not a record; anything else ragged is an error."""
    return "skip" if (row.text or "").startswith("Totals:") else "error"


def _csv(path: Path, **kw: object) -> pa.Table:
    """Every column as text, unique column names c0..cN, original names returned by `_header`."""
    names = _header(path, kw.get("delimiter", ","))
    opts = pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(names))], skip_rows=1,
                             encoding="utf-8")
    parse = pacsv.ParseOptions(delimiter=kw.get("delimiter", ","), newlines_in_values=True,
                               invalid_row_handler=_skip_totals)
    conv = pacsv.ConvertOptions(column_types={f"c{i}": pa.string() for i in range(len(names))},
                                strings_can_be_null=False)
    return pacsv.read_csv(path, read_options=opts, parse_options=parse, convert_options=conv)


def _header(path: Path, delimiter: str = ",") -> list[str]:
    import csv

    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [h.strip() for h in next(csv.reader(fh, delimiter=delimiter))]


def _col(header: list[str], name: str) -> int:
    if name not in header:
        raise ValueError(f"column {name!r} not found in the header")
    return header.index(name)


def _numbers(col: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Text cells -> float; blank, 'na' and non-numbers become NaN (not an item record)."""
    text = pc.utf8_trim_whitespace(col.cast(pa.string()))
    ok = pc.fill_null(pc.match_substring_regex(text, r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"), False)
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    return values.to_numpy(zero_copy_only=False).astype(float)


def _unpivot(matrix: np.ndarray, scheme: str, codes: list[str], names: list[str]) -> pa.Table:
    rows, cols = np.nonzero(~np.isnan(matrix))
    take = pa.array(cols)
    return pa.table({
        "source_scheme": pa.array([scheme] * len(rows), pa.string()),
        "source_code": pa.array(codes, pa.string()).take(take),
        "source_name": pa.array(names, pa.string()).take(take),
        "count": pa.array(matrix[rows, cols], pa.float64()),
    })


def _wide(table: pa.Table, columns: list[int], scheme: str, codes: list[str], names: list[str]) -> pa.Table:
    if not columns:
        raise ValueError("no item columns found in the header")
    matrix = np.column_stack([_numbers(table.column(i)) for i in columns])
    return _unpivot(matrix, scheme, codes, names)


def _read_iqaasl(path: Path) -> pa.Table:
    """hammerdirt / IQAASL long files: one row per survey x code, `quantity` = count."""
    header = _header(path)
    table = _csv(path)
    code = table.column(_col(header, "code"))
    count = _numbers(table.column(_col(header, "quantity")))
    keep = ~np.isnan(count)
    return pa.table({"source_scheme": pa.array(["swiss-iqaasl"] * int(keep.sum()), pa.string()),
                     "source_code": code.filter(pa.array(keep)), "source_name": code.filter(pa.array(keep)),
                     "count": pa.array(count[keep], pa.float64())})


def _read_plastock(path: Path) -> pa.Table:
    """Pla'stock macro file: G-codes incl. Swiss extensions in `Code`, counts in `Quantité`."""
    header = _header(path)
    table = _csv(path)
    count = _numbers(table.column(_col(header, "Quantité")))
    keep = ~np.isnan(count)
    mask = pa.array(keep)
    return pa.table({"source_scheme": pa.array(["swiss-iqaasl"] * int(keep.sum()), pa.string()),
                     "source_code": table.column(_col(header, "Code")).filter(mask),
                     "source_name": table.column(_col(header, "Objet")).filter(mask),
                     "count": pa.array(count[keep], pa.float64())})


def _read_ospar_litter(path: Path) -> pa.Table:
    """litteR wide file: columns 'Material: Name [OSPAR code]'; 'Survey: *' columns are not counts."""
    header = _header(path)
    cols = [i for i, h in enumerate(header) if re.search(r"\[\d+\]$", h) and not h.lower().startswith("survey:")]
    codes = [re.search(r"\[(\d+)\]$", header[i]).group(1) for i in cols]
    return _wide(_csv(path), cols, "ospar", codes, [header[i] for i in cols])


def _read_tides(path: Path) -> pa.Table:
    """TIDES / Clean Swell: item columns sit between '# of bags' and 'Total Items Collected'."""
    header = _header(path)
    start, end = _col(header, "# of bags") + 1, _col(header, "Total Items Collected")
    cols = list(range(start, end))
    table = _csv(path)
    table = table.filter(pc.invert(pc.starts_with(table.column(0), "Totals")))
    return _wide(table, cols, "oc-icc", [header[i] for i in cols], [header[i] for i in cols])


OLM_NOT_ITEMS = {"BRANDS", "MATERIAL"}  # annotations of items already counted under a tag


def _read_olm(path: Path) -> pa.Table:
    """OpenLitterMap: UPPER-CASE category marker columns, then their tags; codes are 'category.tag'."""
    header = _header(path)
    start = _col(header, "total_litter") + 1
    cols, codes, category = [], [], None
    for i in range(start, len(header)):
        h = header[i]
        if h.isupper():
            category = h
            continue
        if category is None or category in OLM_NOT_ITEMS or h.startswith("custom_tag"):
            continue
        cols.append(i)
        codes.append(f"{category.lower()}.{h}")
    return _wide(_csv(path), cols, "olm", codes, [header[i] for i in cols])


def _read_mcs(path: Path) -> pa.Table:
    """MCS Beachwatch sheet: 'Material: Item' columns after the effort fields; '(description)' is text."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    cols = [i for i, h in enumerate(header) if ":" in h and "(description)" not in h]
    body = pa.table({str(i): pa.array(["" if r[i] is None else str(r[i]) for r in rows[1:]], pa.string())
                     for i in cols})
    matrix = np.column_stack([_numbers(body.column(str(i))) for i in cols])
    return _unpivot(matrix, "mcs", [header[i] for i in cols], [header[i] for i in cols])


PP_ITEM = re.compile(r"^(RiversideWasteVariety|RiversideLitterCircles)_Results_(.+)$|"
                     r"^(FloatingMacro)_(AmountOfFloatingMacrolitter)$|^(FloatingMicro)_(AmountOfVERIFIED\w+)$")
PP_NOT_ITEMS = {"SingleUsePlasticTotal", "TotalNumber(incl.SUP)", "ProportionSingleUsePlastic",
                "LengthOfRiverbankSearchedM", "WidthOfRiverbankSearchedM", "WeightPlasticWasteKG",
                "WeightAllWasteKG", "ResultsComment", "NumberOfStationsSampled",
                "NumberOfStationsWithLitterFindings", "OverallTotal", "AveragePerM2"}


def _read_plastic_pirates(path: Path) -> pa.Table:
    """Plastic Pirates riverbank/floating files: group-B item counts, group-A material totals, floating
    counts; totals, proportions, effort and comments are not item records."""
    header = _header(path)
    cols, codes = [], []
    for i, h in enumerate(header):
        m = PP_ITEM.match(h)
        if not m:
            continue
        group, name = [g for g in m.groups() if g is not None]
        if name in PP_NOT_ITEMS:
            continue
        cols.append(i)
        codes.append(f"{group}.{name}")
    table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(
        column_names=[f"c{i}" for i in range(len(header))], skip_rows=1, encoding="utf-8-sig"),
        convert_options=pacsv.ConvertOptions(column_types={f"c{i}": pa.string() for i in range(len(header))}),
        parse_options=pacsv.ParseOptions(newlines_in_values=True))
    return _wide(table, cols, "plastic-pirates", codes, [header[i] for i in cols])


EMODNET_LISTS = {"TSG-ML": "tsg-ml", "TSG_ML": "tsg-ml", "OSPAR": "ospar", "UNEP": "unep-ioc",
                 "C-TS-REV": "ices-medits", "C_TS_REV": "ices-medits", "MEDITS": "ices-medits",
                 "RECO_LT": "ices-medits", "RECO-LT": "ices-medits"}


def _read_emodnet_seafloor(path: Path) -> pa.Table:
    """EMODnet seafloor exchange format (tab-separated): LTREF = reference list, PARAM = code."""
    header = _header(path, "\t")
    table = _csv(path, delimiter="\t")
    ref = table.column(_col(header, "LTREF"))
    scheme = pc.fill_null(pc.index_in(ref, pa.array(list(EMODNET_LISTS))), -1)
    schemes = pa.array(list(EMODNET_LISTS.values()) + [None], pa.string()).take(
        pc.if_else(pc.equal(scheme, -1), len(EMODNET_LISTS), scheme))
    schemes = pc.coalesce(schemes, pc.utf8_lower(ref))
    count = _numbers(table.column(_col(header, "LT_Items")))
    keep = ~np.isnan(count)
    mask = pa.array(keep)
    code = table.column(_col(header, "PARAM"))
    return pa.table({"source_scheme": schemes.filter(mask), "source_code": code.filter(mask),
                     "source_name": code.filter(mask), "count": pa.array(count[keep], pa.float64())})


def _read_emodnet_beach(path: Path) -> pa.Table:
    """EMODnet beach-litter exchange format (OLE2 .xls, whatever its extension): sheet `Litter` with
    LitterReferenceList, ItemCode, ItemName, NoItems."""
    import xlrd

    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_name("Litter")
    header = [str(h).strip() for h in sheet.row_values(0)]
    cols = {name: sheet.col_values(_col(header, name))[1:] for name in
            ("LitterReferenceList", "ItemCode", "ItemName", "NoItems")}
    refs = pa.array([str(v).strip() for v in cols["LitterReferenceList"]], pa.string())
    idx = pc.index_in(refs, pa.array(list(EMODNET_LISTS)))
    schemes = pc.coalesce(pa.array(list(EMODNET_LISTS.values()), pa.string()).take(idx), pc.utf8_lower(refs))
    count = _numbers(pa.array([str(v) for v in cols["NoItems"]], pa.string()))
    keep = ~np.isnan(count)
    mask = pa.array(keep)
    return pa.table({"source_scheme": schemes.filter(mask),
                     "source_code": pa.array([str(v).strip() for v in cols["ItemCode"]], pa.string()).filter(mask),
                     "source_name": pa.array([str(v).strip() for v in cols["ItemName"]], pa.string()).filter(mask),
                     "count": pa.array(count[keep], pa.float64())})


_READERS = {
    "emodnet-beach": _read_emodnet_beach,
    "iqaasl": _read_iqaasl,
    "plastock": _read_plastock,
    "ospar-litter": _read_ospar_litter,
    "tides": _read_tides,
    "olm": _read_olm,
    "mcs": _read_mcs,
    "plastic-pirates": _read_plastic_pirates,
    "emodnet-seafloor": _read_emodnet_seafloor,
}
