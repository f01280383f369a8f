"""Setting a hub up: the data directory and catalog, and the bundled demo samples."""

from __future__ import annotations

from pathlib import Path

from litterhub.services.hub import Hub
from litterhub.services.ingest import IngestResult, ingest_file
from litterhub.services.publishing import repair_lake

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"

# (file, format, dataset id): one small real sample of every monitoring programme whose licence allows
# redistribution, shipped in the package; licence, citation and cut rule of each, and the programmes left out
# and why, are in demo/SOURCES.md
DEMO_FILES = [
    ("mlw-sample.csv", "mlw", "mlw-sample"),
    ("mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine"),
    ("ospar-nl-2012-2017.csv", "ospar", "ospar-nl-sample"),
    ("emodnet-beach-hr.xls", "emodnet", "emodnet-beach-hr"),
    ("emodnet-seafloor-it.csv", "emodnet", "emodnet-seafloor-it"),
    ("hammerdirt-leman/after_may_2021-lac-leman.csv", "hammerdirt", "hammerdirt-leman"),
    ("plastock-leman/macro-saison-1.csv", "plastock", "plastock-leman"),
    ("plastic-pirates-riverbank-de.csv", "plastic-pirates", "plastic-pirates-de"),
    ("olm-italy-bologna.csv", "olm", "olm-bologna"),
    ("ncei-npsg-west.csv", "ncei", "ncei-npsg-west"),
]


def initialise(hub: Hub) -> list[str]:
    """Repair what a crash left (abandoned staging folders, unregistered lake versions, submissions stuck in
    "publishing": never anything a live process owns) and load the registry's seed content (idempotent);
    migrations already ran when the hub was opened."""
    from litterhub.services.registry import load_seed
    from litterhub.services.review import recover_publishing

    repaired = repair_lake(hub)
    recovered = recover_publishing(hub)
    seeded = load_seed(hub)
    lines = [f"catalog: {hub.settings.database_url.split('@')[-1]}", f"lake: {hub.lake.location}",
             f"registry seed: {_describe(seeded)}", *_knowledge_upkeep(hub)]
    if repaired["swept"]:
        lines.append(f"removed {repaired['swept']} interrupted write(s)")
    if repaired["set_aside"]:
        lines.append(f"set aside {repaired['set_aside']} unregistered lake version(s) in lake/.orphaned/")
    if repaired["busy"]:
        lines.append(f"left {repaired['busy']} dataset(s) being written by another process to their writer")
    if recovered:
        lines.append(f"finished or rolled back {len(recovered)} interrupted approval(s): {', '.join(recovered)}")
    from litterhub.services.summaries import backfill

    summarised = backfill(hub)  # versions published before summaries existed (none afterwards: a no-op)
    if summarised:
        lines.append(f"summarised {len(summarised)} dataset version(s) published before summaries existed")
    return lines


def _knowledge_upkeep(hub: Hub) -> list[str]:
    """Seeded records brought up to their seed files, country-group records to the GPML lists when present
    (services/knowledge.py), the evidence records and treaty party statuses of their seeds (all idempotent)."""
    from litterhub.services import evidence, knowledge, regional_groups, treaty

    out = []
    refreshed = knowledge.refresh_seed(hub)
    if refreshed["updated"]:
        out.append(f"registry seed: updated {len(refreshed['updated'])} record(s)")
    if any(g.source == regional_groups.SOURCE for g in regional_groups.groups(hub)):  # the GPML lists are there
        groups = knowledge.import_groups(hub)
        if groups["created"] or groups["updated"]:
            out.append(f"country groups: created {len(groups['created'])}, updated {len(groups['updated'])}")
    evidence_seed, party_seed = evidence.load_seed(hub), treaty.load_seed(hub)  # after the registry seed
    if evidence_seed["created"]:
        out.append(f"evidence seed: {evidence_seed['created']} evidence record(s)")
    if party_seed["created"]:
        out.append(f"treaty seed: {party_seed['created']} party status(es)")
    return out


def _describe(summary: dict) -> str:
    """`created 172, skipped 0, links 132` from the loader's summary (lists are counted)."""
    parts = [f"{k} {len(v) if isinstance(v, list | tuple | set | dict) else v}" for k, v in summary.items()]
    return ", ".join(parts) or "up to date"


def load_demo(hub: Hub) -> list[IngestResult]:
    """Ingest the bundled samples (a no-op when they are already in)."""
    results = [ingest_file(hub, DEMO_DIR / name, fmt, dataset_id, actor="demo") for name, fmt, dataset_id in DEMO_FILES]
    from litterhub.services.chemicals import load_demo_chemicals

    load_demo_chemicals(hub)  # only the redistributable Stockholm POPs listing (demo/chemicals/SOURCE.md)
    return results
