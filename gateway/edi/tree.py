"""The syntax tree, neutral across EDIFACT and X12.

``Interchange`` > ``Group`` > ``Message`` > ``Segment``. A segment holds its
elements; each element is the list of its components (a simple element is a
one-item list). Repeated elements keep every repetition in ``Segment.repeats``,
keyed by element position, while ``elements`` holds the first one, so the common
case costs nothing extra. Element, component and repetition numbers in the
accessors count from 1, as the standards do.

Envelope headers and trailers are kept as read, for the envelope checks; writers
recompute trailers and never trust them. How the partner laid the bytes out
(line breaks, blanks, wrapped lines, an ISA's padding) is kept beside the
content, in :class:`Layout` and the interchange's layout fields, so a file can
be written back as it was read; content never depends on it. This module holds
values only: no parsing, no I/O, no knowledge of business documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from gateway.edi.delimiters import Delimiters

Components = list[str]


@dataclass(frozen=True, slots=True)
class Layout:
    """How one segment was laid out where that differs from its interchange's
    regular form. None of it is content; a segment with no layout (``None``)
    follows the interchange's ``line_ending``.

    - ``before``: the text between the previous segment's terminator and this
      segment's tag (line breaks, blanks, the terminators of blank lines), where
      it is not the interchange's ``line_ending``.
    - ``extras``: characters inside the segment that carry nothing, each with
      the offset in the segment's text as written (tag to last value, without
      its terminator) where it goes: the line breaks of a hard-wrapped segment
      and release characters that escape nothing. In the order to insert them.
    - ``widths``: the widths of ISA01 to ISA16 as read, where they are not the
      standard's.
    - ``terminated``: ``False`` for a last segment that had no terminator.
    """

    before: str | None = None
    extras: tuple[tuple[int, str], ...] = ()
    widths: tuple[int, ...] | None = None
    terminated: bool = True

    def but(self, **changes: Any) -> Layout | None:
        """This layout with ``changes``; ``None`` where nothing is left to keep."""
        changed = replace(self, **changes)
        return None if changed == _REGULAR else changed


_REGULAR = Layout()
# What may stand between segments besides their terminators: blanks, line breaks,
# a DOS end-of-file mark.
_LAYOUT_CHARACTERS = "\x1a"


def is_layout(text: str, delimiters: Delimiters) -> bool:
    """Whether ``text`` may stand between two segments as layout: blanks, line
    breaks and DOS end-of-file marks, and the terminators of blank lines."""
    return all(ch.isspace() or ch in _LAYOUT_CHARACTERS or ch == delimiters.segment
               for ch in text)


class Segment:
    """One segment: a tag and its elements, with where it started in the file and,
    where it was laid out unlike its neighbours, its :class:`Layout`."""

    __slots__ = ("column", "elements", "layout", "line", "repeats", "tag")

    def __init__(
        self,
        tag: str,
        elements: list[Components],
        line: int = 0,
        column: int = 0,
        repeats: dict[int, list[Components]] | None = None,
        *,
        layout: Layout | None = None,
    ) -> None:
        self.tag = tag
        self.elements = elements
        self.line = line
        self.column = column
        self.repeats = repeats
        self.layout = layout

    @classmethod
    def of(cls, tag: str, *elements: str | Components) -> Segment:
        """Build a segment from plain values: ``Segment.of("NAD", "BY", ["5412", "", "9"])``."""
        return cls(tag, [[e] if isinstance(e, str) else list(e) for e in elements])

    def trimmed(self) -> Segment:
        """This segment without trailing empty elements and components, and without
        its layout: how both standards want a segment written."""
        elements = []
        for element in self.elements:
            comps = list(element)
            while len(comps) > 1 and comps[-1] == "":
                comps.pop()
            elements.append(comps)
        while elements and elements[-1] == [""] and not (
                self.repeats and len(elements) in self.repeats):
            elements.pop()
        return Segment(self.tag, elements, self.line, self.column, self.repeats)

    def __len__(self) -> int:
        return len(self.elements)

    def get(self, element: int, component: int = 1, default: str = "") -> str:
        """The value at ``element`` (1-based) and ``component``, or ``default`` when absent."""
        try:
            return self.elements[element - 1][component - 1]
        except IndexError:
            return default

    def composite(self, element: int) -> Components:
        """All components of the first repetition of ``element`` (empty when absent)."""
        if 0 < element <= len(self.elements):
            return self.elements[element - 1]
        return []

    def repetitions(self, element: int) -> list[Components]:
        """Every repetition of ``element``; one for an element that does not repeat."""
        if self.repeats and element in self.repeats:
            return self.repeats[element]
        if 0 < element <= len(self.elements):
            return [self.elements[element - 1]]
        return []

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return (
            self.tag == other.tag
            and self.elements == other.elements
            and (self.repeats or None) == (other.repeats or None)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable value object

    def __repr__(self) -> str:
        shown = "+".join(":".join(c) for c in self.elements)
        return f"<Segment {self.tag}+{shown} @{self.line}:{self.column}>"


@dataclass(eq=False, slots=True)
class Message:
    """A message (EDIFACT UNH..UNT) or transaction set (X12 ST..SE).

    ``segments`` is the body, between header and trailer. ``position`` of a body
    segment in the message is its index + 2, the header counting 1.
    """

    header: Segment | None
    segments: list[Segment] = field(default_factory=list)
    trailer: Segment | None = None
    type: str = ""
    version: str = ""
    reference: str = ""
    subset: str = ""

    def all_segments(self) -> Iterator[Segment]:
        if self.header is not None:
            yield self.header
        yield from self.segments
        if self.trailer is not None:
            yield self.trailer

    def segment_count(self) -> int:
        """Segments from header to trailer inclusive, as UNT/SE count them."""
        return len(self.segments) + (self.header is not None) + (self.trailer is not None)


@dataclass(eq=False, slots=True)
class Group:
    """A functional group (EDIFACT UNG..UNE, X12 GS..GE). ``header`` is ``None`` for
    EDIFACT messages sent without a group."""

    header: Segment | None
    messages: list[Message] = field(default_factory=list)
    trailer: Segment | None = None
    message_count: int = 0  # messages seen, even when a streaming reader kept none

    @property
    def reference(self) -> str:
        if self.header is None:
            return ""
        return self.header.get(6) if self.header.tag == "GS" else self.header.get(5)


@dataclass(eq=False, slots=True)
class Interchange:
    """One interchange: its delimiters, envelope and groups, in the order read.

    ``header`` is ``None`` for bare messages sent without an interchange.
    ``interchange_segments`` are X12 segments at interchange level outside any
    group (TA1). ``line_ending`` is what followed each segment terminator in the
    file, so a writer can reproduce the layout (segments laid out otherwise
    carry a :class:`Layout`); ``final_line_ending`` is what followed the last
    segment's terminator up to the next interchange or the end of the file
    (line breaks, blanks, a DOS end-of-file mark) where that differs (a
    one-line file that ends with a line break, a file whose last line has none,
    blank lines at the end), ``None`` when it does not. ``lead`` is what came
    before the interchange that no interchange before it owns: blank lines at
    the very start of a file.
    """

    standard: str
    delimiters: Delimiters
    header: Segment | None
    groups: list[Group] = field(default_factory=list)
    trailer: Segment | None = None
    service_string: str | None = None
    interchange_segments: list[Segment] = field(default_factory=list)
    line_ending: str = ""
    final_line_ending: str | None = None
    lead: str = ""
    group_count: int = 0
    message_count: int = 0

    @property
    def reference(self) -> str:
        if self.header is None:
            return ""
        return self.header.get(13) if self.header.tag == "ISA" else self.header.get(5)

    @property
    def sender(self) -> tuple[str, str]:
        """(identifier, qualifier) of the sender, stripped of ISA padding."""
        if self.header is None:
            return ("", "")
        if self.header.tag == "ISA":
            return (self.header.get(6).strip(), self.header.get(5).strip())
        return (self.header.get(2, 1), self.header.get(2, 2))

    @property
    def receiver(self) -> tuple[str, str]:
        if self.header is None:
            return ("", "")
        if self.header.tag == "ISA":
            return (self.header.get(8).strip(), self.header.get(7).strip())
        return (self.header.get(3, 1), self.header.get(3, 2))

    def messages(self) -> Iterator[Message]:
        for group in self.groups:
            yield from group.messages
