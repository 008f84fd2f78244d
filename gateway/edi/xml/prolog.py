"""Cheap reading of what comes before an XML document's root element.

Owns two things the parser guard and the sniffer both need without a full
parse: turning the first bytes into text in which markup can be found (byte
order marks, XML 1.0 Appendix F signatures, the declared encoding), and
finding, in that text, the internal DTD subset and the root start tag past the
XML declaration, comments, processing instructions and the DOCTYPE.
It must not parse elements or decide whether a document is safe or what it is.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Checked longest first, so a UTF-32 byte order mark is not taken for UTF-16's.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")
_BLANK = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Prolog:
    """Offsets into the scanned text.

    ``root`` is where the root start tag (or whatever stands in its place) begins,
    ``None`` when the text ended inside the prolog. ``subset`` is the internal DTD
    subset as ``(start, end)``, the brackets excluded; when the text ended inside
    it, ``end`` is the end of the text.
    """

    root: int | None
    subset: tuple[int, int] | None


def decode_head(data: bytes, limit: int | None = None) -> str:
    """The first ``limit`` bytes of ``data`` (all when ``None``) as text for finding markup.

    Undecodable bytes become U+FFFD: only the ASCII characters of markup matter
    here, and the real parser judges the encoding.
    """
    chunk = data if limit is None else data[:limit]
    for signature, codec in _SIGNATURES:
        if data.startswith(signature):
            return chunk.decode(codec, errors="replace")
    declared = _DECLARED_ENCODING.match(data[:1024])
    codec = "latin-1"
    if declared is not None:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            codec = "latin-1"
        # Without a signature the bytes are ASCII-compatible whatever the
        # declaration claims; a wide codec would turn them into garbage.
        if codec.startswith(("utf-16", "utf-32")):
            codec = "latin-1"
    return chunk.decode(codec, errors="replace")


def scan_prolog(text: str) -> Prolog:
    """Find the internal DTD subset and the root element's start in ``text``."""
    pos = 1 if text.startswith("\ufeff") else 0
    end = len(text)
    subset: tuple[int, int] | None = None
    while True:
        while pos < end and text[pos] in _BLANK:
            pos += 1
        if pos >= end:
            return Prolog(None, subset)
        if text.startswith("<?", pos):
            pos = _after(text, "?>", pos + 2)
        elif text.startswith("<!--", pos):
            pos = _after(text, "-->", pos + 4)
        elif text.startswith("<!DOCTYPE", pos):
            pos, subset = _doctype(text, pos + len("<!DOCTYPE"))
        else:
            return Prolog(pos, subset)


def _after(text: str, closer: str, pos: int) -> int:
    close = text.find(closer, pos)
    return len(text) if close < 0 else close + len(closer)


def _doctype(text: str, pos: int) -> tuple[int, tuple[int, int] | None]:
    """Skip a DOCTYPE from just after its keyword; return the end and its subset."""
    end = len(text)
    # The name and external identifier: quoted literals may hold '[' or '>'.
    while pos < end:
        char = text[pos]
        if char in "\"'":
            pos = _after(text, char, pos + 1)
        elif char == ">":
            return pos + 1, None
        elif char == "[":
            break
        else:
            pos += 1
    else:
        return end, None
    start = pos = pos + 1
    while pos < end:
        char = text[pos]
        if char in "\"'":
            pos = _after(text, char, pos + 1)
        elif text.startswith("<!--", pos):
            pos = _after(text, "-->", pos + 4)
        elif text.startswith("<?", pos):
            pos = _after(text, "?>", pos + 2)
        elif char == "]":
            return _after(text, ">", pos + 1), (start, pos)
        else:
            pos += 1
    return end, (start, end)
