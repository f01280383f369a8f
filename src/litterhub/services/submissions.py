"""Submissions as records: the row, its folder and uploaded file, loading it, and the tables approval publishes.

The base that both the contribution steps (services/contributions.py: upload, check, submit) and the review
steps (services/review.py: claim, approve, publish) build on, so that neither imports the other's internals:
contributions imports review (a trusted contributor's submission is approved at once), review imports this.
"""

from __future__ import annotations

import csv
import inspect
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from litterhub.errors import HubError
from litterhub.services.hub import Hub
from litterhub.services.ingest import ingest_file
from litterhub.store import contrib_tables as ct

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
SHEET_SUFFIXES = {".xlsx"}
FUZZ_DEGREES = 0.05  # sensitive sites are published at the centre of a ~5 km grid cell
CS_PROGRAMME = "litterhub citizen science"


class ContributionError(HubError):
    """Why a contribution request cannot be done. `kind` tells the interface which status to answer with."""

    KINDS = {"invalid": 422, "not-found": 404, "forbidden": 403, "conflict": 409, "too-large": 413,
             "unsupported-type": 415, "quota": 429}

    def __init__(self, kind: str, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.field = field
        self.code = code or kind

    @property
    def status(self) -> int:
        return self.KINDS[self.kind]

    def as_error(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message": str(self)}


@dataclass
class Submission:
    id: str
    kind: str
    user_id: int
    title: str
    dataset_id: str
    status: str
    licence: str
    quality_tier: str
    format: str | None = None
    original_filename: str | None = None
    sha256: str | None = None
    size_bytes: int | None = None
    embargo_until: date | None = None
    sensitive_site: bool = False
    payload: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    reviewer_id: int | None = None
    claimed_at: datetime | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None
    published_version: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    photos: list[dict[str, Any]] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return bool(self.report and self.report.get("usable"))

    def as_dict(self) -> dict[str, Any]:
        """The API shape (for the contributor and reviewers; never contains e-mail addresses)."""
        return {
            "id": self.id, "kind": self.kind, "status": self.status, "title": self.title,
            "dataset_id": self.dataset_id, "licence": self.licence, "quality_tier": self.quality_tier,
            "format": self.format, "original_filename": self.original_filename, "sha256": self.sha256,
            "size_bytes": self.size_bytes, "embargo_until": self.embargo_until,
            "sensitive_site": self.sensitive_site, "reviewer_id": self.reviewer_id,
            "decision_reason": self.decision_reason, "decided_at": self.decided_at,
            "published_version": self.published_version, "created_at": self.created_at,
            "updated_at": self.updated_at, "payload": self.payload, "photos": self.photos,
            "report": summary(self.report),
        }


def summary(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """The validation report with its lists capped, for listings and API answers."""
    if report is None:
        return None
    out = dict(report)
    for key in ("errors", "warnings"):
        out[key] = (report.get(key) or [])[:200]
    return out


def _row_to_submission(row: Any) -> Submission:
    m = dict(row._mapping)
    return Submission(**{k: m[k] for k in Submission.__dataclass_fields__ if k in m and k != "photos"})


def submissions_dir(hub: Hub) -> Path:
    return hub.settings.data_dir / "submissions"


def submission_dir(hub: Hub, sid: str) -> Path:
    if not re.fullmatch(r"[0-9a-f-]{36}", sid):
        raise ContributionError("not-found", "no such submission")
    return submissions_dir(hub) / sid


def upload_path(hub: Hub, sub: Submission) -> Path:
    suffix = Path(sub.original_filename or "upload.csv").suffix.lower()
    return submission_dir(hub, sub.id) / f"upload{suffix if suffix in TEXT_SUFFIXES | SHEET_SUFFIXES else '.csv'}"


def _photos(conn, sid: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(ct.submission_photos).where(ct.submission_photos.c.submission_id == sid)
                        .order_by(ct.submission_photos.c.id)).all()
    return [{"id": r.id, "media_type": r.media_type, "size_bytes": r.size_bytes} for r in rows]


def load(hub: Hub, sid: str) -> Submission:
    submission_dir(hub, sid)  # validates the id's shape
    with hub.engine.connect() as conn:
        row = conn.execute(select(ct.submissions).where(ct.submissions.c.id == sid)).first()
        if row is None:
            raise ContributionError("not-found", "no such submission")
        sub = _row_to_submission(row)
        sub.photos = _photos(conn, sid)
    return sub


def mapping_supported() -> bool:
    """Whether this build has the generic adapter with declarative column mappings (ingest.mapping)."""
    try:
        import litterhub.ingest.mapping  # noqa: F401
    except ImportError:
        return False
    return "mapping" in inspect.signature(ingest_file).parameters


def ingest_options(sub: Submission) -> dict[str, Any]:
    """Extra ingest arguments a submission needs (its column mapping, for the generic format)."""
    mapping = (sub.payload or {}).get("mapping") if sub.kind == "upload" else None
    copy = {"allow_copy": True} if sub.kind == "upload" and (sub.payload or {}).get("allow_copy") else {}
    return ({"mapping": mapping} if mapping and mapping_supported() else {}) | copy


def fuzz(lat: float, lon: float, step: float = FUZZ_DEGREES) -> tuple[float, float]:
    """The centre of the grid cell holding the point: precise enough for maps, useless for finding a person."""
    def snap(v: float) -> float:
        return round((int(v // step) + 0.5) * step, 6)

    return snap(lat), snap(lon)


SURVEY_PROTOCOL = "litterhub citizen-science beach survey (MSFD master list, counted along a measured stretch)"


def survey_table(hub: Hub, dataset_id: str, include: str) -> Path:
    """Write every approved survey of a dataset plus the one being approved as a Marine LitterWatch table.

    A dataset version is a complete snapshot, so each approval republishes the site's whole series.
    """
    with hub.engine.connect() as conn:
        rows = conn.execute(select(ct.submissions).where(
            ct.submissions.c.dataset_id == dataset_id, ct.submissions.c.kind == "survey",
            (ct.submissions.c.status == "approved") | (ct.submissions.c.id == include))
            .order_by(ct.submissions.c.created_at)).all()
    subs = [_row_to_submission(r) for r in rows]
    codes = sorted({c for s in subs for c in (s.payload or {}).get("counts", {})}, key=lambda c: int(c[1:]))
    header = ["CommunityName", "BeachName", "BeachCountrycode", "BeachRegionalSea", "BeachLength_m",
              "BeachLocation", "BeachType", "EventDate", "EventType", "NatRef", "lon_x1", "lat_y1", "lon_x2",
              "lat_y2", "TeamSize", "Protocol", "QualityTier", *codes]
    path = submission_dir(hub, include) / "survey-series.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for s in subs:
            p = s.payload or {}
            lat, lon = (fuzz(p["lat"], p["lon"]) if s.sensitive_site else (p["lat"], p["lon"]))
            # No contributor names or notes: the lake and every export built from it stay free of personal data.
            w.writerow(["litterhub citizen science", p["site_name"], p["country"], "", p["length_m"], "", "",
                        p["survey_date"].replace("-", ""), p.get("event_type", "Cleanup"), "", lon, lat, lon, lat,
                        p.get("team_size", ""), SURVEY_PROTOCOL, "citizen-science",
                        *[p["counts"].get(c, "") for c in codes]])
    return path
