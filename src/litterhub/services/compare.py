"""Programmes side by side: for two or more datasets, each comparability class of each dataset as its own column
(composition, yearly trend in items/100 m, how its source codes map to the master list), never pooled.

Contract: the columns come from the indicators of services/indicators.py run on ONE dataset at a time, so
no number here ever adds counts of two datasets or of two comparability classes (the classes are those of
analysis/comparability.py, the single place they are defined). Two columns that share a class are marked
`comparable` with each other; columns of different classes are shown side by side only to be read
side by side — the page and the API say so. Errors: fewer than two datasets → BadRequest
(`compare-needs-two`), an unknown dataset → NotFound, both before anything is computed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from litterhub.analysis.comparability import CLASS_COLUMN
from litterhub.services import indicators
from litterhub.services.datasets import BadRequest, get_dataset
from litterhub.services.hub import Hub

MAX_DATASETS = 6  # side by side on a wide screen; more columns are no longer readable
TOP_ITEMS = 10  # items listed per column (the composition's own top-N)


def _check(hub: Hub, datasets: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(d for d in datasets if d))
    if not 2 <= len(chosen) <= MAX_DATASETS:
        raise BadRequest(f"choose between 2 and {MAX_DATASETS} different datasets (got {len(chosen)})",
                         code="compare-needs-two", field="dataset")
    for dataset_id in chosen:
        get_dataset(hub, dataset_id)  # NotFound before any computation
    return chosen


def _trend(surveys: pd.DataFrame) -> list[dict[str, Any]]:
    """Per year: surveys and the median of survey totals in items/100 m (medians, as litteR reads beach counts)."""
    if surveys.empty:
        return []
    per_survey = surveys.groupby(["event_id"], as_index=False).agg(year=("event_date", "first"),
                                                                    total=("count", "sum"))
    per_survey["year"] = pd.to_datetime(per_survey["year"]).dt.year
    yearly = per_survey.groupby("year")["total"].agg(["count", "median"]).reset_index()
    return [{"year": int(r.year), "surveys": int(r["count"]), "median_per_100m": float(r["median"])}
            for _, r in yearly.iterrows()]


def _column(dataset: dict[str, Any], klass, composition, beach) -> dict[str, Any]:
    def of(table: str, frame_source) -> pd.DataFrame:
        frame = frame_source.tables.get(table, pd.DataFrame())
        return frame[frame[CLASS_COLUMN] == klass.label] if len(frame) else frame

    items = of("items", composition)
    totals = of("totals", composition)
    return {
        "dataset_id": dataset["id"], "dataset_title": dataset.get("title") or dataset["id"],
        "version": dataset.get("version"), "format": dataset.get("format"),
        "class": klass.as_dict(),
        "top_items": [{"item": r["item"], "name": r["name"], "total": float(r["total"]),
                       "pct_of_total": float(r["pct_of_total"])} for _, r in items.head(TOP_ITEMS).iterrows()],
        "mapping": {"total_count": float(totals["total_count"].sum()) if len(totals) else 0.0,
                    "unmapped_count": float(totals["unmapped_count"].sum()) if len(totals) else 0.0,
                    "unmapped_pct": float(totals["unmapped_pct"].iloc[0]) if len(totals) == 1 else None},
        "trend": _trend(of("surveys", beach)),
    }


def compare(hub: Hub, datasets: list[str]) -> dict[str, Any]:
    """The columns (one per dataset × comparability class) and which of them share a class."""
    columns = []
    for dataset_id in _check(hub, datasets):
        dataset = get_dataset(hub, dataset_id)
        composition = indicators.composition(hub, [dataset_id], top=TOP_ITEMS)
        beach = indicators.beach(hub, [dataset_id], per_100m=True)
        columns.extend(_column(dataset, c, composition, beach) for c in composition.classes)
    labels = [c["class"]["label"] for c in columns]
    for i, column in enumerate(columns):
        column["comparable_with"] = [j for j, label in enumerate(labels) if label == labels[i] and j != i]
    return {"datasets": list(dict.fromkeys(c["dataset_id"] for c in columns)), "columns": columns,
            "pooled": False,
            "note": "Each column is one dataset and one comparability class; numbers are never added across "
                    "columns. Columns of the same class can be compared directly, others only read side by side."}


FIRST_COMPARTMENT = "beach"  # the compartment most programmes survey: the likeliest pair to share a class


def suggested_pair(hub: Hub) -> list[str]:
    """Two datasets worth comparing first (the home page's "Compare programmes side by side"): of two different
    programmes that survey the same compartment, beaches first, the two with the most surveys; else the first two.
    Read from the per-version summaries, so the home page stays cheap."""
    from litterhub.services.datasets import list_datasets
    from litterhub.services.summaries import facets

    found = facets(hub)
    datasets = sorted(list_datasets(hub), key=lambda d: (-(d.get("n_events") or 0), d["id"]))
    compartments = sorted({c for f in found.values() for c in f.get("compartments", [])},
                          key=lambda c: (c != FIRST_COMPARTMENT, c))
    for compartment in compartments:
        pair: list[str] = []
        programmes: set[str] = set()
        for d in datasets:
            own = found.get(d["id"], {})
            if compartment in own.get("compartments", []) and not programmes & set(own.get("programmes", [])):
                pair.append(d["id"])
                programmes |= set(own.get("programmes", []))
            if len(pair) == 2:
                return pair
    return [d["id"] for d in sorted(datasets, key=lambda d: d["id"])[:2]]
