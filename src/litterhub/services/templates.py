"""Blank data-entry templates for the common protocols, as CSV or XLSX, that the upload wizard reads as they are.

Each template's header is one the mapping draft recognises (ingest/mapping.py draft_document), with example rows
a volunteer overwrites; the survey template lists the master-list G-codes as its item columns, so counts arrive
coded. Nothing here is stored: the files are written on request.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    header: list[str]
    rows: list[list[str]]


def _master_codes() -> list[str]:
    from litterhub.services.contributions import item_names

    return sorted(item_names(), key=lambda c: (len(c), c))


def templates() -> dict[str, Template]:
    """The offered templates by name (the URL's file name)."""
    codes = _master_codes()
    return {t.name: t for t in (
        Template("cleanup-long", "Beach clean-up, one row per item found (long format)",
                 ["date", "beach", "latitude", "longitude", "length_m", "volunteers", "item", "count"],
                 [["2024-03-02", "Example beach", "41.6946", "-8.8456", "100", "6", "Cigarette butts", "37"],
                  ["2024-03-02", "Example beach", "41.6946", "-8.8456", "100", "6", "Plastic bottles", "4"]]),
        Template("ospar-100m", "OSPAR / MSFD 100 m beach survey, one column per master-list item (G-codes)",
                 ["survey_id", "date", "beach", "latitude", "longitude", "length_m", *codes],
                 [["1", "2024-03-02", "Example beach", "41.6946", "-8.8456", "100", *["0"] * len(codes)]]),
        Template("mdmap-transect", "MDMAP-like shoreline transect, one row per item and transect",
                 ["date", "site", "latitude", "longitude", "length_m", "width_m", "people", "item_code", "count"],
                 [["2024-03-02", "Example shoreline", "41.6946", "-8.8456", "100", "10", "3", "G27", "12"],
                  ["2024-03-02", "Example shoreline", "41.6946", "-8.8456", "100", "10", "3", "G7", "2"]]),
    )}


def as_csv(template: Template) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(template.header)
    writer.writerows(template.rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(template: Template) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(template.header)
    for row in template.rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
