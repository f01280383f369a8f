"""Crosswalks: how each programme's own codes relate to the master list, one SKOS relation per row.

Reading convention (also in docs/vocabulary.md): a row says `master_code <relation> source_code` in SKOS
terms, i.e. narrowMatch means the source concept is narrower than the master concept (its counts can be
added into the master item), broadMatch means the source is broader (its counts only fit the master item's
parent class).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from litterhub.vocab.errors import VocabError
from litterhub.vocab.items import MasterList, master_list
from litterhub.vocab.tables import data_path, load_table, read_rows, unique_by

RELATIONS = ("exactMatch", "narrowMatch", "broadMatch", "relatedMatch")
COLUMNS = ["source_scheme", "source_code", "source_name", "relation", "master_code", "evidence"]
# Codes are matched after this normalisation, so that 'Plastic / Polystyrene: Caps' (MCS 2022) and
# 'Plastic/Polystyrene: Caps' (other years) meet. harmonize/ applies the same rule with Arrow compute.
CODE_SPACES = r"\s*([/:])\s*|\s+"


def normalise_code(code: str) -> str:
    """Lower-case, trimmed, single spaces, no spaces around '/' and ':'."""
    return re.sub(CODE_SPACES, lambda m: m.group(1) or " ", code.strip().lower())


@dataclass(frozen=True)
class Mapping:
    source_scheme: str
    source_code: str
    source_name: str
    relation: str
    master_code: str
    evidence: str


def crosswalk_dir() -> Path:
    return data_path("crosswalks")


def load_crosswalk(path: Path, master: MasterList | None = None) -> list[Mapping]:
    """Read one crosswalk file and check it: known relation, existing target, no duplicate source code
    (after normalisation), evidence present, and one scheme per file."""
    master = master or master_list()
    rows = read_rows(path, COLUMNS)
    unique_by(path, rows, "source_scheme", "source_code")
    seen: dict[str, int] = {}
    out = []
    for line, row in rows:
        key = normalise_code(row["source_code"])
        if key in seen:
            raise VocabError("litter-vocab-duplicate-id", path.name, line, "source_code",
                             f"source code {row['source_code']!r} repeats line {seen[key]} after normalisation")
        seen[key] = line
        if row["relation"] not in RELATIONS:
            raise VocabError("litter-vocab-bad-relation", path.name, line, "relation",
                             f"relation {row['relation']!r} is not one of {RELATIONS}")
        if row["master_code"] not in master:
            raise VocabError("litter-vocab-missing-target", path.name, line, "master_code",
                             f"{row['source_scheme']} {row['source_code']!r} maps to {row['master_code']!r}, "
                             "which is not in the master list")
        if not row["evidence"]:
            raise VocabError("litter-vocab-no-evidence", path.name, line, "evidence",
                             f"mapping of {row['source_code']!r} gives no evidence")
        if row["source_scheme"] != path.stem:
            raise VocabError("litter-vocab-wrong-scheme", path.name, line, "source_scheme",
                             f"scheme {row['source_scheme']!r} in file for {path.stem!r}")
        out.append(Mapping(**{c: row[c] for c in COLUMNS}))
    return out


def scheme_table() -> dict[str, dict[str, str]]:
    """Known schemes with name, publisher and code form (schemes.csv)."""
    return load_table("schemes.csv", "scheme", ["name", "publisher", "code_form", "source"])


@lru_cache(maxsize=1)
def all_crosswalks() -> dict[str, tuple[Mapping, ...]]:
    """Every packaged crosswalk by scheme id; each scheme in schemes.csv must have a file and vice versa."""
    schemes = scheme_table()
    files = {p.stem: p for p in sorted(crosswalk_dir().glob("*.csv"))}
    for stem in files:
        if stem not in schemes:
            raise VocabError("litter-vocab-unknown-scheme", f"crosswalks/{stem}.csv", None, None,
                             f"scheme {stem!r} is not listed in schemes.csv")
    for scheme in schemes:
        if scheme not in files:
            raise VocabError("litter-vocab-missing-crosswalk", "schemes.csv", None, "scheme",
                             f"no crosswalks/{scheme}.csv for scheme {scheme!r}")
    return {stem: tuple(load_crosswalk(path)) for stem, path in files.items()}


def crosswalk(scheme: str) -> tuple[Mapping, ...]:
    table = all_crosswalks()
    if scheme not in table:
        raise KeyError(scheme)
    return table[scheme]


def mappings_to(master_code: str) -> list[Mapping]:
    """What every programme calls a master item: all rows pointing at it."""
    return [m for rows in all_crosswalks().values() for m in rows if m.master_code == master_code]
