"""Character sets: EDIFACT syntax identifiers to codecs, and lossless decoding.

Text is decoded with ``surrogateescape`` so a byte the declared character set
cannot carry survives a read and a write unchanged; such bytes are reported,
never dropped or replaced. Owns the table of UNB 0001 syntax identifiers
(ISO 9735 code list 0001), the repertoires of levels A and B, and finding the
characters an interchange's declared set has not (:class:`CharsetWatch`), which
are errors: the message they are in breaks its character set.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gateway.edi.issues import Code, Issue
from gateway.edi.tree import Segment

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


# ISO 9735 level A: upper-case letters, digits, space and . , - ( ) / = ' + : ? and,
# where agreed, ! " % & * ; < > (accepted here: partners use them widely); level B
# adds the lower-case letters. Line breaks and the interchange's own delimiters
# (level B's may be the IS1-IS4 controls) are layout, not data.
_LEVEL_A = "A-Z0-9 .,\\-()/=!\"%&*;<>'+:?"
_LEVEL_B = _LEVEL_A + "a-z"
_LEVELS = {"UNOA": _LEVEL_A, "UNOB": _LEVEL_B}
_SURROGATES = "\udc80-\udcff"
# Codecs of the ISO 8859 sets in which every byte is a character.
_EVERY_BYTE = {"iso8859-1", "iso8859-2", "iso8859-4", "iso8859-5", "iso8859-9"}


def _characters(codec: str) -> str:
    """Every character a single-byte codec has, as a regular expression class body."""
    found = bytes(range(256)).decode(codec, errors="ignore")
    return "".join(re.escape(ch) for ch in found)


def outside_pattern(declared: str | None, encoding: str, service: str = ""
                    ) -> re.Pattern[str] | None:
    """A pattern finding a character the character set an interchange declares
    (UNB 0001) cannot carry at all: a byte its codec could not decode (kept as a
    surrogate); for levels A and B, anything but ASCII; for the ISO 8859 sets, a
    character the set has not (text declared Latin but sent, and read, as UTF-8).
    Each is an error. None when nothing read can be outside the set. ``service``
    holds the delimiters, which are allowed wherever they stand."""
    name = (declared or "").strip().upper()
    if name in _LEVELS:
        return re.compile("[^\x00-\x7f]")
    codec = codec_for_syntax(name) if name else None
    if codec is not None and is_single_byte(codec) and codec != encoding:
        return re.compile("[^" + _characters(codec) + re.escape("\r\n" + service) + "]")
    if encoding in _EVERY_BYTE or encoding in ("latin-1", "cp037"):
        return None
    return re.compile("[" + _SURROGATES + "]")


def repertoire_pattern(declared: str | None, service: str = "") -> re.Pattern[str] | None:
    """For levels A and B, a pattern finding an ASCII character outside the level's
    repertoire (a lower-case letter under UNOA, a ``$`` or ``~`` under either). Such
    text is in the set's encoding and read without loss, and partners send it widely:
    a warning, once per file, where :func:`outside_pattern` finds errors."""
    level = _LEVELS.get((declared or "").strip().upper())
    if level is None:
        return None
    return re.compile("[\x00-\x7f](?<=[^" + level + re.escape("\r\n" + service) + "])")


class CharsetWatch:
    """Looks for characters outside the declared character set: in each chunk of
    text as it is decoded (one search, in C), and, once one is seen, in each
    message and envelope segment, so the issue names the segment, element and
    component it is in and the message it breaks is known."""

    __slots__ = ("declared", "pattern", "repertoire", "suspect")

    def __init__(self, pattern: re.Pattern[str] | None, declared: str,
                 repertoire: re.Pattern[str] | None = None) -> None:
        self.pattern = pattern
        self.repertoire = repertoire
        self.declared = declared
        self.suspect = False

    def search(self, text: str) -> re.Match[str] | None:
        found = self.pattern.search(text) if self.pattern is not None else None
        if found is not None:
            self.suspect = True
        return found

    def segment_issues(self, segments: Iterable[tuple[int | None, Segment]],
                       scope: Any) -> list[Issue]:
        """One issue per value holding a character outside the set, for ``segments``
        given with their position in the message (None outside a message);
        ``scope`` (an envelope Scope) completes the locations."""
        pattern = self.pattern
        if pattern is None or not self.suspect:
            return []
        issues: list[Issue] = []
        for position, seg in segments:
            for e, element in enumerate(seg.elements, 1):
                repetitions = seg.repeats.get(e, [element]) if seg.repeats else [element]
                for r, components in enumerate(repetitions, 1):
                    for c, value in enumerate(components, 1):
                        found = pattern.search(value)
                        if found is None:
                            continue
                        issues.append(Issue.of(
                            Code.OUTSIDE_CHARSET, _outside_message(found.group(), value,
                                                                   self.declared),
                            scope.at(seg, position=position, element=e,
                                     component=c if len(components) > 1 else None,
                                     repetition=r if len(repetitions) > 1 else None,
                                     value=printable(value))))
        return issues


def printable(text: str) -> str:
    """``text`` with each undecodable byte (a surrogate) written ``\\xE9``, so that it
    can be printed and stored as UTF-8."""
    if _ESCAPED.search(text) is None:
        return text
    return _ESCAPED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02X}", text)


def _outside_message(ch: str, value: str, declared: str) -> str:
    if "\udc80" <= ch <= "\udcff":
        what = f"byte 0x{ord(ch) - 0xDC00:02X}, which is no character in {declared}"
    else:
        what = f"{ch!r} (U+{ord(ch):04X}), which {declared} has not"
    return f"'{printable(value)}' holds {what}; the message breaks its character set."
