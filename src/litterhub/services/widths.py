"""Beach widths per site for SDG 14.1.1b: who may give one, how it is checked, stored and used.

Items per km² needs a surveyed area, and most beach protocols record only a length. The width of a survey
is taken, in this order, from:

1. the survey itself (an area, or a width beside the length, in the export);
2. the site's width table: entries given by a national officer (CLI, API or web form), each with its
   source, date and who gave it. Entries are **versioned**: a new entry never overwrites an older one, it
   gets the next revision; the latest revision applies and the older ones stay visible as the history;
3. an assumed width, **only when asked for** (`--assume-width M`), flagged in every output.

Otherwise the survey is not computable, and the country says so with the beaches (sites) lacking a width
and what to provide. Writes need the reviewer role (national officers curate their country's data; an
API key needs the `curate` scope); the command line acts as the local operator unless `--by` names an
account.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from litterhub.analysis import sdg as sdg_analysis
from litterhub.errors import HubError
from litterhub.model.csvsafe import safe_cell
from litterhub.services import auth
from litterhub.services.hub import Hub
from litterhub.services.indicators import site_names
from litterhub.store import tables as t
from litterhub.store import width_tables as wt

WRITE_ROLE = "reviewer"
WRITE_SCOPE = "curate"
# A surveyed beach strip (water line to the back of the beach) narrower than 1 m or wider than 1 km is almost
# surely a unit slip (km, feet) or an area typed as a width: refused, with the range in the message.
MIN_WIDTH_M = 1.0
MAX_WIDTH_M = 1000.0
MAX_SOURCE_CHARS = 500
MAX_NOTE_CHARS = 2000
MAX_IMPORT_ROWS = 100_000
IMPORT_COLUMNS = ("site_id", "width_m", "source", "note")
WHAT_TO_PROVIDE = {
    "no-width": "the beach width of each site listed (metres, water line to the back of the beach): "
                "`litterhub widths set SITE WIDTH --source …`, `litterhub widths import widths.csv`, "
                "POST /api/v1/widths or the form at /widths; or a width column in the export",
    "no-length": "the surveyed length (or area) of each survey in the export: a beach width alone gives no area",
    "no-towed-area": "the towed area of each tow (net mouth width × tow length) in the export",
    "no-country": "the country of each site (coordinates inside a country's waters, or a country column)",
    "not-marine": "nothing: lake and river shores are outside SDG 14.1.1b (marine litter)",
}


class WidthError(HubError, ValueError):
    """A width request that cannot be done: a stable `code`, a message for people, the HTTP status to answer,
    and for a file the problems per line."""

    def __init__(self, code: str, message: str, status: int = 400, field: str | None = None,
                 errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.code, self.status, self.field = code, status, field
        self.errors = errors or [{"code": code, "field": field, "message": message}]


@dataclass(frozen=True)
class Giver:
    """Who gives a width: `actor` as in the audit log (user:12, cli), their role and, for accounts, the id."""

    actor: str
    role: str
    user_id: int | None = None
    name: str | None = None


CLI_OPERATOR = Giver("cli", "admin", None, "command line (local operator)")


def giver_for(principal: auth.Principal) -> Giver:
    return Giver(principal.actor, principal.role, principal.id,
                 principal.user.public_name or f"user {principal.id}")


def cli_giver(hub: Hub, email: str | None) -> Giver:
    """The local operator, or the account named by `--by EMAIL` (which must hold the reviewer role)."""
    if not email:
        return CLI_OPERATOR
    user = auth.find_user(hub, email)
    if user is None or not user.active:
        raise WidthError("width-unknown-user", f"no active account {email!r} (create it with `litterhub users add`)",
                         404, "by")
    return Giver(f"user:{user.id}", user.role, user.id, user.public_name or f"user {user.id}")


# --- checking ----------------------------------------------------------------------------------------------

def check_width(value: Any, field_name: str = "width_m") -> float:
    """A width in metres within the plausible range, or a WidthError saying what is wrong."""
    try:
        width = float(str(value).strip().replace(",", ".")) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise WidthError("width-invalid", f"the width must be a number of metres, got {value!r}",
                         field=field_name) from None
    if not math.isfinite(width) or not MIN_WIDTH_M <= width <= MAX_WIDTH_M:
        raise WidthError("width-out-of-range", f"a beach width must be between {MIN_WIDTH_M:g} and "
                         f"{MAX_WIDTH_M:g} m, got {value!r} (metres, water line to the back of the beach)",
                         field=field_name)
    return width


def check_assumed(value: float | None) -> float | None:
    """An assumed width is optional; when given it obeys the same range as a measured one."""
    return None if value is None else check_width(value, "assume_width")


def _text(value: Any, field_name: str, limit: int, required: bool) -> str | None:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise WidthError("width-source-missing", "say where the width comes from (--source): a survey sheet, "
                         "a report, a measurement on an orthophoto, …", field=field_name)
    if len(text) > limit:
        raise WidthError("width-text-too-long", f"{field_name} may have at most {limit} characters", field=field_name)
    return text or None


def _existing_sites(conn, site_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(site_ids), 500):
        found.update(conn.execute(select(t.sites.c.id).where(t.sites.c.id.in_(site_ids[i:i + 500]))).scalars())
    return found


def _may_write(giver: Giver) -> None:
    if not auth.at_least(giver.role, WRITE_ROLE):
        raise WidthError("width-forbidden", f"giving a beach width needs the {WRITE_ROLE} role "
                         f"(national officers); you act as {giver.role}", 403)


# --- writing -----------------------------------------------------------------------------------------------

@dataclass
class _Entry:
    site_id: str
    width_m: float
    source: str
    note: str | None = None
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _insert(conn, entry: _Entry, giver: Giver, now: datetime) -> int:
    """Append the next revision for the site (never an update), with its audit-log row."""
    w = wt.site_widths
    latest = conn.execute(select(func.max(w.c.revision)).where(w.c.site_id == entry.site_id)).scalar()
    revision = int(latest or 0) + 1
    conn.execute(insert(w).values(site_id=entry.site_id, revision=revision, width_m=entry.width_m,
                                  source=entry.source, note=entry.note, given_by=giver.actor,
                                  user_id=giver.user_id, given_at=now))
    auth.audit(conn, giver.actor, "site.width.given", f"site:{entry.site_id}",
               {"revision": revision, "width_m": entry.width_m, "source": entry.source})
    return revision


def _write(hub: Hub, entries: list[_Entry], giver: Giver) -> list[dict[str, Any]]:
    _may_write(giver)
    ids = sorted({e.site_id for e in entries})
    now = datetime.now(UTC)
    for attempt in range(2):  # two writers racing for the same next revision: the loser retries once
        try:
            with hub.engine.begin() as conn:
                unknown = sorted(set(ids) - _existing_sites(conn, ids))
                if unknown:
                    lines = {e.site_id: e.line for e in entries}
                    raise WidthError("width-unknown-site", f"no site {unknown[0]!r} in the hub"
                                     + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else "")
                                     + "; site ids are listed by `litterhub widths list --missing`", 404, "site_id",
                                     errors=[{"line": lines.get(s), "field": "site_id", "code": "width-unknown-site",
                                              "message": f"no site {s!r} in the hub"} for s in unknown])
                revisions = [_insert(conn, e, giver, now) for e in entries]
            break
        except IntegrityError:
            if attempt:
                raise WidthError("width-conflict", "another width for the same site was given at the same moment; "
                                 "try again", 409) from None
    return [{"site_id": e.site_id, "revision": r, "width_m": e.width_m, "source": e.source, "note": e.note,
             "given_by": giver.actor, "given_by_name": giver.name, "given_at": now.isoformat()}
            for e, r in zip(entries, revisions, strict=True)]


def give_width(hub: Hub, giver: Giver, site_id: str, width_m: Any, source: str, note: str | None = None
               ) -> dict[str, Any]:
    """Record a width for one site as its next revision; returns the stored entry."""
    site = _text(site_id, "site_id", 40, required=False)
    if not site:
        raise WidthError("width-unknown-site", "name the site (its id, e.g. from `litterhub widths list --missing`)",
                         field="site_id")
    entry = _Entry(site, check_width(width_m), _text(source, "source", MAX_SOURCE_CHARS, True) or "",
                   _text(note, "note", MAX_NOTE_CHARS, False))
    return _write(hub, [entry], giver)[0]


@dataclass
class Imported:
    """What an import stored, and the lines of the template's rows left blank (no width and no source)."""

    entries: list[dict[str, Any]]
    skipped_lines: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {"stored": len(self.entries), "skipped_blank_rows": len(self.skipped_lines),
                "skipped_lines": self.skipped_lines, "entries": self.entries}


def import_widths(hub: Hub, giver: Giver, text: str, default_source: str | None = None) -> Imported:
    """All or nothing: a CSV with columns site_id, width_m, source (or --source for every row), note. Every bad
    row is reported with its line; nothing is stored unless every row is good. A row of the `--missing`
    template left blank (neither a width nor its own source) is skipped and said so: the beach stays listed."""
    _may_write(giver)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("site_id", "width_m") if c not in header]
    if "source" not in header and not default_source:
        missing.append("source")
    if missing:
        raise WidthError("width-file-invalid", f"the file needs the column(s) {', '.join(missing)} "
                         f"(columns: {', '.join(IMPORT_COLUMNS)}; or give --source for every row)", field="file")
    reader.fieldnames = header
    entries: list[_Entry] = []
    errors: list[dict[str, Any]] = []
    skipped: list[int] = []
    for row in reader:
        line = reader.line_num
        if len(entries) + len(errors) + len(skipped) >= MAX_IMPORT_ROWS:
            raise WidthError("width-file-invalid", f"at most {MAX_IMPORT_ROWS} rows per file", field="file")
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        if not (row.get("width_m") or "").strip() and not (row.get("source") or "").strip():
            skipped.append(line)  # a beach of the template not filled in (yet)
            continue
        try:
            site = _text(row.get("site_id"), "site_id", 40, required=False)
            if not site:
                raise WidthError("width-unknown-site", "the site id is empty", field="site_id")
            entries.append(_Entry(site, check_width(row.get("width_m")),
                                  _text(row.get("source") or default_source, "source", MAX_SOURCE_CHARS, True) or "",
                                  _text(row.get("note"), "note", MAX_NOTE_CHARS, False), line))
        except WidthError as exc:
            errors.append({"line": line, "field": exc.field, "code": exc.code, "message": str(exc)})
    if errors:
        raise WidthError("width-file-invalid", f"{len(errors)} row(s) are not usable; nothing was stored",
                         field="file", errors=errors)
    if not entries:
        raise WidthError("width-file-invalid", "the file has no filled-in rows (each needs site_id, width_m and "
                         "source)", field="file")
    return Imported(_write(hub, entries, giver), skipped)


# --- reading -----------------------------------------------------------------------------------------------

def _frame(rows: list[Any]) -> pd.DataFrame:
    columns = ["site_id", "site_name", "country", "revision", "width_m", "source", "note", "given_by", "given_at"]
    frame = pd.DataFrame([dict(r._mapping) for r in rows], columns=columns)
    frame["given_at"] = [g.isoformat() if hasattr(g, "isoformat") else g for g in frame["given_at"]]
    return frame


def _select(latest_only: bool):
    w, s = wt.site_widths, t.sites
    query = (select(w.c.site_id, s.c.name.label("site_name"), s.c.country, w.c.revision, w.c.width_m, w.c.source,
                    w.c.note, w.c.given_by, w.c.given_at).join(s, s.c.id == w.c.site_id))
    if latest_only:
        top = select(w.c.site_id, func.max(w.c.revision).label("rev")).group_by(w.c.site_id).subquery()
        query = query.join(top, (top.c.site_id == w.c.site_id) & (top.c.rev == w.c.revision))
    return query


def _public_names(frame: pd.DataFrame, hub: Hub) -> pd.DataFrame:
    """`given_by_name`: the account's public name if its owner chose to show it, else "user N"; the CLI operator
    is "command line"."""
    if frame.empty:
        frame["given_by_name"] = pd.Series(dtype="string")
        return frame
    users = {u.id: u for u in auth.list_users(hub)}
    ids = pd.to_numeric(frame["given_by"].str.removeprefix("user:"), errors="coerce")
    frame["given_by_name"] = [
        CLI_OPERATOR.name if g == "cli" else
        ((users[int(i)].public_name if int(i) in users else None) or f"user {int(i)}") if pd.notna(i) else g
        for g, i in zip(frame["given_by"], ids, strict=True)]
    return frame


def list_widths(hub: Hub, country: str | None = None, site_id: str | None = None, history: bool = False
                ) -> pd.DataFrame:
    """The width entries in force (latest revision per site), or every revision with `history`; newest first."""
    query = _select(latest_only=not history)
    if country:
        query = query.where(t.sites.c.country == country.upper())
    if site_id:
        query = query.where(wt.site_widths.c.site_id == site_id)
    query = query.order_by(wt.site_widths.c.site_id, wt.site_widths.c.revision.desc())
    with hub.engine.connect() as conn:
        frame = _frame(conn.execute(query).all())
    return _public_names(frame, hub)


def register_latest(hub: Hub, con: duckdb.DuckDBPyConnection, name: str = "_site_widths") -> str:
    """Put the widths in force into a DuckDB relation (site_id, width_m, revision) for the SDG computation."""
    latest = list_widths(hub)
    frame = pd.DataFrame({"site_id": latest["site_id"].astype("string"),
                          "width_m": latest["width_m"].astype("float64"),
                          "revision": latest["revision"].astype("int64")})
    con.register(name, frame)
    return name


# --- the SDG computation with widths ------------------------------------------------------------------------

def state(hub: Hub) -> tuple[int, str]:
    """What the widths table holds, in two numbers (revisions are only ever added, never changed): part of the key
    of a stored SDG result, so a new width is used at once."""
    w = wt.site_widths
    with hub.engine.connect() as conn:
        n, last = conn.execute(select(func.count(), func.max(w.c.given_at))).one()
    return int(n), str(last or "")


def sdg_tables(hub: Hub, con: duckdb.DuckDBPyConnection, country: str | None, assume_width: float | None,
               events: str = "events", klass: str | None = None
               ) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str, dict[str, Any]]], dict[str, Any]]:
    """SDG 14.1.1b over the connection's `events` (or relation `events`)/`observations`: (tables, warnings as
    (code, message, extra), summary). Tables: `sdg` (country × year × comparability-class values), `countries`
    (computed / partly / not computable, because…), `not_computable` (per country-year-class and reason),
    `missing_widths` (the beaches to give a width for), `widths_used` (the width-table entries behind the
    values). `klass` keeps the surveys of that comparability class only."""
    assume_width = check_assumed(assume_width)
    widths = register_latest(hub, con)
    per_event = sdg_analysis.densities(con, events, country=country, widths=widths, assume_width=assume_width)
    if klass:
        per_event = per_event[per_event[sdg_analysis.CLASS_COLUMN] == klass].reset_index(drop=True)
    tables = sdg_analysis.tables(per_event)
    names = site_names(hub, tables["missing_widths"]["site_id"].tolist())
    tables["missing_widths"].insert(2, "site_name", tables["missing_widths"]["site_id"].map(names))
    tables["missing_widths"]["what_to_provide"] = WHAT_TO_PROVIDE["no-width"]
    tables["not_computable"]["what_to_provide"] = tables["not_computable"]["code"].map(WHAT_TO_PROVIDE)
    countries = tables["countries"]
    countries["what_to_provide"] = [
        "; ".join(WHAT_TO_PROVIDE[c] for c in codes.split()) if codes else ""
        for codes in countries["codes"]]
    used_ids = set(per_event.loc[per_event["width_source"] == sdg_analysis.FROM_TABLE, "site_id"].dropna())
    in_force = list_widths(hub)
    tables["widths_used"] = in_force[in_force["site_id"].isin(used_ids)].reset_index(drop=True)

    warnings: list[tuple[str, str, dict[str, Any]]] = []
    n_missing = int(tables["not_computable"]["events"].sum()) if len(tables["not_computable"]) else 0
    if n_missing:
        warnings.append(("sdg-not-computable", f"{n_missing} surveys give no SDG value (no width, no length, no "
                         "country, or not marine): see the tables countries, not_computable and missing_widths for "
                         "the reason and what to provide", {"events": n_missing}))
    n_assumed = int((per_event["width_source"] == sdg_analysis.ASSUMED).sum())
    if n_assumed:
        warnings.append(("sdg-assumed-width", f"ASSUMED WIDTH: {n_assumed} surveys use an assumed beach width of "
                         f"{assume_width:g} m, not a measured one; their rows say WIDTH_ASSUMED = true and NATURE = E "
                         "(estimated)", {"events": n_assumed}))
    status = countries["status"].value_counts().to_dict() if len(countries) else {}
    summary = {"countries_computed": int(status.get("computed", 0)),
               "countries_partly_computed": int(status.get("partly computed", 0)),
               "countries_not_computable": int(status.get("not computable", 0)),
               "surveys_with_assumed_width": n_assumed, "width_assumed": bool(n_assumed),
               "headline_values": int(tables["sdg"][sdg_analysis.HEADLINE_FIELD].sum()) if len(tables["sdg"]) else 0,
               "surveys_with_published_density": int((per_event["width_source"] == sdg_analysis.FROM_DENSITY).sum()),
               "assumed_width_m": assume_width,
               "surveys_by_width_source": {str(k): int(v) for k, v in
                                           per_event["width_source"].value_counts().items()}}
    return tables, warnings, summary


def template_csv(missing: pd.DataFrame) -> str:
    """The beaches lacking a width as a CSV to fill in and give back to `widths import` (same columns)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*IMPORT_COLUMNS, "site_name", "country", "surveys"])
    for row in missing.itertuples():
        writer.writerow([row.site_id, "", "", "", safe_cell(row.site_name or ""), row.country or "", row.events])
    return out.getvalue()
