"""Harmonise observation rows onto the master vocabulary through the crosswalks.

Kept as one entry point so that ingest and re-harmonisation of stored lake data use the same rules.
"""

from __future__ import annotations

import pyarrow as pa

from litterhub.harmonize.crosswalk import apply_crosswalk
from litterhub.vocab import VOCAB_VERSION


def vocabulary_version() -> str:
    """Version of the vocabulary used to harmonise (recorded with every harmonised version)."""
    return VOCAB_VERSION


def harmonize_observations(observations: pa.Table) -> pa.Table:
    """Fill master_code / relation / material from the crosswalks; source columns stay verbatim."""
    # joins cannot carry list columns: harmonise the scalar columns and put the lists back (row order kept)
    lists = [c for c in observations.column_names if pa.types.is_list(observations.schema.field(c).type)]
    harmonised = apply_crosswalk(observations.drop_columns(lists))
    for name in lists:
        harmonised = harmonised.append_column(observations.schema.field(name), observations.column(name))
    return harmonised
