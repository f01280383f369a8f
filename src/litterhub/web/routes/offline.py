"""The phone survey's service worker, served from /contribute/ so that its scope covers the survey form
(static/js/survey_sw.js; the queue itself lives in static/js/survey_offline.js)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from litterhub.web.rendering import STATIC_DIR

router = APIRouter(include_in_schema=False)


@router.get("/contribute/sw.js")
def survey_service_worker() -> FileResponse:
    """Revalidated on every registration (no-cache), so a new version of the hub replaces the cached form."""
    return FileResponse(STATIC_DIR / "js" / "survey_sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/contribute/"})
