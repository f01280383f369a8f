"""Web pages: accounts, CSRF on every form, escaped user text, the upload wizard, the survey form and review."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from litterhub.app import create_app
from litterhub.services import auth
from litterhub.services import contributions as c
from litterhub.services.setup import DEMO_DIR

PASSWORD = "correct horse battery"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MLW = (DEMO_DIR / "mlw-sample.csv").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    page = client.get("/account/login")
    r = client.post("/account/login", data={"email": email, "password": password, "csrf_token": token(page.text),
                                            "next": "/account"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return token(client.get("/account").text)


@pytest.fixture()
def app(hub):
    return create_app(hub)


@pytest.fixture()
def browser(app):
    """A contributor's browser, signed in."""
    with TestClient(app) as client:
        yield client


def survey_form(csrf: str, **kw) -> dict:
    base = {"csrf_token": csrf, "site_name": "Praia Norte", "country": "PT", "lat": "41.7", "lon": "-8.87",
            "survey_date": "2024-05-01", "length_m": "100", "team_size": "4", "count_G1": "3", "count_G7": "10",
            "licence": "CC-BY-4.0", "notes": ""}
    return {**base, **kw}


def test_register_login_logout(browser, hub):
    page = browser.get("/account/register")
    r = browser.post("/account/register", data={"email": "new@example.org", "password": PASSWORD,
                                                 "password2": PASSWORD, "display_name": "New",
                                                 "csrf_token": token(page.text)}, follow_redirects=False)
    # the same answer as for a known address (tests/contrib/test_access_table.py): no session yet, sign in
    assert r.status_code == 303 and r.headers["location"] == "/account/login?registered=1"
    assert "litterhub_session" not in r.headers.get("set-cookie", "")
    page = browser.get(r.headers["location"])
    r = browser.post("/account/login", data={"email": "new@example.org", "password": PASSWORD,
                                              "csrf_token": token(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and "litterhub_session" in r.headers["set-cookie"]
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=lax" in r.headers["set-cookie"].lower()
    account = browser.get("/account")
    assert account.status_code == 200 and "new@example.org" in account.text
    assert auth.find_user(hub, "new@example.org").role == "contributor"
    browser.post("/account/logout", data={"csrf_token": token(account.text)})
    r = browser.get("/account", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/account/login")


def test_wrong_password_and_open_redirect(browser, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    page = browser.get("/account/login")
    r = browser.post("/account/login", data={"email": "ana@example.org", "password": "nope nope nope",
                                              "csrf_token": token(page.text)})
    assert r.status_code == 401 and "Wrong e-mail address or password" in r.text
    r = browser.post("/account/login", data={"email": "ana@example.org", "password": PASSWORD,
                                              "csrf_token": token(page.text), "next": "//evil.example/"},
                     follow_redirects=False)
    assert r.headers["location"] == "/account"


def test_login_is_rate_limited(browser, hub):
    page = browser.get("/account/login")
    codes = [browser.post("/account/login", data={"email": "x@example.org", "password": "wrong password",
                                                  "csrf_token": token(page.text)}).status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


CSRF_FORMS = ["/account/profile", "/account/keys", "/account/logout", "/account/password", "/contribute/upload",
              "/contribute/survey",
              "/contribute/submissions/{sid}/submit", "/contribute/submissions/{sid}/mapping",
              "/review/{sid}/approve", "/review/{sid}/reject", "/review/{sid}/claim", "/review/{sid}/assign",
              "/review-versions/retract"]


@pytest.fixture(scope="module")
def csrf_clients(tmp_path_factory):
    """An admin's signed-in browser and an anonymous one over one shared hub."""
    from litterhub.services.hub import Hub

    h = Hub.open(tmp_path_factory.mktemp("csrf") / "data")
    auth.create_user(h, "rev@example.org", PASSWORD, role="admin")
    app = create_app(h)
    with TestClient(app) as signed, TestClient(app) as anonymous:
        sign_in(signed, "rev@example.org")
        anonymous.get("/account/login")
        yield signed, anonymous
    h.close()


@pytest.mark.parametrize("path", CSRF_FORMS + ["/account/login", "/account/register"])
def test_csrf_enforced_on_every_form(csrf_clients, path):
    signed, anonymous = csrf_clients
    client = anonymous if path.startswith(("/account/login", "/account/register")) else signed
    target = path.format(sid="00000000-0000-0000-0000-000000000000")
    r = client.post(target, data={"csrf_token": "forged", "email": "rev@example.org", "password": PASSWORD},
                    files={"file": ("x.csv", b"a,b\n1,2\n")} if "upload" in path else None,
                    follow_redirects=False)
    assert r.status_code == 403, (target, r.status_code, r.text[:200])
    r = client.post(target, data={"email": "rev@example.org"}, follow_redirects=False)
    assert r.status_code == 403
    assert signed.get("/account").status_code == 200  # still signed in: the forged logout did nothing


def test_upload_wizard_over_the_web(browser, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    csrf = sign_in(browser, "ana@example.org")
    r = browser.post("/contribute/upload", data={"csrf_token": csrf, "title": "Saturn beach"},
                     files={"file": ("mlw.csv", MLW, "text/csv")}, follow_redirects=False)
    assert r.status_code == 303
    page = browser.get(r.headers["location"])
    assert "Format detected" in page.text and "mlw" in page.text and 'id="licence-step"' in page.text
    assert 'id="rejected-rows"' in page.text or "rejected: 0" in page.text
    sid = r.headers["location"].rsplit("/", 1)[1]
    r = browser.post(f"/contribute/submissions/{sid}/submit", data={"csrf_token": csrf, "licence": "CC0-1.0"},
                     follow_redirects=False)
    assert r.status_code == 303
    mine = browser.get("/contribute/mine").text
    assert "waiting for review" in mine and "Saturn beach" in mine


def test_unknown_format_shows_headers_and_mapping(browser, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    csrf = sign_in(browser, "ana@example.org")
    r = browser.post("/contribute/upload", data={"csrf_token": csrf},
                     files={"file": ("odd.csv", b"when,where,bottles\n2024-01-01,A,3\n", "text/csv")})
    assert r.status_code == 200
    assert "was not recognised" in r.text and "<code>bottles</code>" in r.text and 'id="mapping-step"' in r.text
    assert 'id="licence-step"' not in r.text


def test_spoofed_and_oversized_uploads_refused_in_the_wizard(browser, hub, configure):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    csrf = sign_in(browser, "ana@example.org")
    r = browser.post("/contribute/upload", data={"csrf_token": csrf}, files={"file": ("x.csv", PNG, "text/csv")})
    assert r.status_code == 415 and 'id="upload-error"' in r.text
    configure(hub, max_upload_mb=0.01)
    r = browser.post("/contribute/upload", data={"csrf_token": csrf}, files={"file": ("x.csv", MLW, "text/csv")})
    assert r.status_code == 413 and "limit" in r.text


def test_survey_form_with_photo(browser, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    csrf = sign_in(browser, "ana@example.org")
    form = browser.get("/contribute/survey").text
    assert 'name="count_G1"' in form and "survey.js" in form and 'id="item-search"' in form
    r = browser.post("/contribute/survey", data=survey_form(csrf), files=[("photos", ("p.png", PNG, "image/png"))],
                     follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    page = browser.get(r.headers["location"])
    assert "waiting for review" in page.text and "citizen-science" in page.text
    photo = re.search(r'src="(/contribute/submissions/[^"]+/photos/\d+)"', page.text).group(1)
    img = browser.get(photo)
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert img.headers["x-content-type-options"] == "nosniff"


def test_survey_form_refuses_fake_photo_and_keeps_values(browser, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    csrf = sign_in(browser, "ana@example.org")
    r = browser.post("/contribute/survey", data=survey_form(csrf),
                     files=[("photos", ("p.jpg", b"<svg onload=alert(1)>", "image/jpeg"))])
    assert r.status_code == 415 and "JPEG, PNG or WebP" in r.text and 'value="Praia Norte"' in r.text
    r = browser.post("/contribute/survey", data=survey_form(csrf, count_G1="-4"))
    assert r.status_code == 422 and 'data-field="counts"' in r.text


def test_review_flow_over_the_web(app, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    auth.create_user(hub, "rui@example.org", PASSWORD, role="reviewer")
    with TestClient(app) as ana, TestClient(app) as rui:
        csrf = sign_in(ana, "ana@example.org")
        sid = ana.post("/contribute/survey", data=survey_form(csrf),
                       follow_redirects=False).headers["location"].rsplit("/", 1)[1]
        assert ana.get("/review", follow_redirects=False).status_code == 403
        rcsrf = sign_in(rui, "rui@example.org")
        assert sid in rui.get("/review").text
        rui.post(f"/review/{sid}/claim", data={"csrf_token": rcsrf})
        r = rui.post(f"/review/{sid}/request-changes", data={"csrf_token": rcsrf, "reason": "which section?"},
                     follow_redirects=False)
        assert r.status_code == 303
        page = ana.get(f"/contribute/submissions/{sid}").text
        assert "changes requested" in page and "which section?" in page and 'id="edit-survey"' in page
        form = ana.get(f"/contribute/submissions/{sid}/survey").text
        assert 'value="Praia Norte"' in form and 'name="count_G7" type="number" min="0" max="1000000" ' \
            'inputmode="numeric" value="10"' in form
        r = ana.post(f"/contribute/submissions/{sid}/survey", data=survey_form(csrf, site_name="Praia Norte sul"),
                     follow_redirects=False)
        assert r.status_code == 303 and c.load(hub, sid).status == "submitted"
        assert c.load(hub, sid).payload["site_name"] == "Praia Norte sul"
        sid2 = ana.post("/contribute/survey", data=survey_form(csrf, survey_date="2024-05-02"),
                        follow_redirects=False).headers["location"].rsplit("/", 1)[1]
        r = rui.post(f"/review/{sid2}/approve", data={"csrf_token": rcsrf}, follow_redirects=False)
        assert r.status_code == 303
        assert rui.post(f"/review/{sid2}/reject", data={"csrf_token": rcsrf, "reason": "x"}).status_code == 409
        sub = c.load(hub, sid2)
        assert sub.status == "approved" and sub.published_version == 1
        assert ana.get(f"/datasets/{sub.dataset_id}").status_code == 200


def test_user_text_is_escaped_everywhere(app, hub):
    """XSS payloads in every field a person types: name, titles, site, notes, reasons, file names."""
    auth.create_user(hub, "ana@example.org", PASSWORD, display_name=XSS, show_name=True)
    auth.create_user(hub, "rui@example.org", PASSWORD, role="reviewer")
    with TestClient(app) as ana, TestClient(app) as rui:
        csrf = sign_in(ana, "ana@example.org")
        ana.post("/contribute/upload", data={"csrf_token": csrf, "title": XSS},
                 files={"file": (f"{XSS}.csv", MLW, "text/csv")})
        r = ana.post("/contribute/survey", data=survey_form(csrf, site_name=XSS, notes=XSS), follow_redirects=False)
        sid = r.headers["location"].rsplit("/", 1)[1]
        rcsrf = sign_in(rui, "rui@example.org")
        queue = rui.get("/review").text
        rui.post(f"/review/{sid}/request-changes", data={"csrf_token": rcsrf, "reason": XSS})
        pages = [queue, ana.get("/account").text, ana.get("/contribute/mine").text,
                 ana.get(f"/contribute/submissions/{sid}").text, rui.get(f"/review/{sid}").text]
        sid2 = ana.post("/contribute/survey", data=survey_form(csrf, site_name=XSS, survey_date="2024-05-03"),
                        follow_redirects=False).headers["location"].rsplit("/", 1)[1]
        rui.post(f"/review/{sid2}/approve", data={"csrf_token": rcsrf})
        pages.append(ana.get("/contribute").text)
        for html in pages:
            assert "<script>alert" not in html and "<img src=x" not in html
        assert any("&lt;script&gt;alert" in html for html in pages)
        assert [i for i, html in enumerate(pages) if "&lt;script&gt;alert" not in html] == []


def test_column_mapping_edited_in_the_browser(browser, hub):
    if not c.mapping_supported():
        pytest.skip("this build has no generic mapping adapter (ingest.mapping)")
    auth.create_user(hub, "ana@example.org", PASSWORD)
    csrf = sign_in(browser, "ana@example.org")
    csv_text = (b"date,beach,latitude,longitude,country,length_m,G1,G3\n"
                b"2023-05-01,Praia A,41.1,-8.6,PT,100,3,4\n2023-06-01,Praia A,41.1,-8.6,PT,100,1,0\n")
    r = browser.post("/contribute/upload", data={"csrf_token": csrf},
                     files={"file": ("own.csv", csv_text, "text/csv")}, follow_redirects=False)
    location = r.headers["location"]
    page = browser.get(location).text
    draft = re.search(r'<textarea id="mapping"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "latitude" in draft and 'id="licence-step"' not in page
    import html

    r = browser.post(f"{location}/mapping", data={"csrf_token": csrf, "mapping": html.unescape(draft)},
                     follow_redirects=False)
    assert r.status_code == 303
    page = browser.get(location).text
    assert 'id="licence-step"' in page and "generic" in page
    sid = location.rsplit("/", 1)[1]
    assert c.load(hub, sid).report["rows_accepted"] == 2
    r = browser.post(f"{location}/mapping", data={"csrf_token": csrf, "mapping": "event: [unclosed"},
                     follow_redirects=False)
    assert r.status_code == 303
    assert not c.load(hub, sid).usable


def test_admin_assigns_in_the_web(app, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    rui = auth.create_user(hub, "rui@example.org", PASSWORD, role="reviewer", display_name="Rui")
    auth.create_user(hub, "boss@example.org", PASSWORD, role="admin")
    ana = auth.principal_for_session(hub, auth.find_user(hub, "ana@example.org").id)
    sub = c.create_survey(hub, ana, c.SurveyInput("Praia", "PT", 41.7, -8.8, __import__("datetime").date(2024, 1, 2),
                                                  100, 2, {"G1": 1}))
    with TestClient(app) as boss:
        csrf = sign_in(boss, "boss@example.org")
        page = boss.get(f"/review/{sub.id}").text
        assert f'<option value="{rui.id}"' in page
        assert boss.post(f"/review/{sub.id}/assign", data={"csrf_token": csrf, "reviewer_id": "x"}).status_code == 422
        r = boss.post(f"/review/{sub.id}/assign", data={"csrf_token": csrf, "reviewer_id": str(rui.id)},
                      follow_redirects=False)
        assert r.status_code == 303 and c.load(hub, sub.id).reviewer_id == rui.id


def test_new_version_of_own_dataset_from_the_wizard(app, hub):
    auth.create_user(hub, "ana@example.org", PASSWORD)
    auth.create_user(hub, "rui@example.org", PASSWORD, role="reviewer")
    with TestClient(app) as ana, TestClient(app) as rui:
        csrf = sign_in(ana, "ana@example.org")
        loc = ana.post("/contribute/upload", data={"csrf_token": csrf}, files={"file": ("a.csv", MLW, "text/csv")},
                       follow_redirects=False).headers["location"]
        sid = loc.rsplit("/", 1)[1]
        ana.post(f"{loc}/submit", data={"csrf_token": csrf, "licence": "CC-BY-4.0"})
        rcsrf = sign_in(rui, "rui@example.org")
        rui.post(f"/review/{sid}/approve", data={"csrf_token": rcsrf})
        dataset = c.load(hub, sid).dataset_id
        form = ana.get("/contribute/upload").text
        assert f'<option value="{dataset}">' in form
        edited = MLW.replace(b"Mare Nostrum", b"Mare Nostrum (corrected)")
        loc2 = ana.post("/contribute/upload", data={"csrf_token": csrf, "dataset_id": dataset},
                        files={"file": ("a.csv", edited, "text/csv")}, follow_redirects=False).headers["location"]
        sid2 = loc2.rsplit("/", 1)[1]
        ana.post(f"{loc2}/submit", data={"csrf_token": csrf, "licence": "CC-BY-4.0"})
        rui.post(f"/review/{sid2}/approve", data={"csrf_token": rcsrf})
        assert c.load(hub, sid2).dataset_id == dataset and c.load(hub, sid2).published_version == 2
