"""Where the lake and the raw archive keep their bytes: a local folder or an S3-compatible bucket, one interface.

`ObjectStore` is a thin layer over Apache Arrow's filesystems (`pyarrow.fs.LocalFileSystem`, `S3FileSystem`): keys
are `/`-separated paths under a base (`s3://bucket/prefix` or a folder), and every lake and raw-archive operation
that is not a local `rename`/`fsync` goes through it. No HTTP is written here: Arrow's S3 client (the AWS C++ SDK)
speaks the protocol, so any S3-compatible service works (AWS, MinIO, Ceph RGW, Garage, moto in the tests).

Endpoint, region and credentials come from the standard AWS variables (`settings.s3_environment`):
AWS_ENDPOINT_URL (`http://host:port` for a self-hosted service), AWS_REGION / AWS_DEFAULT_REGION, and
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; unset credentials fall back to the SDK's own chain.

What S3 offers and the lake relies on: a PUT (or a completed multipart upload) makes a whole object visible at once
or not at all, and reads after a completed write see it (S3 has been strongly consistent since 2020; so are MinIO and
moto). What S3 lacks, and the lake does without: rename (a version is *copied* from its staging prefix, then the
staging prefix is deleted) and locks (writers serialise on the catalog's dataset lock, store/locks.py).
"""

from __future__ import annotations

import posixpath
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow.fs as pafs

S3_SCHEME = "s3://"


def is_remote(location: str | Path) -> bool:
    return str(location).startswith(S3_SCHEME)


def s3_filesystem(environ: Mapping[str, str]) -> pafs.S3FileSystem:
    """Arrow's S3 client configured from the AWS_* variables (as given by settings.s3_environment)."""
    options: dict[str, object] = {}
    endpoint = environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint)
        options.update(endpoint_override=parts.netloc, scheme=parts.scheme)
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if region:
        options["region"] = region
    if environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
        options.update(access_key=environ["AWS_ACCESS_KEY_ID"], secret_key=environ["AWS_SECRET_ACCESS_KEY"],
                       session_token=environ.get("AWS_SESSION_TOKEN"))
    return pafs.S3FileSystem(**options)


@dataclass
class ObjectStore:
    """Objects by key under one base: `fs` is the Arrow filesystem, `base` the path of the key "" in it."""

    url: str
    fs: pafs.FileSystem
    base: str

    @classmethod
    def open(cls, location: str | Path, environ: Mapping[str, str] | None = None) -> ObjectStore:
        """`s3://bucket/prefix` (environ: the AWS_* variables) or a local folder (made if missing)."""
        text = str(location)
        if is_remote(text):
            base = text[len(S3_SCHEME):].strip("/")
            return cls(text.rstrip("/"), s3_filesystem(environ or {}), base)
        folder = Path(text).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        return cls(str(folder), pafs.LocalFileSystem(), str(folder))

    @property
    def remote(self) -> bool:
        return is_remote(self.url)

    def path(self, key: str) -> str:
        """The filesystem path of a key (what Arrow readers take with `filesystem=self.fs`)."""
        return posixpath.join(self.base, key) if key else self.base

    def uri(self, key: str) -> str:
        """The key as people and other tools name it: `s3://bucket/prefix/key` or an absolute local path."""
        return posixpath.join(self.url, key) if key else self.url

    # -- reading -------------------------------------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        return self.fs.get_file_info(self.path(key)).type == pafs.FileType.File

    def existing(self, keys: list[str]) -> list[str]:
        """The keys among `keys` that name an object, in order."""
        if not keys:
            return []
        infos = self.fs.get_file_info([self.path(k) for k in keys])
        return [k for k, info in zip(keys, infos, strict=True) if info.type == pafs.FileType.File]

    def read_bytes(self, key: str) -> bytes | None:
        """The whole object, or None when there is none."""
        try:
            with self.fs.open_input_stream(self.path(key)) as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    def download(self, key: str, target: Path) -> None:
        with self.fs.open_input_stream(self.path(key)) as src, target.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)

    def children(self, prefix: str) -> list[pafs.FileInfo]:
        """The objects and "folders" directly under `prefix` (empty when there is nothing)."""
        selector = pafs.FileSelector(self.path(prefix), allow_not_found=True, recursive=False)
        return self.fs.get_file_info(selector)

    def tree(self, prefix: str) -> list[pafs.FileInfo]:
        """Every object under `prefix`, recursively (the objects only, not the implied folders)."""
        selector = pafs.FileSelector(self.path(prefix), allow_not_found=True, recursive=True)
        return [i for i in self.fs.get_file_info(selector) if i.type == pafs.FileType.File]

    def key_of(self, info: pafs.FileInfo) -> str:
        return posixpath.relpath(info.path, self.base)

    # -- writing -------------------------------------------------------------------------------------------------

    def upload(self, source: Path, key: str) -> None:
        """Put one local file as an object (one PUT, or a multipart upload that becomes visible when complete)."""
        with source.open("rb") as src, self.fs.open_output_stream(self.path(key)) as out:
            shutil.copyfileobj(src, out, 1 << 20)

    def write_bytes(self, key: str, data: bytes) -> None:
        """Replace one object whole (readers see the old object or the new one; S3 PUTs are atomic)."""
        with self.fs.open_output_stream(self.path(key)) as out:
            out.write(data)

    def copy(self, source_key: str, target_key: str) -> None:
        """A server-side copy (CopyObject on S3: the bytes do not pass through this process)."""
        self.fs.copy_file(self.path(source_key), self.path(target_key))

    def delete(self, key: str) -> None:
        try:
            self.fs.delete_file(self.path(key))
        except FileNotFoundError:
            pass

    def delete_tree(self, prefix: str) -> None:
        """Delete every object under `prefix` and the prefix itself (Arrow's `delete_file` would leave an empty
        "folder" marker object behind on S3 to keep the parent in existence; `delete_dir` leaves nothing)."""
        try:
            self.fs.delete_dir(self.path(prefix.rstrip("/")))
        except FileNotFoundError:
            pass
