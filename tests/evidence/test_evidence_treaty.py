"""The living evidence review and the treaty-readiness view (issue 19 items 4 and 5) on a hub holding the real
MDMAP Maine sample (USA), the registry seed and the bundled evidence and party seeds: two-screener screening with
blinding and conflicts resolved by the lead only, the evidence map, CSV and RIS exports read back, role checks on
the API, the CLI, and the issue's done-when walk in Chromium."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.cli import app as cli_app
from litterhub.services import auth, registry, treaty
from litterhub.services import evidence as ev
from litterhub.services.focal_points import Acting
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

PASSWORD = "correct horse battery"
PEOPLE = ("lead", "ana", "ben", "outsider")
# Capacity needs of two countries: the readiness view of one must show its own need and never the other's.
NEED_USA = {"type": "capacity_need", "title": "Training on MDMAP accumulation surveys for Gulf of Maine volunteers",
            "countries": ["USA"], "formats": ["training"], "sources": ["https://marinedebris.noaa.gov"]}
NEED_KEN = {"type": "capacity_need", "title": "Microplastics laboratory equipment for the Kenya Marine and Fisheries "
            "Research Institute", "countries": ["KEN"], "formats": ["equipment"],
            "sources": ["https://www.kmfri.go.ke"]}
STUDY = {"title": "Inhaled microplastic fibres and lung inflammation in a laboratory exposure study",
         "authors": "A. Tester; B. Example", "year": 2024, "journal": "Test Journal", "stage": "human-exposure",
         "exposure_route": "inhalation", "compartment": "air", "endpoint": "inflammation", "effect": "adverse",
         "design": "experimental-lab"}


def _hub(tmp_path_factory, name: str):
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp(name) / "data")
    assert ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine").ok
    registry.load_seed(hub)
    assert treaty.load_seed(hub)["created"] > 0
    assert ev.load_seed(hub)["created"] > 0
    for need in (NEED_USA, NEED_KEN):
        registry.create_record(hub, need, registry.SYSTEM, publish=True)
    users = {n: auth.create_user(hub, f"{n}@example.org", PASSWORD, role="contributor", display_name=n.title(),
                                 show_name=True) for n in PEOPLE}
    return hub, users


def acting(user) -> Acting:
    return Acting(f"user:{user.id}", user.role, user.id, user.display_name)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    hub, users = _hub(tmp_path_factory, "evidence")
    yield hub, users
    hub.close()


def _project(hub, users, slug: str) -> str:
    p = ev.create_project(hub, acting(users["lead"]), {
        "slug": slug, "title": f"Review {slug}", "topic": "human-health",
        "question": "Does inhaled microplastic cause inflammation?",
        "criteria": "Primary studies of inhalation exposure reporting an inflammation endpoint."})
    for s in ("ana", "ben"):
        ev.set_screener(hub, acting(users["lead"]), p["slug"], users[s].id)
    return p["slug"]


# --- service: the screening workflow ----------------------------------------------------------------------------

def test_two_screeners_blinding_conflict_and_inclusion(world):
    hub, users = world
    slug = _project(hub, users, "svc-walk")
    lead, ana, ben = (acting(users[n]) for n in ("lead", "ana", "ben"))
    cand = ev.add_candidate(hub, lead, slug, STUDY)
    before = ev.evidence_map(hub)["cells"]["human-exposure"]["inflammation"]
    ev.screen(hub, ana, slug, cand["id"], "include")
    # blinding: ben sees that one decision was made, not what it was; the lead neither
    for who in (ben, lead, None):
        phase = ev.project(hub, who, slug)["candidates"][0]["screening"][0]
        assert phase["decided"] == 1 and phase["decisions"] == [] and phase["mine"] is None
    assert ev.project(hub, ana, slug)["candidates"][0]["screening"][0]["mine"] == "include"
    after_ta = ev.screen(hub, ben, slug, cand["id"], "include")
    assert after_ta["phase"] == "full-text"
    assert {d["decision"] for d in after_ta["screening"][0]["decisions"]} == {"include"}  # both in: shown
    ev.screen(hub, ana, slug, cand["id"], "include")
    with pytest.raises(ev.EvidenceError) as no_reason:
        ev.screen(hub, ben, slug, cand["id"], "exclude")
    assert no_reason.value.code == "evidence-invalid-value" and no_reason.value.field == "reason"
    conflict = ev.screen(hub, ben, slug, cand["id"], "exclude", "wrong-outcome")
    assert conflict["conflict"] and conflict["phase"] == "full-text"
    with pytest.raises(ev.EvidenceError) as screener_cannot:
        ev.resolve(hub, ana, slug, cand["id"], "include", "I think so")
    assert screener_cannot.value.code == "evidence-not-lead" and screener_cannot.value.status == 403
    assert ev.evidence_map(hub)["cells"]["human-exposure"]["inflammation"] == before
    done = ev.resolve(hub, lead, slug, cand["id"], "include", "The outcome is a measured inflammation marker.")
    assert done["phase"] == "included" and done["record_id"] and not done["conflict"]
    assert done["screening"][1]["resolution"]["reason"].startswith("The outcome")
    record = ev.record(hub, done["record_id"])
    assert (record["stage"], record["endpoint"], record["exposure_route"]) == ("human-exposure", "inflammation",
                                                                               "inhalation")
    assert ev.evidence_map(hub)["cells"]["human-exposure"]["inflammation"] == before + 1
    assert ev.evidence_map(hub, exposure_route="ingestion")["cells"]["human-exposure"]["inflammation"] == 0
    with pytest.raises(ev.EvidenceError) as closed:
        ev.screen(hub, ana, slug, cand["id"], "include")
    assert closed.value.code == "evidence-screening-closed"


def test_exclusion_by_agreement_and_role_rules(world):
    hub, users = world
    slug = _project(hub, users, "svc-rules")
    lead, ana, ben, outsider = (acting(users[n]) for n in ("lead", "ana", "ben", "outsider"))
    cand = ev.add_candidate(hub, lead, slug, {"title": "An off-topic study of glass bottles"})
    with pytest.raises(ev.EvidenceError) as not_assigned:
        ev.screen(hub, outsider, slug, cand["id"], "include")
    assert not_assigned.value.code == "evidence-not-screener" and not_assigned.value.status == 403
    with pytest.raises(ev.EvidenceError) as not_lead:
        ev.add_candidate(hub, ana, slug, {"title": "x"})
    assert not_lead.value.code == "evidence-not-lead"
    ev.screen(hub, ana, slug, cand["id"], "exclude", "off-topic")
    with pytest.raises(ev.EvidenceError) as twice:
        ev.screen(hub, ana, slug, cand["id"], "include")
    assert twice.value.code == "evidence-already-screened"
    out = ev.screen(hub, ben, slug, cand["id"], "exclude", "off-topic")
    assert out["phase"] == "excluded" and out["record_id"] is None
    with pytest.raises(ev.EvidenceError) as bad_value:
        ev.add_candidate(hub, lead, slug, {"title": "y", "stage": "the-moon"})
    assert bad_value.value.field == "stage"
    with pytest.raises(ev.EvidenceError) as bad_doi:
        ev.add_candidate(hub, lead, slug, {"title": "y", "doi": "not a doi"})
    assert bad_doi.value.field == "doi"


def test_quality_appraisal_scheme(world):
    hub, users = world
    rec = ev.records(hub, topic="job-transition")[0]
    scores = {"design": 2, "exposure": 2, "controls": 0, "replication": 2, "identification": 2, "reporting": 2}
    with pytest.raises(ev.EvidenceError) as not_admin:
        ev.appraise(hub, acting(users["lead"]), rec["id"], scores)
    assert not_admin.value.code == "evidence-forbidden"
    admin = Acting("cli", "admin", None, "operator")
    out = ev.appraise(hub, admin, rec["id"], scores)
    assert out["quality_score"] == 10 and out["quality_rating"] == "moderate"  # no controls caps at moderate
    assert ev.rating({"scores": {**scores, "controls": 1}}) == (11, "high")
    assert ev.rating({"scores": dict.fromkeys(ev.QUALITY_CRITERIA, 1)}) == (6, "moderate")
    with pytest.raises(ev.EvidenceError) as bad:
        ev.appraise(hub, admin, rec["id"], {**scores, "reporting": 3})
    assert bad.value.field == "reporting"


def test_seed_is_real_and_honest():
    """Seeded studies: a DOI only where the registry seed or shared data cites it; those without are unverified."""
    doc = json.loads(ev.SEED_FILE.read_text(encoding="utf-8"))
    seed_text = "".join(p.read_text(encoding="utf-8") for p in registry.SEED_DIR.glob("*.json"))
    dois = [r["doi"] for r in doc["records"] if r["doi"]]
    assert dois and all(d in seed_text or d == "10.1596/978-1-4648-1329-0" for d in dois)
    jobs = [r for r in doc["records"] if r["topic"] == "job-transition"]
    assert {r["endpoint"] for r in jobs} >= {"economic-cost", "jobs"}
    assert all(r["verification"] == "unverified" for r in doc["records"] if not r["doi"])


def test_workflow_and_party_table_on_sqlite_and_postgresql(any_hub):
    hub = any_hub
    users = {n: auth.create_user(hub, f"{n}@example.org", PASSWORD, role="contributor") for n in PEOPLE}
    slug = _project(hub, users, "any-catalog")
    lead, ana, ben = (acting(users[n]) for n in ("lead", "ana", "ben"))
    cand = ev.add_candidate(hub, lead, slug, STUDY)
    for phase_decisions in ((("include", None), ("include", None)), (("include", None), ("exclude", "duplicate"))):
        for who, (decision, reason) in zip((ana, ben), phase_decisions, strict=True):
            ev.screen(hub, who, slug, cand["id"], decision, reason)
    assert ev.resolve(hub, lead, slug, cand["id"], "include", "not a duplicate")["phase"] == "included"
    assert ev.evidence_map(hub)["cells"]["human-exposure"]["inflammation"] == 1
    marpol = {"id": "policy-marpol-annex-v", "type": "policy", "title": "MARPOL Annex V", "kind": "convention",
              "status": "in-force", "sources": ["https://www.imo.org/en/OurWork/Environment/Pages/Garbage-Default.aspx"]}
    registry.create_record(hub, marpol, registry.SYSTEM, publish=True)
    admin = Acting("cli", "admin", None, "operator")
    with pytest.raises(treaty.TreatyError) as not_reviewer:
        treaty.set_party(hub, lead, "NOR", marpol["id"], "party", marpol["sources"][0])
    assert not_reviewer.value.status == 403
    treaty.set_party(hub, admin, "nor", marpol["id"], "signed", marpol["sources"][0])
    row = treaty.set_party(hub, admin, "NOR", marpol["id"], "party", marpol["sources"][0], "1986")
    assert (row["status"], row["date"]) == ("party", "1986") and len(treaty.parties(hub, "NOR")) == 1
    with pytest.raises(treaty.TreatyError) as not_instrument:
        treaty.set_party(hub, admin, "NOR", "policy-nothing", "party", marpol["sources"][0])
    assert not_instrument.value.code == "treaty-unknown-instrument"


# --- exports ----------------------------------------------------------------------------------------------------

def test_csv_and_ris_exports_read_back(world):
    hub, _ = world
    rows = ev.records(hub)
    parsed = list(csv.DictReader(io.StringIO(ev.to_csv(rows))))
    assert len(parsed) == len(rows) > 10
    by_title = {r["title"]: r for r in parsed}
    meijer = next(r for r in rows if r["doi"] == "10.1126/sciadv.aaz5803")
    assert by_title[meijer["title"]]["stage"] == "rivers" and by_title[meijer["title"]]["doi"] == meijer["doi"]
    assert by_title[meijer["title"]]["authors"].split("; ")[0] == "Lourens J. J. Meijer"
    ris = ev.to_ris(rows)
    entries = ev.parse_ris(ris)
    assert len(entries) == len(rows)
    # every line is a tag line (two capitals/digits, two spaces, hyphen, space); every entry opens TY, closes ER
    lines = ris.split("\r\n")[:-1]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines)
    assert lines.count("ER  - ") == len(rows) and sum(1 for x in lines if x.startswith("TY  - ")) == len(rows)
    m = next(e for e in entries if e.get("DO") == ["10.1126/sciadv.aaz5803"])
    assert m["TY"] == ["JOUR"] and m["PY"] == ["2021"] and m["TI"] == [meijer["title"]]
    assert m["AU"][0] == "Lourens J. J. Meijer" and "et al." not in m["AU"]


# --- API: roles, blinding, map, export ------------------------------------------------------------------------

def _key(hub, user) -> dict[str, str]:
    token, _ = auth.create_api_key(hub, user.id, ["read", "submit"])
    return {"Authorization": f"Bearer {token}"}


def test_api_roles_blinding_and_reads(world):
    from litterhub.app import create_app

    hub, users = world
    client = TestClient(create_app(hub))
    keys = {n: _key(hub, users[n]) for n in PEOPLE}
    anon = client.post("/api/v1/evidence/projects", json={"title": "t", "question": "q", "criteria": "c"})
    assert anon.status_code == 401
    made = client.post("/api/v1/evidence/projects", headers=keys["lead"], json={
        "slug": "api-walk", "title": "API walk", "question": "q", "criteria": "c", "topic": "human-health"})
    assert made.status_code == 201 and made.json()["my_role"] == "lead"
    for s in ("ana", "ben"):
        assert client.put("/api/v1/evidence/projects/api-walk/screeners", headers=keys["lead"],
                          json={"email": f"{s}@example.org"}).status_code == 200
    assert client.put("/api/v1/evidence/projects/api-walk/screeners", headers=keys["ana"],
                      json={"email": "outsider@example.org"}).status_code == 403
    cand = client.post("/api/v1/evidence/projects/api-walk/candidates", headers=keys["lead"], json={
        **STUDY, "authors": ["A. Tester"], "title": "API study"}).json()
    url = f"/api/v1/evidence/projects/api-walk/candidates/{cand['id']}"
    assert client.post(f"{url}/screen", json={"decision": "include"}).status_code == 401
    assert client.post(f"{url}/screen", headers=keys["outsider"], json={"decision": "include"}).status_code == 403
    assert client.post(f"{url}/screen", headers=keys["ana"], json={"decision": "include"}).status_code == 200
    seen_by_ben = client.get("/api/v1/evidence/projects/api-walk", headers=keys["ben"]).json()["candidates"][0]
    assert seen_by_ben["screening"][0]["decided"] == 1 and seen_by_ben["screening"][0]["decisions"] == []
    seen_by_ana = client.get("/api/v1/evidence/projects/api-walk", headers=keys["ana"]).json()["candidates"][0]
    assert [d["decision"] for d in seen_by_ana["screening"][0]["decisions"]] == ["include"]
    out = client.post(f"{url}/screen", headers=keys["ben"], json={"decision": "exclude", "reason": "wrong-design"})
    assert out.json()["conflict"] is True
    assert client.post(f"{url}/resolve", headers=keys["ana"], json={"decision": "include", "reason": "x"}) \
        .status_code == 403
    resolved = client.post(f"{url}/resolve", headers=keys["lead"], json={"decision": "exclude",
                                                                         "reason": "not a primary study"})
    assert resolved.status_code == 200 and resolved.json()["phase"] == "excluded"
    bad = client.get("/api/v1/evidence/map", params={"stage": "the-moon"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "stage"
    emap = client.get("/api/v1/evidence/map", params={"topic": "job-transition"}).json()
    assert emap["total"] == len(ev.records(hub, topic="job-transition")) and emap["cells"]["waste-management"]["jobs"]
    ris = client.get("/api/v1/evidence/export", params={"format": "ris", "topic": "job-transition"})
    assert ris.status_code == 200 and len(ev.parse_ris(ris.text)) == emap["total"]
    # the web forms: anonymous posts go to the sign-in page; a signed-in post without the CSRF token is refused
    form = {"title": "Web", "question": "q", "criteria": "c"}
    anon_web = client.post("/evidence/projects", data=form, follow_redirects=False)
    assert anon_web.status_code == 303 and anon_web.headers["location"].startswith("/account/login")
    token, _ = auth.start_session(hub, users["ana"].id)
    client.cookies.set("litterhub_session", token)
    no_csrf = client.post(f"/evidence/projects/api-walk/candidates/{cand['id']}/resolve",
                          data={"decision": "include", "reason": "x"}, follow_redirects=False)
    assert no_csrf.status_code == 403
    assert ev.project(hub, None, "api-walk")["candidates"][0]["phase"] == "excluded"  # nothing changed


# --- treaty readiness --------------------------------------------------------------------------------------------

def test_readiness_joins_only_the_countrys_own_records(world):
    from litterhub.app import create_app

    hub, _ = world
    r = treaty.readiness(hub, "usa")
    assert r["country"] == "USA"
    assert r["inventory"]["models"]["country"] == "USA" and r["inventory"]["models"]["jambeck_mpw_t"] > 0
    assert [p["id"] for p in r["policies"]] == ["policy-us-microbead-free-waters-act"]
    assert r["monitoring"]["datasets"] == ["mdmap-maine"] and r["monitoring"]["surveys"] > 0
    assert [n["title"] for n in r["capacity_needs"]] == [NEED_USA["title"]]
    statuses = {i["id"]: i["status"] for i in r["instruments"]}
    assert statuses["policy-basel-convention"] == "signed" and statuses["policy-marpol-annex-v"] == "party"
    ken = treaty.readiness(hub, "KEN")
    assert [n["title"] for n in ken["capacity_needs"]] == [NEED_KEN["title"]]
    assert ken["monitoring"]["surveys"] == 0 and ken["policies"] and all(
        p["id"] != "policy-us-microbead-free-waters-act" for p in ken["policies"])
    inc = next(i for i in treaty.instruments(hub) if i["id"] == "policy-inc-plastics-instrument")
    assert [s["acronyms"][0] for s in inc["sessions"]] == ["INC-1", "INC-2", "INC-3", "INC-4", "INC-5", "INC-5.2"]
    client = TestClient(create_app(hub))
    api = client.get("/api/v1/countries/USA/treaty-readiness").json()
    assert api["capacity_needs"][0]["title"] == NEED_USA["title"]
    assert client.get("/api/v1/countries/XXX/treaty-readiness").status_code == 404
    body = {"country": "KEN", "instrument": "policy-marpol-annex-v", "status": "party",
            "source": "https://www.imo.org/en/About/Conventions/Pages/StatusOfConventions.aspx"}
    assert client.put("/api/v1/treaty/parties", json=body).status_code == 401
    contributor = _key(hub, auth.find_user(hub, "lead@example.org"))
    assert client.put("/api/v1/treaty/parties", json=body, headers=contributor).status_code == 403


def test_cli(world, tmp_path):
    hub, _ = world
    runner = CliRunner()
    data = str(hub.settings.data_dir)
    out = runner.invoke(cli_app, ["treaty", "readiness", "USA", "--data-dir", data])
    assert out.exit_code == 0, out.output
    assert "mdmap-maine" in out.output and NEED_USA["title"] in out.output and "Microbead" in out.output
    target = tmp_path / "e.ris"
    out = runner.invoke(cli_app, ["evidence", "export", "ris", "-o", str(target), "--topic", "job-transition",
                                  "--data-dir", data])
    assert out.exit_code == 0, out.output
    assert len(ev.parse_ris(target.read_text(encoding="utf-8"))) == len(ev.records(hub, topic="job-transition"))
    out = runner.invoke(cli_app, ["evidence", "screen", "svc-rules", "1", "include", "--by", "outsider@example.org",
                                  "--data-dir", data])
    assert out.exit_code == 2 and "evidence-not-screener" in out.output


# --- Chromium: the done-when walk ------------------------------------------------------------------------

def _sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/account")


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, page.url


def _cell(page, base: str, stage: str, endpoint: str) -> int:
    page.goto(f"{base}/evidence?topic=human-health")
    return int(page.inner_text(f'#evidence-map td[data-cell="{stage}|{endpoint}"]').strip())


@pytest.mark.browser
def test_screeners_lead_map_and_readiness_in_chromium(browser, world):
    from litterhub.app import create_app
    from tests.conftest import serve_in_thread

    hub, users = world  # the module's hub: the map's counts are read before and after, never assumed
    base, server = serve_in_thread(create_app(hub))
    try:
        ctxs = {n: browser.new_context(viewport={"width": 360, "height": 800}) for n in ("lead", "ana", "ben")}
        pages = {n: c.new_page() for n, c in ctxs.items()}
        errors: list[str] = []
        for n, p in pages.items():
            p.on("pageerror", lambda e: errors.append(str(e)))
            _sign_in(p, base, f"{n}@example.org")
        lead, ana, ben = pages["lead"], pages["ana"], pages["ben"]
        before = _cell(lead, base, "human-exposure", "inflammation")
        inhaled_before = ev.evidence_map(hub, topic="human-health", exposure_route="inhalation")["cells"][
            "human-exposure"]["inflammation"]
        # the lead opens the project, assigns two screeners, adds two studies
        lead.goto(f"{base}/evidence/projects/new")
        lead.fill("#p-title", "Inhaled microplastics and inflammation")
        lead.select_option("#p-topic", "human-health")
        lead.fill("#p-question", "Does inhaled microplastic cause lung inflammation?")
        lead.fill("#p-criteria", "Primary inhalation exposure studies reporting an inflammation endpoint.")
        lead.click("#open-project")
        lead.wait_for_url(re.compile(r".*/evidence/projects/inhaled-microplastics-and-inflammation$"))
        assert ben.goto(lead.url) and ben.locator("#screener-form").count() == 0  # not the lead: no team form
        project = lead.url
        for s in ("ana", "ben"):
            lead.fill("#screener-email", f"{s}@example.org")
            lead.click("#screener-submit")
            lead.wait_for_selector("#saved-message")
        for title, stage in ((STUDY["title"], "human-exposure"), ("Plastic bags in the Baltic", "coasts")):
            lead.fill("#c-title", title)
            lead.fill("#c-authors", STUDY["authors"])
            lead.fill("#c-year", "2024")
            lead.select_option("#c-stage", stage)
            lead.select_option("#c-endpoint", "inflammation")
            if stage == "human-exposure":
                lead.select_option("#c-exposure_route", "inhalation")
            lead.click("#candidate-submit")
            lead.wait_for_selector("#saved-message")
        _fits(lead)
        inhaled, bags = [int(x.split("-")[1]) for x in
                         lead.eval_on_selector_all("section.candidate", "els => els.map(e => e.id)")]
        # title/abstract: both include the first study; both exclude the second (with a reason)

        def decide(page, cid: int, decision: str, reason: str | None = None) -> None:
            if not page.url.startswith(project) or page.locator(f"#decision-{cid}").count() == 0:
                page.goto(project)  # after a decision the page is the project again: reload only when needed
            page.select_option(f"#decision-{cid}", decision)
            if reason:
                page.select_option(f"#reason-{cid}", reason)
            page.click(f"#screen-{cid}")
            page.wait_for_selector("#saved-message")

        decide(ana, inhaled, "include")
        ben.goto(project)  # blinding: ben sees one decision made, not ana's choice
        assert "1 of 2 decisions" in ben.inner_text(f"#candidate-{inhaled} .screening")
        assert "Ana" not in ben.inner_text(f"#candidate-{inhaled}")
        decide(ben, inhaled, "include")
        decide(ana, bags, "exclude", "off-topic")
        decide(ben, bags, "exclude", "off-topic")
        assert ben.get_attribute(f"#candidate-{bags}", "data-phase") == "excluded"
        assert ben.get_attribute(f"#candidate-{inhaled}", "data-phase") == "full-text"
        # full text: they disagree; a screener may not resolve, the lead does
        decide(ana, inhaled, "include")
        decide(ben, inhaled, "exclude", "wrong-outcome")
        assert ben.locator(f"#resolve-{inhaled}").count() == 0
        assert _cell(lead, base, "human-exposure", "inflammation") == before
        lead.goto(project)
        assert lead.locator(f"#candidate-{inhaled} .conflict").count() == 1
        lead.fill(f"#resolve-reason-{inhaled}", "The outcome is a measured inflammation marker.")
        lead.select_option(f"#resolve-decision-{inhaled}", "include")
        lead.click(f"#resolve-{inhaled}")
        lead.wait_for_selector("#saved-message")
        assert lead.get_attribute(f"#candidate-{inhaled}", "data-phase") == "included"
        _fits(lead)
        # the evidence map's human-exposure × inflammation cell counts the included study
        assert _cell(lead, base, "human-exposure", "inflammation") == before + 1
        lead.goto(f"{base}/evidence?topic=human-health&exposure_route=inhalation")
        assert int(lead.inner_text('#evidence-map td[data-cell="human-exposure|inflammation"]')) == inhaled_before + 1
        assert lead.locator('#evidence-map td[data-cell="coasts|inflammation"] a').count() == 0
        _fits(lead)
        # the lead appraises the new record's quality on its page; a screener gets no appraisal form
        lead.goto(project)
        lead.click(f"#candidate-{inhaled} a[href^='/evidence/records/']")
        record_url = lead.url
        ana.goto(record_url)
        assert ana.locator("#appraisal-form").count() == 0
        for criterion, score in (("design", "2"), ("exposure", "2"), ("controls", "1"), ("replication", "2"),
                                 ("identification", "1"), ("reporting", "2")):
            lead.select_option(f"#q-{criterion}", score)
        lead.click("#appraise")
        lead.wait_for_selector("#saved-message")
        assert lead.inner_text("#quality-rating").startswith("high") and "10" in lead.inner_text("#quality-rating")
        # treaty readiness of the USA, reached from its country page: each section shows its own records
        page = ana
        page.goto(f"{base}/countries/USA")
        page.click("#treaty-readiness-link")
        page.wait_for_url(f"{base}/countries/USA/treaty-readiness")
        assert int(page.inner_text("#inventory-submitted")) == 0 and page.locator(".inv-value").count() == 1
        assert "Microbead-Free Waters Act" in page.inner_text("#readiness-policies")
        assert "mdmap-maine" in page.inner_text("#readiness-monitoring")
        capacity = page.inner_text("#readiness-capacity")
        assert NEED_USA["title"] in capacity and NEED_KEN["title"] not in capacity
        assert page.inner_text('#instrument-table tr[data-instrument="policy-basel-convention"] .status') \
            .startswith("signed")
        assert page.inner_text('#instrument-table tr[data-instrument="policy-marpol-annex-v"] .status') == "party"
        _fits(page)
        assert errors == []
        for c in ctxs.values():
            c.close()
    finally:
        server.should_exit = True
