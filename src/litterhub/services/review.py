"""Review of submissions: a claimable queue, approve / reject / request changes, auto-approval for trusted
contributors, embargo release, and retraction of published versions.

Every decision is a compare-and-set on the submission's status (OpenLitterMap's lesson: an approval
clicked twice must not publish twice) and is written to the audit log in the same transaction. Repeating a
decision that was already taken answers with the same result and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update

from litterhub.services import auth, notifications
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.services.ingest import _find_version_by_sha, ingest_file
from litterhub.services.submissions import (
    CS_PROGRAMME,
    ContributionError,
    Submission,
    _row_to_submission,
    ingest_options,
    load,
    survey_table,
    upload_path,
)
from litterhub.store import contrib_tables as ct
from litterhub.store import tables as t
from litterhub.store.locks import DatasetBusy, dataset_lock
from litterhub.store.raw import sha256_of

AUTO_ACTOR = "system:auto-approve"
RECOVERY_ACTOR = "system:publish-recovery"


@dataclass
class Decision:
    """The submission after a decision; `changed` is False when the decision had already been taken."""

    submission: Submission
    changed: bool

    def as_dict(self) -> dict[str, Any]:
        return {**self.submission.as_dict(), "changed": self.changed}


def _require_reviewer(principal: Principal) -> None:
    if not principal.can("reviewer"):
        raise ContributionError("forbidden", "reviewing needs the reviewer role")


def _not_own(principal: Principal, sub: Submission) -> None:
    if sub.user_id == principal.id and not principal.can("admin"):
        raise ContributionError("forbidden", "you cannot review your own submission")


def queue(hub: Hub, principal: Principal, statuses: tuple[str, ...] = ("submitted", "in-review", "publishing")
          ) -> list[dict[str, Any]]:
    """Open submissions, oldest first, with the contributor's display name (never the e-mail address)."""
    _require_reviewer(principal)
    if "publishing" in statuses:
        recover_publishing(hub)
    s = ct.submissions
    with hub.engine.connect() as conn:
        rows = conn.execute(select(s, t.users.c.display_name.label("contributor_name"),
                                   t.users.c.trusted.label("contributor_trusted"))
                            .join(t.users, t.users.c.id == s.c.user_id)
                            .where(s.c.status.in_(statuses)).order_by(s.c.created_at)).all()
    out = []
    for r in rows:
        sub = _row_to_submission(r)
        out.append({**sub.as_dict(), "contributor_name": r.contributor_name or f"contributor #{sub.user_id}",
                    "mine": sub.user_id == principal.id, "claimed_by_me": sub.reviewer_id == principal.id})
    return out


def _cas(hub: Hub, sid: str, expected: str, actor: str, action: str, detail: dict[str, Any] | None,
         **values: Any) -> bool:
    """Move a submission from `expected` to new values atomically, with its audit entry; False if it moved."""
    values.setdefault("updated_at", datetime.now(UTC))
    with hub.engine.begin() as conn:
        n = conn.execute(update(ct.submissions).where(ct.submissions.c.id == sid, ct.submissions.c.status == expected)
                         .values(**values)).rowcount
        if n:
            auth.audit(conn, actor, action, f"submission:{sid}", detail)
    return bool(n)


def claim(hub: Hub, principal: Principal, sid: str) -> Decision:
    """Take a submission off the shared queue so two reviewers do not review the same thing."""
    _require_reviewer(principal)
    sub = load(hub, sid)
    _not_own(principal, sub)
    if sub.status == "in-review" and sub.reviewer_id == principal.id:
        return Decision(sub, False)
    if sub.status == "in-review" and not principal.can("admin"):
        raise ContributionError("conflict", "another reviewer has claimed this submission")
    if sub.status not in ("submitted", "in-review"):
        raise ContributionError("conflict", f"a {sub.status} submission cannot be claimed")
    if not _cas(hub, sid, sub.status, principal.actor, "submission.claimed", {"reviewer": principal.id},
                status="in-review", reviewer_id=principal.id, claimed_at=datetime.now(UTC)):
        return claim(hub, principal, sid)
    return Decision(load(hub, sid), True)


def assign(hub: Hub, principal: Principal, sid: str, reviewer_id: int) -> Decision:
    """An admin hands a submission to a named reviewer (GPML's reviewer assignment), instead of waiting for a claim."""
    if not principal.can("admin"):
        raise ContributionError("forbidden", "assigning reviewers needs the admin role")
    try:
        reviewer = auth.get_user(hub, reviewer_id)
    except auth.AuthError:
        raise ContributionError("invalid", f"no user {reviewer_id}", "reviewer_id") from None
    sub = load(hub, sid)
    if not auth.at_least(reviewer.role, "reviewer") or not reviewer.active:
        raise ContributionError("invalid", f"user {reviewer_id} is not a reviewer", "reviewer_id")
    if reviewer.id == sub.user_id:
        raise ContributionError("invalid", "a contributor cannot review their own submission", "reviewer_id")
    if sub.status == "in-review" and sub.reviewer_id == reviewer.id:
        return Decision(sub, False)
    if sub.status not in ("submitted", "in-review"):
        raise ContributionError("conflict", f"a {sub.status} submission cannot be assigned")
    if not _cas(hub, sid, sub.status, principal.actor, "submission.assigned", {"reviewer": reviewer.id},
                status="in-review", reviewer_id=reviewer.id, claimed_at=datetime.now(UTC)):
        return assign(hub, principal, sid, reviewer_id)
    return Decision(load(hub, sid), True)


def _open_for_decision(hub: Hub, principal: Principal, sid: str) -> Submission:
    sub = load(hub, sid)
    _not_own(principal, sub)
    if sub.status == "in-review" and sub.reviewer_id not in (None, principal.id) and not principal.can("admin"):
        raise ContributionError("conflict", "another reviewer has claimed this submission")
    return sub


def reject(hub: Hub, principal: Principal, sid: str, reason: str) -> Decision:
    return _told(hub, _close(hub, principal, sid, reason, "rejected", "submission.rejected"))


def request_changes(hub: Hub, principal: Principal, sid: str, reason: str) -> Decision:
    return _told(hub, _close(hub, principal, sid, reason, "changes-requested", "submission.changes-requested"))


def _told(hub: Hub, decision: Decision) -> Decision:
    """The contributor is notified of a decision taken now (services/notifications.py; never fails the decision)."""
    if decision.changed:
        sub = decision.submission
        notifications.notify_quietly(hub, [sub.user_id], "review-decision",
                                     f"Your submission “{sub.title}” is {sub.status}",
                                     sub.decision_reason or sub.status, f"/contribute/submissions/{sub.id}")
    return decision


def _close(hub: Hub, principal: Principal, sid: str, reason: str, status: str, action: str) -> Decision:
    _require_reviewer(principal)
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ContributionError("invalid", "say why, so the contributor can act on it", "reason", "required-value")
    sub = _open_for_decision(hub, principal, sid)
    if sub.status == status:
        return Decision(sub, False)
    if sub.status not in ("submitted", "in-review"):
        raise ContributionError("conflict", f"the submission is already {sub.status}")
    if not _cas(hub, sid, sub.status, principal.actor, action, {"reason": reason}, status=status,
                decision_reason=reason, decided_at=datetime.now(UTC), reviewer_id=principal.id):
        return _close(hub, principal, sid, reason, status, action)
    return Decision(load(hub, sid), True)


def approve(hub: Hub, principal: Principal, sid: str, note: str = "") -> Decision:
    """Approve and publish a dataset version through the ingest service (deferred while under embargo)."""
    _require_reviewer(principal)
    sub = _open_for_decision(hub, principal, sid)
    return _told(hub, _approve(hub, sub, principal.actor, principal.id, note))


def auto_approve(hub: Hub, sid: str) -> Submission:
    """Trusted contributors skip the queue (the audit log says so); if publishing fails a person looks at it."""
    sub = load(hub, sid)
    if sub.status != "submitted":
        return sub
    try:
        return _approve(hub, sub, AUTO_ACTOR, None, "trusted contributor").submission
    except ContributionError:
        logging.getLogger(__name__).warning("auto-approval of %s failed; left in the review queue", sid)
        return load(hub, sid)


def _approve(hub: Hub, sub: Submission, actor: str, reviewer_id: int | None, note: str) -> Decision:
    if sub.status == "publishing":  # finished or rolled back here if its publisher died; busy if it lives
        recover_publishing(hub, only=sub.id)
        sub = load(hub, sub.id)
        if sub.status == "publishing":
            raise ContributionError("conflict", "this submission is being published right now: retry in a moment",
                                    code="dataset-busy")
    if sub.status == "approved":
        return Decision(sub, False)
    if sub.status not in ("submitted", "in-review"):
        raise ContributionError("conflict", f"the submission is already {sub.status}")
    try:  # held from "publishing" to "approved": a publishing submission whose lock is free has lost its owner
        with dataset_lock(hub.engine, hub.lake.root, sub.dataset_id, hub.settings.lock_wait):
            previous = sub.status
            if not _cas(hub, sub.id, previous, actor, "submission.publishing", None, status="publishing",
                        reviewer_id=reviewer_id if reviewer_id is not None else sub.reviewer_id):
                return _approve(hub, load(hub, sub.id), actor, reviewer_id, note)
            _finish(hub, sub, actor, note, rollback_to=previous)
    except DatasetBusy as exc:
        raise ContributionError("conflict", str(exc), code=exc.code) from None
    return Decision(load(hub, sub.id), True)


def _finish(hub: Hub, sub: Submission, actor: str, note: str, rollback_to: str, resume: bool = False) -> int | None:
    """Publish a submission that is in "publishing" (unless under embargo) and mark it approved; on failure
    move it back to `rollback_to`. The caller holds the dataset's write lock."""
    now = datetime.now(UTC)
    embargoed = sub.embargo_until is not None and sub.embargo_until > now.date()
    try:
        version = None if embargoed else publish(hub, sub, actor, resume)
    except BaseException:
        _cas(hub, sub.id, "publishing", actor, "submission.publish-failed", None, status=rollback_to)
        raise
    detail = {"version": version, "note": note or None}
    if embargoed:
        detail["embargo_until"] = sub.embargo_until.isoformat()
    _cas(hub, sub.id, "publishing", actor, "submission.approved", detail, status="approved",
         published_version=version, decided_at=now, decision_reason=note or None)
    return version


def recover_publishing(hub: Hub, only: str | None = None) -> list[str]:
    """Finish (or roll back) approvals whose publisher died: a submission in "publishing" whose dataset lock is
    free has no live owner, because an approver holds that lock for as long as the submission is publishing.

    Finishing is safe whatever the crash left: publishing is idempotent (identical bytes already in the
    catalog give back their version; a lake folder without a catalog row is set aside by the ingest). If the
    file can no longer be published, the submission goes back to the review queue. Runs at `init`, on a
    repeated approval and when reviewers read the queue; returns the ids handled."""
    s = ct.submissions
    query = select(s.c.id, s.c.dataset_id).where(s.c.status == "publishing")
    if only is not None:
        query = query.where(s.c.id == only)
    with hub.engine.connect() as conn:
        stuck = conn.execute(query).all()
    handled = []
    for sid, dataset_id in stuck:
        try:
            with dataset_lock(hub.engine, hub.lake.root, dataset_id, wait=0):
                sub = load(hub, sid)
                if sub.status != "publishing":
                    continue
                handled.append(sid)
                try:
                    _finish(hub, sub, RECOVERY_ACTOR, "", "in-review" if sub.reviewer_id else "submitted", resume=True)
                except Exception as exc:  # noqa: BLE001 - rolled back to the queue; a person looks at it
                    logging.getLogger(__name__).warning("interrupted approval of %s rolled back: %s", sid, exc)
        except DatasetBusy:
            continue  # its publisher is alive
    return handled


def _check_target(hub: Hub, sub: Submission) -> None:
    """A submission may only add a version to a dataset of its own kind and contributor (checked again at
    approval time: another submission may have created the dataset since the upload)."""
    with hub.engine.connect() as conn:
        programme = conn.execute(select(t.datasets.c.source_programme)
                                 .where(t.datasets.c.id == sub.dataset_id)).scalar()
        if programme is None:
            return
        if sub.kind == "survey":
            if programme != CS_PROGRAMME:
                raise ContributionError("conflict", f"dataset {sub.dataset_id!r} is not a citizen-science series")
            return
        own = conn.execute(select(ct.submissions.c.id).where(
            ct.submissions.c.dataset_id == sub.dataset_id, ct.submissions.c.user_id == sub.user_id,
            ct.submissions.c.status == "approved", ct.submissions.c.id != sub.id)).first()
    if own is None and not auth.at_least(auth.get_user(hub, sub.user_id).role, "admin"):
        raise ContributionError("conflict", f"dataset {sub.dataset_id!r} belongs to another contributor")


def publish(hub: Hub, sub: Submission, actor: str, resume: bool = False) -> int:
    """Ingest an approved submission as a new version of its dataset; returns the version number.

    With `resume` (finishing an approval whose publisher died) a version of these very bytes that the
    crash left committed is adopted as it is: the target was checked before the crash."""
    if sub.kind == "survey":
        path, fmt, filename = survey_table(hub, sub.dataset_id, sub.id), "mlw", f"{sub.dataset_id}.csv"
    else:
        path, fmt, filename = upload_path(hub, sub), sub.format or "auto", sub.original_filename or "upload.csv"
    committed = _find_version_by_sha(hub, sub.dataset_id, sha256_of(path)) if resume else None
    if committed is not None:
        _describe_dataset(hub, sub, committed["version"])
        return committed["version"]
    _check_target(hub, sub)
    _align_version_counter(hub, sub.dataset_id)
    result = ingest_file(hub, path, fmt, sub.dataset_id, actor=actor, original_filename=filename,
                         **ingest_options(sub))
    if not result.ok or result.version is None:
        busy = [i for i in result.report.errors if i.code == DatasetBusy.code]
        if busy:
            raise ContributionError("conflict", busy[0].message, code=DatasetBusy.code)
        errors = "; ".join(i.message for i in result.report.errors[:3])
        raise ContributionError("invalid", f"publishing failed: the file is no longer usable ({errors})")
    _describe_dataset(hub, sub, result.version)
    return result.version


def _align_version_counter(hub: Hub, dataset_id: str) -> None:
    """After a retraction the current version points back; the next version must still be new."""
    with hub.engine.begin() as conn:
        top = conn.execute(select(func.max(t.dataset_versions.c.version))
                           .where(t.dataset_versions.c.dataset_id == dataset_id)).scalar()
        if top:
            conn.execute(update(t.datasets).where(t.datasets.c.id == dataset_id, t.datasets.c.current_version < top)
                         .values(current_version=top))


def _describe_dataset(hub: Hub, sub: Submission, version: int) -> None:
    """Contributed datasets carry the contributor's licence and title, not the format's defaults."""
    values: dict[str, Any] = {"licence": sub.licence, "updated_at": datetime.now(UTC)}
    if sub.kind == "survey":
        p = sub.payload or {}
        values.update(title=f"Citizen-science beach surveys: {p.get('site_name')} ({p.get('country')})",
                      description="Beach litter surveys and cleanups submitted through the litterhub survey form "
                      "and approved by a reviewer. Quality tier: citizen science.",
                      publisher="litterhub contributors", source_programme=CS_PROGRAMME,
                      protocol="litterhub citizen-science survey (MSFD master list items)",
                      citation=f"litterhub contributors. {sub.dataset_id}, version {version}.")
    elif version == 1:
        values.update(title=sub.title, publisher="litterhub contributors",
                      description="Dataset uploaded through the litterhub upload wizard and approved by a reviewer.",
                      citation=f"litterhub contributors. {sub.title}. {sub.dataset_id}, version {version}.")
    with hub.engine.begin() as conn:
        conn.execute(update(t.datasets).where(t.datasets.c.id == sub.dataset_id).values(**values))


def release_due(hub: Hub, today: datetime | None = None) -> list[str]:
    """Publish approved submissions whose embargo has ended (run from the review queue and the CLI)."""
    day = (today or datetime.now(UTC)).date()
    with hub.engine.connect() as conn:
        ids = conn.execute(select(ct.submissions.c.id).where(
            ct.submissions.c.status == "approved", ct.submissions.c.published_version.is_(None),
            ct.submissions.c.embargo_until <= day)).scalars().all()
    released = []
    for sid in ids:
        sub = load(hub, sid)
        try:
            version = publish(hub, sub, "system:embargo-release")
        except ContributionError as exc:  # stays approved-unpublished; retried next time, and visible in the log
            logging.getLogger(__name__).error("embargo release of %s failed: %s", sid, exc)
            continue
        with hub.engine.begin() as conn:
            conn.execute(update(ct.submissions).where(ct.submissions.c.id == sid)
                         .values(published_version=version, updated_at=datetime.now(UTC)))
            auth.audit(conn, "system:embargo-release", "submission.published", f"submission:{sid}",
                       {"version": version})
        released.append(sid)
    return released


# --- versions ------------------------------------------------------------------------------------------------

def retract_version(hub: Hub, principal: Principal, dataset_id: str, version: int, reason: str) -> dict[str, Any]:
    """Hide a published version with a reason from every public read (docs/api.md, "Retraction"); its files
    and catalog rows are kept (versions are never lost).

    If it was the current version, the dataset falls back to its newest version still published (whose
    summaries were written when it was published: nothing is rebuilt).
    """
    _require_reviewer(principal)
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ContributionError("invalid", "a retraction needs a reason", "reason", "required-value")
    try:  # a write like any other: it rebuilds the dataset's event index
        with dataset_lock(hub.engine, hub.lake.root, dataset_id, hub.settings.lock_wait):
            return _retract(hub, principal, dataset_id, version, reason)
    except DatasetBusy as exc:
        raise ContributionError("conflict", str(exc), code=exc.code) from None


def _retract(hub: Hub, principal: Principal, dataset_id: str, version: int, reason: str) -> dict[str, Any]:
    v = t.dataset_versions
    with hub.engine.begin() as conn:
        row = conn.execute(select(v.c.status, v.c.status_reason).where(v.c.dataset_id == dataset_id,
                                                                       v.c.version == version)).first()
        if row is None:
            raise ContributionError("not-found", f"dataset {dataset_id!r} has no version {version}")
        if row.status == "retracted":
            return {"dataset_id": dataset_id, "version": version, "status": "retracted",
                    "reason": row.status_reason, "changed": False}
        conn.execute(update(v).where(v.c.dataset_id == dataset_id, v.c.version == version)
                     .values(status="retracted", status_reason=reason))
        current = conn.execute(select(t.datasets.c.current_version).where(t.datasets.c.id == dataset_id)).scalar()
        fallback = conn.execute(select(func.max(v.c.version)).where(
            v.c.dataset_id == dataset_id, v.c.status == "published")).scalar()
        auth.audit(conn, principal.actor, "dataset.version.retracted", f"dataset:{dataset_id}",
                   {"version": version, "reason": reason, "current_now": fallback if current == version else current})
        if current == version:
            conn.execute(update(t.datasets).where(t.datasets.c.id == dataset_id)
                         .values(current_version=fallback or 0, updated_at=datetime.now(UTC)))
    return {"dataset_id": dataset_id, "version": version, "status": "retracted", "reason": reason, "changed": True}
