"""Writing interchanges: the syntax tree to text and bytes.

Values are escaped with the release character where the interchange has one
(EDIFACT); X12 has no escape, so a value holding a delimiter is refused with
:class:`~gateway.errors.WriteError` rather than written wrong. Trailers (UNT,
UNE, UNZ, SE, GE, IEA) are always computed from what is written, never copied
from the tree. Pure: no files, no clock; a caller chooses where bytes go.
"""

from __future__ import annotations

import re

from gateway.edi.delimiters import (
    EDIFACT_DEFAULT,
    EDIFACT_DEFAULT_V4,
    EDIFACT_LEVEL_B,
    ISA_ELEMENT_COUNT,
    Delimiters,
)
from gateway.edi.lexer import is_tag
from gateway.edi.tree import Components, Group, Interchange, Message, Segment
from gateway.errors import WriteError

# Fixed widths of ISA01..ISA16; ISA is the one fixed-length segment.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_EDIFACT_TRAILERS = {"UNH": "UNT", "UNG": "UNE", "UNB": "UNZ"}
_X12_TRAILERS = {"ST": "SE", "GS": "GE", "ISA": "IEA"}


class _Escaper:
    """Escapes values for one interchange's delimiters."""

    def __init__(self, d: Delimiters, standard: str) -> None:
        self.d = d
        self.standard = standard
        self.specials = d.service_characters()
        self.release = d.release
        self._needs = re.compile("[" + "".join(re.escape(c) for c in self.specials) + "]")

    def value(self, text: str, where: str) -> str:
        if self._needs.search(text) is None:
            return text
        if self.release is None:
            bad = next(ch for ch in text if ch in self.specials)
            raise WriteError(
                f"{where}: the value {text!r} holds the delimiter {bad!r}, and "
                f"{'X12' if self.standard == 'x12' else 'this interchange'} has no release "
                "character to escape it."
            )
        rel = self.release
        return "".join(rel + ch if ch in self.specials else ch for ch in text)

    def components(self, comps: Components, where: str) -> str:
        return self.d.component.join(self.value(c, where) for c in comps)

    def segment(self, seg: Segment) -> str:
        d = self.d
        if not is_tag(seg.tag):
            raise WriteError(f"{seg.tag!r} is not a segment tag: two or three letters or "
                             "digits.")
        parts = [seg.tag]
        for pos, comps in enumerate(seg.elements, 1):
            where = f"{seg.tag} element {pos}"
            if seg.repeats and pos in seg.repeats:
                if d.repetition is None:
                    raise WriteError(f"{where} repeats, but the interchange has no "
                                     "repetition separator.")
                parts.append(d.repetition.join(
                    self.components(r, where) for r in seg.repeats[pos]))
            else:
                parts.append(self.components(comps, where))
        return d.element.join(parts) + d.segment


def _count(value: int, read: Segment | None) -> str:
    """A computed count, zero-padded to the width the partner used if it padded."""
    if read is not None:
        old = read.get(1)
        if len(old) > 1 and old.startswith("0") and old.isdigit():
            return str(value).zfill(len(old))
    return str(value)


def una_for(d: Delimiters) -> str:
    """The UNA service string advice announcing ``d``."""
    return ("UNA" + d.component + d.element + d.decimal + (d.release or " ")
            + (d.repetition or " ") + d.segment)


def _needs_una(ic: Interchange) -> bool:
    """Whether the delimiters must be announced: not when they are the defaults of
    the syntax version, or level B's (which the character after UNB shows)."""
    if ic.service_string is not None:
        return True
    syntax4 = ic.header is not None and ic.header.get(1, 2) == "4"
    default = EDIFACT_DEFAULT_V4 if syntax4 else EDIFACT_DEFAULT
    return ic.delimiters not in (default, EDIFACT_LEVEL_B)


def _isa(header: Segment, d: Delimiters) -> Segment:
    """ISA padded to its fixed widths, with ISA11 and ISA16 naming the delimiters."""
    values = [header.get(i) for i in range(1, ISA_ELEMENT_COUNT + 1)]
    version = values[11]
    if d.repetition and version >= "00402":
        values[10] = d.repetition
    values[15] = d.component
    padded = []
    for i, (value, width) in enumerate(zip(values, ISA_WIDTHS, strict=True), 1):
        if len(value) > width:
            raise WriteError(f"ISA{i:02d} {value!r} is longer than its {width} characters.")
        # Numeric fields pad with zeros on the left, the rest with spaces on the right.
        padded.append(value.rjust(width, "0") if i == 13 else value.ljust(width))
    return Segment("ISA", [[v] for v in padded])


class _Writer:
    def __init__(self, ic: Interchange, line_ending: str, final: str | None = None) -> None:
        self.ic = ic
        self.x12 = ic.standard == "x12"
        self.esc = _Escaper(ic.delimiters, ic.standard)
        self.le = line_ending
        self.final = final  # what ends the last segment, when not line_ending
        self.out: list[str] = []

    def put(self, seg: Segment) -> None:
        self.out.append(self.esc.segment(seg) + self.le)

    def put_raw_isa(self, seg: Segment) -> None:
        """ISA is written unescaped: ISA11 and ISA16 hold delimiters by design."""
        d = self.ic.delimiters
        for i, comps in enumerate(seg.elements, 1):
            if i not in (11, 16):
                self.esc.value(comps[0], f"ISA{i:02d}")  # refuses a delimiter inside
        self.out.append(d.element.join(["ISA", *(c[0] for c in seg.elements)]) + d.segment
                        + self.le)

    def message(self, msg: Message) -> None:
        if msg.header is None:
            for seg in msg.segments:
                self.put(seg)
            return
        self.put(msg.header)
        for seg in msg.segments:
            self.put(seg)
        count = len(msg.segments) + 2
        ref = msg.header.get(2 if self.x12 else 1)
        self.put(Segment.of("SE" if self.x12 else "UNT", _count(count, msg.trailer), ref))

    def group(self, group: Group) -> None:
        if group.header is not None:
            self.put(group.header)
        for msg in group.messages:
            self.message(msg)
        if group.header is not None:
            ref = group.header.get(6 if self.x12 else 5)
            self.put(Segment.of("GE" if self.x12 else "UNE",
                                _count(len(group.messages), group.trailer), ref))

    def interchange(self) -> str:
        ic = self.ic
        d = ic.delimiters
        isa = None
        if ic.header is not None:
            if self.x12:
                isa = _isa(ic.header, d)
                self.put_raw_isa(isa)
            else:
                if _needs_una(ic):
                    self.out.append(una_for(d) + self.le)
                self.put(ic.header)
        for seg in ic.interchange_segments:
            self.put(seg)
        for group in ic.groups:
            self.group(group)
        if ic.header is not None:
            explicit = [g for g in ic.groups if g.header is not None]
            if self.x12 or explicit:
                count = len(explicit)
            else:
                count = sum(len(g.messages) for g in ic.groups)
            # IEA02 repeats ISA13 as written, zero-padded to its nine digits.
            ref = isa.get(13) if isa is not None else ic.header.get(5)
            self.put(Segment.of("IEA" if self.x12 else "UNZ", _count(count, ic.trailer), ref))
        if self.final is not None and self.out:
            last = self.out[-1]
            self.out[-1] = last[: len(last) - len(self.le)] + self.final
        return "".join(self.out)


def write_interchange(ic: Interchange, *, line_ending: str | None = None) -> str:
    """The interchange as text; trailers computed. ``line_ending`` defaults to
    what the interchange was read with, and then so does the break after its
    last segment (``final_line_ending``)."""
    problem = ic.delimiters.conflicts()
    if problem:
        raise WriteError(f"The interchange's delimiters cannot be used: {problem}.")
    if line_ending is None:
        return _Writer(ic, ic.line_ending, ic.final_line_ending).interchange()
    return _Writer(ic, line_ending).interchange()


def write(
    interchanges: list[Interchange], *, encoding: str = "utf-8", bom: bool = False,
    line_ending: str | None = None,
) -> bytes:
    """Several interchanges as the bytes of one file."""
    text = "".join(write_interchange(ic, line_ending=line_ending) for ic in interchanges)
    try:
        data = text.encode(encoding, errors="surrogateescape")
    except UnicodeEncodeError as err:
        bad = err.object[err.start:err.end]
        raise WriteError(
            f"The character {bad!r} cannot be written in {encoding}, the interchange's "
            "character set."
        ) from err
    return (b"\xef\xbb\xbf" + data) if bom else data
