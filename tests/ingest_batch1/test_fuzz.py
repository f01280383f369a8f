"""Fuzzed versions of the real files (truncated, shuffled, mis-encoded, garbage bytes): a report or a clean
refusal every time, never a traceback, and rows_in = accepted + rejected whenever rows were read."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litterhub.services.ingest import ingest_file

SOURCES = {
    "tides": ("ocean-conservancy-tides", "cleanswell_nov22.csv"),
    "ospar": ("ospar-nl-litteR", "beach-litter-nl-2012-2017-ospar-export.csv"),
    "hammerdirt": ("hammerdirt-swiss/iqaasl_end_process", "after_may_2021.csv"),
    "emodnet": ("emodnet-litter-format/seafloor", "Output_multiple_sheet_def.csv"),
}


def _head(shared_data, fmt: str, lines: int = 25) -> bytes:
    folder, name = SOURCES[fmt]
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


@pytest.mark.parametrize("fmt", sorted(SOURCES))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(how=mutation)
def test_mutated_files_give_reports_not_tracebacks(shared_data, tmp_path, hub, fmt, how):
    path = tmp_path / f"{fmt}-fuzz.csv"
    path.write_bytes(_mutate(_head(shared_data, fmt), how))
    for requested in ("auto", fmt):
        result = ingest_file(hub, path, requested, dry_run=True)
        r = result.report
        assert r.fatal or r.rows_in == r.rows_accepted + r.rows_rejected
        assert r.fatal or r.rows_in > 0 or not result.ok
