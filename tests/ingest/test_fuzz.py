"""Fuzzing every reader (hypothesis): truncated, shuffled, mis-encoded, bit-flipped and oversized versions of
real files. Every outcome is a report or a clean refusal: never a traceback, never an unbalanced count, and
never a partial dataset in the catalog or the lake."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litterhub.ingest.report import ValidationReport
from litterhub.services.ingest import ingest_file

SEEDS = {
    "mlw": "eea-marine-litterwatch/mlw-data.csv",
    "mdmap": "noaa-mdmap/MDMAP_Export_20230827.csv",
    "olm": "openlittermap-italy/olm-data.csv",
    "ncei": "ncei-microplastics/NPSG_West_Marine_Microplastics_WGS84.csv",
    "eriksen": "eriksen2023-surface-trawls/FinalMerge.csv",
    "eriksen-2014": "eriksen2023-surface-trawls/raw/Eriksen.csv",
    "plastock-macro": "plastock-leman/macro_current.csv",
    "plastock-micro": "plastock-leman/micro_results.csv",
    "pp-riverbank": "plastic-pirates-eu/riverbank/Riverbank_data_v2.0.0.csv",
    "pp-floating": "plastic-pirates-eu/floating/Floating_data_v2.0.0.csv",
    "pp-particles": "plastic-pirates-eu/floating/Particle_data_v2.0.0.csv",
    "tides": "ocean-conservancy-tides/cleanswell_nov22.csv",
    "hammerdirt": "hammerdirt-swiss/iqaasl_end_process/alpes_ticino_to_add.csv",
    "ospar": "ospar-nl-litteR/beach-litter-nl-2012-2017.csv",
    "emodnet-seafloor": "emodnet-litter-format/seafloor/Output_multiple_sheet_def.csv",
}
WORKBOOKS = {
    "mcs": "mcs-beachwatch-gbbc/gbbc_2022_raw_data_cleaned.xlsx",
    "emodnet-beach": "emodnet-litter-format/beach/Output_params_another_sheet_def.xlsx",
}
GENERIC_MAPPING = "event: {date: EventDate, site_name: BeachName, length: BeachLength_m}\nitems: {pattern: '^G\\d+$'}\n"
FUZZ = settings(max_examples=5, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def head(path, lines: int = 25) -> bytes:
    with path.open("rb") as fh:
        out = []
        for _ in range(lines):
            line = fh.readline()
            if not line:
                break
            out.append(line)
    return b"".join(out)


def mutate(data: bytes, kind: str, seed: int) -> bytes:
    rnd = random.Random(seed)
    lines = data.splitlines(keepends=True)
    if kind == "truncate":
        return data[: rnd.randrange(0, max(1, len(data)))]
    if kind == "shuffle":
        rnd.shuffle(lines)
        return b"".join(lines)
    if kind == "shuffle-body":
        body = lines[1:]
        rnd.shuffle(body)
        return b"".join(lines[:1] + body)
    if kind == "misencode":
        text = data.decode("utf-8", errors="replace")
        enc = rnd.choice(["utf-16", "cp1252", "latin-1", "utf-8-sig"])
        return text.encode(enc, errors="replace") + bytes([0xFF, 0xFE, 0x81, 0x8D])
    if kind == "flip":
        buf = bytearray(data)
        for _ in range(rnd.randrange(1, 20)):
            if buf:
                buf[rnd.randrange(len(buf))] = rnd.randrange(256)
        return bytes(buf)
    if kind == "oversize-cell":
        if len(lines) > 1:
            lines[1] = b'"' + b"9" * 200_000 + b'",' + lines[1]
        return b"".join(lines)
    if kind == "oversize-rows":
        return b"".join(lines[:1] + lines[1:3] * 2_000)
    if kind == "wide-header":
        return b",".join(f"c{i}".encode() for i in range(3000)) + b"\n" + b",".join([b"1"] * 3000) + b"\n"
    if kind == "quotes":
        return data.replace(b",", b',"', rnd.randrange(1, 10))
    return data


KINDS = ["truncate", "shuffle", "shuffle-body", "misencode", "flip", "oversize-cell", "oversize-rows",
         "wide-header", "quotes", "none"]


def check_outcome(result) -> None:
    r = result.report
    assert isinstance(r, ValidationReport)
    if not r.fatal:
        assert r.rows_in == r.rows_accepted + r.rows_rejected, r.as_dict()
    if not result.ok:
        assert result.version is None
    for issue in r.errors + r.warnings:
        assert issue.code and issue.message


@pytest.mark.parametrize("seed_name", sorted(SEEDS))
def test_text_readers_survive_hostile_input(seed_name, shared_data, module_hub, tmp_path):
    seed = head(shared_data / SEEDS[seed_name])

    @FUZZ
    @given(kind=st.sampled_from(KINDS), salt=st.integers(0, 10_000))
    def run(kind, salt):
        path = tmp_path / f"{seed_name}-{kind}.csv"
        path.write_bytes(mutate(seed, kind, salt))
        for fmt in ("auto", _format_of(seed_name)):
            check_outcome(ingest_file(module_hub, path, fmt, dry_run=True))

    run()


def _format_of(seed_name: str) -> str:
    return {"eriksen-2014": "eriksen", "plastock-macro": "plastock", "plastock-micro": "plastock",
            "pp-riverbank": "plastic-pirates", "pp-floating": "plastic-pirates", "pp-particles": "plastic-pirates",
            "emodnet-seafloor": "emodnet"}.get(seed_name, seed_name)


@pytest.mark.parametrize("seed_name", sorted(WORKBOOKS))
def test_workbook_readers_survive_truncation(seed_name, shared_data, module_hub, tmp_path):
    data = (shared_data / WORKBOOKS[seed_name]).read_bytes()

    @FUZZ
    @given(cut=st.integers(0, len(data) - 1), kind=st.sampled_from(["truncate", "flip"]))
    def run(cut, kind):
        path = tmp_path / f"{seed_name}.xlsx"
        path.write_bytes(data[:cut] if kind == "truncate" else mutate(data, "flip", cut))
        for fmt in ("auto", seed_name.split("-")[0], "generic"):
            check_outcome(ingest_file(module_hub, path, fmt, dry_run=True))

    run()


def test_generic_reader_survives_hostile_input(shared_data, module_hub, tmp_path):
    seed = head(shared_data / SEEDS["mlw"])

    @FUZZ
    @given(kind=st.sampled_from(KINDS), salt=st.integers(0, 10_000))
    def run(kind, salt):
        path = tmp_path / f"generic-{kind}.csv"
        path.write_bytes(mutate(seed, kind, salt))
        check_outcome(ingest_file(module_hub, path, "generic", mapping=GENERIC_MAPPING, dry_run=True))

    run()


@pytest.mark.parametrize("seed_name", ["mlw", "mdmap", "plastock-macro", "pp-particles"])
def test_failed_ingest_leaves_no_partial_dataset(seed_name, shared_data, hub, tmp_path):
    """A real ingest of broken input stores either a complete, balanced version or nothing at all."""
    seed = head(shared_data / SEEDS[seed_name])
    for i, kind in enumerate(["truncate", "misencode", "flip", "wide-header"]):
        path = tmp_path / f"{seed_name}-{kind}.csv"
        path.write_bytes(mutate(seed, kind, i))
        result = ingest_file(hub, path, "auto", f"fz-{seed_name}-{i}")
        check_outcome(result)
        version_dir = hub.lake.version_dir(f"fz-{seed_name}-{i}", 1)
        if result.ok:
            assert version_dir.exists()
        else:
            assert not version_dir.exists()
            from sqlalchemy import select

            from litterhub.store import tables as t

            with hub.engine.connect() as conn:
                assert conn.execute(select(t.datasets.c.id).where(t.datasets.c.id == f"fz-{seed_name}-{i}")
                                    ).first() is None
    assert not list(hub.lake.root.glob(".tmp-*"))


# --- mutations drawn by hypothesis on the tabular programme exports ------------------------------------------

MUTATED_SOURCES = {
    "tides": ("ocean-conservancy-tides", "cleanswell_nov22.csv"),
    "ospar": ("ospar-nl-litteR", "beach-litter-nl-2012-2017-ospar-export.csv"),
    "hammerdirt": ("hammerdirt-swiss/iqaasl_end_process", "after_may_2021.csv"),
    "emodnet": ("emodnet-litter-format/seafloor", "Output_multiple_sheet_def.csv"),
}


def _head_of(shared_data, fmt: str, lines: int = 25) -> bytes:
    folder, name = MUTATED_SOURCES[fmt]
    data = (shared_data / folder / name).read_bytes()
    return b"\n".join(data.split(b"\n")[:lines]) + b"\n"


mutation = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0.05, 0.99)),
    st.tuples(st.just("shuffle"), st.randoms(use_true_random=False)),
    st.tuples(st.just("cp1252"), st.just(None)),
    st.tuples(st.just("garbage"), st.binary(min_size=1, max_size=300)),
    st.tuples(st.just("quote"), st.integers(0, 10_000)),
)


def _mutate(data: bytes, how) -> bytes:
    kind, arg = how
    if kind == "truncate":
        return data[: max(1, int(len(data) * arg))]
    if kind == "shuffle":
        lines = data.split(b"\n")
        body = lines[1:]
        arg.shuffle(body)
        return b"\n".join([lines[0], *body])
    if kind == "cp1252":
        return data.decode("utf-8", "replace").replace("e", "\u00e9").encode("cp1252", "replace")
    if kind == "garbage":
        cut = len(data) // 2
        return data[:cut] + arg + data[cut:]
    pos = arg % len(data)
    return data[:pos] + b'"' + data[pos:]  # an unbalanced quote swallows the rest of the file


@pytest.mark.parametrize("fmt", sorted(MUTATED_SOURCES))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=mutation)
def test_mutated_files_give_reports_not_tracebacks(shared_data, tmp_path, hub, fmt, how):
    path = tmp_path / f"{fmt}-fuzz.csv"
    path.write_bytes(_mutate(_head_of(shared_data, fmt), how))
    for requested in ("auto", fmt):
        result = ingest_file(hub, path, requested, dry_run=True)
        r = result.report
        assert r.fatal or r.rows_in == r.rows_accepted + r.rows_rejected
        assert r.fatal or r.rows_in > 0 or not result.ok
