"""Setting a hub up: the data directory and catalog, and the bundled demo samples."""

from __future__ import annotations

from pathlib import Path

from litterhub.services.hub import Hub
from litterhub.services.ingest import IngestResult, ingest_file

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"

# (file, format, dataset id): small real samples shipped in the package with their licence (demo/SOURCES.md)
DEMO_FILES = [
    ("mlw-sample.csv", "mlw", "mlw-sample"),
    ("mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine"),
]


def initialise(hub: Hub) -> list[str]:
    """Sweep interrupted lake writes; migrations already ran when the hub was opened."""
    swept = hub.lake.sweep_temporary()
    return [f"catalog: {hub.settings.database_url.split('@')[-1]}", f"lake: {hub.settings.lake_dir}"] + (
        [f"removed {swept} interrupted write(s)"] if swept else [])


def load_demo(hub: Hub) -> list[IngestResult]:
    """Ingest the bundled samples (a no-op when they are already in)."""
    return [ingest_file(hub, DEMO_DIR / name, fmt, dataset_id, actor="demo") for name, fmt, dataset_id in DEMO_FILES]
