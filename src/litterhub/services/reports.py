"""The national reporting pack: one country's profile for one reporting year as a bundle of files.

Contract:
- `national(hub, iso3, year, lang, render_pdf)` returns a `Bundle`: a PDF report rendered by `render_pdf` (the
  layer above passes web/report_pdf.py: WeasyPrint from the country page's own templates, countries/report.html
  including countries/_indicators.html), the SDG 14.1.1 (b) data-exchange CSV, the MSFD threshold-value and
  trend tables as CSV, and `manifest.json` (every file with its sha256 and size, the dataset versions used, the
  hub version and the parameters). The CLI (`litterhub report national`), the API job and the page's button all
  call it, so they write the same bytes.
- Numbers are never computed here: they are the country profile's (services/countries.py), whose cached results
  are the CLI's `analyse` results.
- Deterministic: the same published inputs give byte-identical files. Nothing depends on the clock: the PDF's
  dates and the zip entries' timestamps are the newest dataset version's creation time; rows and files are sorted.
- Figures for years after the reporting year are left out; what cannot be computed is listed with what to provide.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import select, tuple_

from litterhub import __version__
from litterhub.services import countries, indicators
from litterhub.services.datasets import BadRequest
from litterhub.services.hub import Hub
from litterhub.store import tables as t


class PdfRenderer(Protocol):
    """(profile, year, lang, context) -> (html, pdf bytes): the report's PDF, made by the layer that has templates."""

    def __call__(self, p: dict[str, Any], year: int, lang: str, context: dict[str, Any]) -> tuple[str, bytes]: ...


FIRST_YEAR, LAST_YEAR = 1990, 2100  # beach-litter monitoring programmes start in the 1990s
EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # zip's earliest date: a hub without data still gets a fixed timestamp
MANIFEST = "manifest.json"
FILES = {"pdf": "report.pdf", "sdg": "sdg-14.1.1b.csv", "threshold": "msfd-threshold.csv", "trends": "trends.csv"}


@dataclass(frozen=True)
class Bundle:
    """The pack's files by name (manifest included) and the name of its zip."""

    name: str
    files: dict[str, bytes]

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.files[MANIFEST])

    def zip_bytes(self) -> bytes:
        """The files in one zip, sorted, each stamped with the data's time (never the clock's)."""
        stamp = self.manifest["created"]
        when = datetime.fromisoformat(stamp).timetuple()[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(self.files):
                info = zipfile.ZipInfo(f"{self.name}/{name}", date_time=when)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[name])
        return buffer.getvalue()

    def write(self, out: Path) -> Path:
        """Write the files under `out/<name>/` and the zip beside them; returns the zip's path."""
        folder = out / self.name
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (folder / name).write_bytes(data)
        target = out / f"{self.name}.zip"
        target.write_bytes(self.zip_bytes())
        return target


def check_year(year: int) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadRequest(f"year must be between {FIRST_YEAR} and {LAST_YEAR}, got {year!r}")
    return year


def _upto(result, table: str, year: int, keep) -> indicators.IndicatorResult:
    """`result` with only `table`, reduced to the rows `keep` selects (no later year than the reporting year)."""
    frame = result.tables.get(table, pd.DataFrame())
    rows = frame[keep(frame)] if len(frame) else frame
    return dataclasses.replace(result, tables={table: rows.reset_index(drop=True)})


def _year_of(value: Any) -> int | None:
    text = str(value or "")
    return int(text[:4]) if text[:4].isdigit() else None


def _created(hub: Hub, versions: list[tuple[str, int]]) -> datetime:
    """The newest creation time of the dataset versions read: the report's date."""
    if not versions:
        return EPOCH
    v = t.dataset_versions
    with hub.engine.connect() as conn:
        stamps = conn.execute(select(v.c.created_at).where(
            tuple_(v.c.dataset_id, v.c.version).in_(versions))).scalars().all()
    newest = max(stamps, default=EPOCH)
    return max(newest.replace(tzinfo=newest.tzinfo or UTC).astimezone(UTC).replace(microsecond=0), EPOCH)


def _sources(hub: Hub, versions: list[tuple[str, int]], datasets: set[str]) -> list[dict[str, Any]]:
    """Title, publisher, licence and citation of every dataset version the country's figures read."""
    d = t.datasets
    wanted = sorted((ds, v) for ds, v in versions if ds in datasets)
    with hub.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(d).where(d.c.id.in_([ds for ds, _ in wanted]))).all()}
    return [{"id": ds, "version": v, "title": rows[ds].title, "publisher": rows[ds].publisher,
             "licence": rows[ds].licence, "citation": rows[ds].citation} for ds, v in wanted if ds in rows]


def _gaps(p: dict[str, Any], year: int) -> list[dict[str, str]]:
    """Every figure the report cannot give, why, and what the country could provide."""
    ind = p["indicators"]
    out = [{"figure": f"SDG 14.1.1 (b) {p['country']}", "reason": s["reason"], "provide": s["what_to_provide"]}
           for s in ind["sdg"]["status"] if s.get("reason")]
    out += [{"figure": f"SDG 14.1.1 (b) {s['year']} · {s['comparability_class']}", "reason": s["reason"],
             "provide": s["what_to_provide"]}
            for s in ind["sdg"]["not_computable"] if (_year_of(s["year"]) or 0) <= year]
    if not any(_year_of(r["TIME_PERIOD"]) == year for r in ind["sdg"]["rows"]):
        out.append({"figure": f"SDG 14.1.1 (b) {year}", "reason": f"no published beach survey of {year} gives a value",
                    "provide": f"beach-litter surveys of {year} with the beach length and width"})
    if not ind["threshold"]["rows"]:
        out.append({"figure": "EU threshold value", "reason": "no monitoring surveys with a length in an MSFD region",
                    "provide": "OSPAR/MSFD-protocol surveys with the surveyed length"})
    out += [{"figure": f"trend {r['group']} · {r['comparability_class']}", "reason": r.get("trend_note") or
             "too few surveys", "provide": "more years of surveys at the same sites"}
            for r in ind["beach"]["rows"] if r.get("slope") is None]
    return out


def national(hub: Hub, code: str, year: int, lang: str, render_pdf: PdfRenderer) -> Bundle:
    """The reporting pack of country `code` for `year` (see the module contract); `render_pdf` is the PDF maker
    the caller's layer provides (web/report_pdf.py: the page's templates), so this service never imports a face."""
    year = check_year(year)
    p = countries.profile(hub, code)
    code = p["country"]
    numeric = p["numeric"]
    ind = p["indicators"]
    ind["sdg"]["rows"] = [r for r in ind["sdg"]["rows"] if (_year_of(r["TIME_PERIOD"]) or 0) <= year]
    ind["threshold"]["rows"] = [r for r in ind["threshold"]["rows"] if (_year_of(r["period"]) or 0) <= year]
    sdg, tv, beach = countries.sdg_all(hub), countries.threshold_all(hub), countries.beach_by_country(hub)
    csv = {
        "sdg": indicators.as_csv(_upto(sdg, "sdg", year, lambda f: (f["GEO_AREA_CODE"].astype(str) == str(
            int(numeric or 0))) & (f["TIME_PERIOD"].map(lambda y: (_year_of(y) or 0) <= year))), "sdg"),
        "threshold": indicators.as_csv(_upto(tv, "assessment", year, lambda f: (f["country"] == code) & f[
            "period"].map(lambda y: (_year_of(y) or 0) <= year)), "assessment"),
        "trends": indicators.as_csv(_upto(beach, "country", year, lambda f: f["country"] == code), "country"),
    }
    versions = sorted(set(sdg.versions) | set(tv.versions) | set(beach.versions))
    created = _created(hub, versions).isoformat()
    datasets = {r["dataset"] for r in p["monitoring"]["programmes"]}
    provenance = [
        {"figure": "SDG 14.1.1 (b)", "query": ind["sdg"]["query"], "versions": ind["sdg"]["versions"],
         "file": FILES["sdg"]},
        {"figure": "EU threshold value", "query": ind["threshold"]["query"], "versions": ind["threshold"]["versions"],
         "file": FILES["threshold"]},
        {"figure": "Trends", "query": ind["beach"]["query"], "versions": ind["beach"]["versions"],
         "file": FILES["trends"]},
    ]
    context = {"hub_version": __version__, "created": created, "versions": [f"{d}@{v}" for d, v in versions],
               "sources": _sources(hub, versions, datasets), "gaps": _gaps(p, year), "provenance": provenance,
               "methods": {"sdg": sdg.params, "threshold": tv.params}}
    _, pdf = render_pdf(p, year, lang, context)
    files = {FILES["pdf"]: pdf, **{FILES[k]: v.encode() for k, v in csv.items()}}
    manifest = {
        "kind": "litterhub national reporting pack", "hub_version": __version__, "created": created,
        "parameters": {"country": code, "year": year, "lang": lang},
        "dataset_versions": [{"dataset": d, "version": v} for d, v in versions],
        "files": [{"name": n, "bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                  for n, b in sorted(files.items())],
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    return Bundle(f"litterhub-national-{code}-{year}-{lang}", files)
