"""Character sets: EDIFACT syntax identifiers to codecs, and lossless decoding.

Text is decoded with ``surrogateescape`` so a byte the declared character set
cannot carry survives a read and a write unchanged; such bytes are reported,
never dropped or replaced. Owns the table of UNB 0001 syntax identifiers
(ISO 9735 code list 0001) and nothing about segments.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# UNB S001/0001 -> Python codec. Levels A and B are subsets of ISO 646 (ASCII).
EDIFACT_CHARSETS: dict[str, str] = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "iso8859-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",
    "UNOX": "iso2022_jp",
    "UNOY": "utf-8",
    "KECA": "cp949",
}

# EBCDIC code pages seen in X12 from mainframes; cp037 is the US one.
EBCDIC = "cp037"

_ESCAPED = re.compile("[\udc80-\udcff]")
_SINGLE_BYTE = {"ascii", "iso8859-1", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5",
                "iso8859-6", "iso8859-7", "iso8859-8", "iso8859-9"}


def codec_for_syntax(identifier: str) -> str | None:
    """The codec for an EDIFACT syntax identifier such as ``UNOC``, or ``None``."""
    return EDIFACT_CHARSETS.get(identifier.strip().upper())


@dataclass(frozen=True, slots=True)
class BadByte:
    """The first byte the chosen codec could not decode, and how many there were."""

    offset: int  # character offset in the decoded text
    byte: int
    count: int


def find_escaped(text: str) -> BadByte | None:
    """Locate bytes that ``surrogateescape`` kept because the codec could not decode them."""
    first = _ESCAPED.search(text)
    if first is None:
        return None
    count = len(_ESCAPED.findall(text))
    return BadByte(first.start(), ord(first.group()) - 0xDC00, count)


def looks_like_utf8(data: bytes) -> bool:
    """True when ``data`` has non-ASCII bytes and all of them form valid UTF-8.

    Partners often declare UNOC (Latin-1) and send UTF-8; decoding such bytes as
    Latin-1 would turn every accented letter into two wrong ones.
    """
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        # A multi-byte sequence cut at the end of a sample is still UTF-8.
        return err.start >= len(data) - 3 and err.reason == "unexpected end of data"
    return True


def is_single_byte(codec: str) -> bool:
    return codec in _SINGLE_BYTE


# Letters that do not decompose into an ASCII letter and a mark.
_ASCII_SPELLING = {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe",
                   "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "TH", "þ": "th", "€": "EUR",
                   "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                   "\u2014": "-", "\u00a0": " "}


def to_ascii(text: str) -> str:
    """``text`` spelled in ASCII, for partners whose character set has nothing
    else (X12's basic and extended sets): accents dropped (``ä`` -> ``a``),
    ligatures and a few letters spelled out (``ß`` -> ``ss``), anything left
    replaced by ``?``."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        spelled = _ASCII_SPELLING.get(ch)
        if spelled is None:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            spelled = base or "?"
        out.append(spelled)
    return "".join(out)
