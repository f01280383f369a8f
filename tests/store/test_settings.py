"""One validated Settings: every LITTERHUB_* variable is a declared field, documented in docs/operations.md, read
once when the hub opens, and a bad value stops start-up with a message that names the variable."""

from __future__ import annotations

import ipaddress
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from litterhub.store.settings import Settings, SettingsError, documented

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src" / "litterhub"
NAME = re.compile(r"LITTERHUB_[A-Z0-9_]+")


def _settings_table() -> dict[str, str]:
    """{variable: row} of the table in docs/operations.md, section "Settings"."""
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        found = re.match(r"^\| `(LITTERHUB_[A-Z0-9_]+)` \|(.+)\|$", line)
        if found:
            rows[found.group(1)] = found.group(2)
    return rows


def test_every_setting_is_documented_and_every_documented_variable_exists():
    table = _settings_table()
    variables = documented()
    assert len(variables) == len(fields(Settings)) >= 30
    assert sorted(set(variables) - set(table)) == []  # a field without a row in docs/operations.md
    assert sorted(set(table) - set(variables)) == []  # a row for a variable the code does not read
    for variable, meaning in variables.items():
        assert meaning.strip(), variable


def test_every_litterhub_name_in_the_source_is_a_setting():
    variables = set(documented())
    unknown = {}
    for path in SRC.rglob("*.py"):
        for name in NAME.findall(path.read_text(encoding="utf-8")):
            # "LITTERHUB_DATACITE_*" in prose names a family of settings
            if name not in variables and not (name.endswith("_") and any(v.startswith(name) for v in variables)):
                unknown.setdefault(name, []).append(str(path.relative_to(REPO)))
    assert unknown == {}


def test_only_the_settings_module_reads_the_environment():
    readers = [str(p.relative_to(REPO)) for p in SRC.rglob("*.py")
               if re.search(r"os\.environ|getenv\(|envvar=", p.read_text(encoding="utf-8"))]
    assert readers == ["src/litterhub/store/settings.py"]


def test_values_are_typed_and_defaults_hold(tmp_path):
    empty = Settings.from_env(tmp_path, environ={})
    assert (empty.api_rate, empty.compute_slots, empty.max_upload_mb, empty.secure_cookies) == ((600, 60), 2, 50.0,
                                                                                               False)
    assert empty.database_url == f"sqlite:///{tmp_path.resolve() / 'catalog.sqlite'}"
    assert empty.trusted_proxies == () and empty.fault is None and empty.argon2_profile == "default"
    env = {"LITTERHUB_API_RATE": "5/10", "LITTERHUB_SECURE_COOKIES": "yes", "LITTERHUB_MAX_UPLOAD_MB": "0.5",
           "LITTERHUB_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8", "LITTERHUB_DB_POOL_SIZE": " ",
           "LITTERHUB_DATA": str(tmp_path / "elsewhere")}
    given = Settings.from_env(environ=env)
    assert given.api_rate == (5, 10) and given.secure_cookies is True and given.max_upload_mb == 0.5
    assert given.trusted_proxies == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))
    assert given.pool_size == 10  # blank means the default
    assert given.data_dir == (tmp_path / "elsewhere").resolve()
    assert Settings.from_env(tmp_path / "cli", environ=env).data_dir == (tmp_path / "cli").resolve()  # --data-dir wins


@pytest.mark.parametrize("variable,value,expected", [
    ("LITTERHUB_API_RATE", "fast", "'REQUESTS/SECONDS'"),
    ("LITTERHUB_API_RATE", "0/60", "'REQUESTS/SECONDS'"),
    ("LITTERHUB_COMPUTE_SLOTS", "two", "a whole number of at least 1"),
    ("LITTERHUB_MAX_UPLOAD_MB", "0", "a number above 0"),
    ("LITTERHUB_LITTER_RUN_HOURS", "nan", "a number of at least 0"),
    ("LITTERHUB_SECURE_COOKIES", "maybe", "1 or 0"),
    ("LITTERHUB_TRUSTED_PROXIES", "my-proxy", "IP addresses or CIDR blocks"),
    ("LITTERHUB_FAULT", "after-lunch", "one of after-stage"),
    ("LITTERHUB_DATACITE_API_URL", "api.datacite.org", "an http:// or https:// address"),
])
def test_a_bad_value_names_its_variable(tmp_path, variable, value, expected):
    with pytest.raises(SettingsError) as err:
        Settings.from_env(tmp_path, environ={variable: value})
    assert err.value.variable == variable
    assert str(err.value).startswith(f"{variable} must be ") and expected in str(err.value) and repr(value) in str(
        err.value)


def test_the_hub_reads_its_settings_once_when_it_opens(tmp_path, monkeypatch):
    from litterhub.services.hub import Hub

    monkeypatch.setenv("LITTERHUB_WRITE_RATE", "7/70")
    hub = Hub.open(tmp_path / "data")
    try:
        monkeypatch.setenv("LITTERHUB_WRITE_RATE", "8/80")  # later changes of the environment do not reach it
        assert hub.settings.write_rate == (7, 70)
    finally:
        hub.close()
    monkeypatch.setenv("LITTERHUB_WRITE_RATE", "lots")
    with pytest.raises(SettingsError, match="LITTERHUB_WRITE_RATE"):
        Hub.open(tmp_path / "data")


def test_cli_refuses_a_bad_value_in_one_line_with_status_2(tmp_path, monkeypatch):
    from litterhub.cli import app

    monkeypatch.setenv("LITTERHUB_COMPUTE_SLOTS", "many")
    result = CliRunner().invoke(app, ["datasets", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == ["error [bad-setting]: LITTERHUB_COMPUTE_SLOTS must be a whole number of at least 1, not 'many'"]
    assert not (tmp_path / "data").exists()  # it stopped before opening anything


def test_serve_refuses_to_start_with_a_bad_value(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LITTERHUB_DATA": str(tmp_path / "data"), "LITTERHUB_API_RATE": "quick"}
    res = subprocess.run([sys.executable, "-m", "litterhub.cli", "serve", "--port", "0"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert res.stderr.strip() == ("error [bad-setting]: LITTERHUB_API_RATE must be 'REQUESTS/SECONDS' with both at "
                                  "least 1, e.g. 600/60, not 'quick'")
    assert "Traceback" not in res.stderr and "serving" not in res.stdout


def test_the_lake_database_is_bounded_by_the_setting(tmp_path, monkeypatch):
    """LITTERHUB_DUCKDB_MEMORY_MB reaches DuckDB (an open database too), with its spill folder in the data dir."""
    from litterhub.services.hub import Hub
    from litterhub.store import duck

    monkeypatch.setenv("LITTERHUB_DUCKDB_MEMORY_MB", "300")
    hub = Hub.open(tmp_path / "data")
    try:
        con = duck.connect()
        limit = con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]
        spill = con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0]
        assert limit.replace(" ", "") in ("300.0MiB", "300MiB", "314.5MB", "314.5MiB"), limit
        folder = tmp_path / "data" / "spill" / "duckdb"
        assert spill == str(folder) and folder.is_dir()
        # a query that must spill past a tiny bound works (the folder exists for DuckDB to write in)
        con.execute("SET memory_limit = '48MiB'")
        con.execute("SET threads = 1")
        groups = ("SELECT (i * 7919) % 6000000 AS k, any_value(i::VARCHAR || 'padding-padding') AS v "
                  "FROM range(6000000) t(i) GROUP BY k")
        assert con.sql(f"SELECT count(*) FROM ({groups})").fetchall()[0][0] == 6_000_000  # noqa: S608 - fixed SQL
    finally:
        duck.connect().execute("RESET threads")  # global settings: the next test's hub must not inherit them
        hub.close()
    monkeypatch.setenv("LITTERHUB_DUCKDB_MEMORY_MB", "700")
    Hub.open(tmp_path / "data").close()
    assert duck.connect().sql("SELECT current_setting('memory_limit')").fetchall()[0][0].startswith("700")
