"""Web page for microplastic size alignment: one correction factor, or a whole dataset aligned."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from litterhub.analysis.microplastics.alignment import AlignmentError
from litterhub.http.deps import get_hub
from litterhub.services import microplastics as svc
from litterhub.services.datasets import list_datasets
from litterhub.services.hub import Hub
from litterhub.web.rendering import render

router = APIRouter(include_in_schema=False)


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text not in (None, "") else default
    except ValueError:
        raise AlignmentError(f"{text!r} is not a number") from None


@router.get("/microplastics", response_class=HTMLResponse)
def microplastics(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    q = request.query_params
    error = factor = aligned = None
    form = {"alpha": q.get("alpha", "2.07"), "measured_low": q.get("measured_low", "333"),
            "measured_high": q.get("measured_high", "5000"), "target_low": q.get("target_low", "1"),
            "target_high": q.get("target_high", "5000"), "dataset": q.get("dataset", "")}
    try:
        alpha = _float(form["alpha"], 2.07)
        target = (_float(form["target_low"], 1.0), _float(form["target_high"], 5000.0))
        factor = svc.alignment_factor(alpha, (_float(form["measured_low"], 333.0),
                                              _float(form["measured_high"], 5000.0)), target)
        datasets = {d["id"]: d["version"] for d in list_datasets(hub)}
        if form["dataset"] in datasets:
            aligned = svc.align_dataset(hub, form["dataset"], datasets[form["dataset"]], alpha, target)
    except AlignmentError as exc:
        error = str(exc)
    return render(request, "microplastics/index.html", form=form, factor=factor, aligned=aligned, error=error,
                  alphas=svc.alphas(), datasets=list_datasets(hub))
