"""The folder channel: files taken once whoever polls, and never an error when
another poller was quicker (gateway/transports/folder.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.transports.folder import TAKING, FolderChannel


def _channel(tmp_path: Path) -> FolderChannel:
    channel = FolderChannel("folder:p", tmp_path / "inbox", tmp_path / "outbox", settle=0.0)
    channel.prepare()
    return channel


def _now() -> datetime:
    return datetime.now(UTC)


def _dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_file_is_taken_and_let_go(tmp_path: Path) -> None:
    """Rule: a complete file is handed over once and leaves nothing behind after done."""
    channel = _channel(tmp_path)
    (channel.inbox / "po.x12").write_bytes(b"ISA")
    taken = list(channel.poll(_now()))
    assert [(i.name, i.data) for i in taken] == [("po.x12", b"ISA")]
    channel.done(taken[0])
    assert list(channel.poll(_now())) == []
    assert list(channel.taking.iterdir()) == []


def test_a_file_held_by_a_live_process_is_left_to_it(tmp_path: Path) -> None:
    """Rule: of two pollers, the second never offers a file the first is handling."""
    channel = _channel(tmp_path)
    held = channel.taking / f"{os.getppid()}-abc~po.x12"
    held.write_bytes(b"ISA")
    assert list(channel.poll(_now())) == []
    assert held.exists()


def test_a_file_left_by_a_dead_process_is_offered_again(tmp_path: Path) -> None:
    """Rule: a crash between taking and recording loses nothing: the next poll offers
    the file again, under the same pickup name (so recording it twice is a no-op)."""
    channel = _channel(tmp_path)
    left = channel.taking / f"{_dead_pid()}-abc~po.x12"
    left.write_bytes(b"ISA")
    again = list(channel.poll(_now()))
    assert [(i.name, i.pickup) for i in again] == [("po.x12", f"folder:p/{left.name}")]


def test_a_file_held_by_another_host_is_offered_after_an_hour(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a taker that cannot be asked (another host on a shared folder) gets an hour."""
    channel = _channel(tmp_path)
    held = channel.taking / "not-a-pid~po.x12"
    held.write_bytes(b"ISA")
    assert list(channel.poll(_now())) == []
    monkeypatch.setattr("gateway.transports.folder.ABANDONED_AFTER", -1.0)
    assert [i.name for i in channel.poll(_now())] == ["po.x12"]


def test_a_file_that_vanishes_while_listed_is_skipped(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Rule: a file another poller takes between the listing and the look at it is
    skipped without an error, and the rest are still taken."""
    channel = _channel(tmp_path)
    for name in ("a.x12", "b.x12"):
        (channel.inbox / name).write_bytes(b"ISA")
    real_scandir = os.scandir

    def racing(path: object) -> object:
        entries = list(real_scandir(path))  # type: ignore[call-overload]
        if Path(str(path)) == channel.inbox:
            (channel.inbox / "a.x12").unlink()  # taken by someone else meanwhile
        return iter(entries)

    monkeypatch.setattr(os, "scandir", racing)
    assert [i.name for i in channel.poll(_now())] == ["b.x12"]


def test_two_pollers_take_each_file_once(tmp_path: Path) -> None:
    """Rule: two processes polling one inbox hand over every file exactly once."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(300):
        (inbox / f"po-{n:04}.x12").write_bytes(b"ISA%d" % n)
    os.utime(inbox, None)
    script = (
        "import sys; from datetime import datetime, UTC; from pathlib import Path\n"
        "from gateway.transports.folder import FolderChannel\n"
        "c = FolderChannel('folder:p', Path(sys.argv[1]), Path(sys.argv[2]), settle=0.0)\n"
        "for i in c.poll(datetime.now(UTC)):\n"
        "    print(i.name, flush=True); c.done(i)\n")
    time.sleep(0.01)
    runs = [subprocess.Popen([sys.executable, "-c", script, str(inbox), str(tmp_path / "out")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    names: list[str] = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        names += out.split()
    assert sorted(names) == [f"po-{n:04}.x12" for n in range(300)]
    assert [p.name for p in inbox.iterdir()] == [TAKING]
