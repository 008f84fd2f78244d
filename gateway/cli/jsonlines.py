"""JSON lines as the commands print them: one object per line, whatever it holds.

``json.dumps(..., ensure_ascii=False)`` keeps NEL (U+0085) and the Unicode line
and paragraph separators raw, and consumers that split text into lines
(``str.splitlines``, many JSON-lines readers) break a line there. Partner data
carries such characters; they are escaped here so a line stays a line.
"""

from __future__ import annotations

import json
from typing import Any

_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(obj: Any) -> str:
    """``obj`` as one line of JSON (without the newline), readable text kept as is."""
    return json.dumps(obj, ensure_ascii=False).translate(_LINE_BREAKS)
