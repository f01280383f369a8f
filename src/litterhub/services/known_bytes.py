"""Known bytes under a new id: the same raw file (SHA-256) already published as another dataset.

Ingesting identical bytes under a second dataset id would make the hub count every survey in them twice, so
ingest (CLI, API re-submission) and contributed uploads refuse it with the stable code `known-file-other-dataset`
naming the dataset that holds the bytes, unless the caller explicitly allows a copy (`--allow-copy`,
`allow_copy=true`, the wizard's checkbox); an allowed copy is ingested with the warning
`known-file-other-dataset-allowed`. The same bytes under the *same* dataset id stay the no-op they always were.
"""

from __future__ import annotations

from sqlalchemy import select

from litterhub.services.hub import Hub
from litterhub.store import tables as t

CODE = "known-file-other-dataset"
ALLOWED_CODE = "known-file-other-dataset-allowed"


def known_elsewhere(hub: Hub, sha256: str, dataset_id: str | None) -> list[tuple[str, int]]:
    """(dataset id, version) of every stored version holding these bytes under a dataset id other than the given.

    Empty when the given dataset already holds them: that is the "unchanged" no-op of a repeated ingest.
    """
    v = t.dataset_versions
    query = select(v.c.dataset_id, v.c.version).where(v.c.sha256 == sha256)
    with hub.engine.connect() as conn:
        rows = [(d, int(n)) for d, n in conn.execute(query.order_by(v.c.dataset_id, v.c.version)).all()]
    if dataset_id and any(d == dataset_id for d, _ in rows):
        return []
    return [(d, n) for d, n in rows if d != dataset_id]


def message(copies: list[tuple[str, int]], allowed: bool, how: str = "--allow-copy") -> str:
    """Why the file is refused (or ingested anyway), naming the datasets that already hold its bytes."""
    where = ", ".join(f"{d} version {n}" for d, n in copies)
    if allowed:
        return (f"identical bytes are already in the hub as {where}: ingested as a copy because it was asked for; "
                "run `litterhub duplicates` so that indicators count its surveys once")
    return (f"identical bytes are already in the hub as {where}: ingesting them under another dataset id would "
            f"count the same surveys twice. Add a new version to that dataset instead, or ask for a copy ({how})")
