"""Harmonise observation rows onto the master vocabulary (when the vocabulary package provides crosswalks).

Kept as one entry point so that ingest and re-harmonisation of stored lake data use the same rules.
"""

from __future__ import annotations

import pyarrow as pa


def vocabulary_version() -> str:
    """Version of the vocabulary used to harmonise; 'none' when no crosswalks are installed."""
    try:
        from litterhub.vocab import VOCAB_VERSION  # type: ignore[attr-defined]
    except ImportError:
        return "none"
    return str(VOCAB_VERSION)


def harmonize_observations(observations: pa.Table) -> pa.Table:
    """Fill master_code / relation / material from the crosswalks; source columns stay verbatim."""
    try:
        from litterhub.harmonize.crosswalk import apply_crosswalk  # type: ignore[attr-defined]
    except ImportError:
        return observations
    # joins cannot carry list columns: harmonise the scalar columns and put the lists back (row order kept)
    lists = [c for c in observations.column_names if pa.types.is_list(observations.schema.field(c).type)]
    harmonised = apply_crosswalk(observations.drop_columns(lists))
    for name in lists:
        harmonised = harmonised.append_column(observations.schema.field(name), observations.column(name))
    return harmonised
