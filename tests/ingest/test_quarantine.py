"""Quarantine: every rejected row kept with its reasons, CSV via service, CLI and API, safe cells, redaction,
re-submission of corrected rows, and the readable HTML report."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from litterhub.services import quarantine as q
from litterhub.services.ingest import ingest_file


@pytest.fixture()
def ncei_with_bad_rows(shared_data, tmp_path):
    src = shared_data / "ncei-microplastics" / "NPSG_West_Marine_Microplastics_WGS84.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    header = next(csv.reader([lines[0]]))
    rows = [next(csv.reader([ln])) for ln in lines[1:]]
    m, d = header.index("Measurement"), header.index("Date")
    rows[0][m] = "=HYPERLINK(\"http://evil\")"  # line 2: not a number, and a formula
    rows[4][d] = "31/31/2012 12:00:00 AM"  # line 6: not a date
    rows[9][m] = "-3"  # line 11: negative concentration
    path = tmp_path / "ncei-bad.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows([header, *rows])
    return path, len(rows)


def _csv(text):
    return list(csv.reader(io.StringIO(text)))


def test_rejected_rows_are_kept_and_downloadable(hub, ncei_with_bad_rows):
    path, n = ncei_with_bad_rows
    result = ingest_file(hub, path, "auto", "ncei-bad")
    assert result.ok and result.report.rows_rejected == 3 and result.report.rows_in == n
    info = q.summary(hub, "ncei-bad")
    assert info["rows_in_quarantine"] == result.report.rows_rejected
    rows = _csv("".join(q.rejected_csv(hub, "ncei-bad")))
    header, body = rows[0], rows[1:]
    assert header[:3] == q.REASON_COLUMNS
    assert [int(r[0]) for r in body] == [2, 6, 11]
    assert "type-error" in body[0][1] and "litter-future-date" not in body[0][1]
    assert "constraint-error" in body[2][1] and "negative" in body[2][2]
    # formula injection: a cell starting with = + - @ is prefixed by a single quote
    m = header.index("Measurement")
    assert body[0][m].startswith("'=") and body[2][m] == "'-3"
    # the original cells are the raw file's
    original = _csv(path.read_text(encoding="utf-8"))
    assert body[1][3:] == original[5]


def test_full_list_beyond_the_report_limit(hub, tmp_path):
    from litterhub.ingest.report import MAX_LISTED

    n = MAX_LISTED + 50
    header = "OBJECTID,Sampling Method,Measurement,Unit,Density Class,Latitude,Longitude,Date\n"
    body = "".join(f"{i},Neuston net,x{i},pieces/m3,Low,30,-140,5/10/2009 12:00:00 AM\n" for i in range(n))
    good = "99999999,Neuston net,0.1,pieces/m3,Low,30,-140,5/10/2009 12:00:00 AM\n"
    path = tmp_path / "many.csv"
    path.write_text(header + body + good, encoding="utf-8")
    result = ingest_file(hub, path, "auto", "many")
    assert result.ok and result.report.rows_rejected == n
    assert len(result.report.errors) == MAX_LISTED  # the report lists only the first ones
    rows = _csv("".join(q.rejected_csv(hub, "many")))
    assert len(rows) - 1 == n  # the quarantine has them all


def test_resubmit_corrected_rows_makes_the_next_version(hub, ncei_with_bad_rows, tmp_path):
    path, n = ncei_with_bad_rows
    first = ingest_file(hub, path, "auto", "ncei-fix")
    rows = _csv("".join(q.rejected_csv(hub, "ncei-fix")))
    header = rows[0]
    m, d = header.index("Measurement"), header.index("Date")
    rows[1][m] = "0.5"
    rows[2][d] = "5/1/2012 12:00:00 AM"
    rows[3][m] = "'-3"  # still wrong (and still guarded): stays in quarantine
    corrected = tmp_path / "corrected.csv"
    with corrected.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    second = q.resubmit(hub, "ncei-fix", corrected)
    r = second.report
    assert second.version == first.version + 1
    assert r.rows_in == n and r.rows_accepted == first.report.rows_accepted + 2 and r.rows_rejected == 1
    left = _csv("".join(q.rejected_csv(hub, "ncei-fix")))
    assert len(left) == 2 and "constraint-error" in left[1][1]
    # the merged file is archived: every observation stays traceable to a raw file and line
    assert hub.raw.path(second.sha256).exists()


def test_resubmit_refuses_a_file_with_other_columns(hub, ncei_with_bad_rows, tmp_path):
    path, _ = ncei_with_bad_rows
    ingest_file(hub, path, "auto", "ncei-cols")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("litterhub_line,a,b\n2,1,2\n", encoding="utf-8")
    with pytest.raises(q.QuarantineError, match="original header"):
        q.resubmit(hub, "ncei-cols", wrong)


def test_personal_columns_and_emails_are_redacted(hub, shared_data, tmp_path):
    src = shared_data / "plastic-pirates-eu" / "riverbank" / "Riverbank_data_v2.0.0.csv"
    with src.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    sample = [list(r) for r in rows[1:4]]
    for r in sample:
        r[header.index("PersonResponsible")] = "Jane Example"
        r[header.index("PersonContact")] = "jane@example.org"
        r[header.index("GeneralCommentDataset")] = "ask jane@example.org"
    sample[1][header.index("DatasetQualified")] = "0"
    path = tmp_path / "pp.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *sample])
    result = ingest_file(hub, path, "plastic-pirates", "pp-small")
    assert result.ok and result.report.rows_rejected >= 1
    text = "".join(q.rejected_csv(hub, "pp-small"))
    assert "jane@example.org" not in text and "Jane Example" not in text and "[redacted]" in text


def test_api_csv_and_cli(hub, write_client, ncei_with_bad_rows, tmp_path, monkeypatch):
    path, _ = ncei_with_bad_rows
    ingest_file(hub, path, "auto", "ncei-api")
    res = write_client.get("/api/v1/datasets/ncei-api/versions/1/rejected.csv")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    assert "attachment" in res.headers["content-disposition"]
    assert len(_csv(res.text)) == 4
    missing = write_client.get("/api/v1/datasets/nope/versions/1/rejected.csv")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert write_client.get("/api/v1/datasets/ncei-api/versions/9/rejected.csv").status_code == 404

    from litterhub.cli import app

    monkeypatch.setenv("LITTERHUB_DATA", str(hub.settings.data_dir))
    out = tmp_path / "rejected.csv"
    res = CliRunner().invoke(app, ["quarantine", "ncei-api", "--version", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert _csv(out.read_text(encoding="utf-8")) == _csv(_csv_text(write_client))
    res = CliRunner().invoke(app, ["quarantine", "nope"])
    assert res.exit_code == 1 and "not found" in res.output


def _csv_text(client):
    return client.get("/api/v1/datasets/ncei-api/versions/1/rejected.csv").text


def test_html_report_page(hub, write_client, ncei_with_bad_rows):
    path, _ = ncei_with_bad_rows
    result = ingest_file(hub, path, "auto", "ncei-page")
    res = write_client.get(f"/datasets/ncei-page/versions/{result.version}/report")
    assert res.status_code == 200 and "text/html" in res.headers["content-type"]
    html = res.text
    assert f'id="rows-rejected">{result.report.rows_rejected}<' in html
    assert "/api/v1/datasets/ncei-page/versions/1/rejected.csv" in html
    assert "constraint-error" in html and "litter-future-date" not in html
    assert '(&#34;http://evil&#34;)' in html  # the offending cell is quoted in the message, escaped
    assert write_client.get("/datasets/ncei-page/versions/7/report").status_code == 404


def test_api_resubmission_needs_a_reviewer(hub, write_client, ncei_with_bad_rows):
    from litterhub.services import auth

    path, _ = ncei_with_bad_rows
    ingest_file(hub, path, "auto", "ncei-post")
    rows = _csv(write_client.get("/api/v1/datasets/ncei-post/versions/1/rejected.csv").text)
    m = rows[0].index("Measurement")
    rows[1][m] = "0.25"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    files = {"corrected": ("corrected.csv", buffer.getvalue().encode(), "text/csv")}
    headers = {}
    for role in ("contributor", "reviewer"):
        user = auth.create_user(hub, f"{role}@example.org", "a long enough password", role=role)
        key, _ = auth.create_api_key(hub, user.id)
        headers[role] = {"Authorization": f"Bearer {key}"}
    url = "/api/v1/datasets/ncei-post/versions/1/rejected.csv"
    assert write_client.post(url, files=files).status_code == 401
    assert write_client.post(url, files=files, headers=headers["contributor"]).status_code == 403
    res = write_client.post(url, files=files, headers=headers["reviewer"])
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["version"] == 2 and body["rows_rejected"] == 2
    bad = write_client.post(url, files={"corrected": ("x.csv", b"a,b\n1,2\n", "text/csv")},
                            headers=headers["reviewer"])
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
