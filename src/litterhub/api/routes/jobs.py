"""/api/v1/jobs/{id}: the state of long work accepted with 202 (`Prefer: respond-async`).

The answer carries status (queued, running, done, failed), progress (0..1) with a message, and the result
(done) or the problem the synchronous request would have answered (failed). Jobs of a signed-in account
are visible only to that account; anonymous jobs to whoever holds their unguessable id.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from litterhub.http.compute import job_owner
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.services import jobs as svc
from litterhub.services.hub import Hub

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", responses={404: {"description": "no such job, expired, or not yours (problem+json)"}})
def job(job_id: str, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """A job's status, progress, and its result or error."""
    try:
        return svc.get(hub, job_id, job_owner(request))
    except svc.JobNotFound:
        raise Problem(404, f"no job {job_id!r} (jobs expire {int(svc.JOB_TTL.total_seconds() // 3600)} h after "
                      "they are created)") from None
