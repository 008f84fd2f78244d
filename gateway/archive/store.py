"""Write-once, content-addressed storage of the bytes partners send and we send back.

An object's key is ``sha256/<hex>`` of its bytes: storing the same bytes twice
stores them once, and nothing stored is ever changed. :class:`LocalArchive`
keeps objects in a folder (the default), :class:`S3Archive` in a bucket of any
S3-compatible store (several gateway nodes sharing one archive). A ``put``
returns only once the bytes are durable (fsync, or the store's answer), so a
row that names a key can be committed after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from gateway.errors import ConfigurationError, GatewayError

PREFIX = "sha256/"


class ArchiveError(GatewayError):
    """The archive cannot store or give back an object."""


def key_of(data: bytes) -> str:
    return PREFIX + hashlib.sha256(data).hexdigest()


class Archive(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data`` durably; its key."""

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; :class:`ArchiveError` when there are none."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove an object (retention only; nothing else deletes)."""

    def describe(self) -> str: ...


def _digest(key: str) -> str:
    if not key.startswith(PREFIX) or len(key) != len(PREFIX) + 64:
        raise ArchiveError(f"not an archive key: {key!r}")
    return key[len(PREFIX):]


class LocalArchive:
    """Objects as files ``<root>/ab/cd/<sha256>``: written to a temporary file, synced,
    then linked into place (never over an existing object)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        digest = _digest(key)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes) -> str:
        key = key_of(data)
        path = self._path(key)
        if path.exists() and path.stat().st_size == len(data):
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            # The same bytes may have been stored meanwhile by another process.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            Path(temporary).unlink()
        _sync_folder(path.parent)
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as err:
            raise ArchiveError(f"{key} is not in the archive at {self.root}") from err

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class S3Archive:
    """Objects in an S3-compatible bucket, ``<prefix>sha256/<hex>``. Needs boto3 (the
    ``s3`` extra). An object already there with the same size is not written again."""

    def __init__(self, bucket: str, prefix: str = "", **client: Any) -> None:
        try:
            import boto3  # type: ignore[import-untyped]  # noqa: PLC0415  # optional: S3 only
        except ImportError as err:
            raise ConfigurationError("an S3 archive needs boto3: pip install "
                                     "'edi-gateway[s3]'") from err
        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client("s3", **client)
        self._missing = self.client.exceptions.NoSuchKey

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def put(self, data: bytes) -> str:
        key = key_of(data)
        if self._size(key) == len(data):
            return key
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data,
                               ChecksumAlgorithm="SHA256")
        return key

    def _size(self, key: str) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise ArchiveError(f"{self.describe()}: {err}") from err
        return int(head["ContentLength"])

    def get(self, key: str) -> bytes:
        _digest(key)
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self._missing as err:
            raise ArchiveError(f"{key} is not in {self.describe()}") from err
        data: bytes = found["Body"].read()
        return data

    def exists(self, key: str) -> bool:
        return self._size(key) is not None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


def open_archive(spec: str, default_root: Path) -> Archive:
    """The archive a setting names: a folder path (or ``file://`` URL), or
    ``s3://BUCKET/PREFIX?endpoint=URL&region=R``; empty means ``default_root``."""
    if not spec:
        return LocalArchive(default_root)
    parts = urlsplit(spec)
    if parts.scheme == "s3":
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        options: dict[str, Any] = {}
        if "endpoint" in query:
            options["endpoint_url"] = query["endpoint"]
        if "region" in query:
            options["region_name"] = query["region"]
        prefix = parts.path.lstrip("/")
        return S3Archive(parts.netloc, prefix + ("/" if prefix and not prefix.endswith("/")
                                                 else ""), **options)
    if parts.scheme in ("", "file"):
        return LocalArchive(Path(parts.path if parts.scheme else spec))
    raise ConfigurationError(f"an archive is a folder or s3://BUCKET/PREFIX, not {spec!r}")
