"""/favicon.ico: browsers ask for it at the root whatever the page says, so it answers instead of a 404.

The pages themselves point to the SVG icon (static/img/favicon.svg); the ICO is the same drawing at 16 and 32 px
for browsers and bookmarks that want the old format. Cached for a day: it changes only with a release.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from litterhub.web.rendering import STATIC_DIR

router = APIRouter(include_in_schema=False)
FAVICON = STATIC_DIR / "img" / "favicon.ico"


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})
