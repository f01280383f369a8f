"""The downloadable templates: CSV and XLSX for each protocol, and each one is read by the wizard's mapping draft
as it stands (the drafted mapping ingests the template's example rows)."""

from __future__ import annotations

import io

import pytest

from litterhub.services import templates as tpl
from litterhub.services.ingest import ingest_file
from litterhub.services.mapping import draft_for_file

NAMES = ["cleanup-long", "ospar-100m", "mdmap-transect"]


@pytest.mark.parametrize("name", NAMES)
def test_template_downloads_and_its_draft_ingests(client, tmp_path, name):
    from openpyxl import load_workbook

    from litterhub.services.hub import Hub

    csv_r = client.get(f"/contribute/templates/{name}.csv")
    assert csv_r.status_code == 200 and csv_r.headers["content-type"].startswith("text/csv")
    assert f"litterhub-{name}.csv" in csv_r.headers["content-disposition"]
    xlsx_r = client.get(f"/contribute/templates/{name}.xlsx")
    assert xlsx_r.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx_r.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == csv_r.text.splitlines()[0].split(",")
    for ext, body in (("csv", csv_r.content), ("xlsx", xlsx_r.content)):
        data = tmp_path / f"{name}.{ext}"
        data.write_bytes(body)
        mapping = tmp_path / f"{name}-{ext}.yaml"
        mapping.write_text(draft_for_file(data))
        hub = Hub.open(tmp_path / f"data-{ext}")
        try:
            result = ingest_file(hub, data, "generic", f"t-{ext}", mapping=mapping)
            assert result.ok, (ext, [e.message for e in result.report.errors[:3]])
            assert result.report.rows_rejected == 0
        finally:
            hub.close()


def test_survey_template_lists_the_master_codes():
    header = tpl.templates()["ospar-100m"].header
    assert "G27" in header and "G7" in header and len([h for h in header if h.startswith("G")]) > 50


def test_unknown_template_is_a_page_not_a_500(client):
    assert client.get("/contribute/templates/nope.csv").status_code == 404
    assert client.get("/contribute/templates/cleanup-long.pdf").status_code == 404

