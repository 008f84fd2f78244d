"""Message standards as values: elements, composites, segments, rules, structures.

Built by :mod:`gateway.edi.schema.loader` from the data files and used by the
validator; nothing here reads files or knows YAML. Positions count from 1, as
the standards do; an element reference ``"02-1"`` is element 2, component 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

UNBOUNDED = 10**9


class Usage(StrEnum):
    """Requirement designators: EDIFACT M/C, X12 M/O/X, and guides' X (not used)."""

    MANDATORY = "M"
    CONDITIONAL = "C"  # EDIFACT "conditional" and X12 "optional" both mean: may be absent
    NOT_USED = "X"

    @classmethod
    def parse(cls, text: str) -> Usage:
        letter = text.strip().upper()
        if letter == "O":
            return cls.CONDITIONAL
        return cls(letter)


@dataclass(frozen=True, slots=True)
class ElementDef:
    """A simple data element: its representation and, where known, its codes.

    ``kind`` is the standard's type: EDIFACT ``a``, ``n``, ``an``; X12 ``AN``,
    ``ID``, ``N0``..``N9``, ``R``, ``DT``, ``TM``, ``B``.
    """

    id: str
    name: str
    kind: str
    min_length: int
    max_length: int
    codes: frozenset[str] | None = None
    codes_complete: bool = True

    @property
    def numeric(self) -> bool:
        return self.kind in ("n", "R") or (self.kind[:1] == "N" and self.kind[1:].isdigit())


@dataclass(frozen=True, slots=True)
class Member:
    """A position in a segment or composite: which element or composite, whether
    required, and how often it may repeat."""

    ref: str
    usage: Usage
    repeat: int = 1


@dataclass(frozen=True, slots=True)
class CompositeDef:
    id: str
    name: str
    components: tuple[Member, ...]


class RuleKind(StrEnum):
    """Syntax notes between elements of one segment.

    X12 letters: P paired (all or none), R required (at least one), E exclusion
    (at most one), C conditional (if the first, then all the others), L list
    conditional (if the first, then at least one other). EDIFACT D2..D6 map to
    those; D1 is one and only one, D7 if the first then none of the others.
    DATE ties a date value to its format qualifier (EDIFACT 2380 and 2379).
    """

    PAIRED = "P"
    REQUIRED = "R"
    EXCLUSION = "E"
    CONDITIONAL = "C"
    LIST_CONDITIONAL = "L"
    ONE_ONLY = "D1"
    IF_FIRST_NONE = "D7"
    DATE = "DATE"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: RuleKind
    refs: tuple[str, ...]  # "02" or "02-1"
    text: str  # as written in the data, for messages


@dataclass(frozen=True, slots=True)
class SegmentDef:
    tag: str
    name: str
    members: tuple[Member, ...]
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentNode:
    """A segment's place in a message structure."""

    tag: str
    usage: Usage
    max_use: int


@dataclass(frozen=True, slots=True)
class GroupNode:
    """A segment group (EDIFACT ``SG2``) or loop (X12 ``N1``); its first child is
    the trigger segment."""

    id: str
    usage: Usage
    max_use: int
    children: tuple[SegmentNode | GroupNode, ...]

    @property
    def trigger(self) -> str:
        first = self.children[0]
        return first.tag if isinstance(first, SegmentNode) else first.trigger


Node = SegmentNode | GroupNode


@dataclass(frozen=True, slots=True)
class MessageDef:
    """A message or transaction set: its structure below the header."""

    type: str
    name: str
    structure: GroupNode  # the root group, id ""

    def tags(self) -> frozenset[str]:
        found: set[str] = set()

        def walk(group: GroupNode) -> None:
            for child in group.children:
                if isinstance(child, SegmentNode):
                    found.add(child.tag)
                else:
                    walk(child)

        walk(self.structure)
        return frozenset(found)


@dataclass(slots=True)
class Directory:
    """One version of a standard: its dictionary and message structures.

    ``messages`` is any mapping: the loader gives one that builds a structure
    when it is first asked for."""

    standard: str
    version: str
    elements: dict[str, ElementDef] = field(default_factory=dict)
    composites: dict[str, CompositeDef] = field(default_factory=dict)
    segments: dict[str, SegmentDef] = field(default_factory=dict)
    messages: Mapping[str, MessageDef] = field(default_factory=dict)
