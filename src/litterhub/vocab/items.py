"""The master item list: MSFD TSG-ML G-codes, their material classes, hub groups and national extensions.

Parents form a tree (item -> group -> material class). Loading checks the tree, because a broken parent
would silently misplace counts when broad mappings roll up to the parent class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from litterhub.vocab.errors import VocabError
from litterhub.vocab.tables import data_path, read_rows, unique_by

KINDS = ("class", "group", "item", "extension")
COLUMNS = ["code", "name", "kind", "material", "parent_code", "origin", "note"]


@dataclass(frozen=True)
class MasterItem:
    code: str
    name: str
    kind: str
    material: str
    parent_code: str | None
    origin: str
    note: str


class MasterList:
    """The items by code, with tree navigation and text search."""

    def __init__(self, items: dict[str, MasterItem]) -> None:
        self.items = items
        self._children: dict[str, list[str]] = {}
        for item in items.values():
            if item.parent_code:
                self._children.setdefault(item.parent_code, []).append(item.code)

    def __contains__(self, code: str) -> bool:
        return code in self.items

    def __len__(self) -> int:
        return len(self.items)

    def get(self, code: str) -> MasterItem | None:
        return self.items.get(code) or self.items.get(code.strip().upper()) or _case_insensitive(self, code)

    def children(self, code: str) -> list[MasterItem]:
        return [self.items[c] for c in self._children.get(code, [])]

    def ancestors(self, code: str) -> list[MasterItem]:
        """Parent, grandparent, ... up to the material class."""
        out, cur = [], self.items[code].parent_code
        while cur:
            out.append(self.items[cur])
            cur = self.items[cur].parent_code
        return out

    def material_class(self, code: str) -> MasterItem:
        chain = [self.items[code], *self.ancestors(code)]
        return chain[-1]

    def search(self, text: str, limit: int = 50) -> list[MasterItem]:
        """Items whose code or name contains every word of `text` (case-insensitive)."""
        words = [w for w in re.split(r"\s+", text.lower().strip()) if w]
        hits = [i for i in self.items.values()
                if all(w in f"{i.code} {i.name} {i.material}".lower() for w in words)]
        return hits[:limit]


def _case_insensitive(master: MasterList, code: str) -> MasterItem | None:
    lowered = code.strip().lower()
    return next((i for c, i in master.items.items() if c.lower() == lowered), None)


def load_master(path: Path | None = None) -> MasterList:
    """Read and check master_items.csv: unique codes, known kinds, parents that exist, no cycles."""
    p = path or data_path("master_items.csv")
    rows = read_rows(p, COLUMNS)
    unique_by(p, rows, "code")
    lines = {row["code"]: line for line, row in rows}
    items: dict[str, MasterItem] = {}
    for line, row in rows:
        if row["kind"] not in KINDS:
            raise VocabError("litter-vocab-bad-kind", p.name, line, "kind",
                             f"kind {row['kind']!r} of {row['code']} is not one of {KINDS}")
        items[row["code"]] = MasterItem(row["code"], row["name"], row["kind"], row["material"],
                                        row["parent_code"] or None, row["origin"], row["note"])
    for code, item in items.items():
        if item.parent_code and item.parent_code not in items:
            raise VocabError("litter-vocab-missing-parent", p.name, lines[code], "parent_code",
                             f"{code} has parent {item.parent_code!r}, which is not in the master list")
    _check_cycles(items, lines, p.name)
    return MasterList(items)


def _check_cycles(items: dict[str, MasterItem], lines: dict[str, int], file: str) -> None:
    done: set[str] = set()
    for start in items:
        path: list[str] = []
        cur: str | None = start
        while cur and cur not in done:
            if cur in path:
                cycle = path[path.index(cur):] + [cur]
                raise VocabError("litter-vocab-parent-cycle", file, lines[cur], "parent_code",
                                 f"cycle in parents: {' -> '.join(cycle)}")
            path.append(cur)
            cur = items[cur].parent_code
        done.update(path)


@lru_cache(maxsize=1)
def master_list() -> MasterList:
    """The packaged master list (cached: it is immutable for a given VOCAB_VERSION)."""
    return load_master()
