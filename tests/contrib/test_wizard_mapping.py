"""The column picker on the web and its API twin: a volunteer's long-format CSV is proposed as long, confirmed
role by role, saved with the submission as the generic reader's YAML, and offered again for the next upload."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.contrib.test_wizard_draft import VOLUNTEER

from litterhub.app import create_app
from litterhub.ingest.mapping import parse_mapping
from litterhub.services import auth
from litterhub.services import contributions as c

PASSWORD = "correct horse battery"


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def selected(html: str, role: str) -> str | None:
    select = re.search(rf'<select id="role-{role}" name="{role}">(.*?)</select>', html, re.S).group(1)
    found = re.search(r'<option value="([^"]*)" selected', select)
    return found.group(1) if found else None


def test_web_column_picker_confirms_a_long_csv_and_offers_it_again(hub):
    auth.create_user(hub, "vol@example.org", PASSWORD)
    with TestClient(create_app(hub)) as web:
        page = web.get("/account/login")
        web.post("/account/login", data={"email": "vol@example.org", "password": PASSWORD,
                                         "csrf_token": token(page.text), "next": "/account"})
        csrf = token(web.get("/account").text)
        r = web.post("/contribute/upload", data={"csrf_token": csrf},
                     files={"file": ("mine.csv", VOLUNTEER.encode(), "text/csv")}, follow_redirects=False)
        location = r.headers["location"]
        html = web.get(location).text
        assert 'id="column-picker"' in html
        assert 'value="long" checked' in html
        assert (selected(html, "date"), selected(html, "item"), selected(html, "count")) == ("date", "item", "count")
        assert (selected(html, "site_name"), selected(html, "people")) == ("beach", "volunteers")
        # a wrong choice is answered on the page, naming the role, not with a 500
        bad = web.post(f"{location}/columns", data={"csrf_token": csrf, "layout": "long", "date": "",
                                                    "item": "item", "count": "count"})
        assert bad.status_code == 422 and "date: choose the column" in bad.text and 'id="column-picker"' in bad.text
        form = {"csrf_token": csrf, "layout": "long", "date": "date", "site_name": "beach", "lat": "latitude",
                "lon": "longitude", "length": "length_m", "people": "volunteers", "item": "item", "count": "count",
                "date_format": "%Y-%m-%d", "length_unit": "m", "scheme": "custom"}
        r = web.post(f"{location}/columns", data=form, follow_redirects=False)
        assert r.status_code == 303
        sid = location.rsplit("/", 1)[1]
        sub = c.load(hub, sid)
        assert sub.usable and sub.report["rows_accepted"] == 6 and sub.format == "generic"
        saved = parse_mapping(sub.payload["mapping"])
        assert saved.layout == "long" and saved.long["count"] == "count" and saved.event["people"] == "volunteers"
        checked = web.get(location).text
        assert 'id="licence-step"' in checked and 'id="survey-preview"' in checked
        # three surveys parsed from six rows; the 2 March survey has 37 + 4 + 2 items
        assert checked.count("<tr><td><bdi>Praia d") == 3 and "<td>43.0</td>" in checked
        # the next upload by the same person starts from the confirmed mapping (length in km this time)
        form2 = {**form, "length_unit": "km"}
        web.post(f"{location}/columns", data=form2, follow_redirects=False)
        r = web.post("/contribute/upload", data={"csrf_token": csrf},
                     files={"file": ("next.csv", VOLUNTEER.encode(), "text/csv")}, follow_redirects=False)
        html = web.get(r.headers["location"]).text
        assert selected(html, "length_unit") == "km"


def test_api_proposes_and_confirms_a_mapping(write_client, make_user):
    _, key = make_user("vol@example.org")
    r = write_client.post("/api/v1/uploads", headers=bearer(key), files={"file": ("mine.csv", VOLUNTEER, "text/csv")})
    assert r.status_code == 422  # not a programme format: kept as a draft, waiting for its mapping
    sid = write_client.get("/api/v1/submissions", headers=bearer(key)).json()["items"][0]["id"]
    assert sid in r.json()["detail"]
    proposed = write_client.get(f"/api/v1/uploads/{sid}/mapping", headers=bearer(key))
    assert proposed.status_code == 200
    body = proposed.json()
    assert body["roles"]["layout"] == "long" and body["roles"]["item"] == "item" and body["saved"] is False
    assert body["header"][:2] == ["date", "beach"]
    bad = write_client.put(f"/api/v1/uploads/{sid}/mapping", headers=bearer(key),
                           json={"roles": {**body["roles"], "count": "no-such-column"}})
    assert bad.status_code == 422 and "count" in bad.json()["detail"]
    r = write_client.put(f"/api/v1/uploads/{sid}/mapping", headers=bearer(key), json={"roles": body["roles"]})
    assert r.status_code == 200, r.text
    assert r.json()["report"]["usable"] and r.json()["report"]["rows_accepted"] == 6 and r.json()["format"] == "generic"
    again = write_client.get(f"/api/v1/uploads/{sid}/mapping", headers=bearer(key)).json()
    assert again["saved"] is True and again["roles"]["count"] == "count"
    other, other_key = make_user("other@example.org")
    assert write_client.get(f"/api/v1/uploads/{sid}/mapping", headers=bearer(other_key)).status_code == 404


def test_api_proposes_a_mapping_for_a_spreadsheet(write_client, make_user):
    """An XLSX in no programme's format gets the same proposal as its CSV twin (first sheet)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for line in VOLUNTEER.strip().splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    _, key = make_user("sheet@example.org")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    write_client.post("/api/v1/uploads", headers=bearer(key), files={"file": ("mine.xlsx", out.getvalue(), xlsx)})
    sid = write_client.get("/api/v1/submissions", headers=bearer(key)).json()["items"][0]["id"]
    body = write_client.get(f"/api/v1/uploads/{sid}/mapping", headers=bearer(key)).json()
    assert body["roles"]["layout"] == "long" and body["roles"]["count"] == "count"
