"""CLI start-up: `litterhub --help` and `import litterhub.cli` load no capability, yet list every command.

The overview comes from the table `litterhub.cli.COMMANDS` (OFFERED: the entries whose module is present);
these tests hold that table to what the command modules really register, so a new or renamed command cannot
silently drop out of `litterhub --help`.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import litterhub.commands
from litterhub.cli import OFFERED, app, module_commands

runner = CliRunner()
# what a command's own work needs, never the overview: each costs 0.1-0.7 s of CPU to import
HEAVY = ("duckdb", "pandas", "pyarrow", "numpy", "fastapi", "starlette", "sqlalchemy", "alembic", "litterhub.services")


def _loaded_after(code: str) -> dict:
    """Run `code` in a fresh interpreter; report which HEAVY modules it imported and what it printed."""
    probe = (f"import sys, io, contextlib\nout = io.StringIO()\nwith contextlib.redirect_stdout(out):\n"
             f"    try:\n        {code}\n    except SystemExit:\n        pass\n"
             f"import json\nprint(json.dumps({{'out': out.getvalue(), 'loaded': sorted(m for m in sys.modules "
             f"if m.split('.')[0] in {HEAVY!r} or m.startswith('litterhub.services'))}}))")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_capability():
    assert _loaded_after("import litterhub.cli")["loaded"] == []


def test_help_lists_every_command_without_loading_them():
    seen = _loaded_after("sys.argv = ['litterhub', '--help']; import litterhub.cli as c; c.main()")
    assert seen["loaded"] == []
    listed = {line.split()[1] for line in seen["out"].splitlines() if line.startswith("│ ") and line[2] != " "}
    assert set(OFFERED) <= listed, set(OFFERED) - listed


def test_the_table_is_what_the_modules_register():
    """Every module with `register` is in the table, with exactly its commands and their one-line help."""
    real = {}
    for info in pkgutil.iter_modules(litterhub.commands.__path__):
        if getattr(importlib.import_module(f"litterhub.commands.{info.name}"), "register", None) is None:
            continue
        for name, command in module_commands(info.name).commands.items():
            first = command.short_help or " ".join((command.help or "").strip().split("\n\n")[0].split())
            real[name] = (info.name, first)
    assert real == {name: (entry.module, entry.help) for name, entry in OFFERED.items()}


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_each_command_help_is_complete(name):
    """`litterhub CMD --help` shows the real command: its options, or every subcommand of a group."""
    command = module_commands(OFFERED[name].module).commands[name]
    res = runner.invoke(app, [name, "--help"])
    assert res.exit_code == 0, res.output
    expected = list(getattr(command, "commands", {})) or [
        opt for param in command.params for opt in param.opts if opt.startswith("--")]
    for word in expected:
        assert word in res.output, (name, word)


def test_a_typo_suggests_the_command():
    res = runner.invoke(app, ["datset"])
    assert res.exit_code != 0 and "datasets" in res.output
