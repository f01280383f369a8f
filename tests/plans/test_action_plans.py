"""The national action-plan workspace (issue 22) on the real MDMAP Maine sample (USA): a plan private to its team
until the lead signs it off and publishes it; seven steps prefilled from the hub; measures whose indicator is
the trend of their target items in the country's surveys (litteR's statistics, per comparability class);
comments and tasks; versions; exports as JSON, CSV and PDF; web, API and CLI with role checks on every write; and
a Chromium walk of a team through the seven steps at phone and desktop widths."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.cli import app as cli_app
from litterhub.services import action_plans as ap
from litterhub.services import auth, countries, indicators, plan_data, vocab
from litterhub.services import focal_points as fp
from litterhub.services import registry as registry_svc
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

PASSWORD = "correct horse battery"
BAGS = ["G3", "G4"]  # shopping bags; small plastic bags (master list)
# A real national ban on single-use carrier bags, so the policy step has a record in force to read.
BAN = {"type": "policy", "title": "Maine LD 1532: An Act To Reduce Single-use Plastic Shopping Bags", "kind": "ban",
       "status": "in-force", "countries": ["USA"], "year": 2019, "jurisdiction": "State of Maine",
       "covers": [{"item": "G3", "products": "single-use plastic carry-out bags"}],
       "sources": ["https://legislature.maine.gov/legis/bills/display_ps.asp?LD=1532&snum=129"]}


def _hub(tmp_path_factory, name: str):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp(name) / "data")
    assert ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine").ok
    users = {n: auth.create_user(hub, f"{n}@example.org", PASSWORD, role=role, display_name=n.title(), show_name=True)
             for n, role in (("lead", "contributor"), ("member", "contributor"), ("outsider", "contributor"),
                             ("admin", "admin"))}
    fp.assign(hub, fp.CLI_OPERATOR, users["lead"].id, "USA")
    registry_svc.create_record(hub, BAN, registry_svc.SYSTEM, publish=True)
    return hub, users


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    hub, users = _hub(tmp_path_factory, "plans")
    yield hub, users
    hub.close()


def acting(user) -> fp.Acting:
    return fp.Acting(f"user:{user.id}", user.role, user.id, user.display_name)


MEASURE = {"title": "Ban single-use plastic bags", "items": BAGS, "instrument": "ban",
           "responsible": "Maine Department of Environmental Protection", "start_year": 2020, "end_year": 2030,
           "cost": "250000", "currency": "usd", "sources": ["consumer use on land"]}


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


# --- service --------------------------------------------------------------------------------------------------

def test_plan_is_private_to_its_team_until_published(world):
    hub, users = world
    with pytest.raises(ap.PlanError) as no_right:
        ap.create(hub, acting(users["outsider"]), "USA")
    assert no_right.value.code == "plan-forbidden"
    plan = ap.create(hub, acting(users["lead"]), "USA", "Maine marine litter plan")
    assert plan["status"] == "draft" and plan["my_role"] == "lead"
    with pytest.raises(ap.PlanError) as again:
        ap.create(hub, acting(users["admin"]), "USA")
    assert again.value.code == "plan-exists" and again.value.status == 409
    for who in (None, acting(users["outsider"]), acting(users["member"])):
        with pytest.raises(ap.PlanError) as hidden:
            ap.summary(hub, who, "USA")
        assert hidden.value.code == "plan-not-found" and hidden.value.status == 404
    with pytest.raises(ap.PlanError) as not_lead:
        ap.set_member(hub, acting(users["outsider"]), "USA", users["outsider"].id, "member")
    assert not_lead.value.code == "plan-not-found"  # an outsider does not even learn the plan exists
    ap.set_member(hub, acting(users["lead"]), "USA", users["member"].id, "member")
    assert ap.summary(hub, acting(users["member"]), "USA")["my_role"] == "member"
    with pytest.raises(ap.PlanError) as member_cannot:
        ap.set_member(hub, acting(users["member"]), "USA", users["outsider"].id, "member")
    assert member_cannot.value.code == "plan-forbidden"
    with pytest.raises(ap.PlanError) as last_lead:
        ap.set_member(hub, acting(users["lead"]), "USA", users["lead"].id, "member")
    assert last_lead.value.code == "plan-last-lead"


def test_measures_are_checked_and_versioned(world):
    hub, users = world
    member = acting(users["member"])
    with pytest.raises(ap.PlanError) as bad:
        ap.add_measure(hub, member, "USA", {"title": "", "items": ["G3", "NOPE"], "instrument": "wish",
                                            "start_year": 1800, "cost": "-5"})
    fields = {e["field"]: e["code"] for e in bad.value.errors}
    assert fields["items"] == "plan-unknown-item" and fields["instrument"] == "plan-invalid-instrument"
    assert fields["start_year"] == "plan-invalid-year" and fields["cost"] == "plan-invalid-cost"
    assert fields["title"] == "plan-missing-value" and fields["responsible"] == "plan-missing-value"
    before = len(ap.revisions(hub, member, "USA"))
    m = ap.add_measure(hub, member, "USA", MEASURE)
    assert m["id"] == "m1" and m["currency"] == "USD" and m["cost"] == 250000.0
    rev = ap.save_notes(hub, member, "USA", "stakeholders", "Consulted Maine DEP, NOAA MDP and Surfrider Maine.")
    history = ap.revisions(hub, member, "USA")
    assert len(history) == before + 2 and history[0]["revision"] == rev and history[0]["step"] == "stakeholders"
    saved = ap.workspace(hub, member, "USA", "action-plan")["saved"]["content"]
    assert [x["id"] for x in saved["measures"]] == ["m1"]
    ap.save_notes(hub, member, "USA", "action-plan", "Bags first.")  # notes keep the measures
    assert [x["id"] for x in ap.workspace(hub, member, "USA", "action-plan")["saved"]["content"]["measures"]] == ["m1"]


def test_a_measure_tracks_its_items_trend_with_littler_statistics(world):
    """With every master item as target, a measure's totals are the survey totals of TC: its tracked trend must be
    the country's TC row of `litterhub analyse beach --group-by country`, class by class."""
    hub, _ = world
    everything = plan_data.track(hub, "USA", [i.code for i in vocab.items()])
    beach = indicators.beach(hub, None, "country").tables["country"]
    tc = beach[(beach["country"] == "USA") & (beach["group"] == "TC")]
    assert len(everything["classes"]) == len(tc) == 2
    for c in everything["classes"]:
        ref = tc[tc["comparability_class"] == c["class"]].iloc[0]
        for key in ("median", "slope", "p_value"):
            assert _close(c[key], ref[key]), (c["class"], key, c[key], ref[key])
    bags = plan_data.track(hub, "USA", BAGS)
    totals = plan_data._totals(hub, "USA", tuple(BAGS), False)
    assert sum(c["surveys"] for c in bags["classes"]) == totals["event_id"].nunique() == 70
    assert all(c["direction"] in ("decreasing", "increasing", "no-significant-trend", "no-trend")
               for c in bags["classes"])
    assert plan_data.track(hub, "FRA", BAGS)["note"] == "no-surveys"


def test_steps_are_prefilled_from_the_hub(world):
    hub, users = world
    lead = acting(users["lead"])
    data = ap.workspace(hub, lead, "USA", "data")["prefill"]
    assert data["indicators"] == countries.indicator_section(hub, "USA")  # the profile's (and the CLI's) numbers
    assert data["composition"][0]["count"] >= data["composition"][1]["count"]
    policies = ap.workspace(hub, lead, "USA", "policies")["prefill"]
    assert [p["title"] for p in policies["policies"]] == [BAN["title"]]
    assert "ban" not in policies["gaps"]["missing_kinds"] and "epr" in policies["gaps"]["missing_kinds"]
    assert "G3" not in [i["item"] for i in policies["gaps"]["uncovered_items"]]
    stake = ap.workspace(hub, lead, "USA", "stakeholders")["prefill"]
    assert len(stake["points"]) == 9  # the nine MDMAP Maine sites
    team = ap.workspace(hub, lead, "USA", "team")["prefill"]
    assert [f["user_id"] for f in team["focal_points"]] == [users["lead"].id]


def test_comments_tasks_sign_off_and_publication(world):
    hub, users = world
    lead, member = acting(users["lead"]), acting(users["member"])
    task = ap.add_note(hub, lead, "USA", "data", "task", "Add the 2024 surveys", users["member"].id, "2027-03-01")
    with pytest.raises(ap.PlanError) as outsider_task:
        ap.add_note(hub, lead, "USA", "data", "task", "x", users["outsider"].id)
    assert outsider_task.value.code == "plan-not-member"
    review = ap.workspace(hub, lead, "USA", "review")
    assert review["completeness"][-1]["open_tasks"] == 1
    ap.complete_task(hub, member, "USA", task["id"])
    assert ap.workspace(hub, lead, "USA", "review")["completeness"][-1]["open_tasks"] == 0
    with pytest.raises(ap.PlanError) as member_signs:
        ap.sign_off(hub, member, "USA")
    assert member_signs.value.code == "plan-forbidden"
    with pytest.raises(ap.PlanError) as admin_signs:  # the lead signs off, not an admin
        ap.sign_off(hub, acting(users["admin"]), "USA")
    assert admin_signs.value.code == "plan-forbidden"
    signed = ap.sign_off(hub, lead, "USA")
    assert signed["signed_current"]
    ap.save_notes(hub, member, "USA", "review", "One more edit.")
    with pytest.raises(ap.PlanError) as stale:
        ap.publish(hub, lead, "USA")
    assert stale.value.code == "plan-not-signed-off"
    ap.sign_off(hub, lead, "USA")
    assert ap.publish(hub, lead, "USA")["status"] == "published"
    public = ap.workspace(hub, None, "USA", "action-plan")
    assert public["plan"]["members"] == [] and public["notes"] == []  # the team's people and notes stay private
    assert [m["id"] for m in public["measures"]] == ["m1"]


def test_exports(world):
    hub, users = world
    data = ap.export(hub, acting(users["lead"]), "USA")
    assert list(data["steps"]) == list(ap.STEPS)
    assert data["measures"][0]["tracking"] == plan_data.track(hub, "USA", BAGS)
    rows = list(csv.DictReader(io.StringIO(ap.measures_csv(data))))
    assert [r["class"] for r in rows] == [c["class"] for c in data["measures"][0]["tracking"]["classes"]]
    assert rows[0]["items"] == "G3 G4" and rows[0]["instrument"] == "ban"
    from litterhub.web.plan_pdf import render_plan_pdf

    html, pdf = render_plan_pdf(data, "fr")
    assert pdf.startswith(b"%PDF") and "Ban single-use plastic bags" in html and 'lang="fr"' in html


# --- API ------------------------------------------------------------------------------------------------------

def test_api_roles_and_reads(world):
    from litterhub.app import create_app

    hub, users = world
    key = {n: auth.create_api_key(hub, u.id)[0] for n, u in users.items()}
    with TestClient(create_app(hub)) as c:
        h = {n: {"Authorization": f"Bearer {k}"} for n, k in key.items()}
        assert c.get("/api/v1/countries/USA/plan").json()["status"] == "published"  # published above
        refused = c.post("/api/v1/countries/USA/plan/measures", json={**MEASURE, "cost": 1}, headers=h["outsider"])
        assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "plan-forbidden"
        made = c.post("/api/v1/countries/USA/plan/measures", headers=h["member"], json={
            "title": "Deposit on bottles", "items": ["G7", "G8"], "instrument": "deposit-return",
            "responsible": "Maine DEP", "start_year": 2024, "indicator": "items-per-100m"})
        assert made.status_code == 201 and made.json()["id"] == "m2"
        step = c.get("/api/v1/countries/USA/plan/steps/action-plan").json()
        tracked = {m["id"]: m["tracking"] for m in step["measures"]}
        assert tracked["m2"]["unit"] == "items/100 m" and tracked["m2"] == json.loads(json.dumps(
            plan_data.track(hub, "USA", ["G7", "G8"], "items-per-100m")))
        assert c.get("/api/v1/countries/USA/plan/steps/nope").status_code == 404
        csv_text = c.get("/api/v1/countries/USA/plan/export", params={"format": "csv"}).text
        assert csv_text.splitlines()[0].startswith("id,title,items")
        assert c.post("/api/v1/countries/USA/plan/publish", headers=h["member"]).status_code == 403
        assert c.post("/api/v1/countries/FRA/plan", json={}, headers=h["lead"]).status_code == 403


# --- CLI ------------------------------------------------------------------------------------------------------

def test_cli_walk(tmp_path_factory, tmp_path):
    hub, users = _hub(tmp_path_factory, "plan-cli")

    def run(*args):
        return CliRunner().invoke(cli_app, [*args, "--data-dir", str(hub.settings.data_dir)])

    refused = run("plan", "open", "USA", "--by", "outsider@example.org")
    assert refused.exit_code == 2 and "plan-forbidden" in refused.output
    assert run("plan", "open", "USA", "--by", "lead@example.org").exit_code == 0
    assert run("plan", "member", "USA", "member@example.org", "--by", "lead@example.org").exit_code == 0
    added = run("plan", "measure", "USA", "--title", "Bag ban", "--items", "G3,G4", "--instrument", "ban",
                "--responsible", "Maine DEP", "--start", "2020", "--by", "member@example.org")
    assert added.exit_code == 0, added.output
    shown = json.loads(run("plan", "show", "USA", "--json", "--by", "member@example.org").output)
    assert shown["measures"][0]["tracking"] == json.loads(json.dumps(plan_data.track(hub, "USA", BAGS)))
    out = tmp_path / "plan.pdf"
    assert run("plan", "export", "USA", "--format", "pdf", "--out", str(out), "--by", "lead@example.org"
               ).exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")
    hidden = run("plan", "show", "USA", "--by", "outsider@example.org")
    assert hidden.exit_code == 2 and "plan-not-found" in hidden.output
    hub.close()


# --- Chromium: a team walks the seven steps ---------------------------------------------------------------

def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/account")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, page.url


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1366])
def test_team_walks_the_seven_steps_in_chromium(browser, tmp_path_factory, width):
    from litterhub.app import create_app
    from tests.conftest import serve_in_thread

    hub, users = _hub(tmp_path_factory, f"plan-browser-{width}")
    base, server = serve_in_thread(create_app(hub))
    try:
        ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _sign_in(page, base, "lead@example.org")
        page.goto(f"{base}/countries/USA")
        page.click("#plan-link")
        page.fill("#plan-title", "Maine marine litter action plan")
        page.click("#open-plan")
        page.wait_for_url(f"{base}/countries/USA/plan/team")
        # 1. team
        page.fill("#member-email", "member@example.org")
        page.click("#member-submit")
        page.wait_for_selector("#saved-message")
        assert "Member" in page.inner_text("#members-table")
        _fits(page)
        # 2. stakeholders: the sites on a map, notes saved as a revision
        page.click("#plan-steps li:nth-child(2) a")
        page.wait_for_selector("#country-map[data-loaded]", timeout=20_000)
        page.fill("#notes", "Consulted Maine DEP and the Surfrider chapter.")
        page.click("#save-notes")
        page.wait_for_selector("#saved-message")
        _fits(page)
        # 3. policies: the ban in force, and the gaps
        page.click("#plan-steps li:nth-child(3) a")
        assert BAN["title"] in page.inner_text("#policies-table")
        assert "epr" in page.inner_text("#missing-kinds") and "ban" not in page.inner_text("#missing-kinds")
        _fits(page)
        # 4. data analysis: the country's indicators as the hub computes them
        page.click("#plan-steps li:nth-child(4) a")
        expected = countries.indicator_section(hub, "USA")["sdg"]["rows"]
        assert page.locator("#sdg-table tbody tr").count() == len(expected) > 0
        assert page.locator("#composition-table tbody tr").count() >= 5
        _fits(page)
        # 5. inventory
        page.click("#plan-steps li:nth-child(5) a")
        assert page.locator("#inventory-models").count() == 1
        _fits(page)
        # 6. action plan: a measure targeting plastic bags, tracked on the monitoring section
        page.click("#plan-steps li:nth-child(6) a")
        page.fill("#m-title", "Ban single-use plastic bags")
        page.fill("#m-items", "G3, G4")
        page.select_option("#m-instrument", "ban")
        page.fill("#m-responsible", "Maine DEP")
        page.fill("#m-start", "2020")
        page.fill("#m-cost", "250000")
        page.fill("#m-currency", "USD")
        page.click("#add-measure")
        page.wait_for_selector("#saved-message")
        track = plan_data.track(hub, "USA", BAGS)
        rows = page.locator("#tracking-m1 tbody tr")
        assert rows.count() == len(track["classes"]) > 0
        first = rows.nth(0).inner_text()
        assert str(track["classes"][0]["surveys"]) in first
        page.fill("#note-body", "Check the bag counts of 2023")
        page.select_option("#note-kind", "task")
        page.click("#add-note")
        page.wait_for_selector("#saved-message")
        page.click(".task-done")
        page.wait_for_selector("#saved-message")
        _fits(page)
        # 7. final review: sign off, publish, export
        page.click("#plan-steps li:nth-child(7) a")
        assert "0" in page.inner_text("#completeness")
        page.click("#sign-off")
        page.wait_for_selector("#signed-off")
        page.click("#publish")
        page.wait_for_selector("#saved-message")
        assert page.inner_text("#plan-status").strip() == "published"
        _fits(page)
        with page.expect_download() as pdf:
            page.click("#export-pdf")
        assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
        with page.expect_download() as js:
            page.click("#export-json")
        exported = json.loads(open(js.value.path(), encoding="utf-8").read())
        assert exported["measures"][0]["items"] == BAGS
        assert not errors, errors
        ctx.close()
        # someone outside the team, before and after: published plans are readable, their notes are not
        other = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        other.goto(f"{base}/countries/USA/plan/action-plan")
        assert other.locator("#measures-table").count() == 1 and other.locator("#note-form").count() == 0
        assert re.search(r"Ban single-use plastic bags", other.inner_text("#measures-table"))
        other.context.close()
    finally:
        server.should_exit = True
        hub.close()


LANGS = ("en", "fr", "es", "ar", "ru", "zh")


@pytest.mark.browser
def test_every_step_in_the_six_languages_at_phone_width(browser, world):
    """Each step of the (published) plan renders in each UN language at 360 px: the page's language and direction,
    a translated step title, and nothing wider than the screen."""
    from litterhub.app import create_app
    from tests.conftest import serve_in_thread

    hub, users = world
    lead = acting(users["lead"])
    try:  # the module's earlier tests publish the plan; run alone, this test publishes it itself
        plan = ap.summary(hub, None, "USA")
    except ap.PlanError:
        try:
            ap.create(hub, lead, "USA")
        except ap.PlanError:
            pass  # opened by an earlier test, not yet published
        ap.save_notes(hub, lead, "USA", "team", "The team.")
        ap.sign_off(hub, lead, "USA")
        plan = ap.publish(hub, lead, "USA")
    assert plan["status"] == "published"
    base, server = serve_in_thread(create_app(hub))
    try:
        page = browser.new_page(viewport={"width": 360, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        titles: dict[str, set[str]] = {}
        for lang in LANGS:
            for step in ap.STEPS:
                page.goto(f"{base}/countries/USA/plan/{step}?lang={lang}")
                assert page.get_attribute("html", "lang") == lang
                assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
                titles.setdefault(step, set()).add(page.inner_text("#step-title").strip())
                assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, (lang, step)
        assert all(len(t) == len(LANGS) for t in titles.values()), titles  # six different titles per step
        assert not errors, errors
        page.close()
    finally:
        server.should_exit = True


def test_a_measure_follows_new_surveys_as_they_are_published(tmp_path_factory, tmp_path):
    """Monitoring is automatic: a dataset published after the measure was written changes its tracked indicator
    on the next read (six new 2024 MDMAP surveys with 40 plastic bags each, G2 in the master list)."""
    hub, _ = _hub(tmp_path_factory, "plan-arrivals")
    before = plan_data.track(hub, "USA", ["G2"])
    with (DEMO_DIR / "mdmap-maine-2016-2023.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = [next(reader) for _ in range(6)]
        fields = reader.fieldnames
    for n, row in enumerate(rows):
        row["survey_date"] = f"2024-0{n + 1}-15"
        row["survey_id"] = f"later-{n}"
        for key in ("plastic:bags", "total_plastic_items", "total_debris_items"):
            row[key] = str(int(float(row[key] or 0)) + 40)
    later = tmp_path / "mdmap-2024.csv"
    with later.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    assert ingest_file(hub, later, "mdmap", "mdmap-maine-2024").ok
    after = plan_data.track(hub, "USA", ["G2"])
    assert sum(c["surveys"] for c in after["classes"]) == sum(c["surveys"] for c in before["classes"]) + 6
    years = {(c["class"], y["year"]): y for c in after["classes"] for y in c["years"]}
    new = [y for (_, year), y in years.items() if year == 2024]
    assert new and sum(y["surveys"] for y in new) == 6 and all(y["median"] >= 40 for y in new)
    assert not any(y["year"] == 2024 for c in before["classes"] for y in c["years"])
    hub.close()
