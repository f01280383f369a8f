"""The `litterhub` command line: thin wrappers that parse arguments, call a service and print.

Core commands live here; each capability adds its own commands from a module in
`litterhub.commands` that exposes `register(app)`, so capabilities stay in their own files.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import typer

import litterhub.commands

app = typer.Typer(
    name="litterhub",
    help="litterhub: open global knowledge hub on marine litter and microplastics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_capabilities() -> None:
    for info in sorted(pkgutil.iter_modules(litterhub.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"litterhub.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_capabilities()


def main() -> None:
    """Run the CLI; an unexpected failure is one line on stderr and exit status 1, never a traceback
    (set LITTERHUB_DEBUG=1 to see it)."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence for people at a terminal
        if os.environ.get("LITTERHUB_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("(this is a bug or an unusable input; set LITTERHUB_DEBUG=1 for the details)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
