"""One real import of the five chemicals databases (through the CLI) shared by the tests of this package."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from litterhub.cli import app


@pytest.fixture(scope="session")
def chem_folder(shared_data):
    return shared_data / "plastic-chemicals"


@pytest.fixture(scope="session")
def chem_import(tmp_path_factory, chem_folder):
    """(data dir, report) after `litterhub registry import-chemicals PATH --json` on the real files."""
    data_dir = tmp_path_factory.mktemp("chem") / "data"
    result = CliRunner().invoke(app, ["registry", "import-chemicals", str(chem_folder), "--json",
                                      "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return data_dir, json.loads(result.output)


@pytest.fixture(scope="session")
def chem_hub(chem_import):
    from litterhub.services.hub import Hub

    h = Hub.open(chem_import[0])
    yield h
    h.close()


@pytest.fixture(scope="session")
def chem_client(chem_hub):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    with TestClient(create_app(chem_hub)) as c:
        yield c
