"""The files commands read, each with a size limit checked while it is read.

A path may name something without end (a symlink to ``/dev/zero``, a pipe that
never closes) or a file far larger than anyone meant to give: every input is
read through :class:`Limited`, which counts the bytes as they come and stops
with :class:`InputTooLarge` one byte past the limit, so no command reads or
holds more than the limit whatever the path names. A regular file over the
limit is refused before its first byte is read. ``--max-size`` sets the limit.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from gateway.errors import UsageError

# Streaming commands hold one message at a time, so their limit is about time, not
# memory: far above any interchange a partner sends, far below an endless source.
DEFAULT_LIMIT = 4 * 1024**3
# Commands that hold what they read (the JSON ``write`` takes, a file ``ingest``
# stores) are limited by memory too.
WHOLE_LIMIT = 512 * 1024**2
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_SIZE = re.compile(r"(\d+)\s*([KMGT]?)i?B?", re.IGNORECASE)


class InputTooLarge(UsageError):
    """An input holds more bytes than the command may read."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(f"{name} is larger than the limit of {size_text(limit)}; "
                         "give a larger --max-size to read it")
        self.name = name
        self.limit = limit


def size_text(size: int) -> str:
    """``4 GiB``, ``512 MiB``, ``1000 bytes``: a limit as people write it."""
    for unit in ("T", "G", "M", "K"):
        factor = _UNITS[unit]
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}iB"
    return f"{size} bytes"


def parse_size(text: str) -> int:
    """An argparse type: ``500M``, ``2G``, ``2GiB``, ``1048576`` (bytes)."""
    found = _SIZE.fullmatch(text.strip())
    if found is None or int(found.group(1)) < 1:
        raise argparse.ArgumentTypeError(
            f"expected a size such as 500M, 2G or a number of bytes, not {text!r}")
    return int(found.group(1)) * _UNITS[found.group(2).upper()]


def reason(err: OSError | InputTooLarge) -> str:
    """Why an input cannot be read, in words."""
    if isinstance(err, InputTooLarge):
        return f"it is larger than the limit of {size_text(err.limit)} (--max-size)"
    return str(err.strerror or err)


def add_limit_option(parser: argparse.ArgumentParser, default: int = DEFAULT_LIMIT) -> None:
    parser.add_argument("--max-size", type=parse_size, default=default, metavar="SIZE",
                        help=f"read at most this much of any input (default "
                             f"{size_text(default)}; K, M, G suffixes)")


class Limited:
    """A binary source that counts what is read from it and refuses to give more
    than ``limit`` bytes. ``count`` is how much was read so far (for progress)."""

    def __init__(self, raw: BinaryIO | _Encoded, limit: int, name: str) -> None:
        self._raw = raw
        self.limit = limit
        self.name = name
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        room = self.limit + 1 - self.count  # one byte past the limit tells it is exceeded
        data = self._raw.read(room if size < 0 or size > room else size)
        self.count += len(data)
        if self.count > self.limit:
            raise InputTooLarge(self.name, self.limit)
        return data

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> Limited:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_input(path: str, limit: int = DEFAULT_LIMIT) -> Limited:
    """``path`` opened for reading through :class:`Limited` (``-``: standard input).
    Raises OSError when it cannot be opened, :class:`InputTooLarge` when it is a
    regular file over the limit."""
    if path == "-":
        stdin = getattr(sys.stdin, "buffer", None)  # a text stream without one is read as text
        return Limited(stdin or _Encoded(sys.stdin), limit, "standard input")
    raw = Path(path).open("rb")  # noqa: SIM115  (closed by the Limited that owns it)
    try:
        info = os.fstat(raw.fileno())
        if info.st_size > limit and stat.S_ISREG(info.st_mode):
            raise InputTooLarge(path, limit)
    except BaseException:
        raw.close()
        raise
    return Limited(raw, limit, path)


def read_input(path: str, limit: int = DEFAULT_LIMIT) -> bytes:
    """The whole of ``path`` (``-``: standard input), at most ``limit`` bytes."""
    with open_input(path, limit) as source:
        return source.read()



class _Encoded:
    """A text stream read as UTF-8 bytes (a standard input replaced by text)."""

    def __init__(self, text: TextIO) -> None:
        self._text = text

    def read(self, size: int = -1) -> bytes:
        return self._text.read(size).encode("utf-8")

    def close(self) -> None:
        self._text.close()
