"""Submissions and review at the service level: surveys and uploads become dataset versions only on approval."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from litterhub.services import auth, datasets
from litterhub.services import contributions as c
from litterhub.services import review as r
from litterhub.services.setup import DEMO_DIR
from litterhub.store import tables as t

PASSWORD = "correct horse battery"


@pytest.fixture()
def people(hub):
    def principal(email, role="contributor", trusted=False):
        user = auth.create_user(hub, email, PASSWORD, role=role, trusted=trusted)
        return auth.principal_for_session(hub, user.id)

    return {"ana": principal("ana@example.org"), "rui": principal("rui@example.org", "reviewer"),
            "eva": principal("eva@example.org", "reviewer"), "tom": principal("tom@example.org", trusted=True)}


def survey(**kw) -> c.SurveyInput:
    base = {"site_name": "Praia Norte", "country": "PT", "lat": 41.7, "lon": -8.87,
            "survey_date": date(2024, 5, 1), "length_m": 100, "team_size": 4, "counts": {"G1": 3, "G7": 10}}
    return c.SurveyInput(**{**base, **kw})


def audit_actions(hub, target):
    with hub.engine.connect() as conn:
        return conn.execute(select(t.audit_log.c.action).where(t.audit_log.c.target == target)
                            .order_by(t.audit_log.c.id)).scalars().all()


def test_survey_is_private_until_approved_then_a_version(hub, people):
    sub = c.create_survey(hub, people["ana"], survey())
    assert sub.status == "submitted" and sub.quality_tier == "citizen-science"
    assert datasets.list_datasets(hub) == []
    decision = r.approve(hub, people["rui"], sub.id)
    assert decision.changed and decision.submission.status == "approved"
    assert decision.submission.published_version == 1
    ds = datasets.get_dataset(hub, sub.dataset_id)
    assert ds["n_events"] == 1 and ds["source_programme"] == "litterhub citizen science"
    assert [e["total_count"] for e in datasets.list_events(hub, dataset=sub.dataset_id).items] == [13]
    event = hub.lake.read_table("events", sub.dataset_id, 1).to_pylist()[0]
    assert event["quality_tier"] == "citizen-science" and event["protocol"].startswith("litterhub citizen-science")
    assert event["people"] == survey().team_size  # the team size reaches the lake


def test_approval_is_idempotent_and_audited_once(hub, people):
    sub = c.create_survey(hub, people["ana"], survey())
    first = r.approve(hub, people["rui"], sub.id)
    again = r.approve(hub, people["rui"], sub.id)
    assert first.changed and not again.changed
    assert again.submission.published_version == first.submission.published_version
    assert datasets.get_dataset(hub, sub.dataset_id)["version"] == 1
    assert audit_actions(hub, f"submission:{sub.id}").count("submission.approved") == 1


def test_reject_needs_reason_and_blocks_later_approval(hub, people):
    sub = c.create_survey(hub, people["ana"], survey())
    with pytest.raises(c.ContributionError, match="say why"):
        r.reject(hub, people["rui"], sub.id, "  ")
    assert r.reject(hub, people["rui"], sub.id, "duplicate of last week's survey").changed
    assert not r.reject(hub, people["rui"], sub.id, "again").changed
    with pytest.raises(c.ContributionError) as err:
        r.approve(hub, people["rui"], sub.id)
    assert err.value.status == 409
    assert c.get_submission(hub, people["ana"], sub.id).decision_reason == "duplicate of last week's survey"


def test_claim_keeps_other_reviewers_out(hub, people):
    sub = c.create_survey(hub, people["ana"], survey())
    assert r.claim(hub, people["rui"], sub.id).changed
    assert not r.claim(hub, people["rui"], sub.id).changed
    with pytest.raises(c.ContributionError, match="another reviewer"):
        r.approve(hub, people["eva"], sub.id)
    assert r.request_changes(hub, people["rui"], sub.id, "length looks like 1000 m").submission.status \
        == "changes-requested"


def test_contributors_cannot_review_and_reviewers_not_their_own(hub, people):
    sub = c.create_survey(hub, people["ana"], survey())
    with pytest.raises(c.ContributionError) as err:
        r.approve(hub, people["ana"], sub.id)
    assert err.value.status == 403
    own = c.create_survey(hub, people["rui"], survey(site_name="Own beach"))
    with pytest.raises(c.ContributionError, match="your own"):
        r.approve(hub, people["rui"], own.id)


def test_other_contributors_cannot_see_a_submission(hub, people):
    sub = c.create_survey(hub, people["ana"], survey())
    with pytest.raises(c.ContributionError) as err:
        c.get_submission(hub, people["tom"], sub.id)
    assert err.value.status == 404
    assert c.get_submission(hub, people["eva"], sub.id).id == sub.id


def test_trusted_contributor_auto_approved(hub, people):
    sub = c.create_survey(hub, people["tom"], survey(site_name="Trusted beach"))
    assert sub.status == "approved" and sub.published_version == 1
    with hub.engine.connect() as conn:
        actor = conn.execute(select(t.audit_log.c.actor).where(t.audit_log.c.action == "submission.approved")).scalar()
    assert actor == "system:auto-approve"


def test_repeat_surveys_make_a_series_and_retraction_falls_back(hub, people):
    first = c.create_survey(hub, people["ana"], survey())
    r.approve(hub, people["rui"], first.id)
    second = c.create_survey(hub, people["ana"], survey(survey_date=date(2024, 6, 1)))
    assert second.dataset_id == first.dataset_id
    assert r.approve(hub, people["rui"], second.id).submission.published_version == 2
    assert datasets.get_dataset(hub, first.dataset_id)["n_events"] == 2
    out = r.retract_version(hub, people["rui"], first.dataset_id, 2, "team counted the wrong stretch")
    assert out["changed"] and not r.retract_version(hub, people["rui"], first.dataset_id, 2, "x")["changed"]
    ds = datasets.get_dataset(hub, first.dataset_id)
    assert ds["version"] == 1 and [v["status"] for v in ds["versions"]] == ["published", "retracted"]
    assert [e["version"] for e in datasets.list_events(hub).items] == [1]
    third = c.create_survey(hub, people["ana"], survey(survey_date=date(2024, 7, 1)))
    assert r.approve(hub, people["rui"], third.id).submission.published_version == 3  # never reuses a number


def test_sensitive_site_published_fuzzed(hub, people):
    sub = c.create_survey(hub, people["ana"], survey(lat=41.71234, lon=-8.87654, sensitive_site=True))
    r.approve(hub, people["rui"], sub.id)
    with hub.engine.connect() as conn:
        lat, lon = conn.execute(select(t.sites.c.lat, t.sites.c.lon)).one()
    assert (lat, lon) == c.fuzz(41.71234, -8.87654) and abs(lat - 41.71234) > 0.001
    assert c.get_submission(hub, people["rui"], sub.id).payload["lat"] == 41.71234  # reviewers see the truth


def test_no_personal_data_in_the_lake(hub, people):
    sub = c.create_survey(hub, people["ana"], survey(notes="call me on +351 912 345 678"))
    r.approve(hub, people["rui"], sub.id)
    text = " ".join(str(v) for p in hub.settings.lake_dir.rglob("*.parquet")
                    for v in __import__("pyarrow.parquet").parquet.read_table(p).to_pylist())
    assert "ana@example.org" not in text and "912 345" not in text


@pytest.mark.parametrize("change,field", [({"counts": {"G1": -1}}, "counts"), ({"counts": {"X9": 1}}, "counts"),
                                          ({"counts": {}}, "counts"),
                                          ({"lat": 0.0, "lon": 0.0}, "lat"), ({"country": "ZZZ"}, "country"),
                                          ({"survey_date": date.today() + timedelta(days=2)}, "survey_date"),
                                          ({"site_name": " "}, "site_name"), ({"licence": "GPL"}, "licence")])
def test_bad_survey_fields(hub, people, change, field):
    with pytest.raises(c.ContributionError) as err:
        c.create_survey(hub, people["ana"], survey(**change))
    assert err.value.field == field and err.value.status == 422


def _upload(hub, principal, tmp_path, name="mlw-sample.csv"):
    src = tmp_path / name
    shutil.copyfile(DEMO_DIR / "mlw-sample.csv", src)
    return c.create_upload(hub, principal, src, name, title="Beach litter 2018")


def test_upload_wizard_flow_publishes_with_chosen_licence(hub, people, tmp_path):
    sub = _upload(hub, people["ana"], tmp_path)
    assert sub.status == "draft" and sub.format == "mlw" and sub.usable
    assert sub.report["rows_in"] == sub.report["rows_accepted"] + sub.report["rows_rejected"]
    with pytest.raises(c.ContributionError, match="licence"):
        c.submit_upload(hub, people["ana"], sub.id, licence="proprietary")
    with pytest.raises(c.ContributionError, match="future"):
        c.submit_upload(hub, people["ana"], sub.id, licence="CC0-1.0", embargo_until=date(2000, 1, 1))
    sent = c.submit_upload(hub, people["ana"], sub.id, licence="CC0-1.0")
    assert sent.status == "submitted" and c.submit_upload(hub, people["ana"], sub.id, licence="CC0-1.0").status \
        == "submitted"
    assert datasets.list_datasets(hub) == []
    assert r.approve(hub, people["rui"], sub.id).submission.published_version == 1
    ds = datasets.get_dataset(hub, sub.dataset_id)
    assert ds["licence"] == "CC0-1.0" and ds["title"] == "Beach litter 2018"


def test_embargo_defers_publication(hub, people, tmp_path):
    from datetime import UTC, datetime

    sub = _upload(hub, people["ana"], tmp_path)
    until = date.today() + timedelta(days=30)
    c.submit_upload(hub, people["ana"], sub.id, licence="CC-BY-4.0", embargo_until=until)
    decided = r.approve(hub, people["rui"], sub.id).submission
    assert decided.status == "approved" and decided.published_version is None
    assert datasets.list_datasets(hub) == [] and r.release_due(hub) == []
    assert r.release_due(hub, datetime.now(UTC) + timedelta(days=31)) == [sub.id]
    assert datasets.get_dataset(hub, sub.dataset_id)["version"] == 1


def test_unusable_upload_cannot_be_submitted(hub, people, tmp_path):
    src = tmp_path / "notes.csv"
    src.write_text("a,b\n1,2\n")
    sub = c.create_upload(hub, people["ana"], src, "notes.csv")
    assert not sub.usable and sub.report["header"] == ["a", "b"] and not sub.report["format_known"]
    with pytest.raises(c.ContributionError, match="did not pass validation"):
        c.submit_upload(hub, people["ana"], sub.id, licence="CC-BY-4.0")


def test_new_version_only_of_own_dataset(hub, people, tmp_path):
    sub = _upload(hub, people["ana"], tmp_path)
    c.submit_upload(hub, people["ana"], sub.id, licence="CC-BY-4.0")
    r.approve(hub, people["rui"], sub.id)
    src = tmp_path / "again.csv"
    src.write_bytes(Path(DEMO_DIR / "mlw-sample.csv").read_bytes().replace(b"Mare Nostrum", b"Mare Nostrum 2"))
    mine = c.create_upload(hub, people["ana"], src, "again.csv", dataset_id=sub.dataset_id)
    assert mine.dataset_id == sub.dataset_id
    with pytest.raises(c.ContributionError) as err:
        c.create_upload(hub, people["tom"], src, "again.csv", dataset_id=sub.dataset_id)
    assert err.value.status == 403


def test_public_contributions_show_names_only_on_opt_in(hub, people):
    auth.set_profile(hub, people["ana"].id, "Ana Lima", show_name=False)
    sub = c.create_survey(hub, people["ana"], survey())
    r.approve(hub, people["rui"], sub.id)
    assert c.public_contributions(hub)[0]["contributor"] is None
    auth.set_profile(hub, people["ana"].id, "Ana Lima", show_name=True)
    assert c.public_contributions(hub)[0]["contributor"] == "Ana Lima"


@pytest.mark.parametrize("value,expected", [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
                                            ("+cmd", "'+cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("-2.5", "'-2.5"),
                                            ("\tx", "'\tx"), ("plain", "plain"), (3, 3)])
def test_csv_safe_neutralises_formulas(value, expected):
    assert c.csv_safe(value) == expected


def test_admin_assigns_a_reviewer(hub, people):
    admin = auth.principal_for_session(hub, auth.create_user(hub, "boss@example.org", PASSWORD, role="admin").id)
    sub = c.create_survey(hub, people["ana"], survey())
    with pytest.raises(c.ContributionError) as err:
        r.assign(hub, people["rui"], sub.id, people["eva"].id)
    assert err.value.status == 403
    with pytest.raises(c.ContributionError, match="not a reviewer"):
        r.assign(hub, admin, sub.id, people["tom"].id)
    assert r.assign(hub, admin, sub.id, people["eva"].id).changed
    assert not r.assign(hub, admin, sub.id, people["eva"].id).changed
    with pytest.raises(c.ContributionError, match="another reviewer"):
        r.approve(hub, people["rui"], sub.id)
    assert r.approve(hub, people["eva"], sub.id).submission.status == "approved"
    assert "submission.assigned" in audit_actions(hub, f"submission:{sub.id}")


def test_zero_counts_are_data(hub, people):
    sub = c.create_survey(hub, people["ana"], survey(counts={"G1": 0, "G7": 0}))
    assert sub.payload["counts"] == {"G1": 0, "G7": 0}
    assert r.approve(hub, people["rui"], sub.id).submission.published_version == 1


def test_two_contributors_cannot_share_a_new_dataset_id(hub, people, tmp_path):
    first = _upload(hub, people["ana"], tmp_path)
    with pytest.raises(c.ContributionError, match="kept for the survey form"):
        c.create_upload(hub, people["ana"], tmp_path / "mlw-sample.csv", "x.csv", dataset_id="citizen-science-x")
    mine = c.create_upload(hub, people["ana"], tmp_path / "mlw-sample.csv", "a.csv", dataset_id="shared-name")
    theirs = c.create_upload(hub, people["eva"], tmp_path / "mlw-sample.csv", "b.csv", dataset_id="shared-name")
    for sub, who in ((mine, people["ana"]), (theirs, people["eva"])):
        c.submit_upload(hub, who, sub.id, licence="CC-BY-4.0")
    assert r.approve(hub, people["rui"], mine.id).submission.published_version == 1
    with pytest.raises(c.ContributionError, match="another contributor"):
        r.approve(hub, people["rui"], theirs.id)
    assert c.load(hub, theirs.id).status == "submitted" and first.status == "draft"


def test_trusted_auto_approval_failure_leaves_it_for_a_person(hub, people, monkeypatch):
    def broken(*args, **kwargs):
        raise c.ContributionError("invalid", "publishing failed")

    monkeypatch.setattr(r, "publish", broken)
    sub = c.create_survey(hub, people["tom"], survey(site_name="Trusted beach"))
    assert sub.status == "submitted" and sub.published_version is None


def test_duplicate_upload_is_pointed_out(hub, people, tmp_path):
    first = _upload(hub, people["ana"], tmp_path)
    c.submit_upload(hub, people["ana"], first.id, licence="CC-BY-4.0")
    again = c.create_upload(hub, people["tom"], tmp_path / "mlw-sample.csv", "copy.csv")
    assert any("waiting for review in 1" in n for n in again.report["notes"])
    r.approve(hub, people["rui"], first.id)
    third = c.create_upload(hub, people["tom"], tmp_path / "mlw-sample.csv", "copy.csv")
    assert any(f"already published as {first.dataset_id} version 1" in n for n in third.report["notes"])
