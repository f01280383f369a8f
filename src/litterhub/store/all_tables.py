"""Imports every module that defines catalog tables, so `metadata` is complete for migrations and tests.

A capability that adds tables adds its module to `TABLE_MODULES`.
"""

from __future__ import annotations

import importlib

from litterhub.store.tables import metadata

TABLE_MODULES = [
    "litterhub.store.tables",
    "litterhub.store.registry_tables",
    "litterhub.store.contrib_tables",
    "litterhub.store.inventory_tables",
    "litterhub.store.job_tables",
    "litterhub.store.width_tables",
    "litterhub.store.session_tables",
    "litterhub.store.chemical_tables",
    "litterhub.store.figure_tables",
    "litterhub.store.plan_tables",
    "litterhub.store.summary_tables",
    "litterhub.store.evidence_tables",
    "litterhub.store.community_tables",
    "litterhub.store.forum_tables",
    "litterhub.store.people_tables",
    "litterhub.store.limit_tables",
]

for _name in TABLE_MODULES:  # every capability ships: a missing module is a bug, not an option
    importlib.import_module(_name)

__all__ = ["metadata"]
