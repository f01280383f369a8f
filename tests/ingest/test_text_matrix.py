"""Every reader takes what spreadsheets write: UTF-8 with or without BOM, LF/CRLF/CR, `,` `;` and tab.

A generated matrix: adapter × BOM × line end × delimiter. Each text adapter gets a small real sample
(records spread over one real export from ../shared/data, its last record included so that footers such
as TIDES's "Totals" row stay), written as plain UTF-8 with LF and `,` (the baseline) and in every other
combination; every variant must be validated with the same format, the same rows in/accepted/rejected
and the same error codes as the baseline. The rows and cells are the same in every variant; only the
bytes that spreadsheets vary are changed (companion files beside a sample are written the same way).

Workbook formats (`mcs`, EMODnet's .xlsx) are binary: no BOM, line ends or delimiters to vary.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

from litterhub.ingest.formats import ADAPTERS, detect
from litterhub.ingest.textio import sniff
from litterhub.services.ingest import ingest_file

SAMPLE_RECORDS = 60
BOMS = {"no-bom": b"", "bom": codecs.BOM_UTF8}
LINE_ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}
SHEET_ONLY = {"mcs"}  # workbook formats: nothing textual to vary

GENERIC_MAPPING = """
title: OSPAR NL long export through a mapping
layout: long
event: {site: location_code, site_name: location_name, date: date, country: country_code}
long: {code: type_name, name: type_name, count: abundance}
"""


@dataclass(frozen=True)
class Sample:
    adapter: str
    main: str  # path under ../shared/data
    companions: tuple[str, ...] = ()  # files read beside the main one, varied the same way
    mapping: str | None = None


SAMPLES = [
    Sample("emodnet", "emodnet-litter-format/seafloor/Output_multiple_sheet_def.csv"),
    Sample("eriksen", "eriksen2023-surface-trawls/FinalMerge.csv"),
    Sample("hammerdirt", "hammerdirt-swiss/iqaasl_end_process/after_may_2021.csv",
           ("hammerdirt-swiss/iqaasl_end_process/beaches.csv",)),
    Sample("mdmap", "noaa-mdmap/MDMAP_Export_20230827.csv"),
    Sample("mlw", "eea-marine-litterwatch/mlw-data.csv"),
    Sample("ncei", "ncei-microplastics/NPSG_West_Marine_Microplastics_WGS84.csv"),
    Sample("olm", "openlittermap-italy/olm-data.csv"),
    Sample("ospar", "ospar-nl-litteR/beach-litter-nl-2012-2017-ospar-export.csv"),
    Sample("plastic-pirates", "plastic-pirates-eu/riverbank/Riverbank_data_v2.0.0.csv"),
    Sample("plastock", "plastock-leman/macro_current.csv", ("plastock-leman/asl_beaches.csv",)),
    Sample("tides", "ocean-conservancy-tides/cleanswell_jan23_raw.csv"),
    Sample("generic", "ospar-nl-litteR/beach-litter-nl-2012-2017-long.csv", mapping=GENERIC_MAPPING),
]
VARIANTS = list(itertools.product(BOMS, LINE_ENDS, DELIMITERS))


def test_every_text_adapter_has_a_sample():
    assert {s.adapter for s in SAMPLES} == set(ADAPTERS) - SHEET_ONLY


def _records(path: Path, limit: int | None) -> list[list[str]]:
    """Header and records of a real file, decoded as the hub decodes it; `limit`: spread sample + last."""
    info = sniff(path)
    text = path.read_bytes().decode(info.encoding, errors="replace").lstrip("\ufeff")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=info.delimiter) if r]
    header, body = rows[0], rows[1:]
    if limit is not None and len(body) > limit:
        step = len(body) / (limit - 1)
        picks = sorted({int(i * step) for i in range(limit - 1)} | {len(body) - 1})
        body = [body[i] for i in picks]
    return [header, *body]


def _write(rows: list[list[str]], path: Path, bom: str, line_end: str, delimiter: str) -> None:
    """As a spreadsheet saves: records end with `line_end`; a line break inside a cell stays and is quoted."""
    lines = []
    for row in rows:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=DELIMITERS[delimiter], lineterminator="\n").writerow(row)
        lines.append(buffer.getvalue()[:-1])
    path.write_bytes(BOMS[bom] + "".join(line + LINE_ENDS[line_end] for line in lines).encode("utf-8"))


@pytest.fixture(scope="module")
def hub(module_hub):
    """One initialised hub for the whole matrix (tests/ingest/conftest.py)."""
    return module_hub


@pytest.fixture(scope="module")
def sources(shared_data):
    """Decoded rows of every sample (main file sampled; companions whole), read once."""
    out = {}
    for sample in SAMPLES:
        out[sample.adapter] = (_records(shared_data / sample.main, SAMPLE_RECORDS),
                               [(Path(c).name, _records(shared_data / c, None)) for c in sample.companions])
    return out


def _validate(hub, sample: Sample, rows, companions, folder: Path, variant: tuple[str, str, str]) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / Path(sample.main).name
    _write(rows, main, *variant)
    for name, companion_rows in companions:
        _write(companion_rows, folder / name, *variant)
    mapping = None
    if sample.mapping:
        mapping = folder / "mapping.yaml"
        mapping.write_text(sample.mapping)
    result = ingest_file(hub, main, "generic" if sample.mapping else sample.adapter, dry_run=True, mapping=mapping)
    report = result.as_dict()
    info = sniff(main)
    detected = None if sample.mapping else detect(info).adapter.name
    return {
        "format": report["format"],
        "detected": detected,
        "ok": result.ok,
        "rows_in": report["rows_in"],
        "rows_accepted": report["rows_accepted"],
        "rows_rejected": report["rows_rejected"],
        "codes": sorted((e["code"], e["column"]) for e in report["errors"]),
        "lines": sorted(e["line"] or 0 for e in report["errors"]),
        # what the reader says about the bytes (BOM, separator) differs by design; everything else must not
        "notes": sorted(n for n in report["notes"] if n not in info.notes),
    }


@pytest.fixture(scope="module")
def baselines(hub, sources, tmp_path_factory):
    folder = tmp_path_factory.mktemp("baseline")
    out = {}
    for sample in SAMPLES:
        rows, companions = sources[sample.adapter]
        out[sample.adapter] = _validate(hub, sample, rows, companions, folder / sample.adapter,
                                        ("no-bom", "lf", "comma"))
    return out


def test_baselines_are_real_ingests(baselines):
    """The plain UTF-8/LF/comma samples are read by their adapter (auto-detected) and keep their rows."""
    for adapter, base in baselines.items():
        assert base["ok"] and base["format"] == adapter, (adapter, base)
        assert base["rows_accepted"] > 0, (adapter, base)
        assert adapter == "generic" or base["detected"] == adapter, (adapter, base)
    assert any(b["rows_rejected"] > 0 for b in baselines.values())  # rejections are compared too


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.adapter for s in SAMPLES])
def test_matrix(sample, hub, sources, baselines, tmp_path):
    rows, companions = sources[sample.adapter]
    base = baselines[sample.adapter]
    failures = []
    for variant in VARIANTS:
        if variant == ("no-bom", "lf", "comma"):
            continue
        got = _validate(hub, sample, rows, companions, tmp_path / "-".join(variant), variant)
        if got != base:
            failures.append(("-".join(variant), {k: (base[k], got[k]) for k in base if base[k] != got[k]}))
    assert not failures, failures


def test_real_tides_export_with_bom_reads_like_without(hub, shared_data, tmp_path):
    """The reported case: the raw TIDES export (first header cell quoted) saved with a byte-order mark."""
    raw = (shared_data / "ocean-conservancy-tides" / "cleanswell_jan23_raw.csv").read_bytes()
    assert raw.startswith(b'"')
    results = []
    for name, data in (("plain.csv", raw), ("bom.csv", codecs.BOM_UTF8 + raw),
                       ("bom-cr.csv", codecs.BOM_UTF8 + raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))):
        path = tmp_path / name
        path.write_bytes(data)
        report = ingest_file(hub, path, "auto", dry_run=True).as_dict()
        results.append((report["format"], report["rows_in"], report["rows_accepted"], report["rows_rejected"],
                        [(e["line"], e["code"]) for e in report["errors"]]))
    assert results[0][0] == "tides" and results[0][2] > 200
    assert results[1] == results[0]
    assert results[2] == results[0]
