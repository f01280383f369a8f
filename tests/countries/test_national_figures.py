"""National figures from the web (issue 17, item 4): a focal point assigned per country submits the country's own
inventory inputs and beach widths with sources; a reviewer approves; the figures are stored through the hub's
own stores (national inventory versions, site width revisions) and shown on the country profile. Role checks on
every write through the service, the API, the web forms and the CLI; Chromium at phone and desktop widths."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from litterhub.cli import app as cli_app
from litterhub.services import auth, widths
from litterhub.services import focal_points as fp
from litterhub.services import inventory as inventory_svc
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR
from litterhub.store import tables as t

PASSWORD = "correct horse battery"
SOURCE = "US EPA, Advancing Sustainable Materials Management: Facts and Figures 2010, table 1"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A hub with the real MDMAP Maine sample (USA sites) and four accounts: the USA focal point, a French focal
    point, a reviewer and an admin."""
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp("figures") / "data")
    assert ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine").ok
    users = {name: auth.create_user(hub, f"{name}@example.org", PASSWORD, role=role, display_name=name.title(),
                                    show_name=True)
             for name, role in (("usa", "contributor"), ("fra", "contributor"), ("rev", "reviewer"),
                                ("adm", "admin"))}
    fp.assign(hub, fp.CLI_OPERATOR, users["usa"].id, "USA")
    fp.assign(hub, fp.CLI_OPERATOR, users["fra"].id, "fra")
    with hub.engine.connect() as conn:
        sites = conn.execute(select(t.sites.c.id).where(t.sites.c.country == "USA").order_by(t.sites.c.id)
                             ).scalars().all()
    yield hub, users, sites
    hub.close()


def acting(user) -> fp.Acting:
    return fp.Acting(f"user:{user.id}", user.role, user.id, user.display_name)


def inventory_data(value: float = 2.1, **kw) -> dict:
    return {"submitter": "US EPA", "method": "jambeck", "year": 2010,
            "figures": [{"field": "waste_kg_per_person_day", "value": value, "source": SOURCE}], **kw}


# --- service --------------------------------------------------------------------------------------------------

def test_only_the_countrys_focal_point_submits(world):
    hub, users, _ = world
    with pytest.raises(fp.FigureError) as refused:
        fp.submit(hub, acting(users["fra"]), "USA", "inventory", inventory_data())
    assert refused.value.code == "figures-not-focal-point" and refused.value.status == 403
    assert "FRA" in str(refused.value)  # says which country they are the focal point of
    for name in ("rev", "adm"):  # roles do not make a focal point
        with pytest.raises(fp.FigureError) as not_fp:
            fp.submit(hub, acting(users[name]), "USA", "inventory", inventory_data())
        assert not_fp.value.code == "figures-not-focal-point"
    with pytest.raises(fp.FigureError) as not_admin:
        fp.assign(hub, acting(users["rev"]), users["rev"].id, "USA")
    assert not_admin.value.code == "figures-forbidden" and not_admin.value.status == 403


def test_every_figure_needs_a_source_and_a_usable_value(world):
    hub, users, sites = world
    with pytest.raises(fp.FigureError) as bad:
        fp.submit(hub, acting(users["usa"]), "USA", "inventory", inventory_data(figures=[
            {"field": "waste_kg_per_person_day", "value": "abc", "source": SOURCE},
            {"field": "plastic_share", "value": 0.1, "source": ""},
            {"field": "mismanaged_share", "value": 0.1, "source": SOURCE}]))  # a Borrelle input, not Jambeck's
    codes = {e["field"]: e["code"] for e in bad.value.errors}
    assert codes["figures[1].source"] == "figures-source-missing"
    assert codes["figures[2].field"] == "figures-unknown-field"
    assert "figures[0].value" in codes
    with pytest.raises(fp.FigureError) as other:
        fp.submit(hub, acting(users["fra"]), "FRA", "widths", {"submitter": "x", "widths": [
            {"site_id": sites[0], "width_m": 30, "source": "orthophoto"}]})
    assert other.value.errors[0]["code"] == "figures-site-other-country"
    with pytest.raises(fp.FigureError) as wide:
        fp.submit(hub, acting(users["usa"]), "USA", "widths", {"submitter": "x", "widths": [
            {"site_id": sites[0], "width_m": 3000, "source": "orthophoto"}]})
    assert wide.value.errors[0]["code"] == "width-out-of-range"


def test_approved_inventory_figures_become_the_next_national_inventory_version(world):
    hub, users, _ = world
    first = fp.submit(hub, acting(users["usa"]), "USA", "inventory", inventory_data(2.1))
    second = fp.submit(hub, acting(users["usa"]), "USA", "inventory", inventory_data(2.4))
    assert (first["status"], second["version"] - first["version"]) == ("submitted", 1)
    with pytest.raises(fp.FigureError) as own:  # a reviewer does not review their own work; here: not a reviewer
        fp.approve(hub, acting(users["usa"]), first["id"])
    assert own.value.status == 403
    before = {v["version"] for v in inventory_svc.list_inventories(hub, "USA")}
    done = fp.approve(hub, acting(users["rev"]), second["id"], "checked against the EPA table")
    again = fp.approve(hub, acting(users["rev"]), second["id"])
    assert done["changed"] and not again["changed"] and done["status"] == "approved"
    expected = inventory_svc.jambeck_country("USA", 2010, [inventory_svc.Override(
        "waste_kg_per_person_day", 2.4, SOURCE)])
    assert done["result"]["central_t"] == pytest.approx(expected.marine_debris_mid_t)
    stored = inventory_svc.versions(hub, "USA", "jambeck")[0]
    assert stored["version"] == done["result"]["inventory_version"] and stored["version"] not in before
    assert stored["inputs"] == [{"field": "waste_kg_per_person_day", "value": 2.4, "source": SOURCE}]
    assert stored["submitter"] == "US EPA" and stored["account"] == f"user:{users['usa'].id}"
    rejected = fp.reject(hub, acting(users["rev"]), first["id"], "superseded by version 2")
    assert rejected["status"] == "rejected"
    with pytest.raises(fp.FigureError) as closed:
        fp.approve(hub, acting(users["rev"]), first["id"])
    assert closed.value.code == "figures-closed"
    # what the public sees: the approved one only
    public = fp.for_country(hub, "USA", None)
    assert second["id"] in [s["id"] for s in public] and first["id"] not in [s["id"] for s in public]


def test_approved_widths_are_width_revisions_credited_to_the_focal_point(world):
    hub, users, sites = world
    sub = fp.submit(hub, acting(users["usa"]), "USA", "widths", {"submitter": "Maine Coastal Program", "widths": [
        {"site_id": sites[0], "width_m": "42,5", "source": "survey sheet 2019"},
        {"site_id": sites[1], "width_m": 18, "source": "orthophoto 2021", "note": "low tide"}]})
    fp.claim(hub, acting(users["rev"]), sub["id"])
    with pytest.raises(fp.FigureError) as claimed:  # a second reviewer cannot decide a claimed submission
        other = auth.create_user(hub, "rev2@example.org", PASSWORD, role="reviewer")
        fp.approve(hub, acting(other), sub["id"])
    assert claimed.value.code == "figures-claimed"
    done = fp.approve(hub, acting(users["rev"]), sub["id"])
    in_force = widths.list_widths(hub, country="USA").set_index("site_id")
    assert in_force.loc[sites[0], "width_m"] == 42.5 and in_force.loc[sites[1], "width_m"] == 18
    assert in_force.loc[sites[0], "given_by"] == f"user:{users['usa'].id}"
    assert in_force.loc[sites[0], "source"] == "survey sheet 2019"
    assert f"#{sub['id']}" in in_force.loc[sites[1], "note"] and "low tide" in in_force.loc[sites[1], "note"]
    assert [w["revision"] for w in done["result"]["widths"]] == [
        int(in_force.loc[sites[0], "revision"]), int(in_force.loc[sites[1], "revision"])]


# --- API ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(world):
    from litterhub.app import create_app

    hub, users, sites = world
    keys = {name: auth.create_api_key(hub, u.id)[0] for name, u in users.items()}
    with TestClient(create_app(hub)) as c:
        yield c, keys, users, sites


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_api_submit_review_and_read(api):
    c, keys, users, sites = api
    body = {"kind": "widths", "submitter": "NOAA", "widths": [{"site_id": sites[2], "width_m": 25,
                                                               "source": "MDMAP data sheet"}]}
    refused = c.post("/api/v1/countries/USA/figures", json=body, headers=bearer(keys["fra"]))
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["code"] == "figures-not-focal-point"
    assert c.post("/api/v1/countries/USA/figures", json=body).status_code == 401
    made = c.post("/api/v1/countries/USA/figures", json=body, headers=bearer(keys["usa"]))
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    assert c.get(f"/api/v1/national-figures/{sid}").status_code == 404  # pending: not public
    assert c.get(f"/api/v1/national-figures/{sid}", headers=bearer(keys["usa"])).json()["status"] == "submitted"
    queue = c.get("/api/v1/national-figures/queue", headers=bearer(keys["rev"]))
    assert sid in [s["id"] for s in queue.json()["items"]]
    assert c.get("/api/v1/national-figures/queue", headers=bearer(keys["usa"])).status_code == 403
    assert c.post(f"/api/v1/national-figures/{sid}/approve", headers=bearer(keys["usa"])).status_code == 403
    no_reason = c.post(f"/api/v1/national-figures/{sid}/reject", json={"text": ""}, headers=bearer(keys["rev"]))
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["code"] == "figures-reason-missing"
    ok = c.post(f"/api/v1/national-figures/{sid}/approve", json={"text": "ok"}, headers=bearer(keys["rev"]))
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    public = c.get("/api/v1/countries/USA/figures").json()
    assert sid in [s["id"] for s in public["approved"]]
    assert [f["name"] for f in public["focal_points"]] == ["Usa"] and "email" not in public["focal_points"][0]
    assert c.get("/api/v1/countries/XXQ/figures").status_code == 404


def test_api_focal_points_are_admin_only(api):
    c, keys, users, _ = api
    body = {"email": "rev@example.org", "country": "PRT"}
    assert c.post("/api/v1/focal-points", json=body, headers=bearer(keys["rev"])).status_code == 403
    made = c.post("/api/v1/focal-points", json=body, headers=bearer(keys["adm"]))
    assert made.status_code == 201 and made.json()["country"] == "PRT" and made.json()["changed"]
    listed = c.get("/api/v1/focal-points", params={"country": "PRT"}, headers=bearer(keys["adm"])).json()["items"]
    assert [r["email"] for r in listed] == ["rev@example.org"]
    gone = c.post("/api/v1/focal-points/revoke", json=body, headers=bearer(keys["adm"]))
    assert gone.status_code == 200 and not gone.json()["active"]
    assert c.get("/api/v1/focal-points", params={"country": "PRT"}, headers=bearer(keys["adm"])).json()["items"] == []


# --- web forms (role checks) ------------------------------------------------------------------------------------

def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _signed_in(world, email: str) -> TestClient:
    from litterhub.app import create_app

    c = TestClient(create_app(world[0]))
    page = c.get("/account/login")
    r = c.post("/account/login", data={"email": email, "password": PASSWORD, "csrf_token": _csrf(page.text)},
               follow_redirects=False)
    assert r.status_code == 303
    return c


def test_web_form_refuses_a_focal_point_of_another_country(world):
    c = _signed_in(world, "fra@example.org")
    page = c.get("/countries/USA/figures")
    assert page.status_code == 200 and 'id="inventory-form"' not in page.text
    r = c.post("/countries/USA/figures/inventory", data={
        "csrf_token": _csrf(page.text), "submitter": "x", "method": "jambeck", "year": "2010",
        "field_0": "waste_kg_per_person_day", "value_0": "2", "source_0": SOURCE})
    assert r.status_code == 403 and "figures-not-focal-point" in r.text and "FRA" in r.text
    anonymous = TestClient(c.app).post("/countries/USA/figures/inventory", data={}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/account/login")
    contributor = _signed_in(world, "usa@example.org")
    r = contributor.post("/national-figures/1/approve", data={"csrf_token": _csrf(contributor.get("/account").text)})
    assert r.status_code == 403  # a focal point is not a reviewer


# --- CLI ------------------------------------------------------------------------------------------------------

def _cli(hub, *args):
    return CliRunner().invoke(cli_app, [*args, "--data-dir", str(hub.settings.data_dir)])


def test_cli_assign_submit_and_approve(world):
    hub, users, _ = world
    auth.create_user(hub, "phl@example.org", PASSWORD)
    assert _cli(hub, "users", "focal-point", "add", "phl@example.org", "PHL").exit_code == 0
    listed = _cli(hub, "users", "focal-point", "list", "--country", "PHL", "--json")
    assert [r["email"] for r in json.loads(listed.output)] == ["phl@example.org"]
    refused = _cli(hub, "figures", "submit-inventory", "USA", "--by", "phl@example.org", "--method", "meijer",
                   "--figure", "emission_ratio=0.05", "--source", "x", "--from", "DENR")
    assert refused.exit_code == 2 and "figures-not-focal-point" in refused.output
    sent = _cli(hub, "figures", "submit-inventory", "PHL", "--by", "phl@example.org", "--method", "meijer",
                "--figure", "mismanaged_plastic_waste_t=750000", "--source",
                "DENR National Solid Waste Management Commission, 2019", "--from", "DENR")
    assert sent.exit_code == 0, sent.output
    sid = int(re.search(r"#(\d+)", sent.output).group(1))
    not_reviewer = _cli(hub, "figures", "decide", str(sid), "approve", "--by", "phl@example.org")
    assert not_reviewer.exit_code == 2 and "figures-forbidden" in not_reviewer.output
    approved = _cli(hub, "figures", "decide", str(sid), "approve", "--by", "rev@example.org")
    assert approved.exit_code == 0 and "approved" in approved.output
    expected = inventory_svc.meijer_country("PHL", [inventory_svc.Override("mismanaged_plastic_waste_t", 750000,
                                                                           "x")])
    assert fp.get(hub, sid)["result"]["central_t"] == pytest.approx(expected.emitted_to_ocean_t)
    shown = json.loads(_cli(hub, "figures", "list", "PHL", "--json").output)
    assert [s["id"] for s in shown] == [sid]


# --- Chromium -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live(world):
    from litterhub.app import create_app
    from tests.conftest import serve_in_thread

    url, server = serve_in_thread(create_app(world[0]))
    yield url
    server.should_exit = True


def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/account")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1366])
def test_focal_point_submits_reviewer_approves_profile_shows(browser, live, world, width):
    hub, users, sites = world
    value = f"2.{width % 7 + 2}"  # a figure of this run only
    viewport = {"viewport": {"width": width, "height": 900}}
    focal = browser.new_context(**viewport)
    page = focal.new_page()
    _sign_in(page, live, "usa@example.org")
    page.goto(f"{live}/countries/USA/figures")
    _fits(page)
    page.fill("#f-submitter", "US EPA")
    page.select_option("#f-method", "jambeck")
    page.fill("#f-year", "2010")
    page.select_option("#field_0", "waste_kg_per_person_day")
    page.fill("#value_0", value)
    page.fill("#source_0", SOURCE)
    page.click("#inventory-submit")
    page.wait_for_selector("#sent-message")
    sid = int(page.url.split("/national-figures/")[1].split("?")[0])
    assert "waiting for review" in page.inner_text("#status")
    focal.close()

    other = browser.new_context(**viewport).new_page()  # the French focal point has no form for the USA
    _sign_in(other, live, "fra@example.org")
    other.goto(f"{live}/countries/USA/figures")
    assert other.locator("#inventory-form").count() == 0
    other.context.close()

    reviewer = browser.new_context(**viewport)
    page = reviewer.new_page()
    _sign_in(page, live, "rev@example.org")
    page.goto(f"{live}/review")
    _fits(page)
    page.click(f"#figures-queue a[href='/national-figures/{sid}']")
    page.click("#claim-button")
    page.fill("#approve-note", "matches the EPA table")
    page.click("#approve-button")
    page.wait_for_selector("#done-message")
    assert "approved" in page.inner_text("#status")
    reviewer.close()

    stored = fp.get(hub, sid)["result"]
    public = browser.new_context(**viewport).new_page()
    public.goto(f"{live}/countries/USA")
    row = public.locator("#national-figures-table tr", has_text=f"v{stored['inventory_version']}")
    assert row.count() == 1
    text = row.inner_text()
    assert value in text and SOURCE in text
    assert f"{round(stored['central_t']):,}" in text  # the stored inventory's central estimate, as the page shows it
    _fits(public)
    public.context.close()
