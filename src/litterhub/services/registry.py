"""Knowledge-registry use cases: submit and edit records (each edit a new revision), review them, link them,
discuss them, match capacity needs with offers, import/export, and load the bundled seed content.

Every write names its caller (`Caller`: audit name and role); permission checks live here, so the API, the
web forms and the CLI enforce the same rules. Every decision writes an audit_log row in the same transaction.

Access (issue 13): a contributor's link waits for a reviewer (`pending`) and is shown to nobody but its author
and reviewers until approved; capacity requests (their messages are private) are listed only to their parties,
the requester and the offer's owner, and to moderators (reviewers and admins).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from litterhub.errors import HubError
from litterhub.registry import csvio, matching
from litterhub.registry import search as rsearch
from litterhub.registry.entities import ENTITY_TYPES, RecordBase, RecordError, parse_record, slugify
from litterhub.registry.links import LINK_TYPES, check_link
from litterhub.registry.workflow import capacity_move, review_move
from litterhub.services import notifications
from litterhub.services.auth import at_least, audit
from litterhub.services.hub import Hub
from litterhub.store import registry_tables as rt
from litterhub.store import session_tables  # noqa: F401  (review columns of registry_links)

SEED_DIR = Path(__file__).resolve().parents[1] / "registry" / "seed"
SEED_ACTOR = "seed"
MAX_COMMENT = 5000


class RegistryError(HubError):
    """A registry request that cannot be done: a stable code, an HTTP-like status, and a message for people."""

    def __init__(self, status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status, self.code = status, code
        self.errors = errors or [{"code": code, "field": None, "message": message}]


@dataclass(frozen=True)
class Caller:
    """Who acts: `actor` as written in the audit log (user:12, cli, seed) and the role in effect."""

    actor: str
    role: str = "public"
    name: str | None = None

    def can(self, role: str) -> bool:
        return at_least(self.role, role)


SYSTEM = Caller("cli", "admin")


def _now() -> datetime:
    return datetime.now(UTC)


def _need(caller: Caller, role: str, what: str) -> None:
    if not caller.can(role):
        raise RegistryError(403, "forbidden", f"{what} needs the {role} role; you act as {caller.role}")


def _record_row(conn: Connection, record_id: str):
    row = conn.execute(select(rt.registry_records).where(rt.registry_records.c.id == record_id)).mappings().first()
    if row is None:
        raise RegistryError(404, "not-found", f"no registry record {record_id!r}")
    return row


def _revision(conn: Connection, record_id: str, revision: int):
    return conn.execute(select(rt.registry_revisions).where(and_(
        rt.registry_revisions.c.record_id == record_id, rt.registry_revisions.c.revision == revision))).mappings().one()


def _validate(data: dict[str, Any]) -> RecordBase:
    try:
        return parse_record(data)
    except RecordError as exc:
        raise RegistryError(422, exc.code, str(exc), exc.errors) from None


def _free_id(conn: Connection, wanted: str) -> str:
    candidate, n = wanted, 1
    while conn.execute(select(rt.registry_records.c.id).where(rt.registry_records.c.id == candidate)).first():
        n += 1
        candidate = f"{wanted[:110]}-{n}"
    return candidate


def _check_references(conn: Connection, records: list[RecordBase]) -> None:
    """Every id in `regions` (and `regional_activity`) must be a region record of this registry."""
    wanted = {r for rec in records for r in [*rec.regions, getattr(rec, "regional_activity", None)] if r}
    if not wanted:
        return
    found = dict(conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.type).where(
        rt.registry_records.c.id.in_(wanted))).all())
    bad = sorted(r for r in wanted if found.get(r) != "region")
    if bad:
        raise RegistryError(422, "constraint-error", f"not region records of this registry: {', '.join(bad)}",
                            [{"code": "constraint-error", "field": "regions", "message": f"unknown region {r!r}"}
                             for r in bad])


def _stored(record: RecordBase, record_id: str) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude_none=True)
    data["id"] = record_id
    return data


# --- records and revisions -----------------------------------------------------------------------------------

def _publish(conn: Connection, record_id: str, revision: int, record: RecordBase, caller: Caller,
             reason: str | None = None) -> None:
    now = _now()
    conn.execute(update(rt.registry_revisions).where(and_(
        rt.registry_revisions.c.record_id == record_id, rt.registry_revisions.c.revision == revision)).values(
        status="published", reviewer=caller.actor, decided_at=now, reason=reason))
    conn.execute(update(rt.registry_records).where(rt.registry_records.c.id == record_id).values(
        status="published", published_revision=revision, title=record.title, year=record.year, updated_at=now))
    rsearch.index_record(conn, record_id, record)


def _insert_record(conn: Connection, record: RecordBase, caller: Caller, publish: bool) -> str:
    record_id = _free_id(conn, record.id or f"{record.type.replace('_', '-')}-{slugify(record.title)}")
    now = _now()
    conn.execute(insert(rt.registry_records).values(
        id=record_id, type=record.type, title=record.title, status="submitted", latest_revision=1,
        published_revision=None, year=record.year, created_by=caller.actor, created_at=now, updated_at=now))
    conn.execute(insert(rt.registry_revisions).values(
        record_id=record_id, revision=1, data=_stored(record, record_id), status="submitted", author=caller.actor,
        created_at=now))
    audit(conn, caller.actor, "registry.submitted", f"registry:{record_id}", {"revision": 1, "type": record.type})
    if publish:
        _publish(conn, record_id, 1, record, caller, "published on import by a reviewer")
        audit(conn, caller.actor, "registry.published", f"registry:{record_id}", {"revision": 1})
    return record_id


def create_record(hub: Hub, data: dict[str, Any], caller: Caller, publish: bool = False) -> dict[str, Any]:
    """Submit a new record (status submitted); reviewers may publish it at once with `publish`."""
    _need(caller, "contributor", "submitting a record")
    if publish:
        _need(caller, "reviewer", "publishing without review")
    record = _validate(data)
    with hub.engine.begin() as conn:
        if record.id and conn.execute(select(rt.registry_records.c.id).where(
                rt.registry_records.c.id == record.id)).first():
            raise RegistryError(409, "id-taken", f"a record with id {record.id!r} exists; edit it instead")
        _check_references(conn, [record])
        record_id = _insert_record(conn, record, caller, publish)
    if publish:
        _announce(hub, record_id, record)
    return get_record(hub, record_id, caller)


def update_record(hub: Hub, record_id: str, data: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """An edit is a new revision, reviewed like a new record; the published revision stays visible meanwhile."""
    _need(caller, "contributor", "editing a record")
    with hub.engine.begin() as conn:
        row = _record_row(conn, record_id)
        if row["created_by"] != caller.actor and not caller.can("reviewer"):
            raise RegistryError(403, "forbidden", "only the submitter or a reviewer may edit this record")
        data = {**data, "id": record_id}
        record = _validate(data)
        if record.type != row["type"]:
            raise RegistryError(422, "constraint-error", "a record's type cannot change",
                                [{"code": "constraint-error", "field": "type", "message": "type cannot change"}])
        _check_references(conn, [record])
        revision = row["latest_revision"] + 1
        now = _now()
        conn.execute(update(rt.registry_revisions).where(and_(
            rt.registry_revisions.c.record_id == record_id,
            rt.registry_revisions.c.status.in_(("submitted", "in_review")))).values(
            status="superseded", reason=f"superseded by revision {revision}", decided_at=now))
        conn.execute(insert(rt.registry_revisions).values(
            record_id=record_id, revision=revision, data=_stored(record, record_id), status="submitted",
            author=caller.actor, created_at=now))
        conn.execute(update(rt.registry_records).where(rt.registry_records.c.id == record_id).values(
            latest_revision=revision, status="submitted", updated_at=now))
        audit(conn, caller.actor, "registry.revised", f"registry:{record_id}", {"revision": revision})
    return get_record(hub, record_id, caller)


def review(hub: Hub, record_id: str, action: str, caller: Caller, reason: str | None = None) -> dict[str, Any]:
    """Move the latest revision through submitted → in review → published / rejected (a rejection needs a reason)."""
    _need(caller, "reviewer", "reviewing")
    reason = (reason or "").strip() or None
    with hub.engine.begin() as conn:
        row = _record_row(conn, record_id)
        rev = _revision(conn, record_id, row["latest_revision"])
        move = review_move(rev["status"], action)
        if move is None:
            raise RegistryError(409, "bad-transition", f"cannot {action} a revision that is {rev['status']}")
        new_status, _role = move
        if new_status == "rejected" and not reason:
            raise RegistryError(400, "reason-required", "say why the revision is rejected",
                                [{"code": "missing-value", "field": "reason", "message": "a reason is required"}])
        now = _now()
        first = new_status == "published" and row["published_revision"] is None
        if new_status == "published":
            _publish(conn, record_id, rev["revision"], _validate(rev["data"]), caller, reason)
        else:
            conn.execute(update(rt.registry_revisions).where(and_(
                rt.registry_revisions.c.record_id == record_id, rt.registry_revisions.c.revision == rev["revision"])
            ).values(status=new_status, reviewer=caller.actor, reason=reason,
                     decided_at=now if new_status == "rejected" else None))
            record_status = new_status if row["published_revision"] is None or new_status == "in_review" else (
                "published")
            conn.execute(update(rt.registry_records).where(rt.registry_records.c.id == record_id).values(
                status=record_status, updated_at=now))
        audit(conn, caller.actor, f"registry.{new_status}", f"registry:{record_id}",
              {"revision": rev["revision"], "reason": reason})
    if first:
        _announce(hub, record_id, _validate(rev["data"]))
    return get_record(hub, record_id, caller)


def _announce(hub: Hub, record_id: str, record: RecordBase) -> None:
    """A record published for the first time: the followers of its topics, regions and countries are told."""
    who = (notifications.followers(hub, "theme", record.topics) | notifications.followers(hub, "region", record.regions)
           | notifications.followers(hub, "country", record.countries))
    notifications.notify_quietly(hub, who, "new-record", f"New in the registry: {record.title}",
                                 f"{record.type}: {record.title}", f"/registry/records/{record_id}")


def _visible_revision(row, caller: Caller | None) -> int | None:
    """Public callers see the published revision; the submitter and reviewers see the latest."""
    if caller is not None and (caller.can("reviewer") or caller.actor == row["created_by"]):
        return row["latest_revision"]
    return row["published_revision"]


def get_record(hub: Hub, record_id: str, caller: Caller | None = None, revision: int | None = None) -> dict[str, Any]:
    with hub.engine.connect() as conn:
        row = _record_row(conn, record_id)
        visible = _visible_revision(row, caller)
        if visible is None:
            raise RegistryError(404, "not-found", f"no published registry record {record_id!r}")
        if revision is not None:
            if revision > visible or revision < 1:
                raise RegistryError(404, "not-found", f"record {record_id!r} has no visible revision {revision}")
            visible = revision
        rev = _revision(conn, record_id, visible)
        history = conn.execute(select(
            rt.registry_revisions.c.revision, rt.registry_revisions.c.status, rt.registry_revisions.c.reason,
            rt.registry_revisions.c.author, rt.registry_revisions.c.reviewer, rt.registry_revisions.c.created_at,
            rt.registry_revisions.c.decided_at).where(rt.registry_revisions.c.record_id == record_id).order_by(
            rt.registry_revisions.c.revision)).mappings().all()
    public = caller is None or not (caller.can("reviewer") or caller.actor == row["created_by"])
    revisions = [dict(h) for h in history if not public or h["status"] == "published"]
    if public:
        for h in revisions:
            h.pop("author", None)
            h.pop("reviewer", None)
    return {"id": record_id, "type": row["type"], "status": row["status"], "revision": visible,
            "revision_status": rev["status"], "published_revision": row["published_revision"],
            "latest_revision": row["latest_revision"], "data": rev["data"], "revisions": revisions,
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


def review_queue(hub: Hub, caller: Caller, status: str | None = None) -> list[dict[str, Any]]:
    _need(caller, "reviewer", "seeing the review queue")
    statuses = [status] if status else ["submitted", "in_review"]
    with hub.engine.connect() as conn:
        rows = conn.execute(select(rt.registry_records).where(rt.registry_records.c.status.in_(statuses)).order_by(
            rt.registry_records.c.updated_at)).mappings().all()
    return [dict(r) for r in rows]


def published_data(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Published revision data of many records at once (for result lists and neighbourhoods)."""
    if not ids:
        return {}
    r, v = rt.registry_records, rt.registry_revisions
    rows = conn.execute(select(r.c.id, v.c.data).join(v, and_(v.c.record_id == r.c.id,
                                                              v.c.revision == r.c.published_revision))
                        .where(r.c.id.in_(ids))).all()
    return {i: d for i, d in rows}


def titles(hub: Hub, ids: list[str]) -> dict[str, str]:
    """Titles of records by id (for labels); unknown ids are left out."""
    if not ids:
        return {}
    with hub.engine.connect() as conn:
        return dict(conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.title).where(
            rt.registry_records.c.id.in_(ids))).all())


# --- links ---------------------------------------------------------------------------------------------------

LINK_PUBLISHED, LINK_PENDING = "published", "pending"
LINK_ACTIONS = ("approve", "reject")


def add_link(hub: Hub, source_id: str, target_id: str, link_type: str, caller: Caller,
             note: str | None = None) -> dict[str, Any]:
    """A reviewer's link is public at once; a contributor's waits for review (`pending`)."""
    _need(caller, "contributor", "linking records")
    status = LINK_PUBLISHED if caller.can("reviewer") else LINK_PENDING
    if source_id == target_id:
        raise RegistryError(422, "constraint-error", "a record cannot link to itself")
    with hub.engine.begin() as conn:
        source, target = _record_row(conn, source_id), _record_row(conn, target_id)
        problem = check_link(link_type, source["type"], target["type"])
        if problem:
            raise RegistryError(422, "constraint-error", problem,
                                [{"code": "constraint-error", "field": "type", "message": problem}])
        exists = conn.execute(select(rt.registry_links.c.id).where(and_(
            rt.registry_links.c.source_id == source_id, rt.registry_links.c.target_id == target_id,
            rt.registry_links.c.type == link_type))).first()
        if exists:
            raise RegistryError(409, "link-exists", "these records are already linked this way")
        now = _now()
        reviewed = {"reviewed_by": caller.actor, "reviewed_at": now} if status == LINK_PUBLISHED else {}
        link_id = conn.execute(insert(rt.registry_links).values(
            source_id=source_id, target_id=target_id, type=link_type, note=(note or "").strip()[:1000] or None,
            created_by=caller.actor, created_at=now, status=status, **reviewed)).inserted_primary_key[0]
        audit(conn, caller.actor, "registry.linked", f"registry:{source_id}",
              {"link": link_id, "type": link_type, "target": target_id, "status": status})
    return {"id": link_id, "source_id": source_id, "target_id": target_id, "type": link_type, "status": status}


def review_link(hub: Hub, link_id: int, action: str, caller: Caller, reason: str | None = None) -> dict[str, Any]:
    """Approve a pending link (it becomes public) or reject it (it is removed; the reason is in the audit log)."""
    _need(caller, "reviewer", "reviewing links")
    if action not in LINK_ACTIONS:
        raise RegistryError(400, "constraint-error", "action is approve or reject")
    reason = (reason or "").strip() or None
    if action == "reject" and not reason:
        raise RegistryError(400, "reason-required", "say why the link is rejected",
                            [{"code": "missing-value", "field": "reason", "message": "a reason is required"}])
    with hub.engine.begin() as conn:
        row = conn.execute(select(rt.registry_links).where(rt.registry_links.c.id == link_id)).mappings().first()
        if row is None:
            raise RegistryError(404, "not-found", f"no link {link_id}")
        if row["status"] != LINK_PENDING:
            raise RegistryError(409, "bad-transition", f"link {link_id} is {row['status']}, not pending")
        if action == "approve":
            conn.execute(update(rt.registry_links).where(rt.registry_links.c.id == link_id).values(
                status=LINK_PUBLISHED, reviewed_by=caller.actor, reviewed_at=_now()))
        else:
            conn.execute(rt.registry_links.delete().where(rt.registry_links.c.id == link_id))
        audit(conn, caller.actor, f"registry.link_{action}d", f"registry:{row['source_id']}",
              {"link": link_id, "reason": reason})
    return {"id": link_id, "status": LINK_PUBLISHED if action == "approve" else "rejected"}


def pending_links(hub: Hub, caller: Caller | None, record_id: str | None = None) -> list[dict[str, Any]]:
    """Links waiting for review: all of them for reviewers, one's own for contributors, none for the public."""
    if caller is None or not caller.can("contributor"):
        return []
    lk, src, dst = rt.registry_links, rt.registry_records.alias("src"), rt.registry_records.alias("dst")
    q = (select(lk.c.id, lk.c.source_id, lk.c.target_id, lk.c.type, lk.c.note, lk.c.created_at,
                src.c.title.label("source_title"), dst.c.title.label("target_title"))
         .join(src, src.c.id == lk.c.source_id).join(dst, dst.c.id == lk.c.target_id)
         .where(lk.c.status == LINK_PENDING).order_by(lk.c.created_at, lk.c.id))
    if not caller.can("reviewer"):
        q = q.where(lk.c.created_by == caller.actor)
    if record_id:
        q = q.where(or_(lk.c.source_id == record_id, lk.c.target_id == record_id))
    with hub.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return [{**dict(r), "label": LINK_TYPES[r["type"]].label if r["type"] in LINK_TYPES else r["type"]}
            for r in rows]


def remove_link(hub: Hub, link_id: int, caller: Caller) -> None:
    with hub.engine.begin() as conn:
        row = conn.execute(select(rt.registry_links).where(rt.registry_links.c.id == link_id)).mappings().first()
        if row is None:
            raise RegistryError(404, "not-found", f"no link {link_id}")
        if row["created_by"] != caller.actor:
            _need(caller, "reviewer", "removing someone else's link")
        conn.execute(rt.registry_links.delete().where(rt.registry_links.c.id == link_id))
        audit(conn, caller.actor, "registry.unlinked", f"registry:{row['source_id']}", {"link": link_id})


def neighbourhood(hub: Hub, record_id: str) -> list[dict[str, Any]]:
    """Every reviewed link touching the record, read from this record's side, with the other record's title and
    type (links waiting for review: `pending_links`)."""
    lk, r = rt.registry_links, rt.registry_records
    with hub.engine.connect() as conn:
        rows = conn.execute(select(lk, r.c.title, r.c.type.label("other_type")).join(
            r, or_(and_(lk.c.source_id == record_id, r.c.id == lk.c.target_id),
                   and_(lk.c.target_id == record_id, r.c.id == lk.c.source_id)))
            .where(or_(lk.c.source_id == record_id, lk.c.target_id == record_id))
            .where(lk.c.status == LINK_PUBLISHED)
            .where(r.c.published_revision.is_not(None)).order_by(lk.c.type, r.c.title)).mappings().all()
    out = []
    for row in rows:
        outgoing = row["source_id"] == record_id
        lt = LINK_TYPES.get(row["type"])
        out.append({"id": row["id"], "type": row["type"], "direction": "out" if outgoing else "in",
                    "label": (lt.label if outgoing else lt.inverse) if lt else row["type"],
                    "other_id": row["target_id"] if outgoing else row["source_id"], "other_title": row["title"],
                    "other_type": row["other_type"], "note": row["note"]})
    return out


def graph(hub: Hub, record_id: str, depth: int = 1) -> dict[str, Any]:
    """Nodes and edges within `depth` links of the record (published records only), for the graph view."""
    depth = max(1, min(depth, 2))
    seen, frontier, edges = {record_id}, [record_id], {}
    for _ in range(depth):
        nxt = []
        for node in frontier:
            for n in neighbourhood(hub, node):
                key = n["id"]
                edges[key] = {"id": key, "source": node if n["direction"] == "out" else n["other_id"],
                              "target": n["other_id"] if n["direction"] == "out" else node, "type": n["type"]}
                if n["other_id"] not in seen:
                    seen.add(n["other_id"])
                    nxt.append(n["other_id"])
        frontier = nxt
    with hub.engine.connect() as conn:
        rows = conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.title, rt.registry_records.c.type)
                            .where(rt.registry_records.c.id.in_(seen))).all()
    return {"center": record_id, "nodes": [{"id": i, "title": t, "type": ty} for i, t, ty in rows],
            "edges": list(edges.values())}


def suggest_links(hub: Hub, record_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """Published records sharing a region (or country) and a topic with this one, not yet linked to it."""
    f = rt.registry_facets
    with hub.engine.connect() as conn:
        _record_row(conn, record_id)
        mine = conn.execute(select(f.c.facet, f.c.value).where(f.c.record_id == record_id)).all()
        places = [(fa, v) for fa, v in mine if fa in ("region", "country")]
        topics = [v for fa, v in mine if fa == "topic"]
        if not places or not topics:
            return []
        linked = {record_id}
        for s, t in conn.execute(select(rt.registry_links.c.source_id, rt.registry_links.c.target_id).where(or_(
                rt.registry_links.c.source_id == record_id, rt.registry_links.c.target_id == record_id))):
            linked.update((s, t))
        place_match = or_(*[and_(f.c.facet == fa, f.c.value == v) for fa, v in places])
        same_place = select(f.c.record_id, func.count().label("n")).where(place_match).group_by(f.c.record_id)
        same_topic = select(f.c.record_id, func.count().label("n")).where(
            and_(f.c.facet == "topic", f.c.value.in_(topics))).group_by(f.c.record_id)
        sp, st = same_place.subquery(), same_topic.subquery()
        rows = conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.title, rt.registry_records.c.type,
                                   sp.c.n.label("places"), st.c.n.label("topics"))
                            .join(sp, sp.c.record_id == rt.registry_records.c.id)
                            .join(st, st.c.record_id == rt.registry_records.c.id)
                            .where(rt.registry_records.c.published_revision.is_not(None))
                            .where(rt.registry_records.c.id.not_in(linked))
                            .order_by((sp.c.n + st.c.n).desc(), rt.registry_records.c.title).limit(limit)).all()
    return [{"id": i, "title": t, "type": ty, "shared_places": p, "shared_topics": n} for i, t, ty, p, n in rows]


# --- comments ------------------------------------------------------------------------------------------------

def add_comment(hub: Hub, record_id: str, body: str, caller: Caller, parent_id: int | None = None) -> dict[str, Any]:
    _need(caller, "contributor", "commenting")
    body = (body or "").strip()
    if not body or len(body) > MAX_COMMENT:
        raise RegistryError(400, "constraint-error", f"a comment has 1 to {MAX_COMMENT} characters",
                            [{"code": "constraint-error", "field": "body", "message": "1 to 5000 characters"}])
    with hub.engine.begin() as conn:
        row = _record_row(conn, record_id)
        if row["published_revision"] is None:
            raise RegistryError(404, "not-found", f"no published registry record {record_id!r}")
        if parent_id is not None:
            parent = conn.execute(select(rt.registry_comments.c.record_id).where(
                rt.registry_comments.c.id == parent_id)).first()
            if parent is None or parent[0] != record_id:
                raise RegistryError(422, "constraint-error", "the parent comment is not on this record")
        cid = conn.execute(insert(rt.registry_comments).values(
            record_id=record_id, parent_id=parent_id, author=caller.actor, author_name=caller.name, body=body,
            status="visible", created_at=_now())).inserted_primary_key[0]
        audit(conn, caller.actor, "registry.commented", f"registry:{record_id}", {"comment": cid})
    return {"id": cid, "record_id": record_id, "parent_id": parent_id, "status": "visible"}


def moderate_comment(hub: Hub, comment_id: int, action: str, caller: Caller, reason: str | None = None) -> None:
    """Hide (with a reason) or restore a comment; hidden comments keep their place in the thread."""
    _need(caller, "reviewer", "moderating comments")
    if action not in ("hide", "restore"):
        raise RegistryError(400, "constraint-error", "action is hide or restore")
    if action == "hide" and not (reason or "").strip():
        raise RegistryError(400, "reason-required", "say why the comment is hidden")
    with hub.engine.begin() as conn:
        row = conn.execute(select(rt.registry_comments).where(rt.registry_comments.c.id == comment_id)).first()
        if row is None:
            raise RegistryError(404, "not-found", f"no comment {comment_id}")
        conn.execute(update(rt.registry_comments).where(rt.registry_comments.c.id == comment_id).values(
            status="hidden" if action == "hide" else "visible", moderated_by=caller.actor,
            moderation_reason=(reason or "").strip() or None))
        audit(conn, caller.actor, f"registry.comment_{action}", f"registry:{row.record_id}",
              {"comment": comment_id, "reason": reason})


def comments(hub: Hub, record_id: str, caller: Caller | None = None) -> list[dict[str, Any]]:
    """The thread as a tree; hidden comments show no text except to moderators."""
    moderator = caller is not None and caller.can("reviewer")
    with hub.engine.connect() as conn:
        rows = conn.execute(select(rt.registry_comments).where(rt.registry_comments.c.record_id == record_id)
                            .order_by(rt.registry_comments.c.id)).mappings().all()
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for r in rows:
        hidden = r["status"] == "hidden"
        node = {"id": r["id"], "parent_id": r["parent_id"], "author": r["author_name"] or "contributor",
                "body": None if hidden and not moderator else r["body"], "status": r["status"],
                "created_at": r["created_at"], "replies": []}
        if moderator:
            node["moderation_reason"] = r["moderation_reason"]
        nodes[r["id"]] = node
        (nodes[r["parent_id"]]["replies"] if r["parent_id"] in nodes else roots).append(node)
    return roots


# --- capacity matching ---------------------------------------------------------------------------------------

def _published_of_type(conn: Connection, record_type: str) -> list[dict[str, Any]]:
    r, v = rt.registry_records, rt.registry_revisions
    rows = conn.execute(select(v.c.data).join(r, and_(v.c.record_id == r.c.id, v.c.revision == r.c.published_revision))
                        .where(r.c.type == record_type)).scalars().all()
    return list(rows)


def capacity_matches(hub: Hub, record_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """For a need: the best offers; for an offer: the needs it could serve."""
    with hub.engine.connect() as conn:
        row = _record_row(conn, record_id)
        if row["type"] not in ("capacity_need", "capacity_offer") or row["published_revision"] is None:
            raise RegistryError(422, "constraint-error", "matching works on published capacity needs and offers")
        me = _revision(conn, record_id, row["published_revision"])["data"]
        if row["type"] == "capacity_need":
            found = matching.rank(me, _published_of_type(conn, "capacity_offer"))
            other = "offer_id"
        else:
            found = [m for m in (matching.score(n, me) for n in _published_of_type(conn, "capacity_need")) if m]
            found.sort(key=lambda m: (-m.score, m.need_id))
            other = "need_id"
        titles = dict(conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.title)).all())
    return [{"id": getattr(m, other), "title": titles.get(getattr(m, other)), "score": m.score,
             "reasons": m.reasons} for m in found[:limit]]


def request_capacity(hub: Hub, need_id: str, offer_id: str, caller: Caller, message: str | None = None) -> dict:
    _need(caller, "contributor", "requesting capacity support")
    with hub.engine.begin() as conn:
        need, offer = _record_row(conn, need_id), _record_row(conn, offer_id)
        if need["type"] != "capacity_need" or offer["type"] != "capacity_offer":
            raise RegistryError(422, "constraint-error", "a request joins a capacity need to a capacity offer")
        if need["published_revision"] is None or offer["published_revision"] is None:
            raise RegistryError(422, "constraint-error", "both the need and the offer must be published")
        now = _now()
        rid = conn.execute(insert(rt.capacity_requests).values(
            need_id=need_id, offer_id=offer_id, status="requested", message=(message or "").strip()[:5000] or None,
            requested_by=caller.actor, created_at=now, updated_at=now)).inserted_primary_key[0]
        audit(conn, caller.actor, "capacity.requested", f"capacity:{rid}", {"need": need_id, "offer": offer_id})
    _capacity_told(hub, [offer["created_by"]], caller, f"Capacity request for “{offer['title']}”",
                   f"{need['title']} asks for {offer['title']}", need_id)
    return get_request(hub, rid)


def _capacity_told(hub: Hub, actors: list[str], caller: Caller, subject: str, body: str, record_id: str) -> None:
    """The parties of a capacity request (audit actors) are notified, never the one who acted."""
    notifications.notify_quietly(hub, {notifications.user_id_of(a) for a in actors}, "capacity-request", subject,
                                 body, f"/registry/records/{record_id}",
                                 exclude=notifications.user_id_of(caller.actor))


def act_on_request(hub: Hub, request_id: int, action: str, caller: Caller, outcome: str | None = None) -> dict:
    """requested → accepted/declined (offer owner or reviewer) → completed with an outcome note; cancel by requester."""
    _need(caller, "contributor", "acting on a capacity request")
    with hub.engine.begin() as conn:
        req = conn.execute(select(rt.capacity_requests).where(
            rt.capacity_requests.c.id == request_id)).mappings().first()
        if req is None:
            raise RegistryError(404, "not-found", f"no capacity request {request_id}")
        new = capacity_move(req["status"], action)
        if new is None:
            raise RegistryError(409, "bad-transition", f"cannot {action} a request that is {req['status']}")
        offer_owner = _record_row(conn, req["offer_id"])["created_by"]
        allowed = caller.can("reviewer") or (
            caller.actor == req["requested_by"] if action == "cancel" else caller.actor == offer_owner)
        if not allowed:
            raise RegistryError(403, "forbidden", "only the offer's owner or a reviewer may do this")
        outcome = (outcome or "").strip() or None
        if new == "completed" and not outcome:
            raise RegistryError(400, "reason-required", "describe the outcome when completing a request",
                                [{"code": "missing-value", "field": "outcome", "message": "an outcome is required"}])
        conn.execute(update(rt.capacity_requests).where(rt.capacity_requests.c.id == request_id).values(
            status=new, decided_by=caller.actor, updated_at=_now(), outcome=outcome or req["outcome"]))
        audit(conn, caller.actor, f"capacity.{new}", f"capacity:{request_id}", {"outcome": outcome})
    _capacity_told(hub, [req["requested_by"], offer_owner], caller, f"Capacity request {request_id} is {new}",
                   outcome or f"request {request_id}: {req['status']} → {new}", req["need_id"])
    return get_request(hub, request_id)


REQUEST_FIELDS = ("id", "need_id", "offer_id", "status", "message", "outcome", "created_at", "updated_at")


def get_request(hub: Hub, request_id: int) -> dict[str, Any]:
    """One request by id, unfiltered: for services acting on it (they check the caller); listings go through
    `list_requests`."""
    with hub.engine.connect() as conn:
        req = conn.execute(select(rt.capacity_requests).where(
            rt.capacity_requests.c.id == request_id)).mappings().first()
    if req is None:
        raise RegistryError(404, "not-found", f"no capacity request {request_id}")
    return {k: req[k] for k in REQUEST_FIELDS}


def list_requests(hub: Hub, caller: Caller | None, record_id: str | None = None) -> list[dict[str, Any]]:
    """The capacity requests `caller` may read: its own (as requester or as the offer's owner) or, for
    moderators, all. Messages are private to the parties, so nobody else sees even that a request exists."""
    if caller is None or not caller.can("contributor"):
        return []
    cr, offer = rt.capacity_requests, rt.registry_records
    q = select(*[cr.c[k] for k in REQUEST_FIELDS]).join(offer, offer.c.id == cr.c.offer_id).order_by(cr.c.id)
    if not caller.can("reviewer"):
        q = q.where(or_(cr.c.requested_by == caller.actor, offer.c.created_by == caller.actor))
    if record_id:
        q = q.where(or_(cr.c.need_id == record_id, cr.c.offer_id == record_id))
    with hub.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


# --- import / export -----------------------------------------------------------------------------------------

def export_records(hub: Hub, fmt: str = "json") -> str:
    """Every published record (published revision) and every link between published records."""
    r, v = rt.registry_records, rt.registry_revisions
    with hub.engine.connect() as conn:
        rows = conn.execute(select(v.c.data).join(r, and_(v.c.record_id == r.c.id,
                                                          v.c.revision == r.c.published_revision))
                            .order_by(r.c.id)).scalars().all()
        ids = {d["id"] for d in rows}
        links = [{"source": s, "target": t, "type": ty} for s, t, ty in conn.execute(select(
            rt.registry_links.c.source_id, rt.registry_links.c.target_id, rt.registry_links.c.type).where(
            rt.registry_links.c.status == LINK_PUBLISHED).order_by(rt.registry_links.c.id)) if s in ids and t in ids]
    if fmt == "csv":
        return csvio.write_csv([(d, "published") for d in rows])
    if fmt != "json":
        raise RegistryError(400, "constraint-error", "format is json or csv")
    return json.dumps({"records": rows, "links": links}, ensure_ascii=False, indent=1)


def _parse_payload(payload: str, fmt: str) -> tuple[list[tuple[str, dict]], list[dict]]:
    if fmt == "csv":
        try:
            return [(f"line {n}", rec) for n, rec in csvio.read_csv(payload)], []
        except (ValueError, json.JSONDecodeError) as exc:
            raise RegistryError(422, "invalid-file", f"cannot read the CSV: {exc}") from None
    try:
        doc = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise RegistryError(422, "invalid-file", f"not JSON: {exc.msg} at line {exc.lineno}") from None
    records = doc.get("records", []) if isinstance(doc, dict) else doc
    links = doc.get("links", []) if isinstance(doc, dict) else []
    if not isinstance(records, list) or not isinstance(links, list):
        raise RegistryError(422, "invalid-file", "expected {\"records\": [...], \"links\": [...]} or a list")
    return [(f"record {i + 1}", rec) for i, rec in enumerate(records)], links


def import_records(hub: Hub, payload: str, fmt: str, caller: Caller, publish: bool = False,
                   skip_existing: bool = True) -> dict[str, Any]:
    """All or nothing: every record is validated first and any problem refuses the whole file."""
    _need(caller, "contributor", "importing records")
    if publish:
        _need(caller, "reviewer", "publishing without review")
    items, links = _parse_payload(payload, fmt)
    errors, parsed = [], []
    for where, data in items:
        try:
            parsed.append(parse_record(data))
        except RecordError as exc:
            errors += [{**e, "field": f"{where}: {e['field'] or ''}".rstrip(": ")} for e in exc.errors]
    if errors:
        raise RegistryError(422, "invalid-record", f"{len(errors)} problem(s); nothing was imported", errors)
    created, skipped, linked = [], [], 0
    with hub.engine.begin() as conn:
        for record in parsed:
            if record.id and conn.execute(select(rt.registry_records.c.id).where(
                    rt.registry_records.c.id == record.id)).first():
                if skip_existing:
                    skipped.append(record.id)
                    continue
                raise RegistryError(409, "id-taken", f"a record with id {record.id!r} exists")
            created.append(_insert_record(conn, record, caller, publish))
        _check_references(conn, parsed)  # after inserting, so a file may hold regions and what lies in them
        types = dict(conn.execute(select(rt.registry_records.c.id, rt.registry_records.c.type)).all())
        for i, link in enumerate(links):
            s, t, ty = link.get("source"), link.get("target"), link.get("type")
            if s not in types or t not in types:
                missing = s if s not in types else t
                raise RegistryError(422, "constraint-error", f"link {i + 1}: unknown record {missing!r}")
            problem = check_link(ty, types[s], types[t])
            if problem:
                raise RegistryError(422, "constraint-error", f"link {i + 1}: {problem}")
            if conn.execute(select(rt.registry_links.c.id).where(and_(
                    rt.registry_links.c.source_id == s, rt.registry_links.c.target_id == t,
                    rt.registry_links.c.type == ty))).first() is None:
                status = LINK_PUBLISHED if publish else LINK_PENDING  # unreviewed imports wait like any link
                conn.execute(insert(rt.registry_links).values(source_id=s, target_id=t, type=ty,
                                                              note=link.get("note"), created_by=caller.actor,
                                                              created_at=_now(), status=status))
                linked += 1
        audit(conn, caller.actor, "registry.imported", "registry", {"created": len(created), "links": linked})
    return {"created": created, "skipped": skipped, "links": linked}


def load_seed(hub: Hub) -> dict[str, Any]:
    """Load the bundled, sourced seed records and links as published content; records already present are kept.
    A file's `defaults` (e.g. the date its facts were taken) fill what its records leave out."""
    records: list[dict] = []
    links: list[dict] = []
    for path in sorted(SEED_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        records += [{**doc.get("defaults", {}), **r} for r in doc.get("records", [])]
        links += doc.get("links", [])
    result = import_records(hub, json.dumps({"records": records, "links": links}), "json",
                            Caller(SEED_ACTOR, "admin"), publish=True, skip_existing=True)
    with hub.engine.begin() as conn:  # names in more UN languages (registry/seed/translations/names.csv)
        result["reindexed"] = rsearch.reindex_overlay(conn)
    return result


def entity_types() -> dict[str, Any]:
    """JSON Schema of every entity type (for forms and API clients)."""
    return {name: model.model_json_schema() for name, model in ENTITY_TYPES.items()}
