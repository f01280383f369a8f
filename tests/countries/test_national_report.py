"""The national reporting pack on a hub with the real MDMAP export (Maine → USA) loaded: the CLI, the API job and
the country page's button give byte-identical bundles, twice; the PDF's pages, rendered to images, show the SDG
14.1.1 (b) table with the CLI's values and the bar chart; bad inputs are clear errors, never a 500."""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile

import numpy as np
import pypdfium2
import pytest
from babel.numbers import format_decimal
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.cli import app

ACCENT = (0x1F, 0x6F, 0x8B)  # the bar fill of countries/report.html
YEAR = 2022


@pytest.fixture(scope="module")
def report_hub(tmp_path_factory):
    """Its own hub (the job writes bundles into the data directory; the session demo hub stays read-only)."""
    from litterhub.services.hub import Hub
    from litterhub.services.setup import initialise, load_demo

    h = Hub.open(tmp_path_factory.mktemp("report") / "data")
    initialise(h)
    load_demo(h)  # includes the NOAA MDMAP export of Maine (shared/data/noaa-mdmap) as dataset mdmap-maine
    yield h
    h.close()


@pytest.fixture(scope="module")
def report_client(report_hub):
    from litterhub.app import create_app

    with TestClient(create_app(report_hub)) as c:
        yield c


def _cli(hub, *args):
    return CliRunner().invoke(app, [*args, "--data-dir", str(hub.settings.data_dir)])


@pytest.fixture(scope="module")
def cli_zip(report_hub, tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("cli-out")
    done = _cli(report_hub, "report", "national", "USA", "--year", str(YEAR), "--out", str(out))
    assert done.exit_code == 0, done.output
    name = f"litterhub-national-USA-{YEAR}-en"
    assert (out / name / "report.pdf").is_file() and (out / name / "manifest.json").is_file()
    listed = {line.split()[1] for line in done.output.splitlines() if len(line.split()[0]) == 64}
    assert listed == {f"{name}/{f}" for f in ("report.pdf", "sdg-14.1.1b.csv", "msfd-threshold.csv", "trends.csv")}
    return (out / f"{name}.zip").read_bytes()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename.split("/", 1)[1]: z.read(i) for i in z.infolist()}


def _poll(client, url: str) -> dict:
    for _ in range(600):
        job = client.get(url).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {url} did not finish")


def test_cli_twice_is_byte_identical_and_manifest_checks_out(report_hub, cli_zip, tmp_path):
    again = _cli(report_hub, "report", "national", "usa", "--year", str(YEAR), "--out", str(tmp_path))
    assert again.exit_code == 0, again.output
    assert (tmp_path / f"litterhub-national-USA-{YEAR}-en.zip").read_bytes() == cli_zip
    files = _members(cli_zip)
    manifest = json.loads(files.pop("manifest.json"))
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == \
        {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
    assert manifest["parameters"] == {"country": "USA", "year": YEAR, "lang": "en"}
    assert {"dataset": "mdmap-maine", "version": 1} in manifest["dataset_versions"]
    assert manifest["hub_version"]
    # the PDF's dates are the data's (the newest dataset version), never the clock's
    meta = pypdfium2.PdfDocument(files["report.pdf"]).get_metadata_dict()
    stamp = manifest["created"].replace("-", "").replace(":", "").replace("T", "")[:14]
    assert meta["CreationDate"].startswith(f"D:{stamp}")


def test_api_job_and_button_give_the_cli_bundle(report_client, cli_zip):
    started = report_client.post(f"/api/v1/reports/national/USA?year={YEAR}&lang=en")
    assert started.status_code == 202, started.text
    job = _poll(report_client, started.headers["Location"])
    assert job["status"] == "done", job
    api_zip = report_client.get(job["result"]["download"]).content
    assert api_zip == cli_zip
    assert job["result"]["manifest"] == json.loads(_members(cli_zip)["manifest.json"])

    page = report_client.get("/countries/USA")
    assert 'id="report-button"' in page.text and 'action="/countries/USA/report"' in page.text
    pressed = report_client.post("/countries/USA/report", data={"year": str(YEAR), "lang": "en"},
                                 follow_redirects=False)
    assert pressed.status_code == 303, pressed.text
    follow = pressed.headers["location"]
    for _ in range(600):
        shown = report_client.get(follow)
        if 'id="report-download"' in shown.text or 'id="report-problem"' in shown.text:
            break
        time.sleep(0.2)
    assert 'id="report-download"' in shown.text, shown.text
    href = shown.text.split('id="report-download" href="', 1)[1].split('"', 1)[0]
    assert report_client.get(href).content == cli_zip


def test_pdf_pages_show_the_indicator_table_and_chart(report_hub, cli_zip):
    sdg = _cli(report_hub, "analyse", "sdg", "--country", "USA", "--json")
    assert sdg.exit_code == 0, sdg.output
    headline = [r for r in json.loads(sdg.output)["tables"]["sdg"]
                if r["HEADLINE"] and int(str(r["TIME_PERIOD"])[:4]) <= YEAR]
    assert headline  # MDMAP Maine has surveys from 2016 on
    pdf = pypdfium2.PdfDocument(_members(cli_zip)["report.pdf"])
    pages = [pdf[i] for i in range(len(pdf))]
    texts = [p.get_textpage().get_text_range() for p in pages]
    assert "National reporting pack" in texts[0] and "United States" in texts[0]
    table_page = next(i for i, t in enumerate(texts) if "SDG 14.1.1 (b)" in t and "Comparability class" in t)
    for row in headline:
        value = format_decimal(round(row["OBS_VALUE"], 0), locale="en")
        assert f"{row['TIME_PERIOD']} {value}" in texts[table_page].replace("\r\n", " ").replace("\n", " "), value
    image = np.asarray(pages[table_page].render(scale=1).to_pil().convert("RGB")).astype(int)
    bars = (np.abs(image - np.array(ACCENT)).sum(axis=2) < 30)
    rows_with_bars = np.flatnonzero(bars.any(axis=1))
    assert bars.sum() > 500 and len(rows_with_bars) > 0  # the chart is drawn, not only its labels
    widths = [bars[r].sum() for r in rows_with_bars]
    top = max(r["OBS_VALUE"] for r in headline)
    assert max(widths) > 100  # the largest year's bar spans most of the track
    # every headline year has a bar; each bar's length is proportional to its value
    bands = np.split(rows_with_bars, np.flatnonzero(np.diff(rows_with_bars) > 1) + 1)
    assert len(bands) == len(headline)
    for band, row in zip(bands, sorted(headline, key=lambda r: r["TIME_PERIOD"]), strict=True):
        assert abs(bars[band[len(band) // 2]].sum() / max(widths) - row["OBS_VALUE"] / top) < 0.03
    for section in ("Methods", "Data sources", "Not computable, and what to provide", "Provenance"):
        assert any(section in t for t in texts), section
    assert any("CC0-1.0" in t for t in texts)  # the MDMAP licence in the sources table


def test_bad_inputs_are_clear_errors(report_hub, report_client):
    bad = _cli(report_hub, "report", "national", "QQQ", "--year", str(YEAR), "--out", "/tmp/never")
    assert bad.exit_code == 2 and bad.output.strip().startswith("error: no country")
    old = _cli(report_hub, "report", "national", "USA", "--year", "1800")
    assert old.exit_code == 2 and "year must be between" in old.output
    answer = report_client.post("/api/v1/reports/national/USA?year=1800")
    assert answer.status_code == 400 and answer.headers["content-type"].startswith("application/problem+json")
    assert report_client.post("/api/v1/reports/national/USA?year=2022&lang=xx").status_code == 400
    started = report_client.post("/api/v1/reports/national/QQQ?year=2022")
    assert started.status_code == 202
    failed = _poll(report_client, started.headers["Location"])
    assert failed["status"] == "failed" and failed["error"]["status"] == 404
    assert report_client.get("/api/v1/reports/files/" + "0" * 64 + ".zip").status_code == 404
    assert report_client.get("/api/v1/reports/files/..%2Fcatalog.zip").status_code == 404
    button = report_client.post("/countries/USA/report", data={"year": "1800"}, follow_redirects=False)
    assert button.status_code == 400 and 'id="report-problem"' in button.text


def _font_of(textpage, index: int) -> str:
    import ctypes

    import pypdfium2.raw as pdfium_c

    buffer = ctypes.create_string_buffer(256)
    pdfium_c.FPDFText_GetFontInfo(textpage, index, buffer, 256, ctypes.byref(ctypes.c_int()))
    return buffer.value.decode()


@pytest.mark.parametrize(("lang", "heading"), [("zh", "指标"), ("ar", "المؤشرات")])
def test_report_in_the_chosen_language_draws_its_script(report_hub, tmp_path, lang, heading):
    """`--lang` renders the page's own translated partial, in a font that has the script's glyphs (not tofu)."""
    from litterhub.web.i18n import translations

    assert translations(lang).gettext("Indicators") == heading  # the catalogue's word, so the check below is real
    done = _cli(report_hub, "report", "national", "USA", "--year", str(YEAR), "--lang", lang, "--out", str(tmp_path))
    assert done.exit_code == 0, done.output
    pdf = pypdfium2.PdfDocument(tmp_path / f"litterhub-national-USA-{YEAR}-{lang}" / "report.pdf")
    page = next(pdf[i] for i in range(len(pdf)) if heading in pdf[i].get_textpage().get_text_range())
    textpage = page.get_textpage()
    font = _font_of(textpage, textpage.get_text_range().index(heading))
    assert font and "Mono" not in font
    if lang == "zh":
        assert "DejaVu" not in font, font  # DejaVu has no CJK glyphs: the heading would be empty boxes
