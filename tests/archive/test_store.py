"""The archive: write-once and content-addressed, in a folder and in an S3-compatible
store (a real S3 API server, moto's, on loopback)."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.archive.store import Archive, ArchiveError, LocalArchive, open_archive

DATA = b"UNA:+.? 'UNB+UNOC:3+5412345000013:14+4012345000016:14+240311:0915+1'"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 API server on a loopback port, for the session of this module."""
    try:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415
    except ImportError as err:
        pytest.skip(f"moto's server mode is not installed: {err}")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    try:
        server.start()
    except OSError as err:
        pytest.skip(f"moto's S3 server could not start on 127.0.0.1:{port}: {err}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _s3(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Archive:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    archive = open_archive(f"s3://gateway-archive/raw?endpoint={endpoint}&region=us-east-1",
                           Path("unused"))
    archive.client.create_bucket(Bucket="gateway-archive")  # type: ignore[attr-defined]
    return archive


@pytest.fixture(params=["folder", "s3"])
def archive(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Archive:
    if request.param == "folder":
        return open_archive("", tmp_path / "archive")
    return _s3(request.getfixturevalue("s3_endpoint"), monkeypatch)


def test_the_key_is_the_sha256_of_the_bytes_and_they_come_back(archive: Archive) -> None:
    """put returns sha256/<hex of the bytes> (checked with hashlib), get gives them back."""
    key = archive.put(DATA)
    assert key == "sha256/" + hashlib.sha256(DATA).hexdigest()
    assert archive.get(key) == DATA and archive.exists(key)


def test_storing_the_same_bytes_twice_stores_them_once(archive: Archive) -> None:
    """A second put of the same bytes is the same key; other bytes another key."""
    assert archive.put(DATA) == archive.put(DATA)
    assert archive.put(DATA + b"'") != archive.put(DATA)


def test_a_key_never_stored_is_an_error(archive: Archive) -> None:
    """get of an unknown key raises ArchiveError naming it; a malformed key too."""
    missing = "sha256/" + "0" * 64
    with pytest.raises(ArchiveError, match=missing):
        archive.get(missing)
    with pytest.raises(ArchiveError, match="not an archive key"):
        archive.get("../etc/passwd")


def test_a_folder_archive_leaves_no_temporary_files(tmp_path: Path) -> None:
    """Objects land under ab/cd/<sha256>, written whole: no temporary file is left."""
    archive = LocalArchive(tmp_path)
    key = archive.put(DATA)
    digest = key.split("/")[1]
    files = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [f"{digest[:2]}/{digest[2:4]}/{digest}"]
