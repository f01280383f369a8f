"""Whole-hub bulk snapshot: every current dataset version as Data Package, GeoParquet and DataCite, plus
the DCAT-AP catalogue and a checksummed manifest.

Written into a temporary folder and renamed into place when complete, so a snapshot directory is either
whole or absent; each file is streamed to disk, never built in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from litterhub.services import doi
from litterhub.services import downloads as dl
from litterhub.services.hub import Hub
from litterhub.services.metadata import catalog_meta
from litterhub.services.serialise import datacite, dcat

DEFAULT_BASE_URL = "http://localhost:8000"


@dataclass
class ExportResult:
    path: Path
    datasets: int
    files: dict[str, dict[str, object]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "datasets": self.datasets, "files": self.files}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_hub(hub: Hub, out_dir: Path | None = None, base_url: str = DEFAULT_BASE_URL,
               progress: Callable[[str], None] | None = None) -> ExportResult:
    """Write a snapshot folder `litterhub-snapshot-<UTC time>` under `out_dir` (default: the exports dir)."""
    out_dir = Path(out_dir or hub.settings.exports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    final = out_dir / f"litterhub-snapshot-{stamp}"
    tmp = out_dir / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        cat = catalog_meta(hub, base_url)
        graph = dcat.catalog_graph(cat)
        (tmp / "catalog.jsonld").write_text(dcat.to_jsonld(graph), encoding="utf-8")
        (tmp / "catalog.ttl").write_text(dcat.to_turtle(graph), encoding="utf-8")
        for ds in cat.datasets:
            if progress:
                progress(ds.id)
            folder = tmp / "datasets" / ds.id / f"v{ds.version}"
            folder.mkdir(parents=True)
            with (folder / f"{ds.id}-v{ds.version}.zip").open("wb") as fh:
                dl.write_datapackage(hub, ds, fh)
            parquet = folder / f"{ds.id}-v{ds.version}.parquet"
            dl.write_geoparquet(dl.version_source(hub, ds.id, ds.version), str(parquet))
            draft = not doi.is_registered(hub, ds.id, ds.version)
            (folder / "datacite.json").write_text(json.dumps(datacite.to_json(ds, draft=draft), indent=1,
                                                             ensure_ascii=False), encoding="utf-8")
            (folder / "datacite.xml").write_text(datacite.to_xml(ds, draft=draft), encoding="utf-8")
            (folder / "CITATION.txt").write_text(datacite.citation(ds) + "\n", encoding="utf-8")
        files = {str(p.relative_to(tmp)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
                 for p in sorted(tmp.rglob("*")) if p.is_file()}
        manifest = {"created": stamp, "base_url": base_url, "datasets": [d.id for d in cat.datasets], "files": files}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        for p in tmp.rglob("*"):
            if p.is_file():
                with p.open("rb") as fh:
                    os.fsync(fh.fileno())
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportResult(final, len(cat.datasets), files)
