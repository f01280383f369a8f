"""The `litterhub` command line: thin wrappers that parse arguments, call a service and print.

Core commands live in `litterhub.commands.core`; each capability adds its own commands from a module in
`litterhub.commands` that exposes `register(app)`, so capabilities stay in their own files.

Start-up contract: importing this module imports no capability. `COMMANDS` names every command, the
module that registers it and its one-line help, so `litterhub --help` is printed from that table and
`litterhub CMD ...` imports only CMD's module (pandas, DuckDB, SQLAlchemy and FastAPI load only for
the commands that use them). A module in `litterhub.commands` missing from the table still works: it is
imported eagerly, at the old cost, and tests/cli/test_cli_startup.py fails until it is listed.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from difflib import get_close_matches
from typing import NamedTuple

import typer
import typer.core
import typer.main
from typer import _click as click  # typer vendors its own click; its groups and commands are of that one
from typer._click.exceptions import UsageError

import litterhub.commands
from litterhub.errors import HubError


class Entry(NamedTuple):
    """Where a top-level command comes from and the line `litterhub --help` shows for it."""

    module: str
    help: str


# Order is the order of `litterhub --help` (modules alphabetically, then registration order).
COMMANDS: dict[str, Entry] = {
    "analyse": Entry("analyse", "Indicators on the hub's datasets (litteR statistics, EU TV, OSPAR, SDG 14.1.1b)."),
    "chemicals": Entry("chemicals", "Chemicals in plastics: search, show a substance, the lens of an item."),
    "init": Entry("core", "Create the data directory and the catalog (applies migrations; safe to repeat)."),
    "ingest": Entry("core", "Validate, harmonise and store a programme export as a new dataset version."),
    "validate": Entry("core", "Check a file completely without storing anything (same report as ingest)."),
    "datasets": Entry("core", "List the datasets in the hub with their current version."),
    "serve": Entry("core", "Start the web hub and API."),
    "demo": Entry("core", "Initialise the hub, load the bundled real samples and serve it."),
    "countries": Entry("countries", "Country profiles: monitoring, indicators, inventories, records, memberships."),
    "regions": Entry("countries", "Regional Seas programmes and other country groups."),
    "doi": Entry("doi", "DataCite DOIs of dataset versions (drafts until minted)."),
    "downloads": Entry("downloads", "Stored dataset-version downloads: pre-build, show or clear them."),
    "duplicates": Entry("duplicates", "Find the same survey arriving through two datasets (site, date, transect, "
                        "items); flag every pair with its evidence, leave only exact copies out of indicators."),
    "events": Entry("events", "Events calendar: meetings, trainings and cleanups; iCalendar feeds."),
    "evidence": Entry("evidence", "Living evidence review: evidence records, two-screener screening, evidence maps, "
                      "CSV and RIS exports."),
    "export": Entry("export", "Bulk snapshot of every dataset's current version, with the catalogue and a "
                    "checksummed manifest."),
    "forum": Entry("forum", "Forum: threads by theme, region and country."),
    "notifications": Entry("forum", "Notifications: send the e-mail digest and retry unsent e-mail (cron)."),
    "figures": Entry("figures", "National figures: a focal point's own inventory inputs and beach widths, reviewed."),
    "summary": Entry("front_door", "What the hub holds, pillar by pillar (the home page's figures)."),
    "find": Entry("front_door", "Search every pillar at once: records, datasets, items, countries, evidence, "
                  "chemicals, threads, people."),
    "compare": Entry("front_door", "Datasets side by side: one column per dataset and comparability class, never "
                     "pooled."),
    "survey-items": Entry("front_door", "Master items by the surveys that found them in a country (the phone "
                          "survey's item order)."),
    "inventory": Entry("inventory", "National source inventories: plastic leakage to waterways and the ocean "
                       "(Jambeck 2015, Meijer 2021, Borrelle 2020, primary microplastics)."),
    "learning": Entry("learning", "Learning centre: courses, manuals and videos tied to the protocols; learning "
                      "paths."),
    "litter": Entry("litter", "Run litteR's analysis (litteR 1.0.0 compatible) on a litteR settings file."),
    "mapping": Entry("mapping", "Declarative column mappings for programmes without their own adapter (then: "
                     "litterhub ingest FILE --format generic --mapping mapping.yaml)."),
    "microplastics": Entry("microplastics", "Microplastic size-range alignment (Koelmans et al. 2020; Kooi et al. "
                           "2021)."),
    "peer-review": Entry("peer_review", "Advisory body: expert roster with declared conflicts, peer review of "
                         "guidelines, reports and practices."),
    "people": Entry("people", "People: opt-in public profiles, the expert directory, invitations."),
    "plan": Entry("plan", "National action-plan workspace: seven steps prefilled from the hub, measures tracked from "
                  "the surveys, sign-off, export."),
    "quarantine": Entry("quarantine", "Rejected rows of a dataset version with their reasons; re-submit them once "
                        "corrected."),
    "report": Entry("report", "Reporting packs: a country's figures for one year as PDF, CSV and a manifest."),
    "registry": Entry("registry", "Knowledge registry: import, export, search, seed."),
    "sites": Entry("sites", "Sites and their marine regions."),
    "spark-job": Entry("spark", "Write the whole-lake beach statistics and composition as an Apache Spark job "
                       "(job.json + spark-submit script)."),
    "summaries": Entry("summaries", "Per-version summaries (sites, facets, counts) that the read faces serve."),
    "teams": Entry("teams", "Volunteer teams: members, shared surveys, their effect on the figures, leaderboards."),
    "treaty": Entry("treaty", "Treaty readiness: instruments, negotiation sessions, party statuses, a country's "
                    "readiness view."),
    "users": Entry("users", "Accounts, roles and API keys."),
    "vocab": Entry("vocab", "Harmonised monitoring vocabulary: master items, crosswalks, coverage, SKOS."),
    "widths": Entry("widths", "Beach widths per site for SDG 14.1.1b (versioned: a new entry never overwrites)."),
}


def module_commands(module_name: str) -> click.Group:
    """The click group of everything `litterhub.commands.<module_name>` registers (imports that module)."""
    module = importlib.import_module(f"litterhub.commands.{module_name}")
    holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    holder.callback()(lambda: None)  # a callback makes typer build a group even for a single command
    module.register(holder)
    return typer.main.get_group(holder)


# listing the package's files is cheap; a table entry whose module is absent is not offered
_PRESENT = {info.name for info in pkgutil.iter_modules(litterhub.commands.__path__)}
OFFERED = {name: entry for name, entry in COMMANDS.items() if entry.module in _PRESENT}


class LazyGroup(typer.core.TyperGroup):
    """The top-level group: lists the table's commands without importing them, loads one when it is invoked."""

    _describing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        eager = [name for name in self.commands if name not in OFFERED]
        return [*OFFERED, *eager]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in OFFERED:
            return self.commands.get(cmd_name)
        entry = OFFERED[cmd_name]
        if self._describing:  # the overview needs only the name and the line of the table
            return typer.core.TyperCommand(cmd_name, help=entry.help)
        command = module_commands(entry.module).commands.get(cmd_name)
        if command is not None:
            self.commands[cmd_name] = command
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:  # typer suggests only among loaded commands; offer all of them
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and "Did you mean" not in exc.message:
                exc.message = exc.message.rstrip(".") + ". Did you mean " + ", ".join(map(repr, matches)) + "?"
            raise

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._describing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._describing = False


app = typer.Typer(
    name="litterhub",
    help="litterhub: open global knowledge hub on marine litter and microplastics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


@app.callback()
def _root() -> None:
    """litterhub: open global knowledge hub on marine litter and microplastics."""
    _check_settings()


def _check_settings() -> None:
    """Fail fast: an unusable LITTERHUB_* value is one line naming the variable and exit status 2, before any
    command (and so before `serve`) starts."""
    from litterhub.store.settings import Settings, SettingsError

    try:
        Settings.from_env()
    except SettingsError as exc:
        typer.echo(f"error [{exc.code}]: {exc}", err=True)
        raise typer.Exit(2) from None


def _debug() -> bool:
    """LITTERHUB_DEBUG (Settings.debug): show the traceback of an unexpected failure."""
    from litterhub.store.settings import Settings, SettingsError

    try:
        return Settings.from_env().debug
    except SettingsError:
        return False


def _register_unlisted() -> None:
    """Register, eagerly, command modules that `COMMANDS` does not name yet (so nothing new goes missing)."""
    listed = {entry.module for entry in COMMANDS.values()}
    for name in sorted(_PRESENT - listed):
        register = getattr(importlib.import_module(f"litterhub.commands.{name}"), "register", None)
        if register is not None:
            register(app)


_register_unlisted()




def main() -> None:
    """Run the CLI; a refusal (HubError) is one line on stderr and exit status 2, an unexpected failure one
    line and exit status 1, never a traceback (set LITTERHUB_DEBUG=1 to see it)."""
    try:
        app()
    except SystemExit:
        raise
    except HubError as exc:  # a refusal (litterhub/errors.py): its message and code on one line, exit status 2
        print(f"error: {exc} ({exc.code})", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - last line of defence for people at a terminal
        if _debug():
            raise
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("(this is a bug or an unusable input; set LITTERHUB_DEBUG=1 for the details)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
