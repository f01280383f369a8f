"""How much of a dataset the vocabulary understands: shares of item counts by mapping relation.

`mapped_exact_share` counts exactMatch + narrowMatch (credited to a master item or class as such);
`mapped_any_share` adds broadMatch + relatedMatch (credited only to a parent class). Shares are fractions
of the summed item counts; records are item rows. Unmapped codes are listed with their counts, never dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from litterhub.harmonize.crosswalk import ALL_RELATIONS, ITEM_RELATIONS, UNMAPPED, vocab_version_of


@dataclass
class Coverage:
    format: str
    records: int
    count_total: float
    mapped_exact_share: float
    mapped_any_share: float
    unmapped: list[dict[str, object]]
    by_relation: dict[str, dict[str, float]] = field(default_factory=dict)
    vocab_version: str | None = None

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape of `litterhub vocab coverage --json`."""
        data = asdict(self)
        return {k: data[k] for k in ("format", "records", "count_total", "mapped_exact_share",
                                     "mapped_any_share", "unmapped")}


def coverage(harmonised: pa.Table, fmt: str) -> Coverage:
    """Coverage of a table produced by `apply_crosswalk`."""
    counts = pc.fill_null(harmonised["count"], 0.0)
    total = float(pc.sum(counts).as_py() or 0.0)
    grouped = pa.table({"relation": harmonised["relation"], "count": counts}).group_by("relation").aggregate(
        [("count", "sum"), ("count", "count")])
    by: dict[str, dict[str, float]] = {r: {"count": 0.0, "records": 0, "share": 0.0} for r in ALL_RELATIONS}
    for rel, s, n in zip(grouped["relation"].to_pylist(), grouped["count_sum"].to_pylist(),
                         grouped["count_count"].to_pylist(), strict=True):
        by[rel] = {"count": float(s), "records": int(n), "share": float(s) / total if total else 0.0}
    exact = sum(by[r]["count"] for r in ITEM_RELATIONS)
    unmapped_count = by[UNMAPPED]["count"]
    mask = pc.equal(harmonised["relation"], UNMAPPED)
    rows = pa.table({"code": harmonised["source_code"], "name": harmonised["source_name"],
                     "count": counts}).filter(mask)
    listing = rows.group_by(["code", "name"]).aggregate([("count", "sum")]).sort_by(
        [("count_sum", "descending"), ("code", "ascending")])
    unmapped = [{"code": c, "name": n, "count": float(v)} for c, n, v in
                zip(listing["code"].to_pylist(), listing["name"].to_pylist(), listing["count_sum"].to_pylist(),
                    strict=True)]
    return Coverage(
        format=fmt,
        records=harmonised.num_rows,
        count_total=total,
        mapped_exact_share=exact / total if total else 0.0,
        mapped_any_share=(total - unmapped_count) / total if total else 0.0,
        unmapped=unmapped,
        by_relation=by,
        vocab_version=vocab_version_of(harmonised),
    )
