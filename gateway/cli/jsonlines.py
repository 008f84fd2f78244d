"""JSON lines as the commands print them: one object per line, whatever it holds.

``json.dumps(..., ensure_ascii=False)`` keeps NEL (U+0085) and the Unicode line
and paragraph separators raw, and consumers that split text into lines
(``str.splitlines``, many JSON-lines readers) break a line there. Partner data
carries such characters; they are escaped here so a line stays a line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(obj: Any) -> str:
    """``obj`` as one line of JSON (without the newline), readable text kept as is."""
    return json.dumps(obj, ensure_ascii=False).translate(_LINE_BREAKS)


class Later:
    """A value the streaming writer computes when it reaches it, that is after
    everything streamed before it (a verdict known once the messages are read)."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute


def write_json_line(out: TextIO, obj: Any) -> None:
    """Write ``obj`` as :func:`json_line` would, and the newline, as it goes.

    Iterators inside ``obj`` (generators) are written as JSON arrays item by item
    and :class:`Later` values when reached, so a document about a large file is
    never built whole in memory; the text is the same as ``json_line`` gives for
    the same values held in lists."""
    _write(out, obj)
    out.write("\n")


def _write(out: TextIO, value: Any) -> None:
    if isinstance(value, Later):
        value = value.compute()
    if isinstance(value, dict) and _streams(value):
        out.write("{")
        for n, (key, item) in enumerate(value.items()):
            out.write(("{}: " if not n else ", {}: ").format(json_line(key)))
            _write(out, item)
        out.write("}")
    elif isinstance(value, Iterator):
        out.write("[")
        for n, item in enumerate(value):
            if n:
                out.write(", ")
            _write(out, item)
        out.write("]")
    else:
        out.write(json_line(value))


def _streams(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_streams(v) for v in value.values())
    return isinstance(value, Iterator | Later)
