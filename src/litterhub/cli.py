"""The `litterhub` command line: thin wrappers that parse arguments, call a service and print.

Core commands live here; each capability adds its own commands from a module in
`litterhub.commands` that exposes `register(app)`, so capabilities stay in their own files.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import litterhub.commands

app = typer.Typer(
    name="litterhub",
    help="litterhub: open global knowledge hub on marine litter and microplastics.",
    no_args_is_help=True,
    add_completion=False,
)


def _register_capabilities() -> None:
    for info in sorted(pkgutil.iter_modules(litterhub.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"litterhub.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_capabilities()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
