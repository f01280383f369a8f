"""The review workflow of registry revisions and of capacity requests, as explicit transition tables so
that every allowed move (and who may make it) is visible in one place."""

from __future__ import annotations

# revision status -> {action: (new status, lowest role allowed)}
REVIEW = {
    "submitted": {"start_review": ("in_review", "reviewer"), "publish": ("published", "reviewer"),
                  "reject": ("rejected", "reviewer")},
    "in_review": {"publish": ("published", "reviewer"), "reject": ("rejected", "reviewer")},
    "published": {},
    "rejected": {},
}
REVISION_STATUSES = tuple(REVIEW)

# capacity request status -> {action: new status}; who may act is decided by the service (offer owner/reviewer)
CAPACITY = {
    "requested": {"accept": "accepted", "decline": "declined", "cancel": "cancelled"},
    "accepted": {"complete": "completed", "cancel": "cancelled"},
    "declined": {},
    "completed": {},
    "cancelled": {},
}
CAPACITY_STATUSES = tuple(CAPACITY)

COMMENT_STATUSES = ("visible", "hidden")


def review_move(status: str, action: str) -> tuple[str, str] | None:
    return REVIEW.get(status, {}).get(action)


def capacity_move(status: str, action: str) -> str | None:
    return CAPACITY.get(status, {}).get(action)
