"""Process-wide settings, chosen by the program that owns the process.

The command line, the pipeline's worker processes and the benchmarks own their
loops and may set these; the library never does (a library call leaves the
garbage collector, the locale, signal handlers and the working folder as it
found them). Only what such a program needs lives here.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, then restore it as found.

    Reading EDI builds many small lists that form no reference cycles; reference
    counting frees them all, and a collector that runs every few hundred of
    them only walks what is still alive: a whole tree several times over. A
    program reading a file whole pauses it; one that runs for long collects the
    young generations itself between units of work (``gc.collect(1)``).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
