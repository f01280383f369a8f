"""The chemical lens mapping: master item → its typical polymers, each with a certainty and its evidence.

Read from vocab/data/item_polymers.csv. Certainty is `typical` (the usual polymer), `possible` (also common) or
`uncertain` (one of several, or unverified); evidence names where the mapping comes from — the item definition
itself, a regulation text, or "[general literature, unverified]" where no citable source was at hand. The lens
also matches the polymer families the chemicals databases use (POLYMER_FAMILIES), so an item of PP also meets
substances the databases associate with "polyolefins".
"""

from __future__ import annotations

from functools import lru_cache

from litterhub.chemicals.vocabulary import POLYMERS
from litterhub.vocab.errors import VocabError
from litterhub.vocab.items import master_list
from litterhub.vocab.tables import data_path, read_rows

FILE = "item_polymers.csv"
CERTAINTIES = ("typical", "possible", "uncertain")
# Which database polymer codes count for an item polymer: the item's own code, its broader family and, for the
# generic PE, the two densities the databases split it into. Generic labels (FCM, PLASTICS, OTHER) never count:
# they would attach every packaging chemical to every item.
POLYMER_FAMILIES = {
    "PE": ["PE", "LDPE", "HDPE", "PO"], "LDPE": ["LDPE", "PE", "PO"], "HDPE": ["HDPE", "PE", "PO"],
    "PP": ["PP", "PO"], "EPS": ["EPS", "PS"],
}


@lru_cache(maxsize=1)
def _mapping() -> dict[str, list[dict[str, str]]]:
    path = data_path(FILE)
    items = master_list()
    out: dict[str, list[dict[str, str]]] = {}
    for line, row in read_rows(path, ["item_code", "polymer", "certainty", "evidence"]):
        if row["item_code"] not in items.items:
            raise VocabError("litter-vocab-unknown-code", FILE, line, "item_code", f"{row['item_code']} unknown")
        if row["polymer"] not in POLYMERS or row["certainty"] not in CERTAINTIES or not row["evidence"]:
            raise VocabError("litter-vocab-bad-value", FILE, line, "polymer",
                             f"polymer {row['polymer']!r} / certainty {row['certainty']!r} / evidence required")
        out.setdefault(row["item_code"], []).append({**row, "line": str(line)})
    return out


def polymers_of(item_code: str) -> list[dict[str, str]]:
    """The polymers recorded for an item ([] when none is recorded)."""
    return [dict(m) for m in _mapping().get(item_code, [])]


def expand(polymers: list[str]) -> list[str]:
    """The database polymer codes an item's polymers match (see POLYMER_FAMILIES)."""
    return sorted({code for p in polymers for code in POLYMER_FAMILIES.get(p, [p])})


def mapped_items() -> list[str]:
    return sorted(_mapping())
