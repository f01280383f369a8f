"""The advisory body (issue 19, item 3; UNEP/EA.4 annex 9(b), building on GESAMP): an expert roster with declared
expertise and conflicts of interest, and peer review of registry records, one record version at a time.

Workflow of one review:
1. a manager (an admin or a roster manager, services/people.py) opens a review of a published revision of a
   guideline, report or practice record (the registry has no separate "method" type: sampling and analysis
   methods are guideline records, "Guideline or protocol");
2. the manager assigns reviewers from the roster; a reviewer who declared a conflict with the record, or with an
   organisation the record names (publisher, authors, partners) or is linked to in the registry, is refused with
   `review-conflict-of-interest`;
3. each reviewer submits a structured review: a score of 1-5 on each criterion (`CRITERIA`), comments and a
   recommendation (`RECOMMENDATIONS`); they may revise it until the review is reconciled;
4. once every assigned reviewer has submitted, the manager reconciles: a summary and a decision;
5. the manager publishes: the review becomes a public record linked to the reviewed revision, and the record's
   page and API answer show it.

Visibility: until published, a review exists only for the managers and its assigned reviewers; everyone else gets
`review-not-found` (404), the same answer as for a review that does not exist. A reviewer sees their own review,
not the others', until publication; the published record shows every review without reviewers' names (reviewer 1,
2, ...), as the summary of an anonymous panel. Every refusal is a `ReviewError` with a stable `review-…` code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from litterhub.errors import HubError
from litterhub.services import auth
from litterhub.services import people as people_svc
from litterhub.services.focal_points import Acting
from litterhub.services.hub import Hub
from litterhub.store import people_tables as pt
from litterhub.store import registry_tables as rt
from litterhub.store import tables as t

REVIEWABLE = ("guideline", "report", "practice")
CRITERIA = ("scientific-soundness", "clarity", "applicability")
SCORES = (1, 5)
RECOMMENDATIONS = ("accept", "minor", "major", "reject")
DECISIONS = RECOMMENDATIONS
STATUSES = ("open", "reconciled", "published")
MAX_TEXT = 10_000
# Fields of a record that name organisations or people standing behind it: a conflict declared with any of them
# is a conflict with the record.
ORG_FIELDS = ("publisher", "authors", "partners")


class ReviewError(HubError, ValueError):
    """A peer-review request that cannot be done: stable `code`, message, status, field."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None):
        super().__init__(message, code=code, field=field, status=status,
                         errors=[{"code": code, "field": field, "message": message}])


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).isoformat()


def _tell(hub: Hub, user_ids: list[int], subject: str, body: str, link: str, exclude: int | None) -> None:
    """In-app notification and e-mail through services/notifications.py (a failure there never undoes a step of
    the review)."""
    from litterhub.services import notifications

    notifications.notify_quietly(hub, user_ids, "peer-review", subject, body, link, exclude)


def _need_manager(hub: Hub, acting: Acting | None, what: str) -> None:
    try:
        people_svc.need_manager(hub, acting, what)
    except people_svc.PeopleError as exc:
        raise ReviewError("review-forbidden" if exc.status == 403 else "review-sign-in", str(exc), exc.status
                          ) from None


def _text(value: Any, field: str, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ReviewError("review-missing-value", f"{field} is required", 422, field)
    if len(text) > MAX_TEXT:
        raise ReviewError("review-text-too-long", f"{field} may have at most {MAX_TEXT} characters", 422, field)
    return text


# --- the roster ----------------------------------------------------------------------------------------------

def _names(value: Any) -> list[str]:
    items = value.replace("\n", ",").split(",") if isinstance(value, str) else list(value or [])
    return list(dict.fromkeys(str(v).strip()[:300] for v in items if str(v).strip()))[:50]


def roster_add(hub: Hub, acting: Acting, user_id: int, expertise: Any = None, conflicts: str = "",
               conflict_orgs: Any = None, conflict_records: Any = None) -> dict[str, Any]:
    """Put an account on the roster with its declared expertise and conflicts (a new declaration replaces the
    old one; the old row is kept, closed)."""
    _need_manager(hub, acting, "managing the roster")
    try:
        auth.get_user(hub, user_id)
    except auth.AuthError:
        raise ReviewError("review-unknown-user", f"no user {user_id}", 404, "user") from None
    try:
        areas = people_svc.check_expertise(expertise)
    except people_svc.PeopleError as exc:
        raise ReviewError("review-unknown-expertise", str(exc), 422, "expertise") from None
    records = _names(conflict_records)
    with hub.engine.begin() as conn:
        known = set(conn.execute(select(rt.registry_records.c.id).where(rt.registry_records.c.id.in_(records)))
                    .scalars()) if records else set()
        unknown = [r for r in records if r not in known]
        if unknown:
            raise ReviewError("review-unknown-record", f"no registry record {', '.join(unknown)}", 422,
                              "conflict_records")
        people_svc._roster_add(conn, user_id, areas, _text(conflicts, "conflicts"), _names(conflict_orgs), records,
                               acting.actor)
        auth.audit(conn, acting.actor, "roster.added", f"user:{user_id}", {"expertise": areas})
    return member(hub, user_id)


def roster_remove(hub: Hub, acting: Acting, user_id: int) -> None:
    _need_manager(hub, acting, "managing the roster")
    r = pt.roster_members
    with hub.engine.begin() as conn:
        done = conn.execute(update(r).where(r.c.user_id == user_id, r.c.removed_at.is_(None)).values(
            removed_at=_now())).rowcount
        if not done:
            raise ReviewError("review-not-on-roster", f"user {user_id} is not on the roster", 404, "user")
        auth.audit(conn, acting.actor, "roster.removed", f"user:{user_id}", None)


def _member_dict(row: Any) -> dict[str, Any]:
    return {"user_id": row.user_id, "name": row.display_name or f"user {row.user_id}", "email": row.email,
            "expertise": list(row.expertise or []), "conflicts": row.conflicts,
            "conflict_orgs": list(row.conflict_orgs or []), "conflict_records": list(row.conflict_records or []),
            "added_at": _iso(row.added_at)}


def _roster_query():
    r = pt.roster_members
    return (select(r, t.users.c.display_name, t.users.c.email).join(t.users, t.users.c.id == r.c.user_id)
            .where(r.c.removed_at.is_(None)))


def member(hub: Hub, user_id: int) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = conn.execute(_roster_query().where(pt.roster_members.c.user_id == user_id)).first()
    if row is None:
        raise ReviewError("review-not-on-roster", f"user {user_id} is not on the roster", 404, "user")
    return _member_dict(row)


def roster(hub: Hub, acting: Acting | None) -> list[dict[str, Any]]:
    """The roster with every declaration (managers only: declarations name organisations and records)."""
    _need_manager(hub, acting, "seeing the roster's declarations")
    with hub.engine.connect() as conn:
        rows = conn.execute(_roster_query().order_by(t.users.c.display_name, pt.roster_members.c.user_id)).all()
    return [_member_dict(r) for r in rows]


# --- conflicts of interest -----------------------------------------------------------------------------------

def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def record_parties(hub: Hub, record_id: str, data: dict[str, Any]) -> dict[str, set[str]]:
    """Who stands behind a record: organisation and people names it gives, and the ids and titles of the actor
    records linked to it (either direction, any link type)."""
    names: set[str] = set()
    for field in ORG_FIELDS:
        value = data.get(field)
        for v in [value] if isinstance(value, str) else list(value or []):
            if v:
                names.add(_fold(v))
    lk, r = rt.registry_links, rt.registry_records
    with hub.engine.connect() as conn:
        rows = conn.execute(select(r.c.id, r.c.title).join(lk, or_(
            and_(lk.c.source_id == record_id, r.c.id == lk.c.target_id),
            and_(lk.c.target_id == record_id, r.c.id == lk.c.source_id))).where(r.c.type == "actor")).all()
    ids = {row.id for row in rows}
    names |= {_fold(row.title) for row in rows}
    return {"names": names, "ids": ids | {record_id}}


def conflict(declared: dict[str, Any], parties: dict[str, set[str]]) -> str | None:
    """The declared conflict that touches the record, said for people, or None."""
    for rec in declared.get("conflict_records") or []:
        if rec in parties["ids"]:
            return f"declared a conflict of interest with record {rec}"
    for org in declared.get("conflict_orgs") or []:
        if _fold(org) in parties["names"] or org in parties["ids"]:
            return f"declared a conflict of interest with {org}"
    return None


# --- reviews -------------------------------------------------------------------------------------------------

def _review_row(conn, review_id: int):
    return conn.execute(select(pt.peer_reviews).where(pt.peer_reviews.c.id == review_id)).first()


def _assignments(conn, review_id: int) -> list[Any]:
    a = pt.peer_review_assignments
    return conn.execute(select(a, t.users.c.display_name).join(t.users, t.users.c.id == a.c.reviewer_id)
                        .where(a.c.review_id == review_id).order_by(a.c.id)).all()


def _load(hub: Hub, acting: Acting | None, review_id: int) -> tuple[Any, list[Any], str]:
    """The review, its assignments and the caller's standing (manager, reviewer, public); `review-not-found` when
    the caller may not see it."""
    with hub.engine.connect() as conn:
        row = _review_row(conn, review_id)
        rows = _assignments(conn, review_id) if row is not None else []
    standing = "public"
    if row is not None and people_svc.is_manager(hub, acting):
        standing = "manager"
    elif row is not None and acting is not None and any(a.reviewer_id == acting.user_id for a in rows):
        standing = "reviewer"
    if row is None or (row.status != "published" and standing == "public"):
        raise ReviewError("review-not-found", f"no peer review {review_id} that you may see", 404, "review")
    return row, rows, standing


def open_review(hub: Hub, acting: Acting, record_id: str, revision: int | None = None) -> dict[str, Any]:
    """Open a review of a published revision (default: the record's published one) of a reviewable record."""
    _need_manager(hub, acting, "opening a peer review")
    rr, rv = rt.registry_records, rt.registry_revisions
    with hub.engine.begin() as conn:
        rec = conn.execute(select(rr).where(rr.c.id == record_id)).first()
        if rec is None:
            raise ReviewError("review-unknown-record", f"no registry record {record_id!r}", 404, "record")
        if rec.type not in REVIEWABLE:
            raise ReviewError("review-not-reviewable", f"peer review is for {', '.join(REVIEWABLE)} records; "
                              f"{record_id} is a {rec.type}", 422, "record")
        revision = int(revision or rec.published_revision or 0)
        status = conn.execute(select(rv.c.status).where(rv.c.record_id == record_id, rv.c.revision == revision)
                              ).scalar()
        if status != "published":
            raise ReviewError("review-unpublished-revision", f"revision {revision} of {record_id} is not a "
                              "published revision; reviews are of what readers see", 422, "revision")
        pr = pt.peer_reviews
        if conn.execute(select(pr.c.id).where(pr.c.record_id == record_id, pr.c.revision == revision,
                                              pr.c.status != "published")).first() is not None:
            raise ReviewError("review-exists", f"revision {revision} of {record_id} is already under review", 409,
                              "record")
        review_id = conn.execute(insert(pr).values(record_id=record_id, revision=revision, status="open",
                                                   opened_by=acting.actor, opened_at=_now())).inserted_primary_key[0]
        auth.audit(conn, acting.actor, "review.opened", f"peer-review:{review_id}",
                   {"record": record_id, "revision": revision})
    return get(hub, acting, review_id)


def _need_open(row: Any, what: str) -> None:
    if row.status != "open":
        raise ReviewError("review-closed", f"{what}: the review is {row.status}", 409, "review")


def assign(hub: Hub, acting: Acting, review_id: int, user_id: int) -> dict[str, Any]:
    """Assign a roster member; refused for a member who declared a conflict with the record or its parties."""
    _need_manager(hub, acting, "assigning reviewers")
    row, _, _ = _load(hub, acting, review_id)
    _need_open(row, "reviewers are assigned while the review is open")
    try:
        declared = member(hub, user_id)
    except ReviewError:
        raise ReviewError("review-not-on-roster", f"user {user_id} is not on the expert roster", 422,
                          "reviewer") from None
    with hub.engine.connect() as conn:
        data = conn.execute(select(rt.registry_revisions.c.data).where(
            rt.registry_revisions.c.record_id == row.record_id, rt.registry_revisions.c.revision == row.revision)
        ).scalar() or {}
    why = conflict(declared, record_parties(hub, row.record_id, data))
    if why:
        raise ReviewError("review-conflict-of-interest", f"{declared['name']} cannot review {row.record_id}: {why}",
                          409, "reviewer")
    try:
        with hub.engine.begin() as conn:
            conn.execute(insert(pt.peer_review_assignments).values(
                review_id=review_id, reviewer_id=user_id, assigned_by=acting.actor, assigned_at=_now()))
            auth.audit(conn, acting.actor, "review.assigned", f"peer-review:{review_id}", {"reviewer": user_id})
    except IntegrityError:
        raise ReviewError("review-already-assigned", f"{declared['name']} is already a reviewer of this review", 409,
                          "reviewer") from None
    _tell(hub, [user_id], f"Peer review requested: {row.record_id}", f"You are asked to review revision "
          f"{row.revision} of {row.record_id}.", f"/peer-reviews/{review_id}", acting.user_id)
    return get(hub, acting, review_id)


def unassign(hub: Hub, acting: Acting, review_id: int, user_id: int) -> dict[str, Any]:
    """Withdraw a reviewer who has not submitted (a submitted review stays part of the record)."""
    _need_manager(hub, acting, "assigning reviewers")
    row, _, _ = _load(hub, acting, review_id)
    _need_open(row, "reviewers are withdrawn while the review is open")
    a = pt.peer_review_assignments
    with hub.engine.begin() as conn:
        done = conn.execute(a.delete().where(a.c.review_id == review_id, a.c.reviewer_id == user_id,
                                             a.c.submitted_at.is_(None))).rowcount
        if not done:
            raise ReviewError("review-not-assigned", f"user {user_id} has no pending review here", 404, "reviewer")
        auth.audit(conn, acting.actor, "review.unassigned", f"peer-review:{review_id}", {"reviewer": user_id})
    return get(hub, acting, review_id)


def check_scores(scores: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for criterion in CRITERIA:
        value = (scores or {}).get(criterion)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            number = 0
        if not SCORES[0] <= number <= SCORES[1] or str(value).strip() != str(number):
            raise ReviewError("review-invalid-score", f"{criterion} is scored {SCORES[0]} to {SCORES[1]}", 422,
                              f"scores.{criterion}")
        out[criterion] = number
    extra = sorted(set(scores or {}) - set(CRITERIA))
    if extra:
        raise ReviewError("review-unknown-criterion", f"criteria are {', '.join(CRITERIA)}; not {', '.join(extra)}",
                          422, "scores")
    return out


def submit(hub: Hub, acting: Acting, review_id: int, scores: dict[str, Any], comments: str,
           recommendation: str) -> dict[str, Any]:
    """The assigned reviewer's structured review (a resubmission replaces it while the review is open)."""
    row, rows, _ = _load(hub, acting, review_id)
    if acting.user_id is None or not any(a.reviewer_id == acting.user_id for a in rows):
        raise ReviewError("review-not-assigned", "only the assigned reviewers submit reviews", 403, "reviewer")
    _need_open(row, "reviews are submitted while the review is open")
    checked = check_scores(scores)
    if recommendation not in RECOMMENDATIONS:
        raise ReviewError("review-invalid-recommendation", f"the recommendation is one of "
                          f"{', '.join(RECOMMENDATIONS)}", 422, "recommendation")
    a = pt.peer_review_assignments
    with hub.engine.begin() as conn:
        conn.execute(update(a).where(a.c.review_id == review_id, a.c.reviewer_id == acting.user_id).values(
            scores=checked, comments=_text(comments, "comments", required=True), recommendation=recommendation,
            submitted_at=_now()))
        auth.audit(conn, acting.actor, "review.submitted", f"peer-review:{review_id}",
                   {"recommendation": recommendation})
    return get(hub, acting, review_id)


def reconcile(hub: Hub, acting: Acting, review_id: int, summary: str, decision: str) -> dict[str, Any]:
    """The manager's summary of the reviews and the decision, once every assigned reviewer has submitted."""
    _need_manager(hub, acting, "reconciling reviews")
    row, rows, _ = _load(hub, acting, review_id)
    if row.status == "published":
        raise ReviewError("review-closed", "the review is published", 409, "review")
    if decision not in DECISIONS:
        raise ReviewError("review-invalid-decision", f"the decision is one of {', '.join(DECISIONS)}", 422,
                          "decision")
    submitted = [a for a in rows if a.submitted_at is not None]
    if not submitted or len(submitted) < len(rows):
        raise ReviewError("review-pending", f"{len(submitted)} of {len(rows)} assigned reviewers have submitted; "
                          "every assigned reviewer submits (or is withdrawn) before reconciliation", 409, "review")
    with hub.engine.begin() as conn:
        conn.execute(update(pt.peer_reviews).where(pt.peer_reviews.c.id == review_id).values(
            status="reconciled", summary=_text(summary, "summary", required=True), decision=decision,
            reconciled_by=acting.actor, reconciled_at=_now()))
        auth.audit(conn, acting.actor, "review.reconciled", f"peer-review:{review_id}", {"decision": decision})
    return get(hub, acting, review_id)


def publish(hub: Hub, acting: Acting, review_id: int) -> dict[str, Any]:
    """Make the reconciled review a public record linked to the reviewed revision."""
    _need_manager(hub, acting, "publishing reviews")
    row, _, _ = _load(hub, acting, review_id)
    if row.status != "reconciled":
        raise ReviewError("review-not-reconciled", "a review is reconciled (summary and decision) before it is "
                          "published", 409, "review")
    with hub.engine.begin() as conn:
        conn.execute(update(pt.peer_reviews).where(pt.peer_reviews.c.id == review_id).values(
            status="published", published_at=_now()))
        auth.audit(conn, acting.actor, "review.published", f"peer-review:{review_id}",
                   {"record": row.record_id, "revision": row.revision, "decision": row.decision})
    reviewers = [a.reviewer_id for a in _load(hub, acting, review_id)[1]]
    _tell(hub, reviewers, f"Peer review published: {row.record_id}", f"The review of revision {row.revision} of "
          f"{row.record_id} is published; decision: {row.decision}.", f"/peer-reviews/{review_id}", acting.user_id)
    return get(hub, acting, review_id)


def _averages(reviews: list[dict[str, Any]]) -> dict[str, float]:
    done = [r["scores"] for r in reviews if r.get("scores")]
    return {c: round(sum(s[c] for s in done) / len(done), 2) for c in CRITERIA} if done else {}


def get(hub: Hub, acting: Acting | None, review_id: int) -> dict[str, Any]:
    """A review as the caller may see it: everything for managers; their own review for an assigned reviewer; the
    published record (anonymous reviews, summary, decision) for everyone once published."""
    row, rows, standing = _load(hub, acting, review_id)
    with hub.engine.connect() as conn:
        rec = conn.execute(select(rt.registry_records.c.title, rt.registry_records.c.type).where(
            rt.registry_records.c.id == row.record_id)).first()

    def one(n: int, a: Any) -> dict[str, Any]:
        out = {"reviewer": f"reviewer {n}", "submitted": a.submitted_at is not None,
               "submitted_at": _iso(a.submitted_at), "scores": a.scores, "comments": a.comments,
               "recommendation": a.recommendation}
        if standing == "manager" or (acting is not None and a.reviewer_id == acting.user_id):
            out.update(reviewer_id=a.reviewer_id, name=a.display_name or f"user {a.reviewer_id}")
        return out

    if standing == "manager" or row.status == "published":
        reviews = [one(n, a) for n, a in enumerate(rows, 1)]
        if standing != "manager":
            reviews = [r for r in reviews if r["submitted"]]
    else:  # an assigned reviewer before publication: their own review only
        reviews = [one(n, a) for n, a in enumerate(rows, 1) if a.reviewer_id == acting.user_id]
    return {"id": row.id, "record_id": row.record_id, "record_title": rec.title if rec else row.record_id,
            "record_type": rec.type if rec else None, "revision": row.revision, "status": row.status,
            "opened_at": _iso(row.opened_at), "summary": row.summary if standing == "manager" or row.status ==
            "published" else None, "decision": row.decision if standing == "manager" or row.status == "published"
            else None, "reconciled_at": _iso(row.reconciled_at), "published_at": _iso(row.published_at),
            "reviews": reviews, "assigned": len(rows), "submitted": sum(1 for a in rows if a.submitted_at),
            "averages": _averages(reviews) if standing == "manager" or row.status == "published" else {},
            "my_standing": standing, "url": f"/peer-reviews/{row.id}",
            "record_url": f"/registry/records/{row.record_id}",
            "record_api": f"/api/v1/registry/records/{row.record_id}?revision={row.revision}"}


def reviews(hub: Hub, acting: Acting | None, record_id: str | None = None) -> list[dict[str, Any]]:
    """Reviews the caller may see, newest first: all for managers; published ones and their own assignments for
    everyone else."""
    pr, a = pt.peer_reviews, pt.peer_review_assignments
    manager = people_svc.is_manager(hub, acting)
    query = select(pr, rt.registry_records.c.title).join(rt.registry_records,
                                                         rt.registry_records.c.id == pr.c.record_id)
    if record_id:
        query = query.where(pr.c.record_id == record_id)
    if not manager:
        mine = select(a.c.review_id).where(a.c.reviewer_id == (acting.user_id if acting and acting.user_id else -1))
        query = query.where(or_(pr.c.status == "published", pr.c.id.in_(mine)))
    with hub.engine.connect() as conn:
        rows = conn.execute(query.order_by(pr.c.id.desc()).limit(500)).all()
        pending = set(conn.execute(select(a.c.review_id).where(
            a.c.reviewer_id == (acting.user_id if acting and acting.user_id else -1),
            a.c.submitted_at.is_(None))).scalars())
    return [{"id": r.id, "record_id": r.record_id, "record_title": r.title, "revision": r.revision,
             "status": r.status, "decision": r.decision if manager or r.status == "published" else None,
             "opened_at": _iso(r.opened_at), "published_at": _iso(r.published_at), "awaiting_me": r.id in pending,
             "url": f"/peer-reviews/{r.id}"} for r in rows]


def record_status(hub: Hub, record_id: str) -> dict[str, Any]:
    """The review status a record's page and API answer show (public facts only): `reviewed` when its published
    revision has a published review, else `under-review` while a review of one of its revisions is open or being
    reconciled, else `reviewed` when an earlier revision was reviewed, else `not-reviewed`; with the latest
    published review's decision and link."""
    pr = pt.peer_reviews
    with hub.engine.connect() as conn:
        rows = conn.execute(select(pr.c.id, pr.c.revision, pr.c.status, pr.c.decision, pr.c.published_at)
                            .where(pr.c.record_id == record_id).order_by(pr.c.id)).all()
        current = conn.execute(select(rt.registry_records.c.published_revision).where(
            rt.registry_records.c.id == record_id)).scalar()
    published = [{"id": r.id, "revision": r.revision, "decision": r.decision, "published_at": _iso(r.published_at),
                  "url": f"/peer-reviews/{r.id}", "api": f"/api/v1/reviews/{r.id}"}
                 for r in rows if r.status == "published"]
    under = sorted({r.revision for r in rows if r.status != "published"})
    current_reviewed = any(p["revision"] == current for p in published)
    state = ("reviewed" if current_reviewed else "under-review" if under else "reviewed" if published
             else "not-reviewed")
    return {"state": state, "published_revision": current, "published_revision_reviewed": current_reviewed,
            "under_review_revisions": under, "latest": published[-1] if published else None, "published": published}
