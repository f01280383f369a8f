"""Receiving an uploaded file, for both faces (POST /api/v1/uploads and the web's upload form).

The multipart body is parsed here rather than by FastAPI so that the size limit (Content-Length) is checked
before a single byte of the file is read; the file is streamed to a temporary folder under the hub's data
directory and refused as soon as it passes its limit. Guards (http/guards.py) already cap the whole body
(http/limits.py `body_rules`, the one place body limits are declared); this is the file's own limit.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from litterhub.http.deps import hub_of
from litterhub.http.guards import check_fields
from litterhub.http.limits import FORM_OVERHEAD
from litterhub.http.problems import Problem
from litterhub.services import contributions as svc


def _too_large(limits: svc.Limits, field: str) -> Problem:
    return Problem(413, f"the upload is larger than the {limits.max_upload_bytes // 1024**2} MiB limit",
                   errors=[{"code": "litter-too-large", "field": field, "message": "file too large"}])


def tmp_dir(request: Request) -> Path:
    """The hub's folder for uploads in flight (under the data directory, so on the lake's file system)."""
    path = hub_of(request).settings.data_dir / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


async def save_upload(request: Request, limits: svc.Limits, field: str = "file") -> tuple[Any, Path, str]:
    """Parse the multipart form into a temporary file, refusing oversize bodies before reading them and control
    characters in its text fields. Returns (form, path of the saved file, the file's own name)."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limits.max_upload_bytes + FORM_OVERHEAD:
        raise _too_large(limits, field)
    if "multipart/form-data" not in (request.headers.get("content-type") or ""):
        raise Problem(415, "send the file as multipart/form-data")
    form = await request.form(max_files=1, max_fields=20)
    check_fields(form)
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        raise Problem(400, f"the form has no {field!r} file", errors=[{"code": "required-value", "field": field,
                                                                      "message": "file missing"}])
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=tmp_dir(request)))
    target = folder / "body"
    written = 0
    with target.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            written += len(chunk)
            if written > limits.max_upload_bytes:
                shutil.rmtree(folder, ignore_errors=True)
                raise _too_large(limits, field)
            out.write(chunk)
    return form, target, Path(upload.filename or "upload.csv").name
