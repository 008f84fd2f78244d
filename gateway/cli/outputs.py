"""Where commands write files they are told to (``-o FILE``, ``--out DIR``).

A file is written whole or not at all: into a temporary file beside it, then
renamed over the name asked for, so a reader never sees half of it and a failure
leaves what was there before. A folder is checked before any work is done, so a
command that also stores something (``plan approve``) does not store it and then
find it cannot write its documents. A place that cannot be written is a
:class:`~gateway.errors.UsageError` naming it and why; no folder is made but the
one asked for.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from gateway.errors import UsageError


def _why(err: OSError) -> str:
    return str(err.strerror or err).lower()


def output_file(path: Path) -> Path:
    """``path`` checked as a file that can be written, before any work is done: its
    folder exists and takes a new file, and it is no folder itself."""
    handle, temporary = _temporary(path)
    os.close(handle)
    Path(temporary).unlink()
    return path


def _temporary(path: Path) -> tuple[int, str]:
    """A new file beside ``path``, open: (descriptor, name)."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"cannot write {path}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder; give a file name")
    try:
        return tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {_why(err)} in {folder}") from None


def write_output(path: Path, data: bytes) -> None:
    """``data`` into ``path``, whole or not at all."""
    handle, temporary = _temporary(path)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
    except OSError as err:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise UsageError(f"cannot write {path}: {_why(err)}") from None


def output_folder(path: Path) -> Path:
    """``path`` as a folder files can be written into: made if missing (its parent
    must exist), probed with a file written and removed."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"cannot write into {path}: it is a file, not a folder")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write into {path}: the folder {path.parent} does not exist")
    try:
        path.mkdir(exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=path, prefix=".probe.")
        os.close(handle)
        Path(probe).unlink()
    except OSError as err:
        raise UsageError(f"cannot write into {path}: {_why(err)}") from None
    return path
