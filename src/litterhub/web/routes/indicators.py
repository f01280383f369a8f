"""Indicator pages: one section per comparability class (largest first) with its composition and EU threshold-value
rows; time series with Theil–Sen lines, a map coloured by the indicator and composition bars for one chosen class;
CSV downloads everywhere (charts export PNG/SVG through vega-embed). `pool=1` over several classes is refused with
an explanation (HTTP 409), never answered with a number."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from litterhub.analysis.comparability import IncomparableClasses
from litterhub.http.compute import job_owner
from litterhub.http.deps import get_hub
from litterhub.services import indicator_store, jobs, knowledge
from litterhub.services import indicators as svc
from litterhub.services.datasets import BadRequest, NotFound, list_datasets
from litterhub.services.hub import Hub
from litterhub.services.result_cache import cached
from litterhub.web.rendering import render, request_language

router = APIRouter(include_in_schema=False)


def _start(request: Request, hub: Hub, params, compute, recipe: indicator_store.Recipe) -> str | None:
    """A job for a heavy first computation, in a child process (None when the caller's job quota is full: then
    the page waits)."""
    try:
        return indicator_store.start_job(hub, "dashboard", params, compute, job_owner(request),
                                         hub.settings.compute_per_caller, recipe)
    except jobs.JobQuota:
        return None


@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(request: Request, dataset: list[str] | None = Query(None), group: str = Query("TC"),
                    date_from: str | None = Query(None, alias="from"), date_to: str | None = Query(None, alias="to"),
                    klass: str | None = Query(None, alias="class"), pool: bool = Query(False),
                    hub: Hub = Depends(get_hub)) -> Response:
    datasets = list_datasets(hub)
    chosen = [d for d in (dataset or []) if d]
    query = urlencode([("dataset", d) for d in chosen] + [(k, v) for k, v in (("from", date_from),
                                                                            ("to", date_to)) if v])
    context = {"datasets": datasets, "chosen": chosen, "group": group.upper(), "date_from": date_from or "",
               "date_to": date_to or "", "query": query, "refused": None,
               "class_query": lambda label: urlencode([("class", label)])}
    if not datasets:
        return render(request, "indicators/index.html", data=None, error=None, **context)
    params = (tuple(chosen), group.upper(), date_from, date_to, klass or None, pool)

    def compute():
        return svc.dashboard(hub, chosen or None, group, date_from, date_to, klass=klass or None, pool=pool)

    try:
        if indicator_store.lookup(hub, "dashboard", params) is None and indicator_store.is_heavy(hub, chosen):
            recipe = indicator_store.Recipe("litterhub.services.indicators:dashboard",
                                            (chosen or None, group, date_from, date_to),
                                            (("klass", klass or None), ("pool", pool)))
            job = _start(request, hub, params, compute, recipe)
            if job:
                # 202: accepted, not done (and never kept by the read cache, which keeps only 200 answers)
                return render(request, "indicators/index.html", status_code=202, data=None, error=None, job=job,
                              **context)
        data = indicator_store.get_or_compute(hub, "dashboard", params, compute)
    except IncomparableClasses as exc:
        return render(request, "indicators/index.html", status_code=exc.status, data=None, error=str(exc),
                      **{**context, "refused": exc.classes})
    except NotFound as exc:
        return render(request, "indicators/index.html", status_code=404, data=None, error=str(exc), **context)
    except BadRequest as exc:
        return render(request, "indicators/index.html", status_code=400, data=None, error=str(exc), **context)
    shown = [c for c in data["classes"] if c["chart"]] or data["classes"][:1]
    items, language = tuple(r["item"] for r in shown[0]["items"]) if shown else (), request_language(request)
    # the chemical lens of the top items (services/knowledge.py): registry content, so kept while the catalog
    # is unchanged (services/result_cache.py follows every audited write, registry edits included)
    lens = cached(hub, "indicators.lens", (items, language),
                  lambda: knowledge.lens_for_items(hub, list(items), language)) if items else []
    return render(request, "indicators/index.html", data=data, error=None, lens=lens, **context)
