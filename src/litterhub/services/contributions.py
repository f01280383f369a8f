"""Contributions from all actors: file uploads and citizen-science surveys, held as submissions.

Nothing a contributor sends is public until a reviewer approves it (services/review.py). Uploaded bytes
are checked before any parser sees them: size limits, content that matches the declared type, and zip
containers that cannot expand into a bomb. Surveys are written as a Marine LitterWatch-layout table
(one row per survey, one column per G-code) so that approval publishes them through the same ingest
service as every other dataset, with quality tier "citizen-science". Personal data (e-mail, names)
stays in the catalog's users table and never reaches the lake or a public export.
"""

from __future__ import annotations

import csv
import logging
import re
import shutil
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from litterhub.model.csvsafe import safe_cell
from litterhub.services import auth, known_bytes
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.services.ingest import IngestBug, ingest_file, slugify
from litterhub.services.review import auto_approve
from litterhub.services.submissions import (  # noqa: F401 - the contribution API keeps its names
    CS_PROGRAMME,
    FUZZ_DEGREES,
    SHEET_SUFFIXES,
    SURVEY_PROTOCOL,
    TEXT_SUFFIXES,
    ContributionError,
    Submission,
    _photos,
    _row_to_submission,
    fuzz,
    ingest_options,
    load,
    mapping_supported,
    submission_dir,
    submissions_dir,
    summary,
    survey_table,
    upload_path,
)
from litterhub.store import contrib_tables as ct
from litterhub.store import tables as t
from litterhub.store.settings import Settings

LICENCES = {
    "CC-BY-4.0": "Creative Commons Attribution 4.0",
    "CC0-1.0": "Creative Commons Zero 1.0 (public domain dedication)",
    "ODbL-1.0": "Open Data Commons Open Database Licence 1.0",
    "CC-BY-SA-4.0": "Creative Commons Attribution-ShareAlike 4.0",
}
ZIP_SUFFIXES = {".zip"}
PHOTO_TYPES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/webp": (b"RIFF",)}
PHOTO_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
CS_QUALITY_TIER = "citizen-science"
CS_DATASET_PREFIX = "citizen-science-"

# Lifecycle: draft (wizard, not yet sent) -> submitted -> in-review (claimed) -> approved | rejected |
# changes-requested (-> submitted again). "publishing" marks an approval whose ingest is running.
OPEN_STATUSES = ("submitted", "in-review")
STATUSES = ("draft", "submitted", "in-review", "changes-requested", "publishing", "approved", "rejected")


@dataclass(frozen=True)
class Limits:
    """Upload limits; a deployment sets some through its settings (LITTERHUB_MAX_UPLOAD_MB and friends)."""

    max_upload_bytes: int = 50 * 1024**2
    max_unzipped_bytes: int = 200 * 1024**2
    max_zip_ratio: int = 100
    max_zip_entries: int = 200
    max_photo_bytes: int = 5 * 1024**2
    max_photos: int = 5
    # Drafts are kept until submitted or deleted; without a quota one account could fill the disk with them.
    max_drafts: int = 20
    max_draft_bytes: int = 500 * 1024**2

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        mib = 1024**2
        return cls(max_upload_bytes=int(settings.max_upload_mb * mib), max_photo_bytes=int(settings.max_photo_mb * mib),
                   max_drafts=settings.max_drafts, max_draft_bytes=int(settings.max_draft_mb * mib))


# --- storage -------------------------------------------------------------------------------------------------

# --- checking uploaded bytes ---------------------------------------------------------------------------------

def _head(path: Path, n: int = 8192) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for start in (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        if head.startswith(start):
            return False
    lowered = head[:512].lstrip().lower()
    return not lowered.startswith((b"<!doctype html", b"<html", b"<svg", b"<script", b"<?xml"))


def check_zip(path: Path, limits: Limits) -> list[zipfile.ZipInfo]:
    """Refuse zip containers (zip uploads and .xlsx) that would expand beyond the limits (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ContributionError("unsupported-type", f"the file is not a readable zip container ({exc})",
                                "file", "litter-bad-container") from None
    if len(infos) > limits.max_zip_entries:
        raise ContributionError("too-large", f"the archive holds {len(infos)} files; at most "
                                f"{limits.max_zip_entries} are accepted", "file", "litter-zip-bomb")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limits.max_unzipped_bytes or total / packed > limits.max_zip_ratio:
        raise ContributionError("too-large", "the archive would expand to "
                                f"{total // 1024**2} MiB (ratio {total // packed}:1); refused as a possible zip "
                                "bomb", "file", "litter-zip-bomb")
    for i in infos:
        if i.filename.startswith(("/", "\\")) or ".." in Path(i.filename).parts:
            raise ContributionError("unsupported-type", f"the archive contains an unsafe path {i.filename!r}",
                                    "file", "litter-bad-container")
    return infos


def _extract_single_table(path: Path, target: Path, limits: Limits) -> str:
    """A .zip upload must hold exactly one .csv/.tsv/.txt table; it is extracted with a byte budget: no larger
    than the same table uploaded directly could be. A damaged archive (a size or CRC that lies, a broken
    stream, an unsupported compression) is the sender's error: 422, never a server error."""
    infos = [i for i in check_zip(path, limits) if not i.is_dir() and not Path(i.filename).name.startswith(".")]
    tables = [i for i in infos if Path(i.filename).suffix.lower() in TEXT_SUFFIXES]
    if len(tables) != 1:
        raise ContributionError("invalid", "a .zip upload must contain exactly one .csv, .tsv or .txt table "
                                f"(found {len(tables)})", "file", "litter-bad-container")
    budget = min(limits.max_unzipped_bytes, limits.max_upload_bytes)
    try:
        with zipfile.ZipFile(path) as zf, zf.open(tables[0]) as src, target.open("wb") as dst:
            while chunk := src.read(1 << 20):
                budget -= len(chunk)
                if budget < 0:  # larger than a direct upload, or the header lied about the size
                    raise ContributionError("too-large", "the table in the archive is larger than the "
                                            f"{limits.max_upload_bytes // 1024**2} MiB upload limit", "file",
                                            "litter-zip-bomb")
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise ContributionError("invalid", f"the archive is damaged and cannot be unpacked ({exc})", "file",
                                "litter-bad-container") from None
    return Path(tables[0].filename).name


# Control characters that are never data in a table: C0 except TAB, LF, CR, and DEL. NUL in particular
# cannot be stored by PostgreSQL and truncates strings elsewhere. Removing these bytes is safe in UTF-8 and
# in the single-byte encodings the readers accept (they never occur inside a multi-byte UTF-8 character);
# UTF-16 files are refused before this point.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def copy_without_controls(source: Path, target: Path) -> int:
    """Copy a text table, dropping control bytes wherever they are; returns how many were dropped."""
    dropped = 0
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(1 << 20):
            clean = chunk.translate(None, CONTROL_BYTES)
            dropped += len(chunk) - len(clean)
            dst.write(clean)
    return dropped


def _control_warning(dropped: int) -> dict[str, Any]:
    return {"line": None, "column": None, "code": "litter-control-characters",
            "message": f"{dropped} control character(s) (such as NUL) were removed from the file; check the cells "
            "they were in"}


def check_data_file(path: Path, filename: str, limits: Limits) -> str:
    """Check an uploaded table: returns its kind ("text" | "xlsx" | "zip"); raises on anything unsafe."""
    suffix = Path(filename).suffix.lower()
    size = path.stat().st_size
    if size > limits.max_upload_bytes:
        raise ContributionError("too-large", f"the file is {size // 1024**2} MiB; the limit is "
                                f"{limits.max_upload_bytes // 1024**2} MiB", "file", "litter-too-large")
    if size == 0:
        raise ContributionError("invalid", "the file is empty", "file", "litter-empty-file")
    head = _head(path)
    if suffix in TEXT_SUFFIXES:
        if not _looks_like_text(head):
            raise ContributionError("unsupported-type", f"{filename} is named like a text table but its content "
                                    "is not text; refused", "file", "litter-spoofed-type")
        return "text"
    if suffix in SHEET_SUFFIXES | ZIP_SUFFIXES:
        if not head.startswith(b"PK\x03\x04"):
            raise ContributionError("unsupported-type", f"{filename} is named like a {suffix} file but its content "
                                    "is not a zip container; refused", "file", "litter-spoofed-type")
        infos = check_zip(path, limits)
        if suffix in SHEET_SUFFIXES and not any(i.filename == "[Content_Types].xml" for i in infos):
            raise ContributionError("unsupported-type", f"{filename} is not an Office Open XML workbook", "file",
                                    "litter-spoofed-type")
        return "xlsx" if suffix in SHEET_SUFFIXES else "zip"
    raise ContributionError("unsupported-type", f"files of type {suffix or '(none)'} are not accepted; send .csv, "
                            ".tsv, .txt, .xlsx or a .zip holding one table", "file", "litter-unsupported-type")


def check_photo(path: Path, limits: Limits) -> str:
    """The media type of a survey photo, judged from its bytes (names and declared types are not trusted)."""
    size = path.stat().st_size
    if size > limits.max_photo_bytes:
        raise ContributionError("too-large", f"a photo is {size // 1024} KiB; the limit is "
                                f"{limits.max_photo_bytes // 1024} KiB", "photos", "litter-too-large")
    head = _head(path, 16)
    for media_type, magics in PHOTO_TYPES.items():
        if head.startswith(magics) and (media_type != "image/webp" or head[8:12] == b"WEBP"):
            return media_type
    raise ContributionError("unsupported-type", "photos must be JPEG, PNG or WebP images", "photos",
                            "litter-spoofed-type")


# --- reading and listing -------------------------------------------------------------------------------------

def get_submission(hub: Hub, principal: Principal, sid: str) -> Submission:
    """A submission as its contributor or a reviewer may see it (others get 'not found', not 'forbidden')."""
    sub = load(hub, sid)
    if sub.user_id != principal.id and not principal.can("reviewer"):
        raise ContributionError("not-found", "no such submission")
    return sub


def list_mine(hub: Hub, principal: Principal) -> list[Submission]:
    with hub.engine.connect() as conn:
        rows = conn.execute(select(ct.submissions).where(ct.submissions.c.user_id == principal.id)
                            .order_by(ct.submissions.c.created_at.desc())).all()
    return [_row_to_submission(r) for r in rows]


def my_datasets(hub: Hub, principal: Principal) -> list[str]:
    """Datasets this contributor created by upload: an edit is sent as a new version of one of them."""
    with hub.engine.connect() as conn:
        return list(conn.execute(select(ct.submissions.c.dataset_id).distinct().where(
            ct.submissions.c.user_id == principal.id, ct.submissions.c.kind == "upload",
            ct.submissions.c.status == "approved").order_by(ct.submissions.c.dataset_id)).scalars())


def photo_file(hub: Hub, principal: Principal, sid: str, photo_id: int) -> tuple[Path, str]:
    sub = get_submission(hub, principal, sid)
    for p in sub.photos:
        if p["id"] == photo_id:
            with hub.engine.connect() as conn:
                sha = conn.execute(select(ct.submission_photos.c.sha256)
                                   .where(ct.submission_photos.c.id == photo_id)).scalar()
            return submission_dir(hub, sid) / "photos" / f"{sha}{PHOTO_SUFFIX[p['media_type']]}", p["media_type"]
    raise ContributionError("not-found", "no such photo")


# --- uploads -------------------------------------------------------------------------------------------------

def _clean_text(value: str | None, limit: int, name: str, required: bool = False) -> str:
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", (value or "").strip())[:limit]
    if required and not text:
        raise ContributionError("invalid", f"{name} is required", name, "required-value")
    return text


def _check_licence(licence: str) -> str:
    if licence not in LICENCES:
        raise ContributionError("invalid", f"licence must be one of {', '.join(LICENCES)}", "licence",
                                "constraint-error")
    return licence


def _check_embargo(embargo_until: date | None) -> date | None:
    if embargo_until is not None and embargo_until <= datetime.now(UTC).date():
        raise ContributionError("invalid", "an embargo date must lie in the future", "embargo_until",
                                "constraint-error")
    if embargo_until is not None and (embargo_until - datetime.now(UTC).date()).days > 2 * 366:
        raise ContributionError("invalid", "embargoes may last at most two years", "embargo_until",
                                "constraint-error")
    return embargo_until


def _target_dataset(hub: Hub, principal: Principal, dataset_id: str | None, filename: str) -> str:
    """A new dataset id, or an existing one only if this contributor's earlier submission created it."""
    if dataset_id:
        wanted = slugify(dataset_id)
        if wanted.startswith(CS_DATASET_PREFIX):
            raise ContributionError("invalid", f"dataset ids starting with {CS_DATASET_PREFIX!r} are kept for the "
                                    "survey form", "dataset_id")
        with hub.engine.connect() as conn:
            exists = conn.execute(select(t.datasets.c.id).where(t.datasets.c.id == wanted)).first() is not None
            own = conn.execute(select(ct.submissions.c.id).where(
                ct.submissions.c.dataset_id == wanted, ct.submissions.c.user_id == principal.id,
                ct.submissions.c.status == "approved")).first() is not None
        if exists and not (own or principal.can("admin")):
            raise ContributionError("forbidden", f"dataset {wanted!r} was not contributed by you; upload it as a "
                                    "new dataset", "dataset_id")
        return wanted
    return slugify(f"contrib-{Path(filename).stem}")[:90] + "-" + uuid.uuid4().hex[:6]


def validate_upload(path: Path, filename: str, fmt: str = "auto", hub: Hub | None = None,
                    mapping: str | None = None) -> dict[str, Any]:
    """Dry-run validation (nothing stored) plus the detected header, for the wizard's report page."""
    from litterhub.ingest.textio import sniff

    extra = {"mapping": mapping} if mapping and mapping_supported() else {}
    try:
        result = ingest_file(hub, path, fmt, "draft", original_filename=filename, dry_run=True,  # type: ignore[arg-type]
                             **extra)
    except IngestBug:  # a bug, logged with its traceback by ingest_file: a 500, never "could not be read"
        raise
    except Exception as exc:  # noqa: BLE001 - a reader bug must reach the contributor as a report, not a traceback
        from litterhub.ingest.report import ValidationReport

        failed = ValidationReport()
        logging.getLogger(__name__).exception("reading upload %s failed", filename)
        failed.fail("source-error", f"{filename} could not be read ({type(exc).__name__}); check its columns "
                    "against the format's description (docs/formats.md)")
        report = failed.as_dict()
        report["format_known"] = False
        report["header"] = []
        return report
    report = result.report.as_dict()
    try:
        info = sniff(path)
        report["header"] = info.header[:500]
    except (OSError, ValueError, UnicodeError):
        report["header"] = []
    report["format_known"] = result.format is not None
    return report


def create_upload(hub: Hub, principal: Principal, source: Path, filename: str, *, title: str = "",
                  dataset_id: str | None = None, fmt: str = "auto", limits: Limits | None = None) -> Submission:
    """Keep an uploaded file as a draft submission and validate it completely (nothing public yet)."""
    limits = limits or Limits.from_settings(hub.settings)
    filename = _clean_text(Path(filename or "upload.csv").name, 200, "file") or "upload.csv"
    kind = check_data_file(source, filename, limits)
    check_draft_quota(hub, principal, source.stat().st_size, limits)
    sid = str(uuid.uuid4())
    folder = submission_dir(hub, sid)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        dropped = 0
        if kind == "zip":
            inner = _extract_single_table(source, folder / "extracted.csv", limits)
            table_name = inner
            stored = folder / f"upload{Path(inner).suffix.lower() or '.csv'}"
            if not _looks_like_text(_head(folder / "extracted.csv")):
                raise ContributionError("unsupported-type", f"{inner} inside the archive is not text", "file",
                                        "litter-spoofed-type")
            dropped = copy_without_controls(folder / "extracted.csv", stored)
            (folder / "extracted.csv").unlink()
        else:
            table_name = filename
            stored = folder / f"upload{Path(filename).suffix.lower()}"
            if kind == "text":
                dropped = copy_without_controls(source, stored)
            else:
                shutil.copyfile(source, stored)
        report = validate_upload(stored, table_name, fmt, hub)
        if dropped:
            report["warnings"] = [_control_warning(dropped), *(report.get("warnings") or [])]
        from litterhub.store.raw import sha256_of

        now = datetime.now(UTC)
        digest = sha256_of(stored)
        report["notes"] = list(report.get("notes") or []) + _duplicate_notes(hub, digest)
        target = _target_dataset(hub, principal, dataset_id, table_name)
        sub_title = _clean_text(title, 300, "title") or Path(table_name).stem
        with hub.engine.begin() as conn:
            conn.execute(insert(ct.submissions).values(
                id=sid, kind="upload", user_id=principal.id, title=sub_title, dataset_id=target,
                format=report.get("format") or None, original_filename=table_name, sha256=digest,
                size_bytes=stored.stat().st_size, licence="CC-BY-4.0", quality_tier="contributed",
                sensitive_site=False, payload=None, report=report, status="draft", created_at=now, updated_at=now))
            auth.audit(conn, principal.actor, "submission.uploaded", f"submission:{sid}",
                       {"filename": table_name, "format": report.get("format"), "usable": report.get("usable")})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return load(hub, sid)


def check_draft_quota(hub: Hub, principal: Principal, incoming: int, limits: Limits) -> None:
    """Refuse a new draft when the contributor already keeps `max_drafts` drafts or `max_draft_bytes` of them."""
    with hub.engine.connect() as conn:
        count, size = conn.execute(select(func.count(), func.coalesce(func.sum(ct.submissions.c.size_bytes), 0))
                                   .where(ct.submissions.c.user_id == principal.id,
                                          ct.submissions.c.status == "draft")).one()
    if count >= limits.max_drafts or size + incoming > limits.max_draft_bytes:
        raise ContributionError("quota", f"you keep {count} drafts ({size // 1024**2} MiB); at most "
                                f"{limits.max_drafts} drafts and {limits.max_draft_bytes // 1024**2} MiB are kept: "
                                "submit or delete some first", "file", "litter-draft-quota")


def _duplicate_notes(hub: Hub, digest: str) -> list[str]:
    """Tell contributor and reviewer when the same bytes are already in the hub or waiting for review."""
    with hub.engine.connect() as conn:
        published = conn.execute(select(t.dataset_versions.c.dataset_id, t.dataset_versions.c.version)
                                 .where(t.dataset_versions.c.sha256 == digest)).all()
        waiting = conn.execute(select(func.count()).select_from(ct.submissions).where(
            ct.submissions.c.sha256 == digest, ct.submissions.c.status.in_(OPEN_STATUSES))).scalar()
    notes = [f"identical bytes are already published as {d} version {v}" for d, v in published]
    if waiting:
        notes.append(f"identical bytes are already waiting for review in {waiting} other submission(s)")
    return notes


def replace_file(hub: Hub, principal: Principal, sid: str, source: Path, filename: str,
                 limits: Limits | None = None) -> Submission:
    """A corrected file for a draft or a submission sent back with 'changes requested'."""
    sub = get_submission(hub, principal, sid)
    if sub.user_id != principal.id or sub.kind != "upload" or sub.status not in ("draft", "changes-requested"):
        raise ContributionError("conflict", f"a {sub.status} submission cannot take a new file")
    limits = limits or Limits.from_settings(hub.settings)
    filename = Path(filename or "upload.csv").name
    if check_data_file(source, filename, limits) == "zip":
        raise ContributionError("invalid", "send the corrected table itself, not a .zip", "file")
    old = upload_path(hub, sub)
    stored = submission_dir(hub, sid) / f"upload{Path(filename).suffix.lower()}"
    text = Path(filename).suffix.lower() in TEXT_SUFFIXES
    dropped = copy_without_controls(source, stored) if text else 0
    if not text:
        shutil.copyfile(source, stored)
    if old != stored:
        old.unlink(missing_ok=True)
    report = validate_upload(stored, filename, "auto", hub)
    if dropped:
        report["warnings"] = [_control_warning(dropped), *(report.get("warnings") or [])]
    from litterhub.store.raw import sha256_of

    with hub.engine.begin() as conn:
        conn.execute(update(ct.submissions).where(ct.submissions.c.id == sid).values(
            original_filename=filename, sha256=sha256_of(stored), size_bytes=stored.stat().st_size,
            format=report.get("format") or None, report=report, status="draft", payload=None,
            updated_at=datetime.now(UTC)))
        auth.audit(conn, principal.actor, "submission.file-replaced", f"submission:{sid}", {"filename": filename})
    return load(hub, sid)


MAX_MAPPING_CHARS = 64 * 1024


def draft_mapping_for(hub: Hub, sub: Submission) -> str | None:
    """A proposed column mapping (YAML) from the file's header and first rows; None without mapping support."""
    if not mapping_supported() or sub.kind != "upload":
        return None
    if (sub.payload or {}).get("mapping"):
        return sub.payload["mapping"]
    from litterhub.ingest.mapping import draft_mapping
    from litterhub.ingest.textio import sniff

    path = upload_path(hub, sub)
    info = sniff(path)
    if info.kind != "text" or not info.header:
        return None
    samples: dict[str, list[str]] = {h: [] for h in info.header}
    with path.open(encoding=info.encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=info.delimiter)
        next(reader, None)
        for i, row in enumerate(reader):
            if i >= 20:
                break
            for h, v in zip(info.header, row, strict=False):
                samples[h].append(v)
    return draft_mapping(info.header, samples)


def apply_mapping(hub: Hub, principal: Principal, sid: str, mapping_text: str) -> Submission:
    """Validate an unknown-format upload again with the column mapping the contributor edited in the browser."""
    sub = get_submission(hub, principal, sid)
    if sub.user_id != principal.id or sub.kind != "upload" or sub.status not in ("draft", "changes-requested"):
        raise ContributionError("conflict", f"a {sub.status} submission cannot take a new mapping")
    if not mapping_supported():
        raise ContributionError("invalid", "this hub has no generic column mapping", "mapping")
    text = (mapping_text or "").replace("\r\n", "\n")
    if not text.strip() or len(text) > MAX_MAPPING_CHARS:
        raise ContributionError("invalid", f"the mapping must be 1 to {MAX_MAPPING_CHARS} characters", "mapping")
    report = validate_upload(upload_path(hub, sub), sub.original_filename or "upload.csv", "generic", hub, text)
    with hub.engine.begin() as conn:
        conn.execute(update(ct.submissions).where(ct.submissions.c.id == sid).values(
            payload={"mapping": text}, format="generic", report=report, updated_at=datetime.now(UTC)))
        auth.audit(conn, principal.actor, "submission.mapping", f"submission:{sid}", {"usable": report["usable"]})
    return load(hub, sid)


def submit_upload(hub: Hub, principal: Principal, sid: str, *, licence: str, embargo_until: date | None = None,
                  title: str | None = None, allow_copy: bool = False) -> Submission:
    """Send a validated draft for review (trusted contributors are approved at once).

    Bytes already published under another dataset id are refused (409, `known-file-other-dataset`) unless
    `allow_copy`, which is kept with the submission so that its publication ingests the copy."""
    sub = get_submission(hub, principal, sid)
    if sub.user_id != principal.id:
        raise ContributionError("forbidden", "only the contributor can submit this upload")
    if sub.status in ("submitted", "in-review", "approved", "publishing"):
        return sub  # repeating a submit changes nothing
    if sub.status not in ("draft", "changes-requested"):
        raise ContributionError("conflict", f"a {sub.status} submission cannot be sent again")
    if not sub.usable:
        raise ContributionError("invalid", "the file did not pass validation: fix the errors in the report and "
                                "upload it again", "file", "litter-not-usable")
    values: dict[str, Any] = {"licence": _check_licence(licence), "embargo_until": _check_embargo(embargo_until),
                              "status": "submitted", "updated_at": datetime.now(UTC)}
    copies = known_bytes.known_elsewhere(hub, sub.sha256 or "", sub.dataset_id)
    if copies and not allow_copy:
        raise ContributionError("conflict", known_bytes.message(copies, False, "allow_copy=true, or tick 'publish "
                                                                "as a copy'"), "allow_copy", known_bytes.CODE)
    if copies:
        values["payload"] = {**(sub.payload or {}), "allow_copy": True}
    if title is not None and title.strip():
        values["title"] = _clean_text(title, 300, "title")
    with hub.engine.begin() as conn:
        conn.execute(update(ct.submissions).where(ct.submissions.c.id == sid).values(**values))
        auth.audit(conn, principal.actor, "submission.submitted", f"submission:{sid}",
                   {"licence": licence, "embargo_until": str(embargo_until) if embargo_until else None})
    return _after_submit(hub, principal, sid)


def _after_submit(hub: Hub, principal: Principal, sid: str) -> Submission:
    if principal.trusted:
        return auto_approve(hub, sid)
    return load(hub, sid)


# --- citizen-science surveys ---------------------------------------------------------------------------------

@dataclass
class SurveyInput:
    """One beach survey or cleanup as typed on a phone."""

    site_name: str
    country: str
    lat: float
    lon: float
    survey_date: date
    length_m: float
    team_size: int
    counts: dict[str, int]
    licence: str = "CC-BY-4.0"
    sensitive_site: bool = False
    notes: str = ""
    event_type: str = "Cleanup"


def survey_items() -> list[tuple[str, list[tuple[str, str]]]]:
    """Master-list items with G-codes grouped by material, for the survey form's count list."""
    try:
        from litterhub.vocab.items import master_list

        groups: dict[str, list[tuple[str, str]]] = {}
        for item in master_list().items.values():
            if item.kind in ("item", "extension") and re.fullmatch(r"G\d+", item.code):
                groups.setdefault(item.material, []).append((item.code, item.name))
        for entries in groups.values():
            entries.sort(key=lambda e: int(e[0][1:]))
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    except (ImportError, OSError):  # pragma: no cover - the vocabulary ships with the package
        return [("plastic", [(f"G{i}", f"G{i}") for i in range(1, 125)])]


def item_names() -> dict[str, str]:
    return {code: name for _, items in survey_items() for code, name in items}


def known_item_codes() -> set[str]:
    return {code for _, items in survey_items() for code, _ in items}


def check_survey(survey: SurveyInput) -> SurveyInput:
    """Field checks a person understands; raises ContributionError on the first bad field."""
    from litterhub.ingest.countries import to_alpha3

    survey.site_name = _clean_text(survey.site_name, 200, "site_name", required=True)
    survey.notes = _clean_text(survey.notes, 2000, "notes")
    if not to_alpha3(survey.country.strip()):
        raise ContributionError("invalid", f"country {survey.country!r} is not an ISO 3166-1 code", "country",
                                "litter-unknown-country")
    survey.country = survey.country.strip().upper()
    if not (-90 <= survey.lat <= 90) or not (-180 <= survey.lon <= 180):
        raise ContributionError("invalid", "pick the place on the map: latitude or longitude out of range",
                                "lat", "litter-coordinates-out-of-range")
    if abs(survey.lat) < 0.01 and abs(survey.lon) < 0.01:
        raise ContributionError("invalid", "pick the place on the map (0, 0 is in the ocean)", "lat",
                                "litter-coordinates-suspect")
    if survey.survey_date > datetime.now(UTC).date():
        raise ContributionError("invalid", "the survey date lies in the future", "survey_date",
                                "litter-future-date")
    if not (1 <= survey.length_m <= 10_000):
        raise ContributionError("invalid", "length surveyed must be between 1 and 10 000 m", "length_m",
                                "constraint-error")
    if not (1 <= survey.team_size <= 1000):
        raise ContributionError("invalid", "team size must be between 1 and 1000 people", "team_size",
                                "constraint-error")
    known = known_item_codes()
    counts = {}
    for code, n in survey.counts.items():
        if code not in known:
            raise ContributionError("invalid", f"{code!r} is not an item of the master list", "counts",
                                    "constraint-error")
        if n < 0 or n > 1_000_000:
            raise ContributionError("invalid", f"count for {code} must be between 0 and 1 000 000", "counts",
                                    "litter-negative-count" if n < 0 else "constraint-error")
        counts[code] = int(n)  # 0 is data (looked for, none found); a blank is "not recorded"
    if not counts:
        raise ContributionError("invalid", "enter the count of at least one item (0 if you found none)", "counts",
                                "required-value")
    survey.counts = counts
    if survey.event_type not in ("Cleanup", "Monitoring"):
        survey.event_type = "Cleanup"
    _check_licence(survey.licence)
    return survey


def _survey_payload(survey: SurveyInput) -> tuple[dict[str, Any], dict[str, Any]]:
    payload = {"site_name": survey.site_name, "country": survey.country, "lat": survey.lat, "lon": survey.lon,
               "survey_date": survey.survey_date.isoformat(), "length_m": survey.length_m,
               "team_size": survey.team_size, "counts": survey.counts, "notes": survey.notes,
               "event_type": survey.event_type}
    total = sum(survey.counts.values())
    report = {"format": "survey", "format_reason": "citizen-science survey form", "rows_in": 1,
              "rows_accepted": 1, "rows_rejected": 0, "usable": True, "notes": [f"{total} items counted"],
              "counts": {}, "errors": [], "warnings": []}
    return payload, report


def survey_values(sub: Submission) -> dict[str, str]:
    """A survey submission as the survey form's field values (to correct it after 'changes requested')."""
    p = sub.payload or {}
    values = {k: str(p[k]) for k in ("site_name", "country", "lat", "lon", "survey_date", "length_m", "team_size",
                                     "notes") if p.get(k) is not None}
    values["licence"] = sub.licence
    if sub.sensitive_site:
        values["sensitive_site"] = "on"
    values.update({f"count_{code}": str(n) for code, n in (p.get("counts") or {}).items()})
    return values


def update_survey(hub: Hub, principal: Principal, sid: str, survey: SurveyInput) -> Submission:
    """The contributor's corrected survey after 'changes requested': it goes back to the queue (photos kept)."""
    sub = get_submission(hub, principal, sid)
    if sub.user_id != principal.id or sub.kind != "survey" or sub.status != "changes-requested":
        raise ContributionError("conflict", f"a {sub.status} submission cannot be edited")
    survey = check_survey(survey)
    payload, report = _survey_payload(survey)
    with hub.engine.begin() as conn:
        conn.execute(update(ct.submissions).where(ct.submissions.c.id == sid,
                                                  ct.submissions.c.status == "changes-requested").values(
            payload=payload, report=report, dataset_id=survey_dataset_id(survey), licence=survey.licence,
            title=f"{survey.site_name}, {survey.survey_date}", sensitive_site=survey.sensitive_site,
            status="submitted", reviewer_id=None, claimed_at=None, updated_at=datetime.now(UTC)))
        auth.audit(conn, principal.actor, "submission.resubmitted", f"submission:{sid}", None)
    return _after_submit(hub, principal, sid)


def survey_dataset_id(survey: SurveyInput) -> str:
    """One citizen-science dataset per site (and licence), so repeated surveys form a time series."""
    base = slugify(f"{CS_DATASET_PREFIX}{survey.country}-{survey.site_name}")[:80]
    return base if survey.licence == "CC-BY-4.0" else f"{base}-{slugify(survey.licence)}"


def create_survey(hub: Hub, principal: Principal, survey: SurveyInput,
                  photos: list[tuple[Path, str]] | None = None, limits: Limits | None = None) -> Submission:
    """Store a checked survey (and its photos) as a submission awaiting review."""
    limits = limits or Limits.from_settings(hub.settings)
    survey = check_survey(survey)
    photos = photos or []
    if len(photos) > limits.max_photos:
        raise ContributionError("invalid", f"at most {limits.max_photos} photos per survey", "photos")
    kinds = [check_photo(path, limits) for path, _ in photos]
    sid = str(uuid.uuid4())
    folder = submission_dir(hub, sid) / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    from litterhub.store.raw import sha256_of

    now = datetime.now(UTC)
    payload, report = _survey_payload(survey)
    total = sum(survey.counts.values())
    try:
        with hub.engine.begin() as conn:
            conn.execute(insert(ct.submissions).values(
                id=sid, kind="survey", user_id=principal.id, title=f"{survey.site_name}, {survey.survey_date}",
                dataset_id=survey_dataset_id(survey), format="survey", licence=survey.licence,
                quality_tier=CS_QUALITY_TIER, sensitive_site=survey.sensitive_site, payload=payload, report=report,
                status="submitted", created_at=now, updated_at=now))
            for (path, _name), media_type in zip(photos, kinds, strict=True):
                sha = sha256_of(path)
                shutil.copyfile(path, folder / f"{sha}{PHOTO_SUFFIX[media_type]}")
                conn.execute(insert(ct.submission_photos).values(
                    submission_id=sid, sha256=sha, media_type=media_type, size_bytes=path.stat().st_size))
            auth.audit(conn, principal.actor, "submission.submitted", f"submission:{sid}",
                       {"kind": "survey", "items": total, "photos": len(photos)})
    except BaseException:
        shutil.rmtree(submission_dir(hub, sid), ignore_errors=True)
        raise
    return _after_submit(hub, principal, sid)


# --- privacy in public listings and exports ------------------------------------------------------------------

csv_safe = safe_cell  # one implementation for every CSV the hub writes (model/csvsafe.py)


def public_contributions(hub: Hub, limit: int = 100) -> list[dict[str, Any]]:
    """Approved contributions for the public list: the contributor's name only when they opted in."""
    with hub.engine.connect() as conn:
        rows = conn.execute(
            select(ct.submissions.c.id, ct.submissions.c.kind, ct.submissions.c.title, ct.submissions.c.dataset_id,
                   ct.submissions.c.published_version, ct.submissions.c.licence, ct.submissions.c.quality_tier,
                   ct.submissions.c.decided_at, t.users.c.display_name, t.users.c.show_name)
            .join(t.users, t.users.c.id == ct.submissions.c.user_id)
            .where(ct.submissions.c.status == "approved", ct.submissions.c.published_version.is_not(None))
            .order_by(ct.submissions.c.decided_at.desc()).limit(limit)).all()
    return [{"id": r.id, "kind": r.kind, "title": r.title, "dataset_id": r.dataset_id,
             "version": r.published_version, "licence": r.licence, "quality_tier": r.quality_tier,
             "decided_at": r.decided_at,
             "contributor": (r.display_name if r.show_name and r.display_name else None)} for r in rows]
