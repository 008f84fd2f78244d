"""Validating messages against their standard and a partner's guide.

Structure first: each body segment is placed in the message structure (groups
and loops, order, mandatory and maximum use), then its elements are checked
against the segment's definition (presence, repetitions, components, type,
length, codes, syntax notes, dates). A partner guide (:mod:`gateway.edi.schema.guide`)
narrows both. Every finding is an :class:`Issue` with the location an
acknowledgement needs; nothing raises on bad data. Pure: schemas come in as
values.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from gateway.edi.dates import ascii_digits, is_date, is_time
from gateway.edi.envelope import Scope
from gateway.edi.issues import Code, Issue, Location, Severity
from gateway.edi.schema.guide import ElementRule, Guide
from gateway.edi.schema.loader import newest_version, resolve_version
from gateway.edi.schema.model import (
    CompositeDef,
    Directory,
    ElementDef,
    GroupNode,
    Member,
    MessageDef,
    Node,
    Rule,
    RuleKind,
    SegmentDef,
    SegmentNode,
    Usage,
)
from gateway.edi.schema.structure import (
    Instance,
    Placement,
    Placer,
    Shape,
    Shapes,
    Tracer,
    loop_of,
    shape_of,
)
from gateway.edi.tree import Components, Message, Segment

if TYPE_CHECKING:
    from gateway.edi.xml.guide import XmlGuide

# ASCII digits only: other scripts' digits are characters, not numbers, here.
_EDIFACT_NUMBER = re.compile(r"^-?(\d*)[.,]?(\d*)$", re.ASCII)
_X12_INTEGER = re.compile(r"^-?\d+$", re.ASCII)
_X12_REAL = re.compile(r"^-?(\d*)\.?(\d*)(?:E-?\d+)?$", re.ASCII)
_DIGITS = re.compile(r"\d", re.ASCII)

# EDIFACT 2379 date/time/period formats the gateway checks. Each is strptime
# directives for the fixed-length digit fields; ranges are two halves joined
# by "-". Week (WW) and day-of-year (DDD) formats are checked by hand.
_DATE_FORMATS: dict[str, str] = {
    "2": "%d%m%y", "3": "%m%d%y", "4": "%d%m%Y", "101": "%y%m%d", "102": "%Y%m%d",
    "106": "%m%d", "201": "%y%m%d%H%M", "202": "%y%m%d%H%M%S", "203": "%Y%m%d%H%M",
    "204": "%Y%m%d%H%M%S", "401": "%H%M", "402": "%H%M%S", "602": "%Y", "609": "%y%m",
    "610": "%Y%m", "701": "%y-%y", "702": "%Y-%Y", "713": "%y%m%d%H%M-%y%m%d%H%M",
    "717": "%y%m%d-%y%m%d", "718": "%Y%m%d-%Y%m%d", "719": "%Y%m%d%H%M-%Y%m%d%H%M",
    "105": "YYDDD", "615": "YYWW", "616": "CCYYWW", "715": "YYWW-YYWW", "716": "CCYYWW-CCYYWW",
}
_WIDTH = {"%Y": 4, "%y": 2, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2}


def _width(pattern: str) -> int:
    return sum(_WIDTH[pattern[i:i + 2]] for i in range(0, len(pattern), 2))


def _check_one(value: str, pattern: str) -> bool:
    if not ascii_digits(value):
        return False
    if pattern in ("YYDDD", "YYWW", "CCYYWW"):
        year_digits = 4 if pattern.startswith("CC") else 2
        if len(value) != len(pattern):
            return False
        # Two-digit years are read in this century: only 00 could be ambiguous.
        year = int(value[:year_digits]) + (0 if year_digits == 4 else 2000)
        rest = int(value[year_digits:])
        if pattern == "YYDDD":
            return 1 <= rest <= (366 if calendar.isleap(year) else 365)
        # ISO weeks: a year has 53 of them when its 28 December falls in week 53.
        return 1 <= rest <= date(year, 12, 28).isocalendar()[1]
    if len(value) != _width(pattern):
        return False
    if pattern == "%m%d":
        value, pattern = "2000" + value, "%Y%m%d"  # a leap year: 0229 is a day
    try:
        datetime.strptime(value, pattern)  # a calendar check; no zone involved
    except ValueError:
        # 24:00 is the end of a day in EDIFACT times; strptime refuses it.
        return "%H%M" in pattern and value.endswith("2400") and _check_one(
            value[:-4] + "2359", pattern)
    return True


# Orders carry the same few dates over and over; strptime is slow, the verdicts small.
@lru_cache(maxsize=4096)
def check_date_format(value: str, pattern: str) -> bool:
    """Whether ``value`` is a real date/time in ``pattern`` (see :data:`_DATE_FORMATS`)."""
    if "-" not in pattern:
        return _check_one(value, pattern)
    left, right = pattern.split("-", 1)
    if "-" in value:
        first, _, second = value.partition("-")
        return _check_one(first, left) and _check_one(second, right)
    # Some partners omit the range dash; accept the two halves glued together.
    width = len(left) if left in ("YYDDD", "YYWW", "CCYYWW") else _width(left)
    return _check_one(value[:width], left) and _check_one(value[width:], right)


@dataclass(frozen=True, slots=True)
class Context:
    """Where a message sits, and how its numbers are written."""

    scope: Scope
    decimal: str = "."
    standard: str = "edifact"


class _Place:
    """Where a finding would be: built into a Location only when one is reported,
    since most values checked have nothing wrong with them."""

    __slots__ = ("more", "run", "seg", "where")

    def __init__(self, run: _Run, seg: Segment, where: tuple[int, str | None],
                 more: dict[str, object]) -> None:
        self.run = run
        self.seg = seg
        self.where = where
        self.more = more

    def location(self) -> Location:
        position, loop = self.where
        return self.run.context.scope.at(self.seg, position=position, loop=loop, **self.more)


@dataclass(slots=True)
class _Run:
    """The state of validating one message: its context and findings."""

    context: Context
    issues: list[Issue] = field(default_factory=list)
    # EDIFACT UNH S009 0057: a subset an association maintains (EAN008 for a GS1
    # EANCOM message), whose code lists may add codes to the directory's.
    association: str = ""
    # The newest directory of the standard, looked up only when an association's
    # code needs it (see _may_add).
    later: Callable[[], Directory | None] | None = None

    def report(self, code: Code, message: str, location: Location | _Place) -> None:
        if isinstance(location, _Place):
            location = location.location()
        self.issues.append(Issue.of(code, message, location))

    def at(self, seg: Segment, position: int, loop: str | None, **more: object) -> Location:
        return self.context.scope.at(seg, position=position, loop=loop, **more)


@dataclass(slots=True)
class _Site:
    """One segment being checked: where it is and the guide's rules for it."""

    run: _Run
    seg: Segment
    position: int
    loop: str | None
    rules: dict[str, ElementRule]

    def at(self, element: int, **more: object) -> _Place:
        more["element"] = element
        return _Place(self.run, self.seg, (self.position, self.loop), more)

    def report(self, code: Code, message: str, location: Location | _Place) -> None:
        self.run.report(code, message, location)


def _loop(path: str, extra: str = "") -> str | None:
    return extra or loop_of(path)


def _plainly_valid(value: str, element: ElementDef, decimal: str) -> bool:
    """A quick yes for the common value: digits or text of a length and code that
    fit. Anything else goes through the full check, which says what is wrong."""
    kind = element.kind
    length = len(value)
    if kind in ("an", "AN", "ID"):
        fits = element.min_length <= length <= element.max_length
    elif kind == "n" or (kind[:1] == "N" and kind[1:].isdigit()):
        fits = ascii_digits(value) and element.min_length <= length <= element.max_length
    else:
        return False
    return fits and (element.codes is None or value in element.codes)


# A segment's checks, flattened for the quick pass: per member, whether it is
# mandatory, its leaves (one for a simple element, the components of a composite),
# and, for each count of components a segment may give, whether a mandatory leaf
# comes after them. A leaf is (mandatory, kind, min, max, codes) with a kind below.
# The plan also says how many members must be there at least (up to the last
# mandatory one), so trailing optional members a segment leaves out cost nothing.
_Leaf = tuple[bool, int, int, int, frozenset[str] | None]
_Member = tuple[bool, tuple[_Leaf, ...], tuple[bool, ...]]
_Plan = tuple[tuple[_Member, ...], int]


# EDIFACT n (digits and a decimal mark), X12 Nn (digits only, the decimals
# implied), X12 R, DT, TM, EDIFACT a (no digits); _FULL_CHECK for what only the
# full check can judge.
_TEXT, _DIGITS_ONLY, _FULL_CHECK, _REAL, _DATE, _TIME, _INTEGER, _ALPHA = range(8)
_WHOLE = (_DIGITS_ONLY, _INTEGER)  # judged inline when the value is all digits


def _leaf(element: ElementDef, mandatory: bool) -> _Leaf:
    kind = element.kind
    if kind in ("an", "AN", "ID"):
        code = _TEXT
    elif kind == "n":
        code = _DIGITS_ONLY
    elif kind[:1] == "N" and kind[1:].isdigit():
        code = _INTEGER
    elif kind == "R":
        code = _REAL
    elif kind == "DT":
        code = _DATE
    elif kind == "TM":
        code = _TIME
    elif kind == "a":
        code = _ALPHA
    else:
        code = _FULL_CHECK
    return (mandatory, code, element.min_length, element.max_length, element.codes)


def _plan(definition: SegmentDef, directory: Directory) -> _Plan:
    members: list[_Member] = []
    required = 0
    for index, member in enumerate(definition.members):
        composite = directory.composites.get(member.ref)
        mandatory = member.usage is Usage.MANDATORY
        if mandatory:
            required = index + 1
        if composite is not None:
            leaves = tuple(_leaf(directory.elements[c.ref], c.usage is Usage.MANDATORY)
                           for c in composite.components)
        else:
            # A simple element's presence is the member's: its leaf is never mandatory.
            leaves = (_leaf(directory.elements[member.ref], False),)
        after = tuple(any(leaf[0] for leaf in leaves[given:])
                      for given in range(len(leaves) + 1))
        members.append((mandatory, leaves, after))
    return tuple(members), required


def _plainly_fine(seg: Segment, plan: _Plan, decimal: str) -> bool:
    """The quick pass: True when every element is present where mandatory and plainly
    valid. False sends the segment through the full check, which finds what is wrong.

    A simple element is judged as a composite of one leaf that is never mandatory by
    itself; text and plain digits, most of what a segment holds, are judged inline."""
    if seg.repeats:
        return False
    members, required = plan
    elements = seg.elements
    if len(elements) > len(members) or len(elements) < required:
        return False
    # Counted by hand rather than zipped: this loop runs for every segment.
    index = 0
    for comps in elements:
        mandatory, leaves, after = members[index]
        index += 1
        if len(comps) == 1:  # a simple element, or a composite's first component only
            value = comps[0]
            if not value:
                if mandatory:
                    return False
                continue
            if after[1]:
                return False  # a mandatory component after it
            leaf = leaves[0]
            kind = leaf[1]
            if kind == _TEXT or (kind in _WHOLE and value.isdigit() and value.isascii()):
                if not leaf[2] <= len(value) <= leaf[3] or (
                        leaf[4] is not None and value not in leaf[4]):
                    return False
            elif not _leaf_fine(value, leaf, decimal):
                return False
            continue
        width = len(comps)
        if not width or width > len(leaves):
            return False
        if not any(comps):
            if mandatory:
                return False
            continue
        if after[width]:
            return False  # a mandatory component after the last one given
        place = 0
        for value in comps:
            leaf = leaves[place]
            place += 1
            if not value:
                if leaf[0]:
                    return False
                continue
            kind = leaf[1]
            if kind == _TEXT or (kind in _WHOLE and value.isdigit() and value.isascii()):
                if not leaf[2] <= len(value) <= leaf[3] or (
                        leaf[4] is not None and value not in leaf[4]):
                    return False
            elif not _leaf_fine(value, leaf, decimal):
                return False
    return True


def _leaf_fine(value: str, leaf: _Leaf, decimal: str) -> bool:
    _, kind, low, high, codes = leaf
    if kind == _FULL_CHECK:
        return False
    length = len(value)
    if kind == _INTEGER:
        if not ascii_digits(value):
            return False
    elif kind in (_DIGITS_ONLY, _REAL) and not ascii_digits(value):
        # A plain decimal with the mark; anything else takes the full check.
        digits = value.replace(decimal if kind == _DIGITS_ONLY else ".", "", 1)
        if not ascii_digits(digits):
            return False
        length -= 1
    elif kind == _DATE:
        return is_date(value) and low <= length <= high
    elif kind == _TIME:
        return is_time(value) and low <= length <= high
    elif kind == _ALPHA and _DIGITS.search(value):
        return False
    return low <= length <= high and (codes is None or value in codes)


class _Reporter:
    """Turns what the placer meets into structure issues."""

    def __init__(self, validator: MessageValidator, run: _Run) -> None:
        self.guide = validator.guide
        self.run = run

    def used(self, node: SegmentNode, count: int, seg: Segment, position: int,
             loop: str | None) -> None:
        run = self.run
        if node.usage is Usage.NOT_USED:
            run.report(Code.SEGMENT_NOT_USED, f"The partner's guide does not use {seg.tag} "
                       "here.", run.at(seg, position, loop))
        elif count > node.max_use:
            run.report(Code.SEGMENT_TOO_OFTEN, f"{seg.tag} occurs {count} times here; at most "
                       f"{node.max_use} allowed.", run.at(seg, position, loop))

    def entered(self, group: GroupNode, count: int, seg: Segment, position: int) -> None:
        run = self.run
        if group.usage is Usage.NOT_USED:
            run.report(Code.SEGMENT_NOT_USED, f"The partner's guide does not use group "
                       f"{group.id} (started by {seg.tag}).", run.at(seg, position, group.id))
        elif count > group.max_use:
            run.report(Code.GROUP_TOO_OFTEN, f"Group {group.id} occurs {count} times; at "
                       f"most {group.max_use} are allowed.", run.at(seg, position, group.id))

    def missing(self, node: Node, path: str, position: int) -> None:
        if node.usage is not Usage.MANDATORY:
            return
        guided = self.guide is not None and self.guide.made_mandatory(node)
        code = Code.GUIDE_SEGMENT_MISSING if guided else Code.MISSING_SEGMENT
        if isinstance(node, SegmentNode):
            tag, what, loop = node.tag, f"segment {node.tag}", _loop(path)
        else:
            tag, what = node.trigger, f"group {node.id} (starting with {node.trigger})"
            loop = _loop(path, node.id)
        whose = "the partner's guide" if guided else "the standard"
        self.run.report(code, f"Mandatory {what} is missing; {whose} requires it.",
                        replace(self.run.context.scope.at(), segment=tag, position=position,
                                loop=loop))


# A prepared segment check: (run, segment, position).
_Check = Callable[[_Run, Segment, int], None]


class _Step:
    """The checks of segments with one tag at one place (the group path they fell
    in, placed or not), prepared once per validator: the definition, the guide's
    element rules, the quick-pass plan and the syntax notes are looked up here
    rather than for every segment."""

    __slots__ = ("definition", "loop", "notes", "placed", "plan", "rules", "validator")

    def __init__(self, validator: MessageValidator, tag: str, path: str, placed: bool) -> None:
        self.validator = validator
        self.placed = placed
        self.loop = _loop(path)
        definition = validator.directory.segments.get(tag)
        self.definition = definition
        guide = validator.guide
        self.rules = guide.element_rules(path, tag) if guide and definition else {}
        # The quick pass is for segments the guide says nothing about.
        self.plan = validator._plan(definition) if definition and not self.rules else None
        self.notes = validator._notes(definition) if definition else None

    def bound(self) -> _Check:
        """The check to run on each segment of this step."""
        if not self.placed:
            return self._unplaced
        if self.definition is None:
            return self._nothing
        return self._placed

    def _site(self, run: _Run, seg: Segment, position: int) -> _Site:
        return _Site(run, seg, position, self.loop, self.rules)

    @staticmethod
    def _nothing(run: _Run, seg: Segment, position: int) -> None:
        return None

    def _placed(self, run: _Run, seg: Segment, position: int) -> None:
        definition = self.definition
        assert definition is not None
        plan = self.plan
        if plan is not None and _plainly_fine(seg, plan, run.context.decimal):
            notes = self.notes
            if notes is not None:
                for syntax_rule in notes.broken(seg):
                    _check_rule(self._site(run, seg, position), syntax_rule, definition,
                                self.validator.directory)
            return
        self.validator._check_elements(self._site(run, seg, position), definition)

    def _unplaced(self, run: _Run, seg: Segment, position: int) -> None:
        validator = self.validator
        directory = validator.directory
        loc = run.at(seg, position, self.loop)
        if self.definition is None:
            run.report(Code.UNRECOGNIZED_SEGMENT, f"{seg.tag} is not a segment of "
                       f"{directory.standard.upper()} {directory.version}.", loc)
            return
        if seg.tag not in validator.tags:
            run.report(Code.SEGMENT_NOT_IN_MESSAGE, f"{seg.tag} has no place in a "
                       f"{validator.definition.type} message.", loc)
        else:
            run.report(Code.SEGMENT_OUT_OF_ORDER, f"{seg.tag} is out of order: it cannot "
                       "follow what came before it here.", loc)
        self._placed(run, seg, position)


# How many message shapes (sequences of segment tags) a validator remembers the
# placement and prepared checks of: enough for the line counts of a partner's
# orders. What a shape keeps grows with its length (about 150 bytes a segment), so
# the shapes kept also hold at most SHAPE_SEGMENTS segments in all.
SHAPES = 256
SHAPE_SEGMENTS = 50_000


class MessageValidator:
    """Validates messages of one type and version, optionally under a guide.

    Placing a message depends only on its tags, so the validator remembers, for the
    most recent shapes of message seen more than once, where each segment fell, the
    structure events that gave an issue, and the checks of each segment; a message
    of a known shape is then validated without placing it again, with the same
    issues in the same order and a fresh instance tree. ``shapes`` is how many
    shapes it remembers (0: none, every message is placed)."""

    def __init__(self, directory: Directory, message: MessageDef,
                 guide: Guide | None = None, shapes: int = SHAPES,
                 later: Callable[[], Directory | None] | None = None) -> None:
        self.directory = directory
        self.later = later
        self.definition = message
        self.guide = guide
        self.structure = guide.apply(message.structure) if guide else message.structure
        self.tags = message.tags()
        self._plans: dict[str, _Plan] = {}
        self._syntax_notes: dict[str, _Notes | None] = {}
        self._steps: dict[tuple[str, str, bool], _Check] = {}
        self._shapes: Shapes[tuple[Placement, tuple[_Check, ...]]] = Shapes(shapes, SHAPE_SEGMENTS)
        self._seen: Shapes[bool] = Shapes(shapes, SHAPE_SEGMENTS)  # shapes placed once lately

    # -- structure -------------------------------------------------------------

    def validate(self, message: Message, context: Context) -> list[Issue]:
        return self.check(message, context)[0]

    def check(self, message: Message, context: Context) -> tuple[list[Issue], Instance]:
        """The message's issues, and its instance tree (for the mappings)."""
        run = _Run(context, association=_association(message, context), later=self.later)
        segments = message.segments
        shape = shape_of(segments, message.segment_count())
        known = self._shapes.get(shape)
        if known is None:
            # A shape seen once lately is likely to come again: learn it. One not seen
            # yet may be a one-off, placed without the cost of keeping what placing did.
            if self._seen.get(shape) is None:
                self._seen.put(shape, True)
                return self._place(segments, shape[1], run)
            return self._learn(segments, shape, run)
        placement, checks = known
        if placement.quiet:  # no structure issue: only the segments to check
            position = 2
            for seg, check in zip(segments, checks, strict=True):
                check(run, seg, position)
                position += 1
            return run.issues, placement.tree(segments)
        events = placement.events
        reporter = _Reporter(self, run)
        for index, seg in enumerate(segments):
            if events[index]:
                placement.replay(index, segments, reporter)
            checks[index](run, seg, index + 2)
        if events[-1]:
            placement.replay(len(segments), segments, reporter)
        return run.issues, placement.tree(segments)

    def _place(self, segments: list[Segment], end: int, run: _Run
               ) -> tuple[list[Issue], Instance]:
        """Validate a message by placing it segment by segment."""
        placer = Placer(self.structure, _Reporter(self, run))
        for index, seg in enumerate(segments):
            position = index + 2
            placed = placer.place(seg, position)
            self._step(seg.tag, placer.path, placed)(run, seg, position)
        return run.issues, placer.finish(end)

    def _learn(self, segments: list[Segment], shape: Shape, run: _Run
               ) -> tuple[list[Issue], Instance]:
        """Validate a message as :meth:`_place` does, and remember its shape."""
        tracer = Tracer(self.structure, _Reporter(self, run), run.issues.__len__)
        checks: list[_Check] = []
        for index, seg in enumerate(segments):
            position = index + 2
            placed = tracer.place(seg, position)
            check = self._step(seg.tag, tracer.path, placed)
            checks.append(check)
            check(run, seg, position)
        tree, placement = tracer.finish(shape[1])
        if placement is not None:
            self._shapes.put(shape, (placement, tuple(checks)))
        return run.issues, tree

    def _step(self, tag: str, path: str, placed: bool) -> _Check:
        """The prepared check of ``tag`` at ``path``, shared by every shape that has
        it; kept for the tags of the directory only, so unknown tags in bad data
        cannot grow the table."""
        key = (tag, path, placed)
        check = self._steps.get(key)
        if check is None:
            check = _Step(self, tag, path, placed).bound()
            if tag in self.directory.segments:
                self._steps[key] = check
        return check

    # -- elements ----------------------------------------------------------------

    def _check_elements(self, site: _Site, definition: SegmentDef) -> None:
        """The full check of a segment's elements, which says what is wrong."""
        seg = site.seg
        members = definition.members
        if len(seg.elements) > len(members):
            extra = seg.elements[len(members):]
            if any(any(c for c in comps) for comps in extra):
                site.report(Code.TOO_MANY_ELEMENTS, f"{seg.tag} has {len(seg.elements)} data "
                            f"elements; the standard defines {len(members)}.",
                            site.at(len(members) + 1))
        for pos, member in enumerate(members, 1):
            self._check_member(site, pos, member)
        for syntax_rule in definition.rules:
            if not _rule_holds(seg, syntax_rule):
                _check_rule(site, syntax_rule, definition, self.directory)

    def _plan(self, definition: SegmentDef) -> _Plan:
        plan = self._plans.get(definition.tag)
        if plan is None:
            plan = self._plans[definition.tag] = _plan(definition, self.directory)
        return plan

    def _notes(self, definition: SegmentDef) -> _Notes | None:
        """A segment's syntax notes prepared for the quick pass (None: it has none),
        once per tag."""
        if definition.tag not in self._syntax_notes:
            self._syntax_notes[definition.tag] = _Notes(definition.rules) \
                if definition.rules else None
        return self._syntax_notes[definition.tag]

    def _check_member(self, site: _Site, pos: int, member: Member) -> None:
        seg = site.seg
        repeats = seg.repeats
        if repeats and pos in repeats:
            reps = repeats[pos]
        elif pos <= len(seg.elements):
            reps = [seg.elements[pos - 1]]
        else:
            reps = []
        rules = site.rules
        rule = rules.get(f"{pos:02d}") if rules else None
        present = [r for r in reps if any(r)]
        if not present:
            if member.usage is Usage.MANDATORY:
                site.report(Code.MISSING_ELEMENT, f"{seg.tag} element {pos:02d} "
                            f"({self._name(member)}) is mandatory and missing.",
                            site.at(pos, element_id=member.ref))
            elif rule is not None and rule.usage is Usage.MANDATORY:
                site.report(Code.GUIDE_ELEMENT_MISSING, f"{seg.tag} element {pos:02d} "
                            f"({self._name(member)}) is required by the partner's guide.",
                            site.at(pos, element_id=member.ref))
            return
        if rule is not None and rule.usage is Usage.NOT_USED:
            site.report(Code.ELEMENT_NOT_USED, f"{seg.tag} element {pos:02d} "
                        f"({self._name(member)}) is not used by the partner's guide.",
                        site.at(pos, element_id=member.ref, value=present[0][0]))
            return
        if len(reps) > member.repeat:
            site.report(Code.TOO_MANY_REPETITIONS, f"{seg.tag} element {pos:02d} repeats "
                        f"{len(reps)} times; at most {member.repeat} allowed.",
                        site.at(pos, repetition=member.repeat + 1, element_id=member.ref))
        composite = self.directory.composites.get(member.ref)
        element = None if composite is not None else self.directory.elements[member.ref]
        decimal = site.run.context.decimal
        for r, comps in enumerate(reps, 1):
            repetition = r if len(reps) > 1 else None
            if composite is not None:
                self._check_composite(site, pos, repetition, comps, composite)
                continue
            assert element is not None
            if len(comps) > 1 and any(comps[1:]):
                site.report(Code.TOO_MANY_COMPONENTS, f"{seg.tag} element {pos:02d} is simple "
                            "but has components.",
                            site.at(pos, component=2, repetition=repetition,
                                    element_id=member.ref))
            value = comps[0]
            if rule is None and _plainly_valid(value, element, decimal):
                continue
            self._check_value(site, value, element, rule,
                              site.at(pos, repetition=repetition, element_id=member.ref,
                                      value=value))

    def _check_composite(self, site: _Site, pos: int, repetition: int | None,
                         comps: Components, composite: CompositeDef) -> None:
        seg = site.seg
        defined = composite.components
        if len(comps) > len(defined) and any(comps[len(defined):]):
            site.report(Code.TOO_MANY_COMPONENTS, f"{seg.tag} element {pos:02d} "
                        f"({composite.id}) has {len(comps)} components; the standard "
                        f"defines {len(defined)}.",
                        site.at(pos, component=len(defined) + 1, repetition=repetition,
                                element_id=composite.id))
        rules = site.rules
        elements = self.directory.elements
        decimal = site.run.context.decimal
        count = len(comps)
        elsewhere = _listed_elsewhere(composite, comps)
        for cpos, member in enumerate(defined, 1):
            value = comps[cpos - 1] if cpos <= count else ""
            rule = rules.get(f"{pos:02d}-{cpos}") if rules else None
            element = elements[member.ref]
            if value and rule is None and _plainly_valid(value, element, decimal):
                continue
            if not value and member.usage is not Usage.MANDATORY and (
                    rule is None or rule.usage is not Usage.MANDATORY):
                continue
            loc = site.at(pos, component=cpos, repetition=repetition, element_id=member.ref,
                          value=value or None)
            where = f"{seg.tag} {pos:02d}-{cpos} ({element.name})"
            if not value:
                if member.usage is Usage.MANDATORY:
                    site.report(Code.MISSING_ELEMENT, f"{where} is mandatory in "
                                f"{composite.id} and missing.", loc)
                else:
                    site.report(Code.GUIDE_ELEMENT_MISSING,
                                f"{where} is required by the partner's guide.", loc)
                continue
            if rule is not None and rule.usage is Usage.NOT_USED:
                site.report(Code.ELEMENT_NOT_USED, f"{where} is not used by the partner's "
                            "guide.", loc)
                continue
            self._check_value(site, value, element, rule, loc,
                              listed_elsewhere=cpos == elsewhere)

    @staticmethod
    def _check_value(site: _Site, value: str, element: ElementDef, rule: ElementRule | None,
                     loc: _Place, *, listed_elsewhere: bool = False) -> None:
        report = site.report
        decimal = site.run.context.decimal
        kind = element.kind
        length = len(value)
        name = f"{element.name} ({element.id})"
        if kind == "n":
            found = _EDIFACT_NUMBER.match(value)
            if not found or not (found.group(1) or found.group(2)):
                report(Code.INVALID_NUMBER, f"{value!r} is not a number; {name} is numeric.",
                       loc)
                return
            mark = next((c for c in value if c in ".,"), None)
            if mark is not None and mark != decimal:
                report(Code.INVALID_NUMBER, f"{value!r} uses {mark!r} as decimal mark; the "
                       f"interchange declares {decimal!r}.", loc)
            length = len(found.group(1)) + len(found.group(2))
        elif kind[:1] == "N" and kind[1:].isdigit():
            if not _X12_INTEGER.match(value):
                report(Code.INVALID_NUMBER, f"{value!r} is not a whole number; {name} is "
                       f"numeric ({kind}).", loc)
                return
            length = len(value.lstrip("-"))
        elif kind == "R":
            found = _X12_REAL.match(value)
            if not found or not (found.group(1) or found.group(2)):
                report(Code.INVALID_NUMBER, f"{value!r} is not a decimal number; {name} is R.",
                       loc)
                return
            length = len(found.group(1)) + len(found.group(2))
        elif kind == "a" and _DIGITS.search(value):
            report(Code.INVALID_CHARACTER, f"{value!r} has digits; {name} is alphabetic.", loc)
        elif kind == "DT" and not is_date(value):
            report(Code.INVALID_DATE, f"{value!r} is not a valid date ({name}).", loc)
            return
        elif kind == "TM" and not is_time(value):
            report(Code.INVALID_TIME, f"{value!r} is not a valid time ({name}).", loc)
            return
        low, high = element.min_length, element.max_length
        if rule is not None:
            low = max(low, rule.min_length or 0)
            high = min(high, rule.max_length or high)
        if length > high:
            report(Code.TOO_LONG, f"{value!r} is {length} long; {name} allows at most {high}"
                   + (" (partner's guide)" if rule and rule.max_length else "") + ".", loc)
        elif length < low:
            report(Code.TOO_SHORT, f"{value!r} is {length} long; {name} needs at least {low}.",
                   loc)
        if rule is not None and rule.codes is not None and value not in rule.codes:
            report(Code.CODE_NOT_USED, f"{value!r} is not one of the codes the partner's "
                   f"guide allows for {name}: {', '.join(sorted(rule.codes))}.", loc)
        elif rule is not None and rule.forbidden and value in rule.forbidden:
            report(Code.CODE_NOT_USED, f"The partner's guide forbids {value!r} in {name}.", loc)
        elif element.codes is not None and value not in element.codes \
                and not listed_elsewhere:
            association = site.run.association
            if element.codes_complete and association and _may_add(element, value,
                                                                    site.run.later):
                report(Code.UNKNOWN_CODE, f"{value!r} is not a code of {name} in the "
                       f"directory; the message's association subset ({association}) may "
                       "add it.", loc)
            elif element.codes_complete:
                report(Code.INVALID_CODE, f"{value!r} is not a code of {name}.", loc)
            else:
                report(Code.UNKNOWN_CODE, f"{value!r} is not among the codes of {name} the "
                       "gateway knows; it may still be valid.", loc)
        if rule is not None and rule.pattern is not None and not rule.pattern.fullmatch(value):
            report(Code.PATTERN_MISMATCH, f"{value!r} does not match the partner's pattern "
                   f"{rule.pattern.pattern!r} for {name}.", loc)

    def _name(self, member: Member) -> str:
        element = self.directory.elements.get(member.ref)
        if element is not None:
            return element.name
        composite = self.directory.composites.get(member.ref)
        return composite.name if composite is not None else member.ref


def _association(message: Message, context: Context) -> str:
    """The association assigned code of an EDIFACT message's identifier, if any."""
    if context.standard != "edifact" or message.header is None:
        return ""
    return message.header.get(2, 5)


def _may_add(element: ElementDef, value: str,
             later: Callable[[], Directory | None] | None) -> bool:
    """Whether an association subset may have added ``value`` to the directory's
    list of ``element``. Not to a service element (ISO 9735's 0001-0999). Not a
    number to a list of numbers either, unless the UN listed that number later:
    associations write their own codes in another form (GS1's 33E, others' Z01)
    and use numbers the UN has assigned since (GS1's 313 in D.96A messages,
    listed by the UN from D.00A)."""
    if element.id[:1] == "0":
        return False
    if not (value.isdigit() and all(code.isdigit() for code in element.codes or ())):
        return True
    newest = later() if later is not None else None
    found = newest.elements.get(element.id) if newest is not None else None
    return found is not None and value in (found.codes or ())


# EDIFACT composites name the code list of a coded component in the two after
# it: 1131 (code list) and 3055 (its agency). A code there from another agency's
# list (3055 not 6, UN/ECE) or from a named list (1131) is not the directory's.
_CODE_LIST, _AGENCY, _UNECE = "1131", "3055", "6"


@lru_cache(maxsize=1024)
def _qualified(composite: CompositeDef) -> int:
    """The position (from 1) of the component whose code list the composite's
    1131/3055 pair names, or 0 when it has none."""
    refs = [m.ref for m in composite.components]
    for i in range(1, len(refs) - 1):
        if refs[i] == _CODE_LIST and refs[i + 1] == _AGENCY:
            return i
    return 0


def _listed_elsewhere(composite: CompositeDef, comps: Components) -> int:
    """The component whose code comes from a list other than the directory's, as
    the composite's own 1131/3055 say, or 0."""
    place = _qualified(composite)
    if not place or len(comps) <= place:
        return 0
    code_list = comps[place]
    agency = comps[place + 1] if len(comps) > place + 1 else ""
    return place if code_list or (agency and agency != _UNECE) else 0


def _element_id(definition: SegmentDef, directory: Directory, element: int,
                component: int | None) -> str | None:
    """The data element number at a position, for acknowledgements (AK4-02, UCD)."""
    if not 1 <= element <= len(definition.members):
        return None
    ref = definition.members[element - 1].ref
    composite = directory.composites.get(ref)
    if composite is not None and component and component <= len(composite.components):
        return composite.components[component - 1].ref
    return ref


def _check_rule(site: _Site, rule: Rule, definition: SegmentDef, directory: Directory) -> None:
    """A segment syntax note (X12 P/R/E/C/L, EDIFACT D1-D7) or a DATE rule."""
    seg = site.seg
    values = [_value_at(seg, ref) for ref in rule.refs]
    present = [bool(v) for v in values]
    refs = rule.refs

    def at(ref: str, **more: object) -> _Place:
        element, component = _split_ref(ref)
        return site.at(element, component=component,
                       element_id=_element_id(definition, directory, element, component),
                       **more)

    def missing(ref: str, why: str) -> None:
        site.report(Code.CONDITIONAL_MISSING, f"{seg.tag} {ref} is required: {why} (note "
                    f"{rule.text}).", at(ref))

    def excluded(ref: str, why: str) -> None:
        site.report(Code.EXCLUSION_VIOLATED, f"{seg.tag} {ref} must be absent: {why} (note "
                    f"{rule.text}).", at(ref, value=_value_at(seg, ref) or None))

    kind = rule.kind
    listed = ", ".join(refs)
    there = [r for r, here in zip(refs, present, strict=True) if here]
    if kind is RuleKind.DATE:
        value, fmt = values[0], values[1]
        pattern = _DATE_FORMATS.get(fmt)
        if value and pattern and not check_date_format(value, pattern):
            shown = pattern
            for directive, letters in (("%Y", "CCYY"), ("%y", "YY"), ("%m", "MM"),
                                       ("%d", "DD"), ("%H", "HH"), ("%M", "MM"), ("%S", "SS")):
                shown = shown.replace(directive, letters)
            site.report(Code.INVALID_DATE, f"{value!r} is not a valid date/time in format "
                        f"{fmt} ({shown}).", at(refs[0], value=value))
    elif kind is RuleKind.PAIRED and there and len(there) < len(refs):
        for ref in refs:
            if ref not in there:
                missing(ref, "the elements of this pair go together")
    elif kind is RuleKind.REQUIRED and not there:
        missing(refs[0], f"at least one of {listed} must be present")
    elif kind is RuleKind.EXCLUSION and len(there) > 1:
        excluded(there[1], f"at most one of {listed} may be present")
    elif kind is RuleKind.ONE_ONLY and not there:
        missing(refs[0], f"exactly one of {listed} must be present")
    elif kind is RuleKind.ONE_ONLY and len(there) > 1:
        excluded(there[1], f"exactly one of {listed} may be present")
    elif kind is RuleKind.CONDITIONAL and present[0]:
        for ref in refs[1:]:
            if ref not in there:
                missing(ref, f"{refs[0]} is present")
    elif kind is RuleKind.LIST_CONDITIONAL and present[0] and len(there) == 1:
        missing(refs[1], f"{refs[0]} is present, so one of {', '.join(refs[1:])} must be too")
    elif kind is RuleKind.IF_FIRST_NONE and present[0]:
        for ref in there[1:]:
            excluded(ref, f"{refs[0]} is present")


# Per rule: the (element, component) places it reads, 0-based, and the first
# element it reads (a segment that stops before it has none of them).
_RULE_PLACES: dict[int, tuple[tuple[tuple[int, int], ...], int]] = {}
# The notes that hold when none of their elements is there.
_EMPTY_HOLDS = frozenset({RuleKind.PAIRED, RuleKind.EXCLUSION, RuleKind.CONDITIONAL,
                          RuleKind.LIST_CONDITIONAL, RuleKind.IF_FIRST_NONE, RuleKind.DATE})


def _rule_holds(seg: Segment, rule: Rule) -> bool:
    """The quick yes for a syntax note: most segments keep their notes, and only a
    broken one needs :func:`_check_rule` to say what is wrong. Rules live as long
    as their loaded directory, so their places are kept by ``id``."""
    found = _RULE_PLACES.get(id(rule))
    if found is None:
        places = tuple((element - 1, (component or 1) - 1)
                       for element, component in map(_split_ref, rule.refs))
        found = _RULE_PLACES[id(rule)] = (places, min(e for e, _ in places))
    places, lowest = found
    elements = seg.elements
    count = len(elements)
    if count <= lowest:
        return rule.kind in _EMPTY_HOLDS
    values = []
    there = 0
    for element, component in places:
        value = ""
        if element < count:
            comps = elements[element]
            if component < len(comps):
                value = comps[component]
        values.append(value)
        if value:
            there += 1
    kind = rule.kind
    if kind is RuleKind.PAIRED:
        return there == 0 or there == len(values)
    if kind is RuleKind.DATE:
        pattern = _DATE_FORMATS.get(values[1])
        return not values[0] or pattern is None or check_date_format(values[0], pattern)
    first = bool(values[0])
    if kind is RuleKind.REQUIRED:
        return there >= 1
    if kind is RuleKind.EXCLUSION:
        return there <= 1
    if kind is RuleKind.ONE_ONLY:
        return there == 1
    if kind is RuleKind.CONDITIONAL:
        return not first or there == len(values)
    if kind is RuleKind.LIST_CONDITIONAL:
        return not first or there >= 2
    if kind is RuleKind.IF_FIRST_NONE:
        return not first or there == 1
    return False  # a kind this pass does not know: the full check decides


# The notes judged from which of their places hold a value, and how many verdicts
# a segment's notes remember (one per pattern of places present).
_BY_PRESENCE = frozenset({RuleKind.PAIRED, RuleKind.REQUIRED, RuleKind.EXCLUSION,
                          RuleKind.ONE_ONLY, RuleKind.CONDITIONAL, RuleKind.LIST_CONDITIONAL,
                          RuleKind.IF_FIRST_NONE})
_VERDICTS = 128


def _holds_by_mask(kind: RuleKind, there: int, every: int, first: int) -> bool:
    """:func:`_rule_holds` for a note whose places are the bits ``every``
    (``first``: its first place), given the bits ``there`` of those holding a value."""
    if kind is RuleKind.PAIRED:
        return there in (0, every)
    if kind is RuleKind.REQUIRED:
        return there != 0
    if kind is RuleKind.EXCLUSION:
        return there.bit_count() <= 1
    if kind is RuleKind.ONE_ONLY:
        return there.bit_count() == 1
    if kind is RuleKind.CONDITIONAL:
        return not there & first or there == every
    if kind is RuleKind.LIST_CONDITIONAL:
        return not there & first or there.bit_count() >= 2
    assert kind is RuleKind.IF_FIRST_NONE  # the last of _BY_PRESENCE
    return not there & first or there.bit_count() == 1


class _Notes:
    """A segment's syntax notes for the quick pass.

    Every note but DATE depends only on which of its places hold a value, so those
    are judged together from one bit mask of the places present, and the notes
    broken for each mask are remembered: a segment then costs a look at the places
    the notes read, most often a pattern seen before. A DATE note, or one naming a
    place twice, is judged by :func:`_rule_holds` on the values."""

    __slots__ = ("_by_mask", "_by_value", "_places", "_verdicts", "rules")

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        bits: dict[tuple[int, int], int] = {}
        by_mask: list[tuple[int, RuleKind, int, int]] = []
        by_value: list[int] = []
        for number, rule in enumerate(rules):
            places = [(element - 1, (component or 1) - 1)
                      for element, component in map(_split_ref, rule.refs)]
            if rule.kind not in _BY_PRESENCE or len(set(places)) < len(places):
                by_value.append(number)
                continue
            masks = [bits.setdefault(place, 1 << len(bits)) for place in places]
            by_mask.append((number, rule.kind, sum(masks), masks[0]))
        self._places = tuple(sorted((element, component, bit)
                                    for (element, component), bit in bits.items()))
        self._by_mask = tuple(by_mask)
        self._by_value = tuple(by_value)
        self._verdicts: dict[int, tuple[int, ...]] = {}

    def broken(self, seg: Segment) -> list[Rule]:
        """The notes ``seg`` breaks, in the definition's order."""
        elements = seg.elements
        count = len(elements)
        there = 0
        for element, component, bit in self._places:
            if element >= count:
                break  # the places are in order: none of the rest is there
            comps = elements[element]
            if component < len(comps) and comps[component]:
                there |= bit
        broken = self._verdicts.get(there)
        if broken is None:
            broken = tuple(number for number, kind, every, first in self._by_mask
                           if not _holds_by_mask(kind, there & every, every, first))
            if len(self._verdicts) < _VERDICTS:
                self._verdicts[there] = broken
        if self._by_value:
            valued = [number for number in self._by_value
                      if not _rule_holds(seg, self.rules[number])]
            if valued:
                broken = tuple(sorted(broken + tuple(valued)))
        return [self.rules[number] for number in broken] if broken else []


def _split_ref(ref: str) -> tuple[int, int | None]:
    element, _, component = ref.partition("-")
    return int(element), (int(component) if component else None)


def _value_at(seg: Segment, ref: str) -> str:
    element, component = _split_ref(ref)
    return seg.get(element, component or 1)


@dataclass(slots=True)
class Schemas:
    """Finds the directory and message definition for each message, with a
    cache of validators; ``lookup`` is the loader (injected for tests)."""

    lookup: Callable[[str, str], Directory | None]
    guides: list[Guide] = field(default_factory=list)
    xml_guides: list[XmlGuide] = field(default_factory=list)  # partner rules for XML
    _validators: dict[tuple[str, str, str], MessageValidator | None] = field(
        default_factory=dict)

    def _newest(self, standard: str) -> Directory | None:
        version = newest_version(standard)
        return self.lookup(standard, version) if version else None

    def validator(self, standard: str, version: str, mtype: str) -> MessageValidator | None:
        key = (standard, version, mtype)
        if key not in self._validators:
            version = resolve_version(standard, mtype, version)
            directory = self.lookup(standard, version) if version else None
            definition = directory.messages.get(mtype) if directory else None
            if directory is None or definition is None:
                self._validators[key] = None
            else:
                guide = next((g for g in self.guides
                              if g.applies_to(standard, version, mtype)), None)
                self._validators[key] = MessageValidator(
                    directory, definition, guide, later=partial(self._newest, standard))
        return self._validators[key]


def validate_message(message: Message, context: Context, schemas: Schemas) -> list[Issue]:
    """Schema issues of one message; a warning when no schema covers it."""
    return check_message(message, context, schemas)[0]


def check_message(message: Message, context: Context, schemas: Schemas
                  ) -> tuple[list[Issue], Placed | None]:
    """Schema issues of one message, and where its segments fell (None without a
    schema); a warning when no schema covers it."""
    if message.header is None and not message.type:
        return [], None
    validator = schemas.validator(context.standard, message.version, message.type)
    if validator is None:
        where = context.scope.at(message.header, position=1) if message.header else \
            context.scope.at()
        return [Issue.of(
            Code.UNKNOWN_MESSAGE,
            f"No schema for {context.standard.upper()} {message.type or '?'} "
            f"{message.version or '(no version)'}; only the envelope was checked.",
            where, severity=Severity.WARNING)], None
    issues, tree = validator.check(message, context)
    return issues, Placed(validator.directory.version, tree)


@dataclass(frozen=True, slots=True)
class Placed:
    """A message's instance tree and the directory version it was placed with."""

    version: str
    tree: Instance


def iter_structure(node: GroupNode) -> Iterator[Node]:
    """Every node of a structure, depth first."""
    for child in node.children:
        yield child
        if isinstance(child, GroupNode):
            yield from iter_structure(child)
