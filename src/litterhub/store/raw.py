"""Raw archive: every ingested file is kept byte for byte under `raw/<sha256>`."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class RawArchive:
    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def location(self) -> str:
        """Where the archive lives, as people name it (a folder or an s3:// URL: store/object_lake.py)."""
        return str(self.root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        """A local file holding the archived bytes while the caller reads them (here: the archive's own file)."""
        yield self.path(sha256)

    def store(self, source: Path, sha256: str) -> Path:
        """Copy `source` into the archive (atomic rename; a no-op when already archived)."""
        target = self.path(sha256)
        if target.exists():
            return target
        tmp = self.root / f".tmp-{sha256}"
        shutil.copyfile(source, tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return target
