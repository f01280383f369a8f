"""Controlled vocabularies of litterhub: the master item list, programme crosswalks and reference tables.

Everything here is data shipped in `vocab/data/` plus loaders; this package imports nothing else of ours.
`VOCAB_VERSION` is recorded with every harmonised table so results can be traced to the lists used.
"""

from __future__ import annotations

from pathlib import Path

VOCAB_VERSION = (Path(__file__).resolve().parent / "data" / "VERSION").read_text().strip()

__all__ = ["VOCAB_VERSION"]
