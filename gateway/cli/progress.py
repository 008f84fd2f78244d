"""A progress bar on standard error for long work: bytes read, messages, rate.

Shown only when standard error is a terminal and the work is long (more than
:data:`LARGE` bytes in all, or more than :data:`MANY` files); otherwise nothing
at all is printed, so output captured by a script or a log is what it always
was. The bar is tqdm's: it has no dependencies and is imported only when a bar
is shown, so a short command does not pay for it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

LARGE = 4 * 1024**2
MANY = 20
_FORMAT = ("{percentage:3.0f}%|{bar:24}| {n_fmt}B/{total_fmt}B{postfix} "
           "[{elapsed}<{remaining}, {rate_fmt}]")
_FORMAT_OPEN = "{n_fmt}B{postfix} [{elapsed}, {rate_fmt}]"  # size unknown (a pipe)


def total_size(paths: list[str]) -> int | None:
    """The bytes of the regular files among ``paths`` (None when none has a size)."""
    total, known = 0, False
    for path in paths:
        try:
            info = Path(path).stat()
        except OSError:
            continue
        if info.st_size:
            total += info.st_size
            known = True
    return total if known else None


class Progress:
    """Counts bytes and messages and shows them when it is worth it (see the
    module docstring). ``advance`` is cheap; the bar redraws a few times a second."""

    def __init__(self, total: int | None, files: int = 1, stream: TextIO | None = None,
                 *, unit: str = "messages") -> None:
        self._stream = stream or sys.stderr
        self._unit = unit
        self.messages = 0
        self._done = 0  # bytes of the files finished before the current one
        self._bar: Any = None
        long = (total or 0) > LARGE or files > MANY
        if long and self._stream.isatty():
            from tqdm import tqdm

            # No monitor thread: the bar is drawn from the loop, and a thread left
            # running would make the command look threaded to what it calls.
            tqdm.monitor_interval = 0
            self._bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                             file=self._stream, dynamic_ncols=True, leave=False,
                             bar_format=_FORMAT if total else _FORMAT_OPEN,
                             postfix=f"0 {unit}")

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def advance(self, read: int, messages: int = 1) -> None:
        """``read`` bytes of the current file read so far; ``messages`` more done."""
        self.messages += messages
        bar = self._bar
        if bar is not None:
            bar.postfix = f"{self.messages:,} {self._unit}"
            bar.update(self._done + read - bar.n)

    def next_file(self, size: int) -> None:
        """The current file is done; it held ``size`` bytes."""
        self._done += size
        if self._bar is not None:
            self._bar.update(self._done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.refresh()  # the final counts, however soon the work ended
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
