"""The contribution lifecycle on both catalog databases (SQLite and PostgreSQL): accounts, keys, a survey and an
upload, idempotent approval, auto-approval, retraction."""

from __future__ import annotations

import shutil
from datetime import date

from sqlalchemy import func, select

from litterhub.services import auth, datasets
from litterhub.services import contributions as c
from litterhub.services import review as r
from litterhub.services.setup import DEMO_DIR
from litterhub.store import tables as t

PASSWORD = "correct horse battery"


def test_contribution_lifecycle(any_hub, tmp_path):
    hub = any_hub
    ana = auth.create_user(hub, "ana@example.org", PASSWORD, display_name="Ana")
    rui = auth.create_user(hub, "rui@example.org", PASSWORD, role="reviewer")
    key, _ = auth.create_api_key(hub, ana.id)
    contributor = auth.principal_for_key(hub, key)
    assert contributor.id == ana.id and auth.principal_for_key(hub, key) is not None  # last_used_at path twice
    assert auth.authenticate(hub, "ana@example.org", PASSWORD).id == ana.id
    reviewer = auth.principal_for_session(hub, rui.id)

    survey = c.create_survey(hub, contributor, c.SurveyInput("Praia Norte", "PT", 41.7, -8.87, date(2024, 5, 1),
                                                             100, 4, {"G1": 3}))
    assert r.claim(hub, reviewer, survey.id).changed
    assert r.approve(hub, reviewer, survey.id).submission.published_version == 1
    assert not r.approve(hub, reviewer, survey.id).changed

    src = tmp_path / "mlw.csv"
    shutil.copyfile(DEMO_DIR / "mlw-sample.csv", src)
    upload = c.create_upload(hub, contributor, src, "mlw.csv", title="Saturn")
    c.submit_upload(hub, contributor, upload.id, licence="ODbL-1.0")
    assert r.approve(hub, reviewer, upload.id).submission.published_version == 1
    assert datasets.get_dataset(hub, upload.dataset_id)["licence"] == "ODbL-1.0"

    auth.set_trusted(hub, ana.id, True, "test")
    trusted = auth.principal_for_session(hub, ana.id)
    again = c.create_survey(hub, trusted, c.SurveyInput("Praia Norte", "PT", 41.7, -8.87, date(2024, 6, 1), 100, 4,
                                                        {"G1": 1}))
    assert again.status == "approved" and again.published_version == 2
    assert r.retract_version(hub, reviewer, survey.dataset_id, 2, "double count")["changed"]
    assert datasets.get_dataset(hub, survey.dataset_id)["version"] == 1
    assert [s.status for s in c.list_mine(hub, contributor)] == ["approved", "approved", "approved"]
    with hub.engine.connect() as conn:
        approvals = conn.execute(select(func.count()).select_from(t.audit_log)
                                 .where(t.audit_log.c.action == "submission.approved")).scalar()
    assert approvals == 3
