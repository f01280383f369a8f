"""Web page /duplicates: candidate duplicate surveys across datasets with their evidence and confidence, and every
exact copy indicators leave out (with the copy counted instead). The same service as /api/v1/duplicates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from litterhub.http.deps import get_hub
from litterhub.services import duplicates as svc
from litterhub.services.hub import Hub
from litterhub.web.rendering import render

router = APIRouter(include_in_schema=False)
SHOWN = 200


@router.get("/duplicates", response_class=HTMLResponse)
def duplicates_page(request: Request, confidence: str | None = Query(None), hub: Hub = Depends(get_hub)
                    ) -> HTMLResponse:
    try:
        data = svc.listing(hub, confidence or None, SHOWN, 0)
    except svc.BadDuplicateQuery as exc:
        return render(request, "duplicates/index.html", status_code=400, data=None, error=str(exc),
                      confidences=svc.CONFIDENCES, confidence=confidence)
    return render(request, "duplicates/index.html", data=data, error=None, confidences=svc.CONFIDENCES,
                  confidence=confidence or "")
