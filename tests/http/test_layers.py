"""The layers of .importlinter hold (the same check as `make lint`), the three import cycles that hid behind
function-level imports stay broken, and importing the whole package registers no error code anywhere."""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import litterhub

ROOT = Path(__file__).resolve().parents[2]
BROKEN_CYCLES = [("litterhub.ingest.cells", "litterhub.ingest.dates"),
                 ("litterhub.services.metadata", "litterhub.services.ogc"),
                 ("litterhub.services.contributions", "litterhub.services.review")]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("litterhub")


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a dev dependency (pyproject.toml)"
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("one, other", BROKEN_CYCLES)
def test_no_cycle_between(graph, one, other):
    both = graph.direct_import_exists(importer=one, imported=other) and \
        graph.direct_import_exists(importer=other, imported=one)
    assert not both, f"{one} and {other} import each other (function-level imports count)"


def test_the_faces_never_import_each_other(graph):
    for face, other in (("litterhub.web", "litterhub.api"), ("litterhub.api", "litterhub.web")):
        found = sorted((m, i) for m in graph.find_descendants(face) | {face}
                       for i in graph.find_modules_directly_imported_by(m) if i == other or i.startswith(other + "."))
        assert not found, f"{face} imports {other}: {found[:3]}"


def test_importing_everything_registers_no_error_code():
    from litterhub.ingest.report import CODES

    before = dict(CODES)
    for info in pkgutil.walk_packages(litterhub.__path__, "litterhub."):
        importlib.import_module(info.name)
    assert CODES == before
