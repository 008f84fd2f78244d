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
    ISA_REPETITION_FROM,
    ISA_WIDTHS,
    UNA_LENGTH,
    Delimiters,
    una_delimiters,
)
from gateway.edi.lexer import BINARY_TAGS, is_tag
from gateway.edi.tree import (
    Components,
    Group,
    Interchange,
    Layout,
    Message,
    Segment,
    is_layout,
)
from gateway.errors import WriteError

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
        """The segment's text, tag to last value, without its terminator."""
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
        return d.element.join(parts)


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


def _una(ic: Interchange, verbatim: bool) -> str:
    """The UNA as sent where it announces these delimiters, else one written afresh."""
    sent = ic.service_string
    if verbatim and sent is not None and len(sent) == UNA_LENGTH \
            and una_delimiters(sent) == ic.delimiters:
        return sent
    return una_for(ic.delimiters)


def _isa(header: Segment, d: Delimiters, verbatim: bool) -> Segment:
    """ISA padded to its fixed widths (those it was read with, where they were
    other than the standard's and the layout is kept), with ISA11 and ISA16
    naming the delimiters."""
    values = [header.get(i) for i in range(1, ISA_ELEMENT_COUNT + 1)]
    version = values[11]
    if d.repetition and version >= ISA_REPETITION_FROM:
        values[10] = d.repetition
    values[15] = d.component
    read = header.layout.widths if header.layout is not None else None
    widths = read if verbatim and read is not None and len(read) == ISA_ELEMENT_COUNT \
        else ISA_WIDTHS
    padded = []
    for i, (given, width) in enumerate(zip(values, widths, strict=True), 1):
        # Padding to another width than the one written is not part of the value.
        value = given.strip() if len(given) > width and widths is ISA_WIDTHS else given
        if len(value) > width:
            raise WriteError(f"ISA{i:02d} {value!r} is longer than its {width} characters.")
        # Numeric fields pad with zeros on the left, the rest with spaces on the right.
        padded.append(value.rjust(width, "0") if i == 13 else value.ljust(width))
    return Segment("ISA", [[v] for v in padded], layout=header.layout)


def _with_extras(text: str, extras: tuple[tuple[int, str], ...]) -> str:
    """``text`` with the characters of a layout's ``extras`` put back at their offsets."""
    parts = []
    last = 0
    for offset, extra in extras:
        at = min(max(offset, last), len(text))
        parts += [text[last:at], extra]
        last = at
    parts.append(text[last:])
    return "".join(parts)


class _Writer:
    """Writes one interchange. ``verbatim``: as it was read, with every segment's
    layout and the interchange's lead and end; otherwise the canonical form,
    ``line_ending`` after every segment and nothing else between them."""

    def __init__(self, ic: Interchange, line_ending: str, *, verbatim: bool,
                 encoding: str) -> None:
        self.ic = ic
        self.encoding = encoding
        self.x12 = ic.standard == "x12"
        self.esc = _Escaper(ic.delimiters, ic.standard)
        self.le = line_ending
        self.verbatim = verbatim
        self.out: list[str] = []
        if verbatim and ic.lead:
            self.out.append(self._layout(ic.lead, "before the interchange"))
        self.started = False  # something of the interchange is written

    def _layout(self, text: str, what: str) -> str:
        """``text`` where it is layout only; WriteError where it would add content."""
        if not is_layout(text, self.ic.delimiters):
            raise WriteError(f"The layout {what} is {text!r}: only blanks, line breaks and "
                             "terminators may stand between segments.")
        return text

    def _gap(self, layout: Layout | None, tag: str) -> str:
        """What goes before the next item: its own layout where it has one."""
        before = layout.before if self.verbatim and layout is not None else None
        if before:
            self._layout(before, f"before {tag}")
        if not self.started:
            self.started = True
            return before or ""
        return self.le if before is None else before

    def _emit(self, text: str, layout: Layout | None, tag: str) -> None:
        """A segment's text (tag to last value), its terminator, and the layout
        before and inside it."""
        gap = self._gap(layout, tag)
        term = self.ic.delimiters.segment
        if self.verbatim and layout is not None:
            if layout.extras:
                release = self.ic.delimiters.release
                for _offset, extra in layout.extras:
                    if extra != release and extra.strip("\r\n"):
                        raise WriteError(
                            f"{tag}: a layout extra is {extra!r}; only line breaks and "
                            "release characters may be put back inside a segment.")
                text = _with_extras(text, layout.extras)
            if not layout.terminated:
                term = ""
        self.out += [gap, text, term]

    def put(self, seg: Segment) -> None:
        if seg.tag in BINARY_TAGS[self.ic.standard] and len(seg.elements) == 2 \
                and seg.get(1).isdigit():
            self._emit(self._binary(seg), seg.layout, seg.tag)
        else:
            self._emit(self.esc.segment(seg), seg.layout, seg.tag)

    def _binary(self, seg: Segment) -> str:
        """A binary segment: its data as it is, whatever it holds, after its length in
        bytes, computed (zero-padded to the width read, as counts are)."""
        data = "".join(seg.composite(2))
        size = len(data.encode(self.encoding, errors="surrogateescape"))
        element = self.ic.delimiters.element
        return element.join((seg.tag, _count(size, seg), data))

    def put_raw_isa(self, seg: Segment) -> None:
        """ISA is written unescaped: ISA11 and ISA16 hold delimiters by design."""
        d = self.ic.delimiters
        for i, comps in enumerate(seg.elements, 1):
            if i not in (11, 16):
                self.esc.value(comps[0], f"ISA{i:02d}")  # refuses a delimiter inside
        self._emit(d.element.join(["ISA", *(c[0] for c in seg.elements)]), seg.layout, "ISA")

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
        self.put(self._trailer("SE" if self.x12 else "UNT", count, ref, msg.trailer))

    def group(self, group: Group) -> None:
        if group.header is not None:
            self.put(group.header)
        for msg in group.messages:
            self.message(msg)
        if group.header is not None:
            ref = group.header.get(6 if self.x12 else 5)
            self.put(self._trailer("GE" if self.x12 else "UNE", len(group.messages), ref,
                                   group.trailer))

    @staticmethod
    def _trailer(tag: str, count: int, ref: str, read: Segment | None) -> Segment:
        """A trailer computed afresh, laid out as the one read was."""
        seg = Segment.of(tag, _count(count, read), ref)
        seg.layout = read.layout if read is not None else None
        return seg

    def interchange(self) -> str:
        ic = self.ic
        d = ic.delimiters
        isa = None
        if ic.header is not None:
            if self.x12:
                isa = _isa(ic.header, d, self.verbatim)
                self.put_raw_isa(isa)
            else:
                if _needs_una(ic):
                    self._emit(_una(ic, self.verbatim)[:-1], None, "UNA")
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
            self.put(self._trailer("IEA" if self.x12 else "UNZ", count, ref, ic.trailer))
        if self.out:
            final = ic.final_line_ending if self.verbatim else None
            self.out.append(self.le if final is None
                            else self._layout(final, "after the interchange"))
        return "".join(self.out)


def write_interchange(ic: Interchange, *, line_ending: str | None = None,
                      normalize: bool = False, encoding: str = "utf-8") -> str:
    """The interchange as text; trailers computed.

    By default it is laid out as it was read: the interchange's line ending
    after each segment, and where a segment or the interchange carries a
    layout of its own (line breaks and blanks between segments, wrapped lines,
    needless release characters, the UNA as sent, the ISA's field widths, what
    came before and after), that. ``normalize`` writes the canonical form
    instead: only the line ending between segments, the ISA at its standard
    widths and a UNA written afresh from the delimiters. ``line_ending`` gives
    another line ending and implies ``normalize``. ``encoding`` is the one the
    text will be written in: binary segments give their length in its bytes.
    """
    problem = ic.delimiters.conflicts()
    if problem:
        raise WriteError(f"The interchange's delimiters cannot be used: {problem}.")
    if line_ending is not None:
        return _Writer(ic, line_ending, verbatim=False, encoding=encoding).interchange()
    return _Writer(ic, ic.line_ending, verbatim=not normalize, encoding=encoding).interchange()


def write(
    interchanges: list[Interchange], *, encoding: str = "utf-8", bom: bool = False,
    line_ending: str | None = None, normalize: bool = False,
) -> bytes:
    """Several interchanges as the bytes of one file (see :func:`write_interchange`
    for the layout)."""
    text = "".join(write_interchange(ic, line_ending=line_ending, normalize=normalize,
                                     encoding=encoding) for ic in interchanges)
    try:
        data = text.encode(encoding, errors="surrogateescape")
    except UnicodeEncodeError as err:
        bad = err.object[err.start:err.end]
        raise WriteError(
            f"The character {bad!r} cannot be written in {encoding}, the interchange's "
            "character set."
        ) from err
    return (b"\xef\xbb\xbf" + data) if bom else data
